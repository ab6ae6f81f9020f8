//! The consultation endpoints: list, create, read, change, and the life
//! `draft` → `announced` → `open` → `closed` → `report_published` |
//! `cancelled`. Documents are in [`super::documents`], submissions in
//! [`super::submissions`], the report in [`super::report`].

use actix_web::http::header::EntityTag;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    CancelConsultation, Consultation, ConsultationFilter, ConsultationPage, ConsultationRow,
    CreateConsultation, UpdateConsultation,
};
use super::rules::{ConsultationStatus, ConsultationTransition, MinimumPeriods};
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{Permission, allows, authorize};
use crate::auth::{Actor, Role};
use crate::db::DbConn;
use crate::db::record;
use crate::db::schema::consultations as co;
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::http::text_param;
use crate::keyset_page;
use crate::state::AppState;

/// Whether `actor` runs consultations of `organization_id`.
pub fn manages(actor: &Actor, organization_id: &str) -> bool {
    allows(actor, Permission::ManageConsultation { organization_id })
}

/// Consultation `id` as `caller` may read it: any once announced; a draft
/// (or one cancelled as a draft) only those who run it see (404 to anybody
/// else, who learns nothing of it).
pub fn readable(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<ConsultationRow, ApiError> {
    let row: ConsultationRow = record::find(conn, id)?;
    if row.is_public() || manages(&caller.actor, &row.initiating_organization_id) {
        Ok(row)
    } else {
        Err(ApiError::not_found(format!(
            "No consultation has the id `{id}`."
        )))
    }
}

/// The tag of a consultation: its version and its status now, which the
/// clock changes without a new version.
pub fn consultation_tag(row: &ConsultationRow, status: ConsultationStatus) -> EntityTag {
    EntityTag::new_strong(format!("{}.v{}.{}", row.id, row.version, status))
}

/// The consultation as the API shows it now, with its tag.
pub fn shown(
    conn: &mut DbConn,
    periods: &MinimumPeriods,
    row: ConsultationRow,
) -> Result<(EntityTag, Consultation), ApiError> {
    let now = crate::db::now();
    let minimum = store::minimum_days(conn, periods, row.kind()?, &row.initiating_organization_id)?;
    let shown = Consultation::new(row.clone(), now, minimum)?;
    Ok((consultation_tag(&row, shown.status), shown))
}

/// The organisations whose drafts `actor` sees (`None`: all, an admin).
fn draft_readers(actor: &Actor) -> Option<Vec<String>> {
    match actor {
        Actor::User(u) if u.roles.contains(&Role::Admin) => None,
        Actor::User(u) => Some(
            u.roles
                .iter()
                .filter_map(|r| match r {
                    Role::OrgAdmin { organization_id } => Some(organization_id.clone()),
                    _ => None,
                })
                .collect(),
        ),
        Actor::Client(_) | Actor::Anonymous => Some(Vec::new()),
    }
}

/// Lists consultations, by id: anybody sees every one announced, and the
/// drafts of the organisations whose admins they are. `status` is the
/// status now, by the server's clock.
#[utoipa::path(
    tag = "consultations",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(ListParams, ConsultationFilter),
    responses((status = 200, description = "A page of consultations", body = ConsultationPage))
)]
#[get("/consultations")]
pub async fn list_consultations(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<ConsultationFilter>,
) -> Result<HttpResponse, ApiError> {
    let page = list.0.page()?;
    let filter = filter.into_inner();
    if let Some(q) = &filter.q {
        text_param("q", q, 200)?;
    }
    let request = page.clone();
    let drafts = draft_readers(&caller.actor);
    let periods = state.consultation_periods;
    let page = state
        .db
        .run(move |conn| {
            use ConsultationStatus::*;
            let now = crate::db::now();
            // `updated_since` also finds the consultations the clock opened
            // or closed since: their answer changed without a write.
            let mut keyset = request.clone();
            let since = keyset.updated_since.take();
            let mut q = keyset_page!(co::table.select(ConsultationRow::as_select()), co, keyset);
            let running = [Announced.as_str(), Open.as_str()];
            if let Some(since) = since {
                let opened = co::opens_at.ge(since).and(co::opens_at.le(now));
                let closed = co::closes_at.ge(since).and(co::closes_at.le(now));
                q = q.filter(
                    co::updated_at
                        .ge(since)
                        .or(co::status.eq_any(running).and(opened.or(closed))),
                );
            }
            if let Some(orgs) = drafts {
                q = q.filter(
                    co::announced_at
                        .is_not_null()
                        .or(co::initiating_organization_id.eq_any(orgs)),
                );
            }
            q = match filter.status {
                None => q,
                Some(Announced) => q
                    .filter(co::status.eq(Announced.as_str()))
                    .filter(co::opens_at.gt(now).or(co::opens_at.is_null())),
                Some(Open) => q
                    .filter(co::status.eq_any(running))
                    .filter(co::opens_at.le(now))
                    .filter(co::closes_at.gt(now)),
                Some(Closed) => q.filter(
                    co::status
                        .eq(Closed.as_str())
                        .or(co::status.eq_any(running).and(co::closes_at.le(now))),
                ),
                Some(other) => q.filter(co::status.eq(other.as_str())),
            };
            if let Some(kind) = filter.kind {
                q = q.filter(co::kind.eq(kind.as_str()));
            }
            if let Some(org) = filter.initiating_organization_id {
                q = q.filter(co::initiating_organization_id.eq(org.into_inner()));
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                let pattern = crate::db::contains_pattern(text.trim());
                q = q.filter(co::subject_search.like(pattern).escape('\\'));
            }
            let rows = q.load::<ConsultationRow>(conn)?;
            Page::of_records(rows, &request, |row| Ok(shown(conn, &periods, row)?.1))
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Creates a consultation as a `draft`. Admins and the initiating
/// organisation's admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateConsultation,
    responses(
        (status = 201, description = "The consultation", body = Consultation, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/consultations")]
pub async fn create_consultation(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateConsultation>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    authorize(
        &caller.actor,
        Permission::ManageConsultation {
            organization_id: &form.initiating_organization_id,
        },
    )?;
    let periods = state.consultation_periods;
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let row = store::insert(conn, &caller, form)?;
            shown(conn, &periods, row)
        })
        .await?;
    let location = format!("/api/v1/consultations/{}", shown.id);
    Ok(created(location, tag, &shown))
}

/// Reads a consultation. Anybody, once it is announced; a draft, those who
/// run it.
#[utoipa::path(
    tag = "consultations",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The consultation", body = Consultation, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/consultations/{id}")]
pub async fn get_consultation(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let periods = state.consultation_periods;
    let (tag, shown) = state
        .db
        .run(move |conn| {
            let row = readable(conn, &caller, &id)?;
            shown(conn, &periods, row)
        })
        .await?;
    Ok(json_with_etag(&req, tag, &shown))
}

/// Locks consultation `id` for a change by its organisation's admins: 404,
/// 403, then `If-Match` (412) against its tag now.
pub fn for_change(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    if_match: &IfMatch,
) -> Result<ConsultationRow, ApiError> {
    let row: ConsultationRow = record::locked(conn, id)?;
    if !row.is_public() && !manages(&caller.actor, &row.initiating_organization_id) {
        // A draft is its organisation's own: to others it does not exist.
        return Err(ApiError::not_found(format!(
            "No consultation has the id `{id}`."
        )));
    }
    authorize(
        &caller.actor,
        Permission::ManageConsultation {
            organization_id: &row.initiating_organization_id,
        },
    )?;
    let status = row.status_at(crate::db::now())?;
    if_match.check_version(&row, &consultation_tag(&row, status))?;
    Ok(row)
}

/// Changes a consultation. A draft or an announced one takes every field
/// (an announced one keeps the minimum comment period); an open one only a
/// later `closes_at` and `report_due_at`; a closed one only `report_due_at`.
/// The initiating organisation's admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateConsultation,
    responses(
        (status = 200, description = "The consultation", body = Consultation, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/consultations/{id}")]
pub async fn update_consultation(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateConsultation>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let periods = state.consultation_periods;
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let current = for_change(conn, &caller, &id, &if_match)?;
            let row = store::update(conn, &caller, current, changes, &periods, crate::db::now())?;
            shown(conn, &periods, row)
        })
        .await?;
    Ok(saved(tag, &shown))
}

async fn transition(
    state: &AppState,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    t: ConsultationTransition,
    cancel: Option<CancelConsultation>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let periods = state.consultation_periods;
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let current = for_change(conn, &caller, &id, &if_match)?;
            let row = store::transition(
                conn,
                &caller,
                current,
                t,
                &periods,
                crate::db::now(),
                cancel,
            )?;
            shown(conn, &periods, row)
        })
        .await?;
    Ok(saved(tag, &shown))
}

/// Announces a draft (`draft` → `announced`): it becomes public, and opens
/// by itself at `opens_at` (at once if that has passed). 422 naming each
/// unmet condition: the document's first version, `opens_at`, `closes_at`
/// in the future and at least the minimum comment period after the opening.
/// The initiating organisation's admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The announced consultation", body = Consultation, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/consultations/{id}/announce")]
pub async fn announce_consultation(
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
        ConsultationTransition::Announce,
        None,
    )
    .await
}

/// Opens an announced consultation now, before its `opens_at` (`announced`
/// → `open`); 422 when `closes_at` is less than the minimum comment period
/// away. The initiating organisation's admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The open consultation", body = Consultation, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/consultations/{id}/open")]
pub async fn open_consultation(
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
        ConsultationTransition::Open,
        None,
    )
    .await
}

/// Closes an open consultation now, before its `closes_at` (`open` →
/// `closed`); 422 while it has been open less than the minimum comment
/// period. It closes by itself at `closes_at`. The initiating
/// organisation's admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The closed consultation", body = Consultation, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/consultations/{id}/close")]
pub async fn close_consultation(
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
        ConsultationTransition::Close,
        None,
    )
    .await
}

/// Publishes the report of a closed consultation (`closed` →
/// `report_published`; final): the report becomes public. 422 while any
/// submission has no response — the problem says how many, and `errors`
/// names them (`submissions.<id>`). The initiating organisation's admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The consultation with its report published", body = Consultation, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/consultations/{id}/publish-report")]
pub async fn publish_report(
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
        ConsultationTransition::PublishReport,
        None,
    )
    .await
}

/// Cancels a consultation before it closes (`draft`, `announced` or `open`
/// → `cancelled`; final), with the reason. The initiating organisation's
/// admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = CancelConsultation,
    responses(
        (status = 200, description = "The cancelled consultation", body = Consultation, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/consultations/{id}/cancel")]
pub async fn cancel_consultation(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<CancelConsultation>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    transition(
        &state,
        caller,
        id,
        if_match,
        ConsultationTransition::Cancel,
        Some(form),
    )
    .await
}
