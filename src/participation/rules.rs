//! Participation bodies' rules as pure functions: who may sit for which
//! constituency, who is a member on a given day, and the constituency
//! balance a body reports.

use chrono::NaiveDate;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::FieldError;

crate::string_enum! {
    "participation body kind"
    /// A Regional Social Platform (a standing body of a region, in which
    /// people affected by exclusion, NGOs and administration debate and
    /// consult social policy), a public-benefit council, or another body.
    #[derive(ToSchema)]
    pub enum BodyKind {
        RegionalSocialPlatform = "regional_social_platform",
        PublicBenefitCouncil = "public_benefit_council",
        Other = "other",
    }
}

crate::string_enum! {
    "constituency"
    /// Whom a member speaks for: people affected by or at risk of social
    /// exclusion, NGOs, or public administration.
    #[derive(ToSchema)]
    pub enum Constituency {
        ExcludedPersons = "excluded_persons",
        Ngo = "ngo",
        Administration = "administration",
    }
}

crate::string_enum! {
    "body member role"
    /// A member's role in the body.
    #[derive(ToSchema)]
    pub enum BodyMemberRole {
        Chair = "chair",
        DeputyChair = "deputy_chair",
        Member = "member",
    }
}

/// The organisation kinds that may send a member for `constituency`: NGOs
/// (and informal groups) for `ngo`, public bodies for `administration`; a
/// person affected by exclusion may come through an NGO or on their own.
pub fn organization_kinds(constituency: Constituency) -> &'static [&'static str] {
    match constituency {
        Constituency::Ngo | Constituency::ExcludedPersons => &["ngo", "informal_group"],
        Constituency::Administration => &[
            "local_government",
            "government_administration",
            "public_institution",
        ],
    }
}

/// The faults of a member's seat: `ngo` and `administration` members
/// represent an organisation (`organization_id` required), of a kind that
/// fits the constituency (`organization_kind`: the named organisation's kind,
/// if any); `left_on` is not before `joined_on`.
pub fn check_member(
    constituency: Constituency,
    organization_kind: Option<&str>,
    joined_on: NaiveDate,
    left_on: Option<NaiveDate>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let kinds = organization_kinds(constituency);
    match organization_kind {
        None if constituency != Constituency::ExcludedPersons => errors.push(FieldError::new(
            "organization_id",
            "required",
            format!("a member for the `{constituency}` constituency represents an organisation"),
        )),
        Some(kind) if !kinds.contains(&kind) => errors.push(FieldError::new(
            "organization_id",
            "wrong_kind",
            format!(
                "is a `{kind}` organisation; the `{constituency}` constituency takes {}",
                kinds.join(", ")
            ),
        )),
        _ => {}
    }
    if left_on.is_some_and(|left| left < joined_on) {
        errors.push(FieldError::new(
            "left_on",
            "before_start",
            "must not be before joined_on",
        ));
    }
    errors
}

/// Whether a member who joined on `joined_on` (and left on `left_on`, the
/// first day they no longer sit) sits on `day`.
pub fn sits_on(joined_on: NaiveDate, left_on: Option<NaiveDate>, day: NaiveDate) -> bool {
    joined_on <= day && left_on.is_none_or(|left| day < left)
}

/// One constituency's seats.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ConstituencySeats {
    pub constituency: Constituency,
    #[schema(minimum = 0, maximum = 1000000)]
    pub members: i64,
    /// Its share of the members, in percent, to one decimal (0 when the
    /// body has none).
    #[schema(minimum = 0, maximum = 100)]
    pub share_percent: f64,
}

/// The constituency balance of a body on a day: how many members each
/// constituency has, which have none, and whether the body is balanced —
/// every constituency represented and none holding more than half of the
/// seats (so that no sector can outvote the other two on its own).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ConstituencyBalance {
    #[schema(minimum = 0, maximum = 1000000)]
    pub members: i64,
    /// Every constituency, in the order `excluded_persons`, `ngo`,
    /// `administration`.
    #[schema(max_items = 3)]
    pub constituencies: Vec<ConstituencySeats>,
    /// The constituencies without a member.
    #[schema(max_items = 3)]
    pub unrepresented: Vec<Constituency>,
    /// The constituency holding more than half of the seats, if one does.
    pub majority: Option<Constituency>,
    pub balanced: bool,
}

/// The balance of a body whose sitting members speak for `seats`.
pub fn balance(seats: &[Constituency]) -> ConstituencyBalance {
    let members = seats.len() as i64;
    let constituencies: Vec<ConstituencySeats> = Constituency::ALL
        .iter()
        .map(|c| {
            let n = seats.iter().filter(|s| *s == c).count() as i64;
            let share = if members == 0 {
                0.0
            } else {
                (n as f64 * 1000.0 / members as f64).round() / 10.0
            };
            ConstituencySeats {
                constituency: *c,
                members: n,
                share_percent: share,
            }
        })
        .collect();
    let unrepresented: Vec<Constituency> = constituencies
        .iter()
        .filter(|c| c.members == 0)
        .map(|c| c.constituency)
        .collect();
    let majority = constituencies
        .iter()
        .find(|c| c.members * 2 > members)
        .map(|c| c.constituency);
    ConstituencyBalance {
        members,
        balanced: unrepresented.is_empty() && majority.is_none(),
        constituencies,
        unrepresented,
        majority,
    }
}

#[cfg(test)]
mod tests {
    use super::Constituency::*;
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn codes(errors: Vec<FieldError>) -> Vec<(String, String)> {
        errors.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn organisations_sit_for_the_constituency_of_their_kind() {
        let on = day("2026-01-01");
        assert!(check_member(Ngo, Some("ngo"), on, None).is_empty());
        assert!(check_member(Administration, Some("local_government"), on, None).is_empty());
        assert!(check_member(ExcludedPersons, None, on, None).is_empty());
        assert!(check_member(ExcludedPersons, Some("ngo"), on, None).is_empty());
        assert_eq!(
            codes(check_member(Ngo, None, on, None)),
            [("organization_id".into(), "required".into())]
        );
        assert_eq!(
            codes(check_member(Administration, Some("ngo"), on, None)),
            [("organization_id".into(), "wrong_kind".into())]
        );
        assert_eq!(
            codes(check_member(Ngo, Some("local_government"), on, None)),
            [("organization_id".into(), "wrong_kind".into())]
        );
        assert_eq!(
            codes(check_member(
                ExcludedPersons,
                Some("public_institution"),
                on,
                Some(day("2025-12-31"))
            )),
            [
                ("organization_id".into(), "wrong_kind".into()),
                ("left_on".into(), "before_start".into())
            ]
        );
    }

    #[test]
    fn a_member_sits_from_joining_until_the_day_they_leave() {
        let (joined, left) = (day("2026-01-10"), Some(day("2026-03-01")));
        assert!(!sits_on(joined, left, day("2026-01-09")));
        assert!(sits_on(joined, left, day("2026-01-10")));
        assert!(sits_on(joined, left, day("2026-02-28")));
        assert!(!sits_on(joined, left, day("2026-03-01")));
        assert!(sits_on(joined, None, day("2099-01-01")));
    }

    #[test]
    fn balance_counts_seats_and_names_what_is_missing_or_dominant() {
        let b = balance(&[ExcludedPersons, Ngo, Administration, Ngo]);
        assert_eq!(b.members, 4);
        let shares: Vec<_> = b
            .constituencies
            .iter()
            .map(|c| (c.constituency, c.members, c.share_percent))
            .collect();
        assert_eq!(
            shares,
            [
                (ExcludedPersons, 1, 25.0),
                (Ngo, 2, 50.0),
                (Administration, 1, 25.0)
            ]
        );
        // Exactly half is not a majority.
        assert!(b.balanced);
        assert_eq!(b.majority, None);

        let b = balance(&[Administration, Administration, Ngo]);
        assert_eq!(b.unrepresented, [ExcludedPersons]);
        assert_eq!(b.majority, Some(Administration));
        assert_eq!(b.constituencies[2].share_percent, 66.7);
        assert!(!b.balanced);

        let empty = balance(&[]);
        assert_eq!(empty.members, 0);
        assert_eq!(empty.unrepresented.len(), 3);
        assert_eq!(empty.majority, None);
        assert!(!empty.balanced);
    }
}
