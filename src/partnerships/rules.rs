//! A partnership's life: `draft` → `active` ↔ `suspended` → `dissolved`
//! (terminal; a reason is required). Activating — and resuming — requires at
//! least two current members, a lead among them, a signed agreement, and for a
//! cross-sector partnership at least one NGO and one public-sector member.

use utoipa::ToSchema;

use crate::error::FieldError;
use crate::http::transition::StateMachine;
use crate::organizations::model::OrganizationKind;

crate::string_enum! {
    "partnership status"
    #[derive(ToSchema)]
    pub enum PartnershipStatus {
        Draft = "draft",
        Active = "active",
        Suspended = "suspended",
        Dissolved = "dissolved",
    }
}

crate::string_enum! {
    "partnership transition"
    /// The name of a status transition (its endpoint).
    #[derive(ToSchema)]
    #[schema(as = TransitionName)]
    pub enum Transition {
        Activate = "activate",
        Suspend = "suspend",
        Resume = "resume",
        Dissolve = "dissolve",
    }
}

impl StateMachine for PartnershipStatus {
    type Transition = Transition;
    const RECORD: &'static str = "partnership";

    fn allowed(self) -> &'static [Transition] {
        match self {
            Self::Draft => &[Transition::Activate, Transition::Dissolve],
            Self::Active => &[Transition::Suspend, Transition::Dissolve],
            Self::Suspended => &[Transition::Resume, Transition::Dissolve],
            Self::Dissolved => &[],
        }
    }

    fn apply(self, t: Transition) -> Option<Self> {
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

crate::string_enum! {
    "partner role"
    /// A member's role in the partnership.
    #[derive(ToSchema)]
    pub enum PartnerRole {
        Lead = "lead",
        Partner = "partner",
        Associate = "associate",
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

/// The unmet conditions as the field errors of a 422.
pub fn as_field_errors(unmet: Vec<Unmet>) -> Vec<FieldError> {
    unmet
        .into_iter()
        .map(|(field, code, message)| FieldError::new(field, code, message))
        .collect()
}

/// A membership ends on or after the day it began.
pub fn check_left_on(
    joined_on: chrono::NaiveDate,
    left_on: chrono::NaiveDate,
) -> Result<(), FieldError> {
    if left_on < joined_on {
        return Err(FieldError::new(
            "left_on",
            "before_joined_on",
            "must not be before the member joined",
        ));
    }
    Ok(())
}

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
    fn a_membership_does_not_end_before_it_begins() {
        let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        assert!(check_left_on(d("2026-02-01"), d("2026-02-01")).is_ok());
        let err = check_left_on(d("2026-02-01"), d("2026-01-31")).unwrap_err();
        assert_eq!(err.code, "before_joined_on");
    }

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
