//! Selection by review: a call's weighted criteria, the reviewers it names,
//! and each reviewer's scores of an application. Finalising the call ranks
//! the applications ([`super::ranking`]).
//!
//! An application's score is the mean over its reviews of the weighted sum
//! of the points given (Σ weight × points), shown as a percentage of the
//! most it could get.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::form::duplicates;
use super::model::{ApplicationRow, CallRow, to_column};
use super::ranking::{max_total, percent};
use super::rules::{ApplicationStatus, CallStatus, SelectionMode};
use crate::audit::{self, Caller, Change};
use crate::auth::{Actor, Role};
use crate::db::record::{self, Record};
use crate::db::schema::{application_reviews as rv, calls as cl};
use crate::db::schema::{user_roles, users};
use crate::db::{DbConn, now};
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::http::timestamp::Timestamp;
use crate::http::transition::guard;

/// A criterion reviewers score an application on, from 0 to `max_points`.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// The key of the points in a review's `scores`.
    #[validate(custom(function = "super::form::validate_code"))]
    #[schema(pattern = "^[a-z0-9_]{1,50}$", max_length = 50)]
    pub code: String,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// What the criterion's points count for against the others'.
    #[serde(deserialize_with = "crate::http::extract::integer")]
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub weight: i32,
    /// The most points a reviewer can give.
    #[serde(deserialize_with = "crate::http::extract::integer")]
    #[validate(range(min = 1, max = 100))]
    #[schema(minimum = 1, maximum = 100)]
    pub max_points: i32,
}

/// What the selection mode asks of a call: `review` at least one criterion,
/// their codes distinct; `first_come` neither criteria nor a waitlist size.
pub fn check_selection(
    mode: SelectionMode,
    criteria: &[Criterion],
    waitlist_size: Option<i32>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match mode {
        SelectionMode::Review => {
            if criteria.is_empty() {
                errors.push(FieldError::new(
                    "criteria",
                    "required",
                    "a call selecting by review needs at least one criterion",
                ));
            }
            if let Some(c) = duplicates(criteria.iter().map(|c| c.code.as_str())) {
                errors.push(FieldError::new(
                    "criteria",
                    "not_unique",
                    format!("the code `{c}` is used twice"),
                ));
            }
        }
        SelectionMode::FirstCome => {
            if !criteria.is_empty() {
                errors.push(FieldError::new(
                    "criteria",
                    "not_allowed",
                    "only a call selecting by review has criteria",
                ));
            }
            if waitlist_size.is_some() {
                errors.push(FieldError::new(
                    "waitlist_size",
                    "not_allowed",
                    "under first_come everyone past the quota waits",
                ));
            }
        }
    }
    errors
}

/// The reviewers of a call.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"user_ids": ["019a1b2c-0000-7000-8000-000000000070"]}))]
pub struct SetReviewers {
    /// Users holding the `reviewer` role; the list replaces the call's.
    #[validate(length(max = 50), custom(function = "validate_user_ids"))]
    #[schema(max_items = 50, value_type = Vec<UserId>)]
    pub user_ids: Vec<String>,
}

/// A user's id.
#[derive(ToSchema)]
#[schema(value_type = String, format = Uuid)]
#[allow(dead_code)]
pub struct UserId(String);

fn validate_user_ids(ids: &[String]) -> Result<(), validator::ValidationError> {
    match ids
        .iter()
        .position(|id| crate::http::extract::validate_uuid(id).is_err())
    {
        Some(i) => Err(validator::ValidationError::new("format")
            .with_message(format!("each is a UUID; [{i}] is not").into())),
        None => Ok(()),
    }
}

/// A reviewer's scores of an application.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"scores": {"experience": 4, "motivation": 3}, "note": "Doświadczenie w radzie działalności pożytku."}))]
pub struct ReviewForm {
    /// The points given, by criterion code: every criterion of the call, each
    /// from 0 to its `max_points`.
    #[validate(length(max = 20))]
    #[schema(value_type = Object)]
    pub scores: BTreeMap<String, i64>,
    #[serde(default)]
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rv)]
pub struct ReviewRow {
    pub id: String,
    pub application_id: String,
    pub call_id: String,
    pub reviewer_id: String,
    pub scores: String,
    pub total: i64,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(ReviewRow, rv, "review");

/// A reviewer's scores of an application.
#[derive(Debug, Serialize, ToSchema)]
pub struct Review {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub application_id: String,
    #[schema(format = Uuid)]
    pub call_id: String,
    /// The user who reviewed.
    #[schema(format = Uuid)]
    pub reviewer_id: String,
    #[schema(value_type = Object)]
    pub scores: BTreeMap<String, i64>,
    /// Σ weight × points.
    #[schema(minimum = 0, maximum = 1000000)]
    pub total: i64,
    /// The total as a percentage of the most it could be.
    #[schema(minimum = 0, maximum = 100)]
    pub score: Option<f64>,
    /// `null` once the call is anonymised.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl Review {
    pub fn new(r: ReviewRow, call: &CallRow) -> Result<Self, ApiError> {
        let scores = serde_json::from_str(&r.scores)
            .map_err(|e| ApiError::internal(format!("stored scores: {e}")))?;
        Ok(Self {
            score: percent(r.total, 1, max_total(&call.criterion_list()?)),
            scores,
            id: r.id,
            application_id: r.application_id,
            call_id: r.call_id,
            reviewer_id: r.reviewer_id,
            total: r.total,
            note: r.note,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// The reviews of an application, and their mean as a percentage.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewList {
    #[schema(max_items = 50)]
    pub items: Vec<Review>,
    /// The mean of the reviews' totals as a percentage; `null` without one.
    #[schema(minimum = 0, maximum = 100)]
    pub score: Option<f64>,
}

impl ReviewList {
    pub fn new(rows: Vec<ReviewRow>, call: &CallRow) -> Result<Self, ApiError> {
        let n = rows.len() as i64;
        let total = rows.iter().map(|r| r.total).sum();
        Ok(Self {
            score: percent(total, n, max_total(&call.criterion_list()?)),
            items: rows
                .into_iter()
                .map(|r| Review::new(r, call))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// Whether `actor` reviews `call`: a user it names who still holds the
/// `reviewer` role.
pub fn reviews(actor: &Actor, call: &CallRow) -> Result<bool, ApiError> {
    let Actor::User(user) = actor else {
        return Ok(false);
    };
    Ok(user.roles.contains(&Role::Reviewer) && call.reviewer_list()?.contains(&user.id))
}

/// Names the reviewers of `current` (until it is finalised or cancelled): each
/// an active user holding the `reviewer` role, or 422 naming it.
pub fn set_reviewers(
    conn: &mut DbConn,
    caller: &Caller,
    current: CallRow,
    form: SetReviewers,
) -> Result<CallRow, ApiError> {
    crate::http::transition::refuse_change_in(
        current.stored_status()?,
        &[CallStatus::Finalized, CallStatus::Cancelled],
    )?;
    let mut ids = form.user_ids;
    ids.dedup();
    let able: Vec<String> = users::table
        .inner_join(user_roles::table)
        .filter(users::id.eq_any(&ids))
        .filter(users::active.eq(true))
        .filter(user_roles::role.eq(crate::auth::users::GlobalRole::Reviewer.as_str()))
        .select(users::id)
        .load(conn)?;
    guard(
        ids.iter()
            .enumerate()
            .filter(|(_, id)| !able.contains(id))
            .map(|(i, id)| {
                FieldError::new(
                    format!("user_ids[{i}]"),
                    "not_a_reviewer",
                    format!("no active user with the reviewer role has the id `{id}`"),
                )
            })
            .collect(),
    )?;
    diesel::update(cl::table.find(current.id()))
        .set((
            cl::reviewers.eq(to_column(&ids)?),
            cl::updated_at.eq(now()),
            cl::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("call", current.id(), "set_reviewers").value("user_ids", &ids);
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// 422 naming `scores.<code>` for each criterion missing, unknown, or out
/// of its range.
fn check_scores(criteria: &[Criterion], scores: &BTreeMap<String, i64>) -> Result<i64, ApiError> {
    let mut errors = Vec::new();
    let mut total = 0;
    for c in criteria {
        match scores.get(&c.code) {
            None => errors.push(FieldError::new(
                format!("scores.{}", c.code),
                "required",
                format!("score the criterion `{}`", c.name),
            )),
            Some(&p) if !(0..=i64::from(c.max_points)).contains(&p) => {
                errors.push(FieldError::new(
                    format!("scores.{}", c.code),
                    "out_of_range",
                    format!("from 0 to {} points", c.max_points),
                ))
            }
            Some(&p) => total += i64::from(c.weight) * p,
        }
    }
    for code in scores.keys() {
        if !criteria.iter().any(|c| &c.code == code) {
            errors.push(FieldError::new(
                format!("scores.{code}"),
                "unknown",
                "the call has no such criterion",
            ));
        }
    }
    guard(errors)?;
    Ok(total)
}

/// The review of `application` by `reviewer`, if any.
pub fn review_of(
    conn: &mut DbConn,
    application: &str,
    reviewer: &str,
) -> Result<Option<ReviewRow>, ApiError> {
    Ok(rv::table
        .filter(rv::application_id.eq(application))
        .filter(rv::reviewer_id.eq(reviewer))
        .select(ReviewRow::as_select())
        .first(conn)
        .optional()?)
}

/// The reviews of `application`, in the order they were made.
pub fn reviews_of(conn: &mut DbConn, application: &str) -> Result<Vec<ReviewRow>, ApiError> {
    Ok(rv::table
        .filter(rv::application_id.eq(application))
        .order((rv::created_at.asc(), rv::id.asc()))
        .select(ReviewRow::as_select())
        .load(conn)?)
}

/// Records `reviewer`'s scores of `application` (of `call`, locked by the
/// caller), replacing theirs: 409 unless the call selects by review and is
/// open or closed (not yet finalised) and the application is `submitted`;
/// `check` sees the review being replaced (for `If-Match`). Returns the
/// review and whether it is new.
pub fn put_review(
    conn: &mut DbConn,
    caller: &Caller,
    call: &CallRow,
    application: &ApplicationRow,
    reviewer: &str,
    form: ReviewForm,
    check: impl FnOnce(Option<&ReviewRow>) -> Result<(), ApiError>,
) -> Result<(ReviewRow, bool), ApiError> {
    if call.selection_mode()? != SelectionMode::Review {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            "This call selects first come, first served: its applications are not reviewed.",
        ));
    }
    let now = now();
    let status = call.status_at(now)?;
    if !matches!(status, CallStatus::Open | CallStatus::Closed) {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!("Applications are reviewed while the call is open or closed; it is {status}."),
        ));
    }
    if application.status != ApplicationStatus::Submitted.as_str() {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!(
                "Only a submitted application is reviewed; this one is {}.",
                application.status
            ),
        ));
    }
    let total = check_scores(&call.criterion_list()?, &form.scores)?;
    let existing = review_of(conn, application.id(), reviewer)?;
    check(existing.as_ref())?;
    let note = form.note.as_deref().map(str::trim);
    let scores = to_column(&form.scores)?;
    let (id, action) = match &existing {
        Some(r) => {
            diesel::update(rv::table.find(r.id()))
                .set((
                    rv::scores.eq(&scores),
                    rv::total.eq(total),
                    rv::note.eq(note),
                    rv::updated_at.eq(now),
                    rv::version.eq(r.version + 1),
                ))
                .execute(conn)?;
            (r.id.clone(), "update")
        }
        None => {
            let id = crate::db::new_id();
            diesel::insert_into(rv::table)
                .values((
                    rv::id.eq(&id),
                    rv::application_id.eq(application.id()),
                    rv::call_id.eq(call.id()),
                    rv::reviewer_id.eq(reviewer),
                    rv::scores.eq(&scores),
                    rv::total.eq(total),
                    rv::note.eq(note),
                    rv::created_at.eq(now),
                    rv::updated_at.eq(now),
                    rv::version.eq(1_i64),
                ))
                .execute(conn)?;
            (id, "create")
        }
    };
    let change = Change::new("review", &id, action)
        .form(&form, &["note"])
        .value("application_id", application.id())
        .value("total", total);
    audit::record(conn, caller, change)?;
    Ok((record::find(conn, &id)?, existing.is_none()))
}

/// Erases the reviewers' notes on `call`'s applications (they speak of the
/// applicants); the points stay.
pub fn erase_notes(conn: &mut DbConn, call: &str) -> Result<(), ApiError> {
    diesel::update(rv::table.filter(rv::call_id.eq(call)))
        .set(rv::note.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_name_each_criterion_at_fault() {
        let criteria = vec![
            Criterion {
                code: "motivation".into(),
                name: "Motywacja".into(),
                weight: 2,
                max_points: 5,
            },
            Criterion {
                code: "experience".into(),
                name: "Doświadczenie".into(),
                weight: 1,
                max_points: 3,
            },
        ];
        let ok = BTreeMap::from([("motivation".into(), 5), ("experience".into(), 2)]);
        assert_eq!(check_scores(&criteria, &ok).unwrap(), 12);
        assert_eq!(max_total(&criteria), 13);
        assert_eq!(percent(12, 1, 13), Some(92.31));
        let bad = BTreeMap::from([("motivation".into(), 6), ("luck".into(), 1)]);
        let err = check_scores(&criteria, &bad).unwrap_err();
        let fields: Vec<(&str, &str)> = err
            .field_errors()
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            fields,
            vec![
                ("scores.motivation", "out_of_range"),
                ("scores.experience", "required"),
                ("scores.luck", "unknown"),
            ]
        );
    }

    #[test]
    fn each_mode_asks_for_its_own_settings() {
        let one = vec![Criterion {
            code: "a".into(),
            name: "A".into(),
            weight: 1,
            max_points: 1,
        }];
        assert!(check_selection(SelectionMode::Review, &one, Some(3)).is_empty());
        assert_eq!(
            check_selection(SelectionMode::Review, &[], None)[0].field,
            "criteria"
        );
        let fc = check_selection(SelectionMode::FirstCome, &one, Some(1));
        assert_eq!(fc.len(), 2);
    }
}
