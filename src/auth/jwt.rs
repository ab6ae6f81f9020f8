//! Access tokens: short-lived HS256 JWTs. Everything an access decision needs
//! (the actor and its roles or scopes) is in the token, so any instance can check
//! it without shared state; the short lifetime bounds how long a change of roles
//! takes to apply.

use std::path::Path;
use std::time::Duration;

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{Actor, ClientActor, Role, UserActor};
use crate::error::{ApiError, ProblemCode};

pub const ISSUER: &str = "coopera";
pub const AUDIENCE: &str = "coopera-api";
/// Clock skew tolerated on `exp` and `iat`.
const LEEWAY_SECS: u64 = 30;
pub const MIN_SECRET_LEN: usize = 32;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub aud: String,
    /// The user's or the API client's id.
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub jti: String,
    /// `user` or `client`.
    pub kind: String,
    /// A user's roles.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
    /// A user's person record, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// A client's scopes, space-separated (RFC 8693 `scope`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// A client's organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    /// The login (refresh-token family) a user's token was issued for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
}

/// The signing secret and token lifetimes.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    pub access_ttl: Duration,
    pub refresh_ttl: Duration,
}

impl TokenKeys {
    pub fn new(secret: &[u8], access_ttl: Duration, refresh_ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.algorithms = vec![Algorithm::HS256];
        validation.leeway = LEEWAY_SECS;
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
        // `nbf`, when a token carries it, must have passed (within the leeway).
        validation.validate_nbf = true;
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            validation,
            access_ttl,
            refresh_ttl,
        }
    }

    /// Signs an access token for `actor`; returns it and its lifetime in seconds.
    pub fn issue(&self, actor: &Actor) -> Result<(String, u64), ApiError> {
        let now = chrono::Utc::now().timestamp();
        let ttl = self.access_ttl.as_secs();
        let mut claims = Claims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: String::new(),
            exp: now + ttl as i64,
            iat: now,
            jti: uuid::Uuid::now_v7().to_string(),
            kind: String::new(),
            roles: Vec::new(),
            person: None,
            scope: None,
            org: None,
            sid: None,
        };
        match actor {
            Actor::User(user) => {
                claims.sub = user.id.clone();
                claims.kind = "user".to_owned();
                claims.roles = user.roles.clone();
                claims.person = user.person_id.clone();
                claims.sid = user.login.clone();
            }
            Actor::Client(client) => {
                claims.sub = client.id.clone();
                claims.kind = "client".to_owned();
                claims.scope = Some(client.scopes.join(" "));
                claims.org = Some(client.organization_id.clone());
            }
            Actor::Anonymous => {
                return Err(ApiError::internal("no token for an anonymous actor"));
            }
        }
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| ApiError::internal(format!("signing a token failed: {e}")))?;
        Ok((token, ttl))
    }

    /// Checks a bearer token's algorithm, signature, issuer, audience and expiry;
    /// the caller it names, as it was when the token was issued.
    pub fn verify(&self, token: &str) -> Result<Actor, ApiError> {
        self.verify_with_id(token).map(|(actor, _)| actor)
    }

    /// [`Self::verify`], and the token's id (`jti`).
    pub fn verify_with_id(&self, token: &str) -> Result<(Actor, String), ApiError> {
        let data = jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| {
                tracing::debug!(error = %e, "access token refused");
                unauthorized("The access token is invalid or has expired.")
            })?;
        let c = data.claims;
        // The library does not look at `iat`: a token issued in the future was
        // not issued by us (or our clock was wrong when it was).
        if c.iat > chrono::Utc::now().timestamp() + LEEWAY_SECS as i64 {
            tracing::debug!(iat = c.iat, "access token issued in the future refused");
            return Err(unauthorized("The access token is invalid or has expired."));
        }
        let actor = match c.kind.as_str() {
            "user" => Actor::User(UserActor {
                id: c.sub,
                person_id: c.person,
                roles: c.roles,
                login: c.sid,
            }),
            "client" => Actor::Client(ClientActor {
                id: c.sub,
                organization_id: c.org.unwrap_or_default(),
                scopes: c
                    .scope
                    .unwrap_or_default()
                    .split_whitespace()
                    .map(str::to_owned)
                    .collect(),
            }),
            _ => return Err(unauthorized("The access token is invalid or has expired.")),
        };
        Ok((actor, c.jti))
    }
}

pub fn unauthorized(detail: &'static str) -> ApiError {
    ApiError::new(ProblemCode::Unauthorized, detail)
}

/// The signing secret: `COOPERA_JWT_SECRET` if set (at least 32 bytes), otherwise
/// one generated on first start and kept in `<data dir>/jwt-secret`, so tokens
/// survive restarts. Several instances must share the variable.
pub fn load_secret(configured: Option<&str>, data_dir: &Path) -> Result<Vec<u8>, String> {
    if let Some(secret) = configured {
        return Ok(secret.as_bytes().to_vec());
    }
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= MIN_SECRET_LEN {
            crate::db::private_files::ensure_file(&path)
                .map_err(|e| format!("cannot restrict {}: {e}", path.display()))?;
            tracing::warn!(
                path = %path.display(),
                "COOPERA_JWT_SECRET is not set; using the secret kept in the data folder"
            );
            return Ok(existing.as_bytes().to_vec());
        }
    }
    crate::db::private_files::create_dir(data_dir)
        .map_err(|e| format!("cannot create {}: {e}", data_dir.display()))?;
    let secret = super::secrets::generate("");
    // An existing (too short) file keeps its mode when rewritten: tighten it first.
    crate::db::private_files::ensure_file(&path)
        .map_err(|e| format!("cannot restrict {}: {e}", path.display()))?;
    write_private(&path, &secret).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    tracing::warn!(
        path = %path.display(),
        "COOPERA_JWT_SECRET is not set; generated a signing secret and kept it in the data folder (set the variable when running several instances)"
    );
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_secret_is_kept_private_and_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = load_secret(None, dir.path()).unwrap();
        assert!(first.len() >= MIN_SECRET_LEN);
        let second = load_secret(None, dir.path()).unwrap();
        assert_eq!(first, second);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("jwt-secret"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
            // A secret file someone loosened is tightened when it is read.
            let path = dir.path().join("jwt-secret");
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert_eq!(load_secret(None, dir.path()).unwrap(), first);
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            // A file too short to use is replaced, and owner-only too.
            std::fs::write(&path, "short").unwrap();
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            let replaced = load_secret(None, dir.path()).unwrap();
            assert!(replaced.len() >= MIN_SECRET_LEN);
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let configured = load_secret(Some("x".repeat(40).as_str()), dir.path()).unwrap();
        assert_eq!(configured, "x".repeat(40).into_bytes());
    }

    #[test]
    fn a_token_round_trips_and_expires() {
        let keys = TokenKeys::new(
            &[7u8; 32],
            Duration::from_secs(900),
            Duration::from_secs(3600),
        );
        let actor = Actor::User(UserActor {
            id: "u".into(),
            person_id: None,
            roles: vec![super::super::Role::Admin],
            login: None,
        });
        let (token, ttl) = keys.issue(&actor).unwrap();
        assert_eq!(ttl, 900);
        assert!(keys.verify(&token).unwrap().is_admin());
        let other = TokenKeys::new(
            &[8u8; 32],
            Duration::from_secs(900),
            Duration::from_secs(3600),
        );
        assert!(other.verify(&token).is_err());
    }
}
