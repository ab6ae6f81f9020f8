//! What every handler can reach: the application state built once at start
//! (`main.rs`, or a test) and shared by every worker.

use crate::config::CorsOrigins;
use crate::db::Db;
use crate::http::client_addr::TrustedProxies;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub tokens: std::sync::Arc<crate::auth::jwt::TokenKeys>,
    pub body_limit: usize,
    pub cors: CorsOrigins,
    /// Whose `X-Forwarded-For` names the client (see [`crate::http::client_addr`]).
    pub trusted_proxies: TrustedProxies,
    /// Public writes a client address may make a minute; 0 is no limit (see
    /// [`crate::http::rate_limit`]).
    pub public_rate_limit: u32,
    /// The shortest comment period of a consultation, per kind.
    pub consultation_periods: crate::consultations::rules::MinimumPeriods,
    /// How many answers a quality round's survey needs before its results
    /// are shown.
    pub survey_min_responses: i64,
    /// Callers confirmed against the database lately (see [`crate::auth::current`]).
    pub callers: std::sync::Arc<crate::auth::current::Callers>,
    /// Webhook URLs may be `http://` and point at private addresses
    /// (`COOPERA_WEBHOOKS_ALLOW_INSECURE`, for development).
    pub webhooks_allow_insecure: bool,
}
