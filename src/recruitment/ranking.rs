//! Finalising a call selecting by review: each category's applications
//! ranked by the mean of their reviews' totals — compared exactly, as
//! fractions — with equal means going to the application sent first; the
//! best accepted up to the quota, the next `waitlist_size` waitlisted, the
//! rest rejected with their rank; each told by email.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::emails::{self, Applicant};
use super::model::CallRow;
use super::review::Criterion;
use super::rules::ApplicationStatus;
use crate::audit::{self, Caller, Change};
use crate::db::DbConn;
use crate::db::record::Record;
use crate::db::schema::{application_reviews as rv, applications as ap};
use crate::error::{ApiError, FieldError, ProblemCode};

/// The most a review can total: Σ weight × max_points.
pub(super) fn max_total(criteria: &[Criterion]) -> i64 {
    criteria
        .iter()
        .map(|c| i64::from(c.weight) * i64::from(c.max_points))
        .sum()
}

/// A mean total as a percentage of `max`, to two decimals.
pub(super) fn percent(total: i64, reviews: i64, max: i64) -> Option<f64> {
    if reviews == 0 || max == 0 {
        return None;
    }
    let exact = 100.0 * total as f64 / (reviews as f64 * max as f64);
    Some((exact * 100.0).round() / 100.0)
}

/// An application in the running at finalisation, with its reviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub id: String,
    pub seq: i64,
    /// The sum of its reviews' totals.
    pub total: i64,
    pub reviews: i64,
}

/// The order of a category's candidates: the higher mean total first (the
/// means compared exactly, as fractions), then the one sent first.
fn ranking(a: &Candidate, b: &Candidate) -> Ordering {
    (i128::from(b.total) * i128::from(a.reviews))
        .cmp(&(i128::from(a.total) * i128::from(b.reviews)))
        .then(a.seq.cmp(&b.seq))
}

/// Ranks one category's candidates and decides each: the first `places`
/// accepted, the next `waitlist` (all, when `None`) waitlisted, the rest
/// rejected. Returns `(candidate, rank from 1, decision)` in rank order.
pub fn rank_category(
    mut candidates: Vec<Candidate>,
    places: i64,
    waitlist: Option<i64>,
) -> Vec<(Candidate, i64, ApplicationStatus)> {
    candidates.sort_by(ranking);
    let waiting_until = waitlist.map_or(i64::MAX, |w| places.max(0).saturating_add(w));
    candidates
        .into_iter()
        .zip(1_i64..)
        .map(|(c, rank)| {
            let status = if rank <= places {
                ApplicationStatus::Accepted
            } else if rank <= waiting_until {
                ApplicationStatus::Waitlisted
            } else {
                ApplicationStatus::Rejected
            };
            (c, rank, status)
        })
        .collect()
}

/// Finalises the selection of `call` (locked by the caller; selecting by
/// review): 409 listing the submitted applications with no review yet;
/// otherwise every category ranked and each application decided, its score
/// and rank kept.
pub fn rank_applications(
    conn: &mut DbConn,
    caller: &Caller,
    call: &CallRow,
    now: NaiveDateTime,
) -> Result<(), ApiError> {
    let submitted: Vec<(String, String, i64, i64, String, String)> = ap::table
        .filter(ap::call_id.eq(call.id()))
        .filter(ap::status.eq(ApplicationStatus::Submitted.as_str()))
        .order(ap::seq.asc())
        .select((
            ap::id,
            ap::category,
            ap::seq,
            ap::version,
            ap::name,
            ap::email,
        ))
        .load(conn)?;
    let mut sums: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let totals: Vec<(String, i64)> = rv::table
        .filter(rv::call_id.eq(call.id()))
        .select((rv::application_id, rv::total))
        .load(conn)?;
    for (application, total) in totals {
        let s = sums.entry(application).or_default();
        s.0 += total;
        s.1 += 1;
    }
    let unreviewed: Vec<FieldError> = submitted
        .iter()
        .filter(|(id, ..)| !sums.contains_key(id))
        .map(|(id, ..)| {
            FieldError::new(
                format!("applications[{id}]"),
                "not_reviewed",
                "no reviewer has scored this application",
            )
        })
        .collect();
    if !unreviewed.is_empty() {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!(
                "{} submitted application(s) have no review yet; each is named in `errors`.",
                unreviewed.len()
            ),
        )
        .with_errors(unreviewed));
    }
    let criteria = call.criterion_list()?;
    let known: BTreeMap<&str, (i64, &str, &str)> = submitted
        .iter()
        .map(|(id, _, _, v, name, email)| (id.as_str(), (*v, name.as_str(), email.as_str())))
        .collect();
    for category in call.category_list()? {
        let candidates = submitted
            .iter()
            .filter(|(_, c, ..)| *c == category.code)
            .map(|(id, _, seq, ..)| {
                let (total, reviews) = sums[id];
                Candidate {
                    id: id.clone(),
                    seq: *seq,
                    total,
                    reviews,
                }
            })
            .collect::<Vec<_>>();
        let count = candidates.len();
        let places =
            i64::from(category.quota) - super::places::taken_in(conn, call.id(), &category.code)?;
        let waitlist = call.waitlist_size.map(i64::from);
        for (c, rank, status) in rank_category(candidates, places, waitlist) {
            let reason = (status == ApplicationStatus::Rejected).then(|| {
                format!(
                    "Ranked {rank} of {count} in the category `{}`, past its {} place(s) and \
                     its waitlist.",
                    category.code, category.quota
                )
            });
            let score = percent(c.total, c.reviews, max_total(&criteria));
            let stored_rank = i32::try_from(rank).map_err(ApiError::internal)?;
            diesel::update(ap::table.find(&c.id))
                .set((
                    ap::status.eq(status.as_str()),
                    ap::reason.eq(&reason),
                    ap::score.eq(score),
                    ap::rank.eq(stored_rank),
                    ap::decided_at.eq(now),
                    ap::updated_at.eq(now),
                    ap::version.eq(known[c.id.as_str()].0 + 1),
                ))
                .execute(conn)?;
            let change = Change::new("application", &c.id, "rank")
                .value("from", ApplicationStatus::Submitted)
                .value("to", status)
                .value("rank", stored_rank)
                .value("score", score);
            audit::record(conn, caller, change)?;
            let (_, name, email) = known[c.id.as_str()];
            let to = Applicant {
                application_id: &c.id,
                name,
                email,
            };
            let position = (status == ApplicationStatus::Waitlisted).then(|| rank - places.max(0));
            emails::decided(conn, call, to, status, position, reason.as_deref())?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(id: &str, seq: i64, total: i64, reviews: i64) -> Candidate {
        Candidate {
            id: id.into(),
            seq,
            total,
            reviews,
        }
    }

    fn decided(ranked: &[(Candidate, i64, ApplicationStatus)]) -> Vec<(&str, i64, &str)> {
        ranked
            .iter()
            .map(|(c, r, s)| (c.id.as_str(), *r, s.as_str()))
            .collect()
    }

    #[test]
    fn the_best_mean_wins_and_equal_means_go_to_the_first_sent() {
        // b: mean 9 over two reviews; a and d: mean 8 (d arrived first); c: 7.
        let ranked = rank_category(
            vec![
                c("a", 5, 8, 1),
                c("b", 9, 18, 2),
                c("c", 1, 7, 1),
                c("d", 3, 16, 2),
            ],
            2,
            Some(1),
        );
        assert_eq!(
            decided(&ranked),
            vec![
                ("b", 1, "accepted"),
                ("d", 2, "accepted"),
                ("a", 3, "waitlisted"),
                ("c", 4, "rejected"),
            ]
        );
    }

    #[test]
    fn without_a_waitlist_size_everyone_past_the_places_waits() {
        let ranked = rank_category(
            vec![c("a", 1, 1, 1), c("b", 2, 2, 1), c("c", 3, 3, 1)],
            1,
            None,
        );
        assert_eq!(
            decided(&ranked),
            vec![
                ("c", 1, "accepted"),
                ("b", 2, "waitlisted"),
                ("a", 3, "waitlisted")
            ]
        );
        let none = rank_category(vec![c("a", 1, 1, 1), c("b", 2, 2, 1)], 0, Some(0));
        assert_eq!(
            decided(&none),
            vec![("b", 1, "rejected"), ("a", 2, "rejected")]
        );
    }

    #[test]
    fn means_are_compared_exactly() {
        // 2/3 against 666/1000: the first is larger by a hair.
        let ranked = rank_category(vec![c("x", 1, 666, 1000), c("y", 2, 2, 3)], 1, Some(0));
        assert_eq!(ranked[0].0.id, "y");
    }
}
