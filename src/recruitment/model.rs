//! Calls and applications as stored, and as the API shows and takes them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::form::{Category, Consent, Eligibility, Question};
use super::review::Criterion;
use super::rules::{
    ApplicationStatus, CallStatus, CallTransition, SelectionMode, accepting, effective_status,
};
use crate::db::enums::StrEnum;
use crate::db::schema::{applications as ap, calls as cl};
use crate::error::ApiError;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;
use crate::http::transition::StateMachine;
use crate::organizations::model::OrganizationKind;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cl)]
pub struct CallRow {
    pub id: String,
    pub project_id: String,
    pub title: String,
    pub regulations: String,
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
    pub status: String,
    pub selection_mode: String,
    pub offer_hours: Option<i32>,
    pub categories: String,
    pub eligibility: String,
    pub questions: String,
    pub consents: String,
    pub cancel_reason: Option<String>,
    pub anonymized_at: Option<NaiveDateTime>,
    pub last_seq: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub criteria: String,
    pub waitlist_size: Option<i32>,
    pub reviewers: String,
}

crate::record!(CallRow, cl, "call");

pub use crate::db::json::column as to_column;
use crate::db::json::stored as stored_json;

impl CallRow {
    pub fn stored_status(&self) -> Result<CallStatus, ApiError> {
        CallStatus::stored(&self.status)
    }

    /// The status at `now` (an open call past `closes_at` is closed).
    pub fn status_at(&self, now: NaiveDateTime) -> Result<CallStatus, ApiError> {
        Ok(effective_status(self.stored_status()?, self.closes_at, now))
    }

    pub fn accepting_at(&self, now: NaiveDateTime) -> Result<bool, ApiError> {
        Ok(accepting(
            self.stored_status()?,
            self.opens_at,
            self.closes_at,
            now,
        ))
    }

    pub fn is_draft(&self) -> bool {
        self.status == CallStatus::Draft.as_str()
    }

    pub fn category_list(&self) -> Result<Vec<Category>, ApiError> {
        stored_json(&self.categories, "categories")
    }

    pub fn eligibility_rules(&self) -> Result<Eligibility, ApiError> {
        stored_json(&self.eligibility, "eligibility")
    }

    pub fn question_list(&self) -> Result<Vec<Question>, ApiError> {
        stored_json(&self.questions, "questions")
    }

    pub fn consent_list(&self) -> Result<Vec<Consent>, ApiError> {
        stored_json(&self.consents, "consents")
    }

    pub fn criterion_list(&self) -> Result<Vec<Criterion>, ApiError> {
        stored_json(&self.criteria, "criteria")
    }

    /// The user ids of the call's reviewers.
    pub fn reviewer_list(&self) -> Result<Vec<String>, ApiError> {
        stored_json(&self.reviewers, "reviewers")
    }

    pub fn selection_mode(&self) -> Result<SelectionMode, ApiError> {
        SelectionMode::stored(&self.selection_mode)
    }
}

/// How many applications of a category are in each state.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tally {
    pub accepted: i64,
    pub offered: i64,
    pub waitlisted: i64,
}

/// A category with its places.
#[derive(Debug, Serialize, ToSchema)]
pub struct CallCategory {
    #[schema(pattern = "^[a-z0-9_]{1,50}$", max_length = 50)]
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(minimum = 0, maximum = 100000)]
    pub quota: i32,
    /// Only applicants whose organisation is of one of these kinds; `null`
    /// for any.
    #[schema(max_items = 6)]
    pub organization_kinds: Option<Vec<OrganizationKind>>,
    /// Applicants accepted.
    #[schema(minimum = 0, maximum = 100000)]
    pub accepted: i64,
    /// Freed places offered to the first in line, not yet confirmed.
    #[schema(minimum = 0, maximum = 100000)]
    pub offered: i64,
    /// Places left: the quota less the accepted and the offered.
    #[schema(minimum = 0, maximum = 100000)]
    pub remaining: i64,
    /// Applicants waiting for a place.
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub waitlisted: i64,
}

/// A recruitment call.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000060", "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "title": "Nabór uczestników szkoleń", "regulations": "https://example.org/regulamin.pdf",
    "opens_at": "2026-12-01T08:00:00.000000Z", "closes_at": "2026-12-15T16:00:00.000000Z",
    "status": "open", "accepting_applications": true, "selection_mode": "first_come",
    "criteria": [], "waitlist_size": null, "reviewers": [], "offer_hours": 48,
    "categories": [{"code": "ngo", "name": "Przedstawiciele NGO", "quota": 80,
        "organization_kinds": ["ngo"], "accepted": 12, "offered": 0, "remaining": 68, "waitlisted": 0}],
    "eligibility": {"territorial_units": ["2403"], "positions": null},
    "questions": [{"code": "motivation", "label": "Dlaczego?", "kind": "text", "required": true,
        "choices": null, "max_length": 1000}],
    "consents": [{"code": "personal_data", "text": "Wyrażam zgodę…", "required": true}],
    "allowed_transitions": ["close", "cancel"], "cancel_reason": null, "anonymized_at": null,
    "created_at": "2026-11-26T10:00:00.000000Z", "updated_at": "2026-11-26T10:00:00.000000Z", "version": 2
}))]
pub struct Call {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub project_id: String,
    #[schema(max_length = 300)]
    pub title: String,
    /// The regulations: a text or a link to them.
    #[schema(max_length = 20000)]
    pub regulations: String,
    pub opens_at: Timestamp,
    pub closes_at: Timestamp,
    /// The status now: an open call past `closes_at` reads `closed`.
    pub status: CallStatus,
    /// Whether an application sent now would be taken.
    pub accepting_applications: bool,
    pub selection_mode: SelectionMode,
    /// Under `review`: what reviewers score, with weights.
    #[schema(max_items = 20)]
    pub criteria: Vec<Criterion>,
    /// Under `review`: how many of each category's next-ranked applicants
    /// wait for a freed place at finalisation (the rest are rejected);
    /// `null` for all of them.
    #[schema(minimum = 0, maximum = 100000)]
    pub waitlist_size: Option<i32>,
    /// Under `review`: the user ids of the reviewers.
    #[schema(max_items = 50, value_type = Vec<super::review::UserId>)]
    pub reviewers: Vec<String>,
    /// When set, a place freed by a withdrawal is offered to the first in
    /// line, who has this many hours to confirm it; unconfirmed, it passes to
    /// the next. When `null`, the first in line is accepted at once.
    #[schema(minimum = 1, maximum = 720)]
    pub offer_hours: Option<i32>,
    #[schema(max_items = 20)]
    pub categories: Vec<CallCategory>,
    pub eligibility: Eligibility,
    #[schema(max_items = 50)]
    pub questions: Vec<Question>,
    #[schema(max_items = 20)]
    pub consents: Vec<Consent>,
    #[schema(max_items = 4)]
    pub allowed_transitions: Vec<CallTransition>,
    #[schema(max_length = 2000)]
    pub cancel_reason: Option<String>,
    /// When the applicants' personal data were erased (the counts stay).
    pub anonymized_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl Call {
    /// The call `r` at `now`, with the tallies of its categories.
    pub fn new(
        r: CallRow,
        tallies: &BTreeMap<String, Tally>,
        now: NaiveDateTime,
    ) -> Result<Self, ApiError> {
        let status = r.status_at(now)?;
        let categories = r
            .category_list()?
            .into_iter()
            .map(|c| {
                let t = tallies.get(&c.code).copied().unwrap_or_default();
                CallCategory {
                    accepted: t.accepted,
                    offered: t.offered,
                    remaining: (i64::from(c.quota) - t.accepted - t.offered).max(0),
                    waitlisted: t.waitlisted,
                    code: c.code,
                    name: c.name,
                    quota: c.quota,
                    organization_kinds: c.organization_kinds,
                }
            })
            .collect();
        Ok(Self {
            accepting_applications: r.accepting_at(now)?,
            selection_mode: r.selection_mode()?,
            criteria: r.criterion_list()?,
            waitlist_size: r.waitlist_size,
            reviewers: r.reviewer_list()?,
            offer_hours: r.offer_hours,
            eligibility: r.eligibility_rules()?,
            questions: r.question_list()?,
            consents: r.consent_list()?,
            allowed_transitions: status.allowed().to_vec(),
            status,
            categories,
            id: r.id,
            project_id: r.project_id,
            title: r.title,
            regulations: r.regulations,
            opens_at: r.opens_at.into(),
            closes_at: r.closes_at.into(),
            cancel_reason: r.cancel_reason,
            anonymized_at: r.anonymized_at.map(Into::into),
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// Filters of the list of calls.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallFilter {
    #[param(value_type = Option<String>, format = Uuid)]
    pub project_id: Option<RecordId>,
    /// The stored status (a call past `closes_at` that nobody closed is still
    /// stored as `open`; `accepting_applications` tells).
    pub status: Option<CallStatus>,
}

/// A new call, created as a `draft`.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "title": "Nabór uczestników szkoleń", "regulations": "https://example.org/regulamin.pdf",
    "opens_at": "2026-12-01T08:00:00Z", "closes_at": "2026-12-15T16:00:00Z",
    "selection_mode": "first_come",
    "categories": [{"code": "ngo", "name": "Przedstawiciele NGO", "quota": 80, "organization_kinds": ["ngo"]},
        {"code": "jst", "name": "Przedstawiciele JST", "quota": 20, "organization_kinds": ["local_government"]}],
    "eligibility": {"territorial_units": ["2403"]},
    "questions": [{"code": "motivation", "label": "Dlaczego chcesz wziąć udział?", "kind": "text", "required": true}],
    "consents": [{"code": "personal_data", "text": "Wyrażam zgodę na przetwarzanie danych osobowych.", "required": true}]
}))]
pub struct CreateCall {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub project_id: String,
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
    pub regulations: String,
    #[schema(value_type = String, format = DateTime, max_length = 40)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub opens_at: DateTime<Utc>,
    #[schema(value_type = String, format = DateTime, max_length = 40)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub closes_at: DateTime<Utc>,
    #[serde(default = "first_come")]
    pub selection_mode: SelectionMode,
    /// Under `review` (and only then): what reviewers score, with weights.
    #[serde(default)]
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub criteria: Vec<Criterion>,
    /// Under `review` (and only then): how many of each category's
    /// next-ranked applicants wait for a freed place; `null` for all.
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000)]
    pub waitlist_size: Option<i32>,
    /// Offer a freed place to the first in line for this many hours instead
    /// of accepting them at once.
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[validate(range(min = 1, max = 720))]
    #[schema(minimum = 1, maximum = 720)]
    pub offer_hours: Option<i32>,
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub categories: Vec<Category>,
    #[serde(default)]
    #[validate(nested)]
    pub eligibility: Eligibility,
    #[serde(default)]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub questions: Vec<Question>,
    /// The consents asked; `personal_data` is always asked and required.
    #[serde(default)]
    #[validate(length(max = 19), nested)]
    #[schema(max_items = 19)]
    pub consents: Vec<Consent>,
}

fn first_come() -> SelectionMode {
    SelectionMode::FirstCome
}

/// Changes to a draft call: an absent field is unchanged; a list replaces the
/// list.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCall {
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
    pub regulations: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime, max_length = 40)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub opens_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime, max_length = 40)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub closes_at: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(range(min = 1, max = 720))]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 720)]
    pub offer_hours: Option<Option<i32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selection_mode: Option<SelectionMode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 20), nested)]
    #[schema(max_items = 20)]
    pub criteria: Option<Vec<Criterion>>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(range(min = 0, max = 100000))]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 100000)]
    pub waitlist_size: Option<Option<i32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub categories: Option<Vec<Category>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(nested)]
    pub eligibility: Option<Eligibility>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 50), nested)]
    #[schema(max_items = 50)]
    pub questions: Option<Vec<Question>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 19), nested)]
    #[schema(max_items = 19)]
    pub consents: Option<Vec<Consent>>,
}

/// Why a call is cancelled.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelCall {
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

crate::http::pagination::page_schema!(CallPage, Call, "A page of calls.");

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ap)]
pub struct ApplicationRow {
    pub id: String,
    pub call_id: String,
    pub seq: i64,
    pub category: String,
    pub name: String,
    pub email: String,
    pub email_key: String,
    pub phone: Option<String>,
    pub organization_id: Option<String>,
    pub organization_name: Option<String>,
    pub organization_kind: Option<String>,
    pub position: Option<String>,
    pub territorial_unit_code: Option<String>,
    pub answers: String,
    pub consents: String,
    pub status: String,
    pub reason: Option<String>,
    pub token_hash: String,
    pub decided_at: Option<NaiveDateTime>,
    pub offer_expires_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub score: Option<f64>,
    pub rank: Option<i32>,
}

crate::record!(ApplicationRow, ap, "application");

/// A consent as given, with when.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct GivenConsent {
    #[schema(max_length = 50)]
    pub code: String,
    pub given_at: Timestamp,
}

/// An application to a call, with the applicant's personal data.
#[derive(Debug, Serialize, ToSchema)]
pub struct Application {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub call_id: String,
    #[schema(max_length = 50)]
    pub category: String,
    #[schema(max_length = 200)]
    pub name: String,
    /// `null` once the call is anonymised.
    #[schema(format = Email, max_length = 254)]
    pub email: Option<String>,
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    #[schema(format = Uuid)]
    pub organization_id: Option<String>,
    #[schema(max_length = 300)]
    pub organization_name: Option<String>,
    pub organization_kind: Option<OrganizationKind>,
    #[schema(max_length = 200)]
    pub position: Option<String>,
    #[schema(max_length = 20)]
    pub territorial_unit_code: Option<String>,
    /// The answers, by question code.
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Value>,
    #[schema(max_items = 20)]
    pub consents: Vec<GivenConsent>,
    pub status: ApplicationStatus,
    /// The place in the category's waitlist (1 is next), while waitlisted.
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub waitlist_position: Option<i64>,
    /// Under `review`, from finalisation: the mean of the reviews as a
    /// percentage of the most an application could get.
    #[schema(minimum = 0, maximum = 100)]
    pub score: Option<f64>,
    /// Under `review`, from finalisation: the place in its category's
    /// ranking (1 is the best).
    #[schema(minimum = 1, maximum = 1000000)]
    pub rank: Option<i32>,
    /// Why the application was rejected or withdrawn.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
    pub decided_at: Option<Timestamp>,
    /// While `offered`: confirm (`POST /api/v1/my-application/confirm`)
    /// before this instant, or the place goes to the next in line.
    pub offer_expires_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl Application {
    pub fn new(r: ApplicationRow, waitlist_position: Option<i64>) -> Result<Self, ApiError> {
        Ok(Self {
            status: ApplicationStatus::stored(&r.status)?,
            organization_kind: r
                .organization_kind
                .as_deref()
                .map(OrganizationKind::stored)
                .transpose()?,
            answers: stored_json(&r.answers, "answers")?,
            consents: stored_json(&r.consents, "consents")?,
            waitlist_position,
            id: r.id,
            call_id: r.call_id,
            category: r.category,
            name: r.name,
            email: (!r.email.is_empty()).then_some(r.email),
            phone: r.phone,
            organization_id: r.organization_id,
            organization_name: r.organization_name,
            position: r.position,
            territorial_unit_code: r.territorial_unit_code,
            reason: r.reason,
            score: r.score,
            rank: r.rank,
            decided_at: r.decided_at.map(Into::into),
            offer_expires_at: r.offer_expires_at.map(Into::into),
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// An application as sent by the applicant.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "category": "ngo", "name": "Ana Pop", "email": "ana@example.org", "phone": "+40 700 000 000",
    "organization_name": "Asociația Împreună", "organization_kind": "ngo",
    "position": "coordonator", "territorial_unit_code": "RO-55259",
    "answers": {"motivation": "Vrem să lucrăm cu primăria."}, "consents": ["personal_data"]
}))]
pub struct Apply {
    /// The code of one of the call's categories.
    #[schema(max_length = 50)]
    #[validate(length(min = 1, max = 50))]
    pub category: String,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[validate(email, length(max = 254))]
    #[schema(format = Email, max_length = 254)]
    pub email: String,
    #[serde(default)]
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub phone: Option<String>,
    /// A registered organisation; its name and kind are taken from it.
    #[serde(default)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organization_id: Option<String>,
    /// The organisation's name, when it is not registered.
    #[serde(default)]
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub organization_name: Option<String>,
    /// The organisation's kind, when it is not registered.
    #[serde(default)]
    pub organization_kind: Option<OrganizationKind>,
    #[serde(default)]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub position: Option<String>,
    /// The code of the territorial unit the applicant works in.
    #[serde(default)]
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub territorial_unit_code: Option<String>,
    /// The answers, by question code.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Value>,
    /// The codes of the consents given.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20, value_type = Vec<ConsentCode>)]
    pub consents: Vec<String>,
}

/// A consent's code.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^[a-z0-9_]{1,50}$", max_length = 50)]
#[allow(dead_code)]
pub struct ConsentCode(String);

/// The answer to an application: the application, and the secret with which
/// the applicant reads and withdraws it — shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationReceipt {
    /// Send as the `Application-Token` header to `GET /api/v1/my-application`
    /// and `POST /api/v1/my-application/withdraw`.
    #[schema(max_length = 100)]
    pub management_token: String,
    pub application: Application,
}

/// Filters of a call's applications.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationFilter {
    pub status: Option<ApplicationStatus>,
    #[param(max_length = 50, pattern = "^[a-z0-9_]{1,50}$")]
    pub category: Option<String>,
}

crate::http::pagination::page_schema!(ApplicationPage, Application, "A page of applications.");
