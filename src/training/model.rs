//! Programmes, groups, sessions and participants as stored, and as the API
//! shows and takes them.

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::completion::CompletionRule;
use super::rules::{Module, SessionFormat, Targets};
use crate::db::enums::StrEnum;
use crate::db::schema::{
    training_groups as tg, training_participants as tp, training_programmes as tr,
    training_sessions as ts,
};
use crate::error::ApiError;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;

use crate::db::json::stored as stored_json;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tr)]
pub struct ProgrammeRow {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: Option<String>,
    pub modules: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub completion: String,
}

crate::record!(ProgrammeRow, tr, "training programme");

impl ProgrammeRow {
    pub fn module_list(&self) -> Result<Vec<Module>, ApiError> {
        stored_json(&self.modules, "modules")
    }

    pub fn completion_rule(&self) -> Result<CompletionRule, ApiError> {
        stored_json(&self.completion, "completion")
    }
}

/// A training programme of a project.
#[derive(Debug, Serialize, ToSchema)]
pub struct Programme {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub project_id: String,
    #[schema(max_length = 300)]
    pub name: String,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[schema(max_items = 50)]
    pub modules: Vec<Module>,
    pub completion: CompletionRule,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<ProgrammeRow> for Programme {
    type Error = ApiError;

    fn try_from(r: ProgrammeRow) -> Result<Self, ApiError> {
        Ok(Self {
            modules: r.module_list()?,
            completion: r.completion_rule()?,
            id: r.id,
            project_id: r.project_id,
            name: r.name,
            description: r.description,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A new programme.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "name": "Szkolenia z modelu współpracy", "description": "Trzy zjazdy, po jednym na płaszczyznę."
}))]
pub struct CreateProgramme {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub project_id: String,
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[serde(default)]
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub description: Option<String>,
    /// The modules; when absent, the cooperation model's six areas, two per
    /// plane.
    #[serde(default)]
    #[validate(length(min = 1, max = 50), nested)]
    #[schema(min_items = 1, max_items = 50)]
    pub modules: Option<Vec<Module>>,
    /// When a participant has completed it; by default, all modules.
    #[serde(default)]
    pub completion: CompletionRule,
}

/// Changes to a programme: an absent field is unchanged.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateProgramme {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 5000))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 5000)]
    pub description: Option<Option<String>>,
    /// The list replaces the programme's; a module a session covers stays.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 50), nested)]
    #[schema(min_items = 1, max_items = 50)]
    pub modules: Option<Vec<Module>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion: Option<CompletionRule>,
}

/// Filters of the list of programmes.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProgrammeFilter {
    #[param(value_type = Option<String>, format = Uuid)]
    pub project_id: Option<RecordId>,
}

crate::http::pagination::page_schema!(ProgrammePage, Programme, "A page of programmes.");

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tg)]
pub struct GroupRow {
    pub id: String,
    pub programme_id: String,
    pub name: String,
    pub capacity: i32,
    pub place: Option<String>,
    pub targets: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(GroupRow, tg, "training group");

impl GroupRow {
    pub fn target_map(&self) -> Result<Targets, ApiError> {
        stored_json(&self.targets, "targets")
    }
}

/// A training group.
#[derive(Debug, Serialize, ToSchema)]
pub struct Group {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub programme_id: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: i32,
    #[schema(max_length = 300)]
    pub place: Option<String>,
    /// How many participants of each category the group aims at.
    #[schema(value_type = Object)]
    pub targets: Targets,
    /// Participants now.
    #[schema(minimum = 0, maximum = 100000)]
    pub participants: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl Group {
    pub fn new(r: GroupRow, participants: i64) -> Result<Self, ApiError> {
        Ok(Self {
            targets: r.target_map()?,
            participants,
            id: r.id,
            programme_id: r.programme_id,
            name: r.name,
            capacity: r.capacity,
            place: r.place,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A new group of a programme.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"name": "Grupa 1", "capacity": 25, "place": "Zgorzelec", "targets": {"ngo": 20, "jst": 5}}))]
pub struct CreateGroup {
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    #[serde(deserialize_with = "crate::http::extract::integer")]
    #[validate(range(min = 1, max = 100000))]
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: i32,
    #[serde(default)]
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub place: Option<String>,
    /// Participants aimed at per category (a call's category codes); their
    /// sum is at most the capacity.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(value_type = Object)]
    pub targets: Targets,
}

/// Changes to a group: an absent field is unchanged.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroup {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// At least the participants the group has.
    #[serde(
        default,
        deserialize_with = "crate::http::extract::optional_integer",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(range(min = 1, max = 100000))]
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: Option<i32>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 300))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 300)]
    pub place: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 20))]
    #[schema(value_type = Option<Object>)]
    pub targets: Option<Targets>,
}

crate::http::pagination::page_schema!(GroupPage, Group, "A page of groups.");

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ts)]
pub struct SessionRow {
    pub id: String,
    pub group_id: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: Option<String>,
    pub format: String,
    pub trainers: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub module_codes: String,
    pub attendance_version: i64,
}

crate::record!(SessionRow, ts, "training session");

impl SessionRow {
    pub fn trainer_list(&self) -> Result<Vec<String>, ApiError> {
        stored_json(&self.trainers, "trainers")
    }

    pub fn module_list(&self) -> Result<Vec<String>, ApiError> {
        stored_json(&self.module_codes, "module_codes")
    }

    /// How long the session lasts, in minutes.
    pub fn minutes(&self) -> i64 {
        (self.ends_at - self.starts_at).num_minutes()
    }

    pub fn span(&self) -> (NaiveDateTime, NaiveDateTime) {
        (self.starts_at, self.ends_at)
    }
}

/// A session (a meeting) of a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub group_id: String,
    /// The programme's modules it covers.
    #[schema(min_items = 1, max_items = 10, value_type = Vec<ModuleCode>)]
    pub module_codes: Vec<String>,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    #[schema(max_length = 300)]
    pub place: Option<String>,
    pub format: SessionFormat,
    /// The user ids of its trainers.
    #[schema(max_items = 20, value_type = Vec<crate::recruitment::review::UserId>)]
    pub trainer_ids: Vec<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<SessionRow> for Session {
    type Error = ApiError;

    fn try_from(r: SessionRow) -> Result<Self, ApiError> {
        Ok(Self {
            format: SessionFormat::stored(&r.format)?,
            trainer_ids: r.trainer_list()?,
            module_codes: r.module_list()?,
            id: r.id,
            group_id: r.group_id,
            starts_at: r.starts_at.into(),
            ends_at: r.ends_at.into(),
            place: r.place,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A new session of a group.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "module_codes": ["consulting_draft_acts", "diagnosing_local_problems"], "starts_at": "2027-02-10T09:00:00Z",
    "ends_at": "2027-02-11T16:00:00Z", "place": "Zgorzelec, ul. Domańskiego 7",
    "format": "residential", "trainer_ids": []
}))]
pub struct CreateSession {
    /// Modules of the programme, each once.
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10, value_type = Vec<ModuleCode>)]
    pub module_codes: Vec<String>,
    #[schema(value_type = String, format = DateTime, max_length = 40)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub starts_at: DateTime<Utc>,
    #[schema(value_type = String, format = DateTime, max_length = 40)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub ends_at: DateTime<Utc>,
    #[serde(default)]
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub place: Option<String>,
    pub format: SessionFormat,
    /// Users holding the `trainer` role.
    #[serde(default)]
    #[validate(length(max = 20))]
    #[schema(max_items = 20, value_type = Vec<crate::recruitment::review::UserId>)]
    pub trainer_ids: Vec<String>,
}

/// Changes to a session: an absent field is unchanged; the rules are checked
/// again.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSession {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 10))]
    #[schema(min_items = 1, max_items = 10, value_type = Option<Vec<ModuleCode>>)]
    pub module_codes: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime, max_length = 40)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>, format = DateTime, max_length = 40)]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub ends_at: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 300))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 300)]
    pub place: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub format: Option<SessionFormat>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 20))]
    #[schema(max_items = 20, value_type = Option<Vec<crate::recruitment::review::UserId>>)]
    pub trainer_ids: Option<Vec<String>>,
}

crate::http::pagination::page_schema!(SessionPage, Session, "A page of sessions.");

/// A module's code.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^[a-z0-9_]{1,50}$", max_length = 50)]
#[allow(dead_code)]
pub struct ModuleCode(String);

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tp)]
pub struct ParticipantRow {
    pub id: String,
    pub programme_id: String,
    pub group_id: String,
    pub person_id: String,
    pub category: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(ParticipantRow, tp, "training participant");

/// A person in a group.
#[derive(Debug, Serialize, ToSchema)]
pub struct Participant {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub programme_id: String,
    #[schema(format = Uuid)]
    pub group_id: String,
    #[schema(format = Uuid)]
    pub person_id: String,
    /// The category the person counts in for the group's targets.
    #[schema(max_length = 50)]
    pub category: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl From<ParticipantRow> for Participant {
    fn from(r: ParticipantRow) -> Self {
        Self {
            id: r.id,
            programme_id: r.programme_id,
            group_id: r.group_id,
            person_id: r.person_id,
            category: r.category,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        }
    }
}

/// A person to add to a group.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Enrol {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub person_id: String,
    #[serde(default)]
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub category: Option<String>,
}

/// Where to move a participant: another group of the same programme.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveParticipant {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub group_id: String,
}

crate::http::pagination::page_schema!(ParticipantPage, Participant, "A page of participants.");
