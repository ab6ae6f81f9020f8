//! Emails, through an outbox: a module writes a message in the same
//! transaction as the decision it reports ([`enqueue`]), so a decision is
//! never taken without its message nor a message sent for a decision rolled
//! back; a background task of every instance sends what is due over SMTP
//! ([`smtp`]). Each message is claimed by one instance for a while before it
//! is sent, and retried with a growing pause until the server takes it.
//! Without SMTP configured the outbox fills and waits.

pub mod smtp;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::notifications as nt;
use crate::db::{DbConn, new_id, now};
use crate::error::ApiError;

/// Where a message's body carries the secret kept in `secret`, until sending.
pub const SECRET_MARK: &str = "{management_token}";

/// How long an instance holds a message it claimed before another may try.
const CLAIM: chrono::Duration = chrono::Duration::minutes(5);

crate::string_enum! {
    "notification status"
    pub enum NotificationStatus {
        Pending = "pending",
        Sent = "sent",
        /// The server refused it for good (a permanent SMTP error).
        Failed = "failed",
    }
}

/// A message to write to the outbox.
#[derive(Debug)]
pub struct Email<'a> {
    /// What it reports (`application_received`, `application_accepted`, …).
    pub kind: &'static str,
    pub to: &'a str,
    pub subject: String,
    /// The text; [`SECRET_MARK`] where `secret` goes.
    pub body: String,
    /// A secret the message carries (kept apart, erased once sent).
    pub secret: Option<&'a str>,
    pub application_id: Option<&'a str>,
}

/// Writes `email` to the outbox, in the caller's transaction. A message to
/// nobody (an erased address) is not written.
pub fn enqueue(conn: &mut DbConn, email: Email<'_>) -> Result<(), ApiError> {
    if email.to.is_empty() {
        return Ok(());
    }
    let now = now();
    diesel::insert_into(nt::table)
        .values((
            nt::id.eq(new_id()),
            nt::kind.eq(email.kind),
            nt::recipient.eq(email.to),
            nt::subject.eq(&email.subject),
            nt::body.eq(&email.body),
            nt::secret.eq(email.secret),
            nt::application_id.eq(email.application_id),
            nt::status.eq(NotificationStatus::Pending.as_str()),
            nt::attempts.eq(0),
            nt::next_attempt_at.eq(now),
            nt::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// A message claimed for sending.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = nt)]
pub struct Outgoing {
    pub id: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub secret: Option<String>,
    pub attempts: i32,
}

/// Claims up to `limit` messages due at `now` for this instance: each one a
/// conditional update that succeeds for one claimant only, on SQLite and on
/// PostgreSQL alike, so that instances sending at once never send one twice.
pub fn claim(conn: &mut DbConn, limit: i64) -> Result<Vec<Outgoing>, ApiError> {
    let now = now();
    let free = || nt::claimed_until.is_null().or(nt::claimed_until.lt(now));
    let due: Vec<String> = nt::table
        .filter(nt::status.eq(NotificationStatus::Pending.as_str()))
        .filter(nt::next_attempt_at.le(now))
        .filter(free())
        .order((nt::next_attempt_at.asc(), nt::id.asc()))
        .limit(limit)
        .select(nt::id)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in due {
        let won = diesel::update(
            nt::table
                .find(&id)
                .filter(nt::status.eq(NotificationStatus::Pending.as_str()))
                .filter(free()),
        )
        .set((
            nt::claimed_until.eq(now + CLAIM),
            nt::attempts.eq(nt::attempts + 1),
        ))
        .execute(conn)?;
        if won == 1 {
            claimed.push(
                nt::table
                    .find(&id)
                    .select(Outgoing::as_select())
                    .first(conn)?,
            );
        }
    }
    Ok(claimed)
}

/// Marks `id` sent, and erases the secret it carried.
pub fn mark_sent(conn: &mut DbConn, id: &str) -> Result<(), ApiError> {
    diesel::update(nt::table.find(id))
        .set((
            nt::status.eq(NotificationStatus::Sent.as_str()),
            nt::sent_at.eq(now()),
            nt::secret.eq(None::<String>),
            nt::claimed_until.eq(None::<NaiveDateTime>),
            nt::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    Ok(())
}

/// The pause before the next try after `attempts` failed ones: 30 s, doubling,
/// at most an hour.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let doublings = u32::try_from(attempts.clamp(1, 8) - 1).unwrap_or(0);
    chrono::Duration::seconds(30 * 2_i64.pow(doublings)).min(chrono::Duration::hours(1))
}

/// Records a failed try of `id`: retried after [`backoff`], or, when
/// `permanent`, failed for good.
pub fn mark_failed(
    conn: &mut DbConn,
    id: &str,
    attempts: i32,
    error: &str,
    permanent: bool,
) -> Result<(), ApiError> {
    let status = if permanent {
        NotificationStatus::Failed
    } else {
        NotificationStatus::Pending
    };
    let error: String = error.chars().take(1000).collect();
    diesel::update(nt::table.find(id))
        .set((
            nt::status.eq(status.as_str()),
            nt::next_attempt_at.eq(now() + backoff(attempts)),
            nt::claimed_until.eq(None::<NaiveDateTime>),
            nt::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// Deletes the messages about `applications` (made-up ones: the demo's).
pub fn drop_for(conn: &mut DbConn, applications: &[String]) -> Result<(), ApiError> {
    for chunk in applications.chunks(500) {
        diesel::delete(nt::table.filter(nt::application_id.eq_any(chunk))).execute(conn)?;
    }
    Ok(())
}

/// How many messages wait to be sent.
pub fn pending(conn: &mut DbConn) -> Result<i64, ApiError> {
    Ok(nt::table
        .filter(nt::status.eq(NotificationStatus::Pending.as_str()))
        .count()
        .get_result(conn)?)
}

/// Erases the messages about `applications` (their addresses and texts are
/// personal data); those not yet sent are dropped.
pub fn erase_for(conn: &mut DbConn, applications: &[String]) -> Result<(), ApiError> {
    for chunk in applications.chunks(500) {
        diesel::update(nt::table.filter(nt::application_id.eq_any(chunk)))
            .set((
                nt::recipient.eq(""),
                nt::subject.eq(""),
                nt::body.eq(""),
                nt::secret.eq(None::<String>),
            ))
            .execute(conn)?;
        diesel::update(
            nt::table
                .filter(nt::application_id.eq_any(chunk))
                .filter(nt::status.eq(NotificationStatus::Pending.as_str())),
        )
        .set((
            nt::status.eq(NotificationStatus::Failed.as_str()),
            nt::last_error.eq("the applicant's data were erased before it was sent"),
        ))
        .execute(conn)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_up_to_an_hour() {
        assert_eq!(backoff(1), chrono::Duration::seconds(30));
        assert_eq!(backoff(2), chrono::Duration::seconds(60));
        assert_eq!(backoff(4), chrono::Duration::seconds(240));
        assert_eq!(backoff(8), chrono::Duration::hours(1));
        assert_eq!(backoff(50), chrono::Duration::hours(1));
    }
}
