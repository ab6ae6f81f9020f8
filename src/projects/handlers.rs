//! The project endpoints: list, create, read, change, and the life
//! `planned` → `active` → `closed`. Coordinators are in [`super::coordinators`].

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{CreateProject, Project, ProjectFilter, ProjectPage, ProjectRow, UpdateProject};
use super::rules::Transition;
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::record::{self, Record};
use crate::db::schema::projects as pr;
use crate::error::{ApiError, responses};
use crate::http::archive::ArchiveRecord;
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::export::{CsvDocument, NdjsonDocument, StreamFormat, StreamParams, stream};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page, PageRequest};
use crate::http::text_param;
use crate::keyset_page;
use crate::state::AppState;

/// Lists projects, by id. Any signed-in user; API clients with `projects:read`.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, ProjectFilter),
    responses(
        (status = 200, description = "A page of projects", body = ProjectPage),
    )
)]
#[get("/projects")]
pub async fn list_projects(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<ProjectFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let page = list.0.page()?;
    let filter = checked(filter.into_inner())?;
    Ok(HttpResponse::Ok().json(projects_page(state, page, filter).await?))
}

/// Exports every project the filters select, streamed as NDJSON or CSV. Who
/// may list them.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(StreamParams, ProjectFilter),
    responses(
        (status = 200, description = "The projects, one per line",
            content(
                (NdjsonDocument = "application/x-ndjson"),
                (CsvDocument = "text/csv"),
            ),
            headers(("Content-Disposition" = String))),
    )
)]
#[get("/exports/projects")]
pub async fn export_projects(
    state: web::Data<AppState>,
    caller: Caller,
    params: ApiQuery<StreamParams>,
    filter: ApiQuery<ProjectFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let params = params.into_inner();
    let filter = checked(filter.into_inner())?;
    let start = PageRequest::from_start(params.updated_since);
    stream(
        params.format.unwrap_or(StreamFormat::Ndjson),
        "projects",
        start,
        move |page| projects_page(state.clone(), page, filter.clone()),
    )
    .await
}

fn checked(filter: ProjectFilter) -> Result<ProjectFilter, ApiError> {
    if let Some(q) = &filter.q {
        text_param("q", q, 200)?;
    }
    Ok(filter)
}

/// One page of the projects `filter` selects.
async fn projects_page(
    state: web::Data<AppState>,
    page: PageRequest,
    filter: ProjectFilter,
) -> Result<Page<Project>, ApiError> {
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(pr::table.select(ProjectRow::as_select()), pr, request);
            if let Some(status) = filter.status {
                q = q.filter(pr::status.eq(status.as_str()));
            }
            if let Some(org) = filter.lead_organization_id {
                q = q.filter(pr::lead_organization_id.eq(org.into_inner()));
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                let pattern = crate::db::contains_pattern(text.trim());
                q = q.filter(pr::title_search.like(pattern).escape('\\'));
            }
            if !filter.include_archived.unwrap_or(false) {
                q = q.filter(pr::archived_at.is_null());
            }
            Ok(q.load::<ProjectRow>(conn)?)
        })
        .await?;
    Page::of_records(rows, &page, Project::try_from)
}

/// Creates a project in the `planned` state. Admins only.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateProject,
    responses(
        (status = 201, description = "The project", body = Project, headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/projects")]
pub async fn create_project(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateProject>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::CreateProject)?;
    let form = body.into_inner();
    let row = state
        .db
        .write(move |conn| store::insert(conn, &caller, form))
        .await?;
    let location = format!("/api/v1/projects/{}", row.id);
    Ok(created(location, row.etag(), &Project::try_from(row)?))
}

/// Reads a project. Any signed-in user; API clients with `projects:read`.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The project's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The project", body = Project, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/projects/{id}")]
pub async fn get_project(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let row: ProjectRow = state.db.run(move |conn| record::find(conn, &id)).await?;
    Ok(json_with_etag(&req, row.etag(), &Project::try_from(row)?))
}

/// Changes a project (409 once it is closed or archived). Admins and the
/// project's coordinators.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The project's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateProject,
    responses(
        (status = 200, description = "The project", body = Project, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/projects/{id}")]
pub async fn update_project(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateProject>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |_, _: &ProjectRow| {
                authorize(&caller.actor, Permission::UpdateProject { project_id: &id })
            })?;
            store::update(conn, &caller, current, changes)
        })
        .await?;
    Ok(saved(row.etag(), &Project::try_from(row)?))
}

async fn transition(
    state: &AppState,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    t: Transition,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |_, _: &ProjectRow| {
                authorize(&caller.actor, Permission::UpdateProject { project_id: &id })
            })?;
            store::transition(conn, &caller, current, t)
        })
        .await?;
    Ok(saved(row.etag(), &Project::try_from(row)?))
}

/// Starts a planned project (`planned` → `active`). Admins and its coordinators.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The project's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The active project", body = Project, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/projects/{id}/activate")]
pub async fn activate_project(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id, if_match, Transition::Activate).await
}

/// Ends an active project (`active` → `closed`; final). Admins and its coordinators.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The project's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The closed project", body = Project, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/projects/{id}/close")]
pub async fn close_project(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id, if_match, Transition::Close).await
}

/// Archives a project that is not active (planned and never started, or
/// closed; 409 while active), with the reason (kept in the change log): it
/// stays readable and referable, is hidden from the list unless
/// `include_archived=true`, and can no longer be changed. Admins only.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The project's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = ArchiveRecord,
    responses(
        (status = 200, description = "The archived project", body = Project, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/projects/{id}/archive")]
pub async fn archive_project(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<ArchiveRecord>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::Archive)?;
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |_, _: &ProjectRow| Ok(()))?;
            store::archive(conn, &caller, current, &reason)
        })
        .await?;
    Ok(saved(row.etag(), &Project::try_from(row)?))
}
