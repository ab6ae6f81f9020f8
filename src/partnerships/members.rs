//! A partnership's members: who takes part, with which role, since when and
//! until when (leaving keeps the record as history), their local coordinator
//! and working team, and the single lead.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::handlers::{
    ensure_not_dissolved, keeps_activation_conditions, load, lock, may_manage, status_of,
};
use super::rules::{PartnerRole, PartnershipStatus};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::schema::{
    organizations as org, partnership_members as pm, partnership_team_members as ptm,
};
use crate::error::{ApiError, FieldError, responses, stored};
use crate::http::conditional::{check_if_match, etag, json_with_etag};
use crate::http::extract::double_option;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::path_id;
use crate::organizations::model::OrganizationKind;
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pm)]
struct MemberRow {
    id: String,
    partnership_id: String,
    organization_id: String,
    role: String,
    joined_on: NaiveDate,
    left_on: Option<NaiveDate>,
    local_coordinator_person_id: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// A person in a member's working team.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub person_id: String,
    /// For example `management` or `executive`.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub team_role: String,
}

/// A membership period of an organisation in a partnership.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipMember {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub partnership_id: String,
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(max_length = 300)]
    pub organization_name: String,
    pub organization_kind: OrganizationKind,
    pub role: PartnerRole,
    pub joined_on: NaiveDate,
    /// Set when the member left; the record stays as history.
    pub left_on: Option<NaiveDate>,
    /// Whether the member is current (has not left).
    pub current: bool,
    /// The person the member designated to run its part.
    #[schema(format = Uuid)]
    pub local_coordinator_person_id: Option<String>,
    /// The member's working team (usually 3–4 people).
    #[schema(max_items = 20)]
    pub working_team: Vec<TeamMember>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

fn member(conn: &mut DbConn, row: MemberRow) -> Result<PartnershipMember, ApiError> {
    let (name, kind): (String, String) = org::table
        .find(&row.organization_id)
        .select((org::name, org::kind))
        .first(conn)?;
    let team: Vec<(String, String)> = ptm::table
        .filter(ptm::member_id.eq(&row.id))
        .select((ptm::person_id, ptm::team_role))
        .order(ptm::person_id.asc())
        .load(conn)?;
    Ok(PartnershipMember {
        current: row.left_on.is_none(),
        id: row.id,
        partnership_id: row.partnership_id,
        organization_id: row.organization_id,
        organization_name: name,
        organization_kind: stored(OrganizationKind::parse(&kind), "organisation kind", &kind)?,
        role: stored(PartnerRole::parse(&row.role), "partner role", &row.role)?,
        joined_on: row.joined_on,
        left_on: row.left_on,
        local_coordinator_person_id: row.local_coordinator_person_id,
        working_team: team
            .into_iter()
            .map(|(person_id, team_role)| TeamMember {
                person_id,
                team_role,
            })
            .collect(),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        version: row.version,
    })
}

fn load_member(conn: &mut DbConn, partnership: &str, id: &str) -> Result<MemberRow, ApiError> {
    pm::table
        .find(id)
        .filter(pm::partnership_id.eq(partnership))
        .select(MemberRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!("Partnership `{partnership}` has no member `{id}`."))
        })
}

/// The checks before changing a membership: the partnership locked, the caller
/// allowed, the partnership not dissolved, `If-Match` current, the member
/// current (a former member's record is history).
fn current_member_for_change(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    member_id: &str,
    headers: &actix_web::http::header::HeaderMap,
) -> Result<MemberRow, ApiError> {
    let current = lock(conn, id)?;
    may_manage(caller, conn, &current)?;
    ensure_not_dissolved(&current)?;
    let row = load_member(conn, id, member_id)?;
    check_if_match(headers, &etag(&row.id, row.version))?;
    if row.left_on.is_some() {
        return Err(ApiError::invalid_transition(
            "left",
            Vec::new(),
            "The member has left; its record is history and cannot be changed.",
        ));
    }
    Ok(row)
}

/// Reads one member of a partnership (current or former), with its ETag. Any
/// signed-in user; API clients with `partnerships:read`.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        ("member_id" = String, Path, format = Uuid, description = "The member's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The member", body = PartnershipMember, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/partnerships/{id}/members/{member_id}")]
pub async fn get_partnership_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let (id, member_id) = path.into_inner();
    path_id("id", &id)?;
    path_id("member_id", &member_id)?;
    let m = state
        .db
        .run(move |conn| {
            let row = load_member(conn, &id, &member_id)?;
            member(conn, row)
        })
        .await?;
    Ok(json_with_etag(&req, etag(&m.id, m.version), &m))
}

/// Lists a partnership's members, current and former (history), by id.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id"), ListParams),
    responses(
        (status = 200, description = "A page of members", body = PartnershipMemberPage),
    )
)]
#[get("/partnerships/{id}/members")]
pub async fn list_partnership_members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let page = list.0.page()?;
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            load(conn, &id)?;
            let mut q = pm::table
                .filter(pm::partnership_id.eq(&id))
                .select(MemberRow::as_select())
                .order(pm::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(pm::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(pm::updated_at.ge(since));
            }
            let rows = q.load::<MemberRow>(conn)?;
            let mut out = Vec::with_capacity(rows.len());
            for r in rows {
                out.push(member(conn, r)?);
            }
            Ok(out)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |m| m.id.clone());
    Ok(HttpResponse::Ok().json(page))
}

/// Adds an organisation to a partnership.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddPartnershipMember {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organization_id: String,
    pub role: PartnerRole,
    /// Default: today.
    pub joined_on: Option<NaiveDate>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub local_coordinator_person_id: Option<String>,
}

/// The most current members a partnership can have.
pub const MAX_CURRENT_MEMBERS: i64 = 200;

fn check_single_lead(
    conn: &mut DbConn,
    partnership: &str,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let mut q = pm::table
        .filter(pm::partnership_id.eq(partnership))
        .filter(pm::left_on.is_null())
        .filter(pm::role.eq("lead"))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(pm::id.ne(id));
    }
    let leads: i64 = q.count().get_result(conn)?;
    if leads > 0 {
        return Err(ApiError::validation(vec![FieldError::new(
            "role",
            "lead_exists",
            "the partnership already has a current lead; change that member's role first",
        )]));
    }
    Ok(())
}

/// Adds a member. Admins, coordinators of the partnership's project, org admins
/// of its lead member.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id")),
    request_body = AddPartnershipMember,
    responses(
        (status = 201, description = "The membership", body = PartnershipMember, headers(("Location" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/members")]
pub async fn add_partnership_member(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<AddPartnershipMember>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let b = body.into_inner();
    let m = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let current = lock(conn, &id)?;
                may_manage(&caller, conn, &current)?;
                if status_of(&current)? == PartnershipStatus::Dissolved {
                    return Err(ApiError::invalid_transition(
                        "dissolved",
                        Vec::new(),
                        "A dissolved partnership cannot gain members.",
                    ));
                }
                crate::db::references::ensure_organization(
                    conn,
                    &b.organization_id,
                    "organization_id",
                )?;
                if let Some(person) = &b.local_coordinator_person_id {
                    crate::db::references::ensure_person(
                        conn,
                        person,
                        "local_coordinator_person_id",
                    )?;
                }
                let already: i64 = pm::table
                    .filter(pm::partnership_id.eq(&id))
                    .filter(pm::organization_id.eq(&b.organization_id))
                    .filter(pm::left_on.is_null())
                    .count()
                    .get_result(conn)?;
                if already > 0 {
                    return Err(ApiError::new(
                        crate::error::ProblemCode::AlreadyExists,
                        "The organisation is already a current member of this partnership.",
                    ));
                }
                if b.role == PartnerRole::Lead {
                    check_single_lead(conn, &id, None)?;
                }
                let current_members: i64 = pm::table
                    .filter(pm::partnership_id.eq(&id))
                    .filter(pm::left_on.is_null())
                    .count()
                    .get_result(conn)?;
                if current_members >= MAX_CURRENT_MEMBERS {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "organization_id",
                        "too_many_members",
                        format!("a partnership has at most {MAX_CURRENT_MEMBERS} current members"),
                    )]));
                }
                let member_id = crate::db::new_id();
                let now = crate::db::now();
                let joined = b.joined_on.unwrap_or_else(|| now.date());
                diesel::insert_into(pm::table)
                    .values((
                        pm::id.eq(&member_id),
                        pm::partnership_id.eq(&id),
                        pm::organization_id.eq(&b.organization_id),
                        pm::role.eq(b.role.as_str()),
                        pm::joined_on.eq(joined),
                        pm::local_coordinator_person_id.eq(&b.local_coordinator_person_id),
                        pm::created_at.eq(now),
                        pm::updated_at.eq(now),
                        pm::version.eq(1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("partnership_member", &member_id, "create")
                        .value("partnership_id", &id)
                        .value("organization_id", &b.organization_id)
                        .value("role", b.role)
                        .value("joined_on", joined),
                )?;
                let row = load_member(conn, &id, &member_id)?;
                member(conn, row)
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/partnerships/{}/members/{}", m.partnership_id, m.id),
        ))
        .insert_header(header::ETag(etag(&m.id, m.version)))
        .json(m))
}

/// Changes a member's role, local coordinator or working team.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePartnershipMember {
    pub role: Option<PartnerRole>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub local_coordinator_person_id: Option<Option<String>>,
    /// Replaces the working team.
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub working_team: Option<Vec<TeamMember>>,
}

/// Changes a current member. Admins, coordinators of the partnership's project,
/// org admins of its lead member.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        ("member_id" = String, Path, format = Uuid, description = "The membership's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdatePartnershipMember,
    responses(
        (status = 200, description = "The membership", body = PartnershipMember),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/partnerships/{id}/members/{member_id}")]
pub async fn update_partnership_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    body: ApiJson<UpdatePartnershipMember>,
) -> Result<HttpResponse, ApiError> {
    let headers = req.headers().clone();
    require_signed_in(&caller.actor)?;
    let (id, member_id) = path.into_inner();
    path_id("id", &id)?;
    path_id("member_id", &member_id)?;
    let b = body.into_inner();
    let m = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let row = current_member_for_change(conn, &caller, &id, &member_id, &headers)?;
                let mut change = Change::new("partnership_member", &member_id, "update");
                if let Some(role) = b.role {
                    if role == PartnerRole::Lead {
                        check_single_lead(conn, &id, Some(&member_id))?;
                    }
                    diesel::update(pm::table.find(&member_id))
                        .set(pm::role.eq(role.as_str()))
                        .execute(conn)?;
                    change = change.value("role", role);
                }
                if let Some(person) = &b.local_coordinator_person_id {
                    if let Some(p) = person {
                        crate::db::references::ensure_person(
                            conn,
                            p,
                            "local_coordinator_person_id",
                        )?;
                    }
                    diesel::update(pm::table.find(&member_id))
                        .set(pm::local_coordinator_person_id.eq(person))
                        .execute(conn)?;
                    change = change.value("local_coordinator_person_id", person);
                }
                if let Some(team) = &b.working_team {
                    diesel::delete(ptm::table.filter(ptm::member_id.eq(&member_id)))
                        .execute(conn)?;
                    for (i, t) in team.iter().enumerate() {
                        crate::db::references::ensure_person(
                            conn,
                            &t.person_id,
                            &format!("working_team[{i}].person_id"),
                        )?;
                        diesel::insert_into(ptm::table)
                            .values((
                                ptm::member_id.eq(&member_id),
                                ptm::person_id.eq(&t.person_id),
                                ptm::team_role.eq(t.team_role.trim()),
                            ))
                            .execute(conn)
                            .map_err(|e| match e {
                                diesel::result::Error::DatabaseError(
                                    diesel::result::DatabaseErrorKind::UniqueViolation,
                                    _,
                                ) => ApiError::validation(vec![FieldError::new(
                                    format!("working_team[{i}].person_id"),
                                    "duplicate",
                                    "the person is already in the team",
                                )]),
                                other => other.into(),
                            })?;
                    }
                    change = change.value("working_team", team);
                }
                diesel::update(pm::table.find(&member_id))
                    .set((
                        pm::updated_at.eq(crate::db::now()),
                        pm::version.eq(row.version + 1),
                    ))
                    .execute(conn)?;
                audit::record(conn, &caller, change)?;
                keeps_activation_conditions(conn, &id)?;
                let row = load_member(conn, &id, &member_id)?;
                member(conn, row)
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(etag(&m.id, m.version)))
        .json(m))
}

/// When a member leaves.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeavePartnership {
    /// Default: today. Not before the member joined.
    pub left_on: Option<NaiveDate>,
}

/// Records that a member left; the membership stays as history.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        ("member_id" = String, Path, format = Uuid, description = "The membership's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = LeavePartnership,
    responses(
        (status = 200, description = "The former membership", body = PartnershipMember),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/members/{member_id}/leave")]
pub async fn leave_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    body: ApiJson<LeavePartnership>,
) -> Result<HttpResponse, ApiError> {
    let headers = req.headers().clone();
    require_signed_in(&caller.actor)?;
    let (id, member_id) = path.into_inner();
    path_id("id", &id)?;
    path_id("member_id", &member_id)?;
    let b = body.into_inner();
    let m = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let row = current_member_for_change(conn, &caller, &id, &member_id, &headers)?;
                let left = b.left_on.unwrap_or_else(|| crate::db::now().date());
                if left < row.joined_on {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "left_on",
                        "before_joined_on",
                        "must not be before the member joined",
                    )]));
                }
                diesel::update(pm::table.find(&member_id))
                    .set((
                        pm::left_on.eq(left),
                        pm::updated_at.eq(crate::db::now()),
                        pm::version.eq(row.version + 1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("partnership_member", &member_id, "leave").value("left_on", left),
                )?;
                keeps_activation_conditions(conn, &id)?;
                let row = load_member(conn, &id, &member_id)?;
                member(conn, row)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(m))
}

crate::http::pagination::page_schema!(
    PartnershipMemberPage,
    PartnershipMember,
    "A page of a partnership's members."
);
