//! The call endpoints: list and read (public, drafts for their coordinators),
//! create, change, and the life `draft` → `open` → `closed` → `finalized` |
//! `cancelled`.

use std::collections::BTreeMap;

use actix_web::http::header::EntityTag;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{Call, CallFilter, CallPage, CallRow, CancelCall, CreateCall, UpdateCall};
use super::rules::{CallStatus, CallTransition};
use super::store;
use crate::audit::Caller;
use crate::auth::Actor;
use crate::auth::policy::{Permission, allows, authorize, require_signed_in};
use crate::db::record;
use crate::db::schema::calls as cl;
use crate::db::{DbConn, now};
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

/// The call's tag: its version, and what it shows that changes without one
/// (the places taken, and the status the clock gives it).
pub fn call_tag(row: &CallRow, status: CallStatus, accepting: bool) -> EntityTag {
    EntityTag::new_strong(format!(
        "{}.v{}.e{}.{}{}",
        row.id,
        row.version,
        row.last_seq,
        status,
        u8::from(accepting)
    ))
}

/// The call as the API shows it now, with its tag.
pub fn shown(conn: &mut DbConn, row: CallRow) -> Result<(EntityTag, Call), ApiError> {
    let mut tallies = store::tallies(conn, std::slice::from_ref(&row.id))?;
    let call = Call::new(
        row.clone(),
        &tallies.remove(&row.id).unwrap_or_default(),
        now(),
    )?;
    Ok((
        call_tag(&row, call.status, call.accepting_applications),
        call,
    ))
}

/// 404, as for no call, for a draft the caller may not manage.
pub fn check_seen(actor: &Actor, row: &CallRow) -> Result<(), ApiError> {
    let project_id = &row.project_id;
    if !row.is_draft() || allows(actor, Permission::ManageCalls { project_id }) {
        return Ok(());
    }
    Err(ApiError::not_found(format!(
        "No call has the id `{}`.",
        row.id
    )))
}

/// Lists calls, by id: every call that is not a draft, for everyone (no token
/// needed); drafts for admins and the project's coordinators.
#[utoipa::path(
    tag = "recruitment",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(ListParams, CallFilter),
    responses(
        (status = 200, description = "A page of calls", body = CallPage),
    )
)]
#[get("/calls")]
pub async fn list_calls(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<CallFilter>,
) -> Result<HttpResponse, ApiError> {
    let page = list.0.page()?;
    let filter = filter.into_inner();
    let request = page.clone();
    let actor = caller.actor;
    let (rows, mut tallies) = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(cl::table.select(CallRow::as_select()), cl, request);
            if let Some(p) = filter.project_id {
                q = q.filter(cl::project_id.eq(p.into_inner()));
            }
            if let Some(s) = filter.status {
                q = q.filter(cl::status.eq(s.as_str()));
            }
            if !is_admin(&actor) {
                let mine = coordinated_projects(&actor);
                q = q.filter(
                    cl::status
                        .ne(CallStatus::Draft.as_str())
                        .or(cl::project_id.eq_any(mine)),
                );
            }
            let rows = q.load::<CallRow>(conn)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            Ok((rows, store::tallies(conn, &ids)?))
        })
        .await?;
    let now = now();
    let page = Page::of_records(rows, &page, |r| {
        let t = tallies.remove(&r.id).unwrap_or_else(BTreeMap::new);
        Call::new(r, &t, now)
    })?;
    Ok(HttpResponse::Ok().json(page))
}

fn is_admin(actor: &Actor) -> bool {
    matches!(actor, Actor::User(u) if u.roles.contains(&crate::auth::Role::Admin))
}

fn coordinated_projects(actor: &Actor) -> Vec<String> {
    match actor {
        Actor::User(u) => u
            .roles
            .iter()
            .filter_map(|r| match r {
                crate::auth::Role::Coordinator { project_id } => Some(project_id.clone()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Creates a recruitment call of a project, as a `draft`. Admins and the
/// project's coordinators.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateCall,
    responses(
        (status = 201, description = "The call", body = Call, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/calls")]
pub async fn create_call(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateCall>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    let project_id = form.project_id.as_str();
    authorize(&caller.actor, Permission::ManageCalls { project_id })?;
    let (tag, call) = state
        .db
        .write(move |conn| {
            let row = store::insert_call(conn, &caller, form)?;
            shown(conn, row)
        })
        .await?;
    let location = format!("/api/v1/calls/{}", call.id);
    Ok(created(location, tag, &call))
}

/// Reads a call: its form, dates and places. Public unless a draft (drafts:
/// admins and the project's coordinators).
#[utoipa::path(
    tag = "recruitment",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The call's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The call", body = Call, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/calls/{id}")]
pub async fn get_call(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (tag, call) = state
        .db
        .run(move |conn| {
            let row: CallRow = record::find(conn, &id)?;
            check_seen(&caller.actor, &row)?;
            shown(conn, row)
        })
        .await?;
    Ok(json_with_etag(&req, tag, &call))
}

/// A change to a call, in one write transaction: lock and read it (404, also
/// for a draft the caller may not see), may the caller manage the project's
/// calls (403), `If-Match` on its version (412), then `apply`.
pub(super) async fn change(
    state: &AppState,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    apply: impl FnOnce(&mut DbConn, &Caller, CallRow) -> Result<CallRow, ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let (tag, call) = state
        .db
        .write(move |conn| {
            let current: CallRow = record::locked(conn, &id)?;
            check_seen(&caller.actor, &current)?;
            let project_id = current.project_id.as_str();
            authorize(&caller.actor, Permission::ManageCalls { project_id })?;
            let now = now();
            let tag = call_tag(
                &current,
                current.status_at(now)?,
                current.accepting_at(now)?,
            );
            if_match.check_version(&current, &tag)?;
            let row = apply(conn, &caller, current)?;
            shown(conn, row)
        })
        .await?;
    Ok(saved(tag, &call))
}

/// Changes a draft call (409 once it is open). Admins and the project's
/// coordinators.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The call's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateCall,
    responses(
        (status = 200, description = "The call", body = Call, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/calls/{id}")]
pub async fn update_call(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateCall>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner();
    change(&state, caller, id, if_match, |conn, caller, current| {
        store::update_call(conn, caller, current, changes)
    })
    .await
}

async fn transition(
    state: &AppState,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    t: CallTransition,
    reason: Option<String>,
) -> Result<HttpResponse, ApiError> {
    change(state, caller, id, if_match, move |conn, caller, current| {
        store::transition_call(conn, caller, current, t, reason)
    })
    .await
}

/// Opens a draft call (`draft` → `open`): it takes applications from
/// `opens_at` until `closes_at`, which must be in the future. Admins and the
/// project's coordinators.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The call's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The open call", body = Call, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/calls/{id}/open")]
pub async fn open_call(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id, if_match, CallTransition::Open, None).await
}

/// Closes an open call before its time (`open` → `closed`); a call past
/// `closes_at` is closed already. Admins and the project's coordinators.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The call's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The closed call", body = Call, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/calls/{id}/close")]
pub async fn close_call(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id, if_match, CallTransition::Close, None).await
}

/// Finalises a closed call (`closed` → `finalized`): its result is fixed;
/// withdrawals still promote from the waitlist. Admins and the project's
/// coordinators.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The call's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The finalised call", body = Call, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/calls/{id}/finalize")]
pub async fn finalize_call(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id, if_match, CallTransition::Finalize, None).await
}

/// Cancels a call that is not finalised (a reason is required). Admins and the
/// project's coordinators.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The call's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = CancelCall,
    responses(
        (status = 200, description = "The cancelled call", body = Call, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/calls/{id}/cancel")]
pub async fn cancel_call(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<CancelCall>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.into_inner().reason.trim().to_owned();
    transition(
        &state,
        caller,
        id,
        if_match,
        CallTransition::Cancel,
        Some(reason),
    )
    .await
}

/// Erases the applicants' personal data of a call that takes no more
/// applications (closed, finalised or cancelled); its counts stay. Admins and
/// the project's coordinators.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The call's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The call, anonymised", body = Call, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/calls/{id}/anonymize")]
pub async fn anonymize_call(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    change(&state, caller, id, if_match, store::anonymize).await
}
