//! A partnership's life: `draft` → `active` ↔ `suspended` → `dissolved`
//! (terminal; a reason is required). Activating — and resuming — requires at
//! least two current members, a lead among them, a signed agreement, and for a
//! cross-sector partnership at least one NGO and one public-sector member.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::organizations::model::OrganizationKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnershipStatus {
    Draft,
    Active,
    Suspended,
    Dissolved,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Activate,
    Suspend,
    Resume,
    Dissolve,
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activate => "activate",
            Self::Suspend => "suspend",
            Self::Resume => "resume",
            Self::Dissolve => "dissolve",
        }
    }
}

impl PartnershipStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Dissolved => "dissolved",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Active, Self::Suspended, Self::Dissolved]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    pub fn allowed(self) -> &'static [Transition] {
        match self {
            Self::Draft => &[Transition::Activate, Transition::Dissolve],
            Self::Active => &[Transition::Suspend, Transition::Dissolve],
            Self::Suspended => &[Transition::Resume, Transition::Dissolve],
            Self::Dissolved => &[],
        }
    }

    pub fn apply(self, t: Transition) -> Option<Self> {
        match (self, t) {
            (Self::Draft, Transition::Activate) | (Self::Suspended, Transition::Resume) => {
                Some(Self::Active)
            }
            (Self::Active, Transition::Suspend) => Some(Self::Suspended),
            (Self::Draft | Self::Active | Self::Suspended, Transition::Dissolve) => {
                Some(Self::Dissolved)
            }
            _ => None,
        }
    }
}

/// A member's role in the partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PartnerRole {
    Lead,
    Partner,
    Associate,
}

impl PartnerRole {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Lead => "lead",
            Self::Partner => "partner",
            Self::Associate => "associate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Lead, Self::Partner, Self::Associate]
            .into_iter()
            .find(|v| v.as_str() == s)
    }
}

/// What the activation conditions look at.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// The kind and role of each current member.
    pub current_members: Vec<(OrganizationKind, PartnerRole)>,
    pub agreement_signed: bool,
    pub cross_sector: bool,
}

/// One condition a transition needs that is not met: `(field, code, message)`.
pub type Unmet = (&'static str, &'static str, &'static str);

/// Every unmet condition for becoming active.
pub fn unmet_for_activation(f: &Facts) -> Vec<Unmet> {
    let mut unmet = Vec::new();
    if f.current_members.len() < 2 {
        unmet.push((
            "members",
            "at_least_two_members",
            "at least two current members are needed",
        ));
    }
    if !f
        .current_members
        .iter()
        .any(|(_, r)| *r == PartnerRole::Lead)
    {
        unmet.push((
            "members",
            "lead_required",
            "a current member must be the lead",
        ));
    }
    if !f.agreement_signed {
        unmet.push((
            "agreement_signed_on",
            "agreement_not_signed",
            "the agreement's signing date must be recorded",
        ));
    }
    if f.cross_sector {
        if !f
            .current_members
            .iter()
            .any(|(k, _)| *k == OrganizationKind::Ngo)
        {
            unmet.push((
                "members",
                "ngo_member_required",
                "a cross-sector partnership needs at least one NGO member",
            ));
        }
        if !f.current_members.iter().any(|(k, _)| k.is_public_sector()) {
            unmet.push((
                "members",
                "public_sector_member_required",
                "a cross-sector partnership needs at least one public-sector member",
            ));
        }
    }
    unmet
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrganizationKind::*;
    use PartnershipStatus::*;

    #[test]
    fn the_state_machine_allows_only_its_transitions() {
        assert_eq!(Draft.apply(Transition::Activate), Some(Active));
        assert_eq!(Active.apply(Transition::Suspend), Some(Suspended));
        assert_eq!(Suspended.apply(Transition::Resume), Some(Active));
        assert_eq!(Suspended.apply(Transition::Dissolve), Some(Dissolved));
        assert_eq!(Draft.apply(Transition::Resume), None);
        assert_eq!(Active.apply(Transition::Activate), None);
        assert_eq!(Dissolved.apply(Transition::Resume), None);
        assert!(Dissolved.allowed().is_empty());
    }

    #[test]
    fn each_unmet_condition_is_named() {
        let none = unmet_for_activation(&Facts {
            cross_sector: true,
            ..Facts::default()
        });
        let codes: Vec<_> = none.iter().map(|u| u.1).collect();
        assert_eq!(
            codes,
            [
                "at_least_two_members",
                "lead_required",
                "agreement_not_signed",
                "ngo_member_required",
                "public_sector_member_required"
            ]
        );
        let ok = Facts {
            current_members: vec![
                (Ngo, PartnerRole::Lead),
                (LocalGovernment, PartnerRole::Partner),
            ],
            agreement_signed: true,
            cross_sector: true,
        };
        assert!(unmet_for_activation(&ok).is_empty());
        let two_ngos = Facts {
            current_members: vec![(Ngo, PartnerRole::Lead), (Ngo, PartnerRole::Partner)],
            agreement_signed: true,
            cross_sector: true,
        };
        let codes: Vec<_> = unmet_for_activation(&two_ngos)
            .iter()
            .map(|u| u.1)
            .collect();
        assert_eq!(codes, ["public_sector_member_required"]);
        assert!(
            unmet_for_activation(&Facts {
                cross_sector: false,
                ..two_ngos
            })
            .is_empty()
        );
    }
}

/// The categories of partners' responsibilities (seed 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ResponsibilityCategory {
    Launch,
    VolunteerSupport,
    Training,
    PlanTesting,
    MeasureApplication,
    Campaign,
    GoodPracticeCompendium,
    FinalConference,
}

impl ResponsibilityCategory {
    pub const ALL: [Self; 8] = [
        Self::Launch,
        Self::VolunteerSupport,
        Self::Training,
        Self::PlanTesting,
        Self::MeasureApplication,
        Self::Campaign,
        Self::GoodPracticeCompendium,
        Self::FinalConference,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Launch => "launch",
            Self::VolunteerSupport => "volunteer_support",
            Self::Training => "training",
            Self::PlanTesting => "plan_testing",
            Self::MeasureApplication => "measure_application",
            Self::Campaign => "campaign",
            Self::GoodPracticeCompendium => "good_practice_compendium",
            Self::FinalConference => "final_conference",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// The standard responsibility of a local partner in this category.
    pub fn template(self) -> &'static str {
        match self {
            Self::Launch => {
                "Designate the local coordinator and a working team of 3-4; disseminate the project and hold the local launch event"
            }
            Self::VolunteerSupport => {
                "Support the volunteers who run the questionnaires: access to information, interviews, a meeting space"
            }
            Self::Training => {
                "Nominate civil servants for the training on local action plans for social inclusion (PALIS)"
            }
            Self::PlanTesting => {
                "Organise the public debate on the draft PALIS and test its measures in workshops"
            }
            Self::MeasureApplication => {
                "Apply the measures of the local action plan and report on them"
            }
            Self::Campaign => {
                "Run the 9 November non-discrimination campaign: at least 2 actions in each location"
            }
            Self::GoodPracticeCompendium => "Collect good practices for the project's compendium",
            Self::FinalConference => "Attend the final dissemination conference",
        }
    }
}

/// A responsibility's life: `todo` → `in_progress` → `done` (evidence
/// required), or `cancelled` from either open state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TaskStatus {
    Todo,
    InProgress,
    Done,
    Cancelled,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskTransition {
    Start,
    Complete,
    Cancel,
}

impl TaskTransition {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Start => "start",
            Self::Complete => "complete",
            Self::Cancel => "cancel",
        }
    }
}

impl TaskStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Todo => "todo",
            Self::InProgress => "in_progress",
            Self::Done => "done",
            Self::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Todo, Self::InProgress, Self::Done, Self::Cancelled]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    pub fn allowed(self) -> &'static [TaskTransition] {
        match self {
            Self::Todo => &[TaskTransition::Start, TaskTransition::Cancel],
            Self::InProgress => &[TaskTransition::Complete, TaskTransition::Cancel],
            Self::Done | Self::Cancelled => &[],
        }
    }

    pub fn apply(self, t: TaskTransition) -> Option<Self> {
        match (self, t) {
            (Self::Todo, TaskTransition::Start) => Some(Self::InProgress),
            (Self::InProgress, TaskTransition::Complete) => Some(Self::Done),
            (Self::Todo | Self::InProgress, TaskTransition::Cancel) => Some(Self::Cancelled),
            _ => None,
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, Self::Todo | Self::InProgress)
    }
}

/// Overdue: still open after its due date (by the server's clock).
pub fn is_overdue(
    status: TaskStatus,
    due_on: Option<chrono::NaiveDate>,
    today: chrono::NaiveDate,
) -> bool {
    status.is_open() && due_on.is_some_and(|d| d < today)
}

#[cfg(test)]
mod task_tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn tasks_move_forward_only() {
        use TaskStatus::*;
        assert_eq!(Todo.apply(TaskTransition::Start), Some(InProgress));
        assert_eq!(InProgress.apply(TaskTransition::Complete), Some(Done));
        assert_eq!(Todo.apply(TaskTransition::Complete), None);
        assert_eq!(Done.apply(TaskTransition::Cancel), None);
        assert_eq!(InProgress.apply(TaskTransition::Cancel), Some(Cancelled));
    }

    #[test]
    fn only_open_tasks_past_their_date_are_overdue() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let today = d("2026-11-26").unwrap();
        assert!(is_overdue(TaskStatus::Todo, d("2026-11-25"), today));
        assert!(!is_overdue(TaskStatus::Todo, d("2026-11-26"), today));
        assert!(!is_overdue(TaskStatus::Done, d("2026-01-01"), today));
        assert!(!is_overdue(TaskStatus::InProgress, None, today));
    }

    #[test]
    fn the_template_covers_every_category() {
        assert_eq!(ResponsibilityCategory::ALL.len(), 8);
        assert!(
            ResponsibilityCategory::ALL
                .iter()
                .all(|c| !c.template().is_empty())
        );
    }
}
