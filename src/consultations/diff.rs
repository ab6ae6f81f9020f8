//! The changes between two versions of a document, section by section: a
//! section keeps its id from version to version, so what was added, removed,
//! renumbered or reworded is known exactly, and a reworded section's text is
//! compared word by word — a diff a person can read.

use serde::Serialize;
use utoipa::ToSchema;

/// A section as the comparison sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionText {
    pub section_id: String,
    pub number: String,
    pub heading: Option<String>,
    pub body: String,
}

crate::string_enum! {
    "section change"
    /// What happened to a section between two versions.
    #[derive(ToSchema)]
    pub enum SectionChange {
        Added = "added",
        Removed = "removed",
        /// Its heading or text changed (its number may have too).
        Reworded = "reworded",
        /// Only its number changed.
        Renumbered = "renumbered",
        Unchanged = "unchanged",
    }
}

crate::string_enum! {
    "text change"
    /// A run of words kept, added or removed.
    #[derive(ToSchema)]
    pub enum TextChange {
        Equal = "equal",
        Added = "added",
        Removed = "removed",
    }
}

/// A run of text, kept, added or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct TextRun {
    pub change: TextChange,
    #[schema(max_length = 20000)]
    pub text: String,
}

/// One section's change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SectionDiff {
    #[schema(format = Uuid)]
    pub section_id: String,
    pub change: SectionChange,
    /// Its number in the earlier version; `null` when added.
    #[schema(max_length = 50)]
    pub number_before: Option<String>,
    /// Its number in the later version; `null` when removed.
    #[schema(max_length = 50)]
    pub number_after: Option<String>,
    #[schema(max_length = 500)]
    pub heading_before: Option<String>,
    #[schema(max_length = 500)]
    pub heading_after: Option<String>,
    /// The text word by word: for a reworded section the runs kept, removed
    /// and added; for an added or removed one the whole text; empty when the
    /// text is unchanged.
    #[schema(max_items = 100000)]
    pub text: Vec<TextRun>,
}

/// The sections of `after` in their order, each compared with the same
/// section in `before`; then the sections `before` had and `after` has not.
pub fn compare(before: &[SectionText], after: &[SectionText]) -> Vec<SectionDiff> {
    let mut out = Vec::with_capacity(after.len());
    for new in after {
        let old = before.iter().find(|s| s.section_id == new.section_id);
        out.push(match old {
            None => SectionDiff {
                section_id: new.section_id.clone(),
                change: SectionChange::Added,
                number_before: None,
                number_after: Some(new.number.clone()),
                heading_before: None,
                heading_after: new.heading.clone(),
                text: whole(TextChange::Added, &new.body),
            },
            Some(old) => {
                let reworded = old.heading != new.heading || old.body != new.body;
                let change = if reworded {
                    SectionChange::Reworded
                } else if old.number != new.number {
                    SectionChange::Renumbered
                } else {
                    SectionChange::Unchanged
                };
                SectionDiff {
                    section_id: new.section_id.clone(),
                    change,
                    number_before: Some(old.number.clone()),
                    number_after: Some(new.number.clone()),
                    heading_before: old.heading.clone(),
                    heading_after: new.heading.clone(),
                    text: if old.body == new.body {
                        Vec::new()
                    } else {
                        words(&old.body, &new.body)
                    },
                }
            }
        });
    }
    for old in before {
        if !after.iter().any(|s| s.section_id == old.section_id) {
            out.push(SectionDiff {
                section_id: old.section_id.clone(),
                change: SectionChange::Removed,
                number_before: Some(old.number.clone()),
                number_after: None,
                heading_before: old.heading.clone(),
                heading_after: None,
                text: whole(TextChange::Removed, &old.body),
            });
        }
    }
    out
}

fn whole(change: TextChange, text: &str) -> Vec<TextRun> {
    vec![TextRun {
        change,
        text: text.to_owned(),
    }]
}

/// `before` → `after` word by word, consecutive words of one kind joined.
fn words(before: &str, after: &str) -> Vec<TextRun> {
    // Past the deadline the diff is coarser, never wrong: long texts
    // reworded throughout cannot hold a worker.
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_millis(250))
        .diff_words(before, after);
    let mut runs: Vec<TextRun> = Vec::new();
    for change in diff.iter_all_changes() {
        let kind = match change.tag() {
            similar::ChangeTag::Equal => TextChange::Equal,
            similar::ChangeTag::Insert => TextChange::Added,
            similar::ChangeTag::Delete => TextChange::Removed,
        };
        match runs.last_mut() {
            Some(last) if last.change == kind => last.text.push_str(change.value()),
            _ => runs.push(TextRun {
                change: kind,
                text: change.value().to_owned(),
            }),
        }
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(id: &str, number: &str, body: &str) -> SectionText {
        SectionText {
            section_id: id.into(),
            number: number.into(),
            heading: None,
            body: body.into(),
        }
    }

    #[test]
    fn sections_are_matched_by_id_not_by_number() {
        let before = [
            s("a", "§ 1", "Program obejmuje współpracę."),
            s("b", "§ 2", "Środki: 100 000 zł."),
            s("c", "§ 3", "Uchyla się uchwałę."),
        ];
        let after = [
            s("n", "§ 1", "Cele programu."),
            s("a", "§ 2", "Program obejmuje współpracę."),
            s("b", "§ 3", "Środki: 150 000 zł."),
        ];
        let diff = compare(&before, &after);
        let changes: Vec<_> = diff
            .iter()
            .map(|d| (d.section_id.as_str(), d.change))
            .collect();
        assert_eq!(
            changes,
            [
                ("n", SectionChange::Added),
                ("a", SectionChange::Renumbered),
                ("b", SectionChange::Reworded),
                ("c", SectionChange::Removed),
            ]
        );
        assert_eq!(diff[1].number_before.as_deref(), Some("§ 1"));
        assert_eq!(diff[1].number_after.as_deref(), Some("§ 2"));
        assert!(diff[1].text.is_empty());
        let text: Vec<_> = diff[2]
            .text
            .iter()
            .map(|r| (r.change, r.text.as_str()))
            .collect();
        assert_eq!(
            text,
            [
                (TextChange::Equal, "Środki: "),
                (TextChange::Removed, "100"),
                (TextChange::Added, "150"),
                (TextChange::Equal, " 000 zł."),
            ]
        );
        assert_eq!(diff[3].text[0].change, TextChange::Removed);
    }

    #[test]
    fn a_changed_heading_is_a_rewording() {
        let before = [s("a", "§ 1", "Tekst.")];
        let mut after = before.clone();
        after[0].heading = Some("Cele".into());
        let diff = compare(&before, &after);
        assert_eq!(diff[0].change, SectionChange::Reworded);
        assert!(diff[0].text.is_empty());
        assert_eq!(
            compare(&before, &before)[0].change,
            SectionChange::Unchanged
        );
    }
}
