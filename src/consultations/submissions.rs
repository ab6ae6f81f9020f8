//! Submissions — comments on a consultation's document, on behalf of an
//! organisation (by a signed-in member) or of an individual (name and email,
//! no account) — accepted only while the consultation is open by the
//! server's clock, and the initiator's response to each.

use actix_web::{HttpRequest, HttpResponse, get, post, put, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::documents::{VersionRow, version};
use super::handlers::{manages, readable};
use super::model::{
    ConsultationRow, ConsultationSubmission, ConsultationSubmissionPage,
    CreateConsultationSubmission, RespondToSubmission, SubmissionFilter, SubmissionRow,
};
use super::rules::{
    ConsultationForm, ConsultationStatus, SubmitterKind, check_response, submitter_kind,
};
use crate::audit::{self, Caller, Change};
use crate::auth::Actor;
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::{
    consultation_sections as sc, consultation_submissions as cs, consultation_versions as cv,
};
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::http::transition::guard;
use crate::keyset_page;
use crate::state::AppState;

/// 409 unless `consultation` takes submissions of `kind` at `now`: open,
/// with `written_comments` among its forms (`body_opinion` for a body's
/// collective opinion).
fn taking_comments(
    consultation: &ConsultationRow,
    kind: SubmitterKind,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let status = consultation.status_at(now)?;
    if status != ConsultationStatus::Open {
        let opens = match (status, consultation.opens_at) {
            (ConsultationStatus::Announced, Some(o)) => format!(
                " and opens at {}",
                o.and_utc().format(crate::http::timestamp::FORMAT)
            ),
            _ => String::new(),
        };
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!("The consultation takes no submissions now: it is {status}{opens}."),
        ));
    }
    let (form, what) = match kind {
        SubmitterKind::Body => (ConsultationForm::BodyOpinion, "bodies' opinions"),
        SubmitterKind::Organization | SubmitterKind::Individual => {
            (ConsultationForm::WrittenComments, "written comments")
        }
    };
    if !consultation.form_list()?.contains(&form) {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!("This consultation does not take {what} (see its forms)."),
        ));
    }
    Ok(())
}

/// 422 naming `section_id` unless `section` is a section of `latest`.
fn check_section(conn: &mut DbConn, latest: &VersionRow, section: &str) -> Result<(), ApiError> {
    let found: i64 = sc::table
        .filter(sc::version_id.eq(&latest.id))
        .filter(sc::section_id.eq(section))
        .count()
        .get_result(conn)?;
    if found == 0 {
        return Err(ApiError::validation(vec![FieldError::new(
            "section_id",
            "not_found",
            format!(
                "is not a section of the document's version {}",
                latest.number
            ),
        )]));
    }
    Ok(())
}

/// Records `form` on `consultation` (locked by the caller) at `now`: 409
/// unless it takes such submissions now; 422 naming the field at fault.
/// Whether the caller may speak for the organisation or the body it names
/// is the handler's to check.
pub fn submit(
    conn: &mut DbConn,
    caller: &Caller,
    consultation: &ConsultationRow,
    mut form: CreateConsultationSubmission,
    now: NaiveDateTime,
) -> Result<SubmissionRow, ApiError> {
    let kind = submitter_kind(
        form.organization_id.is_some(),
        form.body_id.is_some(),
        form.name.is_some(),
        form.email.is_some(),
    )
    .map_err(ApiError::validation)?;
    taking_comments(consultation, kind, now)?;
    if let Some(org) = &form.organization_id {
        crate::db::references::ensure_organization(conn, org, "organization_id")?;
    }
    let latest = version(conn, &consultation.id, consultation.document_version)?;
    if let Some(section) = &form.section_id {
        check_section(conn, &latest, section)?;
    }
    form.name = form.name.map(|n| n.trim().to_owned());
    form.email = form.email.map(|e| e.trim().to_owned());
    let submitted_by = match &caller.actor {
        Actor::User(u) => Some(u.id.clone()),
        Actor::Client(_) | Actor::Anonymous => None,
    };
    let id = crate::db::new_id();
    diesel::insert_into(cs::table)
        .values((
            cs::id.eq(&id),
            cs::consultation_id.eq(&consultation.id),
            cs::version_id.eq(&latest.id),
            cs::section_id.eq(&form.section_id),
            cs::submitter_kind.eq(kind.as_str()),
            cs::organization_id.eq(&form.organization_id),
            cs::body_id.eq(&form.body_id),
            cs::submitted_by.eq(&submitted_by),
            cs::individual_name.eq(&form.name),
            cs::individual_email.eq(&form.email),
            cs::proposed_wording.eq(&form.proposed_wording),
            cs::justification.eq(form.justification.trim()),
            cs::created_at.eq(now),
            cs::updated_at.eq(now),
            cs::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("consultation_submission", &id, "create")
        .form(&form, &["name", "email"])
        .value("consultation_id", &consultation.id)
        .value("submitter_kind", kind);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Records the response to `current` (read with [`record::for_change`]) of
/// `consultation`: while it is open or closed, not once its report is
/// published. 422 for a rejection without its justification.
pub fn respond(
    conn: &mut DbConn,
    caller: &Caller,
    consultation: &ConsultationRow,
    current: SubmissionRow,
    form: RespondToSubmission,
    now: NaiveDateTime,
) -> Result<SubmissionRow, ApiError> {
    let status = consultation.status_at(now)?;
    if !matches!(
        status,
        ConsultationStatus::Open | ConsultationStatus::Closed
    ) {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!(
                "Submissions are answered while the consultation is open or closed; it is {status}."
            ),
        ));
    }
    guard(check_response(form.status, form.justification.as_deref()))?;
    let justification = form.justification.as_deref().map(str::trim);
    diesel::update(cs::table.find(current.id()))
        .set((
            cs::response_status.eq(form.status.as_str()),
            cs::response_justification.eq(justification),
            cs::responded_at.eq(now),
            cs::updated_at.eq(now),
            cs::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("consultation_submission", current.id(), "respond")
        .value("response_status", form.status)
        .value("response_justification", justification);
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// The number of each version id among `rows`.
fn version_numbers(
    conn: &mut DbConn,
    rows: &[SubmissionRow],
) -> Result<std::collections::HashMap<String, i32>, ApiError> {
    let ids: Vec<&str> = rows.iter().map(|r| r.version_id.as_str()).collect();
    Ok(cv::table
        .filter(cv::id.eq_any(ids))
        .select((cv::id, cv::number))
        .load::<(String, i32)>(conn)?
        .into_iter()
        .collect())
}

fn shown_one(conn: &mut DbConn, row: SubmissionRow) -> Result<ConsultationSubmission, ApiError> {
    let number = version_numbers(conn, std::slice::from_ref(&row))?
        .get(&row.version_id)
        .copied()
        .unwrap_or(0);
    ConsultationSubmission::new(row, number)
}

/// Comments on an open consultation's document — on a section
/// (`section_id`, of the latest version) or the whole of it — on behalf of
/// an organisation (`organization_id`: a signed-in member of it), of a
/// participation body (`body_id`: its collective opinion, filed by a
/// signed-in member of the body's secretariat organisation, where the
/// consultation takes `body_opinion`) or of an individual (`name` and
/// `email`: no account needed; counted against the public rate limit). 409
/// when the consultation takes no such submissions now (by the server's
/// clock).
#[utoipa::path(
    tag = "consultations",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The consultation's id")),
    request_body = CreateConsultationSubmission,
    responses(
        (status = 201, description = "The submission", body = ConsultationSubmission, headers(("Location" = String), ("ETag" = String))),
        (status = 403, response = responses::Forbidden),
        (status = 409, response = responses::Conflict),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[post("/consultations/{id}/submissions")]
pub async fn create_submission(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
    body: ApiJson<CreateConsultationSubmission>,
) -> Result<HttpResponse, ApiError> {
    crate::http::rate_limit::public(&state, &req).await?;
    let id = id.into_inner();
    let form = body.into_inner();
    if let Some(org) = &form.organization_id {
        require_signed_in(&caller.actor)?;
        authorize(
            &caller.actor,
            Permission::SubmitForOrganization {
                organization_id: org,
            },
        )?;
    }
    if form.body_id.is_some() {
        require_signed_in(&caller.actor)?;
    }
    let (tag, shown) = state
        .db
        .write(move |conn| {
            if let Some(body) = &form.body_id {
                let body = crate::participation::store::body_for_field(conn, body, "body_id")?;
                authorize(
                    &caller.actor,
                    Permission::SubmitForOrganization {
                        organization_id: &body.secretariat_organization_id,
                    },
                )?;
            }
            readable(conn, &caller, &id)?;
            // Submissions queue on the consultation's row: none lands after
            // it closed early or its report was published.
            let consultation: ConsultationRow = record::locked(conn, &id)?;
            let row = submit(conn, &caller, &consultation, form, crate::db::now())?;
            Ok((row.etag(), shown_one(conn, row)?))
        })
        .await?;
    let location = format!("/api/v1/consultation-submissions/{}", shown.id);
    Ok(created(location, tag, &shown))
}

/// Lists a consultation's submissions, by id, with the individual
/// submitters' names and emails. The initiating organisation's admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        ListParams,
        SubmissionFilter,
    ),
    responses((status = 200, description = "A page of submissions", body = ConsultationSubmissionPage))
)]
#[get("/consultations/{id}/submissions")]
pub async fn list_submissions(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<SubmissionFilter>,
) -> Result<HttpResponse, ApiError> {
    let page = list.0.page()?;
    let filter = filter.into_inner();
    let id = id.into_inner();
    let request = page.clone();
    let page = state
        .db
        .run(move |conn| {
            let consultation = readable(conn, &caller, &id)?;
            authorize(
                &caller.actor,
                Permission::ManageConsultation {
                    organization_id: &consultation.initiating_organization_id,
                },
            )?;
            let mut q = keyset_page!(cs::table.select(SubmissionRow::as_select()), cs, request);
            q = q.filter(cs::consultation_id.eq(&id));
            match filter.answered {
                Some(true) => q = q.filter(cs::response_status.is_not_null()),
                Some(false) => q = q.filter(cs::response_status.is_null()),
                None => {}
            }
            if let Some(section) = filter.section_id {
                q = q.filter(cs::section_id.eq(section.into_inner()));
            }
            let rows = q.load::<SubmissionRow>(conn)?;
            let numbers = version_numbers(conn, &rows)?;
            Page::of_records(rows, &request, |row| {
                let n = numbers.get(&row.version_id).copied().unwrap_or(0);
                ConsultationSubmission::new(row, n)
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Whether `caller` may read `row` of `consultation`: those who run the
/// consultation, and the user who made it.
fn may_read(caller: &Caller, consultation: &ConsultationRow, row: &SubmissionRow) -> bool {
    let own = matches!(&caller.actor, Actor::User(u) if row.submitted_by.as_deref() == Some(u.id.as_str()));
    own || manages(&caller.actor, &consultation.initiating_organization_id)
}

/// Reads a submission with its response. Those who run the consultation,
/// and the signed-in user who made it.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The submission's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The submission", body = ConsultationSubmission, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/consultation-submissions/{id}")]
pub async fn get_submission(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let (tag, shown) = state
        .db
        .run(move |conn| {
            let row: SubmissionRow = record::find(conn, &id)?;
            let consultation: ConsultationRow = record::find(conn, &row.consultation_id)?;
            if !may_read(&caller, &consultation, &row) {
                return Err(ApiError::new(
                    ProblemCode::Forbidden,
                    "Your roles do not allow this operation on this record.",
                ));
            }
            Ok((row.etag(), shown_one(conn, row)?))
        })
        .await?;
    Ok(json_with_etag(&req, tag, &shown))
}

/// Answers a submission — `accepted`, `partially_accepted`, `rejected` (with
/// its justification) or `not_considered` — or changes the answer, while
/// the consultation is open or closed (not once its report is published).
/// The initiating organisation's admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The submission's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = RespondToSubmission,
    responses(
        (status = 200, description = "The submission with its response", body = ConsultationSubmission, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[put("/consultation-submissions/{id}/response")]
pub async fn respond_to_submission(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<RespondToSubmission>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let form = body.into_inner();
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let found: SubmissionRow = record::find(conn, &id)?;
            // The consultation first, as every change of it does: a response
            // cannot slip in after the report is published.
            let consultation: ConsultationRow = record::locked(conn, &found.consultation_id)?;
            let current = record::for_change(conn, &id, &if_match, |_, _: &SubmissionRow| {
                authorize(
                    &caller.actor,
                    Permission::ManageConsultation {
                        organization_id: &consultation.initiating_organization_id,
                    },
                )
            })?;
            let row = respond(
                conn,
                &caller,
                &consultation,
                current,
                form,
                crate::db::now(),
            )?;
            Ok((row.etag(), shown_one(conn, row)?))
        })
        .await?;
    Ok(saved(tag, &shown))
}
