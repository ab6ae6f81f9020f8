//! How long a consultation's report takes with 10,000 submissions (on 50
//! sections of two document versions, half answered, a quarter from
//! organisations): `report::build` — the queries and the counting — and its
//! JSON and CSV encodings, on a fresh SQLite database and, when
//! `COOPERA_BENCH_POSTGRES_URL` names a server, on a fresh PostgreSQL
//! database. The baseline, measured in the same run on the same data, is
//! reading the 10,000 submission rows alone. Run with
//! `cargo bench --bench consultation_report`.

// A benchmark stops at the first thing that goes wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use chrono::Utc;
use coopera::audit::Caller;
use coopera::auth::Actor;
use coopera::consultations::documents::{CreateVersion, NewSection, add_version};
use coopera::consultations::model::{
    ConsultationRow, CreateConsultation, CreateConsultationSubmission, RespondToSubmission,
    SubmissionRow,
};
use coopera::consultations::rules::{
    ConsultationForm, ConsultationKind, ConsultationTransition, MinimumPeriods, ResponseStatus,
};
use coopera::consultations::{report, store, submissions};
use coopera::db::{Db, DbConn, record};
use diesel::prelude::*;

const SUBMISSIONS: usize = 10_000;
const SECTIONS: usize = 50;
const RUNS: usize = 10;

fn caller() -> Caller {
    Caller {
        actor: Actor::Anonymous,
        request_id: None,
    }
}

fn sections(words: &str) -> Vec<NewSection> {
    (0..SECTIONS)
        .map(|i| NewSection {
            id: None,
            number: format!("§ {}", i + 1),
            heading: None,
            body: format!("Przepis {i}: {words}"),
        })
        .collect()
}

/// A consultation with its submissions; returns its id.
fn load(conn: &mut DbConn) -> String {
    let caller = caller();
    coopera::db::write_transaction(conn, |conn| {
        let org = coopera::organizations::store::insert(
            conn,
            &caller,
            serde_json::from_value(serde_json::json!({
                "name": "Powiat", "kind": "public_institution", "country": "PL"}))
            .expect("organisation"),
        )?
        .id;
        let now = Utc::now();
        let row = store::insert(
            conn,
            &caller,
            CreateConsultation {
                subject: "Program współpracy".into(),
                kind: ConsultationKind::CooperationProgramme,
                initiating_organization_id: org,
                project_id: None,
                description: None,
                forms: vec![ConsultationForm::WrittenComments],
                opens_at: Some(now - chrono::Duration::days(1)),
                closes_at: Some(now + chrono::Duration::days(30)),
                report_due_at: None,
            },
        )?;
        let clock = coopera::db::now();
        let (v1, first) = add_version(
            conn,
            &caller,
            row,
            CreateVersion {
                title: "v1".into(),
                note: None,
                sections: sections("tekst pierwotny"),
            },
            clock,
        )?;
        let current: ConsultationRow = record::find(conn, &v1.consultation_id)?;
        let consultation = store::transition(
            conn,
            &caller,
            current,
            ConsultationTransition::Announce,
            &MinimumPeriods::default(),
            clock,
            None,
        )?;
        let mut rows: Vec<SubmissionRow> = Vec::with_capacity(SUBMISSIONS);
        for i in 0..SUBMISSIONS {
            // Half on the first version, half on the second (made halfway).
            if i == SUBMISSIONS / 2 {
                let current: ConsultationRow = record::find(conn, &consultation.id)?;
                let mut next = sections("tekst zmieniony po uwagach");
                for (s, kept) in next.iter_mut().zip(&first) {
                    s.id = Some(kept.section_id.clone());
                }
                add_version(
                    conn,
                    &caller,
                    current,
                    CreateVersion {
                        title: "v2".into(),
                        note: None,
                        sections: next,
                    },
                    clock,
                )?;
            }
            let current: ConsultationRow = record::find(conn, &consultation.id)?;
            let latest = coopera::consultations::documents::version(
                conn,
                &current.id,
                current.document_version,
            )?;
            let section = coopera::consultations::documents::sections_of(conn, &latest.id)?
                [i % SECTIONS]
                .section_id
                .clone();
            rows.push(submissions::submit(
                conn,
                &caller,
                &current,
                CreateConsultationSubmission {
                    section_id: (i % 7 != 0).then_some(section),
                    organization_id: (i % 4 == 0)
                        .then(|| current.initiating_organization_id.clone()),
                    body_id: None,
                    name: (i % 4 != 0).then(|| format!("Mieszkaniec {i}")),
                    email: (i % 4 != 0).then(|| format!("m{i}@example.org")),
                    proposed_wording: Some(format!("Proponowane brzmienie {i}")),
                    justification: format!(
                        "Uzasadnienie uwagi numer {i}, dłuższe niż jedno słowo."
                    ),
                },
                clock,
            )?);
        }
        for (i, row) in rows.into_iter().enumerate().filter(|(i, _)| i % 2 == 0) {
            let status = [
                ResponseStatus::Accepted,
                ResponseStatus::PartiallyAccepted,
                ResponseStatus::Rejected,
                ResponseStatus::NotConsidered,
            ][(i / 2) % 4];
            let current: ConsultationRow = record::find(conn, &row.consultation_id)?;
            submissions::respond(
                conn,
                &caller,
                &current,
                row,
                RespondToSubmission {
                    status,
                    justification: Some("Odpowiedź.".into()),
                },
                clock,
            )?;
        }
        Ok(consultation.id)
    })
    .expect("load")
}

fn time<T>(f: impl FnMut() -> T) -> Duration {
    support::median_of(RUNS, f)
}

fn bench(backend: &str, url: &str) {
    let db = Db::connect(url, 2, Duration::from_secs(30)).expect("connect");
    db.migrate().expect("migrate");
    let mut conn = db.pool().get().expect("connection");
    let t = Instant::now();
    let id = load(&mut conn);
    let loading = t.elapsed();
    let consultation: ConsultationRow = record::find(&mut conn, &id).expect("consultation");
    let now = coopera::db::now();
    let rows = time(|| {
        use coopera::db::schema::consultation_submissions as cs;
        cs::table
            .filter(cs::consultation_id.eq(&id))
            .select(SubmissionRow::as_select())
            .load::<SubmissionRow>(&mut *conn)
            .expect("rows")
            .len()
    });
    let build = time(|| report::build(&mut conn, &consultation, true, now).expect("report"));
    let built = report::build(&mut conn, &consultation, true, now).expect("report");
    assert_eq!(built.totals.total, SUBMISSIONS as i64);
    assert_eq!(built.totals.unanswered, SUBMISSIONS as i64 / 2);
    let json = time(|| serde_json::to_vec(&built).expect("json").len());
    let bytes = serde_json::to_vec(&built).expect("json").len();
    println!(
        "{backend}: {SUBMISSIONS} submissions loaded in {:.1} s; median of {RUNS}: \
         reading the rows {:.1} ms (baseline), report::build {:.1} ms ({:.2}× the baseline), \
         JSON encoding {:.1} ms ({} kB)",
        loading.as_secs_f64(),
        rows.as_secs_f64() * 1e3,
        build.as_secs_f64() * 1e3,
        build.as_secs_f64() / rows.as_secs_f64(),
        json.as_secs_f64() * 1e3,
        bytes / 1024,
    );
}

fn main() {
    support::on_each_database(bench);
}
