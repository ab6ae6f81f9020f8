//! An organisation's members: people with the role `org_admin` or `org_member`.
//! A membership an org admin proposes for someone else is an invitation until
//! the person (or a platform administrator) accepts it.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use diesel::prelude::*;

use super::handlers::load;
use super::model::*;
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{
    Permission, allows, authorize, joins_without_consent, require_signed_in,
};
use crate::db::DbConn;
use crate::db::schema::{organization_members as om, people};
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::http::conditional::{check_if_match, etag, json_with_etag};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::state::AppState;

fn load_member(conn: &mut DbConn, org_id: &str, member_id: &str) -> Result<Member, ApiError> {
    let (row, name): (MemberRow, String) = om::table
        .inner_join(people::table)
        .filter(om::id.eq(member_id))
        .filter(om::organization_id.eq(org_id))
        .select((MemberRow::as_select(), people::full_name))
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Organisation `{org_id}` has no membership `{member_id}`."
            ))
        })?;
    Member::from_row(row, name)
}

/// Lists an organisation's members. Any signed-in user; API clients with
/// `organizations:read`.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The organisation's id"), ListParams),
    responses(
        (status = 200, description = "A page of members", body = MemberPage),
    )
)]
#[get("/organizations/{id}/members")]
pub async fn list_organization_members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("organizations"))?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let page = list.0.page()?;
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            load(conn, &id)?;
            let mut q = om::table
                .inner_join(people::table)
                .filter(om::organization_id.eq(&id))
                .select((MemberRow::as_select(), people::full_name))
                .order(om::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(om::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(om::updated_at.ge(since));
            }
            Ok(q.load::<(MemberRow, String)>(conn)?)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |(r, _)| r.id.clone());
    Ok(HttpResponse::Ok().json(page.try_map(|(r, name)| Member::from_row(r, name))?))
}

/// Adds a person to an organisation as `org_admin` or `org_member`. Admins and the
/// organisation's org admins. When an org admin adds someone other than
/// themself, the membership is `invited`: it carries no role and opens none of
/// the person's personal data until the person (or a platform administrator)
/// accepts it with `POST …/members/{member_id}/accept`.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The organisation's id")),
    request_body = AddMember,
    responses(
        (status = 201, description = "The membership", body = Member, headers(("Location" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/organizations/{id}/members")]
pub async fn add_organization_member(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<AddMember>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let b = body.into_inner();
    let member = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let current = load(conn, &id)?;
                authorize(
                    &caller.actor,
                    Permission::ManageOrganizationMembers { organization_id: &id },
                )?;
                if current.archived_at.is_some() {
                    return Err(ApiError::invalid_transition(
                        "archived",
                        Vec::new(),
                        "An archived organisation cannot gain members.",
                    ));
                }
                crate::db::references::ensure_person(conn, &b.person_id, "person_id")?;
                let existing: i64 = om::table
                    .filter(om::organization_id.eq(&id))
                    .filter(om::person_id.eq(&b.person_id))
                    .count()
                    .get_result(conn)?;
                if existing > 0 {
                    return Err(ApiError::new(
                        ProblemCode::AlreadyExists,
                        "The person is already a member of this organisation; change the membership instead.",
                    ));
                }
                let memberships: i64 = om::table
                    .filter(om::person_id.eq(&b.person_id))
                    .count()
                    .get_result(conn)?;
                if memberships >= super::MAX_MEMBERSHIPS_PER_PERSON {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "person_id",
                        "too_many_memberships",
                        format!(
                            "a person belongs to at most {} organisations",
                            super::MAX_MEMBERSHIPS_PER_PERSON
                        ),
                    )]));
                }
                let member_id = crate::db::new_id();
                let now = crate::db::now();
                let status = if joins_without_consent(&caller.actor, &b.person_id) {
                    MemberStatus::Active
                } else {
                    MemberStatus::Invited
                };
                diesel::insert_into(om::table)
                    .values((
                        om::id.eq(&member_id),
                        om::organization_id.eq(&id),
                        om::person_id.eq(&b.person_id),
                        om::role.eq(b.role.as_str()),
                        om::status.eq(status.as_str()),
                        om::position.eq(b.position.as_deref().map(str::trim)),
                        om::created_at.eq(now),
                        om::updated_at.eq(now),
                        om::version.eq(1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("organization_member", &member_id, "create")
                        .value("organization_id", &id)
                        .value("person_id", &b.person_id)
                        .value("role", b.role)
                        .value("status", status)
                        .value("position", &b.position),
                )?;
                load_member(conn, &id, &member_id)
            })
        })
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/organizations/{}/members/{}",
                member.organization_id, member.id
            ),
        ))
        .insert_header(header::ETag(etag(&member.id, member.version)))
        .json(member))
}

/// Changes a membership's role or position. Admins and the organisation's org admins.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The organisation's id"),
        ("member_id" = String, Path, format = Uuid, description = "The membership's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateMember,
    responses(
        (status = 200, description = "The membership", body = Member, headers(("ETag" = String))),
    )
)]
#[patch("/organizations/{id}/members/{member_id}")]
pub async fn update_organization_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    body: ApiJson<UpdateMember>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let (id, member_id) = path.into_inner();
    crate::http::path_id("id", &id)?;
    crate::http::path_id("member_id", &member_id)?;
    let headers = req.headers().clone();
    let b = body.into_inner();
    let member = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                load(conn, &id)?;
                authorize(
                    &caller.actor,
                    Permission::ManageOrganizationMembers {
                        organization_id: &id,
                    },
                )?;
                diesel::update(om::table.find(&member_id))
                    .set(om::version.eq(om::version))
                    .execute(conn)?;
                let current = load_member(conn, &id, &member_id)?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                let role = b.role.unwrap_or(current.role);
                let position = match &b.position {
                    Some(p) => p.as_deref().map(str::trim).map(str::to_owned),
                    None => current.position.clone(),
                };
                diesel::update(om::table.find(&member_id))
                    .set((
                        om::role.eq(role.as_str()),
                        om::position.eq(&position),
                        om::updated_at.eq(crate::db::now()),
                        om::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("organization_member", &member_id, "update")
                        .value("role", role)
                        .value("position", &position),
                )?;
                load_member(conn, &id, &member_id)
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(etag(&member.id, member.version)))
        .json(member))
}

/// Removes a person from an organisation. Admins and the organisation's org
/// admins; the person themself may also leave, or decline an invitation.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The organisation's id"),
        ("member_id" = String, Path, format = Uuid, description = "The membership's id"),
    ),
    responses(
        (status = 204, description = "The membership is gone"),
    )
)]
#[delete("/organizations/{id}/members/{member_id}")]
pub async fn remove_organization_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let (id, member_id) = path.into_inner();
    crate::http::path_id("id", &id)?;
    crate::http::path_id("member_id", &member_id)?;
    state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                load(conn, &id)?;
                let current = load_member(conn, &id, &member_id)?;
                if !allows(
                    &caller.actor,
                    Permission::AnswerMembership {
                        person_id: &current.person_id,
                    },
                ) {
                    authorize(
                        &caller.actor,
                        Permission::ManageOrganizationMembers {
                            organization_id: &id,
                        },
                    )?;
                }
                diesel::delete(om::table.find(&member_id)).execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("organization_member", &member_id, "delete")
                        .value("organization_id", &id)
                        .value("person_id", &current.person_id),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Reads one membership. Any signed-in user; API clients with
/// `organizations:read`.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The organisation's id"),
        ("member_id" = String, Path, format = Uuid, description = "The membership's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The membership", body = Member, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/organizations/{id}/members/{member_id}")]
pub async fn get_organization_member(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("organizations"))?;
    let (id, member_id) = path.into_inner();
    crate::http::path_id("id", &id)?;
    crate::http::path_id("member_id", &member_id)?;
    let member = state
        .db
        .run(move |conn| load_member(conn, &id, &member_id))
        .await?;
    Ok(json_with_etag(
        &req,
        etag(&member.id, member.version),
        &member,
    ))
}

/// Accepts an invitation to an organisation: the membership becomes `active`,
/// with its role. The invited person themself, or a platform administrator.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The organisation's id"),
        ("member_id" = String, Path, format = Uuid, description = "The membership's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The membership, now active", body = Member, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/organizations/{id}/members/{member_id}/accept")]
pub async fn accept_organization_membership(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let (id, member_id) = path.into_inner();
    crate::http::path_id("id", &id)?;
    crate::http::path_id("member_id", &member_id)?;
    let headers = req.headers().clone();
    let member = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                diesel::update(om::table.find(&member_id))
                    .set(om::version.eq(om::version))
                    .execute(conn)?;
                let current = load_member(conn, &id, &member_id)?;
                authorize(
                    &caller.actor,
                    Permission::AnswerMembership {
                        person_id: &current.person_id,
                    },
                )?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                if load(conn, &id)?.archived_at.is_some() {
                    return Err(ApiError::invalid_transition(
                        "archived",
                        Vec::new(),
                        "An archived organisation cannot gain members.",
                    ));
                }
                if current.status == MemberStatus::Active {
                    return Err(ApiError::invalid_transition(
                        "active",
                        Vec::new(),
                        "The membership is already active.",
                    ));
                }
                diesel::update(om::table.find(&member_id))
                    .set((
                        om::status.eq(MemberStatus::Active.as_str()),
                        om::updated_at.eq(crate::db::now()),
                        om::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("organization_member", &member_id, "accept")
                        .value("status", MemberStatus::Active),
                )?;
                load_member(conn, &id, &member_id)
            })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(etag(&member.id, member.version)))
        .json(member))
}

crate::http::pagination::page_schema!(MemberPage, Member, "A page of an organisation's members.");
