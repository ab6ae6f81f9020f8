//! The service's one error type, [`ApiError`], and its `application/problem+json`
//! rendering (RFC 9457).
//!
//! Every failure a handler can meet converts into an `ApiError` with `?`. Client
//! errors carry a stable `code` from [`ProblemCode`]; server errors never put their
//! cause in the body: it goes to the log, inside the request's span (and therefore
//! with its request id).

use std::borrow::Cow;
use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use utoipa::{ToResponse, ToSchema};

mod catalogue;

pub use catalogue::ProblemCode;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field, as a path into the body or the name of the parameter
    /// (`email`, `members[2].role`, `limit`).
    #[schema(example = "limit")]
    #[schema(max_length = 256)]
    pub field: String,
    /// A stable, snake_case code of the rule that failed.
    #[schema(example = "range")]
    #[schema(max_length = 64)]
    pub code: String,
    /// A human-readable explanation.
    #[schema(example = "must be between 1 and 200")]
    #[schema(max_length = 1000)]
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            code: code.into(),
            message: message.into(),
        }
    }
}

/// An error response body (RFC 9457 problem details).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "/problems/invalid_parameter",
    "title": "Invalid parameter",
    "status": 400,
    "detail": "The query parameter `limit` is invalid.",
    "code": "invalid_parameter",
    "errors": [{"field": "limit", "code": "range", "message": "must be between 1 and 200"}]
}))]
pub struct Problem {
    /// A path served by this service that describes the problem: `/problems/<code>`.
    #[serde(rename = "type")]
    #[schema(
        example = "/problems/not_found",
        max_length = 128,
        pattern = "^/problems/[a-z_]+$"
    )]
    pub type_: String,
    /// A short summary of the problem type; the same for every occurrence.
    #[schema(example = "Not found")]
    #[schema(max_length = 128)]
    pub title: String,
    /// The HTTP status code.
    #[schema(example = 404)]
    #[schema(minimum = 100, maximum = 599)]
    pub status: u16,
    /// What went wrong in this occurrence.
    #[schema(example = "No territorial unit with code `99`.")]
    #[schema(max_length = 2000)]
    pub detail: String,
    /// A stable snake_case code clients can branch on.
    #[schema(example = "not_found")]
    #[schema(max_length = 64, pattern = "^[a-z_]+$")]
    pub code: String,
    /// The invalid fields, for validation failures.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 100)]
    pub errors: Option<Vec<FieldError>>,
    /// For a refused state transition: the state the record is in.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 64)]
    pub current_state: Option<String>,
    /// For a refused state transition: the transitions allowed from the current state.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_items = 20)]
    pub allowed_transitions: Option<Vec<String>>,
    /// From the token endpoints: the RFC 6749 error code (`invalid_grant`, …).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 64)]
    pub error: Option<String>,
    /// From the token endpoints: the same as `detail` (RFC 6749 `error_description`).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 2000)]
    pub error_description: Option<String>,
}

/// The error every handler returns. Boxed, so that `Result<T, ApiError>` stays
/// small on the happy path.
#[derive(Debug)]
pub struct ApiError(Box<ErrorInner>);

#[derive(Debug)]
struct ErrorInner {
    code: ProblemCode,
    detail: Cow<'static, str>,
    errors: Vec<FieldError>,
    transition: Option<(String, Vec<String>)>,
    oauth_error: Option<&'static str>,
    retry_after_secs: Option<u64>,
    /// The internal cause of a server error; logged, never sent.
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// A value read back from the database that must be one its enum knows. One
/// that does not parse (a row written by hand, a newer version's value) is a
/// logged 500, never silently taken for a default.
pub fn stored<T>(parsed: Option<T>, what: &str, raw: &str) -> Result<T, ApiError> {
    parsed.ok_or_else(|| ApiError::internal(format!("stored {what} `{raw}` is not a known value")))
}

/// A state name with its indefinite article, capitalised, for problem details:
/// "A draft", "An active", "An in progress".
pub fn with_article(state: &str) -> String {
    let words = state.replace('_', " ");
    let article = if words.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "An"
    } else {
        "A"
    };
    format!("{article} {words}")
}

impl ApiError {
    pub fn new(code: ProblemCode, detail: impl Into<Cow<'static, str>>) -> Self {
        Self(Box::new(ErrorInner {
            code,
            detail: detail.into(),
            errors: Vec::new(),
            transition: None,
            oauth_error: None,
            retry_after_secs: None,
            source: None,
        }))
    }

    /// 404 for a record that does not exist (or that the caller may not know exists).
    pub fn not_found(detail: impl Into<Cow<'static, str>>) -> Self {
        Self::new(ProblemCode::NotFound, detail)
    }

    /// 400 for a malformed query or path parameter.
    pub fn invalid_parameter(field: &str, code: &str, message: impl Into<String>) -> Self {
        Self::new(
            ProblemCode::InvalidParameter,
            format!("The parameter `{field}` is invalid."),
        )
        .with_errors(vec![FieldError::new(field, code, message)])
    }

    /// 422 for a well-formed request whose content breaks a rule.
    pub fn validation(errors: Vec<FieldError>) -> Self {
        Self::new(
            ProblemCode::ValidationFailed,
            "The request is well-formed but some fields are invalid.",
        )
        .with_errors(errors)
    }

    /// 409 for a state transition the record's state does not allow.
    pub fn invalid_transition(
        current_state: impl Into<String>,
        allowed: Vec<String>,
        detail: impl Into<Cow<'static, str>>,
    ) -> Self {
        let mut err = Self::new(ProblemCode::InvalidTransition, detail);
        err.0.transition = Some((current_state.into(), allowed));
        err
    }

    /// Adds the record's workflow state to the problem (for a 422 of unmet
    /// preconditions, which also names them in `errors`).
    pub fn with_transition(
        mut self,
        current_state: impl Into<String>,
        allowed: Vec<String>,
    ) -> Self {
        self.0.transition = Some((current_state.into(), allowed));
        self
    }

    /// 503 when the database cannot be reached.
    pub fn unavailable(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::new(
            ProblemCode::ServiceUnavailable,
            "The database is unavailable; try again shortly.",
        )
        .with_retry_after(5)
        .with_source(source)
    }

    /// 500; the cause is logged, never returned.
    pub fn internal(source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::new(
            ProblemCode::InternalError,
            "An unexpected error occurred; it has been logged with the request id.",
        )
        .with_source(source)
    }

    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.0.errors = errors;
        self
    }

    /// Marks the error as an OAuth 2.0 token endpoint error (RFC 6749 §5.2): the
    /// body also carries `error` and `error_description`.
    pub fn oauth(mut self, error: &'static str) -> Self {
        self.0.oauth_error = Some(error);
        self
    }

    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.0.retry_after_secs = Some(secs);
        self
    }

    pub fn with_source(
        mut self,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        self.0.source = Some(source.into());
        self
    }

    pub fn code(&self) -> ProblemCode {
        self.0.code
    }

    pub fn field_errors(&self) -> &[FieldError] {
        &self.0.errors
    }

    /// The body sent to the client.
    pub fn problem(&self) -> Problem {
        let inner = &self.0;
        let mut problem = Problem::from_code(inner.code, inner.detail.to_string());
        if !inner.errors.is_empty() {
            problem.errors = Some(inner.errors.clone());
        }
        if let Some((current, allowed)) = &inner.transition {
            problem.current_state = Some(current.clone());
            problem.allowed_transitions = Some(allowed.clone());
        }
        if let Some(error) = inner.oauth_error {
            problem.error = Some(error.to_owned());
            problem.error_description = Some(inner.detail.to_string());
        }
        problem
    }
}

impl Problem {
    pub fn from_code(code: ProblemCode, detail: String) -> Self {
        Self {
            type_: format!("/problems/{}", code.as_str()),
            title: code.title().to_owned(),
            status: code.status().as_u16(),
            detail,
            code: code.as_str().to_owned(),
            errors: None,
            current_state: None,
            allowed_transitions: None,
            error: None,
            error_description: None,
        }
    }

    /// The response carrying this problem.
    pub fn into_response(self) -> HttpResponse {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self).unwrap_or_default();
        HttpResponse::build(status)
            .insert_header((header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON)))
            .body(body)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.0.code.as_str(), self.0.detail)?;
        if let Some(source) = &self.0.source {
            write!(f, " ({source})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0
            .source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.code.status()
    }

    fn error_response(&self) -> HttpResponse {
        let code = self.0.code;
        if code.status().is_server_error() {
            tracing::error!(code = code.as_str(), error = %self, "request failed");
        } else {
            tracing::debug!(code = code.as_str(), detail = %self.0.detail, "request refused");
        }
        let mut response = self.problem().into_response();
        match code {
            ProblemCode::Unauthorized => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"coopera\""),
                );
            }
            ProblemCode::InvalidClient => {
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Basic realm=\"coopera\""),
                );
            }
            _ => {}
        }
        if let Some(secs) = self.0.retry_after_secs {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// What the drivers say when the database cannot be used for a moment.
const CONNECTION_LOST: [&str; 4] = [
    "database is locked",
    "no connection to the server",
    "server closed the connection unexpectedly",
    "terminating connection due to administrator command",
];

impl From<DieselError> for ApiError {
    fn from(err: DieselError) -> Self {
        match err {
            DieselError::NotFound => Self::not_found("The requested record does not exist."),
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, ref info) => {
                // The constraint's name is the schema's business: it goes to
                // the log (with the source), not to the client.
                tracing::debug!(constraint = ?info.constraint_name(), "unique violation");
                Self::new(
                    ProblemCode::AlreadyExists,
                    "A record with the same unique value exists.",
                )
                .with_source(err)
            }
            DieselError::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => Self::new(
                ProblemCode::Conflict,
                "The change refers to a record that does not exist, or removes one still referred to.",
            )
            .with_source(err),
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, _) => {
                Self::unavailable(err)
            }
            // PostgreSQL refuses text it cannot store (a NUL byte): the input's fault.
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if info.message().contains("invalid byte sequence") =>
            {
                Self::new(
                    ProblemCode::BadRequest,
                    "The request contains text that cannot be stored (a NUL character).",
                )
                .with_source(err)
            }
            // PostgreSQL's dates start in 4713 BC. Request values are held to
            // the years 0001–9999 (`http::dates`) before they get here; this
            // is the net under any that is not.
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if info.message().contains("out of range")
                    && (info.message().contains("date") || info.message().contains("timestamp")) =>
            {
                Self::new(
                    ProblemCode::BadRequest,
                    "A date or an instant of the request is outside the years 0001 to 9999.",
                )
                .with_source(err)
            }
            // SQLite reports a lock held past busy_timeout as a generic error;
            // libpq a connection the server dropped (a restart, a failover), which
            // the pool then discards: both are worth retrying, not a fault.
            DieselError::DatabaseError(DatabaseErrorKind::Unknown, ref info)
                if CONNECTION_LOST
                    .iter()
                    .any(|m| info.message().contains(m)) =>
            {
                Self::unavailable(err)
            }
            other => Self::internal(other),
        }
    }
}

impl From<diesel::r2d2::PoolError> for ApiError {
    fn from(err: diesel::r2d2::PoolError) -> Self {
        Self::unavailable(err)
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::internal(err)
    }
}

impl From<validator::ValidationErrors> for ApiError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut out = Vec::new();
        collect_validation_errors(String::new(), &errors, &mut out);
        Self::validation(out)
    }
}

fn collect_validation_errors(
    prefix: String,
    errors: &validator::ValidationErrors,
    out: &mut Vec<FieldError>,
) {
    use validator::ValidationErrorsKind;
    let mut fields: Vec<_> = errors.errors().iter().collect();
    fields.sort_by(|a, b| a.0.cmp(b.0));
    for (field, kind) in fields {
        let path = if prefix.is_empty() {
            field.to_string()
        } else {
            format!("{prefix}.{field}")
        };
        match kind {
            ValidationErrorsKind::Field(list) => {
                for e in list {
                    let message = e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| describe_rule(e));
                    out.push(FieldError::new(path.clone(), e.code.to_string(), message));
                }
            }
            ValidationErrorsKind::Struct(inner) => collect_validation_errors(path, inner, out),
            ValidationErrorsKind::List(items) => {
                for (index, inner) in items {
                    collect_validation_errors(format!("{path}[{index}]"), inner, out);
                }
            }
        }
    }
}

fn describe_rule(e: &validator::ValidationError) -> String {
    let mut params: Vec<_> = e
        .params
        .iter()
        .filter(|(k, _)| *k != "value")
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    params.sort();
    if params.is_empty() {
        format!("fails the `{}` rule", e.code)
    } else {
        format!("fails the `{}` rule ({})", e.code, params.join(", "))
    }
}

/// Reusable OpenAPI responses, referenced by every operation that can return them.
pub mod responses {
    use super::*;

    /// No valid access token was sent.
    #[derive(ToResponse)]
    #[response(
        content_type = "application/problem+json",
        headers(("WWW-Authenticate" = String, description = "`Bearer realm=\"coopera\"`"))
    )]
    pub struct Unauthorized(pub Problem);

    /// The caller's roles or scopes do not allow this operation.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct Forbidden(pub Problem);

    /// The change conflicts with existing data (a duplicate identifier, a
    /// reference to a missing record) or the record's state.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct Conflict(pub Problem);

    /// The body is well-formed but invalid; `errors` names each field and rule.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct ValidationFailed(pub Problem);

    /// The body is not JSON, or not valid JSON.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct MalformedBody(pub Problem);

    /// `If-Match` names a version that is no longer current.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct PreconditionFailed(pub Problem);

    /// The body exceeds the size limit.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct PayloadTooLarge(pub Problem);

    /// The body's `Content-Type` is not accepted.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct UnsupportedMediaType(pub Problem);

    /// Too many attempts; retry after `Retry-After` seconds.
    #[derive(ToResponse)]
    #[response(
        content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "Seconds to wait"))
    )]
    pub struct TooManyRequests(pub Problem);

    /// A query or path parameter is malformed (the problem names it).
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct BadRequest(pub Problem);

    /// No such record.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct NotFound(pub Problem);

    /// The database is unavailable; retry after the `Retry-After` seconds.
    #[derive(ToResponse)]
    #[response(
        content_type = "application/problem+json",
        headers(("Retry-After" = u64, description = "Seconds to wait before retrying"))
    )]
    pub struct ServiceUnavailable(pub Problem);

    /// An unexpected error; the body says nothing, the log has the details under
    /// the request's `X-Request-Id`.
    #[derive(ToResponse)]
    #[response(content_type = "application/problem+json")]
    pub struct InternalError(pub Problem);

    /// The resource has not changed since the `ETag` given in `If-None-Match`.
    #[derive(ToResponse)]
    #[response(headers(("ETag" = String, description = "The current entity tag")))]
    pub struct NotModified;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unique_violation_does_not_name_the_constraint() {
        struct Info;
        impl diesel::result::DatabaseErrorInformation for Info {
            fn message(&self) -> &str {
                "UNIQUE constraint failed: organizations.teryt_code"
            }
            fn details(&self) -> Option<&str> {
                None
            }
            fn hint(&self) -> Option<&str> {
                None
            }
            fn table_name(&self) -> Option<&str> {
                Some("organizations")
            }
            fn column_name(&self) -> Option<&str> {
                Some("teryt_code")
            }
            fn constraint_name(&self) -> Option<&str> {
                Some("organizations_teryt_code_key")
            }
            fn statement_position(&self) -> Option<i32> {
                None
            }
        }
        let err = ApiError::from(DieselError::DatabaseError(
            DatabaseErrorKind::UniqueViolation,
            Box::new(Info),
        ));
        assert_eq!(err.code(), ProblemCode::AlreadyExists);
        let res = actix_web::ResponseError::error_response(&err);
        assert_eq!(res.status().as_u16(), 409);
        let body =
            actix_web::body::MessageBody::try_into_bytes(res.into_body()).unwrap_or_default();
        let text = String::from_utf8_lossy(&body);
        assert!(text.contains("already_exists"), "{text}");
        assert!(!text.contains("teryt_code"), "{text}");
    }

    #[test]
    fn a_lost_or_locked_database_connection_is_503_not_500() {
        for message in CONNECTION_LOST {
            let err = ApiError::from(DieselError::DatabaseError(
                DatabaseErrorKind::Unknown,
                Box::new(format!("{message}\n")),
            ));
            assert_eq!(err.code(), ProblemCode::ServiceUnavailable, "{message}");
        }
        let other = ApiError::from(DieselError::DatabaseError(
            DatabaseErrorKind::Unknown,
            Box::new("syntax error at or near \"SELEC\"".to_owned()),
        ));
        assert_eq!(other.code(), ProblemCode::InternalError);
    }

    #[test]
    fn states_get_the_right_article() {
        assert_eq!(with_article("active"), "An active");
        assert_eq!(with_article("in_progress"), "An in progress");
        assert_eq!(with_article("draft"), "A draft");
        assert_eq!(with_article("dissolved"), "A dissolved");
    }
}
