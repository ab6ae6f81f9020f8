//! The endpoints of participation bodies: the bodies and their constituency
//! balance (public), their members (signed-in users; the names of members
//! speaking for people affected by exclusion for the body's managers only).

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    BalanceParams, BodyFilter, BodyMember, BodyMemberPage, BodyRow, CreateBodyMember,
    CreateParticipationBody, MemberFilter, MemberRow, ParticipationBody, ParticipationBodyPage,
    UpdateBodyMember, UpdateParticipationBody,
};
use super::rules::ConstituencyBalance;
use super::store;
use crate::audit::Caller;
use crate::auth::Actor;
use crate::auth::policy::{Permission, allows, authorize};
use crate::db::record::{self, Record};
use crate::db::schema::{participation_bodies as pb, participation_body_members as pm};
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::export::{CsvDocument, NdjsonDocument, StreamFormat, StreamParams, stream};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::{PathId, PathIds};
use crate::http::pagination::{ListParams, Page, PageRequest};
use crate::keyset_page;
use crate::state::AppState;

/// Whether `actor` manages `body`.
fn manages(actor: &Actor, body: &BodyRow) -> bool {
    allows(
        actor,
        Permission::ManageParticipationBody {
            organization_id: &body.secretariat_organization_id,
        },
    )
}

fn authorize_manage(actor: &Actor, body: &BodyRow) -> Result<(), ApiError> {
    authorize(
        actor,
        Permission::ManageParticipationBody {
            organization_id: &body.secretariat_organization_id,
        },
    )
}

/// Lists participation bodies, by id. Anybody.
#[utoipa::path(
    tag = "participation",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(ListParams, BodyFilter),
    responses((status = 200, description = "A page of participation bodies", body = ParticipationBodyPage))
)]
#[get("/participation-bodies")]
pub async fn list_participation_bodies(
    state: web::Data<AppState>,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<BodyFilter>,
) -> Result<HttpResponse, ApiError> {
    let page = list.0.page()?;
    let filter = checked(filter.into_inner())?;
    Ok(HttpResponse::Ok().json(bodies_page(state, page, filter).await?))
}

/// Exports every participation body the filters select, streamed as NDJSON
/// or CSV. Anybody.
#[utoipa::path(
    tag = "participation",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(StreamParams, BodyFilter),
    responses(
        (status = 200, description = "The participation bodies, one per line",
            content(
                (NdjsonDocument = "application/x-ndjson"),
                (CsvDocument = "text/csv"),
            ),
            headers(("Content-Disposition" = String))),
    )
)]
#[get("/exports/participation-bodies")]
pub async fn export_participation_bodies(
    state: web::Data<AppState>,
    params: ApiQuery<StreamParams>,
    filter: ApiQuery<BodyFilter>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let filter = checked(filter.into_inner())?;
    stream(
        params.format.unwrap_or(StreamFormat::Ndjson),
        "participation-bodies",
        PageRequest::from_start(params.updated_since),
        move |page| bodies_page(state.clone(), page, filter.clone()),
    )
    .await
}

fn checked(filter: BodyFilter) -> Result<BodyFilter, ApiError> {
    if let Some(code) = &filter.territorial_unit_code {
        crate::territorial_units::check_code_param("territorial_unit_code", code)?;
    }
    Ok(filter)
}

/// One page of the participation bodies `filter` selects.
async fn bodies_page(
    state: web::Data<AppState>,
    page: PageRequest,
    filter: BodyFilter,
) -> Result<Page<ParticipationBody>, ApiError> {
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(pb::table.select(BodyRow::as_select()), pb, request);
            if let Some(kind) = filter.kind {
                q = q.filter(pb::kind.eq(kind.as_str()));
            }
            if let Some(code) = filter.territorial_unit_code {
                q = q.filter(pb::territorial_unit_code.eq(code));
            }
            if let Some(org) = filter.organization_id {
                q = q.filter(pb::secretariat_organization_id.eq(org.into_inner()));
            }
            Ok(q.load::<BodyRow>(conn)?)
        })
        .await?;
    Page::of_records(rows, &page, ParticipationBody::try_from)
}

/// Creates a participation body in a region, run by a secretariat
/// organisation. That organisation's admins.
#[utoipa::path(
    tag = "participation",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateParticipationBody,
    responses(
        (status = 201, description = "The body", body = ParticipationBody, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/participation-bodies")]
pub async fn create_participation_body(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateParticipationBody>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    authorize(
        &caller.actor,
        Permission::ManageParticipationBody {
            organization_id: &form.secretariat_organization_id,
        },
    )?;
    let row = state
        .db
        .write(move |conn| store::insert_body(conn, &caller, form))
        .await?;
    let location = format!("/api/v1/participation-bodies/{}", row.id);
    Ok(created(
        location,
        row.etag(),
        &ParticipationBody::try_from(row)?,
    ))
}

/// Reads a participation body. Anybody.
#[utoipa::path(
    tag = "participation",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The body's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The body", body = ParticipationBody, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/participation-bodies/{id}")]
pub async fn get_participation_body(
    state: web::Data<AppState>,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row: BodyRow = state.db.run(move |conn| record::find(conn, &id)).await?;
    Ok(json_with_etag(
        &req,
        row.etag(),
        &ParticipationBody::try_from(row)?,
    ))
}

/// Changes a body's name, kind, region or description. The admins of its
/// secretariat organisation.
#[utoipa::path(
    tag = "participation",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The body's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateParticipationBody,
    responses(
        (status = 200, description = "The body", body = ParticipationBody, headers(("ETag" = String))),
    )
)]
#[patch("/participation-bodies/{id}")]
pub async fn update_participation_body(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateParticipationBody>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |_, r: &BodyRow| {
                authorize_manage(&caller.actor, r)
            })?;
            store::update_body(conn, &caller, current, changes)
        })
        .await?;
    Ok(saved(row.etag(), &ParticipationBody::try_from(row)?))
}

/// The constituency balance of a body on a day (today if not given): the
/// members sitting that day per constituency, with their shares, the
/// constituencies without a member, and whether the body is balanced (every
/// constituency represented, none holding more than half of the seats).
/// Anybody.
#[utoipa::path(
    tag = "participation",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The body's id"),
        BalanceParams,
    ),
    responses((status = 200, description = "The balance", body = ConstituencyBalance))
)]
#[get("/participation-bodies/{id}/balance")]
pub async fn get_body_balance(
    state: web::Data<AppState>,
    id: PathId,
    params: ApiQuery<BalanceParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let day = params
        .into_inner()
        .on
        .unwrap_or_else(|| crate::db::now().date());
    let balance = state
        .db
        .run(move |conn| {
            record::find::<BodyRow>(conn, &id)?;
            store::balance_on(conn, &id, day)
        })
        .await?;
    Ok(HttpResponse::Ok().json(balance))
}

/// Lists a body's members, by id, past ones too unless `sitting_on` is
/// given. Any signed-in user; the names of members for `excluded_persons`
/// only for those who manage the body.
#[utoipa::path(
    tag = "participation",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The body's id"),
        ListParams,
        MemberFilter,
    ),
    responses((status = 200, description = "A page of members", body = BodyMemberPage))
)]
#[get("/participation-bodies/{id}/members")]
pub async fn list_body_members(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<MemberFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadBodyMembers)?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    let id = id.into_inner();
    let request = page.clone();
    let page = state
        .db
        .run(move |conn| {
            let body: BodyRow = record::find(conn, &id)?;
            let private = manages(&caller.actor, &body);
            let mut q = keyset_page!(pm::table.select(MemberRow::as_select()), pm, request);
            q = q.filter(pm::body_id.eq(&id));
            if let Some(c) = filter.constituency {
                q = q.filter(pm::constituency.eq(c.as_str()));
            }
            if let Some(day) = filter.sitting_on {
                q = q
                    .filter(pm::joined_on.le(day))
                    .filter(pm::left_on.is_null().or(pm::left_on.gt(day)));
            }
            let rows = q.load::<MemberRow>(conn)?;
            Page::of_records(rows, &request, |r| BodyMember::new(r, private))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds a member to a body: whom they speak for, since when (and until
/// when). `ngo` and `administration` members represent an organisation of
/// a fitting kind. The admins of the body's secretariat organisation.
#[utoipa::path(
    tag = "participation",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The body's id")),
    request_body = CreateBodyMember,
    responses(
        (status = 201, description = "The member", body = BodyMember, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/participation-bodies/{id}/members")]
pub async fn add_body_member(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    body: ApiJson<CreateBodyMember>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let form = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let body: BodyRow = record::locked(conn, &id)?;
            authorize_manage(&caller.actor, &body)?;
            store::insert_member(conn, &caller, &body, form)
        })
        .await?;
    let location = format!(
        "/api/v1/participation-bodies/{}/members/{}",
        row.body_id, row.id
    );
    Ok(created(location, row.etag(), &BodyMember::new(row, true)?))
}

/// Member `member` of body `body`, or 404.
fn member_of(
    conn: &mut crate::db::DbConn,
    body: &str,
    member: &str,
) -> Result<(BodyRow, MemberRow), ApiError> {
    let body: BodyRow = record::find(conn, body)?;
    let row: MemberRow = record::find(conn, member)?;
    if row.body_id != body.id {
        return Err(ApiError::not_found(format!(
            "The body has no member with the id `{member}`."
        )));
    }
    Ok((body, row))
}

/// Reads a member of a body. Any signed-in user; the name of a member for
/// `excluded_persons` only for those who manage the body.
#[utoipa::path(
    tag = "participation",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The body's id"),
        ("member_id" = String, Path, format = Uuid, description = "The member's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The member", body = BodyMember, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/participation-bodies/{id}/members/{member_id}")]
pub async fn get_body_member(
    state: web::Data<AppState>,
    caller: Caller,
    ids: PathIds<2>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadBodyMembers)?;
    let [body, member] = ids.0;
    let (private, row) = state
        .db
        .run(move |conn| {
            let (body, row) = member_of(conn, &body, &member)?;
            Ok((manages(&caller.actor, &body), row))
        })
        .await?;
    Ok(json_with_etag(
        &req,
        row.etag(),
        &BodyMember::new(row, private)?,
    ))
}

/// Changes a member: name, role, dates (a member who leaves gets
/// `left_on`). The admins of the body's secretariat organisation.
#[utoipa::path(
    tag = "participation",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The body's id"),
        ("member_id" = String, Path, format = Uuid, description = "The member's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateBodyMember,
    responses(
        (status = 200, description = "The member", body = BodyMember, headers(("ETag" = String))),
    )
)]
#[patch("/participation-bodies/{id}/members/{member_id}")]
pub async fn update_body_member(
    state: web::Data<AppState>,
    caller: Caller,
    ids: PathIds<2>,
    if_match: IfMatch,
    body: ApiJson<UpdateBodyMember>,
) -> Result<HttpResponse, ApiError> {
    let [body_id, member] = ids.0;
    let changes = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let body: BodyRow = record::locked(conn, &body_id)?;
            member_of(conn, &body_id, &member)?;
            let current = record::for_change(conn, &member, &if_match, |_, _: &MemberRow| {
                authorize_manage(&caller.actor, &body)
            })?;
            store::update_member(conn, &caller, current, changes)
        })
        .await?;
    Ok(saved(row.etag(), &BodyMember::new(row, true)?))
}
