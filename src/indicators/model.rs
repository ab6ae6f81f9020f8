//! What a result indicator is, as stored and as the API shows and takes it;
//! its achieved value is computed when it is read.

use actix_web::http::header::EntityTag;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::rules::{IndicatorKind, percent};
use crate::activities::rules::ActivityType;
use crate::db::DbConn;
use crate::db::enums::StrEnum;
use crate::db::schema::{activities as act, result_indicators as ri};
use crate::error::ApiError;
use crate::http::extract::double_option;
use crate::http::timestamp::Timestamp;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ri)]
pub struct IndicatorRow {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub unit: String,
    pub target: f64,
    pub kind: String,
    pub manual_value: Option<f64>,
    pub activity_type: Option<String>,
    pub category: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(IndicatorRow, ri, "result indicator");

/// A result indicator of a project.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000030", "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "name": "Campaign actions", "unit": "actions", "target": 10, "kind": "activity_count",
    "activity_type": "campaign_action", "value": null, "achieved": 7, "percent": 70.0,
    "created_at": "2026-11-26T10:00:00.000000Z", "updated_at": "2026-11-26T10:00:00.000000Z", "version": 1
}))]
pub struct Indicator {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub project_id: String,
    #[schema(max_length = 300)]
    pub name: String,
    /// What is counted: people, actions, trainings, documents, ...
    #[schema(max_length = 50)]
    pub unit: String,
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub target: f64,
    pub kind: IndicatorKind,
    /// For the activity kinds: only activities of this type count.
    pub activity_type: Option<ActivityType>,
    /// For `accepted_participants`: only applicants of this category count.
    #[schema(max_length = 50)]
    pub category: Option<String>,
    /// The entered value of a `manual` indicator.
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub value: Option<f64>,
    /// What has been achieved: the entered value, or the value computed now.
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub achieved: Option<f64>,
    /// `achieved` as a percentage of `target`, to one decimal.
    #[schema(minimum = 0)]
    pub percent: Option<f64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl Indicator {
    /// The tag names the computed value too, so that a cached computed
    /// indicator is refreshed when its data change.
    pub fn etag(&self) -> EntityTag {
        let achieved = self.achieved.map_or(0, f64::to_bits);
        EntityTag::new_strong(format!("{}.v{}.{achieved:x}", self.id, self.version))
    }
}

/// The achieved value of an indicator, computed now for the computed kinds.
fn achieved(conn: &mut DbConn, r: &IndicatorRow) -> Result<Option<f64>, ApiError> {
    let of_project = || {
        let mut q = act::table
            .filter(act::project_id.eq(r.project_id.clone()))
            .into_boxed();
        if let Some(t) = &r.activity_type {
            q = q.filter(act::kind.eq(t.clone()));
        }
        q
    };
    Ok(match IndicatorKind::stored(&r.kind)? {
        IndicatorKind::Manual => r.manual_value,
        IndicatorKind::ActivityCount => {
            let n: i64 = of_project().count().get_result(conn)?;
            Some(n as f64)
        }
        IndicatorKind::AcceptedParticipants => {
            use crate::db::schema::{applications as ap, calls as cl};
            let calls = cl::table
                .filter(cl::project_id.eq(r.project_id.clone()))
                .select(cl::id);
            let mut q = ap::table
                .filter(ap::call_id.eq_any(calls))
                .filter(ap::status.eq("accepted"))
                .into_boxed();
            if let Some(c) = &r.category {
                q = q.filter(ap::category.eq(c.clone()));
            }
            let n: i64 = q.count().get_result(conn)?;
            Some(n as f64)
        }
        IndicatorKind::CompletedTraining => {
            Some(crate::training::results::completed_in_project(conn, &r.project_id)? as f64)
        }
        IndicatorKind::ActivityAttendance => {
            let total: Option<i64> = of_project()
                .select(diesel::dsl::sum(act::attendance))
                .first(conn)?;
            Some(total.unwrap_or(0) as f64)
        }
    })
}

/// The indicator as the API shows it, its achieved value computed now.
pub fn show(conn: &mut DbConn, r: IndicatorRow) -> Result<Indicator, ApiError> {
    let achieved = achieved(conn, &r)?;
    Ok(Indicator {
        percent: percent(r.target, achieved),
        achieved,
        kind: IndicatorKind::stored(&r.kind)?,
        activity_type: r
            .activity_type
            .as_deref()
            .map(ActivityType::stored)
            .transpose()?,
        category: r.category,
        id: r.id,
        project_id: r.project_id,
        name: r.name,
        unit: r.unit,
        target: r.target,
        value: r.manual_value,
        created_at: r.created_at.into(),
        updated_at: r.updated_at.into(),
        version: r.version,
    })
}

/// A new result indicator.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Civil servants trained", "unit": "people", "target": 20, "kind": "manual", "value": 0
}))]
pub struct CreateIndicator {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 50)]
    pub unit: String,
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub target: f64,
    pub kind: IndicatorKind,
    /// For the activity kinds: count only activities of this type.
    pub activity_type: Option<ActivityType>,
    /// For `accepted_participants`: count only applicants of this category
    /// (a category code of the project's calls, such as `ngo`).
    #[serde(default)]
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub category: Option<String>,
    /// For a `manual` indicator: the value achieved so far.
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub value: Option<f64>,
}

/// Changes to an indicator: an absent field is unchanged, `null` clears it. The
/// kind cannot change; create another indicator instead.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIndicator {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 50)]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub target: Option<f64>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<ActivityType>)]
    pub activity_type: Option<Option<ActivityType>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 50))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 50)]
    pub category: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(value_type = Option<f64>, minimum = 0, maximum = 1000000000000_f64)]
    pub value: Option<Option<f64>>,
}

/// One line of the project report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportLine {
    #[schema(format = Uuid)]
    pub indicator_id: String,
    #[schema(max_length = 300)]
    pub name: String,
    #[schema(max_length = 50)]
    pub unit: String,
    pub kind: IndicatorKind,
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub target: f64,
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub achieved: Option<f64>,
    #[schema(minimum = 0)]
    pub percent: Option<f64>,
}

impl From<Indicator> for ReportLine {
    fn from(i: Indicator) -> Self {
        Self {
            indicator_id: i.id,
            name: i.name,
            unit: i.unit,
            kind: i.kind,
            target: i.target,
            achieved: i.achieved,
            percent: i.percent,
        }
    }
}

/// A project's results: every indicator with target, achieved and percent, and
/// the activity totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectReport {
    #[schema(format = Uuid)]
    pub project_id: String,
    #[schema(max_length = 50)]
    pub code: String,
    #[schema(max_length = 500)]
    pub title: String,
    /// When the computed values were computed.
    pub generated_at: Timestamp,
    #[schema(max_items = 1000)]
    pub indicators: Vec<ReportLine>,
    /// The project's activities.
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub activities: i64,
    /// Their total attendance.
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub attendance: i64,
}

crate::http::pagination::page_schema!(IndicatorPage, Indicator, "A page of result indicators.");
