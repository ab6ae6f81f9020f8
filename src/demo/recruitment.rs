//! Seed 003's recruitment: the model project's call for 80 NGO representatives
//! and 20 local-government officials of Zgorzelec county, open now, with its
//! NGO places full and four people waiting, and 12 of the 20 JST places taken.
//! Two result indicators count the accepted participants by category.
//! Created once, with the call (found by its title); its dates are set around
//! the day the demo data is loaded, so that the call takes applications.

use chrono::{Duration, Utc};
use diesel::prelude::*;

use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::record;
use crate::db::schema::calls as cl;
use crate::error::ApiError;
use crate::indicators::model::CreateIndicator;
use crate::indicators::rules::IndicatorKind;
use crate::organizations::model::OrganizationKind;
use crate::recruitment::form::{Category, Consent, Eligibility, Question, QuestionKind};
use crate::recruitment::model::{Apply, CallRow, CreateCall};
use crate::recruitment::rules::{CallTransition, SelectionMode};
use crate::recruitment::store;

pub(super) const TITLE: &str = "Nabór uczestników szkoleń – powiat zgorzelecki";

const FIRST: &[&str] = &[
    "Anna",
    "Piotr",
    "Katarzyna",
    "Tomasz",
    "Małgorzata",
    "Paweł",
    "Agnieszka",
    "Michał",
    "Joanna",
    "Łukasz",
    "Ewa",
    "Grzegorz",
];
const LAST: &[&str] = &[
    "Nowak",
    "Wiśniewska",
    "Wójcik",
    "Kowalczyk",
    "Zieliński",
    "Szymańska",
    "Woźniak",
    "Dąbrowski",
];

/// Creates the call and its applications unless the call exists; returns how
/// many records it created.
pub(super) fn seed(conn: &mut DbConn, caller: &Caller, project: &str) -> Result<usize, ApiError> {
    let exists: i64 = cl::table
        .filter(cl::project_id.eq(project))
        .filter(cl::title.eq(TITLE))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(0);
    }
    let call = store::insert_call(conn, caller, form(project))?;
    let call = store::transition_call(conn, caller, call, CallTransition::Open, None)?;
    let mut created = 1;
    for (n, kind, category) in (0..84)
        .map(|n| (n, OrganizationKind::Ngo, "ngo"))
        .chain((84..96).map(|n| (n, OrganizationKind::LocalGovernment, "jst")))
    {
        let locked: CallRow = record::locked(conn, &call.id)?;
        store::apply(
            conn,
            caller,
            &locked,
            applicant(n, kind, category),
            crate::db::now(),
        )?;
        created += 1;
    }
    // The demo's applicants have made-up addresses: no email goes to them.
    let applications: Vec<String> = crate::db::schema::applications::table
        .filter(crate::db::schema::applications::call_id.eq(&call.id))
        .select(crate::db::schema::applications::id)
        .load(conn)?;
    crate::notifications::drop_for(conn, &applications)?;
    for (name, target, category) in [
        ("Przedstawiciele NGO przyjęci na szkolenia", 80.0, "ngo"),
        ("Przedstawiciele JST przyjęci na szkolenia", 20.0, "jst"),
    ] {
        let form = CreateIndicator {
            name: name.to_owned(),
            unit: "osoby".to_owned(),
            target,
            kind: IndicatorKind::AcceptedParticipants,
            activity_type: None,
            category: Some(category.to_owned()),
            value: None,
        };
        crate::indicators::store::insert(conn, caller, project, form)?;
        created += 1;
    }
    Ok(created)
}

fn form(project: &str) -> CreateCall {
    let today = Utc::now();
    let category = |code: &str, name: &str, quota, kind| Category {
        code: code.to_owned(),
        name: name.to_owned(),
        quota,
        organization_kinds: Some(vec![kind]),
    };
    CreateCall {
        project_id: project.to_owned(),
        title: TITLE.to_owned(),
        regulations: "Regulamin rekrutacji: szkolenie w trzech zjazdach, po jednym na każdą \
                      płaszczyznę modelu współpracy; udział bezpłatny."
            .to_owned(),
        opens_at: today - Duration::days(7),
        closes_at: today + Duration::days(60),
        selection_mode: SelectionMode::FirstCome,
        criteria: Vec::new(),
        waitlist_size: None,
        offer_hours: Some(72),
        categories: vec![
            category(
                "ngo",
                "Przedstawiciele organizacji pozarządowych",
                80,
                OrganizationKind::Ngo,
            ),
            category(
                "jst",
                "Przedstawiciele JST",
                20,
                OrganizationKind::LocalGovernment,
            ),
        ],
        eligibility: Eligibility {
            territorial_units: Some(vec!["0225".to_owned()]),
            positions: None,
        },
        questions: vec![
            Question {
                code: "motivation".to_owned(),
                label: "Dlaczego chcesz wziąć udział w szkoleniu?".to_owned(),
                kind: QuestionKind::Text,
                required: true,
                choices: None,
                max_length: Some(1000),
            },
            Question {
                code: "plane".to_owned(),
                label: "Która płaszczyzna współpracy interesuje Cię najbardziej?".to_owned(),
                kind: QuestionKind::SingleChoice,
                required: false,
                choices: Some(vec!["1".to_owned(), "2".to_owned(), "3".to_owned()]),
                max_length: None,
            },
        ],
        consents: vec![Consent {
            code: "personal_data".to_owned(),
            text: "Wyrażam zgodę na przetwarzanie moich danych osobowych w celu rekrutacji."
                .to_owned(),
            required: true,
        }],
    }
}

fn applicant(n: usize, kind: OrganizationKind, category: &str) -> Apply {
    let first = FIRST[n % FIRST.len()];
    let last = LAST[(n / FIRST.len()) % LAST.len()];
    let organization = match kind {
        OrganizationKind::LocalGovernment => format!("Urząd Gminy nr {}", n - 83),
        _ => format!("Stowarzyszenie Inicjatyw Lokalnych nr {}", n + 1),
    };
    Apply {
        category: category.to_owned(),
        name: format!("{first} {last}"),
        email: format!("uczestnik{}@example.org", n + 1),
        phone: None,
        organization_id: None,
        organization_name: Some(organization),
        organization_kind: Some(kind),
        position: None,
        territorial_unit_code: Some("0225".to_owned()),
        answers: [
            (
                "motivation".to_owned(),
                serde_json::json!("Chcemy lepiej współpracować z gminą."),
            ),
            (
                "plane".to_owned(),
                serde_json::json!(["1", "2", "3"][n % 3]),
            ),
        ]
        .into_iter()
        .collect(),
        consents: vec!["personal_data".to_owned()],
    }
}
