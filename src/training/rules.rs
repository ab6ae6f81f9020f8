//! Training's rules without the database: a programme's modules (by default
//! the cooperation model's six areas, two per plane), groups' composition
//! targets, a session's format, and when two time spans clash.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::cooperation_model::PLANES;
use crate::error::FieldError;
use crate::recruitment::form::validate_code;

crate::string_enum! {
    "session format"
    /// `residential` (a stay with nights), `on_site` (a day in one place),
    /// `online`.
    #[derive(ToSchema)]
    pub enum SessionFormat {
        Residential = "residential",
        OnSite = "on_site",
        Online = "online",
    }
}

/// A module of a programme: what a session covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// The key sessions name it by.
    #[validate(custom(function = "crate::recruitment::form::validate_code"))]
    #[schema(pattern = "^[a-z0-9_]{1,50}$", max_length = 50)]
    pub code: String,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// The plane of the cooperation model it belongs to, if any.
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[validate(range(min = 1, max = 3))]
    #[schema(minimum = 1, maximum = 3)]
    pub plane: Option<i32>,
}

/// The default modules: the cooperation model's planes, each with its areas
/// a and b.
pub fn default_modules() -> Vec<Module> {
    PLANES
        .iter()
        .flat_map(|p| {
            p.areas.iter().map(|a| Module {
                code: a.code.as_str().to_owned(),
                name: a.name.to_owned(),
                plane: Some(p.number),
            })
        })
        .collect()
}

/// 422 entries for modules whose codes repeat.
pub fn check_modules(modules: &[Module]) -> Vec<FieldError> {
    let mut seen = std::collections::HashSet::new();
    modules
        .iter()
        .enumerate()
        .filter(|(_, m)| !seen.insert(m.code.as_str()))
        .map(|(i, m)| {
            FieldError::new(
                format!("modules[{i}].code"),
                "not_unique",
                format!("the code `{}` is used twice", m.code),
            )
        })
        .collect()
}

/// A group's composition targets: how many participants of each category.
pub type Targets = BTreeMap<String, i32>;

/// 422 entries for targets with a bad category code or count, or summing
/// past the group's capacity.
pub fn check_targets(targets: &Targets, capacity: i32) -> Vec<FieldError> {
    let mut errors: Vec<FieldError> = targets
        .iter()
        .filter_map(|(code, n)| {
            if validate_code(code).is_err() {
                Some(FieldError::new(
                    format!("targets.{code}"),
                    "pattern",
                    "a category code: 1 to 50 lower-case letters, digits and `_`",
                ))
            } else if !(0..=100_000).contains(n) {
                Some(FieldError::new(
                    format!("targets.{code}"),
                    "range",
                    "from 0 to 100000",
                ))
            } else {
                None
            }
        })
        .collect();
    let sum: i64 = targets.values().map(|n| i64::from(*n)).sum();
    if sum > i64::from(capacity) {
        errors.push(FieldError::new(
            "targets",
            "over_capacity",
            format!("the targets add up to {sum}, more than the capacity of {capacity}"),
        ));
    }
    errors
}

/// Whether two time spans share a moment (one ending as the other starts
/// does not).
pub fn overlaps(a: (NaiveDateTime, NaiveDateTime), b: (NaiveDateTime, NaiveDateTime)) -> bool {
    a.0 < b.1 && b.0 < a.1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        format!("2026-12-01T{s}:00").parse().unwrap()
    }

    #[test]
    fn spans_clash_when_they_share_a_moment() {
        assert!(overlaps((t("09:00"), t("12:00")), (t("11:00"), t("13:00"))));
        assert!(overlaps((t("09:00"), t("17:00")), (t("10:00"), t("11:00"))));
        assert!(!overlaps(
            (t("09:00"), t("12:00")),
            (t("12:00"), t("13:00"))
        ));
        assert!(!overlaps(
            (t("13:00"), t("14:00")),
            (t("09:00"), t("12:00"))
        ));
    }

    #[test]
    fn the_default_modules_are_the_models_six_areas() {
        let modules = default_modules();
        assert_eq!(modules.len(), 6);
        assert_eq!(modules[0].code, "consulting_draft_acts");
        assert_eq!(modules[0].plane, Some(1));
        assert_eq!(modules[5].plane, Some(3));
        assert!(check_modules(&modules).is_empty());
        let mut twice = modules.clone();
        twice.push(modules[0].clone());
        assert_eq!(check_modules(&twice)[0].field, "modules[6].code");
    }

    #[test]
    fn targets_fit_the_capacity() {
        let ok = Targets::from([("ngo".into(), 20), ("jst".into(), 5)]);
        assert!(check_targets(&ok, 25).is_empty());
        assert_eq!(check_targets(&ok, 24)[0].code, "over_capacity");
        let bad = Targets::from([("NGO".into(), 1), ("jst".into(), -1)]);
        let codes: Vec<_> = check_targets(&bad, 10)
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(codes, vec!["targets.NGO", "targets.jst"]);
    }
}
