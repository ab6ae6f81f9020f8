use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::db::schema::territorial_units;
use crate::http::timestamp::Timestamp;

crate::string_enum! {
    "territorial level"
    /// The level of a territorial unit in its country's hierarchy.
    #[derive(ToSchema)]
    pub enum TerritorialLevel {
        /// Polish województwo.
        Voivodeship = "voivodeship",
        /// Polish powiat, Romanian județ, or Bucharest.
        County = "county",
        /// Polish gmina; Romanian municipiu, oraș, comună or Bucharest sector.
        Municipality = "municipality",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = territorial_units)]
pub struct TerritorialUnitRow {
    pub code: String,
    pub name: String,
    pub level: String,
    pub parent_code: Option<String>,
    pub country: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

/// A territorial unit (voivodeship, county or municipality).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "RO-CJ",
    "code": "RO-CJ",
    "name": "Cluj",
    "level": "county",
    "parent_code": null,
    "country": "RO",
    "created_at": "2026-11-26T07:00:00.000000Z",
    "updated_at": "2026-11-26T07:00:00.000000Z",
    "version": 1
}))]
pub struct TerritorialUnit {
    /// The unit's identifier; the same as `code`.
    #[schema(
        max_length = 16,
        pattern = "^([0-9]{2}|[0-9]{4}|[0-9]{7}|RO-[A-Z]{1,2}|RO-[0-9]{1,6})$"
    )]
    pub id: String,
    /// TERYT (TERC) code for Poland; for Romania, the ISO 3166-2 code of a
    /// county (`RO-CJ`) or `RO-` and the SIRUTA code of a municipality, town,
    /// commune or Bucharest sector (`RO-55259`, Turda).
    #[schema(
        max_length = 16,
        pattern = "^([0-9]{2}|[0-9]{4}|[0-9]{7}|RO-[A-Z]{1,2}|RO-[0-9]{1,6})$"
    )]
    pub code: String,
    /// The official name.
    #[schema(max_length = 200)]
    pub name: String,
    pub level: TerritorialLevel,
    /// The code of the unit this one belongs to, if any.
    #[schema(
        max_length = 16,
        pattern = "^([0-9]{2}|[0-9]{4}|[0-9]{7}|RO-[A-Z]{1,2}|RO-[0-9]{1,6})$"
    )]
    pub parent_code: Option<String>,
    /// ISO 3166-1 alpha-2 country code.
    #[schema(example = "PL")]
    #[schema(min_length = 2, max_length = 2, pattern = "^[A-Z]{2}$")]
    pub country: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Bumped on every change.
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<TerritorialUnitRow> for TerritorialUnit {
    type Error = crate::error::ApiError;

    fn try_from(row: TerritorialUnitRow) -> Result<Self, Self::Error> {
        let level = <TerritorialLevel as crate::db::enums::StrEnum>::stored(&row.level)?;
        Ok(Self {
            id: row.code.clone(),
            code: row.code,
            name: row.name,
            level,
            parent_code: row.parent_code,
            country: row.country,
            created_at: row.created_at.into(),
            updated_at: row.updated_at.into(),
            version: row.version,
        })
    }
}

/// Filters of `GET /api/v1/territorial-units`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TerritorialUnitFilter {
    /// ISO 3166-1 alpha-2 country code (`PL`, `RO`), case-insensitive.
    #[param(example = "PL", pattern = "^[A-Za-z]{2}$", max_length = 2)]
    pub country: Option<String>,
    pub level: Option<TerritorialLevel>,
    /// Only the direct children of the unit with this code.
    #[param(
        example = "02",
        max_length = 32,
        pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"
    )]
    pub parent: Option<String>,
    /// Text in the name; case and diacritics are ignored (`lodz` finds `łódzkie`).
    #[param(
        example = "pomorskie",
        max_length = 200,
        pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$"
    )]
    pub q: Option<String>,
}
