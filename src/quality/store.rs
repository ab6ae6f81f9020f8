//! The writes of the quality index — the only ones, used by the handlers
//! and by the demo data — and the reads they and the scores share.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::aggregate::gaps;
use super::methodology::{MethodologyDocument, check_document};
use super::model::{
    AssessmentRow, CreateQualityRound, MethodologyRow, RecordAssessment, RoundRow, RoundScores,
    UpdateQualityRound, WorkingGroupMember,
};
use super::rules::{
    RoundStatus, RoundTransition, Side, compare, completion_conditions, score, score_means,
    start_conditions,
};
use crate::audit::{self, Caller, Change};
use crate::auth::Actor;
use crate::db::DbConn;
use crate::db::enums::StrEnum;
use crate::db::record::{self, Record};
use crate::db::schema::{
    quality_assessments as qa, quality_methodologies as qm, quality_round_members as wg,
    quality_rounds as qr,
};
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::http::transition::{guard, next_state, refuse_change_in};

/// The advisory lock under which methodology versions are numbered.
const METHODOLOGY_NUMBERS: i64 = 0x0071_6d65_7468;

/// The methodology the service ships, a starting template.
pub const DEFAULT_METHODOLOGY: &str = "0193d1c0-0000-7000-8000-000000000001";

fn invalid(field: impl Into<String>, code: &str, message: impl Into<String>) -> ApiError {
    ApiError::validation(vec![FieldError::new(field, code, message)])
}

/// How many rounds use methodology `id`: one or more freezes it.
pub fn rounds_using(conn: &mut DbConn, id: &str) -> Result<i64, ApiError> {
    Ok(qr::table
        .filter(qr::methodology_id.eq(id))
        .count()
        .get_result(conn)?)
}

/// Imports `doc` as the next version of its key (the first, for a new key).
pub fn import_methodology(
    conn: &mut DbConn,
    caller: &Caller,
    doc: MethodologyDocument,
) -> Result<MethodologyRow, ApiError> {
    guard(check_document(&doc))?;
    // Versions of one key are numbered in turn: take the lock of the
    // methodologies first (SQLite has one writer; PostgreSQL an advisory
    // lock), so two imports cannot take one number.
    crate::db::serialize_appends(conn, METHODOLOGY_NUMBERS)?;
    let last: Option<i32> = qm::table
        .filter(qm::methodology_key.eq(&doc.key))
        .select(diesel::dsl::max(qm::number))
        .first(conn)?;
    let id = crate::db::new_id();
    let now = crate::db::now();
    diesel::insert_into(qm::table)
        .values((
            qm::id.eq(&id),
            qm::methodology_key.eq(&doc.key),
            qm::number.eq(last.unwrap_or(0) + 1),
            qm::name.eq(&doc.name),
            qm::document.eq(serde_json::to_string(&doc).map_err(ApiError::internal)?),
            qm::created_at.eq(now),
            qm::updated_at.eq(now),
            qm::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("quality_methodology", &id, "import")
        .value("key", &doc.key)
        .value("name", &doc.name);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Replaces the document of `current`, a version no round uses yet (409
/// once one does: changes make a new version). The key stays.
pub fn replace_methodology(
    conn: &mut DbConn,
    caller: &Caller,
    current: MethodologyRow,
    doc: MethodologyDocument,
) -> Result<MethodologyRow, ApiError> {
    let used = rounds_using(conn, current.id())?;
    if used > 0 {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!(
                "This version is frozen: {used} round(s) use it. Import the changed document as a new version."
            ),
        ));
    }
    if doc.key != current.methodology_key {
        return Err(invalid(
            "key",
            "changed",
            format!(
                "stays `{}` (a new key is a new methodology: import it)",
                current.methodology_key
            ),
        ));
    }
    guard(check_document(&doc))?;
    diesel::update(qm::table.find(current.id()))
        .set((
            qm::name.eq(&doc.name),
            qm::document.eq(serde_json::to_string(&doc).map_err(ApiError::internal)?),
            qm::updated_at.eq(crate::db::now()),
            qm::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("quality_methodology", current.id(), "replace").value("name", &doc.name),
    )?;
    record::find(conn, current.id())
}

/// Methodology `id` named by `field` of a request body: 422 if none.
fn methodology_for_field(conn: &mut DbConn, id: &str) -> Result<MethodologyRow, ApiError> {
    record::find(conn, id).map_err(|_| {
        invalid(
            "methodology_id",
            "not_found",
            format!("no methodology has the id `{id}`"),
        )
    })
}

/// The working group of round `id`.
pub fn working_group(conn: &mut DbConn, id: &str) -> Result<Vec<WorkingGroupMember>, ApiError> {
    let rows: Vec<(String, String)> = wg::table
        .filter(wg::round_id.eq(id))
        .order(wg::person_id.asc())
        .select((wg::person_id, wg::side))
        .load(conn)?;
    rows.into_iter()
        .map(|(person_id, side)| {
            Ok(WorkingGroupMember {
                person_id,
                side: Side::stored(&side)?,
            })
        })
        .collect()
}

/// Whether `actor` sits in round `id`'s working group.
pub fn in_working_group(conn: &mut DbConn, actor: &Actor, id: &str) -> Result<bool, ApiError> {
    let Actor::User(user) = actor else {
        return Ok(false);
    };
    let Some(person) = &user.person_id else {
        return Ok(false);
    };
    let n: i64 = wg::table
        .filter(wg::round_id.eq(id))
        .filter(wg::person_id.eq(person))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Replaces round `id`'s working group: each person exists and is named
/// once (422 naming `working_group[i].person_id`).
fn set_working_group(
    conn: &mut DbConn,
    id: &str,
    members: &[WorkingGroupMember],
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for (n, m) in members.iter().enumerate() {
        let field = format!("working_group[{n}].person_id");
        if members[..n].iter().any(|o| o.person_id == m.person_id) {
            errors.push(FieldError::new(field, "duplicate", "is named twice"));
        } else if crate::db::references::ensure_person(conn, &m.person_id, &field).is_err() {
            errors.push(FieldError::new(
                field,
                "not_found",
                format!("no person has the id `{}`", m.person_id),
            ));
        }
    }
    guard(errors)?;
    diesel::delete(wg::table.filter(wg::round_id.eq(id))).execute(conn)?;
    for m in members {
        diesel::insert_into(wg::table)
            .values((
                wg::round_id.eq(id),
                wg::person_id.eq(&m.person_id),
                wg::side.eq(m.side.as_str()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// 422 naming `year` if the local government has a round (not cancelled)
/// for `year` other than `except`.
fn check_year_free(
    conn: &mut DbConn,
    organization: &str,
    year: i32,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let mut q = qr::table
        .filter(qr::organization_id.eq(organization))
        .filter(qr::year.eq(year))
        .filter(qr::status.ne(RoundStatus::Cancelled.as_str()))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(qr::id.ne(id));
    }
    let taken: i64 = q.count().get_result(conn)?;
    if taken > 0 {
        return Err(invalid(
            "year",
            "taken",
            format!("the local government has a round for {year} already"),
        ));
    }
    Ok(())
}

/// Creates a round as a `draft`: of a local government (422 naming
/// `organization_id` for another kind), for a year it has no round for yet.
pub fn insert_round(
    conn: &mut DbConn,
    caller: &Caller,
    form: CreateQualityRound,
) -> Result<RoundRow, ApiError> {
    let kind =
        crate::db::references::organization_kind(conn, &form.organization_id, "organization_id")?;
    if kind != "local_government" {
        return Err(invalid(
            "organization_id",
            "wrong_kind",
            format!("is a `{kind}` organisation; a round assesses a local government"),
        ));
    }
    let methodology = form
        .methodology_id
        .clone()
        .unwrap_or_else(|| DEFAULT_METHODOLOGY.to_owned());
    methodology_for_field(conn, &methodology)?;
    check_year_free(conn, &form.organization_id, form.year, None)?;
    let id = crate::db::new_id();
    let now = crate::db::now();
    diesel::insert_into(qr::table)
        .values((
            qr::id.eq(&id),
            qr::organization_id.eq(&form.organization_id),
            qr::year.eq(form.year),
            qr::methodology_id.eq(&methodology),
            qr::status.eq(RoundStatus::Draft.as_str()),
            qr::notes.eq(&form.notes),
            qr::created_at.eq(now),
            qr::updated_at.eq(now),
            qr::version.eq(1),
        ))
        .execute(conn)?;
    set_working_group(conn, &id, &form.working_group)?;
    let change = Change::new("quality_round", &id, "create")
        .form(&form, &[])
        .value("methodology_id", &methodology);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Changes `current` (read with [`record::for_change`]): 409 once it is
/// completed or cancelled; the year and methodology only while a draft
/// (422 `frozen` after).
pub fn update_round(
    conn: &mut DbConn,
    caller: &Caller,
    current: RoundRow,
    changes: UpdateQualityRound,
) -> Result<RoundRow, ApiError> {
    let status = current.status()?;
    refuse_change_in(status, &[RoundStatus::Completed, RoundStatus::Cancelled])?;
    if status != RoundStatus::Draft {
        let frozen: Vec<FieldError> = [
            ("year", changes.year.is_some()),
            ("methodology_id", changes.methodology_id.is_some()),
        ]
        .into_iter()
        .filter(|(_, given)| *given)
        .map(|(field, _)| {
            FieldError::new(field, "frozen", "changes only while the round is a draft")
        })
        .collect();
        guard(frozen)?;
    }
    if let Some(m) = &changes.methodology_id {
        methodology_for_field(conn, m)?;
    }
    let year = changes.year.unwrap_or(current.year);
    if year != current.year {
        check_year_free(conn, &current.organization_id, year, Some(current.id()))?;
    }
    if let Some(members) = &changes.working_group {
        set_working_group(conn, current.id(), members)?;
    }
    diesel::update(qr::table.find(current.id()))
        .set((
            qr::year.eq(year),
            qr::methodology_id.eq(changes
                .methodology_id
                .clone()
                .unwrap_or(current.methodology_id.clone())),
            qr::notes.eq(changes.notes.clone().unwrap_or(current.notes.clone())),
            qr::updated_at.eq(crate::db::now()),
            qr::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("quality_round", current.id(), "update").form(&changes, &[]),
    )?;
    record::find(conn, current.id())
}

/// The indicator codes round `id` has an answer for.
fn answered(conn: &mut DbConn, id: &str) -> Result<Vec<String>, ApiError> {
    Ok(qa::table
        .filter(qa::round_id.eq(id))
        .select(qa::indicator_code)
        .load(conn)?)
}

/// Moves `current` (read with [`record::for_change`]) by `t`: starting
/// needs a working group of both sides, completing an answer for every
/// indicator (422 naming each one missing), cancelling a reason.
pub fn transition(
    conn: &mut DbConn,
    caller: &Caller,
    current: RoundRow,
    t: RoundTransition,
    reason: Option<String>,
) -> Result<RoundRow, ApiError> {
    let next = next_state(current.status()?, t)?;
    match t {
        RoundTransition::Start => {
            let sides: Vec<Side> = working_group(conn, current.id())?
                .into_iter()
                .map(|m| m.side)
                .collect();
            guard(start_conditions(&sides))?;
        }
        RoundTransition::Complete => {
            let doc = record::find::<MethodologyRow>(conn, &current.methodology_id)?.document()?;
            let codes = answered(conn, current.id())?;
            let codes: Vec<&str> = codes.iter().map(String::as_str).collect();
            guard(completion_conditions(&doc, &codes))?;
        }
        RoundTransition::Cancel => {}
    }
    if matches!(t, RoundTransition::Complete | RoundTransition::Cancel) {
        super::survey::close_unchecked(conn, current.id())?;
    }
    let now = crate::db::now();
    let completed_at: Option<NaiveDateTime> = (next == RoundStatus::Completed)
        .then_some(now)
        .or(current.completed_at);
    diesel::update(qr::table.find(current.id()))
        .set((
            qr::status.eq(next.as_str()),
            qr::completed_at.eq(completed_at),
            qr::cancel_reason.eq(reason.as_deref().map(str::trim)),
            qr::updated_at.eq(now),
            qr::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let mut change = Change::new("quality_round", current.id(), t.as_str());
    if let Some(reason) = &reason {
        change = change.value("reason", reason);
    }
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// The assessment of `code` in round `round`, if any.
pub fn assessment(
    conn: &mut DbConn,
    round: &str,
    code: &str,
) -> Result<Option<AssessmentRow>, ApiError> {
    Ok(qa::table
        .filter(qa::round_id.eq(round))
        .filter(qa::indicator_code.eq(code))
        .select(AssessmentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Records the working group's answer on indicator `code` of `round`
/// (locked by the caller), replacing an earlier one (`current`, checked
/// against `If-Match` by the caller): 409 unless the round is in progress,
/// 422 naming `answer` unless the indicator's scale takes it. The points
/// it scores come back with it.
pub fn record_assessment(
    conn: &mut DbConn,
    caller: &Caller,
    round: &RoundRow,
    doc: &MethodologyDocument,
    code: &str,
    current: Option<AssessmentRow>,
    form: RecordAssessment,
) -> Result<(AssessmentRow, i32), ApiError> {
    let status = round.status()?;
    if status != RoundStatus::InProgress {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!("Answers are recorded while the round is in progress; it is {status}."),
        ));
    }
    let indicator = doc.indicator(code).ok_or_else(|| no_indicator(code))?;
    let points = indicator.scale.points(form.answer).ok_or_else(|| {
        invalid(
            "answer",
            "not_on_scale",
            format!("is not an answer of indicator `{code}`'s scale"),
        )
    })?;
    let now = crate::db::now();
    let recorded_by = match &caller.actor {
        Actor::User(u) => Some(u.id.clone()),
        Actor::Client(_) | Actor::Anonymous => None,
    };
    let id = match current {
        Some(row) => {
            diesel::update(qa::table.find(row.id()))
                .set((
                    qa::answer.eq(form.answer),
                    qa::evidence.eq(&form.evidence),
                    qa::recommendation.eq(&form.recommendation),
                    qa::recorded_by.eq(&recorded_by),
                    qa::updated_at.eq(now),
                    qa::version.eq(row.version + 1),
                ))
                .execute(conn)?;
            row.id
        }
        None => {
            let id = crate::db::new_id();
            diesel::insert_into(qa::table)
                .values((
                    qa::id.eq(&id),
                    qa::round_id.eq(round.id()),
                    qa::indicator_code.eq(code),
                    qa::answer.eq(form.answer),
                    qa::evidence.eq(&form.evidence),
                    qa::recommendation.eq(&form.recommendation),
                    qa::recorded_by.eq(&recorded_by),
                    qa::created_at.eq(now),
                    qa::updated_at.eq(now),
                    qa::version.eq(1),
                ))
                .execute(conn)?;
            id
        }
    };
    let change = Change::new("quality_assessment", &id, "record")
        .form(&form, &[])
        .value("round_id", round.id())
        .value("indicator_code", code);
    audit::record(conn, caller, change)?;
    Ok((record::find(conn, &id)?, points))
}

/// 404: the methodology has no indicator `code`.
pub fn no_indicator(code: &str) -> ApiError {
    ApiError::not_found(format!(
        "The round's methodology has no indicator `{code}`."
    ))
}

/// The answers of round `id`, by indicator code.
fn answers(conn: &mut DbConn, id: &str) -> Result<HashMap<String, f64>, ApiError> {
    Ok(qa::table
        .filter(qa::round_id.eq(id))
        .select((qa::indicator_code, qa::answer))
        .load::<(String, f64)>(conn)?
        .into_iter()
        .collect())
}

/// The same local government's latest completed round before `round`.
pub fn previous_round(conn: &mut DbConn, round: &RoundRow) -> Result<Option<RoundRow>, ApiError> {
    Ok(qr::table
        .filter(qr::organization_id.eq(&round.organization_id))
        .filter(qr::year.lt(round.year))
        .filter(qr::status.eq(RoundStatus::Completed.as_str()))
        .order(qr::year.desc())
        .select(RoundRow::as_select())
        .first(conn)
        .optional()?)
}

/// The scores of `round` on its methodology — the working group's view,
/// and the survey's once its results can be read (from `minimum` answers),
/// with the gap between them — and the change against its previous round.
pub fn round_scores(
    conn: &mut DbConn,
    round: &RoundRow,
    minimum: i64,
) -> Result<RoundScores, ApiError> {
    let scores_of = |conn: &mut DbConn, r: &RoundRow| -> Result<_, ApiError> {
        let doc = record::find::<MethodologyRow>(conn, &r.methodology_id)?.document()?;
        Ok(score(&doc, &answers(conn, r.id())?))
    };
    let scores = scores_of(conn, round)?;
    let previous = previous_round(conn, round)?;
    let changes = match &previous {
        Some(p) => compare(&scores, &scores_of(conn, p)?),
        None => Vec::new(),
    };
    let (_, means) = super::survey::results(conn, round, minimum)?;
    let survey = match means {
        Some(means) => {
            let doc = record::find::<MethodologyRow>(conn, &round.methodology_id)?.document()?;
            Some(score_means(&doc, &means))
        }
        None => None,
    };
    Ok(RoundScores {
        gaps: survey
            .as_ref()
            .map(|s| gaps(&scores, s))
            .unwrap_or_default(),
        survey,
        round_id: round.id.clone(),
        year: round.year,
        scores,
        previous_round_id: previous.as_ref().map(|p| p.id.clone()),
        previous_year: previous.map(|p| p.year),
        changes,
    })
}
