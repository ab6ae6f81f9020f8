//! The OpenAPI document: the parts no handler declares (info, tags, security
//! schemes, shared responses). Paths and schemas are collected from the handlers
//! registered in `build_app`.

use utoipa::Modify;
use utoipa::OpenApi;
use utoipa::openapi::security::{
    ClientCredentials, Flow, HttpAuthScheme, HttpBuilder, OAuth2, Password, Scopes, SecurityScheme,
};

use crate::error::{FieldError, Problem, responses};

/// Where clients obtain tokens (RFC 6749 token endpoint).
pub const TOKEN_URL: &str = "/api/v1/auth/token";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Coopera API",
        description = "Coopera runs cooperation between NGOs and public administration: \
partnerships, recruitment of participants, training groups, public consultations under a \
participation model, and a local Cooperation Quality Index.\n\n\
Conventions: JSON bodies with snake_case keys; lists are `{\"items\": [...], \"next_cursor\": ...}` \
paged with `limit` and `cursor`; every single resource carries an `ETag`; every error is \
`application/problem+json` whose `code` is described at `/problems/{code}`.",
        license(name = "AGPL-3.0-or-later", identifier = "AGPL-3.0-or-later"),
        contact(name = "The Coopera maintainers"),
    ),
    tags(
        (name = "auth", description = "Tokens (OAuth2 password, refresh_token and client_credentials grants) and the caller"),
        (name = "users", description = "User accounts (admins)"),
        (name = "api_clients", description = "Machine credentials of partner systems (admins)"),
        (name = "organizations", description = "NGOs, local government units and other organisations, and their members"),
        (name = "people", description = "Contacts; personal fields only for those allowed to see them"),
        (name = "projects", description = "Projects, their status and coordinators"),
        (name = "partnerships", description = "Cross-sector partnerships: members with history, agreement, status, sector mix"),
        (name = "activities", description = "Activities of a project, and campaigns with their per-location rule and report"),
        (name = "indicators", description = "Result indicators of a project (manual or computed) and the project report"),
        (name = "cooperation_model", description = "The cooperation model's planes and areas, shared by good practices, training and the quality index"),
        (name = "good_practices", description = "The good-practice compendium: proposals reviewed by coordinators, searchable"),
        (name = "recruitment", description = "Recruitment calls: public calls with categories and quotas, applications without an account decided in order of arrival or ranked by reviewers' weighted scores, waitlists, the applicant's management token"),
        (name = "training", description = "Training: programmes with modules, groups with capacity and composition targets, sessions planned against the schedule's rules, participants"),
        (name = "consultations", description = "Consultations under the participation model: documents in versions of numbered sections compared section by section, submissions by organisations and individuals while open by the server's clock, responses, the report (JSON, CSV), public once published"),
        (name = "participation", description = "Participation bodies (Regional Social Platforms, public-benefit councils): region, members per constituency, constituency balance; their collective opinions are consultation submissions"),
        (name = "quality", description = "The local Cooperation Quality Index: methodologies as data (import, export, versions frozen once used; a default starting template), assessment rounds of a local government with their working group, agreed answers, scores on 0–100 compared with the previous round, a radar chart"),
        (name = "audit", description = "The change log (admins)"),
        (name = "changes", description = "The change feed a partner system follows to keep its copy: every change of a record the caller may read, in commit order, with tombstones and long polling"),
        (name = "webhooks", description = "Webhook subscriptions: each change of a record that a subscription follows is POSTed to its https URL, signed with `Coopera-Signature` (HMAC-SHA256 of `<timestamp>.<body>`), retried with a growing pause, logged, and redeliverable by hand"),
        (name = "territorial_units", description = "Voivodeships, counties and municipalities (TERYT, ISO 3166-2)"),
        (name = "health", description = "Liveness and readiness"),
        (name = "problems", description = "The catalogue of error codes"),
    ),
    components(
        schemas(Problem, FieldError),
        responses(
            responses::BadRequest,
            responses::NotFound,
            responses::ServiceUnavailable,
            responses::NotModified,
            responses::InternalError,
            responses::Unauthorized,
            responses::Forbidden,
            responses::Conflict,
            responses::ValidationFailed,
            responses::MalformedBody,
            responses::PreconditionFailed,
            responses::PayloadTooLarge,
            responses::UnsupportedMediaType,
            responses::TooManyRequests,
        ),
    ),
    modifiers(&SecuritySchemes),
)]
pub struct ApiDoc;

struct SecuritySchemes;

fn client_scopes() -> Scopes {
    Scopes::from_iter(crate::auth::policy::SCOPES.iter().map(|scope| {
        let (module, access) = scope.split_once(':').unwrap_or((scope, ""));
        ((*scope).to_owned(), format!("{access} access to {module}"))
    }))
}

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some(
                        "An access token from `POST /api/v1/auth/token`: a JWT following RFC8725 \
                         (HS256 only, `alg` pinned; `iss`, `aud`, `sub`, `iat` and `exp` required and \
                         checked; at most 30 s of clock skew; a secret of at least 32 bytes).",
                    ))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "oauth2",
            SecurityScheme::OAuth2(OAuth2::with_description(
                [
                    Flow::Password(Password::with_refresh_url(
                        TOKEN_URL,
                        Scopes::new(),
                        TOKEN_URL,
                    )),
                    Flow::ClientCredentials(ClientCredentials::new(TOKEN_URL, client_scopes())),
                ],
                "Users log in with the password flow; partner systems use client credentials. \
                 The access tokens are JWTs following RFC8725 (HS256 only, issuer, audience, \
                 subject, issue and expiry times required and checked).",
            )),
        );
    }
}

/// Operations that need a token but refuse no signed-in caller (no 403).
const OPEN_TO_EVERY_SIGNED_IN_CALLER: &[&str] = &["get_me"];

/// Completes the document once the handlers' paths are in. The error responses
/// that follow from an operation's shape are added here, by rule, so a handler
/// lists only its success and its domain responses (a 409, a 422 of its own):
///
/// - a JSON body: 400 (malformed), 413, 415, 422; a form body: 413, 415;
/// - query parameters or conditional headers: 400 (an invalid parameter);
/// - bearer security: 401, and 403 (but for [`OPEN_TO_EVERY_SIGNED_IN_CALLER`]);
/// - a path parameter: 404; `If-Match`: 412;
/// - a creating POST (201) takes `Idempotency-Key`: 400 (a malformed key),
///   409 (in use), 422 (reused with another body);
/// - under `/api/v1` (the database is involved): 503; everywhere: 500.
///
/// A response the handler declares for the same status wins. Also, every free
/// string of a JSON request body refuses U+0000, as the service does
/// (PostgreSQL cannot store it).
pub fn finish(api: &mut utoipa::openapi::OpenApi) {
    forbid_nul_in_request_bodies(api);
    use utoipa::openapi::{Ref, RefOr};
    for (path, item) in api.paths.paths.iter_mut() {
        if let Some(op) = item.post.as_mut().filter(|op| creates(op))
            && path.starts_with("/api/v1/")
        {
            op.parameters
                .get_or_insert_with(Vec::new)
                .push(RefOr::T(idempotency_key_parameter()));
        }
        for op in [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ]
        .into_iter()
        .flatten()
        {
            for (status, response) in error_responses(path, op) {
                op.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(response)));
            }
        }
    }
}

/// Whether an operation creates a record: it answers 201. Those that are
/// POSTs take `Idempotency-Key` ([`crate::http::idempotency`]).
pub fn creates(op: &utoipa::openapi::path::Operation) -> bool {
    op.responses.responses.contains_key("201")
}

fn idempotency_key_parameter() -> utoipa::openapi::path::Parameter {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    ParameterBuilder::new()
        .name(crate::http::idempotency::IDEMPOTENCY_KEY)
        .parameter_in(ParameterIn::Header)
        .required(utoipa::openapi::Required::False)
        .description(Some(
            "A key the client makes up for this request (a UUID, for instance), so \
             that a retry after a timeout creates nothing twice. Within 24 hours, the \
             same key with the same query and body answers the first response again, \
             with `Idempotent-Replayed: true`; with another query or body it is 422 \
             `idempotency_key_reused`; while the first request still runs, 409 \
             `idempotency_key_in_use`. Only a successful response is kept.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(crate::http::idempotency::MAX_KEY_LEN))
                .pattern(Some("^[!-~]+$")),
        ))
        .build()
}

/// Whether an operation needs an access token: it declares security
/// requirements and none of them is the empty one ("anonymous allowed").
pub fn needs_token(op: &utoipa::openapi::path::Operation) -> bool {
    op.security.as_ref().is_some_and(|reqs| {
        !reqs.is_empty()
            && reqs.iter().all(|r| {
                serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty()))
            })
    })
}

/// Whether an operation accepts an access token (its security names a
/// scheme), needed or not.
fn takes_token(op: &utoipa::openapi::path::Operation) -> bool {
    op.security.as_ref().is_some_and(|reqs| {
        reqs.iter().any(|r| {
            serde_json::to_value(r).is_ok_and(|v| v.as_object().is_some_and(|o| !o.is_empty()))
        })
    })
}

/// The error responses `op` at `path` can give, by the rules of [`finish`]:
/// `(status, response name)`.
fn error_responses(
    path: &str,
    op: &utoipa::openapi::path::Operation,
) -> Vec<(&'static str, &'static str)> {
    let params: Vec<serde_json::Value> = op
        .parameters
        .iter()
        .flatten()
        .filter_map(|p| serde_json::to_value(p).ok())
        .collect();
    let header = |name: &str| {
        params
            .iter()
            .any(|p| p["in"] == "header" && p["name"] == name)
    };
    let (json_body, form_body) = op.request_body.as_ref().map_or((false, false), |b| {
        let json =
            serde_json::to_value(b).is_ok_and(|b| b["content"].get("application/json").is_some());
        (json, !json)
    });
    let id = op.operation_id.clone().unwrap_or_default();
    let mut rules = Vec::new();
    if json_body {
        rules.extend([
            ("400", "MalformedBody"),
            ("413", "PayloadTooLarge"),
            ("415", "UnsupportedMediaType"),
            ("422", "ValidationFailed"),
        ]);
    }
    if form_body {
        rules.extend([("413", "PayloadTooLarge"), ("415", "UnsupportedMediaType")]);
    }
    // An overlong conditional header is a malformed request (400) too.
    if params.iter().any(|p| p["in"] == "query") || header("If-Match") || header("If-None-Match") {
        rules.push(("400", "BadRequest"));
    }
    if needs_token(op) {
        rules.push(("401", "Unauthorized"));
        if !OPEN_TO_EVERY_SIGNED_IN_CALLER.contains(&id.as_str()) {
            rules.push(("403", "Forbidden"));
        }
    } else if takes_token(op) {
        // Open to everyone, but a token that is sent is checked: an expired
        // or revoked one is a 401, not silently anonymous.
        rules.push(("401", "Unauthorized"));
    }
    if path.contains('{') {
        rules.push(("404", "NotFound"));
    }
    if header("If-Match") {
        rules.push(("412", "PreconditionFailed"));
    }
    if header(crate::http::idempotency::IDEMPOTENCY_KEY) {
        rules.extend([
            ("400", "BadRequest"),
            ("409", "Conflict"),
            ("422", "ValidationFailed"),
        ]);
    }
    if path.starts_with("/api/v1/") {
        rules.push(("503", "ServiceUnavailable"));
    }
    rules.push(("500", "InternalError"));
    rules
}

const NO_NUL: &str = "^[^\\x00]*$";

/// Bounds the strings whose format fixes their length, and the headers the
/// service writes, so every string in the contract has a documented limit.
fn bound_formatted_strings(doc: &mut serde_json::Value) {
    use serde_json::Value;
    fn walk(v: &mut Value) {
        match v {
            Value::Object(obj) => {
                let is_string = match obj.get("type") {
                    Some(Value::String(t)) => t == "string",
                    Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
                    _ => false,
                };
                if is_string && !obj.contains_key("maxLength") && !obj.contains_key("enum") {
                    let limit = match obj.get("format").and_then(Value::as_str) {
                        Some("date-time") => Some(40),
                        Some("date") => Some(10),
                        Some("uuid") => Some(36),
                        Some("email") => Some(254),
                        _ => None,
                    };
                    if let Some(limit) = limit {
                        obj.insert("maxLength".to_owned(), Value::from(limit));
                    }
                }
                obj.values_mut().for_each(walk);
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(doc);
    // An import's rows, as a JSON array.
    if let Some(paths) = doc["paths"].as_object_mut() {
        for (_, item) in paths
            .iter_mut()
            .filter(|(p, _)| p.starts_with("/api/v1/imports/"))
        {
            if let Some(schema) =
                item["post"]["requestBody"]["content"]["application/json"]["schema"].as_object_mut()
            {
                schema.insert(
                    "maxItems".into(),
                    Value::from(crate::http::import::MAX_ROWS),
                );
            }
        }
    }
    // Lists of names: field names in the change log, transition names in
    // problems, entity types of webhooks.
    for (schema, property) in [
        ("AuditEntry", "changed_fields"),
        ("ChangeEntry", "changed_fields"),
        ("Problem", "allowed_transitions"),
        ("WebhookSubscription", "event_types"),
        ("CreateWebhookSubscription", "event_types"),
        ("UpdateWebhookSubscription", "event_types"),
    ] {
        if let Some(items) = doc["components"]["schemas"][schema]["properties"][property]
            .get_mut("items")
            .and_then(Value::as_object_mut)
        {
            items.entry("maxLength").or_insert(Value::from(64));
            if schema.ends_with("WebhookSubscription") && schema != "WebhookSubscription" {
                items.insert("pattern".into(), Value::from("^[a-z_]{1,64}$"));
            }
        }
    }
    // Response headers: entity tags, locations and challenges the service builds.
    fn headers(v: &mut Value) {
        match v {
            Value::Object(obj) => {
                if let Some(Value::Object(hs)) = obj.get_mut("headers") {
                    for (name, h) in hs.iter_mut() {
                        if let Some(schema) = h.get_mut("schema").and_then(Value::as_object_mut) {
                            if schema.get("type") == Some(&Value::from("string")) {
                                schema.entry("maxLength").or_insert(Value::from(2048));
                            }
                            if schema.get("type") == Some(&Value::from("integer"))
                                && name.eq_ignore_ascii_case("retry-after")
                            {
                                schema.entry("minimum").or_insert(Value::from(0));
                                schema.entry("maximum").or_insert(Value::from(900));
                            }
                        }
                    }
                }
                obj.values_mut().for_each(headers);
            }
            Value::Array(items) => items.iter_mut().for_each(headers),
            _ => {}
        }
    }
    headers(doc);
}

fn forbid_nul_in_request_bodies(api: &mut utoipa::openapi::OpenApi) {
    use serde_json::Value;
    let Ok(mut doc) = serde_json::to_value(&*api) else {
        return;
    };
    let mut bodies = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for item in paths.values() {
            for op in item.as_object().into_iter().flat_map(|o| o.values()) {
                if let Some(r) =
                    op["requestBody"]["content"]["application/json"]["schema"]["$ref"].as_str()
                {
                    bodies.push(r.trim_start_matches("#/components/schemas/").to_owned());
                }
            }
        }
    }
    fn patch(schema: &mut Value) {
        let Some(obj) = schema.as_object_mut() else {
            return;
        };
        let is_string = match obj.get("type") {
            Some(Value::String(t)) => t == "string",
            Some(Value::Array(ts)) => ts.iter().any(|t| t == "string"),
            _ => false,
        };
        if is_string
            && !obj.contains_key("pattern")
            && !obj.contains_key("format")
            && !obj.contains_key("enum")
        {
            obj.insert("pattern".to_owned(), Value::String(NO_NUL.to_owned()));
        }
        for key in ["properties"] {
            if let Some(Value::Object(props)) = obj.get_mut(key) {
                props.values_mut().for_each(patch);
            }
        }
        for key in ["items"] {
            if let Some(items) = obj.get_mut(key) {
                patch(items);
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(Value::Array(list)) = obj.get_mut(key) {
                list.iter_mut().for_each(patch);
            }
        }
    }
    for name in bodies {
        if let Some(schema) = doc["components"]["schemas"].get_mut(&name) {
            patch(schema);
        }
    }
    bound_formatted_strings(&mut doc);
    if let Ok(patched) = serde_json::from_value(doc) {
        *api = patched;
    }
}
