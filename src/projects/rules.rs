//! A project's life: `planned` → `active` → `closed`.

use utoipa::ToSchema;

use crate::http::transition::StateMachine;

crate::string_enum! {
    "project status"
    #[derive(ToSchema)]
    pub enum ProjectStatus {
        Planned = "planned",
        Active = "active",
        Closed = "closed",
    }
}

crate::string_enum! {
    "project transition"
    /// The transitions, named as their endpoints are.
    pub enum Transition {
        Activate = "activate",
        Close = "close",
    }
}

impl StateMachine for ProjectStatus {
    type Transition = Transition;
    const RECORD: &'static str = "project";

    fn allowed(self) -> &'static [Transition] {
        match self {
            Self::Planned => &[Transition::Activate],
            Self::Active => &[Transition::Close],
            Self::Closed => &[],
        }
    }

    fn apply(self, t: Transition) -> Option<Self> {
        match (self, t) {
            (Self::Planned, Transition::Activate) => Some(Self::Active),
            (Self::Active, Transition::Close) => Some(Self::Closed),
            _ => None,
        }
    }
}

/// A period's end must not come before its start (both optional). One rule
/// for every record with a period: projects, campaigns, memberships…
pub fn check_period(
    starts: Option<chrono::NaiveDate>,
    ends: Option<chrono::NaiveDate>,
    end_field: &str,
    start_field: &str,
) -> Result<(), crate::error::ApiError> {
    if let (Some(s), Some(e)) = (starts, ends)
        && e < s
    {
        return Err(crate::error::ApiError::validation(vec![
            crate::error::FieldError::new(
                end_field,
                "before_start",
                format!("must not be before {start_field}"),
            ),
        ]));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_period_may_not_end_before_it_starts() {
        let d = |s: &str| Some(s.parse::<chrono::NaiveDate>().unwrap());
        assert!(check_period(d("2026-01-01"), d("2026-01-01"), "ends_on", "starts_on").is_ok());
        assert!(check_period(None, d("2026-01-01"), "ends_on", "starts_on").is_ok());
        let err = check_period(d("2026-01-02"), d("2026-01-01"), "ends_on", "starts_on");
        assert_eq!(err.unwrap_err().field_errors()[0].field, "ends_on");
    }

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
