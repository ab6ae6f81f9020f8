//! Recruitment's states and who gets a place, without the database: a call's
//! life and the clock, an application's life, and `first_come`. The form a
//! call defines, and how answers and eligibility are checked, is in
//! [`super::form`].

use chrono::NaiveDateTime;
use utoipa::ToSchema;

use crate::http::transition::StateMachine;

crate::string_enum! {
    "call status"
    /// `draft` → `open` → `closed` → `finalized`; `cancelled` before that.
    #[derive(ToSchema)]
    pub enum CallStatus {
        Draft = "draft",
        Open = "open",
        Closed = "closed",
        Finalized = "finalized",
        Cancelled = "cancelled",
    }
}

crate::string_enum! {
    "call transition"
    /// The transitions, named as their endpoints are.
    #[derive(ToSchema)]
    pub enum CallTransition {
        Open = "open",
        Close = "close",
        Finalize = "finalize",
        Cancel = "cancel",
    }
}

impl StateMachine for CallStatus {
    type Transition = CallTransition;
    const RECORD: &'static str = "call";

    fn allowed(self) -> &'static [CallTransition] {
        use CallTransition as T;
        match self {
            Self::Draft => &[T::Open, T::Cancel],
            Self::Open => &[T::Close, T::Cancel],
            Self::Closed => &[T::Finalize, T::Cancel],
            Self::Finalized | Self::Cancelled => &[],
        }
    }

    fn apply(self, t: CallTransition) -> Option<Self> {
        use CallTransition as T;
        match (self, t) {
            (Self::Draft, T::Open) => Some(Self::Open),
            (Self::Open, T::Close) => Some(Self::Closed),
            (Self::Closed, T::Finalize) => Some(Self::Finalized),
            (Self::Draft | Self::Open | Self::Closed, T::Cancel) => Some(Self::Cancelled),
            _ => None,
        }
    }
}

/// The status a call is in at `now`: an open call past `closes_at` is closed,
/// whether or not anybody closed it.
pub fn effective_status(
    stored: CallStatus,
    closes_at: NaiveDateTime,
    now: NaiveDateTime,
) -> CallStatus {
    if stored == CallStatus::Open && now >= closes_at {
        CallStatus::Closed
    } else {
        stored
    }
}

/// Whether a call takes applications at `now`: open, and between its dates.
pub fn accepting(
    stored: CallStatus,
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
    now: NaiveDateTime,
) -> bool {
    effective_status(stored, closes_at, now) == CallStatus::Open && opens_at <= now
}

crate::string_enum! {
    "selection mode"
    /// How applicants get places: `first_come` accepts in order of arrival
    /// until a category's quota is full, and waitlists the rest; under
    /// `review` applications stay `submitted` while the call's reviewers
    /// score them, and finalising the call ranks them.
    #[derive(ToSchema)]
    pub enum SelectionMode {
        FirstCome = "first_come",
        Review = "review",
    }
}

crate::string_enum! {
    "application status"
    #[derive(ToSchema)]
    pub enum ApplicationStatus {
        Submitted = "submitted",
        Accepted = "accepted",
        /// A freed place offered to the first in line, until `offer_expires_at`.
        Offered = "offered",
        Waitlisted = "waitlisted",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
        /// An offer not confirmed in time; the place went to the next in line.
        Lapsed = "lapsed",
    }
}

crate::string_enum! {
    "application transition"
    /// What an applicant can do with their application.
    pub enum ApplicationTransition {
        Withdraw = "withdraw",
        Confirm = "confirm",
        Lapse = "lapse",
    }
}

impl StateMachine for ApplicationStatus {
    type Transition = ApplicationTransition;
    const RECORD: &'static str = "application";

    fn allowed(self) -> &'static [ApplicationTransition] {
        use ApplicationTransition as T;
        match self {
            Self::Submitted | Self::Accepted | Self::Waitlisted => &[T::Withdraw],
            Self::Offered => &[T::Confirm, T::Withdraw],
            Self::Rejected | Self::Withdrawn | Self::Lapsed => &[],
        }
    }

    fn apply(self, t: ApplicationTransition) -> Option<Self> {
        use ApplicationTransition as T;
        match (self, t) {
            (Self::Submitted | Self::Accepted | Self::Waitlisted | Self::Offered, T::Withdraw) => {
                Some(Self::Withdrawn)
            }
            (Self::Offered, T::Confirm) => Some(Self::Accepted),
            (Self::Offered, T::Lapse) => Some(Self::Lapsed),
            _ => None,
        }
    }
}

impl ApplicationStatus {
    /// Whether the application holds one of its category's places.
    pub fn holds_a_place(self) -> bool {
        matches!(self, Self::Accepted | Self::Offered)
    }
}

/// The decision on a new application under `first_come`: a place while the
/// category has one (`taken` counts the accepted and the offered).
pub fn first_come(taken: i64, quota: i32) -> ApplicationStatus {
    if taken < i64::from(quota) {
        ApplicationStatus::Accepted
    } else {
        ApplicationStatus::Waitlisted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        format!("{s}T00:00:00").parse().unwrap()
    }

    #[test]
    fn an_open_call_past_its_closing_time_is_closed() {
        let now = t("2026-12-10");
        assert_eq!(
            effective_status(CallStatus::Open, t("2026-12-11"), now),
            CallStatus::Open
        );
        assert_eq!(
            effective_status(CallStatus::Open, t("2026-12-10"), now),
            CallStatus::Closed
        );
        assert_eq!(
            effective_status(CallStatus::Draft, t("2026-12-01"), now),
            CallStatus::Draft
        );
        assert!(accepting(
            CallStatus::Open,
            t("2026-12-01"),
            t("2026-12-11"),
            now
        ));
        assert!(!accepting(
            CallStatus::Open,
            t("2026-12-11"),
            t("2026-12-12"),
            now
        ));
        assert!(!accepting(
            CallStatus::Open,
            t("2026-12-01"),
            t("2026-12-10"),
            now
        ));
        assert!(!accepting(
            CallStatus::Draft,
            t("2026-12-01"),
            t("2026-12-11"),
            now
        ));
    }

    #[test]
    fn the_call_life_allows_only_its_transitions() {
        use CallTransition as T;
        assert_eq!(CallStatus::Draft.apply(T::Open), Some(CallStatus::Open));
        assert_eq!(CallStatus::Draft.apply(T::Finalize), None);
        assert_eq!(
            CallStatus::Closed.apply(T::Finalize),
            Some(CallStatus::Finalized)
        );
        assert_eq!(CallStatus::Finalized.apply(T::Cancel), None);
        assert!(CallStatus::Cancelled.allowed().is_empty());
    }

    #[test]
    fn an_offer_is_confirmed_withdrawn_or_lapses_and_only_places_count() {
        use ApplicationStatus as S;
        use ApplicationTransition as T;
        assert_eq!(S::Offered.apply(T::Confirm), Some(S::Accepted));
        assert_eq!(S::Offered.apply(T::Lapse), Some(S::Lapsed));
        assert_eq!(S::Waitlisted.apply(T::Confirm), None);
        assert_eq!(S::Accepted.apply(T::Lapse), None);
        assert!(S::Lapsed.allowed().is_empty());
        assert!(S::Offered.holds_a_place() && S::Accepted.holds_a_place());
        assert!(!S::Waitlisted.holds_a_place() && !S::Lapsed.holds_a_place());
    }

    #[test]
    fn first_come_accepts_until_the_quota_is_full() {
        assert_eq!(first_come(0, 1), ApplicationStatus::Accepted);
        assert_eq!(first_come(1, 1), ApplicationStatus::Waitlisted);
        assert_eq!(first_come(0, 0), ApplicationStatus::Waitlisted);
    }
}
