//! The participant endpoints: who is in a group, adding a person, moving
//! them to another group of the programme, taking them out. Admins and the
//! project's coordinators.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use diesel::prelude::*;

use super::enrolment;
use super::handlers::{may_manage, project_of_group};
use super::model::{
    Enrol, GroupRow, MoveParticipant, Participant, ParticipantPage, ParticipantRow,
};
use crate::audit::Caller;
use crate::auth::policy::require_signed_in;
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::training_participants as tp;
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

/// 403 unless the caller manages the training `row` is part of.
fn may_change(conn: &mut DbConn, caller: &Caller, row: &ParticipantRow) -> Result<(), ApiError> {
    let group: GroupRow = record::find(conn, &row.group_id)?;
    may_manage(caller, &project_of_group(conn, &group)?)
}

/// Lists a group's participants, by id.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The group's id"), ListParams),
    responses((status = 200, description = "A page of participants", body = ParticipantPage))
)]
#[get("/training-groups/{id}/participants")]
pub async fn list_participants(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let page = list.0.page()?;
    let id = id.into_inner();
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let group: GroupRow = record::find(conn, &id)?;
            may_manage(&caller, &project_of_group(conn, &group)?)?;
            let q = keyset_page!(tp::table.select(ParticipantRow::as_select()), tp, request);
            Ok(q.filter(tp::group_id.eq(&id))
                .load::<ParticipantRow>(conn)?)
        })
        .await?;
    let page = Page::of_records(rows, &page, |r| Ok(Participant::from(r)))?;
    Ok(HttpResponse::Ok().json(page))
}

/// Adds a person to a group: 409 when the group is full, when the person is
/// in another group of the programme already, or attends another session at
/// the time of one of the group's (each named).
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The group's id")),
    request_body = Enrol,
    responses(
        (status = 201, description = "The participant", body = Participant, headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/training-groups/{id}/participants")]
pub async fn enrol(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    body: ApiJson<Enrol>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let group: GroupRow = record::locked(conn, &id)?;
            may_manage(&caller, &project_of_group(conn, &group)?)?;
            enrolment::enrol(conn, &caller, &group, form)
        })
        .await?;
    let location = format!("/api/v1/training-participants/{}", row.id);
    Ok(created(location, row.etag(), &Participant::from(row)))
}

/// Reads a participant.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The participant's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The participant", body = Participant, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/training-participants/{id}")]
pub async fn get_participant(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let row = state
        .db
        .run(move |conn| {
            let row: ParticipantRow = record::find(conn, &id)?;
            may_change(conn, &caller, &row)?;
            Ok(row)
        })
        .await?;
    Ok(json_with_etag(&req, row.etag(), &Participant::from(row)))
}

/// Moves a participant to another group of the same programme, in one
/// transaction: 422 for a group of another programme, 409 when it is full or
/// the person attends another session at the time of one of its sessions.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The participant's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = MoveParticipant,
    responses(
        (status = 200, description = "The participant", body = Participant, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/training-participants/{id}/move")]
pub async fn move_participant(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<MoveParticipant>,
) -> Result<HttpResponse, ApiError> {
    let target = body.into_inner().group_id;
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |conn, row| {
                may_change(conn, &caller, row)
            })?;
            enrolment::move_participant(conn, &caller, current, &target)
        })
        .await?;
    Ok(saved(row.etag(), &Participant::from(row)))
}

/// Takes a participant out of their group.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The participant's id"),
        crate::http::conditional::IfMatch,
    ),
    responses((status = 204, description = "Removed"))
)]
#[delete("/training-participants/{id}")]
pub async fn remove_participant(
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
            enrolment::remove_participant(conn, &caller, current)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
