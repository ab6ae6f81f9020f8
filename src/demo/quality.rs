//! The demo's quality index: the Zgorzelec county assessed on the default
//! methodology in two yearly rounds by a working group of the county and the
//! two foundations — 2025, then 2026 after the project, better in most
//! areas — so the comparison and the chart have something to show; six
//! NGOs answered the 2026 survey, closed with the round. The 2025
//! recommendations became action items, which the 2026 round reviewed.

use diesel::prelude::*;

use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::enums::StrEnum;
use crate::db::record;
use crate::db::schema::quality_rounds as qr;
use crate::error::ApiError;
use crate::quality::actions::{self, ActionStatus, CreateActionItem, UpdateActionItem};
use crate::quality::model::{
    CreateQualityRound, MethodologyRow, RecordAssessment, SubmitSurveyAnswers, SurveyAnswer,
    WorkingGroupMember,
};
use crate::quality::rules::{RoundTransition, Side};
use crate::quality::store::{self, DEFAULT_METHODOLOGY};
use crate::quality::survey;

/// The answers of the two rounds, by indicator: (code, 2025, 2026).
const ANSWERS: &[(&str, f64, f64)] = &[
    ("1A.1", 1.0, 2.0),
    ("1A.2", 1.0, 1.0),
    ("1A.3", 0.0, 1.0),
    ("1A.4", 0.0, 1.0),
    ("1B.1", 0.0, 1.0),
    ("1B.2", 1.0, 2.0),
    ("1B.3", 1.0, 1.0),
    ("2A.1", 0.8, 1.7),
    ("2A.2", 1.0, 2.0),
    ("2A.3", 0.0, 1.0),
    ("2A.4", 1.0, 1.0),
    ("2B.1", 1.0, 2.0),
    ("2B.2", 1.0, 1.0),
    ("2B.3", 1.0, 2.0),
    ("3A.1", 0.0, 1.0),
    ("3A.2", 1.0, 1.0),
    ("3A.3", 2.6, 2.9),
    ("3B.1", 1.0, 2.0),
    ("3B.2", 0.0, 1.0),
    ("3B.3", 1.0, 1.0),
];

/// What a round's recommendation became.
struct DemoAction {
    year: i32,
    code: &'static str,
    action: &'static str,
    /// Owned by the county (else by a foundation).
    by_county: bool,
    due_on: &'static str,
    /// As the 2026 round found it, with its review.
    status: &'static str,
    review: Option<&'static str>,
}

/// The 2025 round's recommendations, reviewed by the 2026 round, and the
/// 2026 round's own.
const ACTIONS: &[DemoAction] = &[
    DemoAction {
        year: 2025,
        code: "1A.3",
        action: "Publikować raport z konsultacji z odpowiedzią na każdą uwagę.",
        by_county: true,
        due_on: "2025-12-31",
        status: "done",
        review: Some("Raporty publikowane od października 2025 r."),
    },
    DemoAction {
        year: 2025,
        code: "3A.1",
        action: "Otworzyć punkt wsparcia organizacji w starostwie.",
        by_county: true,
        due_on: "2026-06-30",
        status: "in_progress",
        review: Some("Lokal przydzielony, dyżury od września 2026 r."),
    },
    DemoAction {
        year: 2025,
        code: "3B.2",
        action: "Przygotować ocenę programu współpracy razem z organizacjami.",
        by_county: false,
        due_on: "2026-03-31",
        status: "done",
        review: Some("Ocenę przygotował zespół fundacji i powiatu."),
    },
    DemoAction {
        year: 2026,
        code: "1A.2",
        action: "Konsultować każdy projekt uchwały dotyczący organizacji.",
        by_county: true,
        due_on: "2027-06-30",
        status: "planned",
        review: None,
    },
];

/// Six NGOs' anonymous answers to the 2026 survey: they see consultations
/// and grants less rosily than the working group does.
const SURVEY: &[&[(&str, f64)]] = &[
    &[
        ("1A.4", 1.0),
        ("1B.3", 1.0),
        ("2A.4", 0.0),
        ("2B.3", 1.0),
        ("3B.3", 1.0),
    ],
    &[
        ("1A.4", 0.0),
        ("1B.3", 1.0),
        ("2A.4", 1.0),
        ("2B.3", 2.0),
        ("3B.3", 1.0),
    ],
    &[
        ("1A.4", 1.0),
        ("1B.3", 0.0),
        ("2A.4", 1.0),
        ("2B.3", 1.0),
        ("3B.3", 0.0),
    ],
    &[("1A.4", 0.0), ("1B.3", 1.0), ("2A.4", 0.0), ("2B.3", 1.0)],
    &[
        ("1A.4", 1.0),
        ("1B.3", 2.0),
        ("2A.4", 1.0),
        ("2B.3", 2.0),
        ("3B.3", 1.0),
    ],
    &[("1A.4", 0.0), ("2A.4", 0.0), ("2B.3", 1.0), ("3B.3", 1.0)],
];

/// The working group: (name, organisation key, side).
const WORKING_GROUP: &[(&str, &str, Side)] = &[
    ("Jolanta Marczak", "powiat", Side::LocalGovernment),
    ("Tomasz Wróblewski", "powiat", Side::LocalGovernment),
    ("Magdalena Sikora", "probus", Side::Ngo),
    ("Krzysztof Nowak", "abramis", Side::Ngo),
];

/// Seeds the county's two rounds once; returns how many records it wrote.
pub(super) fn seed(
    conn: &mut DbConn,
    caller: &Caller,
    powiat: &str,
    org_of: impl Fn(&str) -> Option<String>,
) -> Result<usize, ApiError> {
    let exists: i64 = qr::table
        .filter(qr::organization_id.eq(powiat))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(0);
    }
    let mut group = Vec::new();
    for (name, org, side) in WORKING_GROUP {
        let person = crate::people::store::insert(
            conn,
            caller,
            crate::people::model::CreatePerson {
                full_name: (*name).to_owned(),
                email: None,
                phone: None,
                position: Some("Zespół ds. indeksu jakości współpracy".to_owned()),
                organization_id: org_of(org),
                role: None,
            },
        )?
        .0;
        group.push(WorkingGroupMember {
            person_id: person.id,
            side: *side,
        });
    }
    let doc = record::find::<MethodologyRow>(conn, DEFAULT_METHODOLOGY)?.document()?;
    let mut created = group.len();
    for (year, pick) in [(2025, 0), (2026, 1)] {
        let round = store::insert_round(
            conn,
            caller,
            CreateQualityRound {
                organization_id: powiat.to_owned(),
                year,
                methodology_id: None,
                working_group: group.clone(),
                notes: Some(format!("Ocena roczna {year}, zespół powiatu i fundacji.")),
            },
        )?;
        let mut round = store::transition(conn, caller, round, RoundTransition::Start, None)?;
        if year == 2026 {
            let (opened, token) = survey::open(conn, caller, round)?;
            round = opened;
            for answers in SURVEY {
                survey::submit(
                    conn,
                    SubmitSurveyAnswers {
                        token: token.clone(),
                        answers: answers
                            .iter()
                            .map(|(code, answer)| SurveyAnswer {
                                indicator_code: (*code).to_owned(),
                                answer: *answer,
                            })
                            .collect(),
                    },
                )?;
                created += 1;
            }
        }
        for (code, before, after) in ANSWERS {
            let answer = if pick == 0 { *before } else { *after };
            store::record_assessment(
                conn,
                caller,
                &round,
                &doc,
                code,
                None,
                RecordAssessment {
                    answer,
                    evidence: Some(format!("Dokumenty i opinie zespołu za {year} rok.")),
                    recommendation: (answer < 1.0).then(|| {
                        "Uzgodnić z organizacjami plan dojścia do standardu minimalnego.".to_owned()
                    }),
                },
            )?;
            created += 1;
        }
        let round = store::transition(conn, caller, round, RoundTransition::Complete, None)?;
        created += 1;
        for a in ACTIONS.iter().filter(|a| a.year == year) {
            let owner = if a.by_county {
                Some(powiat.to_owned())
            } else {
                org_of("abramis")
            };
            let Some(owner) = owner else { continue };
            let item = actions::insert(
                conn,
                caller,
                &round,
                CreateActionItem {
                    action: a.action.to_owned(),
                    indicator_code: Some(a.code.to_owned()),
                    owner_organization_id: owner,
                    owner_person_id: None,
                    due_on: a
                        .due_on
                        .parse()
                        .map_err(|_| ApiError::internal("demo date"))?,
                    status: Some(ActionStatus::stored(a.status)?),
                },
            )?;
            if let Some(review) = a.review {
                actions::update(
                    conn,
                    caller,
                    &round,
                    item,
                    UpdateActionItem {
                        review: Some(Some(review.to_owned())),
                        ..Default::default()
                    },
                )?;
            }
            created += 1;
        }
    }
    Ok(created)
}
