//! The responsibility endpoints: list, assign, apply the standard set, read,
//! change, start, complete, cancel.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    ApplyTemplate, CompleteResponsibility, CreateResponsibility, Responsibility,
    ResponsibilityFilter, ResponsibilityList, ResponsibilityPage, TaskRow, UpdateResponsibility,
    present, today,
};
use super::rules::{TaskTransition, check_evidence};
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::record::Record;
use crate::db::schema::responsibilities as rs;
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::{PathId, PathIds};
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

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
    id: PathId,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<ResponsibilityFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let id = id.into_inner();
    let page = list.0.page()?;
    let filter = filter.into_inner();
    let request = page.clone();
    let now = today();
    let rows = state
        .db
        .run(move |conn| {
            store::access_facts(conn, &id, None)?;
            let mut q = keyset_page!(rs::table.select(TaskRow::as_select()), rs, request);
            q = q.filter(rs::partnership_id.eq(id));
            if let Some(m) = filter.member_id {
                q = q.filter(rs::member_id.eq(m.into_inner()));
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
                    let finished = rs::status.eq_any(["done", "cancelled"]);
                    q = q.filter(finished.or(rs::due_on.is_null()).or(rs::due_on.ge(now)))
                }
                None => {}
            }
            Ok(q.load::<TaskRow>(conn)?)
        })
        .await?;
    let page = Page::of_records(rows, &page, |r| present(r, now))?;
    Ok(HttpResponse::Ok().json(page))
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
    id: PathId,
    body: ApiJson<CreateResponsibility>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let form = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            store::manage(&caller, &store::access_facts(conn, &id, None)?)?;
            store::lock_open_partnership(conn, &id)?;
            store::insert(conn, &caller, &id, form)
        })
        .await?;
    let location = format!(
        "/api/v1/partnerships/{}/responsibilities/{}",
        row.partnership_id, row.id
    );
    Ok(created(location, row.etag(), &present(row, today())?))
}

/// Applies the standard responsibilities of a local partner (launch,
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
    ids: PathIds<2>,
    body: ApiJson<ApplyTemplate>,
) -> Result<HttpResponse, ApiError> {
    let [id, member] = ids.0;
    let due = body.into_inner().due_on;
    let rows = state
        .db
        .write(move |conn| {
            let facts = store::access_facts(conn, &id, Some(&member))?;
            store::manage(&caller, &facts)?;
            store::lock_open_partnership(conn, &id)?;
            if facts.member_organization_id.is_none() {
                return Err(ApiError::not_found(format!(
                    "Partnership `{id}` has no member `{member}`."
                )));
            }
            store::apply_template(conn, &caller, &id, &member, due)
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
    let items = rows
        .into_iter()
        .map(|r| present(r, now))
        .collect::<Result<_, _>>()?;
    Ok(res.json(ResponsibilityList { items }))
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
    ids: PathIds<2>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let [id, task] = ids.0;
    let row = state
        .db
        .run(move |conn| store::load(conn, &id, &task))
        .await?;
    Ok(json_with_etag(&req, row.etag(), &present(row, today())?))
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
    ids: PathIds<2>,
    if_match: IfMatch,
    body: ApiJson<UpdateResponsibility>,
) -> Result<HttpResponse, ApiError> {
    let [id, task] = ids.0;
    let changes = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = store::for_update(conn, &caller, &id, &task, &if_match)?;
            store::update(conn, &caller, current, changes)
        })
        .await?;
    Ok(saved(row.etag(), &present(row, today())?))
}

async fn task_transition(
    state: &AppState,
    caller: Caller,
    ids: PathIds<2>,
    if_match: IfMatch,
    t: TaskTransition,
    evidence: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let [id, task] = ids.0;
    let row = state
        .db
        .write(move |conn| {
            let current = store::for_transition(conn, &caller, &id, &task, t, &if_match)?;
            store::transition(conn, &caller, current, t, evidence)
        })
        .await?;
    Ok(saved(row.etag(), &present(row, today())?))
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
    ids: PathIds<2>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    task_transition(&state, caller, ids, if_match, TaskTransition::Start, None).await
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
    ids: PathIds<2>,
    if_match: IfMatch,
    body: ApiJson<CompleteResponsibility>,
) -> Result<HttpResponse, ApiError> {
    let evidence =
        check_evidence(&body.into_inner().evidence).map_err(|e| ApiError::validation(vec![e]))?;
    let t = TaskTransition::Complete;
    task_transition(&state, caller, ids, if_match, t, Some(evidence)).await
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
    ids: PathIds<2>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    task_transition(&state, caller, ids, if_match, TaskTransition::Cancel, None).await
}
