//! The compendium's vocabulary: the three planes of the cooperation model and
//! their areas (seed 003), the review `proposed` → `accepted` | `rejected`,
//! and the rules for areas, tags and the search text.

use utoipa::ToSchema;

use crate::error::{ApiError, FieldError};
use crate::http::transition::{StateMachine, guard};

pub use crate::cooperation_model::Area;

crate::string_enum! {
    "review status"
    #[derive(ToSchema)]
    pub enum ReviewStatus {
        Proposed = "proposed",
        Accepted = "accepted",
        Rejected = "rejected",
    }
}

crate::string_enum! {
    "good-practice review"
    /// The reviews, named as their endpoints are.
    pub enum Review {
        Accept = "accept",
        Reject = "reject",
    }
}

impl StateMachine for ReviewStatus {
    type Transition = Review;
    const RECORD: &'static str = "good practice";

    fn allowed(self) -> &'static [Review] {
        match self {
            Self::Proposed => &[Review::Accept, Review::Reject],
            Self::Accepted | Self::Rejected => &[],
        }
    }

    fn apply(self, r: Review) -> Option<Self> {
        match (self, r) {
            (Self::Proposed, Review::Accept) => Some(Self::Accepted),
            (Self::Proposed, Review::Reject) => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// The states in which an entry can no longer be changed.
pub const REVIEWED: &[ReviewStatus] = &[ReviewStatus::Accepted, ReviewStatus::Rejected];

/// The most characters a tag has.
pub const MAX_TAG_CHARS: usize = 50;

/// An area, if given, must be one of the plane's.
pub fn check_area(plane: i32, area: Option<Area>) -> Result<(), ApiError> {
    match area {
        Some(a) if a.plane() != plane => Err(ApiError::validation(vec![FieldError::new(
            "area",
            "not_in_plane",
            format!("`{}` is an area of plane {}", a.as_str(), a.plane()),
        )])),
        _ => Ok(()),
    }
}

/// A tag as stored: trimmed, inner whitespace collapsed, lower case.
pub fn normalize_tag(tag: &str) -> String {
    tag.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether a tag, once normalised, has 1 to [`MAX_TAG_CHARS`] characters.
fn tag_fits(normalized: &str) -> bool {
    (1..=MAX_TAG_CHARS).contains(&normalized.chars().count())
}

/// Every tag has 1 to 50 characters once trimmed (a `validator` rule, checked
/// before anything is read).
pub fn validate_tags(tags: &[String]) -> Result<(), validator::ValidationError> {
    match tags.iter().position(|t| !tag_fits(&normalize_tag(t))) {
        Some(i) => Err(validator::ValidationError::new("length")
            .with_message(format!("every tag has 1 to 50 characters; tags[{i}] does not").into())),
        None => Ok(()),
    }
}

/// Distinct normalised tags, in their first order; a blank or overlong one is
/// refused by index.
pub fn normalize_tags(tags: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in tags.iter().enumerate() {
        let tag = normalize_tag(raw);
        if !tag_fits(&tag) {
            errors.push(FieldError::new(
                format!("tags[{i}]"),
                "length",
                "a tag has 1 to 50 characters",
            ));
        } else if !out.contains(&tag) {
            out.push(tag);
        }
    }
    guard(errors)?;
    Ok(out)
}

/// What the text search looks in: title, description and tags, folded (case
/// and diacritics dropped).
pub fn search_text(title: &str, description: &str, tags: &[String]) -> String {
    // Words joined by single spaces: deunicode drops line breaks, which would
    // glue the last word of a line to the first of the next.
    let text = format!("{title} {description} {}", tags.join(" "));
    crate::db::fold_for_search(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_belongs_to_one_plane() {
        let planes: Vec<i32> = Area::ALL.iter().map(|a| a.plane()).collect();
        assert_eq!(planes, [1, 1, 2, 2, 3, 3]);
        for a in Area::ALL {
            assert_eq!(Area::parse(a.as_str()), Some(*a));
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str());
        }
    }

    #[test]
    fn an_area_must_be_of_the_plane() {
        assert!(check_area(1, None).is_ok());
        assert!(check_area(2, Some(Area::ProjectPartnerships)).is_ok());
        let err = check_area(1, Some(Area::LocalPartnerships)).unwrap_err();
        assert_eq!(err.field_errors()[0].field, "area");
    }

    #[test]
    fn only_a_proposal_is_reviewed() {
        let p = ReviewStatus::Proposed;
        assert_eq!(p.apply(Review::Accept), Some(ReviewStatus::Accepted));
        assert_eq!(p.apply(Review::Reject), Some(ReviewStatus::Rejected));
        for done in REVIEWED.iter().copied() {
            assert!(done.allowed().is_empty());
            assert_eq!(done.apply(Review::Accept), None);
            assert_eq!(done.apply(Review::Reject), None);
        }
        assert!(!REVIEWED.contains(&p));
    }

    #[test]
    fn tags_are_compared_in_lower_case_without_extra_spaces() {
        assert_eq!(
            normalize_tag("  Budżet   Obywatelski "),
            "budżet obywatelski"
        );
    }

    #[test]
    fn tags_are_distinct_and_each_has_1_to_50_characters() {
        let tags = |t: &[&str]| t.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            normalize_tags(&tags(&[" JST ", "jst", "Konsultacje"])).unwrap(),
            ["jst", "konsultacje"]
        );
        let long = "x".repeat(51);
        let err = normalize_tags(&tags(&["ok", "  ", &long])).unwrap_err();
        let fields: Vec<&str> = err
            .field_errors()
            .iter()
            .map(|e| e.field.as_str())
            .collect();
        assert_eq!(fields, ["tags[1]", "tags[2]"]);
        assert!(validate_tags(&tags(&["ok", &"y".repeat(50)])).is_ok());
        assert!(validate_tags(&tags(&["ok", "   "])).is_err());
    }

    #[test]
    fn the_search_text_is_folded_words_of_title_description_and_tags() {
        let text = search_text("Współpraca", "Școala\nde  vară", &["palis".into()]);
        assert_eq!(
            text,
            crate::db::fold_for_search("Współpraca Școala de vară palis")
        );
        assert!(!text.contains('\n'));
    }
}
