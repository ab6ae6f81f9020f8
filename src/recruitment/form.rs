//! The form a recruitment call defines — categories, eligibility rules,
//! questions, consents — checked as a whole, and how an application's answers,
//! consents and eligibility are checked against it. Pure functions.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;
use validator::Validate;

use crate::error::{ApiError, FieldError, ProblemCode};
use crate::organizations::model::OrganizationKind;

crate::string_enum! {
    "question kind"
    /// What a question takes: `text` a string, `single_choice` one of its
    /// `choices`, `multiple_choice` a list of distinct choices, `boolean`
    /// `true` or `false`.
    #[derive(ToSchema)]
    pub enum QuestionKind {
        Text = "text",
        SingleChoice = "single_choice",
        MultipleChoice = "multiple_choice",
        Boolean = "boolean",
    }
}

/// The code of a category, question or consent: lower-case letters, digits
/// and `_`.
pub const CODE_PATTERN: &str = "^[a-z0-9_]{1,50}$";

pub(crate) fn validate_code(code: &str) -> Result<(), validator::ValidationError> {
    let ok = (1..=50).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if ok {
        Ok(())
    } else {
        Err(validator::ValidationError::new("pattern")
            .with_message("1 to 50 lower-case letters, digits and `_`".into()))
    }
}

/// 400 naming the query parameter `name` unless `value` is a code.
pub fn code_param(name: &str, value: &str) -> Result<(), ApiError> {
    validate_code(value).map_err(|_| {
        ApiError::invalid_parameter(
            name,
            "pattern",
            "1 to 50 lower-case letters, digits and `_`",
        )
    })
}

fn validate_texts(items: &[String]) -> Result<(), validator::ValidationError> {
    match items
        .iter()
        .position(|t| t.trim().is_empty() || t.chars().count() > 200)
    {
        Some(i) => Err(validator::ValidationError::new("length")
            .with_message(format!("each has 1 to 200 characters; [{i}] does not").into())),
        None => Ok(()),
    }
}

/// A category of applicants with its places.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    #[validate(custom(function = "validate_code"))]
    #[schema(pattern = "^[a-z0-9_]{1,50}$", max_length = 50)]
    pub code: String,
    #[validate(
        length(min = 1, max = 200),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// How many applicants of the category are accepted.
    #[serde(deserialize_with = "crate::http::extract::integer")]
    #[validate(range(min = 0, max = 100000))]
    #[schema(minimum = 0, maximum = 100000)]
    pub quota: i32,
    /// Only applicants whose organisation is of one of these kinds; `null`
    /// for any.
    #[serde(default)]
    #[validate(length(min = 1, max = 6))]
    #[schema(min_items = 1, max_items = 6)]
    pub organization_kinds: Option<Vec<OrganizationKind>>,
}

/// Who may apply at all; a rule left `null` admits everyone.
#[derive(Debug, Clone, Default, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Eligibility {
    /// The applicant's territorial unit is one of these, or lies within one
    /// (a municipality within its county).
    #[serde(default)]
    #[validate(length(min = 1, max = 100), custom(function = "validate_texts"))]
    #[schema(min_items = 1, max_items = 100, value_type = Option<Vec<UnitCode>>)]
    pub territorial_units: Option<Vec<String>>,
    /// The applicant's position is one of these (case and diacritics ignored).
    #[serde(default)]
    #[validate(length(min = 1, max = 50), custom(function = "validate_texts"))]
    #[schema(min_items = 1, max_items = 50, value_type = Option<Vec<ShortText>>)]
    pub positions: Option<Vec<String>>,
}

/// A territorial unit's code.
#[derive(ToSchema)]
#[schema(value_type = String, min_length = 1, max_length = 20)]
#[allow(dead_code)]
pub struct UnitCode(String);

/// A text of 1 to 200 characters.
#[derive(ToSchema)]
#[schema(value_type = String, min_length = 1, max_length = 200)]
#[allow(dead_code)]
pub struct ShortText(String);

/// A question of the call's form.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Question {
    /// The key of the answer in `answers`.
    #[validate(custom(function = "validate_code"))]
    #[schema(pattern = "^[a-z0-9_]{1,50}$", max_length = 50)]
    pub code: String,
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub label: String,
    pub kind: QuestionKind,
    #[serde(default)]
    pub required: bool,
    /// The choices of a `single_choice` or `multiple_choice` question.
    #[serde(default)]
    #[validate(length(min = 1, max = 50), custom(function = "validate_texts"))]
    #[schema(min_items = 1, max_items = 50, value_type = Option<Vec<ShortText>>)]
    pub choices: Option<Vec<String>>,
    /// The longest answer to a `text` question, in characters (2000 if not
    /// given).
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[validate(range(min = 1, max = 5000))]
    #[schema(minimum = 1, maximum = 5000)]
    pub max_length: Option<i32>,
}

/// A consent the applicant is asked for.
#[derive(Debug, Clone, Serialize, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    #[validate(custom(function = "validate_code"))]
    #[schema(pattern = "^[a-z0-9_]{1,50}$", max_length = 50)]
    pub code: String,
    #[validate(
        length(min = 1, max = 5000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 5000)]
    pub text: String,
    #[serde(default)]
    pub required: bool,
}

/// The consent every call asks for.
pub const PERSONAL_DATA: &str = "personal_data";

/// The longest answer to a text question without its own `max_length`.
pub const DEFAULT_ANSWER_LENGTH: usize = 2000;

fn invalid(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> FieldError {
    FieldError::new(field, code, message)
}

pub(super) fn duplicates<'a>(codes: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = HashSet::new();
    codes.into_iter().find(|c| !seen.insert(*c))
}

/// The form a call defines, checked as a whole: at least one category, codes
/// distinct, choices only (and always) on choice questions, the dates in
/// order. Returns the consents with `personal_data` first and required.
pub fn check_form(
    categories: &[Category],
    questions: &[Question],
    consents: Vec<Consent>,
    opens_at: NaiveDateTime,
    closes_at: NaiveDateTime,
) -> Result<Vec<Consent>, ApiError> {
    let mut errors = Vec::new();
    if categories.is_empty() {
        errors.push(invalid(
            "categories",
            "length",
            "a call needs at least one category",
        ));
    }
    if let Some(c) = duplicates(categories.iter().map(|c| c.code.as_str())) {
        errors.push(invalid(
            "categories",
            "not_unique",
            format!("the code `{c}` is used twice"),
        ));
    }
    if let Some(c) = duplicates(questions.iter().map(|q| q.code.as_str())) {
        errors.push(invalid(
            "questions",
            "not_unique",
            format!("the code `{c}` is used twice"),
        ));
    }
    if let Some(c) = duplicates(consents.iter().map(|c| c.code.as_str())) {
        errors.push(invalid(
            "consents",
            "not_unique",
            format!("the code `{c}` is used twice"),
        ));
    }
    for (i, q) in questions.iter().enumerate() {
        let is_choice = matches!(
            q.kind,
            QuestionKind::SingleChoice | QuestionKind::MultipleChoice
        );
        match (&q.choices, is_choice) {
            (None, true) => errors.push(invalid(
                format!("questions[{i}].choices"),
                "required",
                "a choice question needs its choices",
            )),
            (Some(_), false) => errors.push(invalid(
                format!("questions[{i}].choices"),
                "not_allowed",
                "only choice questions have choices",
            )),
            (Some(choices), true) => {
                if let Some(c) = duplicates(choices.iter().map(String::as_str)) {
                    errors.push(invalid(
                        format!("questions[{i}].choices"),
                        "not_unique",
                        format!("`{c}` is offered twice"),
                    ));
                }
            }
            (None, false) => {}
        }
        if q.max_length.is_some() && q.kind != QuestionKind::Text {
            errors.push(invalid(
                format!("questions[{i}].max_length"),
                "not_allowed",
                "only text questions have a maximum length",
            ));
        }
    }
    if closes_at <= opens_at {
        errors.push(invalid(
            "closes_at",
            "before_start",
            "must be after opens_at",
        ));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let mut consents = consents;
    match consents.iter().position(|c| c.code == PERSONAL_DATA) {
        Some(i) => {
            let mut c = consents.remove(i);
            c.required = true;
            consents.insert(0, c);
        }
        None => consents.insert(
            0,
            Consent {
                code: PERSONAL_DATA.to_owned(),
                text: "I agree to the processing of my personal data for this call.".to_owned(),
                required: true,
            },
        ),
    }
    Ok(consents)
}

/// Checks `answers` against `questions`: each answer names a question and has
/// its type, required questions are answered, choices are offered, texts fit.
/// Problems name `answers.<code>`.
pub fn check_answers(
    questions: &[Question],
    answers: &BTreeMap<String, Value>,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for code in answers.keys() {
        if !questions.iter().any(|q| &q.code == code) {
            errors.push(invalid(
                format!("answers.{code}"),
                "unknown_question",
                "the call has no such question",
            ));
        }
    }
    for q in questions {
        let field = format!("answers.{}", q.code);
        let answer = answers.get(&q.code).filter(|v| !v.is_null());
        let Some(answer) = answer else {
            if q.required {
                errors.push(invalid(field, "required", "this question must be answered"));
            }
            continue;
        };
        if let Err((code, message)) = check_answer(q, answer) {
            errors.push(invalid(field, code, message));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn check_answer(q: &Question, answer: &Value) -> Result<(), (&'static str, String)> {
    let offered = |c: &str| q.choices.iter().flatten().any(|o| o == c);
    match q.kind {
        QuestionKind::Text => {
            let text = answer
                .as_str()
                .ok_or(("type", "must be a string".to_owned()))?;
            let max = q.max_length.map_or(DEFAULT_ANSWER_LENGTH, |m| m as usize);
            if q.required && text.trim().is_empty() {
                return Err(("required", "this question must be answered".to_owned()));
            }
            if text.chars().count() > max {
                return Err(("length", format!("must have at most {max} characters")));
            }
        }
        QuestionKind::Boolean => {
            answer
                .as_bool()
                .ok_or(("type", "must be true or false".to_owned()))?;
        }
        QuestionKind::SingleChoice => {
            let c = answer
                .as_str()
                .ok_or(("type", "must be one of the choices".to_owned()))?;
            if !offered(c) {
                return Err(("not_a_choice", format!("`{c}` is not one of the choices")));
            }
        }
        QuestionKind::MultipleChoice => {
            let items = answer
                .as_array()
                .ok_or(("type", "must be a list of choices".to_owned()))?;
            let mut seen = HashSet::new();
            for item in items {
                let c = item
                    .as_str()
                    .ok_or(("type", "must be a list of choices".to_owned()))?;
                if !offered(c) {
                    return Err(("not_a_choice", format!("`{c}` is not one of the choices")));
                }
                if !seen.insert(c) {
                    return Err(("not_unique", format!("`{c}` is chosen twice")));
                }
            }
            if q.required && items.is_empty() {
                return Err(("required", "choose at least one".to_owned()));
            }
        }
    }
    Ok(())
}

/// 422 naming `consents` unless every required consent is given; a consent
/// the call does not ask for is refused too.
pub fn check_consents(asked: &[Consent], given: &[String]) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    for code in given {
        if !asked.iter().any(|c| &c.code == code) {
            errors.push(invalid(
                "consents",
                "unknown_consent",
                format!("the call asks no consent `{code}`"),
            ));
        }
    }
    for c in asked.iter().filter(|c| c.required) {
        if !given.contains(&c.code) {
            errors.push(invalid(
                "consents",
                "required",
                format!("the consent `{}` is required", c.code),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// What eligibility is checked against: the applicant's organisation kind,
/// the codes of their territorial unit and every unit it lies within, their
/// position.
#[derive(Debug, Default)]
pub struct Applicant<'a> {
    pub organization_kind: Option<OrganizationKind>,
    pub units: Vec<String>,
    pub position: Option<&'a str>,
}

/// 422 `not_eligible` with one reason per failed rule, or Ok.
pub fn check_eligibility(
    rules: &Eligibility,
    category: &Category,
    who: &Applicant<'_>,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if let Some(kinds) = &category.organization_kinds
        && !who.organization_kind.is_some_and(|k| kinds.contains(&k))
    {
        let names: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
        errors.push(invalid(
            "organization_kind",
            "not_eligible",
            format!(
                "the category `{}` is open to organisations of kind {}",
                category.code,
                names.join(", ")
            ),
        ));
    }
    if let Some(units) = &rules.territorial_units
        && !who.units.iter().any(|u| units.contains(u))
    {
        errors.push(invalid(
            "territorial_unit_code",
            "not_eligible",
            format!(
                "the call is open to the territorial units {}",
                units.join(", ")
            ),
        ));
    }
    if let Some(positions) = &rules.positions {
        let folded = who.position.map(crate::db::fold_for_search);
        let fits = folded.is_some_and(|p| {
            positions
                .iter()
                .any(|o| crate::db::fold_for_search(o.trim()) == p.trim())
        });
        if !fits {
            errors.push(invalid(
                "position",
                "not_eligible",
                format!("the call is open to the positions {}", positions.join(", ")),
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::new(
            ProblemCode::NotEligible,
            "The applicant does not meet the call's eligibility rules.",
        )
        .with_errors(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> NaiveDateTime {
        format!("{s}T00:00:00").parse().unwrap()
    }

    fn question(code: &str, kind: QuestionKind, required: bool, choices: &[&str]) -> Question {
        Question {
            code: code.into(),
            label: code.into(),
            kind,
            required,
            choices: (!choices.is_empty()).then(|| choices.iter().map(|c| c.to_string()).collect()),
            max_length: None,
        }
    }

    fn fields(err: ApiError) -> Vec<(String, String)> {
        err.field_errors()
            .iter()
            .map(|e| (e.field.clone(), e.code.clone()))
            .collect()
    }

    #[test]
    fn answers_are_checked_against_the_questions() {
        let qs = vec![
            question("why", QuestionKind::Text, true, &[]),
            question("plane", QuestionKind::SingleChoice, false, &["1", "2"]),
            question("topics", QuestionKind::MultipleChoice, false, &["a", "b"]),
            question("first", QuestionKind::Boolean, true, &[]),
        ];
        let ok: BTreeMap<String, Value> = serde_json::from_value(serde_json::json!({
            "why": "bo tak", "plane": "2", "topics": ["a", "b"], "first": false
        }))
        .unwrap();
        assert!(check_answers(&qs, &ok).is_ok());
        let bad: BTreeMap<String, Value> = serde_json::from_value(serde_json::json!({
            "plane": "3", "topics": ["a", "a"], "first": "yes", "extra": 1
        }))
        .unwrap();
        let mut got = fields(check_answers(&qs, &bad).unwrap_err());
        got.sort();
        assert_eq!(
            got,
            vec![
                ("answers.extra".into(), "unknown_question".into()),
                ("answers.first".into(), "type".into()),
                ("answers.plane".into(), "not_a_choice".into()),
                ("answers.topics".into(), "not_unique".into()),
                ("answers.why".into(), "required".into()),
            ]
        );
        let long: BTreeMap<String, Value> = serde_json::from_value(serde_json::json!({
            "why": "ż".repeat(DEFAULT_ANSWER_LENGTH + 1), "first": true
        }))
        .unwrap();
        assert_eq!(
            fields(check_answers(&qs, &long).unwrap_err())[0].1,
            "length"
        );
    }

    fn cat_b() -> Category {
        Category {
            code: "b".into(),
            name: "B".into(),
            quota: 1,
            organization_kinds: None,
        }
    }

    #[test]
    fn the_personal_data_consent_is_always_required_and_first() {
        let cat = Category {
            code: "ngo".into(),
            name: "NGO".into(),
            quota: 1,
            organization_kinds: None,
        };
        let photos = Consent {
            code: "photos".into(),
            text: "ok".into(),
            required: false,
        };
        let consents = check_form(
            std::slice::from_ref(&cat),
            &[],
            vec![photos],
            t("2026-01-01"),
            t("2026-01-02"),
        )
        .unwrap();
        assert_eq!(consents[0].code, PERSONAL_DATA);
        assert!(consents[0].required);
        let relaxed = Consent {
            code: PERSONAL_DATA.into(),
            text: "x".into(),
            required: false,
        };
        let consents = check_form(
            std::slice::from_ref(&cat),
            &[],
            vec![relaxed],
            t("2026-01-01"),
            t("2026-01-02"),
        )
        .unwrap();
        assert!(consents[0].required && consents.len() == 1);
        let err = check_form(
            &[cat.clone(), cat],
            &[],
            vec![],
            t("2026-01-02"),
            t("2026-01-01"),
        )
        .unwrap_err();
        let got = fields(err);
        assert!(got.contains(&("categories".into(), "not_unique".into())));
        assert!(got.contains(&("closes_at".into(), "before_start".into())));
        let asked = check_form(&[cat_b()], &[], vec![], t("2026-01-01"), t("2026-01-02")).unwrap();
        assert!(check_consents(&asked, &[PERSONAL_DATA.into()]).is_ok());
        let err = check_consents(&asked, &["photos".into()]).unwrap_err();
        let got = fields(err);
        assert_eq!(got[0], ("consents".into(), "unknown_consent".into()));
        assert_eq!(got[1], ("consents".into(), "required".into()));
    }

    #[test]
    fn eligibility_names_every_failed_rule() {
        let rules = Eligibility {
            territorial_units: Some(vec!["2403".into()]),
            positions: Some(vec!["Członek zarządu".into()]),
        };
        let cat = Category {
            code: "ngo".into(),
            name: "NGO".into(),
            quota: 1,
            organization_kinds: Some(vec![OrganizationKind::Ngo]),
        };
        let inside = Applicant {
            organization_kind: Some(OrganizationKind::Ngo),
            units: vec!["2403011".into(), "2403".into(), "24".into()],
            position: Some("czlonek ZARZADU"),
        };
        assert!(check_eligibility(&rules, &cat, &inside).is_ok());
        let outside = Applicant {
            organization_kind: Some(OrganizationKind::Business),
            units: vec!["1465".into(), "14".into()],
            position: None,
        };
        let err = check_eligibility(&rules, &cat, &outside).unwrap_err();
        assert_eq!(err.code(), ProblemCode::NotEligible);
        let got: Vec<String> = fields(err).into_iter().map(|f| f.0).collect();
        assert_eq!(
            got,
            vec!["organization_kind", "territorial_unit_code", "position"]
        );
    }
}
