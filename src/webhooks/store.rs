//! The writes of webhooks: subscriptions as their owners change them, and
//! the deliveries the sender fans out from the change log, claims, and
//! records the outcome of.
//!
//! Deliveries are rows, so nothing is kept only in memory: a restart picks up
//! where the last instance stopped. Several instances share the work safely:
//! fanning out takes the subscription's row lock (and a delivery is unique per
//! subscription and change), and a delivery is claimed by a conditional update
//! that one instance wins, for a while, before it is sent.
//!
//! (A delivery is also unique per subscription and change in the schema: a
//! second fan-out of the same change could only fail, never send twice.)

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::model::{
    DeliveryPayload, DeliveryRow, DeliveryStatus, SubscriptionRow, SubscriptionStatus,
    UpdateWebhookSubscription,
};
use super::rules;
use crate::audit::{self, Caller, Change};
use crate::db::record::{self, Record};
use crate::db::schema::api_clients as ac;
use crate::db::schema::webhook_deliveries as wd;
use crate::db::schema::webhook_subscriptions as ws;
use crate::db::{DbConn, new_id, now};
use crate::error::{ApiError, ProblemCode};

/// How long an instance holds a delivery it claimed before another may try:
/// longer than a try can take.
const CLAIM: chrono::Duration = chrono::Duration::seconds(60);

/// Changes fanned out per subscription in one go.
const FAN_OUT_BATCH: i64 = 500;

/// Who a new subscription belongs to.
#[derive(Debug, Clone)]
pub struct Owner {
    pub organization_id: String,
    pub api_client_id: Option<String>,
}

/// Creates a subscription with `secret` that follows `types` (`None`: every
/// type) from the end of the change log: it receives the changes committed
/// after it.
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    owner: Owner,
    url: &str,
    types: Option<Vec<String>>,
    secret: &str,
) -> Result<SubscriptionRow, ApiError> {
    crate::db::references::ensure_organization(conn, &owner.organization_id, "organization_id")?;
    let id = new_id();
    let now = now();
    let event_types = types.as_ref().map(|t| t.join(","));
    diesel::insert_into(ws::table)
        .values((
            ws::id.eq(&id),
            ws::organization_id.eq(&owner.organization_id),
            ws::api_client_id.eq(&owner.api_client_id),
            ws::url.eq(url),
            ws::event_types.eq(&event_types),
            ws::secret.eq(secret),
            ws::status.eq(SubscriptionStatus::Active.as_str()),
            ws::consecutive_failures.eq(0),
            ws::log_position.eq(crate::audit::feed::last_seq(conn)?),
            ws::created_at.eq(now),
            ws::updated_at.eq(now),
            ws::version.eq(1),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("webhook_subscription", &id, "create")
            .value("organization_id", &owner.organization_id)
            .value("api_client_id", &owner.api_client_id)
            .value("url", url)
            .value("event_types", &types)
            .personal("secret"),
    )?;
    record::find(conn, &id)
}

/// Applies `form` (its `event_types` already checked against what the caller
/// may follow) to `current`.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    current: SubscriptionRow,
    form: UpdateWebhookSubscription,
) -> Result<SubscriptionRow, ApiError> {
    let now = now();
    let id = current.id.as_str();
    if let Some(url) = &form.url {
        diesel::update(ws::table.find(id))
            .set(ws::url.eq(url))
            .execute(conn)?;
    }
    if let Some(types) = &form.event_types {
        diesel::update(ws::table.find(id))
            .set(ws::event_types.eq(types.as_ref().map(|t| t.join(","))))
            .execute(conn)?;
    }
    match form.active {
        Some(true) => {
            diesel::update(ws::table.find(id))
                .set((
                    ws::status.eq(SubscriptionStatus::Active.as_str()),
                    ws::disabled_reason.eq(None::<String>),
                    ws::consecutive_failures.eq(0),
                    ws::failing_since.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            // What waited goes out at once.
            diesel::update(
                wd::table
                    .filter(wd::subscription_id.eq(id))
                    .filter(wd::status.eq(DeliveryStatus::Pending.as_str())),
            )
            .set(wd::next_attempt_at.eq(now))
            .execute(conn)?;
        }
        Some(false) => {
            diesel::update(ws::table.find(id))
                .set((
                    ws::status.eq(SubscriptionStatus::Disabled.as_str()),
                    ws::disabled_reason.eq("turned off by a user"),
                ))
                .execute(conn)?;
        }
        None => {}
    }
    diesel::update(ws::table.find(id))
        .set((ws::updated_at.eq(now), ws::version.eq(ws::version + 1)))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("webhook_subscription", id, "update").form(&form, &[]),
    )?;
    record::find(conn, id)
}

/// Deletes a subscription and its deliveries.
pub fn delete(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<(), ApiError> {
    diesel::delete(wd::table.filter(wd::subscription_id.eq(id))).execute(conn)?;
    diesel::delete(ws::table.find(id)).execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("webhook_subscription", id, "delete"),
    )
}

/// Makes a delivery due again now, with a fresh round of tries. Refused (409)
/// while its subscription is disabled: turn it on first.
pub fn redeliver(
    conn: &mut DbConn,
    caller: &Caller,
    subscription: &SubscriptionRow,
    delivery: DeliveryRow,
) -> Result<DeliveryRow, ApiError> {
    if subscription.status != SubscriptionStatus::Active.as_str() {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            "The subscription is disabled: turn it on (`active: true`) before redelivering.",
        ));
    }
    let now = now();
    diesel::update(wd::table.find(&delivery.id))
        .set((
            wd::status.eq(DeliveryStatus::Pending.as_str()),
            wd::attempts.eq(0),
            wd::next_attempt_at.eq(now),
            wd::claimed_until.eq(None::<NaiveDateTime>),
            wd::updated_at.eq(now),
            wd::version.eq(wd::version + 1),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("webhook_delivery", &delivery.id, "redeliver"),
    )?;
    record::find(conn, &delivery.id)
}

/// The active subscriptions that have not yet been given the change log's
/// newest entries, by id.
pub fn behind(conn: &mut DbConn) -> Result<Vec<String>, ApiError> {
    let newest = crate::audit::feed::last_seq(conn)?;
    Ok(ws::table
        .filter(ws::status.eq(SubscriptionStatus::Active.as_str()))
        .filter(ws::log_position.lt(newest))
        .order(ws::id.asc())
        .select(ws::id)
        .load(conn)?)
}

/// Turns the changes committed after subscription `id`'s position into its
/// deliveries, up to a batch, and moves the position on; returns how many
/// deliveries it made. Call inside [`crate::db::Db::write`]: the
/// subscription's row lock makes instances take turns, and the change log's
/// positions are in commit order, so no change is skipped or fanned out
/// twice. A subscription whose API client was revoked is disabled instead.
///
/// The deliveries are due at `at`.
pub fn fan_out(conn: &mut DbConn, id: &str, at: NaiveDateTime) -> Result<usize, ApiError> {
    let sub: SubscriptionRow = record::locked(conn, id)?;
    if sub.status != SubscriptionStatus::Active.as_str() {
        return Ok(0);
    }
    if let Some(client) = &sub.api_client_id {
        let revoked: Option<NaiveDateTime> =
            ac::table.find(client).select(ac::revoked_at).first(conn)?;
        if revoked.is_some() {
            disable(conn, &sub, "its API client was revoked")?;
            return Ok(0);
        }
    }
    let types = sub.types();
    let (entries, next) =
        crate::audit::feed::read(conn, sub.log_position, types.as_deref(), FAN_OUT_BATCH)?;
    let now = now();
    let mut made = 0;
    for change in entries {
        let delivery_id = new_id();
        let event_type = rules::event_type(&change.entity_type, &change.action);
        let change_seq = change.seq;
        let payload = serde_json::to_string(&DeliveryPayload {
            delivery_id: delivery_id.clone(),
            subscription_id: sub.id.clone(),
            event_type: event_type.clone(),
            change,
        })
        .map_err(ApiError::internal)?;
        made += diesel::insert_into(wd::table)
            .values((
                wd::id.eq(&delivery_id),
                wd::subscription_id.eq(&sub.id),
                wd::change_seq.eq(change_seq),
                wd::event_type.eq(&event_type),
                wd::payload.eq(&payload),
                wd::status.eq(DeliveryStatus::Pending.as_str()),
                wd::attempts.eq(0),
                wd::next_attempt_at.eq(at),
                wd::created_at.eq(now),
                wd::updated_at.eq(now),
                wd::version.eq(1),
            ))
            .execute(conn)?;
    }
    if next != sub.log_position {
        diesel::update(ws::table.find(&sub.id))
            .set(ws::log_position.eq(next))
            .execute(conn)?;
    }
    Ok(made)
}

fn disable(conn: &mut DbConn, sub: &SubscriptionRow, reason: &str) -> Result<(), ApiError> {
    diesel::update(ws::table.find(&sub.id))
        .set((
            ws::status.eq(SubscriptionStatus::Disabled.as_str()),
            ws::disabled_reason.eq(reason),
            ws::updated_at.eq(now()),
            ws::version.eq(ws::version + 1),
        ))
        .execute(conn)?;
    tracing::warn!(subscription = %sub.id, reason, "webhook subscription disabled");
    Ok(())
}

/// A delivery claimed for sending, with where it goes.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: String,
    pub subscription_id: String,
    pub event_type: String,
    pub payload: String,
    /// This try's number.
    pub attempt: i32,
    pub url: String,
    pub secret: String,
}

/// Claims up to `limit` deliveries due at `at` of active subscriptions, for
/// this instance: each one a conditional update that one claimant wins, on
/// both backends, so that instances sending at once never send one twice.
pub fn claim(conn: &mut DbConn, at: NaiveDateTime, limit: i64) -> Result<Vec<Claimed>, ApiError> {
    let free = || wd::claimed_until.is_null().or(wd::claimed_until.lt(at));
    let due: Vec<String> = wd::table
        .inner_join(ws::table)
        .filter(ws::status.eq(SubscriptionStatus::Active.as_str()))
        .filter(wd::status.eq(DeliveryStatus::Pending.as_str()))
        .filter(wd::next_attempt_at.le(at))
        .filter(free())
        .order((wd::next_attempt_at.asc(), wd::id.asc()))
        .limit(limit)
        .select(wd::id)
        .load(conn)?;
    let mut claimed = Vec::new();
    for id in due {
        let won = diesel::update(
            wd::table
                .find(&id)
                .filter(wd::status.eq(DeliveryStatus::Pending.as_str()))
                .filter(free()),
        )
        .set((
            wd::claimed_until.eq(at + CLAIM),
            wd::attempts.eq(wd::attempts + 1),
        ))
        .execute(conn)?;
        if won == 1 {
            let (d, url, secret): (DeliveryRow, String, String) = wd::table
                .inner_join(ws::table)
                .filter(wd::id.eq(&id))
                .select((DeliveryRow::as_select(), ws::url, ws::secret))
                .first(conn)?;
            claimed.push(Claimed {
                id: d.id,
                subscription_id: d.subscription_id,
                event_type: d.event_type,
                payload: d.payload,
                attempt: d.attempts,
                url,
                secret,
            });
        }
    }
    Ok(claimed)
}

/// How a try ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The receiver answered 2xx.
    Delivered { status: u16 },
    /// It answered something else, or could not be reached (`status`: none).
    Failed { status: Option<u16>, error: String },
}

/// Records how the try of `delivery` at `at` ended, on the delivery and on
/// its subscription's failure count (which may disable it). Call inside
/// [`crate::db::Db::write`].
pub fn record_outcome(
    conn: &mut DbConn,
    delivery: &Claimed,
    outcome: &Outcome,
    at: NaiveDateTime,
) -> Result<(), ApiError> {
    let sub: SubscriptionRow = match record::locked(conn, &delivery.subscription_id) {
        Ok(sub) => sub,
        // Deleted while the try ran: its deliveries went with it.
        Err(e) if e.code() == ProblemCode::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let bump = (wd::updated_at.eq(at), wd::version.eq(wd::version + 1));
    match outcome {
        Outcome::Delivered { status } => {
            diesel::update(wd::table.find(&delivery.id))
                .set((
                    wd::status.eq(DeliveryStatus::Delivered.as_str()),
                    wd::delivered_at.eq(at),
                    wd::claimed_until.eq(None::<NaiveDateTime>),
                    wd::last_status_code.eq(i32::from(*status)),
                    wd::last_error.eq(None::<String>),
                    bump,
                ))
                .execute(conn)?;
            if sub.consecutive_failures > 0 {
                diesel::update(ws::table.find(&sub.id))
                    .set((
                        ws::consecutive_failures.eq(0),
                        ws::failing_since.eq(None::<NaiveDateTime>),
                        ws::updated_at.eq(at),
                        ws::version.eq(ws::version + 1),
                    ))
                    .execute(conn)?;
            }
        }
        Outcome::Failed { status, error } => {
            let error: String = error.chars().take(500).collect();
            let gave_up = delivery.attempt >= rules::MAX_ATTEMPTS;
            let state = if gave_up {
                DeliveryStatus::Failed
            } else {
                DeliveryStatus::Pending
            };
            diesel::update(wd::table.find(&delivery.id))
                .set((
                    wd::status.eq(state.as_str()),
                    wd::next_attempt_at.eq(at + rules::retry_after(delivery.attempt)),
                    wd::claimed_until.eq(None::<NaiveDateTime>),
                    wd::last_status_code.eq(status.map(i32::from)),
                    wd::last_error.eq(&error),
                    bump,
                ))
                .execute(conn)?;
            let failures = sub.consecutive_failures.saturating_add(1);
            let since = sub.failing_since.unwrap_or(at);
            diesel::update(ws::table.find(&sub.id))
                .set((
                    ws::consecutive_failures.eq(failures),
                    ws::failing_since.eq(since),
                    ws::updated_at.eq(at),
                    ws::version.eq(ws::version + 1),
                ))
                .execute(conn)?;
            if sub.status == SubscriptionStatus::Active.as_str()
                && rules::disable_now(failures, since, at)
            {
                let reason: String = format!("{failures} tries in a row failed; the last: {error}")
                    .chars()
                    .take(500)
                    .collect();
                disable(conn, &sub, &reason)?;
            }
        }
    }
    Ok(())
}

/// Delivery `delivery_id` of `subscription` (locked, with `lock`), or 404
/// when it is not one of its.
pub fn delivery_of(
    conn: &mut DbConn,
    subscription: &SubscriptionRow,
    delivery_id: &str,
    lock: bool,
) -> Result<DeliveryRow, ApiError> {
    let row: DeliveryRow = if lock {
        record::locked(conn, delivery_id)?
    } else {
        record::find(conn, delivery_id)?
    };
    if row.subscription_id != subscription.id() {
        return Err(ApiError::not_found(format!(
            "No webhook delivery has the id `{delivery_id}`."
        )));
    }
    Ok(row)
}

/// How long a delivery that is done (delivered, or given up) is kept.
pub fn kept_for() -> chrono::Duration {
    chrono::Duration::days(30)
}

/// Deletes the deliveries done before `before` (see [`kept_for`]); returns
/// how many. Pending ones are kept whatever their age.
pub fn purge(conn: &mut DbConn, before: NaiveDateTime) -> Result<usize, ApiError> {
    Ok(diesel::delete(
        wd::table
            .filter(wd::status.ne(DeliveryStatus::Pending.as_str()))
            .filter(wd::updated_at.lt(before)),
    )
    .execute(conn)?)
}
