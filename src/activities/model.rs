//! What activities and campaigns are, as stored and as the API shows and takes
//! them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{ActivityType, LocationTally};
use crate::db::enums::StrEnum;
use crate::db::schema::{activities as act, campaigns as cp};
use crate::error::ApiError;
use crate::http::extract::double_option;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = act)]
pub struct ActivityRow {
    pub id: String,
    pub project_id: String,
    pub campaign_id: Option<String>,
    pub kind: String,
    pub title: String,
    pub held_on: NaiveDate,
    pub place: Option<String>,
    pub organizer_organization_id: Option<String>,
    pub description: Option<String>,
    pub attendance: Option<i32>,
    pub outputs: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(ActivityRow, act, "activity");

/// A link to something an activity produced (http or https).
#[derive(ToSchema)]
#[schema(value_type = String, format = "uri", max_length = 2000)]
#[allow(dead_code)]
pub struct OutputUrl(String);

/// An activity of a project.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000010", "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "campaign_id": null, "type": "public_debate", "title": "Dezbatere publică PALIS",
    "held_on": "2026-10-14", "place": "Cluj-Napoca", "organizer_organization_id": null,
    "description": null, "attendance": 42, "outputs": ["https://example.org/minutes.pdf"],
    "created_at": "2026-11-26T10:00:00.000000Z", "updated_at": "2026-11-26T10:00:00.000000Z", "version": 1
}))]
pub struct Activity {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub project_id: String,
    /// The campaign the activity is an action of.
    #[schema(format = Uuid)]
    pub campaign_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: ActivityType,
    #[schema(max_length = 500)]
    pub title: String,
    /// The day it took place.
    pub held_on: NaiveDate,
    /// Where it took place (a town, a venue).
    #[schema(max_length = 200)]
    pub place: Option<String>,
    #[schema(format = Uuid)]
    pub organizer_organization_id: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// How many people attended.
    #[schema(minimum = 0, maximum = 1000000)]
    pub attendance: Option<i32>,
    /// Links to what it produced: minutes, photos, films, publications.
    #[schema(max_items = 20, value_type = Vec<OutputUrl>)]
    pub outputs: Vec<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<ActivityRow> for Activity {
    type Error = ApiError;

    fn try_from(r: ActivityRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: r.id,
            project_id: r.project_id,
            campaign_id: r.campaign_id,
            kind: ActivityType::stored(&r.kind)?,
            title: r.title,
            held_on: r.held_on,
            place: r.place,
            organizer_organization_id: r.organizer_organization_id,
            description: r.description,
            attendance: r.attendance,
            outputs: serde_json::from_str(&r.outputs).unwrap_or_default(),
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// Each output must be an http(s) URL.
pub fn validate_outputs(outputs: &[String]) -> Result<(), validator::ValidationError> {
    for url in outputs {
        let ok = url.chars().count() <= 2000 && crate::http::extract::is_http_url(url);
        if !ok {
            return Err(validator::ValidationError::new("invalid_url").with_message(
                "every output must be an http(s) URL of at most 2000 characters".into(),
            ));
        }
    }
    Ok(())
}

/// Filters of a project's activities.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityFilter {
    #[serde(rename = "type")]
    #[param(rename = "type", inline)]
    pub kind: Option<ActivityType>,
    /// Only the actions of this campaign.
    #[param(value_type = Option<String>, format = Uuid)]
    pub campaign_id: Option<RecordId>,
    /// Only activities held on or after this day.
    #[serde(default, deserialize_with = "crate::http::dates::query_day")]
    pub held_from: Option<NaiveDate>,
    /// Only activities held on or before this day.
    #[serde(default, deserialize_with = "crate::http::dates::query_day")]
    pub held_to: Option<NaiveDate>,
}

/// A new activity.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "type": "campaign_action", "title": "Flash mob 9 noiembrie", "held_on": "2026-11-09",
    "place": "Cluj-Napoca", "campaign_id": "019a1b2c-0000-7000-8000-000000000020",
    "attendance": 60, "outputs": ["https://example.org/photos"]
}))]
pub struct CreateActivity {
    #[serde(rename = "type")]
    pub kind: ActivityType,
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub held_on: NaiveDate,
    /// Required for a campaign action: one of the campaign's locations.
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub place: Option<String>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub campaign_id: Option<String>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organizer_organization_id: Option<String>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[validate(range(min = 0, max = 1_000_000))]
    #[schema(minimum = 0, maximum = 1000000)]
    pub attendance: Option<i32>,
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "validate_outputs"))]
    #[schema(max_items = 20, value_type = Vec<OutputUrl>)]
    pub outputs: Vec<String>,
}

/// Changes to an activity: an absent field is unchanged, `null` clears it.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateActivity {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<ActivityType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub held_on: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 200))]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub place: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub campaign_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub organizer_organization_id: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::nullable_integer",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(range(min = 0, max = 1_000_000))]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 1000000)]
    pub attendance: Option<Option<i32>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 20), custom(function = "validate_outputs"))]
    #[schema(max_items = 20, value_type = Option<Vec<OutputUrl>>)]
    pub outputs: Option<Vec<String>>,
}

crate::http::pagination::page_schema!(ActivityPage, Activity, "A page of activities.");

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cp)]
pub struct CampaignRow {
    pub id: String,
    pub project_id: String,
    pub name: String,
    pub description: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub min_actions_per_location: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(CampaignRow, cp, "campaign");

/// A campaign of a project.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000020", "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "name": "9 noiembrie — Ziua nediscriminării", "description": null,
    "starts_on": "2026-11-09", "ends_on": "2026-11-09", "min_actions_per_location": 2,
    "locations": ["Cluj-Napoca", "Dej", "Turda", "Gherla", "Huedin"],
    "created_at": "2026-11-26T10:00:00.000000Z", "updated_at": "2026-11-26T10:00:00.000000Z", "version": 1
}))]
pub struct Campaign {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub project_id: String,
    #[schema(max_length = 300)]
    pub name: String,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The rule: at least this many actions in each location.
    #[schema(minimum = 1, maximum = 1000)]
    pub min_actions_per_location: i32,
    /// The locations the rule names, in order.
    #[schema(max_items = 100, value_type = Vec<LocationName>)]
    pub locations: Vec<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl Campaign {
    /// The campaign `r` with its `locations`, in order.
    pub fn of(r: CampaignRow, locations: Vec<String>) -> Self {
        Self {
            id: r.id,
            project_id: r.project_id,
            name: r.name,
            description: r.description,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            min_actions_per_location: r.min_actions_per_location,
            locations,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        }
    }
}

/// A campaign location (a town, a district); compared without case or diacritics.
#[derive(ToSchema)]
#[schema(value_type = String, min_length = 1, max_length = 200)]
#[allow(dead_code)]
pub struct LocationName(String);

/// Each location has 1 to 200 characters, not only blanks.
pub fn validate_location_names(names: &[String]) -> Result<(), validator::ValidationError> {
    match names
        .iter()
        .position(|n| n.trim().is_empty() || n.chars().count() > 200)
    {
        Some(i) => Err(validator::ValidationError::new("length").with_message(
            format!(
                "every location has 1 to 200 characters, not only blanks; locations[{i}] does not"
            )
            .into(),
        )),
        None => Ok(()),
    }
}

/// A new campaign.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "9 noiembrie — Ziua nediscriminării", "starts_on": "2026-11-09", "ends_on": "2026-11-09",
    "min_actions_per_location": 2, "locations": ["Cluj-Napoca", "Dej", "Turda", "Gherla", "Huedin"]
}))]
pub struct CreateCampaign {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub starts_on: NaiveDate,
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub ends_on: NaiveDate,
    #[serde(deserialize_with = "crate::http::extract::integer")]
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub min_actions_per_location: i32,
    /// Each distinct, ignoring case and diacritics.
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validate_location_names")
    )]
    #[schema(min_items = 1, max_items = 100, value_type = Vec<LocationName>)]
    pub locations: Vec<String>,
}

/// Changes to a campaign: an absent field is unchanged, `null` clears it.
/// `locations` replaces the list; a location with actions cannot be dropped,
/// nor can the dates leave an action outside them.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCampaign {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub starts_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::http::dates::validate_day"))]
    pub ends_on: Option<NaiveDate>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::optional_integer",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub min_actions_per_location: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validate_location_names")
    )]
    #[schema(min_items = 1, max_items = 100, value_type = Option<Vec<LocationName>>)]
    pub locations: Option<Vec<String>>,
}

/// How a campaign stands against its rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignReport {
    #[schema(format = Uuid)]
    pub campaign_id: String,
    #[schema(minimum = 1, maximum = 1000)]
    pub min_actions_per_location: i32,
    /// Every location, in the campaign's order.
    #[schema(max_items = 100)]
    pub locations: Vec<LocationTally>,
    /// The locations that fall short of the rule.
    #[schema(max_items = 100, value_type = Vec<LocationName>)]
    pub short_locations: Vec<String>,
    /// Whether every location meets the rule.
    pub met: bool,
    /// All actions of the campaign.
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub total_actions: i64,
}

crate::http::pagination::page_schema!(CampaignPage, Campaign, "A page of campaigns.");
