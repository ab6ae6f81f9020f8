//! Cross-cutting HTTP: request ids and logging, extractors whose errors are problem
//! responses, pagination, conditional requests, and the safety net that turns any
//! remaining error response into `application/problem+json`.

pub mod archive;
pub mod client_addr;
pub mod conditional;
pub mod dates;
pub mod export;
pub mod extract;
pub mod idempotency;
pub mod ids;
pub mod import;
pub mod pagination;
pub mod rate_limit;
pub mod request_id;
pub mod security_headers;
pub mod timestamp;
pub mod transition;

use actix_web::body::{BoxBody, EitherBody, MessageBody};
use actix_web::dev::{ResourceDef, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::ErrorHandlerResponse;
use actix_web::{HttpRequest, HttpResponse};

use crate::error::{ApiError, PROBLEM_JSON, Problem, ProblemCode};

/// The documented paths, their methods, and whether each operation needs an
/// access token: a request with the wrong method gets 405 and `Allow` rather
/// than 404, and one without a token for an operation that needs it gets 401
/// before anything else of it (its path, query or body) is looked at. Also
/// which POSTs create (they answer 201): those take `Idempotency-Key`.
pub struct KnownPaths(
    Vec<(ResourceDef, Vec<(&'static str, bool)>)>,
    Vec<ResourceDef>,
);

impl KnownPaths {
    pub fn from_openapi(api: &utoipa::openapi::OpenApi) -> Self {
        let needs_token = crate::openapi::needs_token;
        let paths = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    ("GET", &item.get),
                    ("HEAD", &item.get),
                    ("PUT", &item.put),
                    ("POST", &item.post),
                    ("DELETE", &item.delete),
                    ("PATCH", &item.patch),
                ]
                .into_iter()
                .filter_map(|(m, op)| op.as_ref().map(|op| (m, needs_token(op))))
                .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        let creates = api
            .paths
            .paths
            .iter()
            .filter(|(_, item)| item.post.as_ref().is_some_and(crate::openapi::creates))
            .map(|(path, _)| ResourceDef::new(path.as_str()))
            .collect();
        Self(paths, creates)
    }

    /// Whether `POST path` creates a record (takes `Idempotency-Key`).
    pub fn creates(&self, path: &str) -> bool {
        self.1.iter().any(|def| def.is_match(path))
    }

    fn methods(&self, path: &str) -> Option<&[(&'static str, bool)]> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.as_slice())
    }

    fn allowed(&self, path: &str) -> Option<Vec<&'static str>> {
        self.methods(path)
            .map(|methods| methods.iter().map(|(m, _)| *m).collect())
    }

    /// Whether the operation at `method path` needs an access token.
    pub fn needs_token(&self, method: &str, path: &str) -> bool {
        self.methods(path)
            .is_some_and(|ms| ms.iter().any(|(m, needs)| *m == method && *needs))
    }
}

/// Finds out who is calling before anything else of the request is read: a
/// request without `Authorization` for an operation that needs a token gets
/// 401 before its path, query or body is looked at, so an anonymous caller
/// learns nothing from validation errors; a token is verified and confirmed
/// against the database here (401 when it is invalid, or its account, login or
/// API client is no longer active), and the handler's [`crate::audit::Caller`]
/// takes the outcome.
pub async fn require_token(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    use actix_web::HttpMessage;
    let needs_token = req
        .app_data::<actix_web::web::Data<KnownPaths>>()
        // The decoded path, as routing sees it.
        .is_some_and(|known| known.needs_token(req.method().as_str(), req.match_info().as_str()));
    let outcome = if req.headers().contains_key(header::AUTHORIZATION) {
        crate::auth::authenticate(req.request()).await
    } else if needs_token {
        crate::auth::policy::require_signed_in(&crate::auth::Actor::Anonymous)
            .map(|()| crate::auth::Actor::Anonymous)
    } else {
        Ok(crate::auth::Actor::Anonymous)
    };
    match outcome {
        Err(err) if needs_token => {
            let res = actix_web::ResponseError::error_response(&err);
            Ok(req.into_response(res))
        }
        outcome => {
            req.extensions_mut()
                .insert(crate::auth::Authenticated(Some(outcome)));
            Ok(next.call(req).await?.map_into_boxed_body())
        }
    }
}

/// Answers requests that match no route: 405 where the path exists with other
/// methods, 404 otherwise.
pub async fn unknown_route(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let allowed = req
        .app_data::<actix_web::web::Data<KnownPaths>>()
        .and_then(|known| known.allowed(req.path()).map(|m| m.join(", ")));
    match allowed {
        Some(allow) => {
            let err = ApiError::new(
                ProblemCode::MethodNotAllowed,
                format!(
                    "`{}` does not accept {}; it accepts {allow}.",
                    req.path(),
                    req.method()
                ),
            );
            let mut res = actix_web::ResponseError::error_response(&err);
            if let Ok(value) = header::HeaderValue::from_str(&allow) {
                res.headers_mut().insert(header::ALLOW, value);
            }
            Ok(res)
        }
        None => Err(ApiError::not_found(format!(
            "There is no resource at `{}`; the OpenAPI document at /api-docs/openapi.json lists every path.",
            req.path()
        ))),
    }
}

/// Replaces the body of any error response that is not already a problem (the
/// framework's own 405s, CORS refusals, …) with the problem for its status.
pub fn problem_for_plain_errors<B: MessageBody + 'static>(
    res: ServiceResponse<B>,
) -> actix_web::Result<ErrorHandlerResponse<B>> {
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(PROBLEM_JSON.as_bytes()));
    if is_problem {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let code = problem_code_for_status(status);
    let detail = match code {
        ProblemCode::MethodNotAllowed => format!(
            "`{}` does not accept the method {}.",
            res.request().path(),
            res.request().method()
        ),
        _ => status
            .canonical_reason()
            .unwrap_or("The request failed.")
            .to_owned(),
    };
    let mut problem = Problem::from_code(code, detail);
    problem.status = status.as_u16();
    let (req, old) = res.into_parts();
    let mut new: HttpResponse<BoxBody> = problem.into_response();
    // Keep the headers the original response set (Allow, Retry-After, CORS, …).
    for (name, value) in old.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            new.headers_mut().insert(name.clone(), value.clone());
        }
    }
    *new.status_mut() = status;
    let res = ServiceResponse::new(req, new).map_into_right_body();
    Ok(ErrorHandlerResponse::Response(res))
}

/// The generic problem for a status, for errors raised outside our handlers.
fn problem_code_for_status(status: actix_web::http::StatusCode) -> ProblemCode {
    match status.as_u16() {
        401 => ProblemCode::Unauthorized,
        403 => ProblemCode::Forbidden,
        404 => ProblemCode::NotFound,
        405 => ProblemCode::MethodNotAllowed,
        406 => ProblemCode::NotAcceptable,
        409 => ProblemCode::Conflict,
        412 => ProblemCode::PreconditionFailed,
        413 => ProblemCode::PayloadTooLarge,
        415 => ProblemCode::UnsupportedMediaType,
        422 => ProblemCode::ValidationFailed,
        429 => ProblemCode::RateLimited,
        503 => ProblemCode::ServiceUnavailable,
        s if s >= 500 => ProblemCode::InternalError,
        _ => ProblemCode::BadRequest,
    }
}

/// Answers `HEAD` like `GET` without the body (RFC 9110 §9.3.2): routes are
/// declared for GET only.
pub async fn head_as_get(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Entity tags are short; an overlong conditional header is malformed.
    for name in [header::IF_MATCH, header::IF_NONE_MATCH] {
        let too_long =
            |v: &header::HeaderValue| v.to_str().map_or(v.len(), |s| s.chars().count()) > 1024;
        if req.headers().get_all(&name).any(too_long) {
            let err = ApiError::invalid_parameter(
                name.as_str(),
                "too_long",
                "must be at most 1024 characters",
            );
            let res = actix_web::ResponseError::error_response(&err);
            return Ok(req.into_response(res));
        }
    }
    let is_head = req.method() == actix_web::http::Method::HEAD;
    if is_head {
        req.head_mut().method = actix_web::http::Method::GET;
    }
    let res = next.call(req).await?;
    if is_head {
        // The GET answer's length, without its bytes (RFC 9110 §8.6 lets HEAD
        // carry the Content-Length that GET would have).
        Ok(res.map_body(|head, body| {
            let len = match body.size() {
                actix_web::body::BodySize::Sized(n) => n,
                _ => 0,
            };
            head.headers
                .insert(header::CONTENT_LENGTH, header::HeaderValue::from(len));
            BoxBody::new(HeadBody(len))
        }))
    } else {
        Ok(res.map_into_boxed_body())
    }
}

/// The body of a `HEAD` answer: the size of the `GET` body it stands for, and
/// no bytes. The HTTP/1 codec writes that size as `Content-Length` and, having
/// seen a `HEAD` request, sends no body.
struct HeadBody(u64);

impl MessageBody for HeadBody {
    type Error = std::convert::Infallible;

    fn size(&self) -> actix_web::body::BodySize {
        actix_web::body::BodySize::Sized(self.0)
    }

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<actix_web::web::Bytes, Self::Error>>> {
        std::task::Poll::Ready(None)
    }
}

/// Parses an ISO 3166-1 alpha-2 country parameter, case-insensitively.
pub fn country_param(field: &str, value: &str) -> Result<String, ApiError> {
    let c = value.trim().to_ascii_uppercase();
    if c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(c)
    } else {
        Err(ApiError::invalid_parameter(
            field,
            "iso_3166_1_alpha_2",
            "must be a two-letter ISO 3166-1 country code such as PL or RO",
        ))
    }
}

/// A path segment that names a record by its id. Ids are UUIDs, so anything
/// else names no record: 404, as for a well-formed id of no record (checked
/// before the database sees it).
pub fn path_id(field: &str, value: &str) -> Result<(), ApiError> {
    if uuid::Uuid::try_parse(value).is_err() {
        return Err(ApiError::not_found(format!(
            "No record has the {field} `{}`: ids are UUIDs.",
            value
                .chars()
                .filter(|c| !c.is_control())
                .take(64)
                .collect::<String>()
        )));
    }
    Ok(())
}

/// A query parameter that filters by a record's id: 400 unless it is a UUID.
pub fn uuid_param(field: &str, value: &str) -> Result<(), ApiError> {
    if uuid::Uuid::try_parse(value).is_err() {
        return Err(ApiError::invalid_parameter(field, "uuid", "must be a UUID"));
    }
    Ok(())
}

/// A path segment that names a record by a code (territorial units, problem
/// codes): one no record can have is simply not found.
pub fn path_code(value: &str) -> Result<(), ApiError> {
    if value.chars().any(char::is_control) || value.len() > 64 {
        return Err(ApiError::not_found("No record has this code."));
    }
    Ok(())
}

/// Checks a free-text parameter: no control characters (PostgreSQL refuses NUL),
/// and at most `max` characters.
pub fn text_param(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.chars().any(char::is_control) {
        return Err(ApiError::invalid_parameter(
            field,
            "control_character",
            "must not contain control characters",
        ));
    }
    if value.chars().count() > max {
        return Err(ApiError::invalid_parameter(
            field,
            "too_long",
            format!("must be at most {max} characters"),
        ));
    }
    Ok(())
}

/// The type `ErrorHandlers` produces, for the signature of `build_app`.
pub type ProblemBody<B> = EitherBody<B, BoxBody>;
