//! Typed configuration read from the environment, with defaults that let
//! `cargo run --release` work with nothing set.
//!
//! Every variable is checked at start-up; a bad value stops the service with one
//! line naming the variable (see `main.rs`, exit status 2).

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// The default database: a SQLite file under `./data/`.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/coopera.db";
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct Config {
    /// `DATABASE_URL`: `sqlite://<path>` or `postgres://…`.
    pub database_url: String,
    /// `COOPERA_LISTEN`: the address the HTTP server binds.
    pub listen: SocketAddr,
    /// `COOPERA_DB_POOL_SIZE`: maximum open database connections.
    pub pool_size: u32,
    /// `COOPERA_DB_TIMEOUT_SECS`: how long a request waits for a connection.
    pub db_timeout: Duration,
    /// `COOPERA_BODY_LIMIT`: the largest request body accepted, in bytes.
    pub body_limit: usize,
    /// `COOPERA_CORS_ORIGINS`: origins allowed to call the API from a browser.
    pub cors: CorsOrigins,
    /// `COOPERA_WORKERS`: HTTP worker threads (default: one per CPU).
    pub workers: Option<usize>,
    /// `RUST_LOG`: the tracing filter.
    pub log_filter: String,
    /// `COOPERA_JWT_SECRET`: the token signing secret (at least 32 bytes); when
    /// unset, one is generated and kept in the data folder.
    pub jwt_secret: Option<String>,
    /// `COOPERA_ACCESS_TOKEN_TTL_SECS`: access token lifetime (default 900).
    pub access_token_ttl: Duration,
    /// How long a caller confirmed against the database is trusted.
    pub access_recheck: Duration,
    /// `COOPERA_REFRESH_TOKEN_TTL_DAYS`: refresh token lifetime (default 30).
    pub refresh_token_ttl: Duration,
    /// `COOPERA_TRUSTED_PROXIES`: proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: crate::http::client_addr::TrustedProxies,
    /// `COOPERA_PUBLIC_RATE_LIMIT`: public writes (applications, withdrawals)
    /// one client address may make a minute (default 30; 0: no limit).
    pub public_rate_limit: u32,
    /// `COOPERA_SMTP_URL`: the SMTP server emails go through
    /// (`smtp://user:password@host:587?tls=required`, `smtps://…:465`); when
    /// unset, emails wait in the outbox.
    pub smtp_url: Option<String>,
    /// `COOPERA_MAIL_FROM`: the sender of emails.
    pub mail_from: String,
    /// `COOPERA_APPLICATION_LINK`: a link with `{token}` where an applicant's
    /// management token goes (a portal's page), sent instead of the bare
    /// token.
    pub application_link: Option<String>,
    /// `COOPERA_CONSULTATION_MIN_DAYS`: the shortest comment period per
    /// consultation kind, and in Romania (`local_act=7,romania=10`).
    pub consultation_periods: crate::consultations::rules::MinimumPeriods,
    /// `COOPERA_SURVEY_MIN_RESPONSES`: how many answers a quality round's
    /// NGO survey needs before its results are shown (default 5, 1–1000).
    pub survey_min_responses: i64,
    /// `COOPERA_WEBHOOKS_ALLOW_INSECURE`: for development only, lets webhook
    /// subscriptions use `http://` URLs and deliveries go to loopback,
    /// private and link-local addresses (default `false`).
    pub webhooks_allow_insecure: bool,
}

pub const DEFAULT_MAIL_FROM: &str = "Coopera <coopera@localhost>";

/// Cross-origin policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    /// No cross-origin access (the default).
    None,
    /// Any origin (`*`).
    Any,
    /// These exact origins (`https://portal.example.org`).
    List(Vec<String>),
}

/// A configuration variable with an unusable value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: &'static str,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variable, self.message)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests need not touch the environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let database_url = get("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        crate::db::DatabaseUrl::parse(&database_url).map_err(|message| ConfigError {
            variable: "DATABASE_URL",
            message,
        })?;

        let listen_raw = get("COOPERA_LISTEN").unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen = listen_raw.trim().parse().map_err(|_| ConfigError {
            variable: "COOPERA_LISTEN",
            message: format!("`{listen_raw}` is not a socket address such as 127.0.0.1:8080"),
        })?;

        let pool_size = parse_number(&get, "COOPERA_DB_POOL_SIZE", 10, 1, 1000)? as u32;
        let db_timeout =
            Duration::from_secs(parse_number(&get, "COOPERA_DB_TIMEOUT_SECS", 5, 1, 300)?);
        let body_limit = parse_number(
            &get,
            "COOPERA_BODY_LIMIT",
            DEFAULT_BODY_LIMIT as u64,
            1024,
            1024 * 1024 * 1024,
        )? as usize;
        let workers = match get("COOPERA_WORKERS") {
            None => None,
            Some(_) => Some(parse_number(&get, "COOPERA_WORKERS", 1, 1, 512)? as usize),
        };
        let cors = parse_cors(get("COOPERA_CORS_ORIGINS"))?;

        let log_filter = get("RUST_LOG").unwrap_or_else(|| "info".to_owned());
        tracing_subscriber::EnvFilter::try_new(&log_filter).map_err(|e| ConfigError {
            variable: "RUST_LOG",
            message: format!("`{log_filter}` is not a valid filter: {e}"),
        })?;

        let jwt_secret = jwt_secret(get("COOPERA_JWT_SECRET"))?;
        let access_token_ttl = Duration::from_secs(parse_number(
            &get,
            "COOPERA_ACCESS_TOKEN_TTL_SECS",
            900,
            60,
            86_400,
        )?);
        let access_recheck =
            Duration::from_secs(parse_number(&get, "COOPERA_ACCESS_RECHECK_SECS", 2, 0, 60)?);
        let refresh_token_ttl = Duration::from_secs(
            parse_number(&get, "COOPERA_REFRESH_TOKEN_TTL_DAYS", 30, 1, 365)? * 86_400,
        );

        let trusted_proxies = crate::http::client_addr::TrustedProxies::parse(
            &get("COOPERA_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|message| ConfigError {
            variable: "COOPERA_TRUSTED_PROXIES",
            message,
        })?;

        let public_rate_limit =
            parse_number(&get, "COOPERA_PUBLIC_RATE_LIMIT", 30, 0, 1_000_000)? as u32;

        let smtp_url = get("COOPERA_SMTP_URL");
        if let Some(url) = &smtp_url {
            crate::notifications::smtp::check_url(url).map_err(|message| ConfigError {
                variable: "COOPERA_SMTP_URL",
                message,
            })?;
        }
        let mail_from = get("COOPERA_MAIL_FROM").unwrap_or_else(|| DEFAULT_MAIL_FROM.to_owned());
        crate::notifications::smtp::check_from(&mail_from).map_err(|message| ConfigError {
            variable: "COOPERA_MAIL_FROM",
            message,
        })?;
        let application_link = get("COOPERA_APPLICATION_LINK");
        if let Some(link) = &application_link
            && !(link.contains("{token}")
                && (link.starts_with("https://") || link.starts_with("http://")))
        {
            return Err(ConfigError {
                variable: "COOPERA_APPLICATION_LINK",
                message: format!(
                    "`{link}` is not an http(s) link with {{token}}, such as \
                     https://portal.example.org/application?token={{token}}"
                ),
            });
        }

        let consultation_periods = crate::consultations::rules::MinimumPeriods::parse(
            &get("COOPERA_CONSULTATION_MIN_DAYS").unwrap_or_default(),
        )
        .map_err(|message| ConfigError {
            variable: "COOPERA_CONSULTATION_MIN_DAYS",
            message,
        })?;

        let survey_min_responses =
            parse_number(&get, "COOPERA_SURVEY_MIN_RESPONSES", 5, 1, 1000)? as i64;

        let webhooks_allow_insecure = match get("COOPERA_WEBHOOKS_ALLOW_INSECURE").as_deref() {
            None | Some("") | Some("false") | Some("0") => false,
            Some("true") | Some("1") => true,
            Some(other) => {
                return Err(ConfigError {
                    variable: "COOPERA_WEBHOOKS_ALLOW_INSECURE",
                    message: format!("`{other}` is not `true` or `false`"),
                });
            }
        };

        Ok(Self {
            webhooks_allow_insecure,
            survey_min_responses,
            consultation_periods,
            smtp_url,
            mail_from,
            application_link,
            public_rate_limit,
            trusted_proxies,
            jwt_secret,
            access_token_ttl,
            access_recheck,
            refresh_token_ttl,
            database_url,
            listen,
            pool_size,
            db_timeout,
            body_limit,
            cors,
            workers,
            log_filter,
        })
    }

    /// The folder for local files (the SQLite database and, later, generated keys).
    pub fn data_dir(&self) -> PathBuf {
        match crate::db::DatabaseUrl::parse(&self.database_url) {
            Ok(crate::db::DatabaseUrl::Sqlite(path)) => path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(".")),
            _ => PathBuf::from("data"),
        }
    }
}

/// `COOPERA_JWT_SECRET`, when set, must be long enough to sign with.
fn jwt_secret(secret: Option<String>) -> Result<Option<String>, ConfigError> {
    if let Some(secret) = &secret
        && secret.len() < crate::auth::jwt::MIN_SECRET_LEN
    {
        return Err(ConfigError {
            variable: "COOPERA_JWT_SECRET",
            message: format!(
                "must be at least {} bytes long (it is {})",
                crate::auth::jwt::MIN_SECRET_LEN,
                secret.len()
            ),
        });
    }
    Ok(secret)
}

fn parse_number(
    get: &impl Fn(&str) -> Option<String>,
    variable: &'static str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, ConfigError> {
    let Some(raw) = get(variable) else {
        return Ok(default);
    };
    match raw.trim().parse::<u64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ConfigError {
            variable,
            message: format!("`{raw}` is not a whole number between {min} and {max}"),
        }),
    }
}

fn parse_cors(raw: Option<String>) -> Result<CorsOrigins, ConfigError> {
    let Some(raw) = raw else {
        return Ok(CorsOrigins::None);
    };
    if raw.trim() == "*" {
        return Ok(CorsOrigins::Any);
    }
    let mut origins = Vec::new();
    for origin in raw.split(',').map(str::trim).filter(|o| !o.is_empty()) {
        if !is_origin(origin) {
            return Err(ConfigError {
                variable: "COOPERA_CORS_ORIGINS",
                message: format!(
                    "`{origin}` is not an origin such as https://portal.example.org (scheme, host, optional port, no path)"
                ),
            });
        }
        origins.push(origin.to_owned());
    }
    Ok(CorsOrigins::List(origins))
}

fn is_origin(origin: &str) -> bool {
    let Some((scheme, rest)) = origin.split_once("://") else {
        return false;
    };
    let host = rest.rsplit_once(':').map_or(rest, |(host, port)| {
        if port.parse::<u16>().is_ok() {
            host
        } else {
            ""
        }
    });
    matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '[' | ']' | ':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        Config::from_lookup(|name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| (*v).to_owned())
        })
    }

    #[test]
    fn defaults_need_no_variables() {
        let c = config(&[]).unwrap();
        assert_eq!(c.database_url, DEFAULT_DATABASE_URL);
        assert_eq!(c.listen.to_string(), DEFAULT_LISTEN);
        assert_eq!(c.body_limit, DEFAULT_BODY_LIMIT);
        assert_eq!(c.cors, CorsOrigins::None);
        assert_eq!(c.data_dir(), PathBuf::from("data"));
    }

    #[test]
    fn each_bad_value_names_its_variable() {
        for (var, value) in [
            ("COOPERA_LISTEN", "localhost"),
            ("COOPERA_DB_POOL_SIZE", "0"),
            ("COOPERA_DB_POOL_SIZE", "ten"),
            ("COOPERA_DB_TIMEOUT_SECS", "-1"),
            ("COOPERA_BODY_LIMIT", "12"),
            ("COOPERA_WORKERS", "0"),
            ("COOPERA_CORS_ORIGINS", "https://a.example.org/path"),
            ("COOPERA_CORS_ORIGINS", "portal.example.org"),
            ("DATABASE_URL", "mysql://localhost/coopera"),
            ("RUST_LOG", "coopera=loud"),
            ("COOPERA_SMTP_URL", "mail.example.org"),
            ("COOPERA_MAIL_FROM", "not an address"),
            (
                "COOPERA_APPLICATION_LINK",
                "https://portal.example.org/application",
            ),
            ("COOPERA_JWT_SECRET", "too short"),
            ("COOPERA_ACCESS_TOKEN_TTL_SECS", "5"),
            ("COOPERA_CONSULTATION_MIN_DAYS", "treaty=3"),
            ("COOPERA_CONSULTATION_MIN_DAYS", "local_act=-1"),
            ("COOPERA_SURVEY_MIN_RESPONSES", "0"),
            ("COOPERA_SURVEY_MIN_RESPONSES", "1001"),
        ] {
            let err = config(&[(var, value)]).unwrap_err();
            assert_eq!(err.variable, var, "{value}");
            assert!(!err.to_string().contains('\n'));
        }
    }

    #[test]
    fn mail_settings_are_read() {
        let c = config(&[
            (
                "COOPERA_SMTP_URL",
                "smtp://user:secret@mail.example.org:587?tls=required",
            ),
            (
                "COOPERA_APPLICATION_LINK",
                "https://portal.example.org/a?token={token}",
            ),
        ])
        .unwrap();
        assert!(c.smtp_url.is_some());
        assert_eq!(c.mail_from, DEFAULT_MAIL_FROM);
        assert!(config(&[]).unwrap().smtp_url.is_none());
    }

    #[test]
    fn cors_origins_are_parsed() {
        let c = config(&[(
            "COOPERA_CORS_ORIGINS",
            "https://portal.example.org, http://localhost:3000",
        )])
        .unwrap();
        assert_eq!(
            c.cors,
            CorsOrigins::List(vec![
                "https://portal.example.org".into(),
                "http://localhost:3000".into()
            ])
        );
        assert_eq!(
            config(&[("COOPERA_CORS_ORIGINS", "*")]).unwrap().cors,
            CorsOrigins::Any
        );
    }
}
