//! Result indicators: a target, and an achieved value that is entered by hand or
//! computed by the service from its own data.
//!
//! Each computed kind names the data it counts. Modules add theirs by adding a
//! variant here, its parameter column(s) in a migration, and an arm in
//! `handlers::achieved`: recruitment will add `accepted_participants` (of a call,
//! by category, e.g. `ngo`), training `completed_training` (participants of a
//! group who completed it).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Where an indicator's achieved value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// Entered by hand (`value`).
    Manual,
    /// The number of the project's activities (of `activity_type`, if set).
    ActivityCount,
    /// The total attendance of the project's activities (of `activity_type`, if set).
    ActivityAttendance,
}

impl IndicatorKind {
    pub const ALL: [Self; 3] = [Self::Manual, Self::ActivityCount, Self::ActivityAttendance];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Manual => "manual",
            Self::ActivityCount => "activity_count",
            Self::ActivityAttendance => "activity_attendance",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the kind counts activities (and may narrow them by type).
    pub fn counts_activities(self) -> bool {
        matches!(self, Self::ActivityCount | Self::ActivityAttendance)
    }
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
            assert_eq!(IndicatorKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
        assert!(!IndicatorKind::Manual.counts_activities());
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
