//! Who is calling, and what they may do.
//!
//! A request's [`Actor`] comes from its bearer token (or is anonymous). Every
//! access decision is made in [`policy`]; handlers call it and never decide on
//! their own. Deny by default.

pub mod clients;
pub mod current;
pub mod jwt;
pub mod password;
pub mod policy;
pub mod secrets;
pub mod throttle;
pub mod tokens;
pub mod users;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::state::AppState;

/// A role a user holds. Global roles have no scope; the others name the project
/// or organisation they apply to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum Role {
    Admin,
    Trainer,
    Reviewer,
    Coordinator {
        #[schema(format = Uuid)]
        project_id: String,
    },
    OrgAdmin {
        #[schema(format = Uuid)]
        organization_id: String,
    },
    OrgMember {
        #[schema(format = Uuid)]
        organization_id: String,
    },
}

#[derive(Debug, Clone)]
pub struct UserActor {
    pub id: String,
    pub person_id: Option<String>,
    pub roles: Vec<Role>,
    /// The login (refresh-token family) the access token belongs to; revoking
    /// the login ends its access tokens too.
    pub login: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ClientActor {
    pub id: String,
    pub organization_id: String,
    pub scopes: Vec<String>,
}

/// The caller of a request.
#[derive(Debug, Clone)]
pub enum Actor {
    Anonymous,
    User(UserActor),
    Client(ClientActor),
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        matches!(self, Actor::User(u) if u.roles.contains(&Role::Admin))
    }

    /// `(kind, id)` as the change log records it.
    pub fn audit_identity(&self) -> (&'static str, Option<String>) {
        match self {
            Actor::Anonymous => ("system", None),
            Actor::User(u) => ("user", Some(u.id.clone())),
            Actor::Client(c) => ("client", Some(c.id.clone())),
        }
    }
}

/// The outcome of [`authenticate`] for a request, kept by the middleware that
/// runs it before anything else of the request is read.
pub struct Authenticated(pub Option<Result<Actor, ApiError>>);

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    /// The caller, confirmed against the database (see [`current`]).
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let done = req
            .extensions_mut()
            .get_mut::<Authenticated>()
            .and_then(|a| a.0.take());
        let req = req.clone();
        Box::pin(async move {
            match done {
                Some(result) => result,
                None => authenticate(&req).await,
            }
        })
    }
}

/// The caller of a request: anonymous without a token; otherwise the one its
/// token names, as the database has it now (remembered for a few seconds).
pub async fn authenticate(req: &HttpRequest) -> Result<Actor, ApiError> {
    let Some((claimed, token_id)) = claimed_actor(req)? else {
        return Ok(Actor::Anonymous);
    };
    let state = req
        .app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    if let Some(actor) = state.callers.recent(&token_id) {
        return Ok(actor);
    }
    let actor = state
        .db
        .run(move |conn| current::confirm(conn, claimed))
        .await?;
    state.callers.remember(token_id, &actor);
    Ok(actor)
}

/// The caller a request's bearer token names and the token's id, as signed;
/// `None` without a token.
fn claimed_actor(req: &HttpRequest) -> Result<Option<(Actor, String)>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let token = value
        .to_str()
        .ok()
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        })
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            jwt::unauthorized("The Authorization header must be `Bearer <access token>`.")
        })?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| ApiError::internal("application state missing"))?;
    state.tokens.verify_with_id(token).map(Some)
}
