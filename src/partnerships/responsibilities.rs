//! Responsibilities: tasks a partnership assigns to its members, by category, with
//! a due date and a status (`todo` → `in_progress` → `done` with evidence, or
//! `cancelled`); `overdue` is computed from the server clock. The standard set of
//! seed 000 can be applied to a member in one call.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{ResponsibilityCategory, TaskStatus, TaskTransition, is_overdue};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::schema::{partnership_members as pm, partnerships as ps, responsibilities as rs};
use crate::error::{ApiError, FieldError, responses, stored};
use crate::http::conditional::{check_if_match, etag};
use crate::http::extract::double_option;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::path_id;
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rs)]
struct TaskRow {
    id: String,
    partnership_id: String,
    member_id: String,
    category: String,
    title: String,
    description: Option<String>,
    due_on: Option<NaiveDate>,
    status: String,
    evidence: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// A responsibility of a partnership member.
#[derive(Debug, Serialize, ToSchema)]
pub struct Responsibility {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub partnership_id: String,
    /// The membership the task is assigned to.
    #[schema(format = Uuid)]
    pub member_id: String,
    pub category: ResponsibilityCategory,
    #[schema(max_length = 500)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub status: TaskStatus,
    /// Open and past its due date, by the server's clock.
    pub overdue: bool,
    /// What shows the task was done (required to complete it).
    #[schema(max_length = 2000)]
    pub evidence: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

fn present(r: TaskRow, today: NaiveDate) -> Result<Responsibility, ApiError> {
    let status = stored(TaskStatus::parse(&r.status), "task status", &r.status)?;
    Ok(Responsibility {
        overdue: is_overdue(status, r.due_on, today),
        id: r.id,
        partnership_id: r.partnership_id,
        member_id: r.member_id,
        category: stored(
            ResponsibilityCategory::parse(&r.category),
            "responsibility category",
            &r.category,
        )?,
        title: r.title,
        description: r.description,
        due_on: r.due_on,
        status,
        evidence: r.evidence,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
        version: r.version,
    })
}

fn today() -> NaiveDate {
    crate::db::now().date()
}

/// The partnership's project and lead, and the member's organisation, for access.
struct AccessFacts {
    project_id: Option<String>,
    lead_organization_id: Option<String>,
    member_organization_id: Option<String>,
}

fn access_facts(
    conn: &mut DbConn,
    partnership: &str,
    member: Option<&str>,
) -> Result<AccessFacts, ApiError> {
    let project: Option<String> = ps::table
        .find(partnership)
        .select(ps::project_id)
        .first::<Option<String>>(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!("No partnership has the id `{partnership}`."))
        })?;
    let lead: Option<String> = pm::table
        .filter(pm::partnership_id.eq(partnership))
        .filter(pm::left_on.is_null())
        .filter(pm::role.eq("lead"))
        .select(pm::organization_id)
        .first(conn)
        .optional()?;
    let member_org = match member {
        Some(m) => pm::table
            .find(m)
            .filter(pm::partnership_id.eq(partnership))
            .filter(pm::left_on.is_null())
            .select(pm::organization_id)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(AccessFacts {
        project_id: project,
        lead_organization_id: lead,
        member_organization_id: member_org,
    })
}

fn manage(caller: &Caller, facts: &AccessFacts) -> Result<(), ApiError> {
    authorize(
        &caller.actor,
        Permission::ManagePartnership {
            project_id: facts.project_id.as_deref(),
            lead_organization_id: facts.lead_organization_id.as_deref(),
        },
    )
}

fn load(conn: &mut DbConn, partnership: &str, id: &str) -> Result<TaskRow, ApiError> {
    rs::table
        .find(id)
        .filter(rs::partnership_id.eq(partnership))
        .select(TaskRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Partnership `{partnership}` has no responsibility `{id}`."
            ))
        })
}

/// Filters of the responsibilities list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResponsibilityFilter {
    #[param(format = Uuid, max_length = 36)]
    pub member_id: Option<String>,
    pub category: Option<ResponsibilityCategory>,
    pub status: Option<TaskStatus>,
    /// Only tasks still open after their due date (`true`), or only the others.
    pub overdue: Option<bool>,
}

/// Lists a partnership's responsibilities, by id; `overdue=true` gives the
/// members' overdue tasks.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id"), ListParams, ResponsibilityFilter),
    responses(
        (status = 200, description = "A page of responsibilities", body = ResponsibilityPage),
    )
)]
#[get("/partnerships/{id}/responsibilities")]
pub async fn list_responsibilities(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<ResponsibilityFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    if let Some(m) = &filter.member_id {
        path_id("member_id", m)?;
    }
    let request = page.clone();
    let now = today();
    let rows = state
        .db
        .run(move |conn| {
            access_facts(conn, &id, None)?;
            let mut q = rs::table
                .filter(rs::partnership_id.eq(&id))
                .select(TaskRow::as_select())
                .order(rs::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(rs::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(rs::updated_at.ge(since));
            }
            if let Some(m) = filter.member_id {
                q = q.filter(rs::member_id.eq(m));
            }
            if let Some(c) = filter.category {
                q = q.filter(rs::category.eq(c.as_str()));
            }
            if let Some(s) = filter.status {
                q = q.filter(rs::status.eq(s.as_str()));
            }
            let open = rs::status.eq_any(["todo", "in_progress"]);
            match filter.overdue {
                Some(true) => q = q.filter(open.and(rs::due_on.lt(now))),
                Some(false) => {
                    q = q.filter(
                        rs::status
                            .eq_any(["done", "cancelled"])
                            .or(rs::due_on.is_null())
                            .or(rs::due_on.ge(now)),
                    )
                }
                None => {}
            }
            Ok(q.load::<TaskRow>(conn)?)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(page.try_map(|r| present(r, now))?))
}

/// A new responsibility.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateResponsibility {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub member_id: String,
    pub category: ResponsibilityCategory,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub due_on: Option<NaiveDate>,
}

fn current_member(conn: &mut DbConn, partnership: &str, member: &str) -> Result<(), ApiError> {
    let left: Option<Option<NaiveDate>> = pm::table
        .find(member)
        .filter(pm::partnership_id.eq(partnership))
        .select(pm::left_on)
        .first(conn)
        .optional()?;
    match left {
        None => Err(ApiError::validation(vec![FieldError::new(
            "member_id",
            "not_found",
            "is not a member of this partnership",
        )])),
        Some(Some(_)) => Err(ApiError::validation(vec![FieldError::new(
            "member_id",
            "former_member",
            "has left the partnership",
        )])),
        Some(None) => Ok(()),
    }
}

/// A task to create.
struct NewTask<'a> {
    partnership: &'a str,
    member: &'a str,
    category: ResponsibilityCategory,
    title: &'a str,
    description: Option<&'a str>,
    due_on: Option<NaiveDate>,
}

fn insert(conn: &mut DbConn, caller: &Caller, t: NewTask<'_>) -> Result<TaskRow, ApiError> {
    let NewTask {
        partnership,
        member,
        category,
        title,
        description,
        due_on,
    } = t;
    let id = crate::db::new_id();
    let now = crate::db::now();
    diesel::insert_into(rs::table)
        .values((
            rs::id.eq(&id),
            rs::partnership_id.eq(partnership),
            rs::member_id.eq(member),
            rs::category.eq(category.as_str()),
            rs::title.eq(title),
            rs::description.eq(description),
            rs::due_on.eq(due_on),
            rs::status.eq(TaskStatus::Todo.as_str()),
            rs::created_at.eq(now),
            rs::updated_at.eq(now),
            rs::version.eq(1),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("responsibility", &id, "create")
            .value("partnership_id", partnership)
            .value("member_id", member)
            .value("category", category)
            .value("title", title)
            .value("due_on", due_on),
    )?;
    load(conn, partnership, &id)
}

/// Assigns a responsibility to a current member. Partnership managers.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id")),
    request_body = CreateResponsibility,
    responses(
        (status = 201, description = "The responsibility", body = Responsibility, headers(("Location" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/responsibilities")]
pub async fn create_responsibility(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<CreateResponsibility>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let b = body.into_inner();
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let facts = access_facts(conn, &id, None)?;
                manage(&caller, &facts)?;
                super::handlers::ensure_not_dissolved(&super::handlers::lock(conn, &id)?)?;
                current_member(conn, &id, &b.member_id)?;
                insert(
                    conn,
                    &caller,
                    NewTask {
                        partnership: &id,
                        member: &b.member_id,
                        category: b.category,
                        title: b.title.trim(),
                        description: b.description.as_deref(),
                        due_on: b.due_on,
                    },
                )
            })
        })
        .await?;
    let t = present(row, today())?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!(
                "/api/v1/partnerships/{}/responsibilities/{}",
                t.partnership_id, t.id
            ),
        ))
        .insert_header(header::ETag(etag(&t.id, t.version)))
        .json(t))
}

/// Due date of the tasks a template creates.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyTemplate {
    /// The due date of every created task (optional).
    pub due_on: Option<NaiveDate>,
}

/// The tasks a call created.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsibilityList {
    #[schema(max_items = 8)]
    pub items: Vec<Responsibility>,
}

/// Applies the standard responsibilities of a local partner (seed 000: launch,
/// volunteer support, training, plan testing, measure application, campaign,
/// good-practice compendium, final conference) to a current member: one task per
/// category the member does not have yet. Partnership managers.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        ("member_id" = String, Path, format = Uuid, description = "The membership's id"),
    ),
    request_body = ApplyTemplate,
    responses(
        (status = 201, description = "The tasks created", body = ResponsibilityList),
        (status = 200, description = "Nothing created: the member has a task of every category", body = ResponsibilityList),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/members/{member_id}/apply-template")]
pub async fn apply_responsibility_template(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: ApiJson<ApplyTemplate>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let (id, member) = path.into_inner();
    path_id("id", &id)?;
    path_id("member_id", &member)?;
    let due = body.into_inner().due_on;
    let rows = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let facts = access_facts(conn, &id, Some(&member))?;
                manage(&caller, &facts)?;
                // The lock serialises concurrent applications of the template.
                super::handlers::ensure_not_dissolved(&super::handlers::lock(conn, &id)?)?;
                if facts.member_organization_id.is_none() {
                    return Err(ApiError::not_found(format!(
                        "Partnership `{id}` has no member `{member}`."
                    )));
                }
                current_member(conn, &id, &member)?;
                let existing: Vec<String> = rs::table
                    .filter(rs::member_id.eq(&member))
                    .select(rs::category)
                    .load(conn)?;
                let mut created = Vec::new();
                for category in ResponsibilityCategory::ALL {
                    if existing.iter().any(|c| c == category.as_str()) {
                        continue;
                    }
                    created.push(insert(
                        conn,
                        &caller,
                        NewTask {
                            partnership: &id,
                            member: &member,
                            category,
                            title: category.template(),
                            description: None,
                            due_on: due,
                        },
                    )?);
                }
                Ok(created)
            })
        })
        .await?;
    let now = today();
    // 201 only when something was created; a member who has every category
    // already gets 200 and an empty list.
    let mut res = if rows.is_empty() {
        HttpResponse::Ok()
    } else {
        HttpResponse::Created()
    };
    Ok(res.json(ResponsibilityList {
        items: rows
            .into_iter()
            .map(|r| present(r, now))
            .collect::<Result<_, _>>()?,
    }))
}

/// Reads one responsibility, with its ETag. Any signed-in user; API clients
/// with `partnerships:read`.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        ("task_id" = String, Path, format = Uuid, description = "The responsibility's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The responsibility", body = Responsibility, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/partnerships/{id}/responsibilities/{task_id}")]
pub async fn get_responsibility(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let (id, task) = path.into_inner();
    path_id("id", &id)?;
    path_id("task_id", &task)?;
    let row = state.db.run(move |conn| load(conn, &id, &task)).await?;
    let t = present(row, today())?;
    // The tag that `If-Match` on its changes expects.
    Ok(crate::http::conditional::json_with_etag(
        &req,
        etag(&t.id, t.version),
        &t,
    ))
}

/// Changes to a responsibility: an absent field is unchanged, `null` clears it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateResponsibility {
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<NaiveDate>)]
    pub due_on: Option<Option<NaiveDate>>,
}

/// Changes a responsibility's title, description or due date. Partnership managers.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        ("task_id" = String, Path, format = Uuid, description = "The responsibility's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateResponsibility,
    responses(
        (status = 200, description = "The responsibility", body = Responsibility, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/partnerships/{id}/responsibilities/{task_id}")]
pub async fn update_responsibility(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    body: ApiJson<UpdateResponsibility>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let (id, task) = path.into_inner();
    path_id("id", &id)?;
    path_id("task_id", &task)?;
    let headers = req.headers().clone();
    let b = body.into_inner();
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let facts = access_facts(conn, &id, None)?;
                manage(&caller, &facts)?;
                // A dissolved partnership's responsibilities are final, as for
                // their transitions.
                super::handlers::ensure_not_dissolved(&super::handlers::lock(conn, &id)?)?;
                diesel::update(rs::table.find(&task))
                    .set(rs::version.eq(rs::version))
                    .execute(conn)?;
                let current = load(conn, &id, &task)?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                let status = stored(
                    TaskStatus::parse(&current.status),
                    "task status",
                    &current.status,
                )?;
                if !status.is_open() {
                    return Err(ApiError::invalid_transition(
                        status.as_str(),
                        Vec::new(),
                        "A finished responsibility cannot be changed.",
                    ));
                }
                let title = b
                    .title
                    .as_deref()
                    .map(str::trim)
                    .map(str::to_owned)
                    .unwrap_or(current.title.clone());
                let description = b.description.clone().unwrap_or(current.description.clone());
                let due_on = b.due_on.unwrap_or(current.due_on);
                diesel::update(rs::table.find(&task))
                    .set((
                        rs::title.eq(&title),
                        rs::description.eq(&description),
                        rs::due_on.eq(due_on),
                        rs::updated_at.eq(crate::db::now()),
                        rs::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let mut change = Change::new("responsibility", &task, "update");
                if b.title.is_some() {
                    change = change.value("title", &title);
                }
                if b.description.is_some() {
                    change = change.value("description", &description);
                }
                if b.due_on.is_some() {
                    change = change.value("due_on", due_on);
                }
                audit::record(conn, &caller, change)?;
                load(conn, &id, &task)
            })
        })
        .await?;
    let t = present(row, today())?;
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(etag(&t.id, t.version)))
        .json(t))
}

async fn task_transition(
    state: &AppState,
    caller: Caller,
    (id, task): (String, String),
    req: &HttpRequest,
    t: TaskTransition,
    evidence: Option<String>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let headers = req.headers().clone();
    path_id("id", &id)?;
    path_id("task_id", &task)?;
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                diesel::update(rs::table.find(&task))
                    .set(rs::version.eq(rs::version))
                    .execute(conn)?;
                let current = load(conn, &id, &task)?;
                let facts = access_facts(conn, &id, Some(&current.member_id))?;
                // The member's own org admins progress their tasks; managers may
                // also cancel them.
                authorize(
                    &caller.actor,
                    Permission::ProgressResponsibility {
                        project_id: facts.project_id.as_deref(),
                        lead_organization_id: facts.lead_organization_id.as_deref(),
                        member_organization_id: facts.member_organization_id.as_deref(),
                    },
                )?;
                if t == TaskTransition::Cancel {
                    manage(&caller, &facts)?;
                }
                super::handlers::ensure_not_dissolved(&super::handlers::lock(conn, &id)?)?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                let status = stored(
                    TaskStatus::parse(&current.status),
                    "task status",
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
                            "{} responsibility cannot {}.",
                            crate::error::with_article(status.as_str()),
                            t.as_str()
                        ),
                    ));
                };
                diesel::update(rs::table.find(&task))
                    .set((
                        rs::status.eq(next.as_str()),
                        rs::evidence.eq(evidence.as_deref().or(current.evidence.as_deref())),
                        rs::updated_at.eq(crate::db::now()),
                        rs::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let mut change = Change::new("responsibility", &task, t.as_str())
                    .value("from", status.as_str())
                    .value("to", next.as_str());
                if let Some(e) = &evidence {
                    change = change.value("evidence", e);
                }
                audit::record(conn, &caller, change)?;
                load(conn, &id, &task)
            })
        })
        .await?;
    let t = present(row, today())?;
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(etag(&t.id, t.version)))
        .json(t))
}

/// Starts a responsibility (`todo` → `in_progress`). Partnership managers and the
/// member organisation's admins.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        ("task_id" = String, Path, format = Uuid, description = "The responsibility's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The responsibility", body = Responsibility, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/responsibilities/{task_id}/start")]
pub async fn start_responsibility(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    task_transition(
        &state,
        caller,
        path.into_inner(),
        &req,
        TaskTransition::Start,
        None,
    )
    .await
}

/// What shows a responsibility was done.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteResponsibility {
    /// A description of, or link to, the evidence (minutes, photos, a report).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub evidence: String,
}

/// Completes a responsibility (`in_progress` → `done`); evidence is required.
/// Partnership managers and the member organisation's admins.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        ("task_id" = String, Path, format = Uuid, description = "The responsibility's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = CompleteResponsibility,
    responses(
        (status = 200, description = "The responsibility", body = Responsibility, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/responsibilities/{task_id}/complete")]
pub async fn complete_responsibility(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
    body: ApiJson<CompleteResponsibility>,
) -> Result<HttpResponse, ApiError> {
    let evidence = body.into_inner().evidence.trim().to_owned();
    if evidence.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "evidence",
            "required",
            "evidence is required to complete a responsibility",
        )]));
    }
    task_transition(
        &state,
        caller,
        path.into_inner(),
        &req,
        TaskTransition::Complete,
        Some(evidence),
    )
    .await
}

/// Cancels an open responsibility. Partnership managers.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        ("task_id" = String, Path, format = Uuid, description = "The responsibility's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The responsibility", body = Responsibility, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/responsibilities/{task_id}/cancel")]
pub async fn cancel_responsibility(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    task_transition(
        &state,
        caller,
        path.into_inner(),
        &req,
        TaskTransition::Cancel,
        None,
    )
    .await
}

crate::http::pagination::page_schema!(
    ResponsibilityPage,
    Responsibility,
    "A page of responsibilities."
);
