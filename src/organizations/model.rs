use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::enums::StrEnum;
use crate::db::schema::{organization_members, organizations};
use crate::error::ApiError;
use crate::http::timestamp::Timestamp;

crate::string_enum! {
    "organisation kind"
    /// The kind of an organisation.
    #[derive(ToSchema)]
    pub enum OrganizationKind {
        /// Association, foundation or other non-profit.
        Ngo = "ngo",
        /// A JST: gmina, powiat, województwo; a Romanian local authority.
        LocalGovernment = "local_government",
        GovernmentAdministration = "government_administration",
        PublicInstitution = "public_institution",
        Business = "business",
        InformalGroup = "informal_group",
    }
}

impl OrganizationKind {
    /// Public-sector kinds, for the sector mix of partnerships.
    pub fn is_public_sector(self) -> bool {
        matches!(
            self,
            Self::LocalGovernment | Self::GovernmentAdministration | Self::PublicInstitution
        )
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organizations)]
pub struct OrganizationRow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub krs: Option<String>,
    pub nip: Option<String>,
    pub regon: Option<String>,
    pub teryt_code: Option<String>,
    pub cui: Option<String>,
    pub territorial_unit_code: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub archived_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// An organisation: an NGO, a local government unit (JST), a public institution…
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000002", "name": "Fundacja Razem", "kind": "ngo",
    "country": "PL", "krs": "0000012345", "nip": "5260250274", "regon": "123456785",
    "teryt_code": null, "cui": null, "territorial_unit_code": "14", "territorial_unit_name": "mazowieckie",
    "street": "ul. Marszałkowska 1", "city": "Warszawa", "postal_code": "00-001",
    "email": "biuro@razem.example.org", "phone": "+48 22 000 00 00",
    "website": "https://razem.example.org", "archived_at": null,
    "created_at": "2026-11-26T10:00:00.000000Z", "updated_at": "2026-11-26T10:00:00.000000Z", "version": 1
}))]
pub struct Organization {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(max_length = 300)]
    pub name: String,
    pub kind: OrganizationKind,
    /// ISO 3166-1 alpha-2.
    #[schema(min_length = 2, max_length = 2, pattern = "^[A-Z]{2}$")]
    pub country: String,
    /// Polish National Court Register number (10 digits).
    #[schema(pattern = "^[0-9]{10}$", max_length = 10)]
    pub krs: Option<String>,
    /// Polish tax identification number (10 digits, checksummed).
    #[schema(pattern = "^[0-9]{10}$", max_length = 10)]
    pub nip: Option<String>,
    /// Polish statistical number (9 or 14 digits, checksummed).
    #[schema(pattern = "^([0-9]{9}|[0-9]{14})$", max_length = 14)]
    pub regon: Option<String>,
    /// For a local government unit: the code of the territorial unit it
    /// governs — a TERYT code in Poland; in Romania a county's ISO 3166-2 code
    /// (`RO-CJ`, a county council) or a municipality's `RO-<SIRUTA>` code
    /// (`RO-55259`, Turda's local council). The name is the Polish register's;
    /// the field serves both countries.
    #[schema(
        max_length = 16,
        pattern = "^([0-9]{2}|[0-9]{4}|[0-9]{7}|RO-[A-Z]{1,2}|RO-[0-9]{1,6})$"
    )]
    pub teryt_code: Option<String>,
    /// Romanian fiscal code (CUI/CIF, checksummed).
    #[schema(pattern = "^[1-9][0-9]{1,9}$", max_length = 10)]
    pub cui: Option<String>,
    /// Where the organisation is based; for a local government, the unit it
    /// governs unless given.
    #[schema(max_length = 16)]
    pub territorial_unit_code: Option<String>,
    /// The name of the unit `territorial_unit_code` names (`Turda`,
    /// `zgorzelecki`).
    #[schema(max_length = 200)]
    pub territorial_unit_name: Option<String>,
    #[schema(max_length = 300)]
    pub street: Option<String>,
    #[schema(max_length = 200)]
    pub city: Option<String>,
    #[schema(max_length = 20)]
    pub postal_code: Option<String>,
    #[schema(format = Email)]
    pub email: Option<String>,
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    #[schema(format = "uri", max_length = 500)]
    pub website: Option<String>,
    /// Set when archived; archived organisations are hidden from lists by default.
    pub archived_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

/// The names of territorial units, by code: what an organisation's response
/// names its unit with.
pub type UnitNames = std::collections::HashMap<String, String>;

impl Organization {
    /// The response for a stored row; `units` names its territorial unit.
    pub fn named(r: OrganizationRow, units: &UnitNames) -> Result<Self, crate::error::ApiError> {
        let kind = OrganizationKind::stored(&r.kind)?;
        let territorial_unit_name = r
            .territorial_unit_code
            .as_ref()
            .and_then(|code| units.get(code))
            .cloned();
        Ok(Self {
            id: r.id,
            name: r.name,
            kind,
            country: r.country,
            krs: r.krs,
            nip: r.nip,
            regon: r.regon,
            teryt_code: r.teryt_code,
            cui: r.cui,
            territorial_unit_code: r.territorial_unit_code,
            territorial_unit_name,
            street: r.street,
            city: r.city,
            postal_code: r.postal_code,
            email: r.email,
            phone: r.phone,
            website: r.website,
            archived_at: r.archived_at.map(Into::into),
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A new organisation.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Gmina Miasto Płock", "kind": "local_government", "country": "PL",
    "teryt_code": "14", "nip": "7743135712", "regon": "611015695"
}))]
pub struct CreateOrganization {
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    pub kind: OrganizationKind,
    /// ISO 3166-1 alpha-2, e.g. `PL`, `RO`.
    #[validate(custom(function = "crate::http::extract::validate_country"))]
    #[schema(min_length = 2, max_length = 2, pattern = "^[A-Za-z]{2}$")]
    pub country: String,
    #[schema(max_length = 20)]
    #[validate(length(max = 20))]
    pub krs: Option<String>,
    #[schema(max_length = 20)]
    #[validate(length(max = 20))]
    pub nip: Option<String>,
    #[schema(max_length = 20)]
    #[validate(length(max = 20))]
    pub regon: Option<String>,
    /// Required for a local government unit.
    #[schema(max_length = 16)]
    #[validate(length(max = 16))]
    pub teryt_code: Option<String>,
    #[schema(max_length = 20)]
    #[validate(length(max = 20))]
    pub cui: Option<String>,
    #[schema(max_length = 16)]
    #[validate(length(max = 16))]
    pub territorial_unit_code: Option<String>,
    #[validate(length(max = 300))]
    #[schema(max_length = 300)]
    pub street: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub city: Option<String>,
    #[validate(length(max = 20))]
    #[schema(max_length = 20)]
    pub postal_code: Option<String>,
    #[validate(
        email(code = "invalid_email", message = "must be an email address"),
        length(max = 254)
    )]
    #[schema(format = Email)]
    pub email: Option<String>,
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    #[validate(
        custom(function = "crate::http::extract::validate_http_url"),
        length(max = 500)
    )]
    #[schema(
        format = "uri",
        max_length = 500,
        pattern = "^[Hh][Tt][Tt][Pp][Ss]?://"
    )]
    pub website: Option<String>,
}

/// Changes to an organisation: an absent field is unchanged, `null` clears it.
#[derive(Debug, Default, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganization {
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    pub kind: Option<OrganizationKind>,
    #[validate(custom(function = "crate::http::extract::validate_country"))]
    #[schema(min_length = 2, max_length = 2, pattern = "^[A-Za-z]{2}$")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 20)]
    #[validate(length(max = 20))]
    pub krs: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 20)]
    #[validate(length(max = 20))]
    pub nip: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 20)]
    #[validate(length(max = 20))]
    pub regon: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 16)]
    #[validate(length(max = 16))]
    pub teryt_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 20)]
    #[validate(length(max = 20))]
    pub cui: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 16)]
    #[validate(length(max = 16))]
    pub territorial_unit_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 300)]
    #[validate(length(max = 300))]
    pub street: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub city: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 20)]
    #[validate(length(max = 20))]
    pub postal_code: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(format = Email, max_length = 254)]
    #[validate(
        email(code = "invalid_email", message = "must be an email address"),
        length(max = 254)
    )]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(
        format = "uri",
        max_length = 500,
        pattern = "^[Hh][Tt][Tt][Pp][Ss]?://"
    )]
    #[validate(
        custom(function = "crate::http::extract::validate_http_url"),
        length(max = 500)
    )]
    pub website: Option<Option<String>>,
}

/// Filters of `GET /api/v1/organizations`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrganizationFilter {
    pub kind: Option<OrganizationKind>,
    /// Organisations based in, or governing, this territorial unit.
    #[param(max_length = 32, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub territorial_unit: Option<String>,
    #[param(pattern = "^[A-Za-z]{2}$", max_length = 2)]
    pub country: Option<String>,
    /// Text in the name; case and diacritics are ignored.
    #[param(max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub q: Option<String>,
    /// Include archived organisations (default false).
    pub include_archived: Option<bool>,
}

crate::string_enum! {
    "membership role"
    /// A membership role in an organisation.
    #[derive(ToSchema)]
    pub enum MemberRole {
        /// Manages the organisation's record, members and people.
        OrgAdmin = "org_admin",
        OrgMember = "org_member",
    }
}

crate::string_enum! {
    "membership status"
    /// Whether a membership is in force. A membership an organisation's admin
    /// proposes for a person who already exists is `invited` until the person (or a
    /// platform administrator) accepts it; only `active` memberships carry roles and
    /// open the person's personal data to the organisation.
    #[derive(ToSchema)]
    pub enum MemberStatus {
        Active = "active",
        Invited = "invited",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organization_members)]
pub struct MemberRow {
    pub id: String,
    pub organization_id: String,
    pub person_id: String,
    pub role: String,
    pub position: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
    pub status: String,
}

/// A person's membership of an organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Member {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(format = Uuid)]
    pub person_id: String,
    /// The person's name.
    #[schema(max_length = 200)]
    pub full_name: String,
    pub role: MemberRole,
    /// `invited` until the person accepts (`POST …/members/{member_id}/accept`).
    pub status: MemberStatus,
    /// The person's position in the organisation.
    #[schema(max_length = 200)]
    pub position: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl Member {
    pub fn from_row(r: MemberRow, full_name: String) -> Result<Self, ApiError> {
        Ok(Self {
            id: r.id,
            organization_id: r.organization_id,
            person_id: r.person_id,
            full_name,
            role: MemberRole::stored(&r.role)?,
            status: MemberStatus::stored(&r.status)?,
            position: r.position,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// Adds a person to an organisation.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub person_id: String,
    pub role: MemberRole,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub position: Option<String>,
}

/// Changes a membership.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<MemberRole>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[schema(value_type = Option<String>)]
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub position: Option<Option<String>>,
}
