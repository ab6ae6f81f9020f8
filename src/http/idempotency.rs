//! `Idempotency-Key` on creating POSTs, so that a client that retries after a
//! timeout or a dropped connection never creates a record twice.
//!
//! Every POST the OpenAPI document answers with 201 takes the header (the
//! rule is in [`crate::openapi::finish`]; a new module's creates get it with
//! nothing to add). The first request with a key claims it in the database
//! (`idempotency_keys`, shared by every instance), runs, and — when it
//! succeeds — its status, `Content-Type`, `Location`, `ETag` and body are
//! kept with a fingerprint of the request body for [`KEPT_FOR`]. Then, for the
//! same caller and path:
//!
//! - the same key with the same body answers the kept response again, with
//!   `Idempotent-Replayed: true`, and creates nothing;
//! - the same key with another body is 422 `idempotency_key_reused`;
//! - the same key while the first request still runs is 409
//!   `idempotency_key_in_use` with `Retry-After: 1`, so two concurrent
//!   requests with one key create one record;
//! - a request that fails (any answer but 2xx) keeps nothing: the key can be
//!   used again, for instance after correcting the body.
//!
//! A claim whose request never finished (the instance stopped) is given up
//! after [`ABANDONED_AFTER`].

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use futures_util::StreamExt;
use sha2::{Digest, Sha256};

use crate::AppState;
use crate::auth::{Actor, Authenticated};
use crate::db::DbConn;
use crate::db::schema::idempotency_keys as ik;
use crate::error::{ApiError, ProblemCode};

/// The request header.
pub const IDEMPOTENCY_KEY: &str = "Idempotency-Key";
/// The response header on a replayed response.
pub const REPLAYED: &str = "Idempotent-Replayed";
/// How long a key and its response are kept.
pub const KEPT_FOR: Duration = Duration::hours(24);
/// How long a claim may go unfinished before another request may take it.
pub const ABANDONED_AFTER: Duration = Duration::seconds(60);
/// The longest key: 255 visible ASCII characters (a UUID is a good key).
pub const MAX_KEY_LEN: usize = 255;

/// A response kept for a key.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Kept {
    pub status: Option<i32>,
    pub content_type: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub body: Option<String>,
}

/// What a request with a key may do.
#[derive(Debug, PartialEq, Eq)]
pub enum Claim {
    /// The key is this request's: run it, then [`keep`] or [`release`].
    Taken,
    /// The key's first request succeeded: answer its response again.
    Replay(Kept),
    /// The key's first request still runs.
    InUse,
    /// The key was used with another body.
    Reused,
}

/// Whether `key` is a usable key: 1–255 visible ASCII characters.
pub fn valid_key(key: &[u8]) -> bool {
    !key.is_empty() && key.len() <= MAX_KEY_LEN && key.iter().all(|b| (0x21..=0x7e).contains(b))
}

/// The fingerprint of a request: its query string (an import's `dry_run`
/// changes what it does), its content type and its body.
pub fn fingerprint(query: &[u8], content_type: &[u8], body: &[u8]) -> String {
    let mut hash = Sha256::new();
    hash.update(query);
    hash.update(b"\n");
    hash.update(content_type);
    hash.update(b"\n");
    hash.update(body);
    hex::encode(hash.finalize())
}

/// Claims `key` in `scope` for a request with `print` (see [`Claim`]). Each
/// statement commits on its own: the claim must be visible to a concurrent
/// request before this one's work begins.
pub fn claim(
    conn: &mut DbConn,
    scope: &str,
    key: &str,
    print: &str,
    now: NaiveDateTime,
) -> Result<Claim, ApiError> {
    let this = ik::table
        .filter(ik::scope.eq(scope))
        .filter(ik::key.eq(key));
    // An expired key, or a claim whose request never finished, is free.
    diesel::delete(
        this.filter(
            ik::expires_at.le(now).or(ik::status
                .is_null()
                .and(ik::claimed_at.le(now - ABANDONED_AFTER))),
        ),
    )
    .execute(conn)?;
    // Twice: the row found taken may be released before it is read.
    for _ in 0..2 {
        let inserted = diesel::insert_into(ik::table)
            .values((
                ik::scope.eq(scope),
                ik::key.eq(key),
                ik::fingerprint.eq(print),
                ik::claimed_at.eq(now),
                ik::expires_at.eq(now + KEPT_FOR),
            ))
            .execute(conn)
            .map_err(ApiError::from);
        match inserted {
            Ok(_) => return Ok(Claim::Taken),
            Err(e) if e.code() == ProblemCode::AlreadyExists => {}
            Err(e) => return Err(e),
        }
        let found: Option<(String, Kept)> = this
            .select((
                ik::fingerprint,
                (
                    ik::status,
                    ik::content_type,
                    ik::location,
                    ik::etag,
                    ik::body,
                ),
            ))
            .first(conn)
            .optional()?;
        match found {
            None => continue,
            Some((first, _)) if first != print => return Ok(Claim::Reused),
            Some((_, kept)) if kept.status.is_none() => return Ok(Claim::InUse),
            Some((_, kept)) => return Ok(Claim::Replay(kept)),
        }
    }
    Ok(Claim::InUse)
}

/// Keeps the successful response of the request that claimed `key`.
pub fn keep(conn: &mut DbConn, scope: &str, key: &str, kept: &Kept) -> Result<(), ApiError> {
    diesel::update(
        ik::table
            .filter(ik::scope.eq(scope))
            .filter(ik::key.eq(key)),
    )
    .set((
        ik::status.eq(kept.status),
        ik::content_type.eq(&kept.content_type),
        ik::location.eq(&kept.location),
        ik::etag.eq(&kept.etag),
        ik::body.eq(&kept.body),
    ))
    .execute(conn)?;
    Ok(())
}

/// Gives `key` up after its request failed, so that it can be used again.
pub fn release(conn: &mut DbConn, scope: &str, key: &str) -> Result<(), ApiError> {
    diesel::delete(
        ik::table
            .filter(ik::scope.eq(scope))
            .filter(ik::key.eq(key))
            .filter(ik::status.is_null()),
    )
    .execute(conn)?;
    Ok(())
}

/// Deletes the keys kept past their time; returns how many.
pub fn purge_expired(conn: &mut DbConn, now: NaiveDateTime) -> Result<usize, ApiError> {
    Ok(diesel::delete(ik::table.filter(ik::expires_at.le(now))).execute(conn)?)
}

/// Whose key it is: the caller (an anonymous one by its address), and the
/// operation's method and path.
fn scope(actor: &Actor, req: &ServiceRequest, state: &AppState) -> String {
    let caller = match actor {
        Actor::User(u) => format!("user:{}", u.id),
        Actor::Client(c) => format!("client:{}", c.id),
        Actor::Anonymous => format!(
            "anonymous:{}",
            super::client_addr::client_bucket(req.request(), &state.trusted_proxies)
        ),
    };
    format!("{caller} {} {}", req.method(), req.path())
}

/// The middleware (inside [`crate::http::require_token`], which has found the
/// caller by then).
pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(key) = req.headers().get(IDEMPOTENCY_KEY).cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let creates = req.method() == Method::POST
        && req
            .app_data::<web::Data<super::KnownPaths>>()
            .is_some_and(|known| known.creates(req.match_info().as_str()));
    let actor = match req.extensions().get::<Authenticated>() {
        Some(Authenticated(Some(Ok(actor)))) => Some(actor.clone()),
        _ => None,
    };
    let (Some(actor), Some(state)) = (actor, req.app_data::<web::Data<AppState>>().cloned()) else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    if !creates {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    if !valid_key(key.as_bytes()) {
        let err = ApiError::invalid_parameter(
            IDEMPOTENCY_KEY,
            "invalid_value",
            "must be 1 to 255 visible ASCII characters (a UUID, for instance)",
        );
        return Ok(req.into_response(err.error_response()));
    }
    let key = String::from_utf8_lossy(key.as_bytes()).into_owned();

    let body = match read_body(&mut req, state.body_limit).await {
        Ok(body) => body,
        Err(err) => return Ok(req.into_response(err.error_response())),
    };
    let content_type = req
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| v.as_bytes().to_vec())
        .unwrap_or_default();
    let print = fingerprint(req.query_string().as_bytes(), &content_type, &body);
    req.set_payload(actix_web::dev::Payload::from(body));

    let scope = scope(&actor, &req, &state);
    let claimed = {
        let (scope, key) = (scope.clone(), key.clone());
        state
            .db
            .run(move |conn| claim(conn, &scope, &key, &print, crate::db::now()))
            .await
    };
    let answer = |req: ServiceRequest, err: ApiError| Ok(req.into_response(err.error_response()));
    match claimed {
        Err(err) => return answer(req, err),
        Ok(Claim::Reused) => {
            return answer(
                req,
                ApiError::new(
                    ProblemCode::IdempotencyKeyReused,
                    "This Idempotency-Key was used with another request body; use a new key for a new request.",
                ),
            );
        }
        Ok(Claim::InUse) => {
            let err = ApiError::new(
                ProblemCode::IdempotencyKeyInUse,
                "A request with this Idempotency-Key is still being processed; retry in a moment.",
            );
            let mut res = err.error_response();
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return Ok(req.into_response(res));
        }
        Ok(Claim::Replay(kept)) => return Ok(req.into_response(replay(&kept))),
        Ok(Claim::Taken) => {}
    }

    let res = next.call(req).await;
    let res = match res {
        Ok(res) => res.map_into_boxed_body(),
        Err(err) => {
            forget(&state, scope, key).await;
            return Err(err);
        }
    };
    if !res.status().is_success() {
        forget(&state, scope, key).await;
        return Ok(res);
    }
    let (req, res) = res.into_parts();
    let (head, body) = res.into_parts();
    let bytes = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(_) => {
            forget(&state, scope, key).await;
            let err = ApiError::internal("the response body could not be read");
            return Ok(ServiceResponse::new(req, err.error_response()));
        }
    };
    let header_text = |name: HeaderName| {
        head.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let kept = Kept {
        status: Some(i32::from(head.status().as_u16())),
        content_type: header_text(header::CONTENT_TYPE),
        location: header_text(header::LOCATION),
        etag: header_text(header::ETAG),
        body: String::from_utf8(bytes.to_vec()).ok(),
    };
    let stored = state
        .db
        .run(move |conn| keep(conn, &scope, &key, &kept))
        .await;
    if let Err(err) = stored {
        // The record exists; a retry within ABANDONED_AFTER gets 409, a later
        // one runs again. Nothing better can be done without the database.
        tracing::error!(error = %err, "the response of an idempotent request was not kept");
    }
    Ok(ServiceResponse::new(
        req,
        head.set_body(bytes).map_into_boxed_body(),
    ))
}

/// Releases a claim after its request failed; a failure is logged (the claim
/// is given up after [`ABANDONED_AFTER`] anyway).
async fn forget(state: &AppState, scope: String, key: String) {
    if let Err(err) = state.db.run(move |conn| release(conn, &scope, &key)).await {
        tracing::warn!(error = %err, "an idempotency key was not released");
    }
}

/// The kept response, again.
fn replay(kept: &Kept) -> HttpResponse {
    let status = kept
        .status
        .and_then(|s| u16::try_from(s).ok())
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut res = HttpResponse::build(status);
    res.insert_header((REPLAYED, "true"));
    for (name, value) in [
        (header::CONTENT_TYPE, &kept.content_type),
        (header::LOCATION, &kept.location),
        (header::ETAG, &kept.etag),
    ] {
        if let Some(value) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            res.insert_header((name, value));
        }
    }
    res.body(kept.body.clone().unwrap_or_default())
}

/// Reads the whole request body, up to `limit` bytes (413 past it).
async fn read_body(req: &mut ServiceRequest, limit: usize) -> Result<web::Bytes, ApiError> {
    let mut payload = req.take_payload();
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                ProblemCode::BadRequest,
                format!("The request body could not be read: {e}."),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(super::extract::too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_visible_ascii_up_to_255_characters() {
        assert!(valid_key(b"5f0c7a3e-8d1b-4c7e-9a2f-0b1c2d3e4f50"));
        assert!(valid_key(b"a"));
        assert!(valid_key(&[b'k'; 255]));
        assert!(!valid_key(b""));
        assert!(!valid_key(&[b'k'; 256]));
        assert!(!valid_key(b"with space"));
        assert!(!valid_key("zażółć".as_bytes()));
    }

    #[test]
    fn the_fingerprint_covers_the_query_the_body_and_its_type() {
        let a = fingerprint(b"", b"application/json", b"{\"a\":1}");
        assert_eq!(a, fingerprint(b"", b"application/json", b"{\"a\":1}"));
        assert_ne!(a, fingerprint(b"", b"application/json", b"{\"a\":2}"));
        assert_ne!(a, fingerprint(b"", b"text/csv", b"{\"a\":1}"));
        assert_ne!(
            a,
            fingerprint(b"dry_run=true", b"application/json", b"{\"a\":1}")
        );
        assert_eq!(a.len(), 64);
    }
}
