//! `X-Request-Id`: accepted from the client when it is sane, generated otherwise,
//! echoed on the response, and recorded on the tracing span that wraps the whole
//! request, so every log line of the request carries it.

use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use futures_util::FutureExt;
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The request's id, readable by handlers from the request extensions.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A client-supplied id is kept if it is 1–128 characters of `[A-Za-z0-9._:-]`;
/// anything else is replaced, so log lines cannot be forged through it.
fn accept(value: &HeaderValue) -> Option<String> {
    let s = value.to_str().ok()?;
    let ok = !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'));
    ok.then(|| s.to_owned())
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req
        .headers()
        .get(&REQUEST_ID)
        .and_then(accept)
        .unwrap_or_else(|| uuid::Uuid::now_v7().to_string());
    req.extensions_mut().insert(RequestId(id.clone()));

    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
    );
    let started = Instant::now();
    // A panic in a handler becomes a 500 problem response instead of a dropped
    // connection (and is logged with the request id).
    let result = match std::panic::AssertUnwindSafe(next.call(req).instrument(span.clone()))
        .catch_unwind()
        .await
    {
        Ok(result) => result,
        Err(panic) => {
            let message = panic
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let _enter = span.enter();
            tracing::error!(panic = %message, "a handler panicked");
            return Err(
                crate::error::ApiError::internal(format!("handler panicked: {message}")).into(),
            );
        }
    };
    let _enter = span.enter();
    let mut res = match result {
        Ok(res) => res.map_into_boxed_body(),
        Err(err) => {
            // Handlers' errors are already responses here; this is an inner
            // middleware failing, which actix turns into a response itself.
            tracing::warn!(error = %err, "request failed before a handler ran");
            return Err(err);
        }
    };
    let status = res.status().as_u16();
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::error!(status, elapsed_ms, "request finished");
    } else {
        tracing::info!(status, elapsed_ms, "request finished");
    }
    if let Ok(value) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(res)
}
