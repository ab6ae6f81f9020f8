//! Failed-login throttling, kept in the database so that every instance sees the
//! same counts. Keys are `account:<email>` (whether or not the account exists, so
//! the answer reveals nothing) and `ip:<address>`.
//!
//! Below the limit, each failure only slows the next answer; at the limit the key
//! is blocked, for 30 s doubling with each further failure up to 15 minutes, and
//! requests get 429 with `Retry-After`. Failures older than the window are
//! forgotten; a successful login clears its account key.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::login_throttle::dsl as lt;
use crate::error::ApiError;

pub const ACCOUNT_LIMIT: i32 = 5;
pub const ADDRESS_LIMIT: i32 = 20;
const WINDOW_MINUTES: i64 = 15;
const FIRST_BLOCK_SECS: i64 = 30;
const MAX_BLOCK_SECS: i64 = 15 * 60;

pub fn account_key(email: &str) -> String {
    format!("account:{email}")
}

pub fn address_key(address: &str) -> String {
    format!("ip:{address}")
}

/// Seconds until the first of `keys` that is blocked is free again.
pub fn blocked_for(conn: &mut DbConn, keys: &[String]) -> Result<Option<u64>, ApiError> {
    let now = crate::db::now();
    let until: Vec<Option<NaiveDateTime>> = lt::login_throttle
        .filter(lt::throttle_key.eq_any(keys))
        .select(lt::blocked_until)
        .load(conn)?;
    Ok(until
        .into_iter()
        .flatten()
        .filter(|t| *t > now)
        .map(|t| (t - now).num_seconds().max(1) as u64)
        .max())
}

/// Counts a failure against `key`; returns how many failures the window holds.
pub fn record_failure(conn: &mut DbConn, key: &str, limit: i32) -> Result<i32, ApiError> {
    conn.transaction(|conn| {
        let now = crate::db::now();
        let row: Option<(i32, NaiveDateTime)> = lt::login_throttle
            .find(key)
            .select((lt::failures, lt::first_failure_at))
            .first(conn)
            .optional()?;
        let (failures, first) = match row {
            Some((n, first)) if now - first < Duration::minutes(WINDOW_MINUTES) => (n + 1, first),
            _ => (1, now),
        };
        let blocked_until = (failures >= limit).then(|| {
            let doublings = (failures - limit).min(10) as u32;
            let secs = (FIRST_BLOCK_SECS << doublings).min(MAX_BLOCK_SECS);
            now + Duration::seconds(secs)
        });
        let updated = diesel::update(lt::login_throttle.find(key))
            .set((
                lt::failures.eq(failures),
                lt::first_failure_at.eq(first),
                lt::blocked_until.eq(blocked_until),
            ))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(lt::login_throttle)
                .values((
                    lt::throttle_key.eq(key),
                    lt::failures.eq(failures),
                    lt::first_failure_at.eq(first),
                    lt::blocked_until.eq(blocked_until),
                ))
                .execute(conn)?;
        }
        Ok(failures)
    })
}

pub fn clear(conn: &mut DbConn, key: &str) -> Result<(), ApiError> {
    diesel::delete(lt::login_throttle.find(key)).execute(conn)?;
    Ok(())
}
