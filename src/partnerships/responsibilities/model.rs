//! What a responsibility is, as stored and as the API shows and takes it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{ResponsibilityCategory, TaskStatus, is_overdue};
use crate::db::enums::StrEnum;
use crate::db::schema::responsibilities as rs;
use crate::error::ApiError;
use crate::http::extract::double_option;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = rs)]
pub struct TaskRow {
    pub id: String,
    pub partnership_id: String,
    pub member_id: String,
    pub category: String,
    pub title: String,
    pub description: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub status: String,
    pub evidence: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A responsibility of a partnership member.
#[derive(Debug, Serialize, ToSchema)]
pub struct Responsibility {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub partnership_id: String,
    /// The membership the task is assigned to.
    #[schema(format = Uuid)]
    pub member_id: String,
    pub category: ResponsibilityCategory,
    #[schema(max_length = 500)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub due_on: Option<NaiveDate>,
    pub status: TaskStatus,
    /// Open and past its due date, by the server's clock.
    pub overdue: bool,
    /// What shows the task was done (required to complete it).
    #[schema(max_length = 2000)]
    pub evidence: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

crate::record!(TaskRow, rs, "responsibility");

/// The responsibility as the API shows it on `today` (which decides `overdue`).
pub fn present(r: TaskRow, today: NaiveDate) -> Result<Responsibility, ApiError> {
    let status = TaskStatus::stored(&r.status)?;
    Ok(Responsibility {
        overdue: is_overdue(status, r.due_on, today),
        category: ResponsibilityCategory::stored(&r.category)?,
        id: r.id,
        partnership_id: r.partnership_id,
        member_id: r.member_id,
        title: r.title,
        description: r.description,
        due_on: r.due_on,
        status,
        evidence: r.evidence,
        created_at: r.created_at.into(),
        updated_at: r.updated_at.into(),
        version: r.version,
    })
}

/// Today, by the server's clock.
pub fn today() -> NaiveDate {
    crate::db::now().date()
}

/// Filters of the responsibilities list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResponsibilityFilter {
    #[param(value_type = Option<String>, format = Uuid)]
    pub member_id: Option<RecordId>,
    pub category: Option<ResponsibilityCategory>,
    pub status: Option<TaskStatus>,
    /// Only tasks still open after their due date (`true`), or only the others.
    pub overdue: Option<bool>,
}

/// A new responsibility.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateResponsibility {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub member_id: String,
    pub category: ResponsibilityCategory,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub due_on: Option<NaiveDate>,
}

/// Due date of the tasks a template creates.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyTemplate {
    /// The due date of every created task (optional).
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub due_on: Option<NaiveDate>,
}

/// The tasks a call created.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponsibilityList {
    #[schema(max_items = 8)]
    pub items: Vec<Responsibility>,
}

/// Changes to a responsibility: an absent field is unchanged, `null` clears it.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateResponsibility {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<NaiveDate>)]
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub due_on: Option<Option<NaiveDate>>,
}

/// What shows a responsibility was done.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteResponsibility {
    /// A description of, or link to, the evidence (minutes, photos, a report).
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub evidence: String,
}

crate::http::pagination::page_schema!(
    ResponsibilityPage,
    Responsibility,
    "A page of responsibilities."
);
