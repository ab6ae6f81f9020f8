//! What a partnership is, as stored and as the API shows and takes it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{PartnershipStatus, Transition};
use crate::db::enums::StrEnum;
use crate::db::schema::partnerships as ps;
use crate::error::ApiError;
use crate::http::extract::double_option;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;
use crate::http::transition::StateMachine;
use crate::organizations::model::OrganizationKind;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ps)]
pub struct PartnershipRow {
    pub id: String,
    pub name: String,
    pub purpose: Option<String>,
    pub project_id: Option<String>,
    pub cross_sector: bool,
    pub status: String,
    pub agreement_signed_on: Option<NaiveDate>,
    pub agreement_reference: Option<String>,
    pub agreement_document_url: Option<String>,
    pub dissolution_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// The partnership agreement.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate, Default)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// When the agreement was signed; required to activate the partnership.
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub signed_on: Option<NaiveDate>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub reference: Option<String>,
    /// A link to the signed document.
    #[validate(
        custom(function = "crate::http::extract::validate_http_url"),
        length(max = 500)
    )]
    #[schema(
        format = "uri",
        max_length = 500,
        pattern = "^[Hh][Tt][Tt][Pp][Ss]?://"
    )]
    pub document_url: Option<String>,
}

/// A partnership.
#[derive(Debug, Serialize, ToSchema)]
pub struct Partnership {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(max_length = 300)]
    pub name: String,
    #[schema(max_length = 5000)]
    pub purpose: Option<String>,
    #[schema(format = Uuid)]
    pub project_id: Option<String>,
    /// Cross-sector partnerships need an NGO and a public-sector member to be active.
    pub cross_sector: bool,
    pub status: PartnershipStatus,
    /// The transitions the current status allows.
    #[schema(max_items = 4)]
    pub allowed_transitions: Vec<Transition>,
    pub agreement: Agreement,
    /// Why the partnership was dissolved.
    #[schema(max_length = 2000)]
    pub dissolution_reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

crate::record!(PartnershipRow, ps, "partnership");

impl TryFrom<PartnershipRow> for Partnership {
    type Error = ApiError;

    fn try_from(r: PartnershipRow) -> Result<Self, ApiError> {
        let status = PartnershipStatus::stored(&r.status)?;
        Ok(Self {
            id: r.id,
            name: r.name,
            purpose: r.purpose,
            project_id: r.project_id,
            cross_sector: r.cross_sector,
            status,
            allowed_transitions: status.allowed().to_vec(),
            agreement: Agreement {
                signed_on: r.agreement_signed_on,
                reference: r.agreement_reference,
                document_url: r.agreement_document_url,
            },
            dissolution_reason: r.dissolution_reason,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// Filters of `GET /api/v1/partnerships`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnershipFilter {
    pub status: Option<PartnershipStatus>,
    #[param(value_type = Option<String>, format = Uuid)]
    pub project_id: Option<RecordId>,
    /// Partnerships this organisation is a current member of.
    #[param(value_type = Option<String>, format = Uuid)]
    pub organization_id: Option<RecordId>,
    /// Text in the name; case and diacritics are ignored.
    #[param(max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub q: Option<String>,
}

/// A new partnership; it starts as a `draft`.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePartnership {
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub purpose: Option<String>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub project_id: Option<String>,
    /// Default true: NGOs and public administration together.
    pub cross_sector: Option<bool>,
    #[validate(nested)]
    pub agreement: Option<Agreement>,
}

/// Changes to a partnership: an absent field is unchanged, `null` clears it.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePartnership {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub purpose: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cross_sector: Option<bool>,
    /// Replaces the agreement.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub agreement: Option<Agreement>,
}

/// Why a partnership is dissolved.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DissolveRequest {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// The sector mix of a partnership's current members.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectorMix {
    #[schema(format = Uuid)]
    pub partnership_id: String,
    /// Current members by organisation kind.
    #[schema(max_items = 6)]
    pub by_kind: Vec<KindCount>,
    /// NGOs and informal groups.
    #[schema(minimum = 0, maximum = 200)]
    pub civil_society: i64,
    /// Local government, government administration, public institutions.
    #[schema(minimum = 0, maximum = 200)]
    pub public_sector: i64,
    #[schema(minimum = 0, maximum = 200)]
    pub business: i64,
    /// True when both civil society and the public sector take part.
    pub cross_sector: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindCount {
    pub kind: OrganizationKind,
    #[schema(minimum = 0, maximum = 200)]
    pub members: i64,
}

crate::http::pagination::page_schema!(PartnershipPage, Partnership, "A page of partnerships.");
