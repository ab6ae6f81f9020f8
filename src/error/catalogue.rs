//! The catalogue of problem codes: every code the service can answer with,
//! its HTTP status, title and description. `GET /problems` serves it (see
//! [`crate::problems`]).

use actix_web::http::StatusCode;

macro_rules! problem_codes {
    ($( $variant:ident => ($code:literal, $status:ident, $title:literal, $description:literal), )+) => {
        /// Every problem code the service can answer with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ProblemCode { $( $variant, )+ }

        impl ProblemCode {
            /// All codes, in the order `GET /problems` lists them.
            pub const ALL: &'static [ProblemCode] = &[ $( ProblemCode::$variant, )+ ];

            pub fn as_str(self) -> &'static str {
                match self { $( ProblemCode::$variant => $code, )+ }
            }

            pub fn status(self) -> StatusCode {
                match self { $( ProblemCode::$variant => StatusCode::$status, )+ }
            }

            pub fn title(self) -> &'static str {
                match self { $( ProblemCode::$variant => $title, )+ }
            }

            pub fn description(self) -> &'static str {
                match self { $( ProblemCode::$variant => $description, )+ }
            }

            pub fn from_code(code: &str) -> Option<Self> {
                match code { $( $code => Some(ProblemCode::$variant), )+ _ => None }
            }
        }
    };
}

problem_codes! {
    BadRequest => ("bad_request", BAD_REQUEST, "Bad request",
        "The request cannot be processed as sent (for instance a browser request from an origin that `COOPERA_CORS_ORIGINS` does not allow)."),
    MalformedJson => ("malformed_json", BAD_REQUEST, "Malformed JSON",
        "The request body is not valid JSON. Check quoting, commas and brackets; the detail gives the line and column."),
    InvalidParameter => ("invalid_parameter", BAD_REQUEST, "Invalid parameter",
        "A query or path parameter is malformed or out of range. `errors` names each parameter and the rule it breaks."),
    InvalidCursor => ("invalid_cursor", BAD_REQUEST, "Invalid cursor",
        "The `cursor` parameter is not one this service issued. Use the `next_cursor` value of the previous page unchanged, or start again without a cursor."),
    InvalidGrant => ("invalid_grant", BAD_REQUEST, "Invalid grant",
        "The credentials, or the refresh token, given to the token endpoint are wrong, expired or revoked (RFC 6749 `invalid_grant`). The body does not say which, on purpose."),
    UnsupportedGrantType => ("unsupported_grant_type", BAD_REQUEST, "Unsupported grant type",
        "The token endpoint accepts the grant types `password`, `refresh_token` and `client_credentials`."),
    InvalidScope => ("invalid_scope", BAD_REQUEST, "Invalid scope",
        "The requested scope is unknown or exceeds the scopes granted to the API client."),
    InvalidClient => ("invalid_client", UNAUTHORIZED, "Invalid client",
        "The API client's id or secret is wrong, or the client has been revoked (RFC 6749 `invalid_client`)."),
    Unauthorized => ("unauthorized", UNAUTHORIZED, "Authentication required",
        "The request carries no valid access token. Obtain one from `POST /api/v1/auth/token` and send it as `Authorization: Bearer <token>`."),
    Forbidden => ("forbidden", FORBIDDEN, "Forbidden",
        "The caller is authenticated but its roles or scopes do not allow this operation on this record."),
    NotFound => ("not_found", NOT_FOUND, "Not found",
        "The path or the record does not exist, or the caller may not know that it exists."),
    MethodNotAllowed => ("method_not_allowed", METHOD_NOT_ALLOWED, "Method not allowed",
        "The path exists but does not accept this HTTP method. The OpenAPI document at `/api-docs/openapi.json` lists the methods of every path."),
    NotAcceptable => ("not_acceptable", NOT_ACCEPTABLE, "Not acceptable",
        "The service cannot produce a representation the `Accept` header allows. Resources are served as `application/json`."),
    Conflict => ("conflict", CONFLICT, "Conflict",
        "The request conflicts with the current state of the data, for instance it refers to a record that does not exist or removes one that others refer to."),
    AlreadyExists => ("already_exists", CONFLICT, "Already exists",
        "A record with the same unique value (identifier, code, email) already exists."),
    IdempotencyKeyInUse => ("idempotency_key_in_use", CONFLICT, "Idempotency key in use",
        "A request with the same `Idempotency-Key` is still being processed. Retry after the number of seconds in `Retry-After`: the retry gets the first request's response."),
    InvalidTransition => ("invalid_transition", CONFLICT, "Transition not allowed",
        "The record's workflow state does not allow this transition. `current_state` and `allowed_transitions` say what is possible."),
    PreconditionFailed => ("precondition_failed", PRECONDITION_FAILED, "Precondition failed",
        "The `If-Match` header names a version that is no longer current: someone changed the record. Read it again (for its new `ETag`) and retry."),
    PayloadTooLarge => ("payload_too_large", PAYLOAD_TOO_LARGE, "Payload too large",
        "The request body exceeds the configured limit (`COOPERA_BODY_LIMIT`, 1 MiB by default)."),
    UnsupportedMediaType => ("unsupported_media_type", UNSUPPORTED_MEDIA_TYPE, "Unsupported media type",
        "The request body's `Content-Type` is not one the operation accepts; JSON bodies need `Content-Type: application/json`."),
    ValidationFailed => ("validation_failed", UNPROCESSABLE_ENTITY, "Validation failed",
        "The body is well-formed but breaks a rule. `errors` lists each invalid field with a stable code and a message."),
    NotEligible => ("not_eligible", UNPROCESSABLE_ENTITY, "Not eligible",
        "The applicant does not meet a recruitment call's eligibility rules. `errors` names each rule that failed and why."),
    IdempotencyKeyReused => ("idempotency_key_reused", UNPROCESSABLE_ENTITY, "Idempotency key reused",
        "The `Idempotency-Key` was sent earlier (within 24 hours) with another request body. A key stands for one request: send a new request with a new key."),
    RateLimited => ("rate_limited", TOO_MANY_REQUESTS, "Too many requests",
        "Too many requests, or too many failed attempts. Wait for the number of seconds in `Retry-After`."),
    InternalError => ("internal_error", INTERNAL_SERVER_ERROR, "Internal error",
        "An unexpected error. Nothing about it is in the body; the service's log has the details under the request's `X-Request-Id`."),
    ServiceUnavailable => ("service_unavailable", SERVICE_UNAVAILABLE, "Service unavailable",
        "The database cannot be reached or is overloaded. Retry after the number of seconds in `Retry-After`."),
}
