//! The organisation endpoints: list, register, read, change, archive. Members
//! are in [`super::members`].

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::*;
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::record::{self, Record};
use crate::db::schema::organizations as org;
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::export::{CsvDocument, NdjsonDocument, StreamFormat, StreamParams, stream};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::import::{self, CsvImport, ImportParams, ImportReport, ImportRow};
use crate::http::pagination::{ListParams, Page, PageRequest};
use crate::http::text_param;
use crate::keyset_page;
use crate::state::AppState;

/// Lists organisations, by id (creation order). Any signed-in user; API clients
/// with `organizations:read`.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, OrganizationFilter),
    responses(
        (status = 200, description = "A page of organisations", body = OrganizationPage),
    )
)]
#[get("/organizations")]
pub async fn list_organizations(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<OrganizationFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("organizations"))?;
    let page = list.0.page()?;
    let filter = checked(filter.into_inner())?;
    Ok(HttpResponse::Ok().json(organizations_page(state, page, filter).await?))
}

/// Exports every organisation the filters select, streamed as NDJSON or CSV
/// (for a partner system's first full copy). Who may list them.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(StreamParams, OrganizationFilter),
    responses(
        (status = 200, description = "The organisations, one per line",
            content(
                (NdjsonDocument = "application/x-ndjson"),
                (CsvDocument = "text/csv"),
            ),
            headers(("Content-Disposition" = String))),
    )
)]
#[get("/exports/organizations")]
pub async fn export_organizations(
    state: web::Data<AppState>,
    caller: Caller,
    params: ApiQuery<StreamParams>,
    filter: ApiQuery<OrganizationFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("organizations"))?;
    let params = params.into_inner();
    let filter = checked(filter.into_inner())?;
    let start = PageRequest::from_start(params.updated_since);
    stream(
        params.format.unwrap_or(StreamFormat::Ndjson),
        "organizations",
        start,
        move |page| organizations_page(state.clone(), page, filter.clone()),
    )
    .await
}

/// The filters, checked; the country as stored.
fn checked(mut filter: OrganizationFilter) -> Result<OrganizationFilter, ApiError> {
    if let Some(q) = &filter.q {
        text_param("q", q, 200)?;
    }
    if let Some(unit) = &filter.territorial_unit {
        text_param("territorial_unit", unit, 32)?;
    }
    filter.country = filter
        .country
        .as_deref()
        .map(|c| crate::http::country_param("country", c))
        .transpose()?;
    Ok(filter)
}

/// One page of the organisations `filter` selects.
async fn organizations_page(
    state: web::Data<AppState>,
    page: PageRequest,
    filter: OrganizationFilter,
) -> Result<Page<Organization>, ApiError> {
    let request = page.clone();
    let (rows, names) = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(
                org::table.select(OrganizationRow::as_select()),
                org,
                request
            );
            if !filter.include_archived.unwrap_or(false) {
                q = q.filter(org::archived_at.is_null());
            }
            if let Some(kind) = filter.kind {
                q = q.filter(org::kind.eq(kind.as_str()));
            }
            if let Some(country) = filter.country {
                q = q.filter(org::country.eq(country));
            }
            if let Some(unit) = filter.territorial_unit {
                let governs = org::teryt_code.eq(unit.clone());
                q = q.filter(org::territorial_unit_code.eq(unit).or(governs));
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                let pattern = crate::db::contains_pattern(text.trim());
                q = q.filter(org::name_search.like(pattern).escape('\\'));
            }
            let rows = q.load::<OrganizationRow>(conn)?;
            let names = store::unit_names(conn, &rows)?;
            Ok((rows, names))
        })
        .await?;
    Page::of_records(rows, &page, |r| Organization::named(r, &names))
}

/// Creates an organisation. Admins and project coordinators.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateOrganization,
    responses(
        (status = 201, description = "The organisation", body = Organization,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/organizations")]
pub async fn create_organization(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateOrganization>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::CreateOrganization)?;
    let form = body.into_inner();
    let (etag, org) = state
        .db
        .write(move |conn| {
            let row = store::insert(conn, &caller, form)?;
            Ok((row.etag(), store::present(conn, row)?))
        })
        .await?;
    let location = format!("/api/v1/organizations/{}", org.id);
    Ok(created(location, etag, &org))
}

/// Imports organisations from a JSON array of the objects `POST
/// /api/v1/organizations` takes, or a CSV whose header names those fields:
/// each row is created as that create would (identifiers checked, unique
/// ones unique — also within the file), and reported on. `dry_run=true`
/// checks every row and writes nothing; `mode` decides whether an invalid row
/// stops the others. Who may create organisations.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(ImportParams),
    request_body(
        description = "At most 5,000 rows: a JSON array of `CreateOrganization`, or a CSV with those fields as columns",
        content(
            (Vec<ImportRow> = "application/json"),
            (CsvImport = "text/csv"),
        ),
    ),
    responses(
        (status = 201, description = "The rows were written (all, or the valid ones): the report", body = ImportReport),
        (status = 200, description = "Nothing was written — a dry run, or an invalid row with `all_or_nothing`: the report", body = ImportReport),
    )
)]
#[post("/imports/organizations")]
pub async fn import_organizations(
    state: web::Data<AppState>,
    caller: Caller,
    params: ApiQuery<ImportParams>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::CreateOrganization)?;
    let rows = import::read_rows::<CreateOrganization>(&req, body).await?;
    let report = import::run(
        &state.db,
        rows,
        params.into_inner(),
        move |conn, form: CreateOrganization| Ok(store::insert(conn, &caller, form)?.id),
    )
    .await?;
    Ok(report.response())
}

/// Reads an organisation. Any signed-in user; API clients with `organizations:read`.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The organisation's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The organisation", body = Organization, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/organizations/{id}")]
pub async fn get_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("organizations"))?;
    let id = id.into_inner();
    let (etag, org) = state
        .db
        .run(move |conn| {
            let row: OrganizationRow = record::find(conn, &id)?;
            Ok((row.etag(), store::present(conn, row)?))
        })
        .await?;
    Ok(json_with_etag(&req, etag, &org))
}

/// Changes an organisation. Admins, its org admins, and its own API clients with
/// `organizations:write`.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The organisation's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateOrganization,
    responses(
        (status = 200, description = "The changed organisation", body = Organization, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/organizations/{id}")]
pub async fn update_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateOrganization>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let (etag, org) = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |_, _: &OrganizationRow| {
                authorize(
                    &caller.actor,
                    Permission::UpdateOrganization {
                        organization_id: &id,
                    },
                )
            })?;
            let row = store::update(conn, &caller, current, changes)?;
            Ok((row.etag(), store::present(conn, row)?))
        })
        .await?;
    Ok(saved(etag, &org))
}

/// Archives an organisation: it stays readable and referable, but is hidden from
/// lists and can no longer be changed. Admins only.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The organisation's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The archived organisation", body = Organization, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/organizations/{id}/archive")]
pub async fn archive_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::Archive)?;
    let id = id.into_inner();
    let (etag, org) = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |_, _| Ok(()))?;
            let row = store::archive(conn, &caller, current)?;
            Ok((row.etag(), store::present(conn, row)?))
        })
        .await?;
    Ok(saved(etag, &org))
}

crate::http::pagination::page_schema!(OrganizationPage, Organization, "A page of organisations.");
