//! Writing result indicators: the one place an indicator is inserted or
//! changed, used by the handlers and by the demo data alike. Each function runs
//! inside the caller's write transaction and records the change.

use diesel::prelude::*;

use super::model::{CreateIndicator, IndicatorRow, UpdateIndicator};
use super::rules::{IndicatorKind, unfit_parameters};
use crate::activities::rules::ActivityType;
use crate::audit::{self, Caller, Change};
use crate::db::enums::StrEnum;
use crate::db::record;
use crate::db::schema::result_indicators as ri;
use crate::db::{DbConn, new_id, now};
use crate::error::ApiError;
use crate::http::transition::guard;

/// Inserts an indicator of project `project_id` (which exists).
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    project_id: &str,
    mut form: CreateIndicator,
) -> Result<IndicatorRow, ApiError> {
    guard(unfit_parameters(
        form.kind,
        form.value,
        form.activity_type,
        form.category.as_deref(),
    ))?;
    form.name = form.name.trim().to_owned();
    form.unit = form.unit.trim().to_owned();
    let id = new_id();
    let now = now();
    diesel::insert_into(ri::table)
        .values((
            ri::id.eq(&id),
            ri::project_id.eq(project_id),
            ri::name.eq(&form.name),
            ri::unit.eq(&form.unit),
            ri::target.eq(form.target),
            ri::kind.eq(form.kind.as_str()),
            ri::manual_value.eq(form.value),
            ri::activity_type.eq(form.activity_type.map(ActivityType::as_str)),
            ri::category.eq(&form.category),
            ri::created_at.eq(now),
            ri::updated_at.eq(now),
            ri::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("result_indicator", &id, "create")
        .value("project_id", project_id)
        .form(&form, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Applies `changes` to `current` (locked); the kind stays, and takes only
/// its parameters.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    current: IndicatorRow,
    mut changes: UpdateIndicator,
) -> Result<IndicatorRow, ApiError> {
    let kind = IndicatorKind::stored(&current.kind)?;
    guard(unfit_parameters(
        kind,
        changes.value.flatten(),
        changes.activity_type.flatten(),
        changes.category.clone().flatten().as_deref(),
    ))?;
    for text in [&mut changes.name, &mut changes.unit].into_iter().flatten() {
        *text = text.trim().to_owned();
    }
    let activity_type = match changes.activity_type {
        Some(t) => t.map(|t| t.as_str().to_owned()),
        None => current.activity_type,
    };
    let category = match &changes.category {
        Some(c) => c.clone(),
        None => current.category,
    };
    diesel::update(ri::table.find(&current.id))
        .set((
            ri::name.eq(changes.name.as_ref().unwrap_or(&current.name)),
            ri::unit.eq(changes.unit.as_ref().unwrap_or(&current.unit)),
            ri::target.eq(changes.target.unwrap_or(current.target)),
            ri::manual_value.eq(changes.value.unwrap_or(current.manual_value)),
            ri::activity_type.eq(&activity_type),
            ri::category.eq(&category),
            ri::updated_at.eq(now()),
            ri::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("result_indicator", &current.id, "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &current.id)
}
