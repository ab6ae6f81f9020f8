//! User accounts: creation (by an administrator, or `coopera create-admin`),
//! `GET /api/v1/me`, and the administrators' user endpoints.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::policy::{Permission, authorize};
use super::{Actor, Role};
use crate::audit::{self, Caller, Change};
use crate::db::DbConn;
use crate::db::enums::StrEnum;
use crate::db::schema::{
    api_clients, organization_members as om, project_coordinators as pc, user_roles, users,
};
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::http::conditional::{etag, json_with_etag};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::timestamp::Timestamp;
use crate::organizations::model::{MemberRole, MemberStatus};
use crate::state::AppState;

crate::string_enum! {
    "global role"
    /// A global role; project and organisation roles come from coordinator
    /// assignments and organisation memberships.
    #[derive(ToSchema)]
    pub enum GlobalRole {
        Admin = "admin",
        Trainer = "trainer",
        Reviewer = "reviewer",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: String,
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub active: bool,
    pub person_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A user account.
#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "coordinator@example.org")]
    #[schema(format = Email)]
    pub email: String,
    #[schema(example = "Anna Kowalska")]
    #[schema(max_length = 200)]
    pub display_name: String,
    /// An inactive user cannot log in.
    pub active: bool,
    /// Global roles.
    #[schema(max_items = 3)]
    pub roles: Vec<GlobalRole>,
    /// The person record this account belongs to, which carries organisation
    /// memberships and project coordinator assignments.
    #[schema(format = Uuid)]
    pub person_id: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl User {
    fn from_row(row: UserRow, roles: Vec<GlobalRole>) -> Self {
        Self {
            id: row.id,
            email: row.email,
            display_name: row.display_name,
            active: row.active,
            roles,
            person_id: row.person_id,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
            version: row.version,
        }
    }
}

/// Normalises an email for storage and lookup.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Every role of a user: global ones, coordinator of projects and membership
/// roles in organisations (through the user's person record).
pub fn load_roles(
    conn: &mut DbConn,
    user_id: &str,
    person_id: Option<&str>,
) -> Result<Vec<Role>, ApiError> {
    let mut roles: Vec<Role> = global_roles(conn, user_id)?
        .into_iter()
        .map(|r| match r {
            GlobalRole::Admin => Role::Admin,
            GlobalRole::Trainer => Role::Trainer,
            GlobalRole::Reviewer => Role::Reviewer,
        })
        .collect();
    if let Some(person) = person_id {
        let projects: Vec<String> = pc::table
            .filter(pc::person_id.eq(person))
            .select(pc::project_id)
            .order(pc::project_id.asc())
            .load(conn)?;
        roles.extend(
            projects
                .into_iter()
                .map(|project_id| Role::Coordinator { project_id }),
        );
        // Invitations not yet accepted carry no role.
        let memberships: Vec<(String, String)> = om::table
            .filter(om::person_id.eq(person))
            .filter(om::status.eq(MemberStatus::Active.as_str()))
            .select((om::organization_id, om::role))
            .order(om::organization_id.asc())
            .load(conn)?;
        for (organization_id, role) in memberships {
            roles.push(match MemberRole::stored(&role)? {
                MemberRole::OrgAdmin => Role::OrgAdmin { organization_id },
                MemberRole::OrgMember => Role::OrgMember { organization_id },
            });
        }
    }
    Ok(roles)
}

/// A user's global roles; a stored one that does not parse is a logged 500.
fn global_roles(conn: &mut DbConn, user_id: &str) -> Result<Vec<GlobalRole>, ApiError> {
    user_roles::table
        .filter(user_roles::user_id.eq(user_id))
        .select(user_roles::role)
        .order(user_roles::role.asc())
        .load::<String>(conn)?
        .iter()
        .map(|r| GlobalRole::stored(r))
        .collect()
}

/// A new account, already validated and with its password hashed.
pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub password_hash: String,
    pub roles: Vec<GlobalRole>,
    pub person_id: Option<String>,
}

/// Inserts a user and its roles, recording the change.
pub fn insert_user(conn: &mut DbConn, caller: &Caller, new: NewUser) -> Result<UserRow, ApiError> {
    crate::db::write_transaction(conn, |conn| {
        let now = crate::db::now();
        let id = crate::db::new_id();
        let exists: i64 = users::table
            .filter(users::email.eq(&new.email))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Err(ApiError::new(
                ProblemCode::AlreadyExists,
                "A user with this email already exists.",
            )
            .with_errors(vec![FieldError::new(
                "email",
                "already_exists",
                "is already used by another account",
            )]));
        }
        diesel::insert_into(users::table)
            .values((
                users::id.eq(&id),
                users::email.eq(&new.email),
                users::display_name.eq(&new.display_name),
                users::password_hash.eq(&new.password_hash),
                users::active.eq(true),
                users::person_id.eq(&new.person_id),
                users::created_at.eq(now),
                users::updated_at.eq(now),
                users::version.eq(1),
            ))
            .execute(conn)?;
        for role in dedup(&new.roles) {
            diesel::insert_into(user_roles::table)
                .values((
                    user_roles::user_id.eq(&id),
                    user_roles::role.eq(role.as_str()),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            caller,
            Change::new("user", &id, "create")
                .personal("email")
                .value("display_name", &new.display_name)
                .value("roles", &new.roles)
                .value("person_id", &new.person_id)
                .personal("password"),
        )?;
        Ok(users::table
            .find(&id)
            .select(UserRow::as_select())
            .first(conn)?)
    })
}

fn dedup(roles: &[GlobalRole]) -> Vec<GlobalRole> {
    let mut out: Vec<GlobalRole> = Vec::new();
    for r in roles {
        if !out.contains(r) {
            out.push(*r);
        }
    }
    out
}

/// What kind of caller an access token belongs to.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallerKind {
    User,
    Client,
}

/// The caller as the service sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub kind: CallerKind,
    #[schema(format = Uuid)]
    pub id: String,
    /// A user's email.
    #[schema(format = Email)]
    pub email: Option<String>,
    /// A user's display name, or a client's name.
    #[schema(max_length = 200)]
    pub display_name: String,
    #[schema(format = Uuid)]
    pub person_id: Option<String>,
    /// A user's roles, as of the current access token: at most 3 global roles,
    /// 100 organisation memberships and 100 coordinated projects.
    #[schema(max_items = 203)]
    pub roles: Vec<Role>,
    /// An API client's organisation.
    #[schema(format = Uuid)]
    pub organization_id: Option<String>,
    /// An API client's scopes.
    #[schema(value_type = Vec<crate::auth::clients::ScopeName>, max_items = 20)]
    pub scopes: Vec<String>,
}

/// Describes the caller: the user or API client the access token belongs to.
#[utoipa::path(
    tag = "auth",
    security(("bearer" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "The caller", body = Me),
    )
)]
#[get("/me")]
pub async fn get_me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    match caller.actor {
        Actor::Anonymous => Err(super::jwt::unauthorized(
            "This operation needs an access token: obtain one from POST /api/v1/auth/token.",
        )),
        Actor::User(user) => {
            let id = user.id.clone();
            let row = state
                .db
                .run(move |conn| {
                    Ok(users::table
                        .find(&id)
                        .filter(users::active.eq(true))
                        .select(UserRow::as_select())
                        .first(conn)
                        .optional()?)
                })
                .await?
                .ok_or_else(|| {
                    super::jwt::unauthorized("The account no longer exists or is inactive.")
                })?;
            Ok(HttpResponse::Ok().json(Me {
                kind: CallerKind::User,
                id: row.id,
                email: Some(row.email),
                display_name: row.display_name,
                person_id: row.person_id,
                roles: user.roles,
                organization_id: None,
                scopes: Vec::new(),
            }))
        }
        Actor::Client(client) => {
            let id = client.id.clone();
            let name: Option<String> = state
                .db
                .run(move |conn| {
                    Ok(api_clients::table
                        .find(&id)
                        .filter(api_clients::revoked_at.is_null())
                        .select(api_clients::name)
                        .first(conn)
                        .optional()?)
                })
                .await?;
            let name =
                name.ok_or_else(|| super::jwt::unauthorized("The API client has been revoked."))?;
            Ok(HttpResponse::Ok().json(Me {
                kind: CallerKind::Client,
                id: client.id,
                email: None,
                display_name: name,
                person_id: None,
                roles: Vec::new(),
                organization_id: Some(client.organization_id),
                scopes: client.scopes,
            }))
        }
    }
}

/// A new user account.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    #[validate(
        email(code = "invalid_email", message = "must be an email address"),
        length(max = 254)
    )]
    #[schema(format = Email)]
    #[schema(example = "trainer@example.org")]
    pub email: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    #[schema(example = "Jan Nowak")]
    pub display_name: String,
    /// At least 12 characters, not the email.
    #[validate(length(max = 1000))]
    #[schema(min_length = 12, max_length = 1000)]
    #[schema(example = "a long and secret passphrase")]
    pub password: String,
    #[serde(default)]
    #[schema(max_items = 3)]
    #[validate(length(max = 3))]
    pub roles: Vec<GlobalRole>,
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub person_id: Option<String>,
}

/// Changes to a user account; absent fields are unchanged.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub display_name: Option<String>,
    pub active: Option<bool>,
    #[schema(max_items = 3)]
    #[validate(length(max = 3))]
    pub roles: Option<Vec<GlobalRole>>,
    /// A new password: at least 12 characters, not the email.
    #[validate(length(max = 1000))]
    #[schema(min_length = 12, max_length = 1000)]
    pub password: Option<String>,
}

/// Filters of `GET /api/v1/users`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserFilter {
    pub active: Option<bool>,
    pub role: Option<GlobalRole>,
}

/// Creates a user account. Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateUser,
    responses(
        (status = 201, description = "The account", body = User,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/users")]
pub async fn create_user(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateUser>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageUsers)?;
    let body = body.into_inner();
    let email = normalize_email(&body.email);
    super::password::check_strength(&body.password, &email)
        .map_err(|e| ApiError::validation(vec![e]))?;
    let password = body.password;
    let password_hash = web::block(move || super::password::hash(&password)).await??;
    let new = NewUser {
        email,
        display_name: body.display_name.trim().to_owned(),
        password_hash,
        roles: body.roles,
        person_id: body.person_id,
    };
    let (row, roles) = state
        .db
        .run(move |conn| {
            if let Some(person) = &new.person_id {
                crate::db::references::ensure_person(conn, person, "person_id")?;
            }
            let row = insert_user(conn, &caller, new)?;
            let roles = global_roles(conn, &row.id)?;
            Ok((row, roles))
        })
        .await?;
    let user = User::from_row(row, roles);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/users/{}", user.id)))
        .insert_header(header::ETag(etag(&user.id, user.version)))
        .json(user))
}

/// Lists user accounts, oldest first. Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, UserFilter),
    responses(
        (status = 200, description = "A page of users", body = UserPage),
    )
)]
#[get("/users")]
pub async fn list_users(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<UserFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageUsers)?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = users::table
                .select(UserRow::as_select())
                .order(users::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(users::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(users::updated_at.ge(since));
            }
            if let Some(active) = filter.active {
                q = q.filter(users::active.eq(active));
            }
            if let Some(role) = filter.role {
                q = q.filter(
                    users::id.eq_any(
                        user_roles::table
                            .filter(user_roles::role.eq(role.as_str()))
                            .select(user_roles::user_id),
                    ),
                );
            }
            let rows = q.load::<UserRow>(conn)?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let roles = global_roles(conn, &row.id)?;
                out.push((row, roles));
            }
            Ok(out)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |(row, _)| row.id.clone());
    Ok(HttpResponse::Ok().json(page.map(|(row, roles)| User::from_row(row, roles))))
}

async fn load_user(state: &AppState, id: String) -> Result<(UserRow, Vec<GlobalRole>), ApiError> {
    state
        .db
        .run(move |conn| {
            let row = users::table
                .find(&id)
                .select(UserRow::as_select())
                .first(conn)
                .optional()?
                .ok_or_else(|| ApiError::not_found(format!("No user has the id `{id}`.")))?;
            let roles = global_roles(conn, &row.id)?;
            Ok((row, roles))
        })
        .await
}

/// Reads a user account. Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The user's id")),
    responses(
        (status = 200, description = "The account", body = User, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/users/{id}")]
pub async fn get_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageUsers)?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let (row, roles) = load_user(&state, id).await?;
    let user = User::from_row(row, roles);
    Ok(json_with_etag(&req, etag(&user.id, user.version), &user))
}

/// Changes a user account: name, active flag, global roles, password. Admins only.
#[utoipa::path(
    tag = "users",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The user's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateUser,
    responses(
        (status = 200, description = "The changed account", body = User, headers(("ETag" = String))),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    state: web::Data<AppState>,
    caller: Caller,
    id: crate::http::ids::PathId,
    if_match: crate::http::conditional::IfMatch,
    body: ApiJson<UpdateUser>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageUsers)?;
    let body = body.into_inner();
    let id = id.into_inner();
    let (current, _) = load_user(&state, id.clone()).await?;
    let password_hash = match body.password.clone() {
        Some(password) => {
            super::password::check_strength(&password, &current.email)
                .map_err(|e| ApiError::validation(vec![e]))?;
            Some(web::block(move || super::password::hash(&password)).await??)
        }
        None => None,
    };
    let (row, roles) = state
        .db
        .write(move |conn| {
            // Bumping the version first locks the row for this transaction.
            diesel::update(users::table.find(&id))
                .set((
                    users::updated_at.eq(crate::db::now()),
                    users::version.eq(users::version + 1),
                ))
                .execute(conn)?;
            let version: i64 = users::table.find(&id).select(users::version).first(conn)?;
            if_match.check_tag(&etag(&id, version - 1))?;
            apply_changes(conn, &caller, &id, body, password_hash)
        })
        .await?;
    let user = User::from_row(row, roles);
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(etag(&user.id, user.version)))
        .json(user))
}

/// Writes the changes of `body` (and a new password's hash) to user `id`,
/// locked by the caller: deactivating or a new password ends every login.
fn apply_changes(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    body: UpdateUser,
    password_hash: Option<String>,
) -> Result<(UserRow, Vec<GlobalRole>), ApiError> {
    let mut change = Change::new("user", id, "update");
    if let Some(name) = &body.display_name {
        diesel::update(users::table.find(id))
            .set(users::display_name.eq(name.trim()))
            .execute(conn)?;
        change = change.value("display_name", name.trim());
    }
    if let Some(active) = body.active {
        diesel::update(users::table.find(id))
            .set(users::active.eq(active))
            .execute(conn)?;
        change = change.value("active", active);
        if !active {
            revoke_all_refresh_tokens(conn, id)?;
        }
    }
    if let Some(hash) = &password_hash {
        diesel::update(users::table.find(id))
            .set(users::password_hash.eq(hash))
            .execute(conn)?;
        revoke_all_refresh_tokens(conn, id)?;
        change = change.personal("password");
    }
    if let Some(roles) = &body.roles {
        diesel::delete(user_roles::table.filter(user_roles::user_id.eq(id))).execute(conn)?;
        for role in dedup(roles) {
            diesel::insert_into(user_roles::table)
                .values((
                    user_roles::user_id.eq(id),
                    user_roles::role.eq(role.as_str()),
                ))
                .execute(conn)?;
        }
        change = change.value("roles", roles);
    }
    audit::record(conn, caller, change)?;
    let row = users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)?;
    let roles = global_roles(conn, id)?;
    Ok((row, roles))
}

/// Ends every session of a user (password change, deactivation).
pub fn revoke_all_refresh_tokens(conn: &mut DbConn, user_id: &str) -> Result<(), ApiError> {
    use crate::db::schema::refresh_tokens as rt;
    diesel::update(
        rt::table
            .filter(rt::user_id.eq(user_id))
            .filter(rt::revoked_at.is_null()),
    )
    .set(rt::revoked_at.eq(crate::db::now()))
    .execute(conn)?;
    Ok(())
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_me)
        .service(create_user)
        .service(list_users)
        .service(get_user)
        .service(update_user);
}

crate::http::pagination::page_schema!(UserPage, User, "A page of user accounts.");
