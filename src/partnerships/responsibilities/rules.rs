//! The rules of responsibilities: their categories and the standard task of a
//! local partner in each (seed 000), their life (`todo` → `in_progress` →
//! `done`, or `cancelled` from either open state), and when one is overdue.

use chrono::NaiveDate;
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::http::transition::StateMachine;

crate::string_enum! {
    "responsibility category"
    /// The categories of partners' responsibilities in a local partnership
    /// agreement for social inclusion.
    #[derive(ToSchema)]
    pub enum ResponsibilityCategory {
        Launch = "launch",
        VolunteerSupport = "volunteer_support",
        Training = "training",
        PlanTesting = "plan_testing",
        MeasureApplication = "measure_application",
        Campaign = "campaign",
        GoodPracticeCompendium = "good_practice_compendium",
        FinalConference = "final_conference",
    }
}

impl ResponsibilityCategory {
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

/// The categories of the standard set a member does not have a task of yet,
/// in the template's order.
pub fn missing_categories(existing: &[ResponsibilityCategory]) -> Vec<ResponsibilityCategory> {
    <ResponsibilityCategory as crate::db::enums::StrEnum>::ALL
        .iter()
        .copied()
        .filter(|c| !existing.contains(c))
        .collect()
}

crate::string_enum! {
    "task status"
    /// A responsibility's life: `todo` → `in_progress` → `done` (evidence
    /// required), or `cancelled` from either open state.
    #[derive(ToSchema)]
    pub enum TaskStatus {
        Todo = "todo",
        InProgress = "in_progress",
        Done = "done",
        Cancelled = "cancelled",
    }
}

crate::string_enum! {
    "task transition"
    pub enum TaskTransition {
        Start = "start",
        Complete = "complete",
        Cancel = "cancel",
    }
}

impl StateMachine for TaskStatus {
    type Transition = TaskTransition;
    const RECORD: &'static str = "responsibility";

    fn allowed(self) -> &'static [TaskTransition] {
        match self {
            Self::Todo => &[TaskTransition::Start, TaskTransition::Cancel],
            Self::InProgress => &[TaskTransition::Complete, TaskTransition::Cancel],
            Self::Done | Self::Cancelled => &[],
        }
    }

    fn apply(self, t: TaskTransition) -> Option<Self> {
        match (self, t) {
            (Self::Todo, TaskTransition::Start) => Some(Self::InProgress),
            (Self::InProgress, TaskTransition::Complete) => Some(Self::Done),
            (Self::Todo | Self::InProgress, TaskTransition::Cancel) => Some(Self::Cancelled),
            _ => None,
        }
    }
}

impl TaskStatus {
    pub fn is_open(self) -> bool {
        matches!(self, Self::Todo | Self::InProgress)
    }
}

/// Overdue: still open after its due date (by the server's clock).
pub fn is_overdue(status: TaskStatus, due_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    status.is_open() && due_on.is_some_and(|d| d < today)
}

/// Completing a task needs evidence that is not blank.
pub fn check_evidence(evidence: &str) -> Result<String, FieldError> {
    let evidence = evidence.trim();
    if evidence.is_empty() {
        return Err(FieldError::new(
            "evidence",
            "required",
            "evidence is required to complete a responsibility",
        ));
    }
    Ok(evidence.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tasks_move_forward_only() {
        use TaskStatus::*;
        assert_eq!(Todo.apply(TaskTransition::Start), Some(InProgress));
        assert_eq!(InProgress.apply(TaskTransition::Complete), Some(Done));
        assert_eq!(Todo.apply(TaskTransition::Complete), None);
        assert_eq!(Done.apply(TaskTransition::Cancel), None);
        assert_eq!(InProgress.apply(TaskTransition::Cancel), Some(Cancelled));
        assert!(Done.allowed().is_empty() && !Done.is_open());
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
    fn the_template_covers_every_category_once() {
        assert_eq!(ResponsibilityCategory::ALL.len(), 8);
        assert!(
            ResponsibilityCategory::ALL
                .iter()
                .all(|c| !c.template().is_empty())
        );
        let have = [
            ResponsibilityCategory::Campaign,
            ResponsibilityCategory::Launch,
        ];
        let missing = missing_categories(&have);
        assert_eq!(missing.len(), 6);
        assert!(!missing.contains(&ResponsibilityCategory::Campaign));
        assert_eq!(missing[0], ResponsibilityCategory::VolunteerSupport);
        assert!(missing_categories(ResponsibilityCategory::ALL).is_empty());
    }

    #[test]
    fn evidence_must_not_be_blank() {
        assert_eq!(check_evidence("  minutes ").unwrap(), "minutes");
        assert_eq!(check_evidence("   ").unwrap_err().field, "evidence");
    }
}
