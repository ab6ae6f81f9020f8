use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{ProjectStatus, Transition};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::schema::{people, project_coordinators as pc, projects as pr};
use crate::error::{ApiError, FieldError, ProblemCode, responses, stored};
use crate::http::conditional::{check_if_match, etag, json_with_etag};
use crate::http::extract::double_option;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::text_param;
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pr)]
struct ProjectRow {
    id: String,
    code: String,
    title: String,
    funding_programme: Option<String>,
    starts_on: Option<NaiveDate>,
    ends_on: Option<NaiveDate>,
    lead_organization_id: Option<String>,
    status: String,
    description: Option<String>,
    archived_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// A project.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000003", "code": "POWER-2.19", "title": "Model współpracy",
    "funding_programme": "POWER 2014-2020", "starts_on": "2026-01-01", "ends_on": "2027-12-31",
    "lead_organization_id": null, "status": "planned", "description": null, "archived_at": null,
    "created_at": "2026-11-26T10:00:00Z", "updated_at": "2026-11-26T10:00:00Z", "version": 1
}))]
pub struct Project {
    #[schema(format = Uuid)]
    pub id: String,
    /// A short unique code, e.g. the grant agreement number.
    #[schema(max_length = 50)]
    pub code: String,
    #[schema(max_length = 500)]
    pub title: String,
    #[schema(max_length = 200)]
    pub funding_programme: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    #[schema(format = Uuid)]
    pub lead_organization_id: Option<String>,
    pub status: ProjectStatus,
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<ProjectRow> for Project {
    type Error = ApiError;

    fn try_from(r: ProjectRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: r.id,
            code: r.code,
            title: r.title,
            funding_programme: r.funding_programme,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            lead_organization_id: r.lead_organization_id,
            status: stored(ProjectStatus::parse(&r.status), "project status", &r.status)?,
            description: r.description,
            archived_at: r.archived_at.map(|t| t.and_utc()),
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
            version: r.version,
        })
    }
}

fn load(conn: &mut DbConn, id: &str) -> Result<ProjectRow, ApiError> {
    pr::table
        .find(id)
        .select(ProjectRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("No project has the id `{id}`.")))
}

fn respond(status: actix_web::http::StatusCode, p: Project) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(header::ETag(etag(&p.id, p.version)))
        .json(p)
}

/// Filters of `GET /api/v1/projects`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilter {
    pub status: Option<ProjectStatus>,
    #[param(max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub lead_organization_id: Option<String>,
    /// Text in the title; case and diacritics are ignored.
    #[param(max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub q: Option<String>,
}

/// A new project; it starts `planned`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProject {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub funding_programme: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub lead_organization_id: Option<String>,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
}

/// Changes to a project: an absent field is unchanged, `null` clears it. The
/// status changes only through `activate` and `close`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProject {
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub funding_programme: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub starts_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub ends_on: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub lead_organization_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 20000)]
    #[validate(length(max = 20000))]
    pub description: Option<Option<String>>,
}

fn check_period(starts: Option<NaiveDate>, ends: Option<NaiveDate>) -> Result<(), ApiError> {
    if let (Some(s), Some(e)) = (starts, ends)
        && e < s
    {
        return Err(ApiError::validation(vec![FieldError::new(
            "ends_on",
            "before_start",
            "must not be before starts_on",
        )]));
    }
    Ok(())
}

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
    let filter = filter.into_inner();
    if let Some(q) = &filter.q {
        text_param("q", q, 200)?;
    }
    if let Some(o) = &filter.lead_organization_id {
        text_param("lead_organization_id", o, 64)?;
    }
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = pr::table
                .select(ProjectRow::as_select())
                .order(pr::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(pr::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(pr::updated_at.ge(since));
            }
            if let Some(status) = filter.status {
                q = q.filter(pr::status.eq(status.as_str()));
            }
            if let Some(org) = filter.lead_organization_id {
                q = q.filter(pr::lead_organization_id.eq(org));
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                q = q.filter(
                    pr::title_search
                        .like(crate::db::contains_pattern(text.trim()))
                        .escape('\\'),
                );
            }
            Ok(q.load::<ProjectRow>(conn)?)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(page.try_map(Project::try_from)?))
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
    let b = body.into_inner();
    check_period(b.starts_on, b.ends_on)?;
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                if let Some(org) = &b.lead_organization_id {
                    crate::db::references::ensure_organization(conn, org, "lead_organization_id")?;
                }
                let code = b.code.trim().to_owned();
                let taken: i64 = pr::table
                    .filter(pr::code.eq(&code))
                    .count()
                    .get_result(conn)?;
                if taken > 0 {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "code",
                        "not_unique",
                        "is already the code of another project",
                    )]));
                }
                let id = crate::db::new_id();
                let now = crate::db::now();
                diesel::insert_into(pr::table)
                    .values((
                        pr::id.eq(&id),
                        pr::code.eq(&code),
                        pr::title.eq(b.title.trim()),
                        pr::title_search.eq(crate::db::fold_for_search(b.title.trim())),
                        pr::funding_programme.eq(&b.funding_programme),
                        pr::starts_on.eq(b.starts_on),
                        pr::ends_on.eq(b.ends_on),
                        pr::lead_organization_id.eq(&b.lead_organization_id),
                        pr::status.eq(ProjectStatus::Planned.as_str()),
                        pr::description.eq(&b.description),
                        pr::created_at.eq(now),
                        pr::updated_at.eq(now),
                        pr::version.eq(1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("project", &id, "create")
                        .value("code", &code)
                        .value("title", b.title.trim())
                        .value("funding_programme", &b.funding_programme)
                        .value("starts_on", b.starts_on)
                        .value("ends_on", b.ends_on)
                        .value("lead_organization_id", &b.lead_organization_id)
                        .value("status", "planned"),
                )?;
                load(conn, &id)
            })
        })
        .await?;
    let p = Project::try_from(row)?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/projects/{}", p.id)))
        .insert_header(header::ETag(etag(&p.id, p.version)))
        .json(p))
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
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let row = state.db.run(move |conn| load(conn, &id)).await?;
    let p = Project::try_from(row)?;
    Ok(json_with_etag(&req, etag(&p.id, p.version), &p))
}

/// Changes a project. Admins and the project's coordinators.
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
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<UpdateProject>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let headers = req.headers().clone();
    let b = body.into_inner();
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
// Lock the row first, so concurrent changes queue instead of failing.
                diesel::update(pr::table.find(&id))
                    .set(pr::version.eq(pr::version))
                    .execute(conn)?;
                let current = load(conn, &id)?;
                authorize(&caller.actor, Permission::UpdateProject { project_id: &id })?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                if current.status == ProjectStatus::Closed.as_str() {
                    return Err(ApiError::invalid_transition(
                        "closed",
                        Vec::new(),
                        "A closed project cannot be changed.",
                    ));
                }
                let title = b.title.as_deref().map(str::trim).map(str::to_owned).unwrap_or(current.title.clone());
                let funding = b.funding_programme.clone().unwrap_or(current.funding_programme.clone());
                let starts = b.starts_on.unwrap_or(current.starts_on);
                let ends = b.ends_on.unwrap_or(current.ends_on);
                let lead = b.lead_organization_id.clone().unwrap_or(current.lead_organization_id.clone());
                let description = b.description.clone().unwrap_or(current.description.clone());
                check_period(starts, ends)?;
                if let Some(org) = &lead {
                    crate::db::references::ensure_organization(conn, org, "lead_organization_id")?;
                }
                let updated = diesel::update(pr::table.find(&id).filter(pr::version.eq(current.version)))
                    .set((
                        pr::title.eq(&title),
                        pr::title_search.eq(crate::db::fold_for_search(&title)),
                        pr::funding_programme.eq(&funding),
                        pr::starts_on.eq(starts),
                        pr::ends_on.eq(ends),
                        pr::lead_organization_id.eq(&lead),
                        pr::description.eq(&description),
                        pr::updated_at.eq(crate::db::now()),
                        pr::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                if updated == 0 {
                    return Err(ApiError::new(
                        ProblemCode::PreconditionFailed,
                        "The project changed while this request was processed; read it again and retry.",
                    ));
                }
                let mut change = Change::new("project", &id, "update");
                if b.title.is_some() { change = change.value("title", &title); }
                if b.funding_programme.is_some() { change = change.value("funding_programme", &funding); }
                if b.starts_on.is_some() { change = change.value("starts_on", starts); }
                if b.ends_on.is_some() { change = change.value("ends_on", ends); }
                if b.lead_organization_id.is_some() { change = change.value("lead_organization_id", &lead); }
                if b.description.is_some() { change = change.value("description", &description); }
                audit::record(conn, &caller, change)?;
                load(conn, &id)
            })
        })
        .await?;
    Ok(respond(
        actix_web::http::StatusCode::OK,
        Project::try_from(row)?,
    ))
}

async fn transition(
    state: &AppState,
    caller: Caller,
    id: String,
    req: &HttpRequest,
    t: Transition,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    crate::http::path_id("id", &id)?;
    let headers = req.headers().clone();
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                // Lock the row first, so concurrent changes queue instead of failing.
                diesel::update(pr::table.find(&id))
                    .set(pr::version.eq(pr::version))
                    .execute(conn)?;
                let current = load(conn, &id)?;
                authorize(&caller.actor, Permission::UpdateProject { project_id: &id })?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                let status = stored(
                    ProjectStatus::parse(&current.status),
                    "project status",
                    &current.status,
                )?;
                let Some(next) = status.apply(t) else {
                    return Err(ApiError::invalid_transition(
                        status.as_str(),
                        status
                            .allowed()
                            .iter()
                            .map(|t| t.as_str().to_owned())
                            .collect(),
                        format!(
                            "{} project cannot {}.",
                            crate::error::with_article(status.as_str()),
                            t.as_str()
                        ),
                    ));
                };
                diesel::update(pr::table.find(&id))
                    .set((
                        pr::status.eq(next.as_str()),
                        pr::updated_at.eq(crate::db::now()),
                        pr::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("project", &id, t.as_str())
                        .value("status", next.as_str())
                        .value("previous_status", status.as_str()),
                )?;
                load(conn, &id)
            })
        })
        .await?;
    Ok(respond(
        actix_web::http::StatusCode::OK,
        Project::try_from(row)?,
    ))
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
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id.into_inner(), &req, Transition::Activate).await
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
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id.into_inner(), &req, Transition::Close).await
}

/// A project coordinator.
#[derive(Debug, Serialize, ToSchema)]
pub struct Coordinator {
    #[schema(format = Uuid)]
    pub project_id: String,
    #[schema(format = Uuid)]
    pub person_id: String,
    #[schema(max_length = 200)]
    pub full_name: String,
    pub created_at: DateTime<Utc>,
}

/// The coordinators of a project (at most 200).
#[derive(Debug, Serialize, ToSchema)]
pub struct CoordinatorList {
    #[schema(max_items = 200)]
    pub items: Vec<Coordinator>,
}

/// The most coordinators a project can have.
pub const MAX_COORDINATORS: i64 = 200;
/// The most projects a person can coordinate.
pub const MAX_COORDINATED_PER_PERSON: i64 = 100;

/// Names a coordinator.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddCoordinator {
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub person_id: String,
}

/// Lists a project's coordinators. Any signed-in user; API clients with `projects:read`.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    responses(
        (status = 200, description = "The coordinators", body = CoordinatorList),
    )
)]
#[get("/projects/{id}/coordinators")]
pub async fn list_project_coordinators(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let rows = state
        .db
        .run(move |conn| {
            load(conn, &id)?;
            coordinators(conn, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CoordinatorList { items: rows }))
}

fn coordinators(conn: &mut DbConn, project: &str) -> Result<Vec<Coordinator>, ApiError> {
    let rows: Vec<(String, String, NaiveDateTime)> = pc::table
        .inner_join(people::table)
        .filter(pc::project_id.eq(project))
        .select((pc::person_id, people::full_name, pc::created_at))
        .order(pc::person_id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(person_id, full_name, created_at)| Coordinator {
            project_id: project.to_owned(),
            person_id,
            full_name,
            created_at: created_at.and_utc(),
        })
        .collect())
}

/// Makes a person a coordinator of the project. Admins only.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    request_body = AddCoordinator,
    responses(
        (status = 201, description = "The coordinators after the change", body = CoordinatorList),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/projects/{id}/coordinators")]
pub async fn add_project_coordinator(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<AddCoordinator>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageProjectCoordinators)?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let person = body.into_inner().person_id;
    let list = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                load(conn, &id)?;
                crate::db::references::ensure_person(conn, &person, "person_id")?;
                let exists: i64 = pc::table
                    .filter(pc::project_id.eq(&id))
                    .filter(pc::person_id.eq(&person))
                    .count()
                    .get_result(conn)?;
                if exists > 0 {
                    return Err(ApiError::new(
                        ProblemCode::AlreadyExists,
                        "The person already coordinates this project.",
                    ));
                }
                let count: i64 = pc::table
                    .filter(pc::project_id.eq(&id))
                    .count()
                    .get_result(conn)?;
                let coordinated: i64 = pc::table
                    .filter(pc::person_id.eq(&person))
                    .count()
                    .get_result(conn)?;
                if coordinated >= MAX_COORDINATED_PER_PERSON {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "person_id",
                        "too_many_projects",
                        format!(
                            "a person coordinates at most {MAX_COORDINATED_PER_PERSON} projects"
                        ),
                    )]));
                }
                if count >= MAX_COORDINATORS {
                    return Err(ApiError::validation(vec![FieldError::new(
                        "person_id",
                        "too_many_coordinators",
                        format!("a project has at most {MAX_COORDINATORS} coordinators"),
                    )]));
                }
                diesel::insert_into(pc::table)
                    .values((
                        pc::project_id.eq(&id),
                        pc::person_id.eq(&person),
                        pc::created_at.eq(crate::db::now()),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("project", &id, "add_coordinator").value("person_id", &person),
                )?;
                coordinators(conn, &id)
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(CoordinatorList { items: list }))
}

/// Removes a coordinator from the project. Admins only.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The project's id"),
        ("person_id" = String, Path, format = Uuid, description = "The coordinator's person id"),
    ),
    responses(
        (status = 204, description = "The person no longer coordinates the project"),
    )
)]
#[delete("/projects/{id}/coordinators/{person_id}")]
pub async fn remove_project_coordinator(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageProjectCoordinators)?;
    let (id, person) = path.into_inner();
    crate::http::path_id("id", &id)?;
    crate::http::path_id("person_id", &person)?;
    state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                load(conn, &id)?;
                let removed = diesel::delete(
                    pc::table
                        .filter(pc::project_id.eq(&id))
                        .filter(pc::person_id.eq(&person)),
                )
                .execute(conn)?;
                if removed == 0 {
                    return Err(ApiError::not_found(format!(
                        "Person `{person}` does not coordinate project `{id}`."
                    )));
                }
                audit::record(
                    conn,
                    &caller,
                    Change::new("project", &id, "remove_coordinator").value("person_id", &person),
                )?;
                Ok(())
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

crate::http::pagination::page_schema!(ProjectPage, Project, "A page of projects.");
