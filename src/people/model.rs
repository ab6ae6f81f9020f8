//! What a person is, as stored and as the API shows and takes it.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::schema::people;
use crate::http::extract::double_option;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;
use crate::organizations::model::{MemberRole, MemberStatus};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = people)]
pub struct PersonRow {
    pub id: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub position: Option<String>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A person's membership, as listed on the person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonMembership {
    /// The membership's id (`/api/v1/organizations/{organization_id}/members/{id}`).
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub organization_id: String,
    pub role: MemberRole,
    /// `invited` memberships wait for the person's acceptance and grant nothing.
    pub status: MemberStatus,
}

/// A person (contact). `email` and `phone` are personal data: they are present
/// only for callers allowed to see them (admins, the person, org admins of the
/// organisations the person is an active member of), and
/// `personal_data_visible` says whether they were.
#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "Ioana Popescu")]
    #[schema(max_length = 200)]
    pub full_name: String,
    #[schema(max_length = 200)]
    pub position: Option<String>,
    /// At most 100.
    #[schema(max_items = 100)]
    pub organizations: Vec<PersonMembership>,
    pub personal_data_visible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Email)]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    pub archived_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

crate::record!(PersonRow, people, "person");

/// Filters of `GET /api/v1/people`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonFilter {
    /// Members of this organisation.
    #[param(value_type = Option<String>, format = Uuid)]
    pub organization_id: Option<RecordId>,
    /// Text in the name; case and diacritics are ignored.
    #[param(max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub q: Option<String>,
    /// Include archived people (default false).
    pub include_archived: Option<bool>,
}

/// A new person.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    #[validate(
        email(code = "invalid_email", message = "must be an email address"),
        length(max = 254)
    )]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Email)]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub position: Option<String>,
    /// Also make the person a member of this organisation.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub organization_id: Option<String>,
    /// The membership role (default `org_member`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<MemberRole>,
}

/// Changes to a person: an absent field is unchanged, `null` clears it.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePerson {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    #[schema(format = Email, max_length = 254)]
    #[validate(
        email(code = "invalid_email", message = "must be an email address"),
        length(max = 254)
    )]
    pub email: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub phone: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub position: Option<Option<String>>,
}

crate::http::pagination::page_schema!(PersonPage, Person, "A page of people.");
