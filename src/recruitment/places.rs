//! Places: how many a category has taken, the queue numbers, and what happens
//! when one is freed — the first in line (by rank once a review ranked them,
//! else by arrival) accepted, or offered for the call's
//! `offer_hours`, confirmed by the applicant or lapsing on time (each decision
//! on a call lapses its expired offers first; `sweep_offers` does it for every
//! call, from a background task of every instance). Every function runs with
//! the call's row locked, as [`super::store`]'s decisions do.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::emails;
use super::model::{ApplicationRow, CallRow};
use super::rules::{ApplicationStatus, ApplicationTransition, CallStatus};
use super::store::category_of;
use crate::audit::{self, Caller, Change};
use crate::db::enums::StrEnum;
use crate::db::record::{self, Record};
use crate::db::schema::{applications as ap, calls as cl};
use crate::db::{DbConn, now};
use crate::error::ApiError;
use crate::http::transition::next_state;

/// The places of `category` taken: accepted, or offered and not yet lapsed.
pub(super) fn taken_in(conn: &mut DbConn, call: &str, category: &str) -> Result<i64, ApiError> {
    Ok(ap::table
        .filter(ap::call_id.eq(call))
        .filter(ap::category.eq(category))
        .filter(ap::status.eq_any([
            ApplicationStatus::Accepted.as_str(),
            ApplicationStatus::Offered.as_str(),
        ]))
        .count()
        .get_result(conn)?)
}

/// Takes the next number of the call's queue (every decision takes one, so
/// the call's tag changes with its places): the call's row is locked by the
/// caller, so the number is the call's alone.
pub(super) fn next_seq(conn: &mut DbConn, call: &CallRow) -> Result<i64, ApiError> {
    diesel::update(cl::table.find(call.id()))
        .set(cl::last_seq.eq(cl::last_seq + 1))
        .execute(conn)?;
    Ok(cl::table.find(call.id()).select(cl::last_seq).first(conn)?)
}

/// Gives the free places of `category` to its waitlist, first come first:
/// accepted at once, or, when the call says so, offered for `offer_hours`.
pub(super) fn fill_places(
    conn: &mut DbConn,
    caller: &Caller,
    call: &CallRow,
    category: &str,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let Ok(quota) = category_of(call, category).map(|c| c.quota) else {
        return Ok(());
    };
    let free = i64::from(quota) - taken_in(conn, call.id(), category)?;
    if free <= 0 {
        return Ok(());
    }
    let next: Vec<(String, i64, String, String)> = ap::table
        .filter(ap::call_id.eq(call.id()))
        .filter(ap::category.eq(category))
        .filter(ap::status.eq(ApplicationStatus::Waitlisted.as_str()))
        // A ranked call's line goes by rank (every waitlisted application of
        // it has one), any other's by order of arrival.
        .order((ap::rank.asc(), ap::seq.asc()))
        .limit(free)
        .select((ap::id, ap::version, ap::name, ap::email))
        .load(conn)?;
    let (to_status, expires) = match call.offer_hours {
        Some(h) => (
            ApplicationStatus::Offered,
            Some(now + chrono::Duration::hours(i64::from(h))),
        ),
        None => (ApplicationStatus::Accepted, None),
    };
    for (id, version, name, email) in next {
        diesel::update(ap::table.find(&id))
            .set((
                ap::status.eq(to_status.as_str()),
                ap::offer_expires_at.eq(expires),
                ap::decided_at.eq(now),
                ap::updated_at.eq(now),
                ap::version.eq(version + 1),
            ))
            .execute(conn)?;
        let change = Change::new("application", &id, "promote")
            .value("from", ApplicationStatus::Waitlisted)
            .value("to", to_status)
            .value(
                "offer_expires_at",
                expires.map(crate::http::timestamp::Timestamp::from),
            );
        audit::record(conn, caller, change)?;
        let to = emails::Applicant {
            application_id: &id,
            name: &name,
            email: &email,
        };
        let deadline = expires.map(emails::deadline);
        emails::decided(conn, call, to, to_status, None, deadline.as_deref())?;
    }
    Ok(())
}

/// Lapses the offers of `call` (locked by the caller) not confirmed by `now`,
/// and passes each freed place to the next in line. Returns how many lapsed.
pub(super) fn lapse_expired(
    conn: &mut DbConn,
    caller: &Caller,
    call: &CallRow,
    now: NaiveDateTime,
) -> Result<usize, ApiError> {
    let expired: Vec<(String, String, i64, String, String)> = ap::table
        .filter(ap::call_id.eq(call.id()))
        .filter(ap::status.eq(ApplicationStatus::Offered.as_str()))
        .filter(ap::offer_expires_at.le(now))
        .order(ap::seq.asc())
        .select((ap::id, ap::category, ap::version, ap::name, ap::email))
        .load(conn)?;
    if expired.is_empty() {
        return Ok(0);
    }
    let mut categories = std::collections::BTreeSet::new();
    for (id, category, version, name, email) in &expired {
        diesel::update(ap::table.find(id))
            .set((
                ap::status.eq(ApplicationStatus::Lapsed.as_str()),
                ap::decided_at.eq(now),
                ap::updated_at.eq(now),
                ap::version.eq(version + 1),
            ))
            .execute(conn)?;
        let change = Change::new("application", id, "lapse")
            .value("from", ApplicationStatus::Offered)
            .value("to", ApplicationStatus::Lapsed);
        audit::record(conn, caller, change)?;
        let to = emails::Applicant {
            application_id: id,
            name,
            email,
        };
        emails::decided(conn, call, to, ApplicationStatus::Lapsed, None, None)?;
        categories.insert(category.clone());
    }
    next_seq(conn, call)?;
    if call.stored_status()? != CallStatus::Cancelled {
        for category in categories {
            fill_places(conn, caller, call, &category, now)?;
        }
    }
    Ok(expired.len())
}

/// Lapses the expired offers of the call `call_id` (locked here), in the
/// caller's write transaction; returns how many lapsed.
pub fn expire_offers(conn: &mut DbConn, caller: &Caller, call_id: &str) -> Result<usize, ApiError> {
    let call: CallRow = record::locked(conn, call_id)?;
    lapse_expired(conn, caller, &call, now())
}

/// The calls with an offer past its time: what the background sweep visits.
pub fn calls_with_expired_offers(conn: &mut DbConn) -> Result<Vec<String>, ApiError> {
    Ok(ap::table
        .filter(ap::status.eq(ApplicationStatus::Offered.as_str()))
        .filter(ap::offer_expires_at.le(now()))
        .select(ap::call_id)
        .distinct()
        .load(conn)?)
}

/// Confirms the offered place of application `id`: 409 unless it is offered
/// and its offer has not lapsed (an offer past its time lapses first).
pub fn confirm(
    conn: &mut DbConn,
    caller: &Caller,
    call_id: &str,
    id: &str,
) -> Result<ApplicationRow, ApiError> {
    let call: CallRow = record::locked(conn, call_id)?;
    let now = now();
    lapse_expired(conn, caller, &call, now)?;
    let current: ApplicationRow = record::locked(conn, id)?;
    let status = ApplicationStatus::stored(&current.status)?;
    let next = next_state(status, ApplicationTransition::Confirm)?;
    diesel::update(ap::table.find(id))
        .set((
            ap::status.eq(next.as_str()),
            ap::offer_expires_at.eq(None::<NaiveDateTime>),
            ap::decided_at.eq(now),
            ap::updated_at.eq(now),
            ap::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    next_seq(conn, &call)?;
    let change = Change::new("application", id, "confirm")
        .value("from", status)
        .value("to", next);
    audit::record(conn, caller, change)?;
    record::find(conn, id)
}

/// Lapses every offer past its time, call by call, each in its own write
/// transaction (several instances may sweep at once: the call's lock makes
/// each lapse happen once). Returns how many lapsed.
pub fn sweep_offers(db_conn: &mut DbConn) -> Result<usize, ApiError> {
    let caller = Caller {
        actor: crate::auth::Actor::Anonymous,
        request_id: None,
    };
    let mut lapsed = 0;
    for call in calls_with_expired_offers(db_conn)? {
        lapsed +=
            crate::db::write_transaction(db_conn, |conn| expire_offers(conn, &caller, &call))?;
    }
    Ok(lapsed)
}
