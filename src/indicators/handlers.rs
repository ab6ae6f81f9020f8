//! Result indicators of a project: name, unit, target, and the achieved value
//! (entered, or computed when read); the project report lists them all with
//! their percentage of the target.

use actix_web::http::header::{self, HeaderMap, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    CreateIndicator, Indicator, IndicatorPage, IndicatorRow, ProjectReport, ReportLine,
    UpdateIndicator, show,
};
use super::store;
use crate::activities::handlers::project_for_change;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::record::{self, Record};
use crate::db::schema::{activities as act, result_indicators as ri};
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, check_if_match_version, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::projects::model::ProjectRow;
use crate::state::AppState;

/// Lists a project's result indicators, oldest first, with their achieved values.
#[utoipa::path(
    tag = "indicators",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id"), ListParams),
    responses(
        (status = 200, description = "A page of indicators", body = IndicatorPage),
    )
)]
#[get("/projects/{id}/indicators")]
pub async fn list_indicators(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let page = list.0.page()?;
    let page = state
        .db
        .run(move |conn| {
            record::find::<ProjectRow>(conn, &id)?;
            let mut q = keyset_page!(ri::table.select(IndicatorRow::as_select()), ri, page);
            q = q.filter(ri::project_id.eq(id));
            let rows = q.load::<IndicatorRow>(conn)?;
            Page::of_records(rows, &page, |r| show(conn, r))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds a result indicator to a project. Admins and the project's coordinators.
#[utoipa::path(
    tag = "indicators",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    request_body = CreateIndicator,
    responses(
        (status = 201, description = "The indicator", body = Indicator, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/projects/{id}/indicators")]
pub async fn create_indicator(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    body: ApiJson<CreateIndicator>,
) -> Result<HttpResponse, ApiError> {
    let project = id.into_inner();
    let form = body.into_inner();
    let indicator = state
        .db
        .write(move |conn| {
            project_for_change(conn, &caller, &project)?;
            let row = store::insert(conn, &caller, &project, form)?;
            show(conn, row)
        })
        .await?;
    let location = format!("/api/v1/indicators/{}", indicator.id);
    Ok(created(location, indicator.etag(), &indicator))
}

/// Reads a result indicator, its achieved value computed now.
#[utoipa::path(
    tag = "indicators",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The indicator's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The indicator", body = Indicator, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/indicators/{id}")]
pub async fn get_indicator(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let indicator = state
        .db
        .run(move |conn| {
            let row = record::find(conn, &id)?;
            show(conn, row)
        })
        .await?;
    Ok(json_with_etag(&req, indicator.etag(), &indicator))
}

/// `If-Match` as headers again, for [`check_if_match_version`]: the kernel's
/// `IfMatch::check` knows only a record's own tag, not a derived one.
fn if_match_headers(if_match: &IfMatch) -> HeaderMap {
    let mut headers = HeaderMap::new();
    if let Some(value) = if_match.if_match.as_deref()
        && let Ok(value) = HeaderValue::from_str(value)
    {
        headers.insert(header::IF_MATCH, value);
    }
    headers
}

/// Changes an indicator, e.g. enters the achieved value of a manual one.
/// Admins and the project's coordinators.
#[utoipa::path(
    tag = "indicators",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The indicator's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateIndicator,
    responses(
        (status = 200, description = "The indicator", body = Indicator, headers(("ETag" = String))),
    )
)]
#[patch("/indicators/{id}")]
pub async fn update_indicator(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateIndicator>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let headers = if_match_headers(&if_match);
    let changes = body.into_inner();
    let indicator = state
        .db
        .write(move |conn| {
            let current: IndicatorRow = record::locked(conn, &id)?;
            let project_id = &current.project_id;
            authorize(&caller.actor, Permission::UpdateProject { project_id })?;
            let shown = show(conn, current.clone())?;
            // A new activity changes a computed value, not the indicator.
            check_if_match_version(&headers, current.id(), current.version, &shown.etag())?;
            let row = store::update(conn, &caller, current, changes)?;
            show(conn, row)
        })
        .await?;
    Ok(saved(indicator.etag(), &indicator))
}

/// The project report: for each result indicator, target, achieved and percent.
#[utoipa::path(
    tag = "indicators",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    responses(
        (status = 200, description = "The report", body = ProjectReport),
    )
)]
#[get("/projects/{id}/report")]
pub async fn get_project_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let report = state
        .db
        .run(move |conn| {
            let project: ProjectRow = record::find(conn, &id)?;
            let generated_at = crate::db::now().into();
            let rows: Vec<IndicatorRow> = ri::table
                .filter(ri::project_id.eq(&id))
                .select(IndicatorRow::as_select())
                .order(ri::id.asc())
                .load(conn)?;
            let indicators = rows
                .into_iter()
                .map(|r| show(conn, r).map(ReportLine::from))
                .collect::<Result<_, ApiError>>()?;
            let (activities, attendance): (i64, Option<i64>) = act::table
                .filter(act::project_id.eq(&id))
                .select((diesel::dsl::count_star(), diesel::dsl::sum(act::attendance)))
                .first(conn)?;
            Ok(ProjectReport {
                project_id: project.id,
                code: project.code,
                title: project.title,
                generated_at,
                indicators,
                activities,
                attendance: attendance.unwrap_or(0),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
