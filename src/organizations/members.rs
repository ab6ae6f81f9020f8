//! An organisation's members: people with the role `org_admin` or `org_member`.
//! A membership an org admin proposes for someone else is an invitation until
//! the person (or a platform administrator) accepts it.

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use diesel::prelude::*;

use super::model::*;
use super::store::{self, member};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, allows, authorize, joins_without_consent};
use crate::db::record;
use crate::db::schema::{organization_members as om, people};
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, etag, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::{PathId, PathIds};
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

fn manage(caller: &Caller, organization_id: &str) -> Result<(), ApiError> {
    authorize(
        &caller.actor,
        Permission::ManageOrganizationMembers { organization_id },
    )
}

fn respond_saved(m: Member) -> HttpResponse {
    saved(etag(&m.id, m.version), &m)
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
    id: PathId,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("organizations"))?;
    let id = id.into_inner();
    let page = list.0.page()?;
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            record::find::<OrganizationRow>(conn, &id)?;
            let rows = om::table
                .inner_join(people::table)
                .select((MemberRow::as_select(), people::full_name));
            let q = keyset_page!(rows, om, request).filter(om::organization_id.eq(&id));
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
    id: PathId,
    body: ApiJson<AddMember>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let form = body.into_inner();
    let m = state
        .db
        .write(move |conn| {
            let organization: OrganizationRow = record::find(conn, &id)?;
            manage(&caller, &id)?;
            let status = if joins_without_consent(&caller.actor, &form.person_id) {
                MemberStatus::Active
            } else {
                MemberStatus::Invited
            };
            store::add_member(
                conn,
                &caller,
                &organization,
                form,
                (status, crate::db::now()),
            )
        })
        .await?;
    let location = format!(
        "/api/v1/organizations/{}/members/{}",
        m.organization_id, m.id
    );
    Ok(created(location, etag(&m.id, m.version), &m))
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
    ids: PathIds<2>,
    if_match: IfMatch,
    body: ApiJson<UpdateMember>,
) -> Result<HttpResponse, ApiError> {
    let [id, member_id] = ids.0;
    let mut changes = body.into_inner();
    let m = state
        .db
        .write(move |conn| {
            record::find::<OrganizationRow>(conn, &id)?;
            manage(&caller, &id)?;
            diesel::update(om::table.find(&member_id))
                .set(om::version.eq(om::version))
                .execute(conn)?;
            let current = member(conn, &id, &member_id)?;
            if_match.check_tag(&etag(&current.id, current.version))?;
            if let Some(Some(p)) = &mut changes.position {
                *p = p.trim().to_owned();
            }
            let role = changes.role.unwrap_or(current.role);
            let position = changes.position.clone().unwrap_or(current.position);
            diesel::update(om::table.find(&member_id))
                .set((
                    om::role.eq(role.as_str()),
                    om::position.eq(&position),
                    om::updated_at.eq(crate::db::now()),
                    om::version.eq(current.version + 1),
                ))
                .execute(conn)?;
            let change =
                Change::new("organization_member", &member_id, "update").form(&changes, &[]);
            audit::record(conn, &caller, change)?;
            member(conn, &id, &member_id)
        })
        .await?;
    Ok(respond_saved(m))
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
    ids: PathIds<2>,
) -> Result<HttpResponse, ApiError> {
    let [id, member_id] = ids.0;
    state
        .db
        .write(move |conn| {
            record::find::<OrganizationRow>(conn, &id)?;
            let current = member(conn, &id, &member_id)?;
            let person_id = &current.person_id;
            if !allows(&caller.actor, Permission::AnswerMembership { person_id }) {
                manage(&caller, &id)?;
            }
            diesel::delete(om::table.find(&member_id)).execute(conn)?;
            let change = Change::new("organization_member", &member_id, "delete")
                .value("organization_id", &id)
                .value("person_id", person_id);
            audit::record(conn, &caller, change)
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
    ids: PathIds<2>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("organizations"))?;
    let [id, member_id] = ids.0;
    let m = state
        .db
        .run(move |conn| member(conn, &id, &member_id))
        .await?;
    Ok(json_with_etag(&req, etag(&m.id, m.version), &m))
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
    ids: PathIds<2>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let [id, member_id] = ids.0;
    let m = state
        .db
        .write(move |conn| {
            diesel::update(om::table.find(&member_id))
                .set(om::version.eq(om::version))
                .execute(conn)?;
            let current = member(conn, &id, &member_id)?;
            let person_id = &current.person_id;
            authorize(&caller.actor, Permission::AnswerMembership { person_id })?;
            if_match.check_tag(&etag(&current.id, current.version))?;
            let organization: OrganizationRow = record::find(conn, &id)?;
            if organization.archived_at.is_some() {
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
            let change = Change::new("organization_member", &member_id, "accept")
                .value("status", MemberStatus::Active);
            audit::record(conn, &caller, change)?;
            member(conn, &id, &member_id)
        })
        .await?;
    Ok(respond_saved(m))
}

crate::http::pagination::page_schema!(MemberPage, Member, "A page of an organisation's members.");
