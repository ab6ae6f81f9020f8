//! The endpoints of assessment rounds: created and run by the local
//! government's admins, assessed by its working group, public once
//! completed.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    CancelQualityRound, CreateQualityRound, QualityRound, QualityRoundPage, RoundFilter, RoundRow,
    UpdateQualityRound,
};
use super::rules::{RoundStatus, RoundTransition};
use super::store;
use crate::audit::Caller;
use crate::auth::Actor;
use crate::auth::policy::{Permission, allows, authorize};
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::{quality_round_members as wg, quality_rounds as qr};
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

/// Whether `actor` may see `round` before it is completed and record its
/// answers: the local government's admins and the working group.
pub fn assesses(conn: &mut DbConn, actor: &Actor, round: &RoundRow) -> Result<bool, ApiError> {
    let in_working_group = store::in_working_group(conn, actor, round.id())?;
    Ok(allows(
        actor,
        Permission::AssessQualityRound {
            organization_id: &round.organization_id,
            in_working_group,
        },
    ))
}

/// Round `id` as `caller` may read it: anybody once completed; before, and
/// cancelled, those who assess it (404 to anybody else).
pub fn readable(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<RoundRow, ApiError> {
    let row: RoundRow = record::find(conn, id)?;
    if row.status()? == RoundStatus::Completed || assesses(conn, &caller.actor, &row)? {
        Ok(row)
    } else {
        Err(ApiError::not_found(format!(
            "No quality round has the id `{id}`."
        )))
    }
}

fn shown(conn: &mut DbConn, row: RoundRow) -> Result<QualityRound, ApiError> {
    let group = store::working_group(conn, row.id())?;
    QualityRound::new(row, group)
}

/// Lists rounds, by id: every completed one, and those the caller assesses
/// (of the local governments whose admins they are, or whose working group
/// they sit in).
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(ListParams, RoundFilter),
    responses((status = 200, description = "A page of rounds", body = QualityRoundPage))
)]
#[get("/quality/rounds")]
pub async fn list_quality_rounds(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<RoundFilter>,
) -> Result<HttpResponse, ApiError> {
    let page = list.0.page()?;
    let filter = filter.into_inner();
    if let Some(year) = filter.year
        && !(2000..=2100).contains(&year)
    {
        return Err(ApiError::invalid_parameter(
            "year",
            "out_of_range",
            "is from 2000 to 2100",
        ));
    }
    let request = page.clone();
    let page = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(qr::table.select(RoundRow::as_select()), qr, request);
            match &caller.actor {
                Actor::User(u) if u.roles.contains(&crate::auth::Role::Admin) => {}
                Actor::User(u) => {
                    let orgs: Vec<String> = u
                        .roles
                        .iter()
                        .filter_map(|r| match r {
                            crate::auth::Role::OrgAdmin { organization_id } => {
                                Some(organization_id.clone())
                            }
                            _ => None,
                        })
                        .collect();
                    let person = u.person_id.clone().unwrap_or_default();
                    let mine = wg::table
                        .filter(wg::person_id.eq(person))
                        .select(wg::round_id);
                    q = q.filter(
                        qr::status
                            .eq(RoundStatus::Completed.as_str())
                            .or(qr::organization_id.eq_any(orgs))
                            .or(qr::id.eq_any(mine)),
                    );
                }
                Actor::Client(_) | Actor::Anonymous => {
                    q = q.filter(qr::status.eq(RoundStatus::Completed.as_str()));
                }
            }
            if let Some(org) = filter.organization_id {
                q = q.filter(qr::organization_id.eq(org.into_inner()));
            }
            if let Some(year) = filter.year {
                q = q.filter(qr::year.eq(year));
            }
            if let Some(status) = filter.status {
                q = q.filter(qr::status.eq(status.as_str()));
            }
            let rows = q.load::<RoundRow>(conn)?;
            Page::of_records(rows, &request, |r| shown(conn, r))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Creates a round of a local government for a year, as a `draft`, on a
/// methodology version (the default one if not given), with its working
/// group. The local government's admins.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateQualityRound,
    responses(
        (status = 201, description = "The round", body = QualityRound, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/quality/rounds")]
pub async fn create_quality_round(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateQualityRound>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    authorize(
        &caller.actor,
        Permission::ManageQualityRound {
            organization_id: &form.organization_id,
        },
    )?;
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let row = store::insert_round(conn, &caller, form)?;
            Ok((row.etag(), shown(conn, row)?))
        })
        .await?;
    let location = format!("/api/v1/quality/rounds/{}", shown.id);
    Ok(created(location, tag, &shown))
}

/// Reads a round with its working group. Anybody once completed; before,
/// the local government's admins and the working group.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The round's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The round", body = QualityRound, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/quality/rounds/{id}")]
pub async fn get_quality_round(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (tag, shown) = state
        .db
        .run(move |conn| {
            let row = readable(conn, &caller, &id)?;
            Ok((row.etag(), shown(conn, row)?))
        })
        .await?;
    Ok(json_with_etag(&req, tag, &shown))
}

/// The prelude of every change to a round: readable (404), the local
/// government's admins (403), `If-Match` (412).
pub fn for_change(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    if_match: &IfMatch,
) -> Result<RoundRow, ApiError> {
    readable(conn, caller, id)?;
    record::for_change(conn, id, if_match, |_, r: &RoundRow| {
        authorize(
            &caller.actor,
            Permission::ManageQualityRound {
                organization_id: &r.organization_id,
            },
        )
    })
}

/// Changes a round: its year and methodology while a draft, its working
/// group (replaced as a whole) and notes until it is completed (409 after).
/// The local government's admins.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The round's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateQualityRound,
    responses(
        (status = 200, description = "The round", body = QualityRound, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/quality/rounds/{id}")]
pub async fn update_quality_round(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateQualityRound>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let current = for_change(conn, &caller, &id, &if_match)?;
            let row = store::update_round(conn, &caller, current, changes)?;
            Ok((row.etag(), shown(conn, row)?))
        })
        .await?;
    Ok(saved(tag, &shown))
}

async fn transition(
    state: &AppState,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    t: RoundTransition,
    reason: Option<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let current = for_change(conn, &caller, &id, &if_match)?;
            let row = store::transition(conn, &caller, current, t, reason)?;
            Ok((row.etag(), shown(conn, row)?))
        })
        .await?;
    Ok(saved(tag, &shown))
}

/// Starts a round (`draft` → `in_progress`): its working group must have
/// people of the local government and of NGOs (422 naming `working_group`).
/// The local government's admins.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The round's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The round, in progress", body = QualityRound, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/quality/rounds/{id}/start")]
pub async fn start_quality_round(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(&state, caller, id, if_match, RoundTransition::Start, None).await
}

/// Completes a round (`in_progress` → `completed`; locked, and public): 422
/// while any indicator has no agreed answer, naming each as
/// `indicators.<code>`. The local government's admins.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The round's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The completed round", body = QualityRound, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/quality/rounds/{id}/complete")]
pub async fn complete_quality_round(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    transition(
        &state,
        caller,
        id,
        if_match,
        RoundTransition::Complete,
        None,
    )
    .await
}

/// Cancels a draft or a round in progress, with the reason (final). The
/// local government's admins.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The round's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = CancelQualityRound,
    responses(
        (status = 200, description = "The cancelled round", body = QualityRound, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/quality/rounds/{id}/cancel")]
pub async fn cancel_quality_round(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<CancelQualityRound>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.into_inner().reason;
    transition(
        &state,
        caller,
        id,
        if_match,
        RoundTransition::Cancel,
        Some(reason),
    )
    .await
}
