//! Consultations, their document versions and the submissions on them, as
//! stored and as the API shows and takes them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{
    ConsultationForm, ConsultationKind, ConsultationStatus, ConsultationTransition, ResponseStatus,
    SubmitterKind, effective_status,
};
use crate::db::enums::StrEnum;
use crate::db::json::stored as stored_json;
use crate::db::schema::{consultation_submissions as cs, consultations as co};
use crate::error::ApiError;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;
use crate::http::transition::StateMachine;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = co)]
pub struct ConsultationRow {
    pub id: String,
    pub subject: String,
    pub subject_search: String,
    pub kind: String,
    pub initiating_organization_id: String,
    pub project_id: Option<String>,
    pub description: Option<String>,
    pub forms: String,
    pub opens_at: Option<NaiveDateTime>,
    pub closes_at: Option<NaiveDateTime>,
    pub report_due_at: Option<NaiveDateTime>,
    pub announced_at: Option<NaiveDateTime>,
    pub report_published_at: Option<NaiveDateTime>,
    pub cancel_reason: Option<String>,
    pub status: String,
    pub document_version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(ConsultationRow, co, "consultation");

impl ConsultationRow {
    pub fn stored_status(&self) -> Result<ConsultationStatus, ApiError> {
        ConsultationStatus::stored(&self.status)
    }

    /// The status at `now` (see [`effective_status`]).
    pub fn status_at(&self, now: NaiveDateTime) -> Result<ConsultationStatus, ApiError> {
        Ok(effective_status(
            self.stored_status()?,
            self.opens_at,
            self.closes_at,
            now,
        ))
    }

    pub fn kind(&self) -> Result<ConsultationKind, ApiError> {
        ConsultationKind::stored(&self.kind)
    }

    pub fn form_list(&self) -> Result<Vec<ConsultationForm>, ApiError> {
        stored_json(&self.forms, "forms")
    }

    /// Whether anybody may read it: once announced (also when cancelled
    /// later); a draft, and one cancelled as a draft, are their
    /// organisation's own.
    pub fn is_public(&self) -> bool {
        self.announced_at.is_some()
    }
}

/// A consultation.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000090",
    "subject": "Roczny program współpracy z organizacjami pozarządowymi na 2027 rok",
    "kind": "cooperation_programme", "initiating_organization_id": "019a1b2c-0000-7000-8000-000000000001",
    "project_id": null, "description": "Konsultacje projektu uchwały.",
    "forms": ["written_comments", "public_meeting"],
    "opens_at": "2026-12-01T08:00:00.000000Z", "closes_at": "2026-12-15T16:00:00.000000Z",
    "report_due_at": "2026-12-31T16:00:00.000000Z", "announced_at": "2026-11-26T10:00:00.000000Z",
    "report_published_at": null, "cancel_reason": null, "status": "open",
    "minimum_period_days": 7, "document_version": 1, "allowed_transitions": ["close", "cancel"],
    "created_at": "2026-11-26T10:00:00.000000Z", "updated_at": "2026-11-26T10:00:00.000000Z", "version": 3
}))]
pub struct Consultation {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(max_length = 500)]
    pub subject: String,
    pub kind: ConsultationKind,
    /// The public body (or organisation) that consults.
    #[schema(format = Uuid)]
    pub initiating_organization_id: String,
    #[schema(format = Uuid)]
    pub project_id: Option<String>,
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    #[schema(max_items = 4)]
    pub forms: Vec<ConsultationForm>,
    /// When comments open (set before announcing).
    pub opens_at: Option<Timestamp>,
    /// When comments close (set before announcing).
    pub closes_at: Option<Timestamp>,
    /// When the report is due.
    pub report_due_at: Option<Timestamp>,
    pub announced_at: Option<Timestamp>,
    pub report_published_at: Option<Timestamp>,
    #[schema(max_length = 2000)]
    pub cancel_reason: Option<String>,
    /// The status now, by the server's clock.
    pub status: ConsultationStatus,
    /// The shortest comment period allowed for it, in days.
    #[schema(minimum = 0, maximum = 365)]
    pub minimum_period_days: u32,
    /// The number of the document's latest version; 0 before the first.
    #[schema(minimum = 0, maximum = 1000)]
    pub document_version: i32,
    /// What may happen next, by the status now.
    #[schema(max_items = 2)]
    pub allowed_transitions: Vec<ConsultationTransition>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl Consultation {
    pub fn new(r: ConsultationRow, now: NaiveDateTime, minimum: u32) -> Result<Self, ApiError> {
        let status = r.status_at(now)?;
        Ok(Self {
            kind: r.kind()?,
            forms: r.form_list()?,
            status,
            minimum_period_days: minimum,
            allowed_transitions: status.allowed().to_vec(),
            id: r.id,
            subject: r.subject,
            initiating_organization_id: r.initiating_organization_id,
            project_id: r.project_id,
            description: r.description,
            opens_at: r.opens_at.map(Into::into),
            closes_at: r.closes_at.map(Into::into),
            report_due_at: r.report_due_at.map(Into::into),
            announced_at: r.announced_at.map(Into::into),
            report_published_at: r.report_published_at.map(Into::into),
            cancel_reason: r.cancel_reason,
            document_version: r.document_version,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

fn default_forms() -> Vec<ConsultationForm> {
    vec![ConsultationForm::WrittenComments]
}

/// A new consultation; it starts as a `draft`, seen only by those who run it.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConsultation {
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub subject: String,
    pub kind: ConsultationKind,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub initiating_organization_id: String,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub project_id: Option<String>,
    #[validate(length(max = 20000))]
    #[schema(max_length = 20000)]
    pub description: Option<String>,
    /// Distinct; `["written_comments"]` if not given.
    #[serde(default = "default_forms")]
    #[validate(length(min = 1, max = 4))]
    #[schema(min_items = 1, max_items = 4)]
    pub forms: Vec<ConsultationForm>,
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub opens_at: Option<DateTime<Utc>>,
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub closes_at: Option<DateTime<Utc>>,
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub report_due_at: Option<DateTime<Utc>>,
}

/// Changes to a consultation: an absent field is unchanged, `null` clears
/// it. A draft or an announced consultation takes every field; an open one
/// only a later `closes_at` and `report_due_at`; a closed one only
/// `report_due_at`.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateConsultation {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ConsultationKind>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 20000))]
    #[schema(value_type = Option<String>, max_length = 20000)]
    pub description: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 4))]
    #[schema(min_items = 1, max_items = 4)]
    pub forms: Option<Vec<ConsultationForm>>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<DateTime<Utc>>)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub opens_at: Option<Option<DateTime<Utc>>>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<DateTime<Utc>>)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub closes_at: Option<Option<DateTime<Utc>>>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<DateTime<Utc>>)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub report_due_at: Option<Option<DateTime<Utc>>>,
}

/// Why a consultation is cancelled.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelConsultation {
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Filters of `GET /api/v1/consultations`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConsultationFilter {
    /// The status now, by the server's clock.
    pub status: Option<ConsultationStatus>,
    pub kind: Option<ConsultationKind>,
    #[param(value_type = Option<String>, format = Uuid)]
    pub initiating_organization_id: Option<RecordId>,
    /// Text in the subject; case and diacritics are ignored.
    #[param(max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub q: Option<String>,
}

crate::http::pagination::page_schema!(ConsultationPage, Consultation, "A page of consultations.");

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cs)]
pub struct SubmissionRow {
    pub id: String,
    pub consultation_id: String,
    pub version_id: String,
    pub section_id: Option<String>,
    pub submitter_kind: String,
    pub organization_id: Option<String>,
    pub submitted_by: Option<String>,
    pub individual_name: Option<String>,
    pub individual_email: Option<String>,
    pub proposed_wording: Option<String>,
    pub justification: String,
    pub response_status: Option<String>,
    pub response_justification: Option<String>,
    pub responded_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub body_id: Option<String>,
}

crate::record!(SubmissionRow, cs, "submission");

impl SubmissionRow {
    pub fn response(&self) -> Result<Option<ResponseStatus>, ApiError> {
        self.response_status
            .as_deref()
            .map(ResponseStatus::stored)
            .transpose()
    }
}

/// The answer to a submission.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubmissionResponse {
    pub status: ResponseStatus,
    #[schema(max_length = 20000)]
    pub justification: Option<String>,
    pub responded_at: Timestamp,
}

/// A submission: a comment on a section of the document, or on the whole of
/// it, with the wording it proposes and why.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationSubmission {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub consultation_id: String,
    /// The document version it was made on.
    #[schema(format = Uuid)]
    pub version_id: String,
    #[schema(minimum = 1, maximum = 1000)]
    pub version_number: i32,
    /// The section commented on (its id is the same in every version);
    /// `null` for the whole document.
    #[schema(format = Uuid)]
    pub section_id: Option<String>,
    pub submitter_kind: SubmitterKind,
    #[schema(format = Uuid)]
    pub organization_id: Option<String>,
    /// The participation body whose collective opinion it is.
    #[schema(format = Uuid)]
    pub body_id: Option<String>,
    /// An individual's name and email: for those who run the consultation
    /// and for the submitter only.
    #[schema(max_length = 200)]
    pub name: Option<String>,
    #[schema(max_length = 254, format = Email)]
    pub email: Option<String>,
    #[schema(max_length = 20000)]
    pub proposed_wording: Option<String>,
    #[schema(max_length = 20000)]
    pub justification: String,
    /// `null` until answered.
    pub response: Option<SubmissionResponse>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl ConsultationSubmission {
    pub fn new(r: SubmissionRow, version_number: i32) -> Result<Self, ApiError> {
        let response = match (r.response()?, r.responded_at) {
            (Some(status), Some(at)) => Some(SubmissionResponse {
                status,
                justification: r.response_justification.clone(),
                responded_at: at.into(),
            }),
            _ => None,
        };
        Ok(Self {
            submitter_kind: SubmitterKind::stored(&r.submitter_kind)?,
            response,
            id: r.id,
            consultation_id: r.consultation_id,
            version_id: r.version_id,
            version_number,
            section_id: r.section_id,
            organization_id: r.organization_id,
            body_id: r.body_id,
            name: r.individual_name,
            email: r.individual_email,
            proposed_wording: r.proposed_wording,
            justification: r.justification,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A submission: on behalf of an organisation (`organization_id`, by a
/// signed-in member of it), of a participation body (`body_id`: its
/// collective opinion, by a signed-in member of its secretariat
/// organisation) or of an individual (`name` and `email`, no account
/// needed); on a section (`section_id`, of the document's latest version) or
/// on the whole document.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConsultationSubmission {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub section_id: Option<String>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organization_id: Option<String>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub body_id: Option<String>,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[validate(
        length(min = 1, max = 20000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 20000)]
    pub proposed_wording: Option<String>,
    #[validate(
        length(min = 1, max = 20000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 20000)]
    pub justification: String,
}

/// The answer to a submission. It replaces an earlier one until the report
/// is published.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RespondToSubmission {
    pub status: ResponseStatus,
    /// Required for `rejected`.
    #[validate(
        length(min = 1, max = 20000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 20000)]
    pub justification: Option<String>,
}

/// Filters of a consultation's submissions.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubmissionFilter {
    /// `true`: only those answered; `false`: only those waiting for an answer.
    pub answered: Option<bool>,
    #[param(value_type = Option<String>, format = Uuid)]
    pub section_id: Option<RecordId>,
}

crate::http::pagination::page_schema!(
    ConsultationSubmissionPage,
    ConsultationSubmission,
    "A page of submissions."
);
