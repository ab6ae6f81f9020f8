//! The NGO survey's rules as pure functions: what one answer may hold,
//! when its results can be read, the survey in aggregate, and the gap per
//! area between the working group's view and the NGOs'.

use std::collections::HashMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::methodology::{IndicatorSource, MethodologyDocument};
use super::rules::{Scores, SurveyStatus, one_decimal};
use crate::error::FieldError;

/// The faults of one survey answer on `doc`: at least one answer, each on
/// an indicator the survey asks (`ngo_survey`), once, and on its scale.
pub fn check_survey_answers(
    doc: &MethodologyDocument,
    answers: &[(String, f64)],
) -> Vec<FieldError> {
    if answers.is_empty() {
        return vec![FieldError::new(
            "answers",
            "required",
            "answer at least one of the survey's indicators",
        )];
    }
    let mut errors = Vec::new();
    for (n, (code, answer)) in answers.iter().enumerate() {
        let asked = doc
            .indicator(code)
            .filter(|i| i.source == IndicatorSource::NgoSurvey);
        match asked {
            None => errors.push(FieldError::new(
                format!("answers[{n}].indicator_code"),
                "not_asked",
                format!("`{code}` is not an indicator of this round's survey"),
            )),
            Some(_) if answers[..n].iter().any(|(c, _)| c == code) => errors.push(FieldError::new(
                format!("answers[{n}].indicator_code"),
                "duplicate",
                "is answered twice",
            )),
            Some(i) if i.scale.points(*answer).is_none() => errors.push(FieldError::new(
                format!("answers[{n}].answer"),
                "not_on_scale",
                format!("is not an answer of indicator `{code}`'s scale"),
            )),
            Some(_) => {}
        }
    }
    errors
}

/// Why a survey's results cannot be read yet, if they cannot: only once it
/// is closed (no answer can come after, so no two readings differ by one
/// answer) and only from `minimum` answers on (so no answer stands alone).
pub fn survey_unavailable(status: SurveyStatus, responses: i64, minimum: i64) -> Option<String> {
    if status != SurveyStatus::Closed {
        Some(format!(
            "The survey is {status}: its results are shown once it is closed."
        ))
    } else if responses < minimum {
        Some(format!(
            "The survey has {responses} answer(s); results are shown from {minimum} on, so that no answer can be told apart."
        ))
    } else {
        None
    }
}

/// How many answers scored how many points.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PointsCount {
    #[schema(minimum = 0, maximum = 1000)]
    pub points: i32,
    #[schema(minimum = 0, maximum = 1000000000)]
    pub responses: i64,
}

/// One survey indicator in aggregate.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SurveyIndicator {
    #[schema(max_length = 20)]
    pub code: String,
    /// How many answers it got.
    #[schema(minimum = 0, maximum = 1000000000)]
    pub responses: i64,
    /// Their mean points, to two decimals; `null` with fewer answers than
    /// the survey's minimum (so that an indicator few answered does not
    /// show their answers).
    #[schema(minimum = 0, maximum = 1000)]
    pub mean_points: Option<f64>,
    #[schema(minimum = 0, maximum = 1000)]
    pub max_points: i32,
    /// How many answers scored each number of points, lowest first; empty
    /// with fewer answers than the survey's minimum.
    #[schema(max_items = 21)]
    pub distribution: Vec<PointsCount>,
}

/// The survey's indicators in aggregate over `answers` (each one NGO's
/// answers, code → answer), in the methodology's order; and the mean
/// points per indicator. An indicator with fewer than `minimum` answers
/// shows only how many it got: the survey as a whole may have enough
/// answers while one indicator has one alone.
pub fn aggregate(
    doc: &MethodologyDocument,
    answers: &[HashMap<String, f64>],
    minimum: i64,
) -> (Vec<SurveyIndicator>, HashMap<String, f64>) {
    let mut means = HashMap::new();
    let indicators = doc
        .indicators()
        .filter(|(_, _, i)| i.source == IndicatorSource::NgoSurvey)
        .map(|(_, _, i)| {
            let points: Vec<i32> = answers
                .iter()
                .filter_map(|a| a.get(&i.code).and_then(|v| i.scale.points(*v)))
                .collect();
            let mut distribution: Vec<PointsCount> = Vec::new();
            for p in &points {
                match distribution.iter_mut().find(|d| d.points == *p) {
                    Some(d) => d.responses += 1,
                    None => distribution.push(PointsCount {
                        points: *p,
                        responses: 1,
                    }),
                }
            }
            distribution.sort_by_key(|d| d.points);
            let enough = !points.is_empty() && points.len() as i64 >= minimum;
            if !enough {
                distribution.clear();
            }
            let mean = enough
                .then(|| points.iter().map(|p| f64::from(*p)).sum::<f64>() / points.len() as f64);
            if let Some(m) = mean {
                means.insert(i.code.clone(), m);
            }
            SurveyIndicator {
                code: i.code.clone(),
                responses: points.len() as i64,
                mean_points: mean.map(|m| (m * 100.0).round() / 100.0),
                max_points: i.scale.max_points(),
                distribution,
            }
        })
        .collect();
    (indicators, means)
}

/// Where the two sectors see an area differently: the working group's
/// score against the NGOs' (the survey's).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AreaGap {
    #[schema(max_length = 50)]
    pub code: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(minimum = 0, maximum = 100)]
    pub working_group: Option<f64>,
    #[schema(minimum = 0, maximum = 100)]
    pub survey: Option<f64>,
    /// `working_group − survey`: above 0, the working group sees the area
    /// better than the NGOs do; `null` unless both have a score.
    #[schema(minimum = -100, maximum = 100)]
    pub gap: Option<f64>,
}

/// The gap per area between the working group's scores and the survey's.
pub fn gaps(working_group: &Scores, survey: &Scores) -> Vec<AreaGap> {
    let survey_areas: HashMap<&str, Option<f64>> = survey
        .planes
        .iter()
        .flat_map(|p| p.areas.iter().map(|a| (a.code.as_str(), a.score)))
        .collect();
    working_group
        .planes
        .iter()
        .flat_map(|p| p.areas.iter())
        .map(|a| {
            let s = survey_areas.get(a.code.as_str()).copied().flatten();
            AreaGap {
                code: a.code.clone(),
                name: a.name.clone(),
                working_group: a.score,
                survey: s,
                gap: a.score.zip(s).map(|(w, s)| one_decimal(w - s)),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::rules::tests::{answers, doc};
    use crate::quality::rules::{score, score_means};

    /// doc() with 1A.1 and 2C.1 asked in the survey.
    fn survey_doc() -> MethodologyDocument {
        let mut d = doc();
        d.planes[0].areas[0].indicators[0].source = IndicatorSource::NgoSurvey;
        d.planes[1].areas[0].indicators[0].source = IndicatorSource::NgoSurvey;
        d
    }

    #[test]
    fn a_survey_answer_names_the_surveys_indicators_once_on_their_scales() {
        let d = survey_doc();
        let ok = [("1A.1".to_owned(), 2.0), ("2C.1".to_owned(), 0.0)];
        assert!(check_survey_answers(&d, &ok).is_empty());
        let fields = |answers: &[(String, f64)]| -> Vec<(String, String)> {
            check_survey_answers(&d, answers)
                .into_iter()
                .map(|e| (e.field, e.code))
                .collect()
        };
        assert_eq!(fields(&[]), [("answers".into(), "required".into())]);
        assert_eq!(
            fields(&[
                ("1A.2".into(), 1.0),
                ("2C.1".into(), 5.0),
                ("2C.1".into(), 1.0)
            ]),
            [
                ("answers[0].indicator_code".into(), "not_asked".into()),
                ("answers[1].answer".into(), "not_on_scale".into()),
                ("answers[2].indicator_code".into(), "duplicate".into())
            ]
        );
    }

    #[test]
    fn survey_results_wait_for_the_close_and_the_minimum() {
        assert!(survey_unavailable(SurveyStatus::Open, 50, 5).is_some());
        assert!(survey_unavailable(SurveyStatus::NotStarted, 0, 5).is_some());
        assert!(survey_unavailable(SurveyStatus::Closed, 4, 5).is_some());
        assert_eq!(survey_unavailable(SurveyStatus::Closed, 5, 5), None);
    }

    #[test]
    fn the_survey_in_aggregate_and_its_gap_to_the_working_group() {
        let d = survey_doc();
        let one = |list: &[(&str, f64)]| answers(list);
        let all = [
            one(&[("1A.1", 2.0), ("2C.1", 0.0)]),
            one(&[("1A.1", 0.0)]),
            one(&[("1A.1", 1.0), ("2C.1", 0.0)]),
        ];
        let (indicators, means) = aggregate(&d, &all, 2);
        assert_eq!(indicators.len(), 2);
        assert_eq!(indicators[0].code, "1A.1");
        assert_eq!(indicators[0].responses, 3);
        assert_eq!(indicators[0].mean_points, Some(1.0));
        assert_eq!(
            indicators[0].distribution,
            [
                PointsCount {
                    points: 0,
                    responses: 1
                },
                PointsCount {
                    points: 1,
                    responses: 1
                },
                PointsCount {
                    points: 2,
                    responses: 1
                }
            ]
        );
        assert_eq!(indicators[1].responses, 2);
        assert_eq!(means["2C.1"], 0.0);
        // With a minimum of 3, 2C.1's two answers show their count alone.
        let (strict, strict_means) = aggregate(&d, &all, 3);
        assert_eq!(strict[1].responses, 2);
        assert_eq!(strict[1].mean_points, None);
        assert!(strict[1].distribution.is_empty());
        assert!(!strict_means.contains_key("2C.1"));
        assert_eq!(strict[0].mean_points, Some(1.0));
        // The survey's view: area a = 1A.1 alone, mean 1 of 2 = 50; c = 0.
        let survey = score_means(&d, &means);
        assert_eq!(survey.planes[0].areas[0].score, Some(50.0));
        assert_eq!(survey.planes[0].areas[1].score, None);
        assert_eq!(survey.planes[1].score, Some(0.0));
        // The working group sees area a at 87.5 and c at 100.
        let wg = score(&d, &answers(&[("1A.1", 1.0), ("1A.2", 1.0), ("2C.1", 2.0)]));
        let g = gaps(&wg, &survey);
        let by = |code: &str| g.iter().find(|x| x.code == code).unwrap().gap;
        assert_eq!(by("a"), Some(37.5));
        assert_eq!(by("b"), None);
        assert_eq!(by("c"), Some(100.0));
    }
}
