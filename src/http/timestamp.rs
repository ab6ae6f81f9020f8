//! Instants as the API writes them: RFC 3339 in UTC with exactly six
//! fractional digits (`2026-11-26T07:00:00.000000Z`), whatever the backend
//! stored, so that every timestamp of every response has one precision.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::{PartialSchema, ToSchema};

/// An instant in a response. Built from the stored (UTC) value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<Utc>);

/// The one format: microseconds, `Z` for UTC.
pub const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

impl From<NaiveDateTime> for Timestamp {
    fn from(utc: NaiveDateTime) -> Self {
        Self(utc.and_utc())
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(instant: DateTime<Utc>) -> Self {
        Self(instant)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0.format(FORMAT))
    }
}

/// Read back from what [`Serialize`] wrote (stored JSON columns).
impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        DateTime::<Utc>::deserialize(d).map(Self)
    }
}

impl PartialSchema for Timestamp {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .description(Some(
                "An instant in UTC, RFC 3339 with six fractional digits (microseconds).",
            ))
            .examples([serde_json::json!("2026-11-26T07:00:00.000000Z")])
            .into()
    }
}

impl ToSchema for Timestamp {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Timestamp")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_instant_has_six_fractional_digits() {
        let whole = DateTime::parse_from_rfc3339("2026-11-26T07:00:00Z").unwrap();
        let millis = DateTime::parse_from_rfc3339("2026-11-26T07:00:00.120Z").unwrap();
        let micros = DateTime::parse_from_rfc3339("2026-11-26T07:00:00.123456Z").unwrap();
        let text = |t: DateTime<chrono::FixedOffset>| {
            serde_json::to_string(&Timestamp(t.with_timezone(&Utc))).unwrap()
        };
        assert_eq!(text(whole), "\"2026-11-26T07:00:00.000000Z\"");
        assert_eq!(text(millis), "\"2026-11-26T07:00:00.120000Z\"");
        assert_eq!(text(micros), "\"2026-11-26T07:00:00.123456Z\"");
    }
}
