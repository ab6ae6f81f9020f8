//! The OAuth 2.0 token endpoint (RFC 6749) and token revocation (RFC 7009).
//!
//! Grants: `password` (users; returns a refresh token too), `refresh_token`
//! (rotates: the presented token is spent and a new one issued in the same
//! family; presenting a spent token again revokes the whole family), and
//! `client_credentials` (API clients, authenticated by HTTP Basic or by
//! `client_id`/`client_secret` in the form).

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, post, web};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::users::{UserRow, load_roles, normalize_email};
use super::{Actor, ClientActor, UserActor, secrets, throttle};
use crate::db::DbConn;
use crate::db::schema::{api_clients, refresh_tokens as rt, users};
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::state::AppState;

/// A token request, form-encoded (`application/x-www-form-urlencoded`).
#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// `password`, `refresh_token` or `client_credentials`.
    #[schema(example = "password", required = true, min_length = 1, max_length = 32)]
    #[serde(default)]
    pub grant_type: String,
    /// The user's email (`password` grant).
    #[schema(example = "admin@example.org")]
    #[schema(max_length = 254)]
    pub username: Option<String>,
    /// The user's password (`password` grant).
    #[schema(max_length = 1000)]
    pub password: Option<String>,
    /// A refresh token (`refresh_token` grant).
    #[schema(max_length = 128)]
    pub refresh_token: Option<String>,
    /// The API client's id (`client_credentials`, unless sent by HTTP Basic).
    #[schema(max_length = 64)]
    pub client_id: Option<String>,
    /// The API client's secret (`client_credentials`, unless sent by HTTP Basic).
    #[schema(max_length = 128)]
    pub client_secret: Option<String>,
    /// Space-separated scopes to narrow an API client's token to.
    #[schema(max_length = 200)]
    pub scope: Option<String>,
}

/// A successful token response (RFC 6749 §5.1).
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    /// A JWT to send as `Authorization: Bearer <access_token>`.
    #[schema(max_length = 4096)]
    pub access_token: String,
    #[schema(example = "Bearer", max_length = 6)]
    pub token_type: &'static str,
    /// Lifetime of the access token in seconds.
    #[schema(example = 900)]
    #[schema(minimum = 60, maximum = 86400)]
    pub expires_in: u64,
    /// For users: exchange it at this endpoint (`grant_type=refresh_token`) for
    /// a new pair. Each refresh token works once.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 128)]
    pub refresh_token: Option<String>,
    /// For API clients: the scopes granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 200)]
    pub scope: Option<String>,
}

fn invalid_request(field: &str, message: &str) -> ApiError {
    ApiError::new(
        ProblemCode::InvalidParameter,
        format!("The token request is missing or has an invalid `{field}`."),
    )
    .with_errors(vec![FieldError::new(field, "required", message)])
    .oauth("invalid_request")
}

fn too_long(field: &str, max: usize) -> ApiError {
    ApiError::new(
        ProblemCode::InvalidParameter,
        format!("The token request has an invalid `{field}`."),
    )
    .with_errors(vec![FieldError::new(
        field,
        "length",
        format!("must be at most {max} characters"),
    )])
    .oauth("invalid_request")
}

fn invalid_grant(detail: &'static str) -> ApiError {
    ApiError::new(ProblemCode::InvalidGrant, detail).oauth("invalid_grant")
}

fn invalid_client() -> ApiError {
    ApiError::new(
        ProblemCode::InvalidClient,
        "The client id or secret is wrong, or the client has been revoked.",
    )
    .oauth("invalid_client")
}

fn token_response(body: TokenResponse) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .insert_header((header::PRAGMA, HeaderValue::from_static("no-cache")))
        .json(body)
}

/// Issues access tokens: log in with email and password, refresh, or
/// authenticate an API client. This is the `tokenUrl` of the OAuth2 security
/// scheme, so Swagger UI's "Authorize" dialog uses it.
#[utoipa::path(
    tag = "auth",
    request_body(content = TokenRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "Tokens issued", body = TokenResponse),
        (status = 400, description = "A missing field (`invalid_request`), wrong credentials or a spent refresh token (`invalid_grant`), an unknown grant type or scope", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong API client credentials (`invalid_client`)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[post("/auth/token")]
pub async fn issue_token(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<TokenRequest>,
) -> Result<HttpResponse, ApiError> {
    let form = form.into_inner();
    match form.grant_type.as_str() {
        "password" => password_grant(&state, &req, form).await,
        "refresh_token" => refresh_grant(&state, form).await,
        "client_credentials" => client_credentials_grant(&state, &req, form).await,
        "" => Err(invalid_request("grant_type", "is required")),
        other => Err(ApiError::new(
            ProblemCode::UnsupportedGrantType,
            format!(
                "The grant type `{other}` is not supported; use password, refresh_token or client_credentials."
            ),
        )
        .oauth("unsupported_grant_type")),
    }
}

/// The longest username and password the token endpoint reads (as documented);
/// longer ones are refused before anything is stored or hashed.
const MAX_USERNAME_LEN: usize = 254;
const MAX_PASSWORD_LEN: usize = 1000;

/// The email and password of a password grant, within their documented
/// lengths (400 naming the field otherwise).
fn credentials(form: TokenRequest) -> Result<(String, String), ApiError> {
    let email = form
        .username
        .as_deref()
        .map(normalize_email)
        .filter(|e| !e.is_empty())
        .ok_or_else(|| invalid_request("username", "is required for the password grant"))?;
    if email.chars().count() > MAX_USERNAME_LEN {
        return Err(too_long("username", MAX_USERNAME_LEN));
    }
    let password = form
        .password
        .filter(|p| !p.is_empty())
        .ok_or_else(|| invalid_request("password", "is required for the password grant"))?;
    if password.chars().count() > MAX_PASSWORD_LEN {
        return Err(too_long("password", MAX_PASSWORD_LEN));
    }
    Ok((email, password))
}

async fn password_grant(
    state: &AppState,
    req: &HttpRequest,
    form: TokenRequest,
) -> Result<HttpResponse, ApiError> {
    let (email, password) = credentials(form)?;
    let address = crate::http::client_addr::client_bucket(req, &state.trusted_proxies);
    let account_key = throttle::account_key(&email);
    let pair_key = throttle::pair_key(&email, &address);
    let address_key = throttle::address_key(&address);

    // Count the attempt before checking the password, so that parallel guesses
    // are limited as sequential ones are; a success is forgiven below.
    let keys = [pair_key.clone(), address_key.clone(), account_key.clone()];
    let lookup = email.clone();
    let (blocked, failures, account_failures, user) = state
        .db
        .run(move |conn| count_attempt(conn, &keys, &lookup))
        .await?;
    if let Some(secs) = blocked {
        return Err(ApiError::new(
            ProblemCode::RateLimited,
            "Too many failed logins from your address; wait before trying again.",
        )
        .with_retry_after(secs));
    }
    // An account under attack from many addresses answers slowly, whoever asks:
    // slower, never refused, so its owner still gets in.
    actix_web::rt::time::sleep(throttle::account_delay(account_failures - 1)).await;

    // Verify even when the account does not exist, so that timing reveals nothing.
    let stored = user.as_ref().map_or_else(
        || super::password::dummy_hash().to_owned(),
        |u| u.password_hash.clone(),
    );
    let verified = web::block(move || super::password::verify(&password, &stored)).await?;
    let user = user.filter(|u| verified && u.active);

    let Some(user) = user else {
        // Each failure slows the next answer a little more.
        let delay = std::time::Duration::from_millis(150 * failures.clamp(0, 10) as u64);
        actix_web::rt::time::sleep(delay).await;
        return Err(invalid_grant("The email or password is wrong."));
    };

    let keys = state.tokens.clone();
    let refresh_ttl = state.tokens.refresh_ttl;
    let (actor, refresh) = state
        .db
        .run(move |conn| {
            throttle::clear(conn, &account_key)?;
            throttle::clear(conn, &pair_key)?;
            throttle::forgive(conn, &address_key, throttle::ADDRESS_LIMIT)?;
            start_login(conn, user, refresh_ttl)
        })
        .await?;
    let (access_token, expires_in) = keys.issue(&actor)?;
    Ok(token_response(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in,
        refresh_token: Some(refresh),
        scope: None,
    }))
}

/// Counts a login attempt against the pair, address and account keys (in
/// that order) and finds the account: `(blocked for seconds, failures of the
/// pair, failures of the account, the user)`.
fn count_attempt(
    conn: &mut DbConn,
    [pair, addr, account]: &[String; 3],
    email: &str,
) -> Result<(Option<u64>, i32, i32, Option<UserRow>), ApiError> {
    throttle::purge_stale(conn)?;
    let limited = [pair.clone(), addr.clone()];
    if let Some(secs) = throttle::blocked_for(conn, &limited)? {
        return Ok((Some(secs), 0, 0, None));
    }
    let n = throttle::record_failure(conn, pair, Some(throttle::PAIR_LIMIT))?;
    let m = throttle::record_failure(conn, addr, Some(throttle::ADDRESS_LIMIT))?;
    let a = throttle::record_failure(conn, account, None)?;
    // A parallel attempt may have reached the limit after our first check.
    if n > throttle::PAIR_LIMIT || m > throttle::ADDRESS_LIMIT {
        let secs = throttle::blocked_for(conn, &limited)?.unwrap_or(1);
        return Ok((Some(secs), n, a, None));
    }
    let user = users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?;
    Ok((None, n, a, user))
}

/// A new login for `user`: its refresh token (a new family) and the caller its
/// access tokens name, with the user's roles now.
fn start_login(
    conn: &mut DbConn,
    user: UserRow,
    refresh_ttl: std::time::Duration,
) -> Result<(Actor, String), ApiError> {
    let roles = load_roles(conn, &user.id, user.person_id.as_deref())?;
    let family = crate::db::new_id();
    let refresh = insert_refresh_token(conn, &user.id, &family, refresh_ttl)?;
    let actor = Actor::User(UserActor {
        id: user.id,
        person_id: user.person_id,
        roles,
        login: Some(family),
    });
    Ok((actor, refresh))
}

fn insert_refresh_token(
    conn: &mut DbConn,
    user_id: &str,
    family: &str,
    ttl: std::time::Duration,
) -> Result<String, ApiError> {
    let token = secrets::generate("rt_");
    let now = crate::db::now();
    let ttl = Duration::from_std(ttl).unwrap_or(Duration::days(30));
    diesel::insert_into(rt::table)
        .values((
            rt::id.eq(crate::db::new_id()),
            rt::family_id.eq(family),
            rt::user_id.eq(user_id),
            rt::token_hash.eq(secrets::hash(&token)),
            rt::created_at.eq(now),
            rt::expires_at.eq(now + ttl),
        ))
        .execute(conn)?;
    Ok(token)
}

/// `(id, family_id, user_id, expires_at, used_at, revoked_at)` of a refresh token.
type RefreshRow = (
    String,
    String,
    String,
    chrono::NaiveDateTime,
    Option<chrono::NaiveDateTime>,
    Option<chrono::NaiveDateTime>,
);

enum Refresh {
    Issued(Actor, String),
    Refused(&'static str),
}

async fn refresh_grant(state: &AppState, form: TokenRequest) -> Result<HttpResponse, ApiError> {
    let presented = form
        .refresh_token
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            invalid_request("refresh_token", "is required for the refresh_token grant")
        })?;
    let refresh_ttl = state.tokens.refresh_ttl;
    // Refusals commit too: revoking a family on reuse must stick.
    let outcome = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let now = crate::db::now();
                let row: Option<RefreshRow> =
                    rt::table
                        .filter(rt::token_hash.eq(secrets::hash(&presented)))
                        .select((rt::id, rt::family_id, rt::user_id, rt::expires_at, rt::used_at, rt::revoked_at))
                        .first(conn)
                        .optional()?;
                let Some((id, family, user_id, expires_at, used_at, revoked_at)) = row else {
                    return Ok(Refresh::Refused("The refresh token is not valid."));
                };
                if revoked_at.is_some() {
                    return Ok(Refresh::Refused("The refresh token has been revoked."));
                }
                let spent = used_at.is_some()
                    || diesel::update(rt::table.find(&id).filter(rt::used_at.is_null()))
                        .set(rt::used_at.eq(now))
                        .execute(conn)?
                        == 0;
                if spent {
                    tracing::warn!(family = %family, "a spent refresh token was presented again; revoking its family");
                    revoke_family(conn, &family)?;
                    return Ok(Refresh::Refused("The refresh token has already been used; every token of this login is now revoked."));
                }
                if expires_at <= now {
                    return Ok(Refresh::Refused("The refresh token has expired."));
                }
                let user = users::table
                    .find(&user_id)
                    .filter(users::active.eq(true))
                    .select(UserRow::as_select())
                    .first(conn)
                    .optional()?;
                let Some(user) = user else {
                    revoke_family(conn, &family)?;
                    return Ok(Refresh::Refused("The account is inactive."));
                };
                let roles = load_roles(conn, &user.id, user.person_id.as_deref())?;
                let next = insert_refresh_token(conn, &user.id, &family, refresh_ttl)?;
                Ok(Refresh::Issued(
                    Actor::User(UserActor {
                        id: user.id,
                        person_id: user.person_id,
                        roles,
                        login: Some(family),
                    }),
                    next,
                ))
            })
        })
        .await?;
    match outcome {
        Refresh::Refused(detail) => Err(invalid_grant(detail)),
        Refresh::Issued(actor, refresh) => {
            let (access_token, expires_in) = state.tokens.issue(&actor)?;
            Ok(token_response(TokenResponse {
                access_token,
                token_type: "Bearer",
                expires_in,
                refresh_token: Some(refresh),
                scope: None,
            }))
        }
    }
}

fn revoke_family(conn: &mut DbConn, family: &str) -> Result<(), ApiError> {
    diesel::update(
        rt::table
            .filter(rt::family_id.eq(family))
            .filter(rt::revoked_at.is_null()),
    )
    .set(rt::revoked_at.eq(crate::db::now()))
    .execute(conn)?;
    Ok(())
}

/// `Authorization: Basic base64(client_id:client_secret)`, if present.
fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    // RFC 6749 §2.3.1: both parts are form-urlencoded before encoding.
    let unescape = |s: &str| {
        form_urlencoded::parse(format!("x={s}").as_bytes())
            .next()
            .map(|(_, v)| v.into_owned())
    };
    Some((unescape(id)?, unescape(secret)?))
}

async fn client_credentials_grant(
    state: &AppState,
    req: &HttpRequest,
    form: TokenRequest,
) -> Result<HttpResponse, ApiError> {
    let (client_id, secret) = match basic_credentials(req) {
        Some(credentials) => credentials,
        None => (
            form.client_id.filter(|c| !c.is_empty()).ok_or_else(|| {
                invalid_request("client_id", "is required for the client_credentials grant")
            })?,
            form.client_secret
                .filter(|c| !c.is_empty())
                .ok_or_else(|| {
                    invalid_request(
                        "client_secret",
                        "is required for the client_credentials grant",
                    )
                })?,
        ),
    };
    let lookup = client_id.clone();
    let client: Option<(String, String, String)> = state
        .db
        .run(move |conn| {
            Ok(api_clients::table
                .find(&lookup)
                .filter(api_clients::revoked_at.is_null())
                .select((
                    api_clients::organization_id,
                    api_clients::secret_hash,
                    api_clients::scopes,
                ))
                .first(conn)
                .optional()?)
        })
        .await?;
    let Some((organization_id, secret_hash, granted)) = client else {
        return Err(invalid_client());
    };
    if !secrets::matches(&secret, &secret_hash) {
        return Err(invalid_client());
    }
    let granted: Vec<String> = granted.split_whitespace().map(str::to_owned).collect();
    let scopes = match form
        .scope
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => granted,
        Some(requested) => {
            let requested: Vec<String> = requested.split_whitespace().map(str::to_owned).collect();
            if let Some(extra) = requested.iter().find(|s| !granted.contains(s)) {
                return Err(ApiError::new(
                    ProblemCode::InvalidScope,
                    format!("The scope `{extra}` is not granted to this client."),
                )
                .oauth("invalid_scope"));
            }
            requested
        }
    };
    let actor = Actor::Client(ClientActor {
        id: client_id,
        organization_id,
        scopes: scopes.clone(),
    });
    let (access_token, expires_in) = state.tokens.issue(&actor)?;
    Ok(token_response(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in,
        refresh_token: None,
        scope: Some(scopes.join(" ")),
    }))
}

/// A revocation request (RFC 7009), form-encoded.
#[derive(Debug, Deserialize, ToSchema)]
pub struct RevokeRequest {
    /// The token to revoke: a refresh token, or an access token of a signed-in
    /// user. Either ends the whole login (every token it issued).
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 8192)]
    pub token: String,
    /// `refresh_token` or `access_token`: where to look first. The token is
    /// recognised either way.
    #[schema(max_length = 32)]
    pub token_type_hint: Option<String>,
}

/// The longest token looked at: an access token is a few hundred characters.
const MAX_REVOKED_TOKEN_LEN: usize = 8192;

/// Revokes a login (logout): given its refresh token or one of its access
/// tokens, every token of that login stops working at once. Answers 200
/// whether or not the token was known (RFC 7009 §2.2); an API client's access
/// token is refused with `unsupported_token_type` (revoke the client instead).
#[utoipa::path(
    tag = "auth",
    request_body(content = RevokeRequest, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "The token is no longer valid"),
        (status = 400, response = responses::BadRequest),
    )
)]
#[post("/auth/revoke")]
pub async fn revoke_token(
    state: web::Data<AppState>,
    form: web::Form<RevokeRequest>,
) -> Result<HttpResponse, ApiError> {
    let form = form.into_inner();
    // Limits count characters, as JSON Schema's maxLength does.
    if form.token.is_empty() {
        return Err(invalid_request("token", "is required"));
    }
    if form.token.chars().count() > MAX_REVOKED_TOKEN_LEN {
        return Err(too_long("token", MAX_REVOKED_TOKEN_LEN));
    }
    if form
        .token_type_hint
        .as_ref()
        .is_some_and(|h| h.chars().count() > 32)
    {
        return Err(too_long("token_type_hint", 32));
    }
    // An access token names its login; one that does not verify (expired,
    // foreign, or a refresh token) is looked up as a refresh token.
    let login = match state.tokens.verify(&form.token) {
        Ok(Actor::User(user)) => user.login,
        Ok(_) => {
            return Err(ApiError::new(
                ProblemCode::InvalidParameter,
                "An API client's access token cannot be revoked on its own; revoke the API client.",
            )
            .with_errors(vec![FieldError::new(
                "token",
                "unsupported_token_type",
                "is an API client's access token",
            )])
            .oauth("unsupported_token_type"));
        }
        Err(_) => None,
    };
    let token = form.token;
    let revoked = state
        .db
        .run(move |conn| {
            let family: Option<String> = match login {
                Some(family) => Some(family),
                None => rt::table
                    .filter(rt::token_hash.eq(secrets::hash(&token)))
                    .select(rt::family_id)
                    .first(conn)
                    .optional()?,
            };
            if let Some(family) = &family {
                revoke_family(conn, family)?;
            }
            Ok(family)
        })
        .await?;
    if let Some(family) = revoked {
        state.callers.forget_login(&family);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .finish())
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(issue_token).service(revoke_token);
}
