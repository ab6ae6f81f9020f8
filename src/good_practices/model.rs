//! What a good practice is, as stored and as the API shows and takes it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{Area, Review, ReviewStatus};
use crate::db::enums::StrEnum;
use crate::db::schema::good_practices as gp;
use crate::error::ApiError;
use crate::http::extract::double_option;
use crate::http::ids::RecordId;
use crate::http::text_param;
use crate::http::timestamp::Timestamp;
use crate::http::transition::StateMachine;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = gp)]
pub struct GoodPracticeRow {
    pub id: String,
    pub project_id: String,
    pub organization_id: String,
    pub title: String,
    pub description: String,
    pub plane: i32,
    pub area: Option<String>,
    pub status: String,
    pub review_note: Option<String>,
    pub reviewed_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(GoodPracticeRow, gp, "good practice");

impl GoodPracticeRow {
    /// Whether the entry is in the compendium for every reader.
    pub fn is_accepted(&self) -> bool {
        self.status == ReviewStatus::Accepted.as_str()
    }

    /// The stored area (a value that does not parse is a 500).
    pub fn stored_area(&self) -> Result<Option<Area>, ApiError> {
        self.area.as_deref().map(Area::stored).transpose()
    }
}

/// An entry of the good-practice compendium.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000040", "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "organization_id": "019a1b2c-0000-7000-8000-000000000001",
    "title": "Współpraca przy konsultacjach programu", "description": "Jak gmina i NGO wspólnie...",
    "plane": 1, "area": "consulting_draft_acts", "tags": ["konsultacje", "program współpracy"],
    "status": "accepted", "allowed_transitions": [], "review_note": null,
    "reviewed_at": "2026-11-26T10:00:00.000000Z",
    "created_at": "2026-11-26T10:00:00.000000Z", "updated_at": "2026-11-26T10:00:00.000000Z", "version": 2
}))]
pub struct GoodPractice {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub project_id: String,
    /// The organisation whose practice it is.
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(max_length = 300)]
    pub title: String,
    #[schema(max_length = 20000)]
    pub description: String,
    /// The plane of the cooperation model: 1 public policy, 2 public tasks,
    /// 3 infrastructure of cooperation (`GET /api/v1/cooperation-model` names
    /// and describes the planes and their areas).
    #[schema(minimum = 1, maximum = 3)]
    pub plane: i32,
    pub area: Option<Area>,
    #[schema(max_items = 20, value_type = Vec<Tag>)]
    pub tags: Vec<String>,
    pub status: ReviewStatus,
    /// The reviews still possible: `accept`, `reject`.
    #[schema(max_items = 2, value_type = Vec<ReviewName>)]
    pub allowed_transitions: Vec<Review>,
    /// The reviewer's note; the reason of a rejection.
    #[schema(max_length = 2000)]
    pub review_note: Option<String>,
    pub reviewed_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl GoodPractice {
    /// The entry `r` with its `tags`.
    pub fn new(r: GoodPracticeRow, tags: Vec<String>) -> Result<Self, ApiError> {
        let status = ReviewStatus::stored(&r.status)?;
        Ok(Self {
            area: r.stored_area()?,
            id: r.id,
            project_id: r.project_id,
            organization_id: r.organization_id,
            title: r.title,
            description: r.description,
            plane: r.plane,
            tags,
            allowed_transitions: status.allowed().to_vec(),
            status,
            review_note: r.review_note,
            reviewed_at: r.reviewed_at.map(Into::into),
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A tag (stored in lower case).
#[derive(ToSchema)]
#[schema(value_type = String, min_length = 1, max_length = 50)]
#[allow(dead_code)]
pub struct Tag(String);

/// A review of a proposed good practice.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^(accept|reject)$", max_length = 6)]
#[allow(dead_code)]
pub struct ReviewName(String);

/// Filters of the compendium.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoodPracticeFilter {
    /// Text in the title, description or tags; case and diacritics are ignored
    /// (`wspolpraca` finds `współpraca`).
    #[param(max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub q: Option<String>,
    pub status: Option<ReviewStatus>,
    #[param(minimum = 1, maximum = 3)]
    pub plane: Option<i32>,
    pub area: Option<Area>,
    /// Entries with this tag (case is ignored).
    #[param(max_length = 50, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub tag: Option<String>,
    #[param(value_type = Option<String>, format = Uuid)]
    pub project_id: Option<RecordId>,
    #[param(value_type = Option<String>, format = Uuid)]
    pub organization_id: Option<RecordId>,
}

impl GoodPracticeFilter {
    /// 400 naming a text parameter with control characters or too long, or a
    /// plane that is not 1, 2 or 3.
    pub fn check(&self) -> Result<(), ApiError> {
        if let Some(q) = &self.q {
            text_param("q", q, 200)?;
        }
        if let Some(t) = &self.tag {
            text_param("tag", t, 50)?;
        }
        if let Some(p) = self.plane
            && !(1..=3).contains(&p)
        {
            return Err(ApiError::invalid_parameter(
                "plane",
                "range",
                "must be 1, 2 or 3",
            ));
        }
        Ok(())
    }
}

/// A proposed good practice.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "organization_id": "019a1b2c-0000-7000-8000-000000000001",
    "title": "Współpraca przy konsultacjach programu", "description": "Jak gmina i NGO wspólnie...",
    "plane": 1, "area": "consulting_draft_acts", "tags": ["konsultacje"]
}))]
pub struct CreateGoodPractice {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub project_id: String,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[validate(
        length(min = 1, max = 20000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 20000)]
    pub description: String,
    /// The plane of the cooperation model (1, 2 or 3; see
    /// `GET /api/v1/cooperation-model`).
    #[serde(deserialize_with = "crate::http::extract::integer")]
    #[validate(range(min = 1, max = 3))]
    #[schema(minimum = 1, maximum = 3)]
    pub plane: i32,
    /// An area of that plane.
    pub area: Option<Area>,
    #[serde(default)]
    #[validate(
        length(max = 20),
        custom(function = "crate::good_practices::rules::validate_tags")
    )]
    #[schema(max_items = 20, value_type = Vec<Tag>)]
    pub tags: Vec<String>,
}

/// Changes to a proposal: an absent field is unchanged, `null` clears it;
/// `tags` replaces the list.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGoodPractice {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 20000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 20000)]
    pub description: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::optional_integer",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(range(min = 1, max = 3))]
    #[schema(minimum = 1, maximum = 3)]
    pub plane: Option<i32>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<Area>)]
    pub area: Option<Option<Area>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(max = 20),
        custom(function = "crate::good_practices::rules::validate_tags")
    )]
    #[schema(max_items = 20, value_type = Option<Vec<Tag>>)]
    pub tags: Option<Vec<String>>,
}

/// Why a proposal is rejected.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectGoodPractice {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

crate::http::pagination::page_schema!(GoodPracticePage, GoodPractice, "A page of good practices.");
