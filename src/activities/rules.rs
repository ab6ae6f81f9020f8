//! Activity types (SPEC §4.1) and the campaign rules, as pure functions: "at
//! least N actions in each of these locations", an action takes place within
//! its campaign's dates at one of its locations, and a change to a campaign
//! keeps its recorded actions valid.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::FieldError;

crate::string_enum! {
    "activity type"
    /// What kind of activity took place.
    #[derive(ToSchema)]
    pub enum ActivityType {
        LaunchMeeting = "launch_meeting",
        Conference = "conference",
        Training = "training",
        Workshop = "workshop",
        PublicDebate = "public_debate",
        CampaignAction = "campaign_action",
        StudyVisit = "study_visit",
        Publication = "publication",
        Film = "film",
        OpenDay = "open_day",
    }
}

/// The key under which a location is compared: trimmed, inner whitespace
/// collapsed, lower case, without diacritics ("Cluj-Napoca" = "cluj-napoca",
/// "Târgu Mureș" = "targu  mures").
pub fn location_key(name: &str) -> String {
    crate::db::fold_for_search(&collapse_spaces(name))
}

fn collapse_spaces(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A place as stored: the name as the campaign spells it (or as entered, for
/// an activity outside any campaign) and its comparison key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub key: String,
    pub name: String,
}

impl Location {
    pub fn new(name: &str) -> Self {
        Self {
            key: location_key(name),
            name: name.to_owned(),
        }
    }
}

/// What a campaign's actions are checked against.
#[derive(Debug, Clone)]
pub struct CampaignFacts {
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// In the campaign's order.
    pub locations: Vec<Location>,
}

/// A recorded action of a campaign, as a change to the campaign must keep it
/// valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    pub id: String,
    pub held_on: NaiveDate,
    pub place_key: Option<String>,
    pub place: Option<String>,
}

/// The place of an activity outside any campaign: trimmed; blank is none.
pub fn free_place(place: Option<&str>) -> Option<Location> {
    place
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|p| Location {
            key: location_key(p),
            name: p.to_owned(),
        })
}

/// Where an action of `campaign` held on `held_on` at `place` is stored: the
/// campaign's location it names, spelt as the campaign spells it; or every
/// rule it breaks (`held_on` outside the dates, `place` missing or not one of
/// the locations).
pub fn place_action(
    campaign: &CampaignFacts,
    held_on: NaiveDate,
    place: Option<&str>,
) -> Result<Location, Vec<FieldError>> {
    let mut errors = Vec::new();
    let (starts, ends) = (campaign.starts_on, campaign.ends_on);
    if held_on < starts || held_on > ends {
        errors.push(FieldError::new(
            "held_on",
            "outside_campaign",
            format!("the campaign runs from {starts} to {ends}"),
        ));
    }
    let found = match free_place(place) {
        None => {
            errors.push(FieldError::new(
                "place",
                "required",
                "a campaign action takes place at one of the campaign's locations",
            ));
            None
        }
        Some(wanted) => {
            let found = campaign.locations.iter().find(|l| l.key == wanted.key);
            if found.is_none() {
                let names: Vec<&str> = campaign.locations.iter().map(|l| l.name.as_str()).collect();
                errors.push(FieldError::new(
                    "place",
                    "not_a_campaign_location",
                    format!(
                        "must be one of the campaign's locations: {}",
                        names.join(", ")
                    ),
                ));
            }
            found
        }
    };
    match found {
        Some(l) if errors.is_empty() => Ok(l.clone()),
        _ => Err(errors),
    }
}

/// Trimmed locations with their keys; a repeated location (ignoring case and
/// diacritics) or a blank one is refused, by index.
pub fn normalize_locations(locations: &[String]) -> Result<Vec<Location>, Vec<FieldError>> {
    let mut seen: Vec<Location> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in locations.iter().enumerate() {
        let location = Location::new(&collapse_spaces(raw));
        if location.name.is_empty() {
            errors.push(FieldError::new(
                format!("locations[{i}]"),
                "required",
                "a location needs a name",
            ));
        } else if seen.iter().any(|l| l.key == location.key) {
            errors.push(FieldError::new(
                format!("locations[{i}]"),
                "duplicate",
                format!("`{}` is already a location of this campaign", location.name),
            ));
        } else {
            seen.push(location);
        }
    }
    if errors.is_empty() {
        Ok(seen)
    } else {
        Err(errors)
    }
}

/// The campaign's actions stay within its period: none, or the error naming
/// how many would fall outside, on `field` (the date the change moves).
pub fn actions_outside_period(
    actions: &[Action],
    starts: NaiveDate,
    ends: NaiveDate,
    field: &str,
) -> Option<FieldError> {
    let outside = actions
        .iter()
        .filter(|a| a.held_on < starts || a.held_on > ends)
        .count();
    (outside > 0).then(|| {
        FieldError::new(
            field,
            "actions_outside_period",
            format!("{outside} action(s) of the campaign would fall outside {starts}..{ends}"),
        )
    })
}

/// A location with actions cannot be removed: an error for each location of
/// `current` that has actions and is not in `new`.
pub fn removed_locations_with_actions(
    current: &[Location],
    new: &[Location],
    actions: &[Action],
) -> Vec<FieldError> {
    let mut used: Vec<&str> = Vec::new();
    for key in actions.iter().filter_map(|a| a.place_key.as_deref()) {
        if !used.contains(&key) {
            used.push(key);
        }
    }
    used.into_iter()
        .filter(|key| !new.iter().any(|l| l.key == *key))
        .map(|key| {
            let name = current
                .iter()
                .find(|l| l.key == key)
                .map_or(key, |l| l.name.as_str());
            FieldError::new(
                "locations",
                "location_has_actions",
                format!("`{name}` has actions and cannot be removed; move or delete them first"),
            )
        })
        .collect()
}

/// The checks of a campaign change against its recorded actions, in the order
/// they are reported: the period, then the new locations (which are returned,
/// normalised, when `locations` is given).
pub fn check_campaign_change(
    period: (NaiveDate, NaiveDate),
    period_field: &str,
    current: &[Location],
    locations: Option<&[String]>,
    actions: &[Action],
) -> Result<Option<Vec<Location>>, Vec<FieldError>> {
    let mut errors: Vec<FieldError> =
        actions_outside_period(actions, period.0, period.1, period_field)
            .into_iter()
            .collect();
    let new = match locations.map(normalize_locations) {
        None => None,
        Some(Err(invalid)) => {
            errors.extend(invalid);
            return Err(errors);
        }
        Some(Ok(new)) => {
            errors.extend(removed_locations_with_actions(current, &new, actions));
            Some(new)
        }
    };
    if errors.is_empty() {
        Ok(new)
    } else {
        Err(errors)
    }
}

/// A respelt location renames its actions: the actions whose place has the
/// key of a location in `new` but not its spelling, with the new spelling.
pub fn respelt_actions<'a>(actions: &'a [Action], new: &'a [Location]) -> Vec<(&'a str, &'a str)> {
    actions
        .iter()
        .filter_map(|a| {
            let key = a.place_key.as_deref()?;
            let location = new.iter().find(|l| l.key == key)?;
            let place = a.place.as_deref()?;
            (place != location.name).then_some((a.id.as_str(), location.name.as_str()))
        })
        .collect()
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

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn locations(names: &[&str]) -> Vec<Location> {
        names.iter().map(|n| Location::new(n)).collect()
    }

    fn action(id: &str, held_on: &str, place: Option<&str>) -> Action {
        Action {
            id: id.into(),
            held_on: day(held_on),
            place_key: place.map(location_key),
            place: place.map(str::to_owned),
        }
    }

    fn codes(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect()
    }

    #[test]
    fn types_round_trip_through_their_names() {
        for t in ActivityType::ALL {
            assert_eq!(ActivityType::parse(t.as_str()), Some(*t));
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
    fn locations_are_trimmed_and_each_is_named_once() {
        let raw = ["  Łódź ", "Kraków", "LODZ", " "].map(String::from);
        let err = normalize_locations(&raw).unwrap_err();
        assert_eq!(
            codes(&err),
            [("locations[2]", "duplicate"), ("locations[3]", "required")]
        );
        let ok = normalize_locations(&raw[..2]).unwrap();
        assert_eq!(ok, locations(&["Łódź", "Kraków"]));
    }

    #[test]
    fn an_action_takes_place_within_the_dates_at_a_campaign_location() {
        let c = CampaignFacts {
            starts_on: day("2026-11-02"),
            ends_on: day("2026-11-09"),
            locations: locations(&["Cluj-Napoca", "Târgu Mureș"]),
        };
        let placed = place_action(&c, day("2026-11-09"), Some(" targu mures ")).unwrap();
        assert_eq!(placed, Location::new("Târgu Mureș"));
        let err = place_action(&c, day("2026-11-10"), Some("Oradea")).unwrap_err();
        assert_eq!(
            codes(&err),
            [
                ("held_on", "outside_campaign"),
                ("place", "not_a_campaign_location")
            ]
        );
        let err = place_action(&c, day("2026-11-02"), Some("  ")).unwrap_err();
        assert_eq!(codes(&err), [("place", "required")]);
        assert_eq!(free_place(Some("  Dej ")), Some(Location::new("Dej")));
        assert_eq!(free_place(Some(" ")), None);
    }

    #[test]
    fn a_campaign_change_keeps_its_actions_in_the_period_and_their_locations() {
        let current = locations(&["Łódź", "Kraków"]);
        let actions = [
            action("a", "2026-11-05", Some("lodz")),
            action("b", "2026-11-06", Some("lodz")),
        ];
        let period = (day("2026-11-06"), day("2026-11-09"));
        let err = check_campaign_change(period, "starts_on", &current, None, &actions).unwrap_err();
        assert_eq!(codes(&err), [("starts_on", "actions_outside_period")]);
        assert!(err[0].message.starts_with("1 action(s)"));

        let period = (day("2026-11-01"), day("2026-11-09"));
        let moved = ["Kraków", "Gdańsk"].map(String::from);
        let err =
            check_campaign_change(period, "ends_on", &current, Some(&moved), &actions).unwrap_err();
        assert_eq!(codes(&err), [("locations", "location_has_actions")]);
        assert!(err[0].message.starts_with("`Łódź`"));

        let bad = ["A", "a"].map(String::from);
        let period = (day("2026-11-06"), day("2026-11-09"));
        let err =
            check_campaign_change(period, "ends_on", &current, Some(&bad), &actions).unwrap_err();
        assert_eq!(
            codes(&err),
            [
                ("ends_on", "actions_outside_period"),
                ("locations[1]", "duplicate")
            ]
        );

        let period = (day("2026-11-01"), day("2026-11-09"));
        let respelt = ["ŁÓDŹ", "Kraków"].map(String::from);
        let new = check_campaign_change(period, "ends_on", &current, Some(&respelt), &actions)
            .unwrap()
            .unwrap();
        assert_eq!(new, locations(&["ŁÓDŹ", "Kraków"]));
    }

    #[test]
    fn a_respelt_location_renames_its_actions() {
        let actions = [
            action("a", "2026-11-05", Some("lodz")),
            action("b", "2026-11-05", Some("ŁÓDŹ")),
            action("c", "2026-11-05", Some("Kraków")),
            action("d", "2026-11-05", None),
        ];
        let new = locations(&["ŁÓDŹ", "Kraków"]);
        assert_eq!(respelt_actions(&actions, &new), [("a", "ŁÓDŹ")]);
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
