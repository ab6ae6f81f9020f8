//! The compendium's vocabulary: the three planes of the cooperation model and
//! their areas (seed 003), and the review `proposed` → `accepted` | `rejected`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An area of a plane of the cooperation model. Plane 1 (making public policy
/// together): consulting draft acts, diagnosing local problems; plane 2
/// (carrying out public tasks together): financial cooperation (grants, project
/// management, settlement), project partnerships; plane 3 (infrastructure of
/// cooperation): support for civic initiatives and NGOs, local partnerships.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Area {
    ConsultingDraftActs,
    DiagnosingLocalProblems,
    FinancialCooperation,
    ProjectPartnerships,
    CivicInitiativeSupport,
    LocalPartnerships,
}

impl Area {
    pub const ALL: [Self; 6] = [
        Self::ConsultingDraftActs,
        Self::DiagnosingLocalProblems,
        Self::FinancialCooperation,
        Self::ProjectPartnerships,
        Self::CivicInitiativeSupport,
        Self::LocalPartnerships,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ConsultingDraftActs => "consulting_draft_acts",
            Self::DiagnosingLocalProblems => "diagnosing_local_problems",
            Self::FinancialCooperation => "financial_cooperation",
            Self::ProjectPartnerships => "project_partnerships",
            Self::CivicInitiativeSupport => "civic_initiative_support",
            Self::LocalPartnerships => "local_partnerships",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The plane (1, 2 or 3) the area belongs to.
    pub fn plane(self) -> i32 {
        match self {
            Self::ConsultingDraftActs | Self::DiagnosingLocalProblems => 1,
            Self::FinancialCooperation | Self::ProjectPartnerships => 2,
            Self::CivicInitiativeSupport | Self::LocalPartnerships => 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Proposed,
    Accepted,
    Rejected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Review {
    Accept,
    Reject,
}

impl Review {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Accept => "accept",
            Self::Reject => "reject",
        }
    }
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Proposed => "proposed",
            Self::Accepted => "accepted",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Proposed, Self::Accepted, Self::Rejected]
            .into_iter()
            .find(|v| v.as_str() == s)
    }

    pub fn allowed(self) -> &'static [Review] {
        match self {
            Self::Proposed => &[Review::Accept, Review::Reject],
            Self::Accepted | Self::Rejected => &[],
        }
    }

    pub fn apply(self, r: Review) -> Option<Self> {
        match (self, r) {
            (Self::Proposed, Review::Accept) => Some(Self::Accepted),
            (Self::Proposed, Review::Reject) => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// A tag as stored: trimmed, inner whitespace collapsed, lower case.
pub fn normalize_tag(tag: &str) -> String {
    tag.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_belongs_to_one_plane() {
        let planes: Vec<i32> = Area::ALL.iter().map(|a| a.plane()).collect();
        assert_eq!(planes, [1, 1, 2, 2, 3, 3]);
        for a in Area::ALL {
            assert_eq!(Area::parse(a.as_str()), Some(a));
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
    }

    #[test]
    fn only_a_proposal_is_reviewed() {
        let p = ReviewStatus::Proposed;
        assert_eq!(p.apply(Review::Accept), Some(ReviewStatus::Accepted));
        assert_eq!(p.apply(Review::Reject), Some(ReviewStatus::Rejected));
        for done in [ReviewStatus::Accepted, ReviewStatus::Rejected] {
            assert!(done.allowed().is_empty());
            assert_eq!(done.apply(Review::Accept), None);
            assert_eq!(done.apply(Review::Reject), None);
        }
    }

    #[test]
    fn tags_are_compared_in_lower_case_without_extra_spaces() {
        assert_eq!(
            normalize_tag("  Budżet   Obywatelski "),
            "budżet obywatelski"
        );
    }
}
