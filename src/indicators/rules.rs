//! Result indicators: a target, and an achieved value that is entered by hand or
//! computed by the service from its own data.
//!
//! Each computed kind names the data it counts. Modules add theirs by adding a
//! variant here, its parameter column(s) in a migration, and an arm in
//! `model::achieved`, as recruitment added `accepted_participants` (by
//! `category`, e.g. `ngo`), and training `completed_training`.

use utoipa::ToSchema;

use crate::activities::rules::ActivityType;
use crate::error::FieldError;

crate::string_enum! {
    "indicator kind"
    /// Where an indicator's achieved value comes from.
    #[derive(ToSchema)]
    pub enum IndicatorKind {
        /// Entered by hand (`value`).
        Manual = "manual",
        /// The number of the project's activities (of `activity_type`, if set).
        ActivityCount = "activity_count",
        /// The total attendance of the project's activities (of `activity_type`, if set).
        ActivityAttendance = "activity_attendance",
        /// The accepted applicants of the project's recruitment calls (of
        /// `category`, if set).
        AcceptedParticipants = "accepted_participants",
        /// The participants of the project's training programmes who have
        /// completed them by their programme's rule.
        CompletedTraining = "completed_training",
    }
}

impl IndicatorKind {
    /// Whether the kind counts activities (and may narrow them by type).
    pub fn counts_activities(self) -> bool {
        matches!(self, Self::ActivityCount | Self::ActivityAttendance)
    }
}

/// The parameters `kind` does not take: a `value` for a computed kind, an
/// `activity_type` for a kind that counts no activities. Empty when all fit.
pub fn unfit_parameters(
    kind: IndicatorKind,
    value: Option<f64>,
    activity_type: Option<ActivityType>,
    category: Option<&str>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if kind != IndicatorKind::Manual && value.is_some() {
        errors.push(FieldError::new(
            "value",
            "computed",
            format!("a `{kind}` indicator is computed; it takes no value"),
        ));
    }
    if !kind.counts_activities() && activity_type.is_some() {
        errors.push(FieldError::new(
            "activity_type",
            "not_applicable",
            format!("a `{kind}` indicator counts no activities"),
        ));
    }
    if kind != IndicatorKind::AcceptedParticipants && category.is_some() {
        errors.push(FieldError::new(
            "category",
            "not_applicable",
            format!("a `{kind}` indicator counts no applicants"),
        ));
    }
    errors
}

/// Achieved as a percentage of the target, to one decimal; none for a zero
/// target or an unknown achieved value.
pub fn percent(target: f64, achieved: Option<f64>) -> Option<f64> {
    let achieved = achieved?;
    if target <= 0.0 {
        return None;
    }
    Some((achieved / target * 1000.0).round() / 10.0).filter(|p| p.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_through_their_names() {
        for k in IndicatorKind::ALL {
            assert_eq!(IndicatorKind::parse(k.as_str()), Some(*k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert!(!IndicatorKind::Manual.counts_activities());
    }

    #[test]
    fn each_kind_takes_only_its_parameters() {
        use IndicatorKind::*;
        let codes = |errors: Vec<FieldError>| -> Vec<(String, String)> {
            errors.into_iter().map(|e| (e.field, e.code)).collect()
        };
        let workshops = Some(ActivityType::Workshop);
        assert!(unfit_parameters(Manual, Some(3.0), None, None).is_empty());
        assert!(unfit_parameters(ActivityCount, None, workshops, None).is_empty());
        assert!(unfit_parameters(ActivityAttendance, None, None, None).is_empty());
        assert!(unfit_parameters(AcceptedParticipants, None, None, Some("ngo")).is_empty());
        assert_eq!(
            codes(unfit_parameters(ActivityCount, None, None, Some("ngo"))),
            [("category".into(), "not_applicable".into())]
        );
        assert_eq!(
            codes(unfit_parameters(Manual, None, workshops, None)),
            [("activity_type".into(), "not_applicable".into())]
        );
        let both = unfit_parameters(ActivityCount, Some(1.0), workshops, None);
        assert_eq!(codes(both), [("value".into(), "computed".into())]);
        let err = &unfit_parameters(ActivityAttendance, Some(1.0), None, None)[0];
        assert_eq!(
            err.message,
            "a `activity_attendance` indicator is computed; it takes no value"
        );
    }

    #[test]
    fn percent_is_rounded_to_one_decimal_and_undefined_without_a_target() {
        assert_eq!(percent(3.0, Some(1.0)), Some(33.3));
        assert_eq!(percent(80.0, Some(100.0)), Some(125.0));
        assert_eq!(percent(0.0, Some(5.0)), None);
        assert_eq!(percent(10.0, None), None);
        assert_eq!(
            percent(1e-300, Some(1e12)),
            None,
            "not a number JSON can carry"
        );
    }
}
