//! Days and instants a client sends. chrono reads signed and five-digit years
//! (`-5000-01-01`, `+12345-01-01`), which RFC 3339 does not allow and which
//! PostgreSQL cannot always store (its dates start in 4713 BC): every day or
//! instant of a body or a query is held to the years 0001–9999, and a value
//! outside them is refused naming its field, on either backend alike.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};
use validator::ValidationError;

/// The years a day or an instant may fall in: RFC 3339's four digits.
pub const YEARS: std::ops::RangeInclusive<i32> = 1..=9999;

const DAY_MESSAGE: &str = "must be a day of the years 0001 to 9999 (YYYY-MM-DD)";
const INSTANT_MESSAGE: &str = "must be an instant of the years 0001 to 9999 (RFC 3339)";

fn out_of_range(message: &'static str) -> ValidationError {
    let mut err = ValidationError::new("out_of_range");
    err.message = Some(message.into());
    err
}

/// A `validator` rule for a day of a body.
pub fn validate_day(day: &NaiveDate) -> Result<(), ValidationError> {
    if YEARS.contains(&day.year()) {
        Ok(())
    } else {
        Err(out_of_range(DAY_MESSAGE))
    }
}

/// A `validator` rule for an instant of a body.
pub fn validate_instant(instant: &DateTime<Utc>) -> Result<(), ValidationError> {
    if YEARS.contains(&instant.year()) {
        Ok(())
    } else {
        Err(out_of_range(INSTANT_MESSAGE))
    }
}

/// For an optional day of a query (`#[serde(default, deserialize_with =
/// "crate::http::dates::query_day")]`): a day outside the years is a bad
/// parameter, named.
pub fn query_day<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    let day = Option::<NaiveDate>::deserialize(d)?;
    match day {
        Some(day) if !YEARS.contains(&day.year()) => Err(serde::de::Error::custom(DAY_MESSAGE)),
        day => Ok(day),
    }
}

/// For an optional instant of a query, as [`query_day`].
pub fn query_instant<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let instant = Option::<DateTime<Utc>>::deserialize(d)?;
    match instant {
        Some(t) if !YEARS.contains(&t.year()) => Err(serde::de::Error::custom(INSTANT_MESSAGE)),
        instant => Ok(instant),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_day_has_a_four_digit_year() {
        assert!(validate_day(&day("0001-01-01")).is_ok());
        assert!(validate_day(&day("9999-12-31")).is_ok());
        for text in ["-5000-01-01", "0000-12-31", "+10000-01-01"] {
            let err = validate_day(&day(text)).unwrap_err();
            assert_eq!(err.code, "out_of_range", "{text}");
        }
    }

    #[test]
    fn an_instant_has_a_four_digit_year() {
        let ok: DateTime<Utc> = "2026-12-01T10:00:00Z".parse().unwrap();
        assert!(validate_instant(&ok).is_ok());
        let far = NaiveDate::from_ymd_opt(-5000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc();
        assert_eq!(validate_instant(&far).unwrap_err().code, "out_of_range");
    }

    #[derive(Debug, Deserialize)]
    struct Filter {
        #[serde(default, deserialize_with = "query_day")]
        on: Option<NaiveDate>,
        #[serde(default, deserialize_with = "query_instant")]
        since: Option<DateTime<Utc>>,
    }

    #[test]
    fn a_query_names_a_day_or_an_instant_out_of_range() {
        let parse = |q: &str| serde_urlencoded::from_str::<Filter>(q);
        let fine = parse("on=2026-12-01&since=2026-12-01T00:00:00Z").unwrap();
        assert_eq!(fine.on, Some(day("2026-12-01")));
        assert!(fine.since.is_some());
        assert!(parse("").unwrap().on.is_none());
        let err = parse("on=-5000-01-01").unwrap_err().to_string();
        assert!(err.contains("0001 to 9999"), "{err}");
        assert!(parse("on=%2B12345-01-01").is_err());
    }
}
