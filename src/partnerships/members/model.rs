//! What a partnership member is, as stored and as the API shows and takes it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::db::schema::partnership_members as pm;
use crate::http::extract::double_option;
use crate::http::timestamp::Timestamp;
use crate::organizations::model::OrganizationKind;
use crate::partnerships::rules::PartnerRole;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pm)]
pub struct MemberRow {
    pub id: String,
    pub partnership_id: String,
    pub organization_id: String,
    pub role: String,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    pub local_coordinator_person_id: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(MemberRow, pm, "partnership member");

/// A person in a member's working team.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct TeamMember {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub person_id: String,
    /// For example `management` or `executive`.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub team_role: String,
}

/// A membership period of an organisation in a partnership.
#[derive(Debug, Serialize, ToSchema)]
pub struct PartnershipMember {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub partnership_id: String,
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(max_length = 300)]
    pub organization_name: String,
    pub organization_kind: OrganizationKind,
    pub role: PartnerRole,
    pub joined_on: NaiveDate,
    /// Set when the member left; the record stays as history.
    pub left_on: Option<NaiveDate>,
    /// Whether the member is current (has not left).
    pub current: bool,
    /// The person the member designated to run its part.
    #[schema(format = Uuid)]
    pub local_coordinator_person_id: Option<String>,
    /// The member's working team (usually 3–4 people).
    #[schema(max_items = 20)]
    pub working_team: Vec<TeamMember>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

/// Adds an organisation to a partnership.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddPartnershipMember {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organization_id: String,
    pub role: PartnerRole,
    /// Default: today.
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub joined_on: Option<NaiveDate>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub local_coordinator_person_id: Option<String>,
}

/// Changes a member's role, local coordinator or working team.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePartnershipMember {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<PartnerRole>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub local_coordinator_person_id: Option<Option<String>>,
    /// Replaces the working team.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub working_team: Option<Vec<TeamMember>>,
}

/// When a member leaves.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeavePartnership {
    /// Default: today. Not before the member joined.
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub left_on: Option<NaiveDate>,
}

crate::http::pagination::page_schema!(
    PartnershipMemberPage,
    PartnershipMember,
    "A page of a partnership's members."
);
