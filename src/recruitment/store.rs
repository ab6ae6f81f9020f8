//! Writing calls and applications: the one place they are inserted, changed
//! and decided, used by the handlers and the demo data. Each function runs
//! inside the caller's write transaction and records the change.
//!
//! Every decision about a call's places is taken with the call's row locked
//! ([`record::locked`]): applications and withdrawals of one call queue, on
//! SQLite and on PostgreSQL, with one instance or several, so a quota is never
//! exceeded and the queue order (`seq`) has no two applications in one place.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::emails;
use super::form::{
    Applicant, Category, check_answers, check_consents, check_eligibility, check_form,
};
use super::model::{
    ApplicationRow, Apply, CallRow, CreateCall, GivenConsent, Tally, UpdateCall, to_column,
};
use super::places::{fill_places, lapse_expired, next_seq, taken_in};
use super::ranking::rank_applications;
use super::review::{check_selection, erase_notes};
use super::rules::{
    ApplicationStatus, ApplicationTransition, CallStatus, CallTransition, SelectionMode, first_come,
};
use crate::audit::{self, Caller, Change};
use crate::db::enums::StrEnum;
use crate::db::record::{self, Record};
use crate::db::schema::{applications as ap, calls as cl, organizations as org};
use crate::db::{DbConn, now};
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::http::transition::{guard, next_state, refuse_change_in};
use crate::organizations::model::OrganizationKind;

/// The fields of an application that are personal data: the change log names
/// them only.
const PERSONAL: &[&str] = &[
    "name",
    "email",
    "phone",
    "position",
    "organization_name",
    "territorial_unit_code",
    "answers",
];

/// Inserts a `draft` call (its project checked).
pub fn insert_call(
    conn: &mut DbConn,
    caller: &Caller,
    mut form: CreateCall,
) -> Result<CallRow, ApiError> {
    crate::db::references::ensure_project(conn, &form.project_id, "project_id")?;
    let opens_at = form.opens_at.naive_utc();
    let closes_at = form.closes_at.naive_utc();
    guard(check_selection(
        form.selection_mode,
        &form.criteria,
        form.waitlist_size,
    ))?;
    form.consents = check_form(
        &form.categories,
        &form.questions,
        std::mem::take(&mut form.consents),
        opens_at,
        closes_at,
    )?;
    let id = crate::db::new_id();
    let now = now();
    diesel::insert_into(cl::table)
        .values((
            cl::id.eq(&id),
            cl::project_id.eq(&form.project_id),
            cl::title.eq(form.title.trim()),
            cl::regulations.eq(form.regulations.trim()),
            cl::opens_at.eq(opens_at),
            cl::closes_at.eq(closes_at),
            cl::status.eq(CallStatus::Draft.as_str()),
            cl::selection_mode.eq(form.selection_mode.as_str()),
            cl::offer_hours.eq(form.offer_hours),
            cl::criteria.eq(to_column(&form.criteria)?),
            cl::waitlist_size.eq(form.waitlist_size),
            cl::reviewers.eq("[]"),
            cl::categories.eq(to_column(&form.categories)?),
            cl::eligibility.eq(to_column(&form.eligibility)?),
            cl::questions.eq(to_column(&form.questions)?),
            cl::consents.eq(to_column(&form.consents)?),
            cl::last_seq.eq(0_i64),
            cl::created_at.eq(now),
            cl::updated_at.eq(now),
            cl::version.eq(1_i64),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("call", &id, "create").form(&form, &[]),
    )?;
    record::find(conn, &id)
}

/// Applies `changes` to a draft call (409 in any other state).
pub fn update_call(
    conn: &mut DbConn,
    caller: &Caller,
    current: CallRow,
    mut changes: UpdateCall,
) -> Result<CallRow, ApiError> {
    let status = current.stored_status()?;
    refuse_change_in(
        status,
        &[
            CallStatus::Open,
            CallStatus::Closed,
            CallStatus::Finalized,
            CallStatus::Cancelled,
        ],
    )?;
    let categories = match changes.categories.clone() {
        Some(c) => c,
        None => current.category_list()?,
    };
    let questions = match changes.questions.clone() {
        Some(q) => q,
        None => current.question_list()?,
    };
    let consents = match changes.consents.take() {
        Some(c) => c,
        None => current.consent_list()?,
    };
    let opens_at = changes.opens_at.map_or(current.opens_at, |t| t.naive_utc());
    let closes_at = changes
        .closes_at
        .map_or(current.closes_at, |t| t.naive_utc());
    let mode = changes
        .selection_mode
        .map_or_else(|| current.selection_mode(), Ok)?;
    let criteria = match changes.criteria.clone() {
        Some(c) => c,
        None => current.criterion_list()?,
    };
    let waitlist_size = changes.waitlist_size.unwrap_or(current.waitlist_size);
    guard(check_selection(mode, &criteria, waitlist_size))?;
    let consents = check_form(&categories, &questions, consents, opens_at, closes_at)?;
    let eligibility = match changes.eligibility.clone() {
        Some(e) => e,
        None => current.eligibility_rules()?,
    };
    let title = changes
        .title
        .as_deref()
        .map_or(current.title.clone(), |t| t.trim().to_owned());
    let regulations = changes
        .regulations
        .as_deref()
        .map_or(current.regulations.clone(), |t| t.trim().to_owned());
    diesel::update(cl::table.find(current.id()))
        .set((
            cl::title.eq(&title),
            cl::regulations.eq(&regulations),
            cl::opens_at.eq(opens_at),
            cl::closes_at.eq(closes_at),
            cl::categories.eq(to_column(&categories)?),
            cl::eligibility.eq(to_column(&eligibility)?),
            cl::questions.eq(to_column(&questions)?),
            cl::consents.eq(to_column(&consents)?),
            cl::offer_hours.eq(changes.offer_hours.unwrap_or(current.offer_hours)),
            cl::selection_mode.eq(mode.as_str()),
            cl::criteria.eq(to_column(&criteria)?),
            cl::waitlist_size.eq(waitlist_size),
            cl::updated_at.eq(now()),
            cl::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    changes.consents = Some(consents);
    audit::record(
        conn,
        caller,
        Change::new("call", current.id(), "update").form(&changes, &[]),
    )?;
    record::find(conn, current.id())
}

/// Moves a call along its life (409 for a transition its status at `now` does
/// not allow). Opening needs `closes_at` in the future; cancelling a reason.
pub fn transition_call(
    conn: &mut DbConn,
    caller: &Caller,
    current: CallRow,
    t: CallTransition,
    reason: Option<String>,
) -> Result<CallRow, ApiError> {
    let now = now();
    let status = current.status_at(now)?;
    let next = next_state(status, t)?;
    if t == CallTransition::Open && current.closes_at <= now {
        guard(vec![FieldError::new(
            "closes_at",
            "in_the_past",
            "a call opens only with its closing time in the future",
        )])?;
    }
    if t == CallTransition::Finalize && current.selection_mode()? == SelectionMode::Review {
        rank_applications(conn, caller, &current, now)?;
    }
    diesel::update(cl::table.find(current.id()))
        .set((
            cl::status.eq(next.as_str()),
            cl::cancel_reason.eq(&reason),
            cl::updated_at.eq(now),
            cl::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("call", current.id(), t.as_str())
        .value("from", status)
        .value("to", next)
        .value("reason", &reason);
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// The accepted and waitlisted applications of each category of `calls`.
pub fn tallies(
    conn: &mut DbConn,
    calls: &[String],
) -> Result<HashMap<String, BTreeMap<String, Tally>>, ApiError> {
    let rows: Vec<(String, String, String, i64)> = ap::table
        .filter(ap::call_id.eq_any(calls))
        .filter(ap::status.eq_any([
            ApplicationStatus::Accepted.as_str(),
            ApplicationStatus::Offered.as_str(),
            ApplicationStatus::Waitlisted.as_str(),
        ]))
        .group_by((ap::call_id, ap::category, ap::status))
        .select((
            ap::call_id,
            ap::category,
            ap::status,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    let mut by: HashMap<String, BTreeMap<String, Tally>> = HashMap::new();
    for (call, category, status, n) in rows {
        let t = by.entry(call).or_default().entry(category).or_default();
        match ApplicationStatus::parse(&status) {
            Some(ApplicationStatus::Accepted) => t.accepted = n,
            Some(ApplicationStatus::Offered) => t.offered = n,
            _ => t.waitlisted = n,
        }
    }
    Ok(by)
}

/// The place of a waitlisted application in its category's line (1 is next).
pub fn waitlist_position(conn: &mut DbConn, row: &ApplicationRow) -> Result<Option<i64>, ApiError> {
    if row.status != ApplicationStatus::Waitlisted.as_str() {
        return Ok(None);
    }
    let line = ap::table
        .filter(ap::call_id.eq(&row.call_id))
        .filter(ap::category.eq(&row.category))
        .filter(ap::status.eq(ApplicationStatus::Waitlisted.as_str()));
    // A ranked call's line is in rank order, any other's in order of arrival.
    let ahead: i64 = match row.rank {
        Some(rank) => line.filter(ap::rank.lt(rank)).count().get_result(conn)?,
        None => line.filter(ap::seq.lt(row.seq)).count().get_result(conn)?,
    };
    Ok(Some(ahead + 1))
}

/// The registered organisation's name and kind, or 422 naming
/// `organization_id`.
fn registered_organization(
    conn: &mut DbConn,
    id: &str,
) -> Result<(String, OrganizationKind), ApiError> {
    let found: Option<(String, String)> = org::table
        .find(id)
        .select((org::name, org::kind))
        .first(conn)
        .optional()?;
    let (name, kind) = found.ok_or_else(|| {
        ApiError::validation(vec![FieldError::new(
            "organization_id",
            "unknown",
            format!("no organisation has the id `{id}`"),
        )])
    })?;
    Ok((name, OrganizationKind::stored(&kind)?))
}

/// The category `code` of the call, or 422 naming `category`.
pub(super) fn category_of(call: &CallRow, code: &str) -> Result<Category, ApiError> {
    call.category_list()?
        .into_iter()
        .find(|c| c.code == code)
        .ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                "category",
                "unknown",
                format!("the call has no category `{code}`"),
            )])
        })
}

/// Takes an application to `call` (locked by the caller) at `now`, and
/// decides it: checks that the call takes applications (409), the category,
/// answers, consents and eligibility (422), one application per email (409);
/// then under `first_come` a place while the category has one, else the
/// waitlist. Returns the application and its management token.
pub fn apply(
    conn: &mut DbConn,
    caller: &Caller,
    call: &CallRow,
    mut form: Apply,
    now: NaiveDateTime,
) -> Result<(ApplicationRow, String), ApiError> {
    if !call.accepting_at(now)? {
        let status = call.status_at(now)?;
        let detail = if status == CallStatus::Open {
            format!(
                "The call opens for applications at {}.",
                call.opens_at
                    .and_utc()
                    .format(crate::http::timestamp::FORMAT)
            )
        } else {
            format!("The call is {status} and takes no applications.")
        };
        return Err(ApiError::new(ProblemCode::Conflict, detail));
    }
    let category = category_of(call, &form.category)?;
    check_answers(&call.question_list()?, &form.answers)?;
    check_consents(&call.consent_list()?, &form.consents)?;
    if let Some(id) = &form.organization_id {
        let (name, kind) = registered_organization(conn, id)?;
        form.organization_name = Some(name);
        form.organization_kind = Some(kind);
    }
    let units = match &form.territorial_unit_code {
        Some(code) => crate::territorial_units::unit_and_parents(conn, code)?,
        None => Vec::new(),
    };
    let applicant = Applicant {
        organization_kind: form.organization_kind,
        units,
        position: form.position.as_deref(),
    };
    check_eligibility(&call.eligibility_rules()?, &category, &applicant)?;
    let email_key = form.email.trim().to_lowercase();
    let taken: i64 = ap::table
        .filter(ap::call_id.eq(call.id()))
        .filter(ap::email_key.eq(&email_key))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(ApiError::new(
            ProblemCode::AlreadyExists,
            "An application with this email has already been sent to this call.",
        )
        .with_errors(vec![FieldError::new(
            "email",
            "not_unique",
            "one application per email per call",
        )]));
    }
    lapse_expired(conn, caller, call, now)?;
    let status = match call.selection_mode()? {
        SelectionMode::FirstCome => {
            first_come(taken_in(conn, call.id(), &category.code)?, category.quota)
        }
        SelectionMode::Review => ApplicationStatus::Submitted,
    };
    let decided_at = (status != ApplicationStatus::Submitted).then_some(now);
    let seq = next_seq(conn, call)?;
    let token = crate::auth::secrets::generate("app_");
    let given: Vec<GivenConsent> = form
        .consents
        .iter()
        .map(|code| GivenConsent {
            code: code.clone(),
            given_at: now.into(),
        })
        .collect();
    let id = crate::db::new_id();
    diesel::insert_into(ap::table)
        .values((
            ap::id.eq(&id),
            ap::call_id.eq(call.id()),
            ap::seq.eq(seq),
            ap::category.eq(&category.code),
            ap::name.eq(form.name.trim()),
            ap::email.eq(form.email.trim()),
            ap::email_key.eq(&email_key),
            ap::phone.eq(&form.phone),
            ap::organization_id.eq(&form.organization_id),
            ap::organization_name.eq(&form.organization_name),
            ap::organization_kind.eq(form.organization_kind.map(|k| k.as_str())),
            ap::position.eq(&form.position),
            ap::territorial_unit_code.eq(&form.territorial_unit_code),
            ap::answers.eq(to_column(&form.answers)?),
            ap::consents.eq(to_column(&given)?),
            ap::status.eq(status.as_str()),
            ap::token_hash.eq(crate::auth::secrets::hash(&token)),
            ap::decided_at.eq(decided_at),
            ap::created_at.eq(now),
            ap::updated_at.eq(now),
            ap::version.eq(1_i64),
        ))
        .execute(conn)?;
    let change = Change::new("application", &id, "create")
        .form(&form, PERSONAL)
        .value("status", status);
    audit::record(conn, caller, change)?;
    let row: ApplicationRow = record::find(conn, &id)?;
    let position = waitlist_position(conn, &row)?;
    let to = emails::Applicant {
        application_id: &row.id,
        name: &row.name,
        email: &row.email,
    };
    emails::received(conn, call, to, status, position, &token)?;
    Ok((row, token))
}

/// The application whose management token is `token`, or 404.
pub fn by_token(conn: &mut DbConn, token: &str) -> Result<ApplicationRow, ApiError> {
    ap::table
        .filter(ap::token_hash.eq(crate::auth::secrets::hash(token)))
        .select(ApplicationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found("No application has this management token."))
}

/// Withdraws the application `id` (409 unless it is still in the running),
/// with the call locked first as every decision takes it; a place it frees
/// goes to the first in the category's waitlist, in the same transaction.
pub fn withdraw(
    conn: &mut DbConn,
    caller: &Caller,
    call_id: &str,
    id: &str,
) -> Result<ApplicationRow, ApiError> {
    let call: CallRow = record::locked(conn, call_id)?;
    let now = now();
    lapse_expired(conn, caller, &call, now)?;
    let current: ApplicationRow = record::locked(conn, id)?;
    let status = ApplicationStatus::stored(&current.status)?;
    let next = next_state(status, ApplicationTransition::Withdraw)?;
    diesel::update(ap::table.find(id))
        .set((
            ap::status.eq(next.as_str()),
            ap::decided_at.eq(now),
            ap::updated_at.eq(now),
            ap::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    next_seq(conn, &call)?;
    let change = Change::new("application", id, "withdraw")
        .value("from", status)
        .value("to", next);
    audit::record(conn, caller, change)?;
    if status.holds_a_place() && call.stored_status()? != CallStatus::Cancelled {
        fill_places(conn, caller, &call, &current.category, now)?;
    }
    record::find(conn, id)
}

/// Erases the personal data of every application of `current` (a call that
/// takes no more applications: closed, finalised or cancelled; 409 otherwise,
/// and once done): names, emails, phones, organisations' names, positions,
/// units and answers go; categories, statuses, the order of arrival, consents'
/// times and so every count stay. The management tokens stop working.
pub fn anonymize(
    conn: &mut DbConn,
    caller: &Caller,
    current: CallRow,
) -> Result<CallRow, ApiError> {
    let now = now();
    let status = current.status_at(now)?;
    if !matches!(
        status,
        CallStatus::Closed | CallStatus::Finalized | CallStatus::Cancelled
    ) {
        return Err(ApiError::invalid_transition(
            status.as_str(),
            Vec::new(),
            format!("A call is anonymised once it takes no applications; this one is {status}."),
        ));
    }
    if current.anonymized_at.is_some() {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            "The call's applications are anonymised already.",
        ));
    }
    let ids: Vec<(String, i64)> = ap::table
        .filter(ap::call_id.eq(current.id()))
        .select((ap::id, ap::version))
        .load(conn)?;
    let applications: Vec<String> = ids.iter().map(|(id, _)| id.clone()).collect();
    crate::notifications::erase_for(conn, &applications)?;
    for (id, version) in &ids {
        diesel::update(ap::table.find(id))
            .set((
                ap::name.eq("—"),
                ap::email.eq(""),
                ap::email_key.eq(id),
                ap::phone.eq(None::<String>),
                ap::organization_id.eq(None::<String>),
                ap::organization_name.eq(None::<String>),
                ap::position.eq(None::<String>),
                ap::territorial_unit_code.eq(None::<String>),
                ap::answers.eq("{}"),
                ap::token_hash.eq(crate::auth::secrets::hash(&crate::auth::secrets::generate(
                    "gone_",
                ))),
                ap::updated_at.eq(now),
                ap::version.eq(version + 1),
            ))
            .execute(conn)?;
    }
    erase_notes(conn, current.id())?;
    diesel::update(cl::table.find(current.id()))
        .set((
            cl::anonymized_at.eq(now),
            cl::updated_at.eq(now),
            cl::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("call", current.id(), "anonymize").value("applications", ids.len());
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}
