//! State machines: every record with a life (projects, partnerships, their
//! responsibilities, good practices…) declares its states and transitions as
//! [`StrEnum`]s and implements [`StateMachine`]; [`next_state`] is the one
//! place that refuses a transition (409 with `current_state` and
//! `allowed_transitions`) and [`guard`] the one that refuses unmet conditions
//! (422 naming every one).

use crate::db::enums::StrEnum;
use crate::error::{ApiError, FieldError};

pub trait StateMachine: StrEnum + PartialEq {
    /// The transitions, named as their endpoints are (`activate`, `close`).
    type Transition: StrEnum + PartialEq;
    /// The record's name in problem details: `"project"`.
    const RECORD: &'static str;

    /// The transitions allowed from this state.
    fn allowed(self) -> &'static [Self::Transition];

    /// The state after `t`, or `None` if `t` is not allowed from here.
    fn apply(self, t: Self::Transition) -> Option<Self>;
}

/// The state `t` leads to from `current`, or 409 `invalid_transition`: "A
/// closed project cannot activate.", with the current state and the
/// transitions it allows.
pub fn next_state<S: StateMachine>(current: S, t: S::Transition) -> Result<S, ApiError> {
    current.apply(t).ok_or_else(|| {
        ApiError::invalid_transition(
            current.as_str(),
            current
                .allowed()
                .iter()
                .map(|a| a.as_str().to_owned())
                .collect(),
            format!(
                "{} {} cannot {}.",
                crate::error::with_article(current.as_str()),
                S::RECORD,
                t.as_str()
            ),
        )
    })
}

/// Refuses a change while its record is in a state that allows none (409, as
/// [`next_state`] words it): "A closed project cannot be changed."
pub fn refuse_change_in<S: StateMachine>(current: S, frozen: &[S]) -> Result<(), ApiError> {
    if !frozen.contains(&current) {
        return Ok(());
    }
    Err(ApiError::invalid_transition(
        current.as_str(),
        current
            .allowed()
            .iter()
            .map(|a| a.as_str().to_owned())
            .collect(),
        format!(
            "{} {} cannot be changed.",
            crate::error::with_article(current.as_str()),
            S::RECORD
        ),
    ))
}

/// 422 naming every unmet condition, or `Ok` when there is none.
pub fn guard(unmet: Vec<FieldError>) -> Result<(), ApiError> {
    if unmet.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(unmet))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ProblemCode;

    crate::string_enum! {
        "lamp state"
        enum Lamp { Off = "off", On = "on", Broken = "broken" }
    }
    crate::string_enum! {
        "lamp transition"
        enum Switch { TurnOn = "turn_on", TurnOff = "turn_off" }
    }

    impl StateMachine for Lamp {
        type Transition = Switch;
        const RECORD: &'static str = "lamp";

        fn allowed(self) -> &'static [Switch] {
            match self {
                Lamp::Off => &[Switch::TurnOn],
                Lamp::On => &[Switch::TurnOff],
                Lamp::Broken => &[],
            }
        }

        fn apply(self, t: Switch) -> Option<Self> {
            match (self, t) {
                (Lamp::Off, Switch::TurnOn) => Some(Lamp::On),
                (Lamp::On, Switch::TurnOff) => Some(Lamp::Off),
                _ => None,
            }
        }
    }

    #[test]
    fn an_allowed_transition_gives_the_next_state() {
        assert_eq!(next_state(Lamp::Off, Switch::TurnOn).unwrap(), Lamp::On);
    }

    #[test]
    fn a_refused_transition_names_the_state_and_what_it_allows() {
        let err = next_state(Lamp::On, Switch::TurnOn).unwrap_err();
        assert_eq!(err.code(), ProblemCode::InvalidTransition);
        let problem = serde_json::to_value(err.problem()).unwrap();
        assert_eq!(problem["current_state"], "on");
        assert_eq!(
            problem["allowed_transitions"],
            serde_json::json!(["turn_off"])
        );
        assert_eq!(problem["detail"], "An on lamp cannot turn_on.");
        let frozen = refuse_change_in(Lamp::Broken, &[Lamp::Broken]).unwrap_err();
        assert_eq!(
            serde_json::to_value(frozen.problem()).unwrap()["detail"],
            "A broken lamp cannot be changed."
        );
        assert!(refuse_change_in(Lamp::On, &[Lamp::Broken]).is_ok());
    }

    #[test]
    fn a_guard_names_every_unmet_condition() {
        assert!(guard(Vec::new()).is_ok());
        let err = guard(vec![
            FieldError::new("a", "missing", "is missing"),
            FieldError::new("b", "missing", "is missing"),
        ])
        .unwrap_err();
        assert_eq!(err.field_errors().len(), 2);
    }
}
