//! What a token's caller may do *now*: an access token says who signed in and
//! what they could do then; the database says whether the account, the login
//! or the API client is still active and what its roles and scopes are today.
//! Every signed-in request is checked against it, so a deactivation, a revoked
//! login or client, and a role change take effect within [`Callers::ttl`] on
//! every instance. A confirmed caller is remembered for that long, so the check
//! costs one small lookup (a user: 4 indexed queries; a client: 1) per token
//! every `ttl`, not per request.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use diesel::prelude::*;

use super::{Actor, ClientActor, UserActor};
use crate::db::DbConn;
use crate::db::schema::{api_clients, refresh_tokens, users};
use crate::error::ApiError;

/// How many confirmed callers are remembered before expired ones are dropped.
const SWEEP_AT: usize = 10_000;

/// Confirmed callers, by access token id (`jti`), each for `ttl`.
pub struct Callers {
    ttl: Duration,
    seen: Mutex<HashMap<String, (Instant, Actor)>>,
}

impl Callers {
    /// `ttl` zero confirms every request against the database.
    pub fn new(ttl: Duration) -> Self {
        Self {
            ttl,
            seen: Mutex::new(HashMap::new()),
        }
    }

    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// The caller confirmed for `token_id` less than `ttl` ago.
    pub fn recent(&self, token_id: &str) -> Option<Actor> {
        if self.ttl.is_zero() {
            return None;
        }
        let seen = self.seen.lock().ok()?;
        seen.get(token_id)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, actor)| actor.clone())
    }

    pub fn remember(&self, token_id: String, actor: &Actor) {
        if self.ttl.is_zero() {
            return;
        }
        if let Ok(mut seen) = self.seen.lock() {
            if seen.len() >= SWEEP_AT {
                let ttl = self.ttl;
                seen.retain(|_, (at, _)| at.elapsed() < ttl);
            }
            seen.insert(token_id, (Instant::now(), actor.clone()));
        }
    }

    /// Forgets what this instance read about the tokens of one login, so that
    /// signing out applies here at once (other instances see it within `ttl`).
    pub fn forget_login(&self, login: &str) {
        if let Ok(mut seen) = self.seen.lock() {
            seen.retain(|_, (_, actor)| {
                !matches!(actor, Actor::User(user) if user.login.as_deref() == Some(login))
            });
        }
    }
}

fn gone(detail: &'static str) -> ApiError {
    super::jwt::unauthorized(detail)
}

/// The caller a token names, as the database has it now: 401 when the user is
/// deactivated or gone, the login revoked, or the API client revoked or gone.
/// A user's roles are read again; a client keeps only the scopes its token was
/// granted that it still holds.
pub fn confirm(conn: &mut DbConn, claimed: Actor) -> Result<Actor, ApiError> {
    match claimed {
        Actor::Anonymous => Ok(Actor::Anonymous),
        Actor::User(user) => confirm_user(conn, user),
        Actor::Client(client) => confirm_client(conn, client),
    }
}

fn confirm_user(conn: &mut DbConn, user: UserActor) -> Result<Actor, ApiError> {
    let row: Option<(bool, Option<String>)> = users::table
        .find(&user.id)
        .select((users::active, users::person_id))
        .first(conn)
        .optional()?;
    let Some((true, person_id)) = row else {
        return Err(gone("The account of this access token is deactivated."));
    };
    if let Some(login) = &user.login {
        let revoked: i64 = refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(login))
            .filter(refresh_tokens::revoked_at.is_not_null())
            .count()
            .get_result(conn)?;
        if revoked > 0 {
            return Err(gone("The login of this access token has been revoked."));
        }
    }
    let roles = super::users::load_roles(conn, &user.id, person_id.as_deref())?;
    Ok(Actor::User(UserActor {
        id: user.id,
        person_id,
        roles,
        login: user.login,
    }))
}

fn confirm_client(conn: &mut DbConn, client: ClientActor) -> Result<Actor, ApiError> {
    let row: Option<(String, String)> = api_clients::table
        .find(&client.id)
        .filter(api_clients::revoked_at.is_null())
        .select((api_clients::organization_id, api_clients::scopes))
        .first(conn)
        .optional()?;
    let Some((organization_id, held)) = row else {
        return Err(gone(
            "The API client of this access token has been revoked.",
        ));
    };
    let held: Vec<&str> = held.split_whitespace().collect();
    let scopes = client
        .scopes
        .into_iter()
        .filter(|s| held.contains(&s.as_str()))
        .collect();
    Ok(Actor::Client(ClientActor {
        id: client.id,
        organization_id,
        scopes,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_confirmed_caller_is_remembered_for_ttl_only() {
        let callers = Callers::new(Duration::from_millis(50));
        callers.remember("t1".into(), &Actor::Anonymous);
        assert!(callers.recent("t1").is_some());
        assert!(callers.recent("t2").is_none());
        std::thread::sleep(Duration::from_millis(60));
        assert!(callers.recent("t1").is_none());
    }

    #[test]
    fn ttl_zero_remembers_nothing() {
        let callers = Callers::new(Duration::ZERO);
        callers.remember("t1".into(), &Actor::Anonymous);
        assert!(callers.recent("t1").is_none());
    }
}
