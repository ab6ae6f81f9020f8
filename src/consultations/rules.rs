//! A consultation's kinds, forms, life and clock, the minimum comment period,
//! and the rules of a response — pure functions, tested here.

use chrono::{Duration, NaiveDateTime};
use utoipa::ToSchema;

use crate::error::FieldError;
use crate::http::transition::StateMachine;

crate::string_enum! {
    "consultation kind"
    /// What is consulted: a local act (a resolution), the annual or
    /// multi-annual programme of cooperation with NGOs, a social inclusion
    /// plan, a strategy, or something else.
    #[derive(ToSchema)]
    pub enum ConsultationKind {
        LocalAct = "local_act",
        CooperationProgramme = "cooperation_programme",
        SocialInclusionPlan = "social_inclusion_plan",
        Strategy = "strategy",
        Other = "other",
    }
}

crate::string_enum! {
    "consultation form"
    /// How opinions are gathered: written comments (the submissions of this
    /// API), public meetings, a survey, opinions of participation bodies.
    #[derive(ToSchema)]
    pub enum ConsultationForm {
        WrittenComments = "written_comments",
        PublicMeeting = "public_meeting",
        Survey = "survey",
        BodyOpinion = "body_opinion",
    }
}

crate::string_enum! {
    "consultation status"
    /// `draft` → `announced` → `open` → `closed` → `report_published`, or
    /// `cancelled` before it closes. `announced` becomes `open` at `opens_at`
    /// and `open` becomes `closed` at `closes_at` by the server's clock,
    /// without anybody acting.
    #[derive(ToSchema)]
    pub enum ConsultationStatus {
        Draft = "draft",
        Announced = "announced",
        Open = "open",
        Closed = "closed",
        ReportPublished = "report_published",
        Cancelled = "cancelled",
    }
}

crate::string_enum! {
    "consultation transition"
    /// The transitions, named as their endpoints are (`publish_report` is
    /// `POST …/publish-report`).
    #[derive(ToSchema)]
    pub enum ConsultationTransition {
        Announce = "announce",
        Open = "open",
        Close = "close",
        PublishReport = "publish_report",
        Cancel = "cancel",
    }
}

impl StateMachine for ConsultationStatus {
    type Transition = ConsultationTransition;
    const RECORD: &'static str = "consultation";

    fn allowed(self) -> &'static [ConsultationTransition] {
        match self {
            Self::Draft => &[
                ConsultationTransition::Announce,
                ConsultationTransition::Cancel,
            ],
            Self::Announced => &[ConsultationTransition::Open, ConsultationTransition::Cancel],
            Self::Open => &[
                ConsultationTransition::Close,
                ConsultationTransition::Cancel,
            ],
            Self::Closed => &[ConsultationTransition::PublishReport],
            Self::ReportPublished | Self::Cancelled => &[],
        }
    }

    fn apply(self, t: ConsultationTransition) -> Option<Self> {
        match (self, t) {
            (Self::Draft, ConsultationTransition::Announce) => Some(Self::Announced),
            (Self::Announced, ConsultationTransition::Open) => Some(Self::Open),
            (Self::Open, ConsultationTransition::Close) => Some(Self::Closed),
            (Self::Closed, ConsultationTransition::PublishReport) => Some(Self::ReportPublished),
            (Self::Draft | Self::Announced | Self::Open, ConsultationTransition::Cancel) => {
                Some(Self::Cancelled)
            }
            _ => None,
        }
    }
}

/// The status at `now`: a stored `announced` is `open` from `opens_at`, and
/// `announced` or `open` is `closed` from `closes_at`.
pub fn effective_status(
    stored: ConsultationStatus,
    opens_at: Option<NaiveDateTime>,
    closes_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> ConsultationStatus {
    use ConsultationStatus::*;
    match stored {
        Announced | Open if closes_at.is_some_and(|c| now >= c) => Closed,
        Announced if opens_at.is_some_and(|o| now >= o) => Open,
        other => other,
    }
}

/// Whether submissions are taken at `now`.
pub fn accepting(
    stored: ConsultationStatus,
    opens_at: Option<NaiveDateTime>,
    closes_at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> bool {
    effective_status(stored, opens_at, closes_at, now) == ConsultationStatus::Open
}

/// The shortest comment period allowed, in days, per kind, and where the
/// initiating organisation is Romanian (Law 52/2003 on decisional
/// transparency: 10 days for comments on a draft normative act). Configured
/// with `COOPERA_CONSULTATION_MIN_DAYS` (`local_act=7,strategy=14,romania=10`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MinimumPeriods {
    by_kind: [u32; 5],
    romania: u32,
}

impl Default for MinimumPeriods {
    fn default() -> Self {
        Self {
            by_kind: [7; 5],
            romania: 10,
        }
    }
}

impl MinimumPeriods {
    /// The default with the overrides of `spec` (`kind=days` pairs and
    /// `romania=days`, separated by commas; days 0–365).
    pub fn parse(spec: &str) -> Result<Self, String> {
        let mut periods = Self::default();
        for item in spec.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (name, days) = item
                .split_once('=')
                .ok_or_else(|| format!("`{item}` is not name=days"))?;
            let days: u32 = days
                .trim()
                .parse()
                .ok()
                .filter(|d| *d <= 365)
                .ok_or_else(|| format!("`{item}`: days must be a whole number from 0 to 365"))?;
            let name = name.trim();
            if name == "romania" {
                periods.romania = days;
            } else {
                let kind = ConsultationKind::parse(name).ok_or_else(|| {
                    format!(
                        "`{name}` is neither `romania` nor a consultation kind ({})",
                        ConsultationKind::ALL
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                })?;
                periods.by_kind[kind as usize] = days;
            }
        }
        Ok(periods)
    }

    /// Days a consultation of `kind` must stay open; `romanian` when its
    /// initiating organisation is in Romania.
    pub fn days(&self, kind: ConsultationKind, romanian: bool) -> u32 {
        let days = self.by_kind[kind as usize];
        if romanian {
            days.max(self.romania)
        } else {
            days
        }
    }
}

/// The period from `opens_at` to `closes_at` against the minimum: the
/// unmet conditions of opening, named by field.
pub fn check_period(
    opens_at: Option<NaiveDateTime>,
    closes_at: Option<NaiveDateTime>,
    minimum_days: u32,
    now: NaiveDateTime,
) -> Vec<FieldError> {
    let mut unmet = Vec::new();
    let Some(closes) = closes_at else {
        unmet.push(FieldError::new(
            "closes_at",
            "required",
            "a consultation needs its closing time before it is announced or opened",
        ));
        return unmet;
    };
    // Opening earlier than now is opening now.
    let opens = opens_at.map_or(now, |o| o.max(now));
    if opens_at.is_none() {
        unmet.push(FieldError::new(
            "opens_at",
            "required",
            "a consultation needs its opening time before it is announced",
        ));
    }
    if closes <= now {
        unmet.push(FieldError::new(
            "closes_at",
            "in_the_past",
            "must be in the future",
        ));
    } else if closes - opens < Duration::days(i64::from(minimum_days)) {
        unmet.push(FieldError::new(
            "closes_at",
            "period_too_short",
            format!(
                "the comment period must last at least {minimum_days} days for this kind of consultation"
            ),
        ));
    }
    unmet
}

/// The unmet conditions of announcing: the document's first version, and
/// the timeline with the minimum period.
pub fn announce_conditions(
    has_document: bool,
    opens_at: Option<NaiveDateTime>,
    closes_at: Option<NaiveDateTime>,
    minimum_days: u32,
    now: NaiveDateTime,
) -> Vec<FieldError> {
    let mut unmet = Vec::new();
    if !has_document {
        unmet.push(FieldError::new(
            "document",
            "required",
            "add the document's first version before announcing",
        ));
    }
    unmet.extend(check_period(opens_at, closes_at, minimum_days, now));
    unmet
}

/// Closing by hand at `now` a consultation open since `opened`: refused
/// until the minimum period has passed (comments are not cut short).
pub fn check_early_close(
    opened: NaiveDateTime,
    minimum_days: u32,
    now: NaiveDateTime,
) -> Vec<FieldError> {
    if now - opened < Duration::days(i64::from(minimum_days)) {
        vec![FieldError::new(
            "closes_at",
            "period_too_short",
            format!(
                "comments must stay open at least {minimum_days} days: it closes by itself at closes_at"
            ),
        )]
    } else {
        Vec::new()
    }
}

/// An instant as stored: UTC, to the microsecond (what PostgreSQL keeps).
pub fn instant(t: chrono::DateTime<chrono::Utc>) -> NaiveDateTime {
    use chrono::Timelike;
    let t = t.naive_utc();
    t.with_nanosecond(t.nanosecond() / 1000 * 1000).unwrap_or(t)
}

/// Instants a request gives must lie in the years 1970–9999 (both backends
/// store and order them alike there): each one outside, named.
pub fn check_instants(fields: &[(&str, Option<NaiveDateTime>)]) -> Vec<FieldError> {
    use chrono::Datelike;
    fields
        .iter()
        .filter_map(|(field, t)| {
            t.filter(|t| !(1970..=9999).contains(&t.year())).map(|_| {
                FieldError::new(*field, "out_of_range", "must lie in the years 1970 to 9999")
            })
        })
        .collect()
}

crate::string_enum! {
    "response status"
    /// The initiator's answer to a submission; `rejected` needs its
    /// justification.
    #[derive(ToSchema)]
    pub enum ResponseStatus {
        Accepted = "accepted",
        PartiallyAccepted = "partially_accepted",
        Rejected = "rejected",
        NotConsidered = "not_considered",
    }
}

/// A response's justification against its status: required (not blank) for
/// `rejected`.
pub fn check_response(status: ResponseStatus, justification: Option<&str>) -> Vec<FieldError> {
    if status == ResponseStatus::Rejected && justification.is_none_or(|j| j.trim().is_empty()) {
        vec![FieldError::new(
            "justification",
            "required",
            "a rejection must say why",
        )]
    } else {
        Vec::new()
    }
}

crate::string_enum! {
    "submitter kind"
    /// On whose behalf a submission is made: an organisation, an individual,
    /// or a participation body (its collective opinion).
    #[derive(ToSchema)]
    pub enum SubmitterKind {
        Organization = "organization",
        Individual = "individual",
        Body = "body",
    }
}

/// Whose submission it is: an organisation's (`organization_id` given), a
/// participation body's (`body_id` given) — never both, and neither names an
/// individual — or an individual's (name and email both given); else each
/// field at fault.
pub fn submitter_kind(
    organization: bool,
    body: bool,
    name: bool,
    email: bool,
) -> Result<SubmitterKind, Vec<FieldError>> {
    let mut errors = Vec::new();
    if organization && body {
        errors.push(FieldError::new(
            "body_id",
            "not_allowed",
            "a submission is made on behalf of one organisation or one body, not both",
        ));
    }
    let on_behalf = organization || body;
    for (field, given) in [("name", name), ("email", email)] {
        if on_behalf && given {
            errors.push(FieldError::new(
                field,
                "not_allowed",
                "an organisation's or a body's submission names no individual",
            ));
        } else if !on_behalf && !given {
            errors.push(FieldError::new(
                field,
                "required",
                format!(
                    "an individual's submission needs their {field} (or give organization_id or body_id)"
                ),
            ));
        }
    }
    match (errors.is_empty(), organization, body) {
        (false, _, _) => Err(errors),
        (true, true, _) => Ok(SubmitterKind::Organization),
        (true, _, true) => Ok(SubmitterKind::Body),
        (true, false, false) => Ok(SubmitterKind::Individual),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ConsultationStatus::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_clock_opens_and_closes_an_announced_consultation() {
        let (o, c) = (Some(at("2026-03-01 00:00")), Some(at("2026-03-15 00:00")));
        assert_eq!(
            effective_status(Announced, o, c, at("2026-02-28 23:59")),
            Announced
        );
        assert_eq!(
            effective_status(Announced, o, c, at("2026-03-01 00:00")),
            Open
        );
        assert_eq!(effective_status(Open, o, c, at("2026-03-14 23:59")), Open);
        assert_eq!(effective_status(Open, o, c, at("2026-03-15 00:00")), Closed);
        assert_eq!(
            effective_status(Announced, o, c, at("2026-04-01 00:00")),
            Closed
        );
        // The clock moves nothing else.
        for s in [Draft, Closed, ReportPublished, Cancelled] {
            assert_eq!(effective_status(s, o, c, at("2026-04-01 00:00")), s);
        }
        assert!(accepting(Announced, o, c, at("2026-03-02 00:00")));
        assert!(!accepting(Announced, o, c, at("2026-03-15 00:00")));
        assert!(!accepting(Draft, o, c, at("2026-03-02 00:00")));
    }

    #[test]
    fn the_life_goes_forward_and_cancelling_ends_it_before_the_close() {
        assert_eq!(
            Draft.apply(ConsultationTransition::Announce),
            Some(Announced)
        );
        assert_eq!(Announced.apply(ConsultationTransition::Open), Some(Open));
        assert_eq!(Open.apply(ConsultationTransition::Close), Some(Closed));
        assert_eq!(
            Closed.apply(ConsultationTransition::PublishReport),
            Some(ReportPublished)
        );
        assert_eq!(Open.apply(ConsultationTransition::Cancel), Some(Cancelled));
        assert_eq!(Closed.apply(ConsultationTransition::Cancel), None);
        assert_eq!(Draft.apply(ConsultationTransition::Open), None);
        assert_eq!(Open.apply(ConsultationTransition::PublishReport), None);
        assert!(ReportPublished.allowed().is_empty());
        assert!(Cancelled.allowed().is_empty());
    }

    #[test]
    fn a_period_shorter_than_the_minimum_is_refused() {
        let now = at("2026-03-01 00:00");
        let ok = check_period(Some(now), Some(at("2026-03-08 00:00")), 7, now);
        assert!(ok.is_empty(), "{ok:?}");
        let short = check_period(Some(now), Some(at("2026-03-07 23:59")), 7, now);
        assert_eq!(short[0].code, "period_too_short");
        // An opening in the past counts from now.
        let late = check_period(
            Some(at("2026-02-01 00:00")),
            Some(at("2026-03-05 00:00")),
            7,
            now,
        );
        assert_eq!(late[0].code, "period_too_short");
        let past = check_period(Some(now), Some(at("2026-02-28 00:00")), 7, now);
        assert_eq!(past[0].code, "in_the_past");
        let missing = check_period(None, None, 7, now);
        assert_eq!(missing[0].field, "closes_at");
        let no_opening = check_period(None, Some(at("2026-04-01 00:00")), 7, now);
        assert_eq!(no_opening[0].field, "opens_at");
    }

    #[test]
    fn announcing_needs_a_document_and_closing_by_hand_the_minimum_period() {
        let now = at("2026-03-01 00:00");
        let (o, c) = (Some(now), Some(at("2026-03-20 00:00")));
        assert!(announce_conditions(true, o, c, 7, now).is_empty());
        assert_eq!(
            announce_conditions(false, o, c, 7, now)[0].field,
            "document"
        );
        assert_eq!(check_early_close(at("2026-02-23 00:01"), 7, now).len(), 1);
        assert!(check_early_close(at("2026-02-22 00:00"), 7, now).is_empty());
    }

    #[test]
    fn minimum_periods_default_to_seven_days_and_ten_in_romania() {
        let p = MinimumPeriods::default();
        assert_eq!(p.days(ConsultationKind::LocalAct, false), 7);
        assert_eq!(p.days(ConsultationKind::LocalAct, true), 10);
        let p = MinimumPeriods::parse("strategy=30, romania=12,local_act=3").unwrap();
        assert_eq!(p.days(ConsultationKind::Strategy, false), 30);
        assert_eq!(p.days(ConsultationKind::Strategy, true), 30);
        assert_eq!(p.days(ConsultationKind::LocalAct, true), 12);
        assert_eq!(p.days(ConsultationKind::LocalAct, false), 3);
        assert_eq!(p.days(ConsultationKind::Other, false), 7);
        assert!(MinimumPeriods::parse("treaty=3").is_err());
        assert!(MinimumPeriods::parse("local_act=-1").is_err());
        assert!(MinimumPeriods::parse("local_act").is_err());
        assert!(MinimumPeriods::parse("local_act=400").is_err());
        assert_eq!(MinimumPeriods::parse("").unwrap(), p_default());
    }

    fn p_default() -> MinimumPeriods {
        MinimumPeriods::default()
    }

    #[test]
    fn a_submission_is_an_organisations_a_bodys_or_a_named_individuals() {
        assert_eq!(
            submitter_kind(true, false, false, false),
            Ok(SubmitterKind::Organization)
        );
        assert_eq!(
            submitter_kind(false, true, false, false),
            Ok(SubmitterKind::Body)
        );
        assert_eq!(
            submitter_kind(false, false, true, true),
            Ok(SubmitterKind::Individual)
        );
        let fields =
            |e: Vec<FieldError>| e.into_iter().map(|e| (e.field, e.code)).collect::<Vec<_>>();
        assert_eq!(
            fields(submitter_kind(false, false, false, true).unwrap_err()),
            [("name".to_owned(), "required".to_owned())]
        );
        assert_eq!(
            fields(submitter_kind(true, false, true, true).unwrap_err()).len(),
            2
        );
        assert_eq!(
            fields(submitter_kind(false, true, true, false).unwrap_err()),
            [("name".to_owned(), "not_allowed".to_owned())]
        );
        assert_eq!(
            fields(submitter_kind(true, true, false, false).unwrap_err()),
            [("body_id".to_owned(), "not_allowed".to_owned())]
        );
    }

    #[test]
    fn instants_lie_in_four_digit_years_to_the_microsecond() {
        let t: chrono::DateTime<chrono::Utc> = "2026-03-01T10:00:00.123456789Z".parse().unwrap();
        assert_eq!(instant(t).to_string(), "2026-03-01 10:00:00.123456");
        let far = chrono::NaiveDate::from_ymd_opt(10000, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let early = chrono::NaiveDate::from_ymd_opt(500, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let errors = check_instants(&[
            ("opens_at", Some(instant(t))),
            ("closes_at", Some(far)),
            ("report_due_at", None),
            ("announced_at", Some(early)),
        ]);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].field, "closes_at");
        assert_eq!(errors[1].field, "announced_at");
    }

    #[test]
    fn a_rejection_needs_its_reason() {
        assert!(check_response(ResponseStatus::Accepted, None).is_empty());
        assert!(check_response(ResponseStatus::NotConsidered, None).is_empty());
        assert_eq!(
            check_response(ResponseStatus::Rejected, Some("  "))[0].field,
            "justification"
        );
        assert!(check_response(ResponseStatus::Rejected, Some("Out of scope.")).is_empty());
    }
}
