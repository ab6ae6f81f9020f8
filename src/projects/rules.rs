//! A project's life: `planned` → `active` → `closed`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Planned,
    Active,
    Closed,
}

/// The transitions, named as their endpoints are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Activate,
    Close,
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Activate => "activate",
            Self::Close => "close",
        }
    }
}

impl ProjectStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Planned => "planned",
            Self::Active => "active",
            Self::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "planned" => Some(Self::Planned),
            "active" => Some(Self::Active),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }

    pub fn allowed(self) -> &'static [Transition] {
        match self {
            Self::Planned => &[Transition::Activate],
            Self::Active => &[Transition::Close],
            Self::Closed => &[],
        }
    }

    /// The state after `t`, or `None` if `t` is not allowed from here.
    pub fn apply(self, t: Transition) -> Option<Self> {
        match (self, t) {
            (Self::Planned, Transition::Activate) => Some(Self::Active),
            (Self::Active, Transition::Close) => Some(Self::Closed),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_forward_transitions_are_allowed() {
        use ProjectStatus::*;
        use Transition::*;
        assert_eq!(Planned.apply(Activate), Some(Active));
        assert_eq!(Active.apply(Close), Some(Closed));
        assert_eq!(Planned.apply(Close), None);
        assert_eq!(Active.apply(Activate), None);
        assert_eq!(Closed.apply(Activate), None);
        assert_eq!(Closed.apply(Close), None);
        assert!(Closed.allowed().is_empty());
    }
}
