//! Who is calling, and what they may do.
//!
//! A request's [`Actor`] comes from its bearer token (or is anonymous). Every
//! access decision is made in [`policy`]; handlers call it and never decide on
//! their own. Deny by default.

pub mod clients;
pub mod jwt;
pub mod password;
pub mod policy;
pub mod secrets;
pub mod throttle;
pub mod tokens;
pub mod users;

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
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

impl FromRequest for Actor {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(actor_of(req))
    }
}

fn actor_of(req: &HttpRequest) -> Result<Actor, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(Actor::Anonymous);
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
    state.tokens.verify(token)
}
