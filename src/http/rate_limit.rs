//! Rate limits of the public writes (applying to a call, withdrawing an
//! application), per client address and kept in the database, so that several
//! instances share one count. A fixed window of one minute: the first request
//! of a window starts it; past the limit the answer is 429 with `Retry-After`,
//! the seconds until the window ends. Failed requests count too.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::rate_limits as rl;
use crate::error::{ApiError, ProblemCode};

const WINDOW_SECS: i64 = 60;

/// Counts one request against `key` (`limit` per minute; 0 is no limit): 429
/// once the window holds more than `limit`. Runs in its own transaction, so a
/// request that then fails is counted all the same.
pub fn hit(conn: &mut DbConn, key: &str, limit: u32) -> Result<(), ApiError> {
    if limit == 0 {
        return Ok(());
    }
    let now = crate::db::now();
    let hits = match count(conn, key, now) {
        // Two first requests raced to insert the row: the second counts again.
        Err(e) if e.code() == ProblemCode::AlreadyExists => count(conn, key, now)?,
        other => other?,
    };
    if hits.0 > i64::from(limit) {
        let ends = hits.1 + Duration::seconds(WINDOW_SECS);
        let wait = (ends - now).num_seconds().max(1) as u64;
        return Err(ApiError::new(
            ProblemCode::RateLimited,
            format!(
                "Too many requests from this address: at most {limit} a minute. Retry in {wait} s."
            ),
        )
        .with_retry_after(wait));
    }
    Ok(())
}

/// Adds one to the window of `key` (a new window when the last one is over);
/// returns the window's count and start.
fn count(
    conn: &mut DbConn,
    key: &str,
    now: NaiveDateTime,
) -> Result<(i64, NaiveDateTime), ApiError> {
    crate::db::write_transaction(conn, |conn| {
        // Locks the row (PostgreSQL) for the read-and-write below; SQLite's
        // write transaction holds the database already.
        let found = diesel::update(rl::table.find(key))
            .set(rl::hits.eq(rl::hits + 1))
            .execute(conn)?;
        if found == 0 {
            purge_stale(conn)?;
            diesel::insert_into(rl::table)
                .values((
                    rl::limit_key.eq(key),
                    rl::window_start.eq(now),
                    rl::hits.eq(1_i64),
                ))
                .execute(conn)?;
            return Ok((1, now));
        }
        let (hits, start): (i64, NaiveDateTime) = rl::table
            .find(key)
            .select((rl::hits, rl::window_start))
            .first(conn)?;
        if now - start >= Duration::seconds(WINDOW_SECS) {
            diesel::update(rl::table.find(key))
                .set((rl::hits.eq(1_i64), rl::window_start.eq(now)))
                .execute(conn)?;
            return Ok((1, now));
        }
        Ok((hits, start))
    })
}

/// 429 once the client's address has made more public requests this minute
/// than `COOPERA_PUBLIC_RATE_LIMIT` allows (all public endpoints share the
/// budget).
pub async fn public(
    state: &crate::state::AppState,
    req: &actix_web::HttpRequest,
) -> Result<(), ApiError> {
    let limit = state.public_rate_limit;
    if limit == 0 {
        return Ok(());
    }
    let client = crate::http::client_addr::client_bucket(req, &state.trusted_proxies);
    let key = format!("public:{client}");
    state.db.run(move |conn| hit(conn, &key, limit)).await
}

/// Deletes windows that ended long ago, so that requests from many addresses
/// cannot grow the table without bound.
pub fn purge_stale(conn: &mut DbConn) -> Result<usize, ApiError> {
    let cutoff = crate::db::now() - Duration::seconds(WINDOW_SECS * 10);
    Ok(diesel::delete(rl::table.filter(rl::window_start.lt(cutoff))).execute(conn)?)
}
