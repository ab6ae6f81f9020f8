//! What methodologies, rounds and assessments are, as stored and as the API
//! shows and takes them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::aggregate::{AreaGap, SurveyIndicator};
use super::methodology::MethodologyDocument;
use super::rules::{RoundStatus, RoundTransition, ScoreChange, Scores, Side, SurveyStatus};
use crate::db::enums::StrEnum;
use crate::db::schema::{
    quality_assessments as qa, quality_methodologies as qm, quality_rounds as qr,
};
use crate::error::ApiError;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;
use crate::http::transition::StateMachine;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = qm)]
pub struct MethodologyRow {
    pub id: String,
    pub methodology_key: String,
    pub number: i32,
    pub name: String,
    pub document: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(MethodologyRow, qm, "methodology");

impl MethodologyRow {
    /// The stored document; one that does not parse is a logged 500.
    pub fn document(&self) -> Result<MethodologyDocument, ApiError> {
        serde_json::from_str(&self.document)
            .map_err(|e| ApiError::internal(format!("methodology {} does not parse: {e}", self.id)))
    }
}

/// A version of a methodology. `document` is its content in the import
/// format: export it, change it, import it again as the next version.
#[derive(Debug, Serialize, ToSchema)]
pub struct Methodology {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(max_length = 50)]
    pub key: String,
    /// Its version number within its key (1, 2, …).
    #[schema(minimum = 1, maximum = 2147483647)]
    pub number: i32,
    #[schema(max_length = 300)]
    pub name: String,
    /// Used by a round: it cannot change any more (import a new version).
    pub frozen: bool,
    /// How many indicators it has.
    #[schema(minimum = 1, maximum = 9000)]
    pub indicator_count: i64,
    pub document: MethodologyDocument,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl Methodology {
    pub fn new(r: MethodologyRow, frozen: bool) -> Result<Self, ApiError> {
        let document = r.document()?;
        Ok(Self {
            indicator_count: document.indicators().count() as i64,
            document,
            frozen,
            id: r.id,
            key: r.methodology_key,
            number: r.number,
            name: r.name,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// Filters of the methodologies.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MethodologyFilter {
    /// Only the versions of this key.
    #[param(max_length = 50, pattern = "^[a-z0-9-]{1,50}$")]
    pub key: Option<String>,
}

crate::http::pagination::page_schema!(MethodologyPage, Methodology, "A page of methodologies.");

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = qr)]
pub struct RoundRow {
    pub id: String,
    pub organization_id: String,
    pub year: i32,
    pub methodology_id: String,
    pub status: String,
    pub notes: Option<String>,
    pub completed_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub survey_status: String,
    pub survey_token_hash: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(RoundRow, qr, "quality round");

impl RoundRow {
    pub fn status(&self) -> Result<RoundStatus, ApiError> {
        RoundStatus::stored(&self.status)
    }

    pub fn survey_status(&self) -> Result<SurveyStatus, ApiError> {
        SurveyStatus::stored(&self.survey_status)
    }
}

/// A member of a round's working group.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkingGroupMember {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub person_id: String,
    pub side: Side,
}

/// An assessment round: one local government, one year, one methodology
/// version, a working group of the local government and NGOs.
#[derive(Debug, Serialize, ToSchema)]
pub struct QualityRound {
    #[schema(format = Uuid)]
    pub id: String,
    /// The local government assessed.
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[schema(format = Uuid)]
    pub methodology_id: String,
    pub status: RoundStatus,
    #[schema(max_items = 3)]
    pub allowed_transitions: Vec<RoundTransition>,
    /// Its NGO survey's status.
    pub survey_status: SurveyStatus,
    #[schema(max_items = 100)]
    pub working_group: Vec<WorkingGroupMember>,
    #[schema(max_length = 5000)]
    pub notes: Option<String>,
    pub completed_at: Option<Timestamp>,
    #[schema(max_length = 2000)]
    pub cancel_reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl QualityRound {
    pub fn new(r: RoundRow, working_group: Vec<WorkingGroupMember>) -> Result<Self, ApiError> {
        let status = r.status()?;
        Ok(Self {
            survey_status: r.survey_status()?,
            status,
            allowed_transitions: status.allowed().to_vec(),
            working_group,
            id: r.id,
            organization_id: r.organization_id,
            year: r.year,
            methodology_id: r.methodology_id,
            notes: r.notes,
            completed_at: r.completed_at.map(Into::into),
            cancel_reason: r.cancel_reason,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A new round, as a `draft`.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateQualityRound {
    /// A local government (`local_government`).
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// A methodology version; the default one if not given.
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub methodology_id: Option<String>,
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    #[serde(default)]
    pub working_group: Vec<WorkingGroupMember>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub notes: Option<String>,
}

/// Changes to a round: the year and methodology while it is a draft, the
/// working group (replaced as a whole) and notes until it is completed.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateQualityRound {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(range(min = 2000, max = 2100))]
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub methodology_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 100), nested)]
    #[schema(max_items = 100)]
    pub working_group: Option<Vec<WorkingGroupMember>>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub notes: Option<Option<String>>,
}

/// Why a round is cancelled.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelQualityRound {
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Filters of the rounds.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RoundFilter {
    #[param(value_type = Option<String>, format = Uuid)]
    pub organization_id: Option<RecordId>,
    #[param(minimum = 2000, maximum = 2100)]
    pub year: Option<i32>,
    pub status: Option<RoundStatus>,
}

crate::http::pagination::page_schema!(QualityRoundPage, QualityRound, "A page of quality rounds.");

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = qa)]
pub struct AssessmentRow {
    pub id: String,
    pub round_id: String,
    pub indicator_code: String,
    pub answer: f64,
    pub evidence: Option<String>,
    pub recommendation: Option<String>,
    pub recorded_by: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(AssessmentRow, qa, "assessment");

/// The working group's agreed answer on one indicator.
#[derive(Debug, Serialize, ToSchema)]
pub struct Assessment {
    #[schema(format = Uuid)]
    pub round_id: String,
    #[schema(max_length = 20)]
    pub indicator_code: String,
    /// A level's points, 1 (yes) or 0 (no), or a number, as the
    /// indicator's scale takes it.
    pub answer: f64,
    /// The points the answer scores.
    #[schema(minimum = 0, maximum = 1000)]
    pub points: i32,
    #[schema(max_length = 10000)]
    pub evidence: Option<String>,
    #[schema(max_length = 10000)]
    pub recommendation: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl Assessment {
    pub fn new(r: AssessmentRow, points: i32) -> Self {
        Self {
            round_id: r.round_id,
            indicator_code: r.indicator_code,
            answer: r.answer,
            points,
            evidence: r.evidence,
            recommendation: r.recommendation,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        }
    }
}

/// The working group's answer on an indicator, with its evidence and
/// recommendation. It replaces an earlier one until the round is
/// completed.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAssessment {
    /// A level's points, 1 (yes) or 0 (no), or a number.
    #[validate(range(min = -1e12, max = 1e12))]
    #[schema(minimum = -1e12, maximum = 1e12)]
    pub answer: f64,
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000)]
    pub evidence: Option<String>,
    #[validate(length(max = 10000))]
    #[schema(max_length = 10000)]
    pub recommendation: Option<String>,
}

/// A round's assessments, in the methodology's order.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentList {
    #[schema(max_items = 9000)]
    pub items: Vec<Assessment>,
}

/// A round's scores — the working group's view — and their change against
/// the same local government's previous completed round.
#[derive(Debug, Serialize, ToSchema)]
pub struct RoundScores {
    #[schema(format = Uuid)]
    pub round_id: String,
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    pub scores: Scores,
    /// The previous completed round of the same local government, if any.
    #[schema(format = Uuid)]
    pub previous_round_id: Option<String>,
    #[schema(minimum = 2000, maximum = 2100)]
    pub previous_year: Option<i32>,
    /// Part by part (`index`, `plane:<n>`, `area:<code>`); empty without a
    /// previous round.
    #[schema(max_items = 200)]
    pub changes: Vec<ScoreChange>,
    /// The NGO survey's view (its indicators' mean points); `null` until its
    /// results can be read (closed, with enough answers).
    pub survey: Option<Scores>,
    /// Per area, the working group's score against the survey's; empty
    /// without the survey's view.
    #[schema(max_items = 200)]
    pub gaps: Vec<AreaGap>,
}

/// A survey just opened: its token, shown this once. Give it to the NGOs;
/// anybody holding it can answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyOpened {
    #[schema(format = Uuid)]
    pub round_id: String,
    pub survey_status: SurveyStatus,
    /// Send as `token` with each answer (`POST /api/v1/quality/survey-answers`).
    #[schema(max_length = 100)]
    pub token: String,
}

/// One indicator's answer in the survey.
#[derive(Debug, Clone, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyAnswer {
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub indicator_code: String,
    /// A level's points, 1 or 0, or a number, as the indicator's scale
    /// takes it.
    #[validate(range(min = -1e12, max = 1e12))]
    #[schema(minimum = -1e12, maximum = 1e12)]
    pub answer: f64,
}

/// One NGO's answers to a round's survey. Nothing of who sends it is kept.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitSurveyAnswers {
    /// The round's survey token.
    #[validate(length(min = 1, max = 100))]
    #[schema(min_length = 1, max_length = 100)]
    pub token: String,
    #[validate(length(min = 1, max = 500), nested)]
    #[schema(min_items = 1, max_items = 500)]
    pub answers: Vec<SurveyAnswer>,
}

/// A round's survey: its status and how many answers it has; its results
/// in aggregate once they can be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct SurveyResults {
    #[schema(format = Uuid)]
    pub round_id: String,
    pub survey_status: SurveyStatus,
    #[schema(minimum = 0, maximum = 1000000000)]
    pub responses: i64,
    /// How many answers the results need (`COOPERA_SURVEY_MIN_RESPONSES`).
    #[schema(minimum = 1, maximum = 1000)]
    pub minimum_responses: i64,
    /// Why the results cannot be read yet; `null` once they can.
    #[schema(max_length = 300)]
    pub unavailable: Option<String>,
    /// Each survey indicator in aggregate; empty until they can be read.
    #[schema(max_items = 9000)]
    pub indicators: Vec<SurveyIndicator>,
}
