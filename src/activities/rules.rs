//! Activity types (SPEC §4.1) and the campaign rule "at least N actions in each
//! of these locations".

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What kind of activity took place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivityType {
    LaunchMeeting,
    Conference,
    Training,
    Workshop,
    PublicDebate,
    CampaignAction,
    StudyVisit,
    Publication,
    Film,
    OpenDay,
}

impl ActivityType {
    pub const ALL: [Self; 10] = [
        Self::LaunchMeeting,
        Self::Conference,
        Self::Training,
        Self::Workshop,
        Self::PublicDebate,
        Self::CampaignAction,
        Self::StudyVisit,
        Self::Publication,
        Self::Film,
        Self::OpenDay,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LaunchMeeting => "launch_meeting",
            Self::Conference => "conference",
            Self::Training => "training",
            Self::Workshop => "workshop",
            Self::PublicDebate => "public_debate",
            Self::CampaignAction => "campaign_action",
            Self::StudyVisit => "study_visit",
            Self::Publication => "publication",
            Self::Film => "film",
            Self::OpenDay => "open_day",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }
}

/// The key under which a location is compared: trimmed, inner whitespace
/// collapsed, lower case, without diacritics ("Cluj-Napoca" = "cluj-napoca",
/// "Târgu Mureș" = "targu  mures").
pub fn location_key(name: &str) -> String {
    crate::db::fold_for_search(&name.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// One location of a campaign report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct LocationTally {
    /// The location as the campaign names it.
    #[schema(max_length = 200)]
    pub name: String,
    /// Actions of the campaign that took place there.
    #[schema(minimum = 0, maximum = 2147483647)]
    pub actions: i64,
    /// How many more actions the rule asks for (0 when it is met).
    #[schema(minimum = 0, maximum = 2147483647)]
    pub missing: i64,
    /// Whether the location has at least the required number of actions.
    pub met: bool,
}

/// Tallies each location against the rule, in the campaign's order.
pub fn tally(min_actions: i64, locations: Vec<(String, i64)>) -> Vec<LocationTally> {
    locations
        .into_iter()
        .map(|(name, actions)| LocationTally {
            name,
            actions,
            missing: (min_actions - actions).max(0),
            met: actions >= min_actions,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_round_trip_through_their_names() {
        for t in ActivityType::ALL {
            assert_eq!(ActivityType::parse(t.as_str()), Some(t));
            assert_eq!(serde_json::to_value(t).unwrap(), t.as_str());
        }
        assert_eq!(ActivityType::parse("party"), None);
    }

    #[test]
    fn locations_compare_without_case_diacritics_or_extra_spaces() {
        assert_eq!(location_key("  Târgu   Mureș "), "targu mures");
        assert_eq!(location_key("ŁÓDŹ"), location_key("lodz"));
        assert_ne!(location_key("Cluj"), location_key("Cluj-Napoca"));
    }

    #[test]
    fn a_location_falls_short_until_it_has_the_minimum() {
        let t = tally(
            2,
            vec![
                ("A".into(), 0),
                ("B".into(), 1),
                ("C".into(), 2),
                ("D".into(), 5),
            ],
        );
        let short: Vec<_> = t
            .iter()
            .filter(|l| !l.met)
            .map(|l| l.name.as_str())
            .collect();
        assert_eq!(short, ["A", "B"]);
        assert_eq!(
            t.iter().map(|l| l.missing).collect::<Vec<_>>(),
            [2, 1, 0, 0]
        );
    }
}
