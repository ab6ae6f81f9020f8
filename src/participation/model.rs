//! What participation bodies and their members are, as stored and as the
//! API shows and takes them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{BodyKind, BodyMemberRole, Constituency};
use crate::db::enums::StrEnum;
use crate::db::schema::{participation_bodies as pb, participation_body_members as pm};
use crate::error::ApiError;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pb)]
pub struct BodyRow {
    pub id: String,
    pub name: String,
    pub name_search: String,
    pub kind: String,
    pub territorial_unit_code: String,
    pub secretariat_organization_id: String,
    pub description: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(BodyRow, pb, "participation body");

/// A participation body: a Regional Social Platform, a public-benefit
/// council or another standing body in which constituencies take part in
/// consultations together.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000040", "name": "Regionalna Platforma Społeczna Województwa Pomorskiego",
    "kind": "regional_social_platform", "territorial_unit_code": "22",
    "secretariat_organization_id": "019a1b2c-0000-7000-8000-000000000001", "description": null,
    "created_at": "2026-11-26T10:00:00.000000Z", "updated_at": "2026-11-26T10:00:00.000000Z", "version": 1
}))]
pub struct ParticipationBody {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(max_length = 300)]
    pub name: String,
    pub kind: BodyKind,
    /// The region it works in (a territorial unit's code).
    #[schema(max_length = 20)]
    pub territorial_unit_code: String,
    /// The organisation that runs its secretariat: its admins manage the
    /// body, and its members file the body's collective opinions.
    #[schema(format = Uuid)]
    pub secretariat_organization_id: String,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<BodyRow> for ParticipationBody {
    type Error = ApiError;

    fn try_from(r: BodyRow) -> Result<Self, ApiError> {
        Ok(Self {
            kind: BodyKind::stored(&r.kind)?,
            id: r.id,
            name: r.name,
            territorial_unit_code: r.territorial_unit_code,
            secretariat_organization_id: r.secretariat_organization_id,
            description: r.description,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A new participation body.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateParticipationBody {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    pub kind: BodyKind,
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub territorial_unit_code: String,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub secretariat_organization_id: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
}

/// Changes to a body: an absent field is unchanged, `null` clears it.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateParticipationBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<BodyKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub territorial_unit_code: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<String>>,
}

/// Filters of the list of bodies.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BodyFilter {
    pub kind: Option<BodyKind>,
    /// Only the bodies of this territorial unit (exactly this code).
    #[param(max_length = 20, pattern = "^[A-Za-z0-9-]{1,20}$")]
    pub territorial_unit_code: Option<String>,
    /// Only the bodies this organisation runs the secretariat of.
    #[param(value_type = Option<String>, format = Uuid)]
    pub organization_id: Option<RecordId>,
}

crate::http::pagination::page_schema!(
    ParticipationBodyPage,
    ParticipationBody,
    "A page of participation bodies."
);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = pm)]
pub struct MemberRow {
    pub id: String,
    pub body_id: String,
    pub constituency: String,
    pub name: String,
    pub organization_id: Option<String>,
    pub role: String,
    pub joined_on: NaiveDate,
    pub left_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(MemberRow, pm, "body member");

/// A member of a participation body: whom they speak for, from when, until
/// when.
#[derive(Debug, Serialize, ToSchema)]
pub struct BodyMember {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub body_id: String,
    pub constituency: Constituency,
    /// The member's name. For the `excluded_persons` constituency it is
    /// personal data: shown to those who manage the body only (`null` to
    /// anybody else).
    #[schema(max_length = 200)]
    pub name: Option<String>,
    /// The organisation the member represents.
    #[schema(format = Uuid)]
    pub organization_id: Option<String>,
    pub role: BodyMemberRole,
    pub joined_on: NaiveDate,
    /// The first day they no longer sit; `null` while they do.
    pub left_on: Option<NaiveDate>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl BodyMember {
    /// `row` as shown to a caller who manages the body (`private`) or not.
    pub fn new(r: MemberRow, private: bool) -> Result<Self, ApiError> {
        let constituency = Constituency::stored(&r.constituency)?;
        let name = (private || constituency != Constituency::ExcludedPersons).then_some(r.name);
        Ok(Self {
            constituency,
            name,
            role: BodyMemberRole::stored(&r.role)?,
            id: r.id,
            body_id: r.body_id,
            organization_id: r.organization_id,
            joined_on: r.joined_on,
            left_on: r.left_on,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A new member of a body. `ngo` and `administration` members represent an
/// organisation of a fitting kind.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBodyMember {
    pub constituency: Constituency,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organization_id: Option<String>,
    /// `member` if not given.
    pub role: Option<BodyMemberRole>,
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub joined_on: NaiveDate,
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub left_on: Option<NaiveDate>,
}

/// Changes to a member: an absent field is unchanged, `null` clears it. A
/// member who leaves gets `left_on`.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateBodyMember {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<BodyMemberRole>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub joined_on: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<NaiveDate>)]
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub left_on: Option<Option<NaiveDate>>,
}

/// Filters of a body's members.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberFilter {
    pub constituency: Option<Constituency>,
    /// Only those who sit on this day (e.g. today); all, past ones too, if
    /// not given.
    #[serde(default, deserialize_with = "crate::http::dates::query_day")]
    pub sitting_on: Option<NaiveDate>,
}

crate::http::pagination::page_schema!(BodyMemberPage, BodyMember, "A page of body members.");

/// The day a balance is reported for.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BalanceParams {
    /// The day (today, by the server's clock, if not given).
    #[serde(default, deserialize_with = "crate::http::dates::query_day")]
    pub on: Option<NaiveDate>,
}
