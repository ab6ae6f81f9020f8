//! The application endpoints: applying without an account, the applicant's
//! own reading and withdrawal with the management token, and the staff's
//! reading of a call's applications.

use actix_web::http::header::EntityTag;
use actix_web::{FromRequest, HttpRequest, HttpResponse, get, post, web};
use diesel::prelude::*;

use super::handlers::check_seen;
use super::model::{
    Application, ApplicationFilter, ApplicationPage, ApplicationReceipt, ApplicationRow, Apply,
    CallRow,
};
use super::{places, store};
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::record::{self, Record};
use crate::db::schema::applications as ap;
use crate::db::{DbConn, now};
use crate::error::{ApiError, ProblemCode, responses};
use crate::http::conditional::{created, json_with_etag, saved};
use crate::http::export::{CsvDocument, ExportFormat, ExportParams, csv_attachment};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

/// The header that carries an application's management token.
pub const TOKEN_HEADER: &str = "Application-Token";

/// The management token, as the applicant sends it.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct ApplicationToken {
    /// The `management_token` returned when the application was sent.
    #[param(rename = "Application-Token", min_length = 1, max_length = 100)]
    pub application_token: String,
}

impl FromRequest for ApplicationToken {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let token = req
            .headers()
            .get(TOKEN_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|t| !t.is_empty());
        std::future::ready(match token {
            Some(t) if t.len() <= 100 => Ok(Self {
                application_token: t.to_owned(),
            }),
            Some(_) => Err(ApiError::invalid_parameter(
                TOKEN_HEADER,
                "too_long",
                "must be at most 100 characters",
            )),
            None => Err(ApiError::new(
                ProblemCode::Unauthorized,
                "Send the application's management token in the `Application-Token` header.",
            )),
        })
    }
}

/// The application's tag: its version, and its waitlist position, which
/// changes without one.
fn application_tag(row: &ApplicationRow, position: Option<i64>) -> EntityTag {
    match position {
        Some(p) => EntityTag::new_strong(format!("{}.v{}.w{p}", row.id, row.version)),
        None => row.etag(),
    }
}

pub(super) fn shown(
    conn: &mut DbConn,
    row: ApplicationRow,
) -> Result<(EntityTag, Application), ApiError> {
    let position = store::waitlist_position(conn, &row)?;
    Ok((
        application_tag(&row, position),
        Application::new(row, position)?,
    ))
}

/// Applies to an open call — no account needed. The answer holds the
/// application, decided at once under `first_come` (`accepted` while the
/// category has places, else `waitlisted`), and the management token, shown
/// this once. 409 when the call takes no applications now, or this email has
/// applied already; 422 naming the field, question (`answers.<code>`) or
/// consent at fault, or `not_eligible` naming each failed rule.
#[utoipa::path(
    tag = "recruitment",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The call's id")),
    request_body = Apply,
    responses(
        (status = 201, description = "The application and its management token", body = ApplicationReceipt,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[post("/calls/{id}/applications")]
pub async fn apply(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
    body: ApiJson<Apply>,
) -> Result<HttpResponse, ApiError> {
    crate::http::rate_limit::public(&state, &req).await?;
    let id = id.into_inner();
    let form = body.into_inner();
    let (tag, receipt) = state
        .db
        .write(move |conn| {
            let call: CallRow = record::locked(conn, &id)?;
            if call.is_draft() {
                return Err(ApiError::not_found(format!("No call has the id `{id}`.")));
            }
            let (row, token) = store::apply(conn, &caller, &call, form, now())?;
            let (tag, application) = shown(conn, row)?;
            Ok((
                tag,
                ApplicationReceipt {
                    management_token: token,
                    application,
                },
            ))
        })
        .await?;
    let location = format!("/api/v1/applications/{}", receipt.application.id);
    Ok(created(location, tag, &receipt))
}

/// The applicant's own application, read with its management token: its
/// status and, while waitlisted, its place in line.
#[utoipa::path(
    tag = "recruitment",
    params(ApplicationToken, crate::http::conditional::IfNoneMatch),
    responses(
        (status = 200, description = "The application", body = Application, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[get("/my-application")]
pub async fn get_my_application(
    state: web::Data<AppState>,
    token: ApplicationToken,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    crate::http::rate_limit::public(&state, &req).await?;
    let (tag, application) = state
        .db
        .run(move |conn| {
            let row = store::by_token(conn, &token.application_token)?;
            shown(conn, row)
        })
        .await?;
    Ok(json_with_etag(&req, tag, &application))
}

/// Withdraws the applicant's own application, with its management token. A
/// place it frees goes at once to the first waitlisted applicant of the
/// category. 409 when it is already withdrawn or rejected.
#[utoipa::path(
    tag = "recruitment",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(ApplicationToken),
    responses(
        (status = 200, description = "The withdrawn application", body = Application, headers(("ETag" = String))),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[post("/my-application/withdraw")]
pub async fn withdraw_my_application(
    state: web::Data<AppState>,
    caller: Caller,
    token: ApplicationToken,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    change_mine(&state, caller, token, &req, store::withdraw).await
}

/// Confirms a place offered to the applicant (`offered` → `accepted`), with
/// the management token, before `offer_expires_at`; after it the offer has
/// lapsed and the place gone to the next in line (409).
#[utoipa::path(
    tag = "recruitment",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(ApplicationToken),
    responses(
        (status = 200, description = "The accepted application", body = Application, headers(("ETag" = String))),
        (status = 400, response = responses::BadRequest),
        (status = 401, response = responses::Unauthorized),
        (status = 404, response = responses::NotFound),
        (status = 409, response = responses::Conflict),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[post("/my-application/confirm")]
pub async fn confirm_my_application(
    state: web::Data<AppState>,
    caller: Caller,
    token: ApplicationToken,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    change_mine(&state, caller, token, &req, places::confirm).await
}

/// What the applicant does with their application: `(conn, caller, call id,
/// application id)`, with the call locked by it.
type Act = fn(&mut DbConn, &Caller, &str, &str) -> Result<ApplicationRow, ApiError>;

/// A change the applicant makes with the management token: counted against
/// the rate limit; the call's offers past their time lapse for good first
/// (their places moving on), so that a refused change does not roll that back;
/// then `act`, in its own write transaction.
async fn change_mine(
    state: &AppState,
    caller: Caller,
    token: ApplicationToken,
    req: &HttpRequest,
    act: Act,
) -> Result<HttpResponse, ApiError> {
    crate::http::rate_limit::public(state, req).await?;
    let (presented, sweeper) = (token.application_token.clone(), caller.clone());
    state
        .db
        .write(move |conn| {
            let found = store::by_token(conn, &presented)?;
            places::expire_offers(conn, &sweeper, &found.call_id)
        })
        .await?;
    let (tag, application) = state
        .db
        .write(move |conn| {
            let found = store::by_token(conn, &token.application_token)?;
            let row = act(conn, &caller, &found.call_id, &found.id)?;
            shown(conn, row)
        })
        .await?;
    Ok(saved(tag, &application))
}

/// 403 unless the caller manages the call's project or reviews the call; 404
/// for a draft it may not see.
fn may_read(conn: &mut DbConn, caller: &Caller, call_id: &str) -> Result<(), ApiError> {
    let call: CallRow = record::find(conn, call_id)?;
    check_seen(&caller.actor, &call)?;
    let project_id = call.project_id.as_str();
    let reviewer = super::review::reviews(&caller.actor, &call)?;
    authorize(
        &caller.actor,
        Permission::ReadApplications {
            project_id,
            reviewer,
        },
    )
}

/// Lists a call's applications in order of arrival (by id), with the
/// applicants' personal data. Admins, the project's coordinators and the
/// call's reviewers.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The call's id"),
        ListParams,
        ApplicationFilter,
    ),
    responses(
        (status = 200, description = "A page of applications", body = ApplicationPage),
    )
)]
#[get("/calls/{id}/applications")]
pub async fn list_applications(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<ApplicationFilter>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    if let Some(c) = &filter.category {
        super::form::code_param("category", c)?;
    }
    let id = id.into_inner();
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            may_read(conn, &caller, &id)?;
            let mut q = keyset_page!(ap::table.select(ApplicationRow::as_select()), ap, request);
            q = q.filter(ap::call_id.eq(&id));
            if let Some(s) = filter.status {
                q = q.filter(ap::status.eq(s.as_str()));
            }
            if let Some(c) = filter.category {
                q = q.filter(ap::category.eq(c));
            }
            let rows = q.load::<ApplicationRow>(conn)?;
            rows.into_iter()
                .map(|r| {
                    let position = store::waitlist_position(conn, &r)?;
                    Ok((r, position))
                })
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    let page = Page::from_rows(rows, &page, |(r, _)| r.id.clone())
        .try_map(|(r, position)| Application::new(r, position))?;
    Ok(HttpResponse::Ok().json(page))
}

/// Reads an application, with the applicant's personal data. Admins, the
/// project's coordinators and the call's reviewers.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The application's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The application", body = Application, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/applications/{id}")]
pub async fn get_application(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let (tag, application) = state
        .db
        .run(move |conn| {
            let row: ApplicationRow = record::find(conn, &id)?;
            may_read(conn, &caller, &row.call_id)?;
            shown(conn, row)
        })
        .await?;
    Ok(json_with_etag(&req, tag, &application))
}

/// Every application of a call, in order of arrival.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ApplicationExport {
    #[schema(max_items = 1000000)]
    pub items: Vec<Application>,
}

/// Every application of the call with the applicant's data, in order of
/// arrival, as CSV (UTF-8; one column per question, multiple choices joined
/// by `; `) or as JSON (`items`). Admins, the project's coordinators and the
/// call's reviewers.
#[utoipa::path(
    tag = "recruitment",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The call's id"),
        ExportParams,
    ),
    responses(
        (status = 200, description = "The applications", content(
            (ApplicationExport = "application/json"),
            (CsvDocument = "text/csv"),
        )),
    )
)]
#[get("/calls/{id}/applications/export")]
pub async fn export_applications(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    params: ApiQuery<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let format = params.into_inner().format.unwrap_or(ExportFormat::Json);
    let id = id.into_inner();
    let (call, rows) = state
        .db
        .run(move |conn| {
            may_read(conn, &caller, &id)?;
            let call: CallRow = record::find(conn, &id)?;
            let rows: Vec<ApplicationRow> = ap::table
                .filter(ap::call_id.eq(&id))
                .order(ap::seq.asc())
                .select(ApplicationRow::as_select())
                .load(conn)?;
            Ok((call, rows))
        })
        .await?;
    let applications = with_positions(rows)?;
    match format {
        ExportFormat::Json => Ok(HttpResponse::Ok().json(ApplicationExport {
            items: applications,
        })),
        ExportFormat::Csv => {
            let questions: Vec<String> =
                call.question_list()?.into_iter().map(|q| q.code).collect();
            csv_attachment(
                &format!("applications-{}.csv", call.id),
                csv_rows(&questions, &applications),
            )
        }
    }
}

/// The applications (in order of arrival) with their waitlist positions: a
/// category's line in rank order once a review ranked it, else in order of
/// arrival (as [`store::waitlist_position`] counts).
fn with_positions(rows: Vec<ApplicationRow>) -> Result<Vec<Application>, ApiError> {
    let mut line: Vec<(&str, i32, i64, usize)> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == super::rules::ApplicationStatus::Waitlisted.as_str())
        .map(|(i, r)| (r.category.as_str(), r.rank.unwrap_or(0), r.seq, i))
        .collect();
    line.sort_unstable();
    let mut positions = vec![None; rows.len()];
    let mut previous = None;
    let mut n = 0;
    for (category, _, _, i) in line {
        n = if previous == Some(category) { n + 1 } else { 1 };
        previous = Some(category);
        positions[i] = Some(n);
    }
    rows.into_iter()
        .zip(positions)
        .map(|(r, position)| Application::new(r, position))
        .collect()
}

fn answer_text(value: Option<&serde_json::Value>) -> String {
    match value {
        None | Some(serde_json::Value::Null) => String::new(),
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join("; "),
        Some(other) => other.to_string(),
    }
}

fn csv_rows(questions: &[String], applications: &[Application]) -> Vec<Vec<String>> {
    let mut header: Vec<String> = [
        "id",
        "category",
        "status",
        "waitlist_position",
        "rank",
        "score",
        "name",
        "email",
        "phone",
        "organization_name",
        "organization_kind",
        "position",
        "territorial_unit_code",
        "consents",
        "created_at",
        "decided_at",
    ]
    .iter()
    .map(|h| (*h).to_owned())
    .collect();
    header.extend(questions.iter().map(|q| format!("answer:{q}")));
    let mut rows = vec![header];
    for a in applications {
        let mut row = vec![
            a.id.clone(),
            a.category.clone(),
            a.status.as_str().to_owned(),
            a.waitlist_position
                .map(|p| p.to_string())
                .unwrap_or_default(),
            a.rank.map(|r| r.to_string()).unwrap_or_default(),
            a.score.map(|s| s.to_string()).unwrap_or_default(),
            a.name.clone(),
            a.email.clone().unwrap_or_default(),
            a.phone.clone().unwrap_or_default(),
            a.organization_name.clone().unwrap_or_default(),
            a.organization_kind
                .map(|k| k.as_str().to_owned())
                .unwrap_or_default(),
            a.position.clone().unwrap_or_default(),
            a.territorial_unit_code.clone().unwrap_or_default(),
            a.consents
                .iter()
                .map(|c| c.code.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            instant(&a.created_at),
            a.decided_at.as_ref().map(instant).unwrap_or_default(),
        ];
        row.extend(questions.iter().map(|q| answer_text(a.answers.get(q))));
        rows.push(row);
    }
    rows
}

/// An instant as the API writes it.
fn instant(t: &crate::http::timestamp::Timestamp) -> String {
    t.0.format(crate::http::timestamp::FORMAT).to_string()
}
