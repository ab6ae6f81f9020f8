//! The partnership member endpoints: read, list, add, change, leave.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    AddPartnershipMember, LeavePartnership, MemberRow, PartnershipMember, PartnershipMemberPage,
    UpdatePartnershipMember,
};
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::record::{self, Record};
use crate::db::schema::partnership_members as pm;
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::{PathId, PathIds};
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::partnerships::model::PartnershipRow;
use crate::partnerships::store::may_manage;
use crate::state::AppState;

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
    ids: PathIds<2>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let [id, member_id] = ids.0;
    let (tag, m) = state
        .db
        .run(move |conn| {
            let row = store::load(conn, &id, &member_id)?;
            Ok((row.etag(), store::present(conn, row)?))
        })
        .await?;
    Ok(json_with_etag(&req, tag, &m))
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
    id: PathId,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let id = id.into_inner();
    let page = list.0.page()?;
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            record::find::<PartnershipRow>(conn, &id)?;
            let q = keyset_page!(pm::table.select(MemberRow::as_select()), pm, request);
            let rows = q
                .filter(pm::partnership_id.eq(&id))
                .load::<MemberRow>(conn)?;
            rows.into_iter()
                .map(|r| store::present(conn, r))
                .collect::<Result<Vec<_>, _>>()
        })
        .await?;
    let page = Page::from_rows(rows, &page, |m: &PartnershipMember| m.id.clone());
    Ok(HttpResponse::Ok().json(page))
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
    id: PathId,
    body: ApiJson<AddPartnershipMember>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let form = body.into_inner();
    let (tag, m) = state
        .db
        .write(move |conn| {
            let partnership: PartnershipRow = record::locked(conn, &id)?;
            may_manage(&caller, conn, &partnership)?;
            let row = store::insert(conn, &caller, &partnership, form)?;
            Ok((row.etag(), store::present(conn, row)?))
        })
        .await?;
    let location = format!("/api/v1/partnerships/{}/members/{}", m.partnership_id, m.id);
    Ok(created(location, tag, &m))
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
    ids: PathIds<2>,
    if_match: IfMatch,
    body: ApiJson<UpdatePartnershipMember>,
) -> Result<HttpResponse, ApiError> {
    let [id, member_id] = ids.0;
    let changes = body.into_inner();
    let (tag, m) = state
        .db
        .write(move |conn| {
            let row = store::for_change(conn, &caller, &id, &member_id, &if_match)?;
            let row = store::update(conn, &caller, row, changes)?;
            Ok((row.etag(), store::present(conn, row)?))
        })
        .await?;
    Ok(saved(tag, &m))
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
    ids: PathIds<2>,
    if_match: IfMatch,
    body: ApiJson<LeavePartnership>,
) -> Result<HttpResponse, ApiError> {
    let [id, member_id] = ids.0;
    let left_on = body.into_inner().left_on;
    let (tag, m) = state
        .db
        .write(move |conn| {
            let row = store::for_change(conn, &caller, &id, &member_id, &if_match)?;
            let row = store::leave(conn, &caller, row, left_on)?;
            Ok((row.etag(), store::present(conn, row)?))
        })
        .await?;
    Ok(saved(tag, &m))
}
