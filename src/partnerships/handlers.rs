//! The partnership endpoints: list, create, read, change, the life `draft` →
//! `active` ↔ `suspended` → `dissolved`, and the sector mix. Members are in
//! [`super::members`], responsibilities in [`super::responsibilities`].

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    CreatePartnership, DissolveRequest, KindCount, Partnership, PartnershipFilter, PartnershipPage,
    PartnershipRow, SectorMix, UpdatePartnership,
};
use super::rules::Transition;
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::record::{self, Record};
use crate::db::schema::{partnership_members as pm, partnerships as ps};
use crate::error::{ApiError, FieldError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::export::{CsvDocument, NdjsonDocument, StreamFormat, StreamParams, stream};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page, PageRequest};
use crate::http::text_param;
use crate::keyset_page;
use crate::organizations::model::OrganizationKind;
use crate::state::AppState;

/// Lists partnerships, by id. Any signed-in user; API clients with `partnerships:read`.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, PartnershipFilter),
    responses(
        (status = 200, description = "A page of partnerships", body = PartnershipPage),
    )
)]
#[get("/partnerships")]
pub async fn list_partnerships(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<PartnershipFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let page = list.0.page()?;
    let filter = checked(filter.into_inner())?;
    Ok(HttpResponse::Ok().json(partnerships_page(state, page, filter).await?))
}

/// Exports every partnership the filters select, streamed as NDJSON or CSV.
/// Who may list them.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(StreamParams, PartnershipFilter),
    responses(
        (status = 200, description = "The partnerships, one per line",
            content(
                (NdjsonDocument = "application/x-ndjson"),
                (CsvDocument = "text/csv"),
            ),
            headers(("Content-Disposition" = String))),
    )
)]
#[get("/exports/partnerships")]
pub async fn export_partnerships(
    state: web::Data<AppState>,
    caller: Caller,
    params: ApiQuery<StreamParams>,
    filter: ApiQuery<PartnershipFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let params = params.into_inner();
    let filter = checked(filter.into_inner())?;
    let start = PageRequest::from_start(params.updated_since);
    stream(
        params.format.unwrap_or(StreamFormat::Ndjson),
        "partnerships",
        start,
        move |page| partnerships_page(state.clone(), page, filter.clone()),
    )
    .await
}

fn checked(filter: PartnershipFilter) -> Result<PartnershipFilter, ApiError> {
    if let Some(q) = &filter.q {
        text_param("q", q, 200)?;
    }
    Ok(filter)
}

/// One page of the partnerships `filter` selects.
async fn partnerships_page(
    state: web::Data<AppState>,
    page: PageRequest,
    filter: PartnershipFilter,
) -> Result<Page<Partnership>, ApiError> {
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(ps::table.select(PartnershipRow::as_select()), ps, request);
            if let Some(status) = filter.status {
                q = q.filter(ps::status.eq(status.as_str()));
            }
            if let Some(project) = filter.project_id {
                q = q.filter(ps::project_id.eq(project.into_inner()));
            }
            if let Some(o) = filter.organization_id {
                let current = pm::table
                    .filter(pm::organization_id.eq(o.into_inner()))
                    .filter(pm::left_on.is_null())
                    .select(pm::partnership_id);
                q = q.filter(ps::id.eq_any(current));
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                let pattern = crate::db::contains_pattern(text.trim());
                q = q.filter(ps::name_search.like(pattern).escape('\\'));
            }
            Ok(q.load::<PartnershipRow>(conn)?)
        })
        .await?;
    Page::of_records(rows, &page, Partnership::try_from)
}

/// Creates a partnership in the `draft` state. Admins and project coordinators
/// (of its project, if it names one).
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreatePartnership,
    responses(
        (status = 201, description = "The partnership", body = Partnership, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/partnerships")]
pub async fn create_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreatePartnership>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    let project_id = form.project_id.as_deref();
    authorize(&caller.actor, Permission::CreatePartnership { project_id })?;
    let row = state
        .db
        .write(move |conn| store::insert(conn, &caller, form))
        .await?;
    let location = format!("/api/v1/partnerships/{}", row.id);
    Ok(created(location, row.etag(), &Partnership::try_from(row)?))
}

/// Reads a partnership. Any signed-in user; API clients with `partnerships:read`.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The partnership", body = Partnership, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/partnerships/{id}")]
pub async fn get_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let id = id.into_inner();
    let row: PartnershipRow = state.db.run(move |conn| record::find(conn, &id)).await?;
    Ok(json_with_etag(
        &req,
        row.etag(),
        &Partnership::try_from(row)?,
    ))
}

/// Changes a partnership's name, purpose, kind or agreement. Admins, coordinators
/// of its project, org admins of its lead member.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdatePartnership,
    responses(
        (status = 200, description = "The partnership", body = Partnership, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/partnerships/{id}")]
pub async fn update_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdatePartnership>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |conn, row| {
                store::may_manage(&caller, conn, row)
            })?;
            store::update(conn, &caller, current, changes)
        })
        .await?;
    Ok(saved(row.etag(), &Partnership::try_from(row)?))
}

async fn transition(
    state: &AppState,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    t: Transition,
    reason: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |conn, row| {
                store::may_manage(&caller, conn, row)
            })?;
            store::transition(conn, &caller, current, t, reason)
        })
        .await?;
    Ok(saved(row.etag(), &Partnership::try_from(row)?))
}

/// Activates a draft partnership (`draft` → `active`). Needs at least two current
/// members, a lead, a signed agreement and, if cross-sector, an NGO and a
/// public-sector member; each unmet condition is named in a 422.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id"), crate::http::conditional::IfMatch),
    responses(
        (status = 200, description = "The active partnership", body = Partnership, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/partnerships/{id}/activate")]
pub async fn activate_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id, if_match, Transition::Activate, None).await
}

/// Suspends an active partnership (`active` → `suspended`).
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id"), crate::http::conditional::IfMatch),
    responses(
        (status = 200, description = "The suspended partnership", body = Partnership, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/suspend")]
pub async fn suspend_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id, if_match, Transition::Suspend, None).await
}

/// Resumes a suspended partnership (`suspended` → `active`), with the same
/// conditions as activating.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id"), crate::http::conditional::IfMatch),
    responses(
        (status = 200, description = "The active partnership", body = Partnership, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/partnerships/{id}/resume")]
pub async fn resume_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id, if_match, Transition::Resume, None).await
}

/// Dissolves a partnership (final); the reason is required.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id"), crate::http::conditional::IfMatch),
    request_body = DissolveRequest,
    responses(
        (status = 200, description = "The dissolved partnership", body = Partnership, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/dissolve")]
pub async fn dissolve_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<DissolveRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.into_inner().reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "a reason is required to dissolve a partnership",
        )]));
    }
    let t = Transition::Dissolve;
    transition(&state, caller, id, if_match, t, Some(reason)).await
}

/// The sector mix of a partnership's current members.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id")),
    responses(
        (status = 200, description = "The sector mix", body = SectorMix),
    )
)]
#[get("/partnerships/{id}/sector-mix")]
pub async fn get_partnership_sector_mix(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let id = id.into_inner();
    let kinds = state
        .db
        .run({
            let id = id.clone();
            move |conn| {
                record::find::<PartnershipRow>(conn, &id)?;
                store::current_member_kinds(conn, &id)
            }
        })
        .await?;
    let count =
        |f: &dyn Fn(OrganizationKind) -> bool| kinds.iter().filter(|k| f(**k)).count() as i64;
    let civil = count(&|k| matches!(k, OrganizationKind::Ngo | OrganizationKind::InformalGroup));
    let public = count(&|k| k.is_public_sector());
    Ok(HttpResponse::Ok().json(SectorMix {
        by_kind: OrganizationKind::ALL
            .iter()
            .map(|kind| KindCount {
                kind: *kind,
                members: count(&|k| k == *kind),
            })
            .filter(|c| c.members > 0)
            .collect(),
        civil_society: civil,
        public_sector: public,
        business: count(&|k| k == OrganizationKind::Business),
        cross_sector: civil > 0 && public > 0,
        partnership_id: id,
    }))
}

/// Lists the partnerships an organisation is or was a member of, by id.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The organisation's id"), ListParams),
    responses(
        (status = 200, description = "A page of partnerships", body = PartnershipPage),
    )
)]
#[get("/organizations/{id}/partnerships")]
pub async fn list_organization_partnerships(
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
            crate::db::references::ensure_organization_exists(conn, &id)?;
            let ever = pm::table
                .filter(pm::organization_id.eq(&id))
                .select(pm::partnership_id);
            let q = keyset_page!(ps::table.select(PartnershipRow::as_select()), ps, request);
            Ok(q.filter(ps::id.eq_any(ever)).load::<PartnershipRow>(conn)?)
        })
        .await?;
    let page = Page::of_records(rows, &page, Partnership::try_from)?;
    Ok(HttpResponse::Ok().json(page))
}
