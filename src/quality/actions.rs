//! Action items: what a round's recommendations become — an action, the
//! organisation (and person) that owns it, a due date and how it stands —
//! and their review by the next round of the same local government.

use actix_web::http::header::EntityTag;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::model::{MethodologyRow, RoundRow};
use super::rounds::assesses;
use super::rules::RoundStatus;
use super::store;
use crate::audit::{self, Caller, Change};
use crate::auth::Actor;
use crate::db::DbConn;
use crate::db::enums::StrEnum;
use crate::db::record::{self, Record};
use crate::db::references::{ensure_organization, ensure_person};
use crate::db::schema::{quality_action_items as ai, quality_rounds as qr};
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::http::timestamp::Timestamp;
use crate::http::transition::guard;

/// The most action items a round holds.
pub const MAX_PER_ROUND: i64 = 200;

crate::string_enum! {
    "action item status"
    /// How an action item stands.
    #[derive(ToSchema)]
    pub enum ActionStatus {
        Planned = "planned",
        InProgress = "in_progress",
        Done = "done",
        Dropped = "dropped",
    }
}

impl ActionStatus {
    /// Done or dropped: nothing more is expected of it.
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::Dropped)
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ai)]
pub struct ActionItemRow {
    pub id: String,
    pub round_id: String,
    pub indicator_code: Option<String>,
    pub action: String,
    pub owner_organization_id: String,
    pub owner_person_id: Option<String>,
    pub due_on: NaiveDate,
    pub status: String,
    pub review: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(ActionItemRow, ai, "action item");

/// An action item of a round.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionItem {
    #[schema(format = Uuid)]
    pub id: String,
    /// The round whose recommendation it follows.
    #[schema(format = Uuid)]
    pub round_id: String,
    /// The indicator whose recommendation it follows, if one.
    #[schema(max_length = 20)]
    pub indicator_code: Option<String>,
    /// What is to be done.
    #[schema(max_length = 2000)]
    pub action: String,
    /// The organisation that owns it (the local government, or an NGO).
    #[schema(format = Uuid)]
    pub owner_organization_id: String,
    /// The person who owns it, if one.
    #[schema(format = Uuid)]
    pub owner_person_id: Option<String>,
    pub due_on: NaiveDate,
    pub status: ActionStatus,
    /// Past its due date and neither done nor dropped (by the server's
    /// clock).
    pub overdue: bool,
    /// What became of it, as the next round found.
    #[schema(max_length = 5000)]
    pub review: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl ActionItem {
    /// `r` as shown on `today`.
    pub fn new(r: ActionItemRow, today: NaiveDate) -> Result<Self, ApiError> {
        let status = ActionStatus::stored(&r.status)?;
        Ok(Self {
            overdue: is_overdue(status, r.due_on, today),
            status,
            id: r.id,
            round_id: r.round_id,
            indicator_code: r.indicator_code,
            action: r.action,
            owner_organization_id: r.owner_organization_id,
            owner_person_id: r.owner_person_id,
            due_on: r.due_on,
            review: r.review,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A new action item.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateActionItem {
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub action: String,
    /// An indicator of the round's methodology whose recommendation it
    /// follows.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub indicator_code: Option<String>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub owner_organization_id: String,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub owner_person_id: Option<String>,
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub due_on: NaiveDate,
    /// `planned` if not given.
    pub status: Option<ActionStatus>,
}

/// Changes to an action item: an absent field is unchanged, `null` clears
/// it.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateActionItem {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub action: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 20))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 20)]
    pub indicator_code: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub owner_organization_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub owner_person_id: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub due_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ActionStatus>,
    /// What became of it, as the next round found.
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(
        length(min = 1, max = 5000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 5000)]
    pub review: Option<Option<String>>,
}

crate::http::pagination::page_schema!(ActionItemPage, ActionItem, "A page of action items.");

/// How many of a review's items stand in each status.
#[derive(Debug, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ActionCounts {
    #[schema(minimum = 0, maximum = 200)]
    pub planned: i64,
    #[schema(minimum = 0, maximum = 200)]
    pub in_progress: i64,
    #[schema(minimum = 0, maximum = 200)]
    pub done: i64,
    #[schema(minimum = 0, maximum = 200)]
    pub dropped: i64,
    /// Past their due date and neither done nor dropped.
    #[schema(minimum = 0, maximum = 200)]
    pub overdue: i64,
}

/// The action items of the same local government's previous completed
/// round, for a round to review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActionReview {
    #[schema(format = Uuid)]
    pub round_id: String,
    /// `null` when the local government has no earlier completed round.
    #[schema(format = Uuid)]
    pub previous_round_id: Option<String>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub previous_year: Option<i32>,
    pub counts: ActionCounts,
    /// Every action item of the previous round, by due date.
    #[schema(max_items = 200)]
    pub items: Vec<ActionItem>,
}

/// The tag of `r` as shown on `today`: its version, and `.overdue` once it
/// is, so that a cached copy does not keep showing it on time. `If-Match`
/// needs only the version (`{id}.v{version}`) to be current.
pub fn tag(r: &ActionItemRow, today: NaiveDate) -> EntityTag {
    let overdue = ActionStatus::stored(&r.status)
        .map(|s| is_overdue(s, r.due_on, today))
        .unwrap_or(false);
    let base = format!("{}.v{}", r.id, r.version);
    EntityTag::new_strong(if overdue {
        format!("{base}.overdue")
    } else {
        base
    })
}

/// Whether an item in `status` due on `due_on` is overdue on `today`.
pub fn is_overdue(status: ActionStatus, due_on: NaiveDate, today: NaiveDate) -> bool {
    !status.is_closed() && due_on < today
}

/// The counts of `items`.
pub fn count(items: &[ActionItem]) -> ActionCounts {
    let mut c = ActionCounts::default();
    for item in items {
        *match item.status {
            ActionStatus::Planned => &mut c.planned,
            ActionStatus::InProgress => &mut c.in_progress,
            ActionStatus::Done => &mut c.done,
            ActionStatus::Dropped => &mut c.dropped,
        } += 1;
        c.overdue += i64::from(item.overdue);
    }
    c
}

/// 409 unless `round` takes action items: in progress or completed (a
/// draft has no recommendations yet; a cancelled round is final).
fn taking_items(round: &RoundRow) -> Result<(), ApiError> {
    match round.status()? {
        RoundStatus::InProgress | RoundStatus::Completed => Ok(()),
        status => Err(ApiError::new(
            ProblemCode::Conflict,
            format!("A round that is {status} has no action items to change."),
        )),
    }
}

/// 403 unless `actor` may write `round`'s action items: those who assess
/// it, and the working group of a later round of the same local
/// government (which reviews them).
pub fn authorize_items(conn: &mut DbConn, actor: &Actor, round: &RoundRow) -> Result<(), ApiError> {
    if assesses(conn, actor, round)? {
        return Ok(());
    }
    let later: Vec<RoundRow> = qr::table
        .filter(qr::organization_id.eq(&round.organization_id))
        .filter(qr::year.gt(round.year))
        .filter(qr::status.ne(RoundStatus::Cancelled.as_str()))
        .select(RoundRow::as_select())
        .load(conn)?;
    for next in &later {
        if store::in_working_group(conn, actor, next.id())? {
            return Ok(());
        }
    }
    Err(ApiError::new(
        ProblemCode::Forbidden,
        "Your roles do not allow this operation on this record.",
    ))
}

/// 422 naming every field at fault: `code` (if any) is not an indicator
/// of `round`'s methodology, the owner organisation or person does not
/// exist, `due_on` is outside the years 2000–2100.
fn check_fields(
    conn: &mut DbConn,
    round: &RoundRow,
    code: Option<&str>,
    organization: Option<&str>,
    person: Option<&str>,
    due_on: Option<NaiveDate>,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if let Some(code) = code {
        let doc = record::find::<MethodologyRow>(conn, &round.methodology_id)?.document()?;
        if doc.indicator(code).is_none() {
            errors.push(FieldError::new(
                "indicator_code",
                "unknown_indicator",
                format!("the round's methodology has no indicator `{code}`"),
            ));
        }
    }
    // A missing reference is a field error to report with the others.
    let faults = |r: Result<(), ApiError>| match r {
        Ok(()) => Ok(Vec::new()),
        Err(e) if !e.field_errors().is_empty() => Ok(e.field_errors().to_vec()),
        Err(e) => Err(e),
    };
    if let Some(org) = organization {
        errors.extend(faults(ensure_organization(
            conn,
            org,
            "owner_organization_id",
        ))?);
    }
    if let Some(person) = person {
        errors.extend(faults(ensure_person(conn, person, "owner_person_id"))?);
    }
    if let Some(day) = due_on
        && !(2000..=2100).contains(&day.year())
    {
        errors.push(FieldError::new(
            "due_on",
            "out_of_range",
            "is a day of the years 2000 to 2100",
        ));
    }
    guard(errors)
}

/// Adds an action item to `round` (locked by the caller).
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    round: &RoundRow,
    form: CreateActionItem,
) -> Result<ActionItemRow, ApiError> {
    taking_items(round)?;
    check_fields(
        conn,
        round,
        form.indicator_code.as_deref(),
        Some(&form.owner_organization_id),
        form.owner_person_id.as_deref(),
        Some(form.due_on),
    )?;
    let held: i64 = ai::table
        .filter(ai::round_id.eq(round.id()))
        .count()
        .get_result(conn)?;
    if held >= MAX_PER_ROUND {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!("A round holds at most {MAX_PER_ROUND} action items."),
        ));
    }
    let id = crate::db::new_id();
    let now = crate::db::now();
    diesel::insert_into(ai::table)
        .values((
            ai::id.eq(&id),
            ai::round_id.eq(round.id()),
            ai::indicator_code.eq(&form.indicator_code),
            ai::action.eq(form.action.trim()),
            ai::owner_organization_id.eq(&form.owner_organization_id),
            ai::owner_person_id.eq(&form.owner_person_id),
            ai::due_on.eq(form.due_on),
            ai::status.eq(form.status.unwrap_or(ActionStatus::Planned).as_str()),
            ai::created_at.eq(now),
            ai::updated_at.eq(now),
            ai::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("quality_action_item", &id, "create")
        .form(&form, &[])
        .value("round_id", round.id());
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Changes `current` (read with [`record::for_change`]) of `round`.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    round: &RoundRow,
    current: ActionItemRow,
    changes: UpdateActionItem,
) -> Result<ActionItemRow, ApiError> {
    taking_items(round)?;
    check_fields(
        conn,
        round,
        changes.indicator_code.as_ref().and_then(|c| c.as_deref()),
        changes.owner_organization_id.as_deref(),
        changes.owner_person_id.as_ref().and_then(|p| p.as_deref()),
        changes.due_on,
    )?;
    diesel::update(ai::table.find(current.id()))
        .set((
            ai::action.eq(changes
                .action
                .as_deref()
                .map_or(current.action.clone(), |a| a.trim().to_owned())),
            ai::indicator_code.eq(changes
                .indicator_code
                .clone()
                .unwrap_or(current.indicator_code.clone())),
            ai::owner_organization_id.eq(changes
                .owner_organization_id
                .clone()
                .unwrap_or(current.owner_organization_id.clone())),
            ai::owner_person_id.eq(changes
                .owner_person_id
                .clone()
                .unwrap_or(current.owner_person_id.clone())),
            ai::due_on.eq(changes.due_on.unwrap_or(current.due_on)),
            ai::status.eq(changes
                .status
                .map_or(current.status.clone(), |s| s.as_str().into())),
            ai::review.eq(changes
                .review
                .clone()
                .map_or(current.review.clone(), |r| r.map(|r| r.trim().to_owned()))),
            ai::updated_at.eq(crate::db::now()),
            ai::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("quality_action_item", current.id(), "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// Every action item of round `id`, by due date then id.
pub fn of_round(conn: &mut DbConn, id: &str) -> Result<Vec<ActionItemRow>, ApiError> {
    Ok(ai::table
        .filter(ai::round_id.eq(id))
        .order((ai::due_on, ai::id))
        .select(ActionItemRow::as_select())
        .load(conn)?)
}

/// The review of `round`: the action items of the same local government's
/// previous completed round, as they stand on `today`.
pub fn review(
    conn: &mut DbConn,
    round: &RoundRow,
    today: NaiveDate,
) -> Result<ActionReview, ApiError> {
    let previous = store::previous_round(conn, round)?;
    let items = match &previous {
        Some(p) => of_round(conn, p.id())?
            .into_iter()
            .map(|r| ActionItem::new(r, today))
            .collect::<Result<Vec<_>, _>>()?,
        None => Vec::new(),
    };
    Ok(ActionReview {
        round_id: round.id.clone(),
        previous_round_id: previous.as_ref().map(|p| p.id.clone()),
        previous_year: previous.map(|p| p.year),
        counts: count(&items),
        items,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn item(status: ActionStatus, due: &str, today: &str) -> ActionItem {
        let at = day("2026-01-01").and_hms_opt(0, 0, 0).unwrap();
        ActionItem::new(
            ActionItemRow {
                id: "i".into(),
                round_id: "r".into(),
                indicator_code: None,
                action: "a".into(),
                owner_organization_id: "o".into(),
                owner_person_id: None,
                due_on: day(due),
                status: status.as_str().into(),
                review: None,
                created_at: at,
                updated_at: at,
                version: 1,
            },
            day(today),
        )
        .unwrap()
    }

    #[test]
    fn an_open_item_past_its_due_date_is_overdue() {
        let today = "2026-06-15";
        assert!(item(ActionStatus::Planned, "2026-06-14", today).overdue);
        assert!(item(ActionStatus::InProgress, "2026-01-01", today).overdue);
        assert!(!item(ActionStatus::Planned, "2026-06-15", today).overdue);
        assert!(!item(ActionStatus::Done, "2026-01-01", today).overdue);
        assert!(!item(ActionStatus::Dropped, "2026-01-01", today).overdue);
    }

    #[test]
    fn a_review_counts_each_status_and_the_overdue() {
        let today = "2026-06-15";
        let items = vec![
            item(ActionStatus::Planned, "2026-01-01", today),
            item(ActionStatus::Planned, "2026-12-31", today),
            item(ActionStatus::InProgress, "2026-03-01", today),
            item(ActionStatus::Done, "2026-03-01", today),
            item(ActionStatus::Dropped, "2026-03-01", today),
        ];
        assert_eq!(
            count(&items),
            ActionCounts {
                planned: 2,
                in_progress: 1,
                done: 1,
                dropped: 1,
                overdue: 2,
            }
        );
        assert_eq!(count(&[]), ActionCounts::default());
    }
}
