//! A round's life, what starting and completing it needs, and the scores,
//! as pure functions: an indicator scores its points over the most it could
//! score, on 0–100; an area is the weighted mean of its indicators, a plane
//! of its areas, the index of its planes. What has no answer is left out of
//! the mean (its weight too), so a missing answer neither counts as zero
//! nor as full marks; a part with no answer at all has no score.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::methodology::MethodologyDocument;
use crate::error::FieldError;
use crate::http::transition::StateMachine;

crate::string_enum! {
    "quality round status"
    /// `draft` → `in_progress` → `completed` (locked), or `cancelled`.
    #[derive(ToSchema)]
    pub enum RoundStatus {
        Draft = "draft",
        InProgress = "in_progress",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

crate::string_enum! {
    "quality round transition"
    /// The transitions, named as their endpoints are.
    #[derive(ToSchema)]
    pub enum RoundTransition {
        Start = "start",
        Complete = "complete",
        Cancel = "cancel",
    }
}

impl StateMachine for RoundStatus {
    type Transition = RoundTransition;
    const RECORD: &'static str = "quality round";

    fn allowed(self) -> &'static [RoundTransition] {
        match self {
            Self::Draft => &[RoundTransition::Start, RoundTransition::Cancel],
            Self::InProgress => &[RoundTransition::Complete, RoundTransition::Cancel],
            Self::Completed | Self::Cancelled => &[],
        }
    }

    fn apply(self, t: RoundTransition) -> Option<Self> {
        match (self, t) {
            (Self::Draft, RoundTransition::Start) => Some(Self::InProgress),
            (Self::InProgress, RoundTransition::Complete) => Some(Self::Completed),
            (Self::Draft | Self::InProgress, RoundTransition::Cancel) => Some(Self::Cancelled),
            _ => None,
        }
    }
}

crate::string_enum! {
    "working group side"
    /// Whom a working group member comes from: the local government or an
    /// NGO. The assessment is joint: a round starts with both.
    #[derive(ToSchema)]
    pub enum Side {
        LocalGovernment = "local_government",
        Ngo = "ngo",
    }
}

/// What starting a round needs: a working group with people of both sides.
pub fn start_conditions(sides: &[Side]) -> Vec<FieldError> {
    [Side::LocalGovernment, Side::Ngo]
        .into_iter()
        .filter(|side| !sides.contains(side))
        .map(|side| {
            FieldError::new(
                "working_group",
                "side_missing",
                format!("has nobody of the `{side}` side: the assessment is joint"),
            )
        })
        .collect()
}

/// What completing a round needs: an agreed answer for every indicator of
/// the methodology (`answered`: the codes with one). Names each indicator
/// without one as `indicators.<code>`.
pub fn completion_conditions(doc: &MethodologyDocument, answered: &[&str]) -> Vec<FieldError> {
    doc.indicators()
        .filter(|(_, _, i)| !answered.contains(&i.code.as_str()))
        .map(|(_, _, i)| {
            FieldError::new(
                format!("indicators.{}", i.code),
                "no_level",
                "has no agreed level yet",
            )
        })
        .collect()
}

/// An indicator's score.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct IndicatorScore {
    #[schema(max_length = 20)]
    pub code: String,
    /// The points its answer scores; `null` without an answer.
    #[schema(minimum = 0, maximum = 1000)]
    pub points: Option<i32>,
    #[schema(minimum = 0, maximum = 1000)]
    pub max_points: i32,
    /// 0–100; `null` without an answer.
    #[schema(minimum = 0, maximum = 100)]
    pub score: Option<f64>,
}

/// An area's score and its indicators'.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AreaScore {
    #[schema(max_length = 50)]
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
    /// 0–100; `null` when none of its indicators has an answer.
    #[schema(minimum = 0, maximum = 100)]
    pub score: Option<f64>,
    #[schema(max_items = 50)]
    pub indicators: Vec<IndicatorScore>,
}

/// A plane's score and its areas'.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PlaneScore {
    #[schema(minimum = 1, maximum = 9)]
    pub number: i32,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(minimum = 0, maximum = 100)]
    pub score: Option<f64>,
    #[schema(max_items = 20)]
    pub areas: Vec<AreaScore>,
}

/// The index and every part of it, on 0–100, to one decimal.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Scores {
    #[schema(minimum = 0, maximum = 100)]
    pub index: Option<f64>,
    #[schema(max_items = 9)]
    pub planes: Vec<PlaneScore>,
}

/// The weighted mean of the parts that have a score; `None` if none has.
pub fn weighted_mean(parts: impl IntoIterator<Item = (f64, Option<f64>)>) -> Option<f64> {
    let (sum, weights) = parts
        .into_iter()
        .filter_map(|(w, s)| s.map(|s| (w * s, w)))
        .fold((0.0, 0.0), |(a, b), (x, w)| (a + x, b + w));
    (weights > 0.0).then(|| sum / weights)
}

pub(crate) fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// The scores of `answers` (indicator code → answer) on `doc`. An answer
/// the indicator's scale does not take counts as no answer.
pub fn score(doc: &MethodologyDocument, answers: &HashMap<String, f64>) -> Scores {
    score_with(doc, |i| {
        let points = answers.get(&i.code).and_then(|a| i.scale.points(*a))?;
        Some((Some(points), f64::from(points)))
    })
}

/// The scores of the survey's mean points per indicator (code → mean).
pub fn score_means(doc: &MethodologyDocument, means: &HashMap<String, f64>) -> Scores {
    score_with(doc, |i| means.get(&i.code).map(|m| (None, *m)))
}

/// The scores on `doc` where `points_of` gives each indicator's points
/// (whole, when one answer scored them) and their value (a mean, perhaps),
/// or `None` without an answer.
fn score_with(
    doc: &MethodologyDocument,
    points_of: impl Fn(&super::methodology::IndicatorSpec) -> Option<(Option<i32>, f64)>,
) -> Scores {
    let mut plane_parts = Vec::new();
    let planes = doc
        .planes
        .iter()
        .map(|plane| {
            let mut area_parts = Vec::new();
            let areas = plane
                .areas
                .iter()
                .map(|area| {
                    let indicators: Vec<IndicatorScore> = area
                        .indicators
                        .iter()
                        .map(|i| {
                            let max = i.scale.max_points();
                            let found = points_of(i);
                            IndicatorScore {
                                code: i.code.clone(),
                                points: found.and_then(|(whole, _)| whole),
                                max_points: max,
                                score: found.map(|(_, value)| value * 100.0 / f64::from(max)),
                            }
                        })
                        .collect();
                    let score = weighted_mean(
                        area.indicators
                            .iter()
                            .zip(&indicators)
                            .map(|(spec, s)| (spec.weight, s.score)),
                    );
                    area_parts.push((area.weight, score));
                    AreaScore {
                        code: area.code.clone(),
                        name: area.name.clone(),
                        score,
                        indicators,
                    }
                })
                .collect();
            let score = weighted_mean(area_parts);
            plane_parts.push((plane.weight, score));
            PlaneScore {
                number: plane.number,
                name: plane.name.clone(),
                score,
                areas,
            }
        })
        .collect();
    let mut scores = Scores {
        index: weighted_mean(plane_parts),
        planes,
    };
    round_scores(&mut scores);
    scores
}

/// Rounds to one decimal once every mean is taken (means of rounded parts
/// would drift).
fn round_scores(scores: &mut Scores) {
    scores.index = scores.index.map(one_decimal);
    for p in &mut scores.planes {
        p.score = p.score.map(one_decimal);
        for a in &mut p.areas {
            a.score = a.score.map(one_decimal);
            for i in &mut a.indicators {
                i.score = i.score.map(one_decimal);
            }
        }
    }
}

/// A part's change against the previous round.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ScoreChange {
    /// `index`, `plane:<number>` or `area:<code>`.
    #[schema(max_length = 60)]
    pub part: String,
    #[schema(minimum = 0, maximum = 100)]
    pub previous: Option<f64>,
    #[schema(minimum = 0, maximum = 100)]
    pub current: Option<f64>,
    /// `current − previous`; `null` unless both have a score.
    #[schema(minimum = -100, maximum = 100)]
    pub change: Option<f64>,
}

/// The change of the index, of each plane (by number) and of each area (by
/// code) of `current` against `previous`, in `current`'s order; parts the
/// previous round did not have compare with `null`.
pub fn compare(current: &Scores, previous: &Scores) -> Vec<ScoreChange> {
    let mut before: HashMap<String, Option<f64>> = HashMap::new();
    before.insert("index".into(), previous.index);
    for p in &previous.planes {
        before.insert(format!("plane:{}", p.number), p.score);
        for a in &p.areas {
            before.insert(format!("area:{}", a.code), a.score);
        }
    }
    let mut now = vec![("index".to_owned(), current.index)];
    for p in &current.planes {
        now.push((format!("plane:{}", p.number), p.score));
        for a in &p.areas {
            now.push((format!("area:{}", a.code), a.score));
        }
    }
    now.into_iter()
        .map(|(part, current)| {
            let previous = before.get(&part).copied().flatten();
            ScoreChange {
                change: previous.zip(current).map(|(p, c)| one_decimal(c - p)),
                part,
                previous,
                current,
            }
        })
        .collect()
}

crate::string_enum! {
    "survey status"
    /// A round's NGO survey: `not_started`, `open` (answers come in with
    /// the survey token), `closed` (for good: its results can be read).
    #[derive(ToSchema)]
    pub enum SurveyStatus {
        NotStarted = "not_started",
        Open = "open",
        Closed = "closed",
    }
}

/// A place in a ranking.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Place {
    /// 1 for the highest index; equal indexes share a place ("1, 2, 2, 4").
    pub rank: i64,
    /// The share of the others ranked with a lower index, 0–100 to one
    /// decimal (100: above every other; with one alone, 100).
    pub percentile: f64,
}

/// The places of `indexes` (in any order; `None`, an index without any
/// score, is left unranked), in the same order.
pub fn rank(indexes: &[Option<f64>]) -> Vec<Option<Place>> {
    let scored: Vec<f64> = indexes.iter().flatten().copied().collect();
    let others = scored.len().saturating_sub(1);
    indexes
        .iter()
        .map(|i| {
            let i = (*i)?;
            let higher = scored.iter().filter(|o| **o > i).count() as i64;
            let lower = scored.iter().filter(|o| **o < i).count();
            Some(Place {
                rank: higher + 1,
                percentile: if others == 0 {
                    100.0
                } else {
                    one_decimal(lower as f64 * 100.0 / others as f64)
                },
            })
        })
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::quality::methodology::{
        AreaSpec, IndicatorSource, IndicatorSpec, PlaneSpec, Scale, ScaleLevel, Threshold,
    };

    fn levels() -> Scale {
        Scale::Levels {
            levels: ["not met", "minimum", "target"]
                .iter()
                .enumerate()
                .map(|(n, l)| ScaleLevel {
                    points: n as i32,
                    label: (*l).into(),
                })
                .collect(),
        }
    }

    fn indicator(code: &str, scale: Scale, weight: f64) -> IndicatorSpec {
        IndicatorSpec {
            code: code.into(),
            question: "?".into(),
            guidance: None,
            scale,
            weight,
            source: IndicatorSource::WorkingGroup,
        }
    }

    /// Plane 1 (weight 2): area a (1A.1 levels w1, 1A.2 yes/no w3), area b
    /// (1B.1 a number: 1 point from 10, 4 from 20). Plane 2 (weight 1):
    /// area c (2C.1 levels).
    pub(crate) fn doc() -> MethodologyDocument {
        let area = |code: &str, weight, indicators| AreaSpec {
            code: code.into(),
            name: code.to_uppercase(),
            weight,
            indicators,
        };
        MethodologyDocument {
            key: "t".into(),
            name: "T".into(),
            description: None,
            planes: vec![
                PlaneSpec {
                    number: 1,
                    name: "One".into(),
                    weight: 2.0,
                    areas: vec![
                        area(
                            "a",
                            1.0,
                            vec![
                                indicator("1A.1", levels(), 1.0),
                                indicator("1A.2", Scale::YesNo, 3.0),
                            ],
                        ),
                        area(
                            "b",
                            1.0,
                            vec![indicator(
                                "1B.1",
                                Scale::Number {
                                    unit: None,
                                    thresholds: vec![
                                        Threshold {
                                            from: 10.0,
                                            points: 1,
                                        },
                                        Threshold {
                                            from: 20.0,
                                            points: 4,
                                        },
                                    ],
                                },
                                1.0,
                            )],
                        ),
                    ],
                },
                PlaneSpec {
                    number: 2,
                    name: "Two".into(),
                    weight: 1.0,
                    areas: vec![area("c", 1.0, vec![indicator("2C.1", levels(), 1.0)])],
                },
            ],
        }
    }

    pub(crate) fn answers(list: &[(&str, f64)]) -> HashMap<String, f64> {
        list.iter().map(|(c, a)| ((*c).to_owned(), *a)).collect()
    }

    #[test]
    fn weights_combine_indicators_areas_and_planes() {
        // 1A.1 minimum = 50, 1A.2 yes = 100 (weight 3): area a = (50 + 300) / 4 = 87.5.
        // 1B.1 = 12 → 1 of 4 points = 25: area b = 25; plane 1 = 56.25.
        // 2C.1 target = 100: plane 2 = 100. Index = (2 × 56.25 + 100) / 3 = 70.83.
        let s = score(
            &doc(),
            &answers(&[("1A.1", 1.0), ("1A.2", 1.0), ("1B.1", 12.0), ("2C.1", 2.0)]),
        );
        assert_eq!(s.planes[0].areas[0].score, Some(87.5));
        assert_eq!(s.planes[0].areas[1].score, Some(25.0));
        assert_eq!(s.planes[0].score, Some(56.3));
        assert_eq!(s.planes[1].score, Some(100.0));
        assert_eq!(s.index, Some(70.8));
        assert_eq!(s.planes[0].areas[1].indicators[0].points, Some(1));
        assert_eq!(s.planes[0].areas[1].indicators[0].max_points, 4);
    }

    #[test]
    fn missing_answers_leave_the_mean_and_empty_parts_have_no_score() {
        // Only 1A.2 (no): area a = 0, area b none, plane 1 = 0; plane 2
        // none; the index is plane 1's alone.
        let s = score(&doc(), &answers(&[("1A.2", 0.0)]));
        assert_eq!(s.planes[0].areas[0].score, Some(0.0));
        assert_eq!(s.planes[0].areas[1].score, None);
        assert_eq!(s.planes[0].score, Some(0.0));
        assert_eq!(s.planes[1].score, None);
        assert_eq!(s.index, Some(0.0));
        // An answer the scale does not take is no answer.
        let s = score(&doc(), &answers(&[("1A.1", 7.0)]));
        assert_eq!(s.index, None);
        assert_eq!(score(&doc(), &HashMap::new()).index, None);
    }

    #[test]
    fn a_round_compares_with_the_previous_part_by_part() {
        let before = score(&doc(), &answers(&[("1A.1", 0.0), ("1A.2", 0.0)]));
        let now = score(
            &doc(),
            &answers(&[("1A.1", 2.0), ("1A.2", 1.0), ("2C.1", 1.0)]),
        );
        let changes = compare(&now, &before);
        let get = |part: &str| changes.iter().find(|c| c.part == part).unwrap().clone();
        assert_eq!(get("area:a").change, Some(100.0));
        assert_eq!(get("area:b").change, None);
        assert_eq!(get("plane:2").previous, None);
        assert_eq!(get("plane:2").current, Some(50.0));
        assert_eq!(get("index").previous, Some(0.0));
        assert_eq!(changes[0].part, "index");
    }

    #[test]
    fn a_round_starts_with_both_sides_and_completes_with_every_level() {
        assert!(start_conditions(&[Side::Ngo, Side::LocalGovernment]).is_empty());
        assert_eq!(start_conditions(&[Side::Ngo]).len(), 1);
        assert_eq!(start_conditions(&[]).len(), 2);
        let missing: Vec<String> = completion_conditions(&doc(), &["1A.1", "2C.1"])
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(missing, ["indicators.1A.2", "indicators.1B.1"]);
        assert!(completion_conditions(&doc(), &["1A.1", "1A.2", "1B.1", "2C.1"]).is_empty());
    }

    #[test]
    fn equal_indexes_share_a_place_and_percentiles_count_those_below() {
        let places = rank(&[Some(50.0), Some(80.0), None, Some(50.0), Some(20.0)]);
        let got: Vec<Option<(i64, f64)>> = places
            .iter()
            .map(|p| p.map(|p| (p.rank, p.percentile)))
            .collect();
        assert_eq!(
            got,
            [
                Some((2, 33.3)),
                Some((1, 100.0)),
                None,
                Some((2, 33.3)),
                Some((4, 0.0))
            ]
        );
        assert_eq!(rank(&[Some(10.0)])[0].unwrap().percentile, 100.0);
        assert!(rank(&[]).is_empty());
    }

    #[test]
    fn the_life_of_a_round() {
        use crate::http::transition::next_state;
        assert_eq!(
            next_state(RoundStatus::Draft, RoundTransition::Start).unwrap(),
            RoundStatus::InProgress
        );
        assert_eq!(
            next_state(RoundStatus::InProgress, RoundTransition::Complete).unwrap(),
            RoundStatus::Completed
        );
        assert!(next_state(RoundStatus::Draft, RoundTransition::Complete).is_err());
        assert!(next_state(RoundStatus::Completed, RoundTransition::Cancel).is_err());
        assert_eq!(
            next_state(RoundStatus::Draft, RoundTransition::Cancel).unwrap(),
            RoundStatus::Cancelled
        );
    }

    #[test]
    fn the_default_methodology_is_a_valid_document() {
        let sql = include_str!("../../migrations/sqlite/2026-12-04-000018_quality_index/up.sql");
        let pg = include_str!("../../migrations/postgres/2026-12-04-000018_quality_index/up.sql");
        let json = |sql: &str| {
            let start = sql.find("'{").unwrap() + 1;
            let end = sql.rfind("}'").unwrap() + 1;
            sql[start..end].replace("''", "'")
        };
        assert_eq!(
            json(sql),
            json(pg),
            "both backends ship the same methodology"
        );
        let doc: MethodologyDocument = serde_json::from_str(&json(sql)).unwrap();
        assert!(crate::quality::methodology::check_document(&doc).is_empty());
        assert_eq!(doc.planes.len(), 3);
        let areas: Vec<&str> = doc
            .planes
            .iter()
            .flat_map(|p| p.areas.iter().map(|a| a.code.as_str()))
            .collect();
        let model: Vec<&str> = crate::cooperation_model::Area::ALL
            .iter()
            .map(|a| a.as_str())
            .collect();
        assert_eq!(areas, model, "the cooperation model's six areas, in order");
        assert!(doc.description.unwrap().contains("starting template"));
    }
}
