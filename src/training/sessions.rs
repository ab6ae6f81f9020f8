//! The session endpoints: a group's sessions, read by everyone signed in who
//! reads projects, planned by admins and the project's coordinators against
//! the schedule's rules ([`super::store`]).

use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use diesel::prelude::*;

use super::handlers::{may_manage, project_of_group};
use super::model::{CreateSession, GroupRow, Session, SessionPage, SessionRow, UpdateSession};
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::training_sessions as ts;
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

/// 403 unless the caller manages the training the session `row` is part of.
fn may_change(conn: &mut DbConn, caller: &Caller, row: &SessionRow) -> Result<(), ApiError> {
    let group: GroupRow = record::find(conn, &row.group_id)?;
    may_manage(caller, &project_of_group(conn, &group)?)
}

/// Lists a group's sessions, by id.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The group's id"), ListParams),
    responses((status = 200, description = "A page of sessions", body = SessionPage))
)]
#[get("/training-groups/{id}/sessions")]
pub async fn list_sessions(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let page = list.0.page()?;
    let id = id.into_inner();
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let _: GroupRow = record::find(conn, &id)?;
            let q = keyset_page!(ts::table.select(SessionRow::as_select()), ts, request);
            Ok(q.filter(ts::group_id.eq(&id)).load::<SessionRow>(conn)?)
        })
        .await?;
    let page = Page::of_records(rows, &page, Session::try_from)?;
    Ok(HttpResponse::Ok().json(page))
}

/// Plans a session of a group: a module of its programme, within the
/// project's period, trainers holding the `trainer` role (422 naming the
/// field); 409 naming each session it clashes with — another of the group's,
/// one a trainer gives, one a participant attends. Admins and the project's
/// coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The group's id")),
    request_body = CreateSession,
    responses(
        (status = 201, description = "The session", body = Session, headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/training-groups/{id}/sessions")]
pub async fn create_session(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    body: ApiJson<CreateSession>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let group: GroupRow = record::locked(conn, &id)?;
            may_manage(&caller, &project_of_group(conn, &group)?)?;
            store::insert_session(conn, &caller, &group, form)
        })
        .await?;
    let location = format!("/api/v1/training-sessions/{}", row.id);
    Ok(created(location, row.etag(), &Session::try_from(row)?))
}

/// Reads a session.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The session's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The session", body = Session, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/training-sessions/{id}")]
pub async fn get_session(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let row: SessionRow = state.db.run(move |conn| record::find(conn, &id)).await?;
    Ok(json_with_etag(&req, row.etag(), &Session::try_from(row)?))
}

/// Changes a session, checked against the schedule's rules again. Admins and
/// the project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The session's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateSession,
    responses(
        (status = 200, description = "The session", body = Session, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/training-sessions/{id}")]
pub async fn update_session(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateSession>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner();
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |conn, row| {
                may_change(conn, &caller, row)
            })?;
            store::update_session(conn, &caller, current, changes)
        })
        .await?;
    Ok(saved(row.etag(), &Session::try_from(row)?))
}

/// Deletes a session (the change log keeps what it was). Admins and the
/// project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The session's id"),
        crate::http::conditional::IfMatch,
    ),
    responses((status = 204, description = "Deleted"))
)]
#[delete("/training-sessions/{id}")]
pub async fn delete_session(
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
                may_change(conn, &caller, row)
            })?;
            store::delete_session(conn, &caller, current)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
