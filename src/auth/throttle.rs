//! Failed-login throttling, kept in the database so that every instance sees the
//! same counts. Three counters, so that brute force stays expensive without
//! handing anyone a switch that locks a user out:
//!
//! - `pair:<email>|<address>`: one address guessing one account. At
//!   [`PAIR_LIMIT`] failures that address is blocked *for that account*: 429
//!   with `Retry-After`, 30 s doubling with each further attempt up to 15
//!   minutes. The account's owner, from any other address, is not affected.
//! - `ip:<address>`: one address guessing any accounts. At [`ADDRESS_LIMIT`]
//!   failures the address is blocked the same way for every account.
//! - `account:<email>`: failures on one account from all addresses together. It
//!   never blocks; past [`PAIR_LIMIT`] failures every attempt on the account is
//!   answered more slowly (up to [`MAX_ACCOUNT_DELAY_MS`]), which slows a
//!   distributed guesser without refusing the owner's correct password.
//!
//! Addresses are the client's (through trusted proxies), IPv6 counted by its
//! /64 ([`crate::http::client_addr`]). Keys exist whether or not the account
//! does, so the answer reveals nothing. Every attempt is counted before the
//! password is checked (so a burst of parallel guesses gets no more tries than
//! a sequence); a success clears its pair and account and forgives one count
//! of its address. A count is forgotten after 15 minutes without an attempt,
//! and such rows are purged.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::login_throttle::dsl as lt;
use crate::error::ApiError;

/// Failures of one address on one account before that pair is blocked.
pub const PAIR_LIMIT: i32 = 5;
/// Failures of one address on any accounts before the address is blocked.
pub const ADDRESS_LIMIT: i32 = 20;
/// The slowest answer an account under attack gets.
pub const MAX_ACCOUNT_DELAY_MS: u64 = 3_000;
const ACCOUNT_DELAY_STEP_MS: u64 = 250;
const WINDOW_MINUTES: i64 = 15;
const FIRST_BLOCK_SECS: i64 = 30;
const MAX_BLOCK_SECS: i64 = 15 * 60;

pub fn account_key(email: &str) -> String {
    format!("account:{email}")
}

pub fn pair_key(email: &str, address: &str) -> String {
    format!("pair:{email}|{address}")
}

pub fn address_key(address: &str) -> String {
    format!("ip:{address}")
}

/// How long to wait before checking a password for an account that has had
/// `failures` recent failures from all addresses together.
pub fn account_delay(failures: i32) -> std::time::Duration {
    let over = u64::try_from(failures - PAIR_LIMIT).unwrap_or(0);
    std::time::Duration::from_millis((over * ACCOUNT_DELAY_STEP_MS).min(MAX_ACCOUNT_DELAY_MS))
}

/// Deletes counts that are past their window and no longer block, so that
/// anonymous requests cannot grow the table without bound.
pub fn purge_stale(conn: &mut DbConn) -> Result<usize, ApiError> {
    let now = crate::db::now();
    let cutoff = now - Duration::minutes(WINDOW_MINUTES);
    Ok(diesel::delete(
        lt::login_throttle
            .filter(lt::last_failure_at.lt(cutoff))
            .filter(lt::blocked_until.is_null().or(lt::blocked_until.lt(now))),
    )
    .execute(conn)?)
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

/// Counts a failure against `key`, blocking it at `limit` (`None`: never);
/// returns how many failures the window holds.
/// Safe under concurrency: the increment is one atomic `UPDATE`, which also locks
/// the row for the rest of the transaction.
pub fn record_failure(conn: &mut DbConn, key: &str, limit: Option<i32>) -> Result<i32, ApiError> {
    // A concurrent first failure may insert the row between our update and our
    // insert; the second attempt then finds it.
    match record_failure_once(conn, key, limit) {
        Err(Retry) => record_failure_once(conn, key, limit).map_err(|Retry| {
            ApiError::internal("login throttle row vanished while it was being updated")
        })?,
        Ok(result) => result,
    }
}

struct Retry;

fn record_failure_once(
    conn: &mut DbConn,
    key: &str,
    limit: Option<i32>,
) -> Result<Result<i32, ApiError>, Retry> {
    let outcome = crate::db::write_transaction(conn, |conn| {
        let now = crate::db::now();
        let bumped = diesel::update(lt::login_throttle.find(key))
            .set(lt::failures.eq(lt::failures + 1))
            .execute(conn)?;
        if bumped == 0 {
            let inserted = diesel::insert_into(lt::login_throttle)
                .values((
                    lt::throttle_key.eq(key),
                    lt::failures.eq(1),
                    lt::last_failure_at.eq(now),
                    lt::blocked_until.eq(None::<NaiveDateTime>),
                ))
                .execute(conn);
            // A unique violation (someone inserted first) becomes AlreadyExists,
            // which rolls back and retries below.
            inserted?;
            return block_if_needed(conn, key, 1, now, limit);
        }
        let (failures, last): (i32, NaiveDateTime) = lt::login_throttle
            .find(key)
            .select((lt::failures, lt::last_failure_at))
            .first(conn)?;
        // A quiet window forgets the count; otherwise the window slides, so an
        // attacker who waits out each block keeps doubling it.
        let failures = if now - last >= Duration::minutes(WINDOW_MINUTES) {
            1
        } else {
            failures
        };
        diesel::update(lt::login_throttle.find(key))
            .set((lt::failures.eq(failures), lt::last_failure_at.eq(now)))
            .execute(conn)?;
        block_if_needed(conn, key, failures, now, limit)
    });
    match outcome {
        Err(e) if e.code() == crate::error::ProblemCode::AlreadyExists => Err(Retry),
        other => Ok(other),
    }
}

fn block_if_needed(
    conn: &mut DbConn,
    key: &str,
    failures: i32,
    now: NaiveDateTime,
    limit: Option<i32>,
) -> Result<i32, ApiError> {
    let Some(limit) = limit else {
        return Ok(failures);
    };
    let blocked_until = (failures >= limit).then(|| {
        let doublings = (failures - limit).min(10) as u32;
        let secs = (FIRST_BLOCK_SECS << doublings).min(MAX_BLOCK_SECS);
        now + Duration::seconds(secs)
    });
    diesel::update(lt::login_throttle.find(key))
        .set(lt::blocked_until.eq(blocked_until))
        .execute(conn)?;
    Ok(failures)
}

pub fn clear(conn: &mut DbConn, key: &str) -> Result<(), ApiError> {
    diesel::delete(lt::login_throttle.find(key)).execute(conn)?;
    Ok(())
}

/// Takes back one counted attempt (a login that succeeded), lifting the block
/// if the count falls below `limit`.
pub fn forgive(conn: &mut DbConn, key: &str, limit: i32) -> Result<(), ApiError> {
    crate::db::write_transaction(conn, |conn| {
        diesel::update(lt::login_throttle.find(key).filter(lt::failures.gt(0)))
            .set(lt::failures.eq(lt::failures - 1))
            .execute(conn)?;
        diesel::update(lt::login_throttle.find(key).filter(lt::failures.lt(limit)))
            .set(lt::blocked_until.eq(None::<NaiveDateTime>))
            .execute(conn)?;
        Ok(())
    })
}
