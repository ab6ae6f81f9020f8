//! The activity endpoints: what took place, when, where, organised by whom, how
//! many attended, and what it produced. An activity may belong to one of the
//! project's campaigns; it then takes place within the campaign's dates, at one
//! of its locations. Campaigns are in [`super::campaigns`].

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    Activity, ActivityFilter, ActivityPage, ActivityRow, CreateActivity, UpdateActivity,
};
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::activities as act;
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::projects::model::ProjectRow;
use crate::state::AppState;

/// Whether the caller may record an activity of `project` organised by
/// `organizer`: the project's coordinators, and the admins of the organising
/// organisation while it is a partner in the project.
fn authorize_record(
    conn: &mut DbConn,
    caller: &Caller,
    project: &str,
    organizer: Option<&str>,
) -> Result<(), ApiError> {
    let organizer_is_partner = match organizer {
        Some(org) => crate::partnerships::is_project_partner(conn, project, org)?,
        None => false,
    };
    authorize(
        &caller.actor,
        Permission::RecordActivity {
            project_id: project,
            organizer_organization_id: organizer,
            organizer_is_partner,
        },
    )
}

/// 404 unless project `project` exists, then 403 unless the caller may change
/// it (admins and its coordinators): the prelude of adding a campaign or an
/// indicator to a project.
pub(crate) fn project_for_change(
    conn: &mut DbConn,
    caller: &Caller,
    project: &str,
) -> Result<(), ApiError> {
    record::find::<ProjectRow>(conn, project)?;
    authorize(
        &caller.actor,
        Permission::UpdateProject {
            project_id: project,
        },
    )
}

/// Whether the caller may change `current` as it is and (given the
/// `changes`) as it will be.
fn may_change(
    conn: &mut DbConn,
    caller: &Caller,
    current: &ActivityRow,
    changes: Option<&UpdateActivity>,
) -> Result<(), ApiError> {
    let organizer = current.organizer_organization_id.as_deref();
    authorize_record(conn, caller, &current.project_id, organizer)?;
    if let Some(changes) = changes {
        let organizer = match &changes.organizer_organization_id {
            Some(new) => new.as_deref(),
            None => organizer,
        };
        authorize_record(conn, caller, &current.project_id, organizer)?;
    }
    Ok(())
}

/// Lists a project's activities, by id.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id"), ListParams, ActivityFilter),
    responses(
        (status = 200, description = "A page of activities", body = ActivityPage),
    )
)]
#[get("/projects/{id}/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<ActivityFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let page = list.0.page()?;
    let filter = filter.into_inner();
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            record::find::<ProjectRow>(conn, &id)?;
            let mut q = keyset_page!(act::table.select(ActivityRow::as_select()), act, request);
            q = q.filter(act::project_id.eq(id));
            if let Some(kind) = filter.kind {
                q = q.filter(act::kind.eq(kind.as_str()));
            }
            if let Some(c) = filter.campaign_id {
                q = q.filter(act::campaign_id.eq(c.into_inner()));
            }
            if let Some(from) = filter.held_from {
                q = q.filter(act::held_on.ge(from));
            }
            if let Some(to) = filter.held_to {
                q = q.filter(act::held_on.le(to));
            }
            Ok(q.load::<ActivityRow>(conn)?)
        })
        .await?;
    let page = Page::of_records(rows, &page, Activity::try_from)?;
    Ok(HttpResponse::Ok().json(page))
}

/// Records an activity of a project. The project's coordinators, and the
/// admins of the organising organisation while it is a partner in the project.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    request_body = CreateActivity,
    responses(
        (status = 201, description = "The activity", body = Activity, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/projects/{id}/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    body: ApiJson<CreateActivity>,
) -> Result<HttpResponse, ApiError> {
    let project = id.into_inner();
    let form = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            record::find::<ProjectRow>(conn, &project)?;
            let organizer = form.organizer_organization_id.as_deref();
            authorize_record(conn, &caller, &project, organizer)?;
            store::insert_activity(conn, &caller, &project, form)
        })
        .await?;
    let location = format!("/api/v1/activities/{}", row.id);
    Ok(created(location, row.etag(), &Activity::try_from(row)?))
}

/// Reads an activity.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The activity's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The activity", body = Activity, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/activities/{id}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let row: ActivityRow = state.db.run(move |conn| record::find(conn, &id)).await?;
    Ok(json_with_etag(&req, row.etag(), &Activity::try_from(row)?))
}

/// Changes an activity. The project's coordinators, and the organising
/// organisation's admins (for an activity it organises, while a partner).
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The activity's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateActivity,
    responses(
        (status = 200, description = "The activity", body = Activity, headers(("ETag" = String))),
    )
)]
#[patch("/activities/{id}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateActivity>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |conn, row| {
                may_change(conn, &caller, row, Some(&changes))
            })?;
            store::update_activity(conn, &caller, current, changes)
        })
        .await?;
    Ok(saved(row.etag(), &Activity::try_from(row)?))
}

/// Deletes an activity recorded by mistake (the change log keeps what it was).
/// The project's coordinators, and the organising organisation's admins.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The activity's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 204, description = "Deleted"),
    )
)]
#[delete("/activities/{id}")]
pub async fn delete_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |conn, row| {
                may_change(conn, &caller, row, None)
            })?;
            store::delete_activity(conn, &caller, current)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
