//! Good practices: proposed by a project partner, accepted or rejected by the
//! project's coordinators, searched by text (case and diacritics ignored), tag,
//! plane and area. Accepted entries are visible to every reader; the others
//! only to the project's coordinators and the proposing organisation.

use actix_web::http::header::EntityTag;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    CreateGoodPractice, GoodPractice, GoodPracticeFilter, GoodPracticePage, GoodPracticeRow,
    RejectGoodPractice, UpdateGoodPractice,
};
use super::rules::{Review, ReviewStatus, normalize_tag};
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{
    GoodPracticeVisibility, Permission, authorize, good_practice_visibility, require_signed_in,
};
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::{good_practice_tags as gt, good_practices as gp};
use crate::error::{ApiError, FieldError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

/// 404, the same as for no row, unless `visibility` lets the caller see `row`.
fn check_seen(visibility: &GoodPracticeVisibility, row: &GoodPracticeRow) -> Result<(), ApiError> {
    if visibility.sees(&row.project_id, &row.organization_id, row.is_accepted()) {
        return Ok(());
    }
    Err(ApiError::not_found(format!(
        "No good practice has the id `{}`.",
        row.id
    )))
}

/// The entry as the API shows it, with its tags, and its `ETag`.
fn shown(conn: &mut DbConn, row: GoodPracticeRow) -> Result<(EntityTag, GoodPractice), ApiError> {
    let tags = store::tags_of_one(conn, &row.id)?;
    Ok((row.etag(), GoodPractice::new(row, tags)?))
}

/// 403 unless the caller may propose (and change) a good practice of
/// `organization` in `project`.
fn may_propose(
    conn: &mut DbConn,
    caller: &Caller,
    project: &str,
    organization: &str,
) -> Result<(), ApiError> {
    let organization_is_partner =
        crate::partnerships::is_project_partner(conn, project, organization)?;
    authorize(
        &caller.actor,
        Permission::ProposeGoodPractice {
            project_id: project,
            organization_id: organization,
            organization_is_partner,
        },
    )
}

/// Who may do what to an entry: decides with the database at hand (403).
type Allowed = fn(&mut DbConn, &Caller, &GoodPracticeRow) -> Result<(), ApiError>;

/// A change to an entry, in one write transaction: [`record::for_change`] —
/// lock and read it (404, also for one the caller may not see), `allowed`
/// (403), `If-Match` (412) — then `apply` (the store).
async fn change(
    state: &AppState,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    allowed: Allowed,
    apply: impl FnOnce(&mut DbConn, &Caller, GoodPracticeRow) -> Result<GoodPracticeRow, ApiError>
    + Send
    + 'static,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let visibility = good_practice_visibility(&caller.actor);
    let (tag, practice) = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |conn, row| {
                check_seen(&visibility, row)?;
                allowed(conn, &caller, row)
            })?;
            let row = apply(conn, &caller, current)?;
            shown(conn, row)
        })
        .await?;
    Ok(saved(tag, &practice))
}

/// The project's coordinators, and the organisation's admins and members
/// while it is a partner in the project.
fn may_change(conn: &mut DbConn, caller: &Caller, row: &GoodPracticeRow) -> Result<(), ApiError> {
    may_propose(conn, caller, &row.project_id, &row.organization_id)
}

/// The project's coordinators.
fn may_review(_: &mut DbConn, caller: &Caller, row: &GoodPracticeRow) -> Result<(), ApiError> {
    let project_id = &row.project_id;
    authorize(&caller.actor, Permission::ReviewGoodPractice { project_id })
}

/// Searches the compendium, by id. Everyone signed in sees the accepted
/// entries; the others are seen by the project's coordinators and the
/// proposing organisation.
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, GoodPracticeFilter),
    responses(
        (status = 200, description = "A page of good practices", body = GoodPracticePage),
    )
)]
#[get("/good-practices")]
pub async fn list_good_practices(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<GoodPracticeFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("good_practices"))?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    filter.check()?;
    let visibility = good_practice_visibility(&caller.actor);
    let request = page.clone();
    let (rows, mut tags) = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(gp::table.select(GoodPracticeRow::as_select()), gp, request);
            if let GoodPracticeVisibility::AcceptedAnd {
                projects,
                organizations,
            } = visibility
            {
                q = q.filter(
                    gp::status
                        .eq(ReviewStatus::Accepted.as_str())
                        .or(gp::project_id.eq_any(projects))
                        .or(gp::organization_id.eq_any(organizations)),
                );
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                let pattern = crate::db::contains_pattern(text.trim());
                q = q.filter(gp::search_text.like(pattern).escape('\\'));
            }
            if let Some(s) = filter.status {
                q = q.filter(gp::status.eq(s.as_str()));
            }
            if let Some(p) = filter.plane {
                q = q.filter(gp::plane.eq(p));
            }
            if let Some(a) = filter.area {
                q = q.filter(gp::area.eq(a.as_str()));
            }
            if let Some(t) = filter.tag {
                let tagged = gt::table
                    .filter(gt::tag.eq(normalize_tag(&t)))
                    .select(gt::good_practice_id);
                q = q.filter(gp::id.eq_any(tagged));
            }
            if let Some(p) = filter.project_id {
                q = q.filter(gp::project_id.eq(p.into_inner()));
            }
            if let Some(o) = filter.organization_id {
                q = q.filter(gp::organization_id.eq(o.into_inner()));
            }
            let rows = q.load::<GoodPracticeRow>(conn)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            Ok((rows, store::tags_of(conn, &ids)?))
        })
        .await?;
    let page = Page::of_records(rows, &page, |r| {
        let t = tags.remove(&r.id).unwrap_or_default();
        GoodPractice::new(r, t)
    })?;
    Ok(HttpResponse::Ok().json(page))
}

/// Proposes a good practice of an organisation. The project's coordinators (for
/// any organisation), and the admins and members of an organisation that is a
/// current partner in the project (for their own).
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateGoodPractice,
    responses(
        (status = 201, description = "The proposal", body = GoodPractice, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/good-practices")]
pub async fn create_good_practice(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateGoodPractice>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let form = body.into_inner();
    let (tag, practice) = state
        .db
        .write(move |conn| {
            store::check_references(conn, &form)?;
            may_propose(conn, &caller, &form.project_id, &form.organization_id)?;
            let row = store::insert(conn, &caller, form)?;
            shown(conn, row)
        })
        .await?;
    let location = format!("/api/v1/good-practices/{}", practice.id);
    Ok(created(location, tag, &practice))
}

/// Reads a good practice (404 for one the caller may not see).
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The good practice's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The good practice", body = GoodPractice, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/good-practices/{id}")]
pub async fn get_good_practice(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("good_practices"))?;
    let id = id.into_inner();
    let visibility = good_practice_visibility(&caller.actor);
    let (tag, practice) = state
        .db
        .run(move |conn| {
            let row = record::find(conn, &id)?;
            check_seen(&visibility, &row)?;
            shown(conn, row)
        })
        .await?;
    Ok(json_with_etag(&req, tag, &practice))
}

/// Changes a proposal (only while `proposed`). The project's coordinators and
/// the proposing organisation's admins and members.
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The good practice's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateGoodPractice,
    responses(
        (status = 200, description = "The good practice", body = GoodPractice, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/good-practices/{id}")]
pub async fn update_good_practice(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateGoodPractice>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner();
    change(
        &state,
        caller,
        id,
        if_match,
        may_change,
        |conn, caller, current| store::update(conn, caller, current, changes),
    )
    .await
}

/// Reviews the entry `id` (`accept`, or `reject` with a `note`).
async fn review(
    state: &AppState,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    review: Review,
    note: Option<String>,
) -> Result<HttpResponse, ApiError> {
    change(
        state,
        caller,
        id,
        if_match,
        may_review,
        move |conn, caller, current| store::review(conn, caller, current, review, note),
    )
    .await
}

/// Accepts a proposed good practice into the compendium (`proposed` →
/// `accepted`). The project's coordinators.
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The good practice's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The good practice", body = GoodPractice, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/good-practices/{id}/accept")]
pub async fn accept_good_practice(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    review(&state, caller, id, if_match, Review::Accept, None).await
}

/// Rejects a proposed good practice (`proposed` → `rejected`); a reason is
/// required. The project's coordinators.
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The good practice's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = RejectGoodPractice,
    responses(
        (status = 200, description = "The good practice", body = GoodPractice, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/good-practices/{id}/reject")]
pub async fn reject_good_practice(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<RejectGoodPractice>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.into_inner().reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "a rejection needs a reason",
        )]));
    }
    review(&state, caller, id, if_match, Review::Reject, Some(reason)).await
}
