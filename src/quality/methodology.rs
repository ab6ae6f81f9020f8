//! A quality-index methodology as data: planes → areas → indicators, each
//! indicator with its question, guidance, scale, weight and source. This is
//! the import and export format (`MethodologyDocument`), and the rules a
//! document must keep, as pure functions.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use crate::error::FieldError;

crate::string_enum! {
    "indicator source"
    /// Where an indicator's answer comes from: the working group's joint
    /// assessment, the NGO survey, or public data (recorded by the working
    /// group).
    #[derive(ToSchema)]
    pub enum IndicatorSource {
        WorkingGroup = "working_group",
        NgoSurvey = "ngo_survey",
        PublicData = "public_data",
    }
}

/// One level of a scale: its label and the points it scores.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScaleLevel {
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub points: i32,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub label: String,
}

/// From `from` on (inclusive), a number scores `points`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    #[validate(range(min = -1e12, max = 1e12))]
    #[schema(minimum = -1e12, maximum = 1e12)]
    pub from: f64,
    #[validate(range(min = 0, max = 1000))]
    #[schema(minimum = 0, maximum = 1000)]
    pub points: i32,
}

/// How an indicator is answered: by one of ordered levels (its `points`),
/// yes or no (1 or 0), or a number scored by thresholds.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Scale {
    /// Ordered levels, lowest first, with strictly increasing points (2–10
    /// levels). The answer is a level's points.
    Levels {
        #[schema(min_items = 2, max_items = 10)]
        levels: Vec<ScaleLevel>,
    },
    /// Yes (1 point) or no (0). The answer is 1 or 0.
    YesNo,
    /// A number (a count, a share, an amount), scored by the highest
    /// threshold it reaches (below the first: 0 points). Thresholds in
    /// increasing order of `from` (1–20).
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        #[schema(max_length = 50)]
        unit: Option<String>,
        #[schema(min_items = 1, max_items = 20)]
        thresholds: Vec<Threshold>,
    },
}

impl Scale {
    /// The most points an answer can score.
    pub fn max_points(&self) -> i32 {
        match self {
            Scale::Levels { levels } => levels.iter().map(|l| l.points).max().unwrap_or(0),
            Scale::YesNo => 1,
            Scale::Number { thresholds, .. } => {
                thresholds.iter().map(|t| t.points).max().unwrap_or(0)
            }
        }
    }

    /// The points `answer` scores, or `None` if it is not an answer of this
    /// scale (not a level's points; not 0 or 1).
    pub fn points(&self, answer: f64) -> Option<i32> {
        if !answer.is_finite() {
            return None;
        }
        match self {
            Scale::Levels { levels } => levels
                .iter()
                .find(|l| f64::from(l.points) == answer)
                .map(|l| l.points),
            Scale::YesNo => (answer == 0.0 || answer == 1.0).then_some(answer as i32),
            Scale::Number { thresholds, .. } => Some(
                thresholds
                    .iter()
                    .rev()
                    .find(|t| answer >= t.from)
                    .map_or(0, |t| t.points),
            ),
        }
    }
}

/// An indicator: what is asked, how it is answered, how much it weighs.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Unique within the methodology, e.g. `1A.1`.
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20, pattern = "^[A-Za-z0-9._-]{1,20}$")]
    pub code: String,
    #[validate(length(min = 1, max = 1000))]
    #[schema(min_length = 1, max_length = 1000)]
    pub question: String,
    /// How to answer: what counts as evidence for each level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub guidance: Option<String>,
    pub scale: Scale,
    /// Its weight within its area (more than 0, at most 100).
    #[validate(range(exclusive_min = 0.0, max = 100.0))]
    #[schema(exclusive_minimum = 0, maximum = 100)]
    pub weight: f64,
    pub source: IndicatorSource,
}

/// An area of a plane, with its indicators.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaSpec {
    /// Unique within the methodology; the default methodology uses the
    /// cooperation model's area codes.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, pattern = "^[a-z0-9_]{1,50}$")]
    pub code: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Its weight within its plane (more than 0, at most 100).
    #[validate(range(exclusive_min = 0.0, max = 100.0))]
    #[schema(exclusive_minimum = 0, maximum = 100)]
    pub weight: f64,
    #[validate(length(min = 1, max = 50), nested)]
    #[schema(min_items = 1, max_items = 50)]
    pub indicators: Vec<IndicatorSpec>,
}

/// A plane, with its areas.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaneSpec {
    /// Unique within the methodology (1–9).
    #[validate(range(min = 1, max = 9))]
    #[schema(minimum = 1, maximum = 9)]
    pub number: i32,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// Its weight in the index (more than 0, at most 100).
    #[validate(range(exclusive_min = 0.0, max = 100.0))]
    #[schema(exclusive_minimum = 0, maximum = 100)]
    pub weight: f64,
    #[validate(length(min = 1, max = 20), nested)]
    #[schema(min_items = 1, max_items = 20)]
    pub areas: Vec<AreaSpec>,
}

/// A methodology: the format in which one is imported
/// (`POST /api/v1/quality/methodologies`) and exported (a methodology's
/// `document`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MethodologyDocument {
    /// Names the methodology across its versions: importing a document
    /// with a key already known makes its next version.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50, pattern = "^[a-z0-9-]{1,50}$")]
    pub key: String,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[validate(length(min = 1, max = 9), nested)]
    #[schema(min_items = 1, max_items = 9)]
    pub planes: Vec<PlaneSpec>,
}

impl MethodologyDocument {
    /// Every indicator with its plane and area, in document order.
    pub fn indicators(&self) -> impl Iterator<Item = (&PlaneSpec, &AreaSpec, &IndicatorSpec)> {
        self.planes.iter().flat_map(|p| {
            p.areas
                .iter()
                .flat_map(move |a| a.indicators.iter().map(move |i| (p, a, i)))
        })
    }

    /// The indicator `code`.
    pub fn indicator(&self, code: &str) -> Option<&IndicatorSpec> {
        self.indicators()
            .map(|(_, _, i)| i)
            .find(|i| i.code == code)
    }
}

fn slug_ok(s: &str, extra: &[char]) -> bool {
    s.chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || extra.contains(&c))
}

/// The rules a document keeps beyond each field's own limits: the key, area
/// and indicator codes written as documented; plane numbers, area codes and
/// indicator codes unique; a scale's levels (2–10) with strictly increasing
/// points and the top one above 0; a number's thresholds (1–20) in strictly
/// increasing order with some points above 0. Each fault names its path.
pub fn check_document(doc: &MethodologyDocument) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !slug_ok(&doc.key, &['-']) {
        errors.push(FieldError::new(
            "key",
            "format",
            "is lower-case letters, digits and hyphens",
        ));
    }
    let mut planes = HashSet::new();
    let mut areas = HashSet::new();
    let mut indicators = HashSet::new();
    for (p, plane) in doc.planes.iter().enumerate() {
        let at = format!("planes[{p}]");
        if !planes.insert(plane.number) {
            errors.push(FieldError::new(
                format!("{at}.number"),
                "duplicate",
                format!("plane {} is defined twice", plane.number),
            ));
        }
        for (a, area) in plane.areas.iter().enumerate() {
            let at = format!("{at}.areas[{a}]");
            if !slug_ok(&area.code, &['_']) {
                errors.push(FieldError::new(
                    format!("{at}.code"),
                    "format",
                    "is lower-case letters, digits and underscores",
                ));
            } else if !areas.insert(area.code.as_str()) {
                errors.push(FieldError::new(
                    format!("{at}.code"),
                    "duplicate",
                    format!("area `{}` is defined twice", area.code),
                ));
            }
            for (i, indicator) in area.indicators.iter().enumerate() {
                let at = format!("{at}.indicators[{i}]");
                let code_ok = indicator
                    .code
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
                if !code_ok {
                    errors.push(FieldError::new(
                        format!("{at}.code"),
                        "format",
                        "is letters, digits, dots, underscores and hyphens",
                    ));
                } else if !indicators.insert(indicator.code.as_str()) {
                    errors.push(FieldError::new(
                        format!("{at}.code"),
                        "duplicate",
                        format!("indicator `{}` is defined twice", indicator.code),
                    ));
                }
                errors.extend(check_scale(&indicator.scale, &format!("{at}.scale")));
            }
        }
    }
    errors
}

fn check_scale(scale: &Scale, at: &str) -> Vec<FieldError> {
    let mut errors = Vec::new();
    match scale {
        Scale::Levels { levels } => {
            if !(2..=10).contains(&levels.len()) {
                errors.push(FieldError::new(
                    format!("{at}.levels"),
                    "length",
                    "has 2 to 10 levels",
                ));
            }
            for (n, level) in levels.iter().enumerate() {
                if !(0..=1000).contains(&level.points) {
                    errors.push(FieldError::new(
                        format!("{at}.levels[{n}].points"),
                        "range",
                        "is from 0 to 1000",
                    ));
                }
                if level.label.trim().is_empty() || level.label.chars().count() > 200 {
                    errors.push(FieldError::new(
                        format!("{at}.levels[{n}].label"),
                        "length",
                        "is 1 to 200 characters, not only blanks",
                    ));
                }
            }
            if levels.windows(2).any(|w| w[1].points <= w[0].points) {
                errors.push(FieldError::new(
                    format!("{at}.levels"),
                    "not_increasing",
                    "levels go from the lowest to the highest, with strictly increasing points",
                ));
            }
        }
        Scale::YesNo => {}
        Scale::Number { unit, thresholds } => {
            if unit.as_ref().is_some_and(|u| u.chars().count() > 50) {
                errors.push(FieldError::new(
                    format!("{at}.unit"),
                    "length",
                    "is at most 50 characters",
                ));
            }
            if !(1..=20).contains(&thresholds.len()) {
                errors.push(FieldError::new(
                    format!("{at}.thresholds"),
                    "length",
                    "has 1 to 20 thresholds",
                ));
            }
            for (n, t) in thresholds.iter().enumerate() {
                if !(t.from.is_finite() && t.from.abs() <= 1e12 && (0..=1000).contains(&t.points)) {
                    errors.push(FieldError::new(
                        format!("{at}.thresholds[{n}]"),
                        "range",
                        "`from` is within ±10^12, `points` from 0 to 1000",
                    ));
                }
            }
            if thresholds.windows(2).any(|w| w[1].from <= w[0].from) {
                errors.push(FieldError::new(
                    format!("{at}.thresholds"),
                    "not_increasing",
                    "thresholds come in strictly increasing order of `from`",
                ));
            }
        }
    }
    if errors.is_empty() && scale.max_points() <= 0 {
        errors.push(FieldError::new(
            at.to_owned(),
            "no_points",
            "some answer must score more than 0 points",
        ));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(points: &[i32]) -> Scale {
        Scale::Levels {
            levels: points
                .iter()
                .map(|p| ScaleLevel {
                    points: *p,
                    label: format!("level {p}"),
                })
                .collect(),
        }
    }

    pub(crate) fn doc(scales: Vec<Scale>) -> MethodologyDocument {
        MethodologyDocument {
            key: "test".into(),
            name: "Test".into(),
            description: None,
            planes: vec![PlaneSpec {
                number: 1,
                name: "P1".into(),
                weight: 1.0,
                areas: vec![AreaSpec {
                    code: "a".into(),
                    name: "A".into(),
                    weight: 1.0,
                    indicators: scales
                        .into_iter()
                        .enumerate()
                        .map(|(n, scale)| IndicatorSpec {
                            code: format!("1A.{n}"),
                            question: "?".into(),
                            guidance: None,
                            scale,
                            weight: 1.0,
                            source: IndicatorSource::WorkingGroup,
                        })
                        .collect(),
                }],
            }],
        }
    }

    fn codes(errors: Vec<FieldError>) -> Vec<(String, String)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn scales_score_their_answers() {
        let three = levels(&[0, 1, 2]);
        assert_eq!(three.max_points(), 2);
        assert_eq!(three.points(1.0), Some(1));
        assert_eq!(three.points(1.5), None);
        assert_eq!(three.points(3.0), None);
        assert_eq!(Scale::YesNo.points(1.0), Some(1));
        assert_eq!(Scale::YesNo.points(0.0), Some(0));
        assert_eq!(Scale::YesNo.points(2.0), None);
        let number = Scale::Number {
            unit: Some("%".into()),
            thresholds: vec![
                Threshold {
                    from: 10.0,
                    points: 1,
                },
                Threshold {
                    from: 50.0,
                    points: 3,
                },
            ],
        };
        assert_eq!(number.max_points(), 3);
        assert_eq!(number.points(9.99), Some(0));
        assert_eq!(number.points(10.0), Some(1));
        assert_eq!(number.points(49.0), Some(1));
        assert_eq!(number.points(75.0), Some(3));
        assert_eq!(number.points(f64::NAN), None);
    }

    #[test]
    fn a_document_keeps_its_codes_unique_and_its_scales_ordered() {
        assert!(check_document(&doc(vec![levels(&[0, 1, 2]), Scale::YesNo])).is_empty());
        let mut twice = doc(vec![levels(&[0, 1, 2]), Scale::YesNo]);
        twice.planes[0].areas[0].indicators[1].code = "1A.0".into();
        assert_eq!(
            codes(check_document(&twice)),
            [(
                "planes[0].areas[0].indicators[1].code".into(),
                "duplicate".into()
            )]
        );
        assert_eq!(
            codes(check_document(&doc(vec![levels(&[0, 2, 1])]))),
            [(
                "planes[0].areas[0].indicators[0].scale.levels".into(),
                "not_increasing".into()
            )]
        );
        assert_eq!(
            codes(check_document(&doc(vec![levels(&[0])]))),
            [(
                "planes[0].areas[0].indicators[0].scale.levels".into(),
                "length".into()
            )]
        );
        let flat = Scale::Number {
            unit: None,
            thresholds: vec![Threshold {
                from: 1.0,
                points: 0,
            }],
        };
        assert_eq!(
            codes(check_document(&doc(vec![flat]))),
            [(
                "planes[0].areas[0].indicators[0].scale".into(),
                "no_points".into()
            )]
        );
        let mut bad_key = doc(vec![Scale::YesNo]);
        bad_key.key = "Zły klucz".into();
        bad_key.planes.push(bad_key.planes[0].clone());
        assert_eq!(
            codes(check_document(&bad_key)),
            [
                ("key".into(), "format".into()),
                ("planes[1].number".into(), "duplicate".into()),
                ("planes[1].areas[0].code".into(), "duplicate".into()),
                (
                    "planes[1].areas[0].indicators[0].code".into(),
                    "duplicate".into()
                ),
            ]
        );
    }
}
