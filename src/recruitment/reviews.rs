//! The review endpoints of a call selecting by `review`: naming its
//! reviewers, a reviewer's scores of an application, and the coordinators'
//! view of every review. Finalising the call ranks the applications
//! ([`super::review::rank_applications`]).

use actix_web::{HttpRequest, HttpResponse, get, put, web};

use super::handlers::{change, check_seen};
use super::model::{ApplicationRow, Call, CallRow};
use super::review::{self, Review, ReviewForm, ReviewList, ReviewRow, SetReviewers};
use crate::audit::Caller;
use crate::auth::Actor;
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::error::{ApiError, ProblemCode, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::ApiJson;
use crate::http::ids::PathId;
use crate::state::AppState;

/// Names the reviewers of a call selecting by review: users holding the
/// `reviewer` role, who then read and score its applications. Until the call
/// is finalised or cancelled. Admins and the project's coordinators.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The call's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = SetReviewers,
    responses(
        (status = 200, description = "The call", body = Call, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[put("/calls/{id}/reviewers")]
pub async fn set_reviewers(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<SetReviewers>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    change(&state, caller, id, if_match, |conn, caller, current| {
        review::set_reviewers(conn, caller, current, form)
    })
    .await
}

/// The application `id` and its call, after checking that the caller may see
/// the call and, with `permission`, act on it.
fn application_for(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    lock: bool,
    permission: impl FnOnce(&CallRow, bool) -> Permission<'_>,
) -> Result<(CallRow, ApplicationRow), ApiError> {
    let found: ApplicationRow = record::find(conn, id)?;
    let call: CallRow = if lock {
        record::locked(conn, &found.call_id)?
    } else {
        record::find(conn, &found.call_id)?
    };
    check_seen(&caller.actor, &call)?;
    let reviewer = review::reviews(&caller.actor, &call)?;
    authorize(&caller.actor, permission(&call, reviewer))?;
    let application = if lock {
        record::locked(conn, id)?
    } else {
        found
    };
    Ok((call, application))
}

fn user_id(actor: &Actor) -> Result<String, ApiError> {
    match actor {
        Actor::User(u) => Ok(u.id.clone()),
        _ => Err(ApiError::new(
            ProblemCode::Forbidden,
            "Applications are reviewed by users.",
        )),
    }
}

/// Records the caller's scores of an application, replacing their earlier
/// ones: every criterion of the call from 0 to its `max_points` (422 naming
/// `scores.<code>`), and a note. While the call is open or closed and the
/// application `submitted` (409 otherwise). The call's reviewers.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The application's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = ReviewForm,
    responses(
        (status = 200, description = "The review, replacing the caller's earlier one", body = Review,
            headers(("ETag" = String))),
        (status = 201, description = "The caller's first review of the application", body = Review,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[put("/applications/{id}/review")]
pub async fn put_review(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<ReviewForm>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let form = body.into_inner();
    let id = id.into_inner();
    let (new, row, view) = state
        .db
        .write(move |conn| {
            let (call, application) = application_for(conn, &caller, &id, true, |_, reviewer| {
                Permission::ReviewApplications { reviewer }
            })?;
            let reviewer = user_id(&caller.actor)?;
            let (row, new) = review::put_review(
                conn,
                &caller,
                &call,
                &application,
                &reviewer,
                form,
                |existing| match existing {
                    Some(r) => if_match.check(r),
                    None if if_match.if_match.is_some() => Err(ApiError::new(
                        ProblemCode::PreconditionFailed,
                        "You have not reviewed this application yet, so no tag can match.",
                    )),
                    None => Ok(()),
                },
            )?;
            let view = Review::new(row.clone(), &call)?;
            Ok((new, row, view))
        })
        .await?;
    if new {
        let location = format!("/api/v1/applications/{}/review", view.application_id);
        Ok(created(location, row.etag(), &view))
    } else {
        Ok(saved(row.etag(), &view))
    }
}

/// Reads the caller's own review of an application (404 before they made
/// one). The call's reviewers.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The application's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The caller's review", body = Review, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/applications/{id}/review")]
pub async fn get_my_review(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let (row, view): (ReviewRow, Review) = state
        .db
        .run(move |conn| {
            let (call, application) = application_for(conn, &caller, &id, false, |_, reviewer| {
                Permission::ReviewApplications { reviewer }
            })?;
            let row = review::review_of(conn, application.id(), &user_id(&caller.actor)?)?
                .ok_or_else(|| ApiError::not_found("You have not reviewed this application."))?;
            let view = Review::new(row.clone(), &call)?;
            Ok((row, view))
        })
        .await?;
    Ok(json_with_etag(&req, row.etag(), &view))
}

/// Every review of an application, with their mean as a percentage — what
/// finalising the call ranks by. Admins and the project's coordinators.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The application's id")),
    responses(
        (status = 200, description = "The reviews", body = ReviewList),
    )
)]
#[get("/applications/{id}/reviews")]
pub async fn list_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let list = state
        .db
        .run(move |conn| {
            let (call, application) = application_for(conn, &caller, &id, false, |call, _| {
                Permission::ManageCalls {
                    project_id: &call.project_id,
                }
            })?;
            ReviewList::new(review::reviews_of(conn, application.id())?, &call)
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}
