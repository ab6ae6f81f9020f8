//! The endpoints of action items: written by those who assess a round (and
//! by the working group of the next round, which reviews them), read as the
//! round is.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::actions::{
    self, ActionItem, ActionItemPage, ActionItemRow, ActionReview, CreateActionItem,
    UpdateActionItem,
};
use super::model::RoundRow;
use super::rounds::readable;
use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::record;
use crate::db::schema::quality_action_items as ai;
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

fn today() -> chrono::NaiveDate {
    crate::db::now().date()
}

/// Item `id` with its round, as `caller` may read them (404 otherwise).
fn readable_item(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
) -> Result<(ActionItemRow, RoundRow), ApiError> {
    let row: ActionItemRow = record::find(conn, id)?;
    let round = readable(conn, caller, &row.round_id)
        .map_err(|_| ApiError::not_found(format!("No action item has the id `{id}`.")))?;
    Ok((row, round))
}

/// Lists a round's action items, by id. As the round is read: anybody once
/// completed; before, those who assess it.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The round's id"),
        ListParams,
    ),
    responses((status = 200, description = "A page of action items", body = ActionItemPage))
)]
#[get("/quality/rounds/{id}/action-items")]
pub async fn list_action_items(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = list.0.page()?;
    let id = id.into_inner();
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            readable(conn, &caller, &id)?;
            let mut q = keyset_page!(ai::table.select(ActionItemRow::as_select()), ai, request);
            q = q.filter(ai::round_id.eq(&id));
            Ok(q.load::<ActionItemRow>(conn)?)
        })
        .await?;
    let today = today();
    Ok(HttpResponse::Ok().json(Page::of_records(rows, &page, |r| {
        ActionItem::new(r, today)
    })?))
}

/// Turns a recommendation into an action item: what is to be done, the
/// organisation (and person) that owns it, a due date. For a round in
/// progress or completed (409 for a draft or a cancelled one), at most 200
/// a round. Those who assess the round, and the working group of a later
/// round of the same local government.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The round's id")),
    request_body = CreateActionItem,
    responses(
        (status = 201, description = "The action item", body = ActionItem, headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/quality/rounds/{id}/action-items")]
pub async fn create_action_item(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    body: ApiJson<CreateActionItem>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let form = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            readable(conn, &caller, &id)?;
            let round: RoundRow = record::locked(conn, &id)?;
            actions::authorize_items(conn, &caller.actor, &round)?;
            actions::insert(conn, &caller, &round, form)
        })
        .await?;
    let location = format!("/api/v1/quality/action-items/{}", row.id);
    let today = today();
    Ok(created(
        location,
        actions::tag(&row, today),
        &ActionItem::new(row, today)?,
    ))
}

/// Reads an action item. As its round is read. Its tag changes when it
/// falls overdue (`{id}.v{version}.overdue`); `If-Match` on a change needs
/// only the version to be current.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The action item's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The action item", body = ActionItem, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/quality/action-items/{id}")]
pub async fn get_action_item(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (row, _) = state
        .db
        .run(move |conn| readable_item(conn, &caller, &id))
        .await?;
    let today = today();
    Ok(json_with_etag(
        &req,
        actions::tag(&row, today),
        &ActionItem::new(row, today)?,
    ))
}

/// Changes an action item: its action, owner, due date, status, and the
/// review the next round writes of it. 409 once its round is cancelled.
/// Those who assess the round, and the working group of a later round of
/// the same local government.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The action item's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateActionItem,
    responses(
        (status = 200, description = "The action item", body = ActionItem, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/quality/action-items/{id}")]
pub async fn update_action_item(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateActionItem>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let (found, _) = readable_item(conn, &caller, &id)?;
            let round: RoundRow = record::locked(conn, &found.round_id)?;
            let current: ActionItemRow = record::locked(conn, &id)?;
            actions::authorize_items(conn, &caller.actor, &round)?;
            // The tag shows the clock (`.overdue`); a change needs only the
            // version to be current.
            if_match.check_version(&current, &actions::tag(&current, today()))?;
            actions::update(conn, &caller, &round, current, changes)
        })
        .await?;
    let today = today();
    Ok(saved(
        actions::tag(&row, today),
        &ActionItem::new(row, today)?,
    ))
}

/// What a round reviews: the action items of the same local government's
/// previous completed round, with how many stand in each status and how
/// many are overdue. As the round is read.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The round's id")),
    responses((status = 200, description = "The review", body = ActionReview))
)]
#[get("/quality/rounds/{id}/action-review")]
pub async fn get_action_review(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let review = state
        .db
        .run(move |conn| {
            let round = readable(conn, &caller, &id)?;
            actions::review(conn, &round, today())
        })
        .await?;
    Ok(HttpResponse::Ok().json(review))
}
