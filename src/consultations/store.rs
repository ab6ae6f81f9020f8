//! Writing consultations: the one place a consultation is inserted, changed
//! or moved through its life, used by the handlers and by the demo data
//! alike. Each function runs inside the caller's write transaction and
//! records the change. The clock is a parameter, so the rules that depend on
//! it are the same for every caller.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{CancelConsultation, ConsultationRow, CreateConsultation, UpdateConsultation};
use super::rules::{
    ConsultationForm, ConsultationKind, ConsultationStatus, ConsultationTransition, MinimumPeriods,
    announce_conditions, check_early_close, check_instants, check_period, instant,
};
use crate::audit::{self, Caller, Change};
use crate::db::record;
use crate::db::schema::{consultation_submissions as cs, consultations as co, organizations};
use crate::db::{DbConn, fold_for_search};
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::http::transition::{StateMachine, guard, next_state, refuse_change_in};

/// The shortest comment period, in days, for a consultation of `kind`
/// initiated by `organization_id` (Romanian transparency rules when it is in
/// Romania).
pub fn minimum_days(
    conn: &mut DbConn,
    periods: &MinimumPeriods,
    kind: ConsultationKind,
    organization_id: &str,
) -> Result<u32, ApiError> {
    let country: Option<String> = organizations::table
        .find(organization_id)
        .select(organizations::country)
        .first(conn)
        .optional()?;
    Ok(periods.days(kind, country.as_deref() == Some("RO")))
}

fn naive(t: Option<DateTime<Utc>>) -> Option<NaiveDateTime> {
    t.map(instant)
}

/// The timeline's order: closing after opening, the report due after closing.
fn check_order(
    opens: Option<NaiveDateTime>,
    closes: Option<NaiveDateTime>,
    report_due: Option<NaiveDateTime>,
) -> Result<(), ApiError> {
    guard(check_instants(&[
        ("opens_at", opens),
        ("closes_at", closes),
        ("report_due_at", report_due),
    ]))?;
    let mut errors = Vec::new();
    if let (Some(o), Some(c)) = (opens, closes)
        && c <= o
    {
        errors.push(FieldError::new(
            "closes_at",
            "before_start",
            "must be after opens_at",
        ));
    }
    if let (Some(c), Some(r)) = (closes, report_due)
        && r < c
    {
        errors.push(FieldError::new(
            "report_due_at",
            "before_close",
            "must not be before closes_at",
        ));
    }
    guard(errors)
}

fn check_forms(forms: &[ConsultationForm]) -> Result<(), ApiError> {
    for (i, form) in forms.iter().enumerate() {
        if forms[..i].contains(form) {
            return Err(ApiError::validation(vec![FieldError::new(
                format!("forms[{i}]"),
                "not_unique",
                format!("`{form}` is listed twice"),
            )]));
        }
    }
    Ok(())
}

/// Inserts a `draft` consultation.
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    mut form: CreateConsultation,
) -> Result<ConsultationRow, ApiError> {
    form.subject = form.subject.trim().to_owned();
    check_forms(&form.forms)?;
    crate::db::references::ensure_organization(
        conn,
        &form.initiating_organization_id,
        "initiating_organization_id",
    )?;
    if let Some(project) = &form.project_id {
        crate::db::references::ensure_project(conn, project, "project_id")?;
    }
    let (opens, closes, report_due) = (
        naive(form.opens_at),
        naive(form.closes_at),
        naive(form.report_due_at),
    );
    check_order(opens, closes, report_due)?;
    let id = crate::db::new_id();
    let now = crate::db::now();
    let status = ConsultationStatus::Draft;
    diesel::insert_into(co::table)
        .values((
            co::id.eq(&id),
            co::subject.eq(&form.subject),
            co::subject_search.eq(fold_for_search(&form.subject)),
            co::kind.eq(form.kind.as_str()),
            co::initiating_organization_id.eq(&form.initiating_organization_id),
            co::project_id.eq(&form.project_id),
            co::description.eq(&form.description),
            co::forms.eq(crate::db::json::column(&form.forms)?),
            co::opens_at.eq(opens),
            co::closes_at.eq(closes),
            co::report_due_at.eq(report_due),
            co::status.eq(status.as_str()),
            co::document_version.eq(0),
            co::created_at.eq(now),
            co::updated_at.eq(now),
            co::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("consultation", &id, "create")
        .form(&form, &[])
        .value("status", status);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Fields an open or closed consultation no longer takes.
fn refuse_frozen_fields(
    status: ConsultationStatus,
    changes: &UpdateConsultation,
    current: &ConsultationRow,
) -> Result<(), ApiError> {
    use ConsultationStatus::*;
    let mut frozen: Vec<&str> = Vec::new();
    if matches!(status, Open | Closed) {
        if changes.subject.is_some() {
            frozen.push("subject");
        }
        if changes.kind.is_some() {
            frozen.push("kind");
        }
        if changes.description.is_some() {
            frozen.push("description");
        }
        if changes.forms.is_some() {
            frozen.push("forms");
        }
        if changes.opens_at.is_some() {
            frozen.push("opens_at");
        }
    }
    if status == Closed && changes.closes_at.is_some() {
        frozen.push("closes_at");
    }
    let mut errors: Vec<FieldError> = frozen
        .into_iter()
        .map(|f| {
            FieldError::new(
                f,
                "frozen",
                format!("cannot change once the consultation is {status}"),
            )
        })
        .collect();
    if status == Open {
        match (changes.closes_at, current.closes_at) {
            (Some(None), _) => errors.push(FieldError::new(
                "closes_at",
                "required",
                "an open consultation keeps its closing time",
            )),
            (Some(Some(new)), Some(old)) if new.naive_utc() < old => errors.push(FieldError::new(
                "closes_at",
                "earlier",
                "an open consultation's closing time can move later only",
            )),
            _ => {}
        }
    }
    guard(errors)
}

/// Applies `changes` to `current` (read with [`record::for_change`]) at `now`.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    current: ConsultationRow,
    mut changes: UpdateConsultation,
    periods: &MinimumPeriods,
    now: NaiveDateTime,
) -> Result<ConsultationRow, ApiError> {
    use ConsultationStatus::*;
    let status = current.status_at(now)?;
    refuse_change_in(status, &[ReportPublished, Cancelled])?;
    refuse_frozen_fields(status, &changes, &current)?;
    if let Some(subject) = &mut changes.subject {
        *subject = subject.trim().to_owned();
    }
    if let Some(forms) = &changes.forms {
        check_forms(forms)?;
    }
    let subject = changes.subject.clone().unwrap_or(current.subject.clone());
    let kind = changes.kind.map_or_else(|| current.kind(), Ok)?;
    let description = changes
        .description
        .clone()
        .unwrap_or(current.description.clone());
    let forms = match &changes.forms {
        Some(f) => crate::db::json::column(f)?,
        None => current.forms.clone(),
    };
    let mut opens = changes.opens_at.map_or(current.opens_at, naive);
    let closes = changes.closes_at.map_or(current.closes_at, naive);
    let report_due = changes.report_due_at.map_or(current.report_due_at, naive);
    check_order(opens, closes, report_due)?;
    if status == Announced {
        // What was announced must stay a valid consultation.
        let minimum = minimum_days(conn, periods, kind, &current.initiating_organization_id)?;
        guard(check_period(opens, closes, minimum, now))?;
        // Announced, it opens now at the earliest (see `transition`).
        opens = opens.map(|o| o.max(now));
    }
    diesel::update(co::table.find(&current.id))
        .set((
            co::subject.eq(&subject),
            co::subject_search.eq(fold_for_search(&subject)),
            co::kind.eq(kind.as_str()),
            co::description.eq(&description),
            co::forms.eq(&forms),
            co::opens_at.eq(opens),
            co::closes_at.eq(closes),
            co::report_due_at.eq(report_due),
            co::updated_at.eq(now),
            co::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("consultation", &current.id, "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &current.id)
}

/// The submissions of `consultation_id` without a response: how many, and
/// the ids of the first hundred.
fn unanswered(conn: &mut DbConn, consultation_id: &str) -> Result<(i64, Vec<String>), ApiError> {
    let unanswered = cs::table
        .filter(cs::consultation_id.eq(consultation_id))
        .filter(cs::response_status.is_null());
    let count: i64 = unanswered.count().get_result(conn)?;
    let ids: Vec<String> = unanswered
        .select(cs::id)
        .order(cs::id.asc())
        .limit(100)
        .load(conn)?;
    Ok((count, ids))
}

/// 422 while any submission of `consultation_id` has no response: the
/// detail says how many, `errors` names the first hundred.
fn every_submission_answered(conn: &mut DbConn, consultation_id: &str) -> Result<(), ApiError> {
    let (count, ids) = unanswered(conn, consultation_id)?;
    if count == 0 {
        return Ok(());
    }
    let errors = ids
        .iter()
        .map(|id| {
            FieldError::new(
                format!("submissions.{id}"),
                "unanswered",
                "this submission has no response yet",
            )
        })
        .collect();
    Err(ApiError::new(
        ProblemCode::ValidationFailed,
        format!(
            "{count} submission(s) have no response yet; the report is published once every one has (errors lists the first 100)."
        ),
    )
    .with_errors(errors))
}

/// A 422 of unmet conditions, with the state they were checked in.
fn in_state(e: ApiError, status: ConsultationStatus) -> ApiError {
    let allowed = status
        .allowed()
        .iter()
        .map(|t| t.as_str().to_owned())
        .collect();
    e.with_transition(status.as_str(), allowed)
}

/// Moves `current` through `t` at `now`: 409 when its status now does not
/// allow it, 422 naming each unmet condition (announcing: a document and a
/// timeline with the minimum period; opening early: the period from now;
/// closing early: the minimum period behind it; publishing the report: a
/// response to every submission). A cancellation needs its reason.
pub fn transition(
    conn: &mut DbConn,
    caller: &Caller,
    current: ConsultationRow,
    t: ConsultationTransition,
    periods: &MinimumPeriods,
    now: NaiveDateTime,
    cancel: Option<CancelConsultation>,
) -> Result<ConsultationRow, ApiError> {
    let status = current.status_at(now)?;
    let next = next_state(status, t)?;
    let minimum = minimum_days(
        conn,
        periods,
        current.kind()?,
        &current.initiating_organization_id,
    )?;
    let mut opens = current.opens_at;
    let mut closes = current.closes_at;
    let mut announced = current.announced_at;
    let mut published = current.report_published_at;
    let mut reason = current.cancel_reason.clone();
    match t {
        ConsultationTransition::Announce => {
            let unmet =
                announce_conditions(current.document_version > 0, opens, closes, minimum, now);
            guard(unmet).map_err(|e| in_state(e, status))?;
            // An opening already past is an opening now: the comment
            // period, and an early close, count from it.
            opens = opens.map(|o| o.max(now));
            announced = Some(now);
        }
        ConsultationTransition::PublishReport => {
            every_submission_answered(conn, &current.id).map_err(|e| in_state(e, status))?;
            published = Some(now);
        }
        ConsultationTransition::Open => {
            guard(check_period(Some(now), closes, minimum, now))
                .map_err(|e| in_state(e, status))?;
            opens = Some(now);
        }
        ConsultationTransition::Close => {
            guard(check_early_close(opens.unwrap_or(now), minimum, now))
                .map_err(|e| in_state(e, status))?;
            closes = Some(now);
        }
        ConsultationTransition::Cancel => {
            let form = cancel.ok_or_else(|| {
                ApiError::validation(vec![FieldError::new("reason", "required", "is required")])
            })?;
            reason = Some(form.reason.trim().to_owned());
        }
    }
    diesel::update(co::table.find(&current.id))
        .set((
            co::status.eq(next.as_str()),
            co::opens_at.eq(opens),
            co::closes_at.eq(closes),
            co::announced_at.eq(announced),
            co::report_published_at.eq(published),
            co::cancel_reason.eq(&reason),
            co::updated_at.eq(now),
            co::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let mut change = Change::new("consultation", &current.id, t.as_str())
        .value("status", next)
        .value("previous_status", status);
    if t == ConsultationTransition::Cancel {
        change = change.value("cancel_reason", &reason);
    }
    audit::record(conn, caller, change)?;
    record::find(conn, &current.id)
}
