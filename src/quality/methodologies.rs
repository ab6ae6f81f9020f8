//! The endpoints of methodologies: read by anybody, imported and changed by
//! admins; a version a round uses is frozen.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use diesel::prelude::*;

use super::methodology::MethodologyDocument;
use super::model::{Methodology, MethodologyFilter, MethodologyPage, MethodologyRow};
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::{quality_methodologies as qm, quality_rounds as qr};
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

fn shown(conn: &mut DbConn, row: MethodologyRow) -> Result<Methodology, ApiError> {
    let frozen = store::rounds_using(conn, row.id())? > 0;
    Methodology::new(row, frozen)
}

/// Lists the methodologies' versions, by id. Anybody.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(ListParams, MethodologyFilter),
    responses((status = 200, description = "A page of methodologies", body = MethodologyPage))
)]
#[get("/quality/methodologies")]
pub async fn list_methodologies(
    state: web::Data<AppState>,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<MethodologyFilter>,
) -> Result<HttpResponse, ApiError> {
    let page = list.0.page()?;
    let filter = filter.into_inner();
    if let Some(key) = &filter.key
        && !((1..=50).contains(&key.len())
            && key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'))
    {
        return Err(ApiError::invalid_parameter(
            "key",
            "format",
            "is 1 to 50 lower-case letters, digits and hyphens",
        ));
    }
    let request = page.clone();
    let page = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(qm::table.select(MethodologyRow::as_select()), qm, request);
            if let Some(key) = filter.key {
                q = q.filter(qm::methodology_key.eq(key));
            }
            let rows = q.load::<MethodologyRow>(conn)?;
            let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
            let used: Vec<String> = qr::table
                .filter(qr::methodology_id.eq_any(ids))
                .select(qr::methodology_id)
                .distinct()
                .load(conn)?;
            Page::of_records(rows, &request, |r| {
                let frozen = used.contains(&r.id);
                Methodology::new(r, frozen)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Imports a methodology document as the next version of its `key` (the
/// first, for a new key). 422 names each fault of the document by its path
/// (`planes[0].areas[1].indicators[2].scale.levels`). Admins.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = MethodologyDocument,
    responses(
        (status = 201, description = "The methodology version", body = Methodology, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/quality/methodologies")]
pub async fn import_methodology(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<MethodologyDocument>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageMethodologies)?;
    let doc = body.into_inner();
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let row = store::import_methodology(conn, &caller, doc)?;
            Ok((row.etag(), shown(conn, row)?))
        })
        .await?;
    let location = format!("/api/v1/quality/methodologies/{}", shown.id);
    Ok(created(location, tag, &shown))
}

/// Reads a methodology version; its `document` is its export, in the
/// import format. Anybody.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The methodology's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The methodology version", body = Methodology, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/quality/methodologies/{id}")]
pub async fn get_methodology(
    state: web::Data<AppState>,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (tag, shown) = state
        .db
        .run(move |conn| {
            let row: MethodologyRow = record::find(conn, &id)?;
            Ok((row.etag(), shown(conn, row)?))
        })
        .await?;
    Ok(json_with_etag(&req, tag, &shown))
}

/// Replaces a version's document, while no round uses it (409 once one
/// does: import the change as a new version). The key stays. Admins.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The methodology's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = MethodologyDocument,
    responses(
        (status = 200, description = "The methodology version", body = Methodology, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[put("/quality/methodologies/{id}")]
pub async fn replace_methodology(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<MethodologyDocument>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let doc = body.into_inner();
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |_, _: &MethodologyRow| {
                authorize(&caller.actor, Permission::ManageMethodologies)
            })?;
            let row = store::replace_methodology(conn, &caller, current, doc)?;
            Ok((row.etag(), shown(conn, row)?))
        })
        .await?;
    Ok(saved(tag, &shown))
}
