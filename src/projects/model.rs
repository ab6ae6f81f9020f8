//! What a project is, as stored and as the API shows and takes it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::ProjectStatus;
use crate::db::enums::StrEnum;
use crate::db::schema::projects as pr;
use crate::error::ApiError;
use crate::http::extract::double_option;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pr)]
pub struct ProjectRow {
    pub id: String,
    pub code: String,
    pub title: String,
    pub funding_programme: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub lead_organization_id: Option<String>,
    pub status: String,
    pub description: Option<String>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A project.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000003", "code": "POWER-2.19", "title": "Model współpracy",
    "funding_programme": "POWER 2014-2020", "starts_on": "2026-01-01", "ends_on": "2027-12-31",
    "lead_organization_id": null, "status": "planned", "description": null, "archived_at": null,
    "created_at": "2026-11-26T10:00:00.000000Z", "updated_at": "2026-11-26T10:00:00.000000Z", "version": 1
}))]
pub struct Project {
    #[schema(format = Uuid)]
    pub id: String,
    /// A short unique code, e.g. the grant agreement number.
    #[schema(max_length = 50)]
    pub code: String,
    #[schema(max_length = 500)]
    pub title: String,
    #[schema(max_length = 200)]
    pub funding_programme: Option<String>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    #[schema(format = Uuid)]
    pub lead_organization_id: Option<String>,
    pub status: ProjectStatus,
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    pub archived_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<ProjectRow> for Project {
    type Error = ApiError;

    fn try_from(r: ProjectRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: r.id,
            code: r.code,
            title: r.title,
            funding_programme: r.funding_programme,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            lead_organization_id: r.lead_organization_id,
            status: ProjectStatus::stored(&r.status)?,
            description: r.description,
            archived_at: r.archived_at.map(Into::into),
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

crate::record!(ProjectRow, pr, "project");

/// Filters of `GET /api/v1/projects`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilter {
    pub status: Option<ProjectStatus>,
    #[param(value_type = Option<String>, format = Uuid)]
    pub lead_organization_id: Option<RecordId>,
    /// Text in the title; case and diacritics are ignored.
    #[param(max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub q: Option<String>,
    /// Include archived projects (default false).
    pub include_archived: Option<bool>,
}

/// A new project; it starts `planned`.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateProject {
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub code: String,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub funding_programme: Option<String>,
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub starts_on: Option<NaiveDate>,
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub ends_on: Option<NaiveDate>,
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub lead_organization_id: Option<String>,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
}

/// Changes to a project: an absent field is unchanged, `null` clears it. The
/// status changes only through `activate` and `close`.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProject {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub funding_programme: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<NaiveDate>)]
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub starts_on: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<NaiveDate>)]
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub ends_on: Option<Option<NaiveDate>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub lead_organization_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 20000)]
    #[validate(length(max = 20000))]
    pub description: Option<Option<String>>,
}

crate::http::pagination::page_schema!(ProjectPage, Project, "A page of projects.");
