//! When a participant has completed a programme, without the database: the
//! programme's rule, attendance as recorded, and what each participant has
//! attended and still misses.
//!
//! A participant is measured against the sessions of the group they are in
//! now; a session they attended in an earlier group of the programme counts
//! too (its modules and its hours), as they were there.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::rules::Module;
use crate::error::FieldError;

crate::string_enum! {
    "attendance status"
    /// `present`, `absent`, or `excused` (absent with a reason; counts as
    /// absent for completion).
    #[derive(ToSchema)]
    pub enum AttendanceStatus {
        Present = "present",
        Absent = "absent",
        Excused = "excused",
    }
}

/// When a participant has completed the programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "rule", rename_all = "snake_case", deny_unknown_fields)]
pub enum CompletionRule {
    /// Present at a session of every module of the programme.
    AllModules {},
    /// Present for at least `min_percent` of the hours of their group's
    /// sessions.
    ShareOfHours {
        #[schema(minimum = 1, maximum = 100)]
        min_percent: i32,
    },
}

impl Default for CompletionRule {
    fn default() -> Self {
        Self::AllModules {}
    }
}

impl CompletionRule {
    /// 422 entries for a share outside 1–100 %.
    pub fn check(&self) -> Vec<FieldError> {
        match self {
            Self::ShareOfHours { min_percent } if !(1..=100).contains(min_percent) => {
                vec![FieldError::new(
                    "completion.min_percent",
                    "range",
                    "from 1 to 100",
                )]
            }
            _ => Vec::new(),
        }
    }
}

/// A session as completion sees it.
#[derive(Debug, Clone)]
pub struct Held<'a> {
    pub modules: &'a [String],
    pub minutes: i64,
}

/// What a participant has attended, measured against the rule.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Progress {
    /// The hours of the sessions of their group.
    pub planned_hours: f64,
    /// The hours of the sessions they were present at.
    pub present_hours: f64,
    /// `present_hours` as a percentage of `planned_hours` (at most 100; 0
    /// while the group has no sessions), to one decimal.
    #[schema(minimum = 0, maximum = 100)]
    pub present_percent: f64,
    /// The programme's modules of the sessions they were present at.
    #[schema(max_items = 50, value_type = Vec<super::model::ModuleCode>)]
    pub modules_attended: Vec<String>,
    /// The programme's modules they have not been present at yet.
    #[schema(max_items = 50, value_type = Vec<super::model::ModuleCode>)]
    pub modules_missing: Vec<String>,
    pub completed: bool,
}

fn hours(minutes: i64) -> f64 {
    (minutes as f64 / 60.0 * 100.0).round() / 100.0
}

/// Measures one participant: `planned` are the sessions of their group,
/// `present` the sessions (of any group of the programme) they were present
/// at.
pub fn progress(
    rule: &CompletionRule,
    modules: &[Module],
    planned: &[Held<'_>],
    present: &[Held<'_>],
) -> Progress {
    let planned_minutes: i64 = planned.iter().map(|s| s.minutes).sum();
    let present_minutes: i64 = present.iter().map(|s| s.minutes).sum();
    let seen: BTreeSet<&str> = present
        .iter()
        .flat_map(|s| s.modules.iter().map(String::as_str))
        .collect();
    let (attended, missing): (Vec<&Module>, Vec<&Module>) =
        modules.iter().partition(|m| seen.contains(m.code.as_str()));
    let percent = if planned_minutes == 0 {
        0.0
    } else {
        (present_minutes.min(planned_minutes) as f64 * 1000.0 / planned_minutes as f64).round()
            / 10.0
    };
    let completed = match rule {
        CompletionRule::AllModules {} => missing.is_empty() && !modules.is_empty(),
        CompletionRule::ShareOfHours { min_percent } => {
            // Exactly, in whole minutes: present ≥ min % of planned.
            planned_minutes > 0
                && present_minutes.min(planned_minutes) * 100
                    >= i64::from(*min_percent) * planned_minutes
        }
    };
    Progress {
        planned_hours: hours(planned_minutes),
        present_hours: hours(present_minutes),
        present_percent: percent,
        modules_attended: attended.iter().map(|m| m.code.clone()).collect(),
        modules_missing: missing.iter().map(|m| m.code.clone()).collect(),
        completed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::training::rules::default_modules;

    fn codes(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn all_modules_needs_a_present_session_of_each() {
        let modules = default_modules();
        let plane1 = codes(&["consulting_draft_acts", "diagnosing_local_problems"]);
        let plane2 = codes(&["financial_cooperation", "project_partnerships"]);
        let plane3 = codes(&["civic_initiative_support", "local_partnerships"]);
        let day = |m| Held {
            modules: m,
            minutes: 14 * 60,
        };
        let planned = [day(&plane1), day(&plane2), day(&plane3)];
        let two = progress(
            &CompletionRule::AllModules {},
            &modules,
            &planned,
            &[day(&plane1), day(&plane2)],
        );
        assert!(!two.completed);
        assert_eq!(two.modules_missing, plane3);
        assert_eq!(two.present_percent, 66.7);
        assert_eq!(two.planned_hours, 42.0);
        let all = progress(&CompletionRule::AllModules {}, &modules, &planned, &planned);
        assert!(all.completed);
        assert!(all.modules_missing.is_empty());
        assert_eq!(all.present_percent, 100.0);
    }

    #[test]
    fn a_share_of_hours_counts_whole_minutes_exactly() {
        let modules = default_modules();
        let m = codes(&["consulting_draft_acts"]);
        let s = |minutes| Held {
            modules: &m,
            minutes,
        };
        let planned = [s(300), s(200), s(500)];
        let rule = CompletionRule::ShareOfHours { min_percent: 80 };
        // 800 of 1000 minutes is exactly 80 %.
        assert!(progress(&rule, &modules, &planned, &[s(300), s(500)]).completed);
        assert!(!progress(&rule, &modules, &planned, &[s(300), s(499)]).completed);
        // A group with no sessions completes nothing.
        assert!(!progress(&rule, &modules, &[], &[]).completed);
        assert_eq!(progress(&rule, &modules, &[], &[]).present_percent, 0.0);
        // Sessions of an earlier group count, up to 100 %.
        let over = progress(&rule, &modules, &[s(60)], &[s(60), s(120)]);
        assert!(over.completed);
        assert_eq!(over.present_percent, 100.0);
    }

    #[test]
    fn the_share_is_checked_and_the_rule_reads_as_tagged_json() {
        assert!(
            CompletionRule::ShareOfHours { min_percent: 100 }
                .check()
                .is_empty()
        );
        assert_eq!(
            CompletionRule::ShareOfHours { min_percent: 0 }.check()[0].field,
            "completion.min_percent"
        );
        let rule: CompletionRule =
            serde_json::from_str(r#"{"rule": "share_of_hours", "min_percent": 80}"#).unwrap();
        assert_eq!(rule, CompletionRule::ShareOfHours { min_percent: 80 });
        assert!(
            serde_json::from_str::<CompletionRule>(r#"{"rule": "all_modules", "x": 1}"#).is_err()
        );
        assert_eq!(
            serde_json::to_string(&CompletionRule::AllModules {}).unwrap(),
            r#"{"rule":"all_modules"}"#
        );
    }
}
