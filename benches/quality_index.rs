//! How long recomputing the quality index of every Polish municipality
//! takes: 2,500 local governments, each with a completed round of one year
//! on a 40-indicator methodology (every indicator also asked in the NGO
//! survey) and 10 survey answers — 100,000 agreed answers and 1,000,000
//! survey answers. Timed: `comparison::ranking`, the code behind
//! `GET /quality/rankings`, which computes every round's scores afresh —
//! the working group's and the survey's (parsed and aggregated) — and
//! ranks them; and one round's printable report (`report::load` and
//! `report::render`). The baseline, in the same run on the same data, is
//! reading the rows alone. On a fresh SQLite database and, when
//! `COOPERA_BENCH_POSTGRES_URL` names a server, a fresh PostgreSQL one.
//! Run with `cargo bench --bench quality_index`.

// A benchmark stops at the first thing that goes wrong.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use coopera::audit::Caller;
use coopera::auth::Actor;
use coopera::db::schema::{
    organizations as o, quality_assessments as qa, quality_rounds as qr,
    quality_survey_answers as qs,
};
use coopera::db::{Db, DbConn, record};
use coopera::quality::comparison::{RankingParams, ranking};
use coopera::quality::methodology::MethodologyDocument;
use coopera::quality::model::RoundRow;
use coopera::quality::{report, store};
use diesel::prelude::*;
use serde_json::json;

const MUNICIPALITIES: usize = 2_500;
const INDICATORS: usize = 40;
const RESPONSES: usize = 10;
const RUNS: usize = 5;
const YEAR: i32 = 2025;

/// Three planes, six areas (7, 7, 7, 7, 6, 6 indicators), every indicator
/// on three levels and asked in the survey too.
fn methodology() -> MethodologyDocument {
    let sizes = [7, 7, 7, 7, 6, 6];
    let mut n = 0;
    let planes: Vec<_> = (0..3)
        .map(|p| {
            let areas: Vec<_> = (0..2)
                .map(|a| {
                    let indicators: Vec<_> = (0..sizes[p * 2 + a])
                        .map(|_| {
                            n += 1;
                            json!({"code": format!("I.{n}"), "question": format!("Pytanie {n}?"),
                                "scale": {"type": "levels", "levels": [
                                    {"points": 0, "label": "nie spełnia"},
                                    {"points": 1, "label": "standard minimalny"},
                                    {"points": 2, "label": "standard docelowy"}]},
                                "weight": 1 + n % 3, "source": "ngo_survey"})
                        })
                        .collect();
                    json!({"code": format!("a{p}{a}"), "name": format!("Obszar {p}.{a}"),
                        "weight": 1, "indicators": indicators})
                })
                .collect();
            json!({"number": p + 1, "name": format!("Płaszczyzna {}", p + 1), "weight": 1, "areas": areas})
        })
        .collect();
    assert_eq!(n, INDICATORS);
    serde_json::from_value(json!({"key": "bench", "name": "Indeks", "planes": planes})).unwrap()
}

/// A small deterministic generator of answers (0, 1 or 2).
struct Answers(u64);

impl Answers {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % 3) as f64
    }
}

/// The municipalities and their rounds; returns the methodology's id.
fn load(conn: &mut DbConn) -> String {
    let caller = Caller {
        actor: Actor::Anonymous,
        request_id: None,
    };
    let now = coopera::db::now();
    let mut answers_of = Answers(20261201);
    coopera::db::write_transaction(conn, |conn| {
        let m = store::import_methodology(conn, &caller, methodology())?.id;
        for batch in 0..MUNICIPALITIES / 500 {
            let mut orgs = Vec::new();
            let mut rounds = Vec::new();
            let mut assessments = Vec::new();
            let mut surveys = Vec::new();
            for i in batch * 500..(batch + 1) * 500 {
                let org = coopera::db::new_id();
                let round = coopera::db::new_id();
                orgs.push((
                    o::id.eq(org.clone()),
                    o::name.eq(format!("Gmina {i}")),
                    o::name_search.eq(format!("gmina {i}")),
                    o::kind.eq("local_government"),
                    o::country.eq("PL"),
                    o::created_at.eq(now),
                    o::updated_at.eq(now),
                    o::version.eq(1_i64),
                ));
                rounds.push((
                    qr::id.eq(round.clone()),
                    qr::organization_id.eq(org),
                    qr::year.eq(YEAR),
                    qr::methodology_id.eq(m.clone()),
                    qr::status.eq("completed"),
                    qr::survey_status.eq("closed"),
                    qr::created_at.eq(now),
                    qr::updated_at.eq(now),
                    qr::version.eq(1_i64),
                ));
                for n in 1..=INDICATORS {
                    assessments.push((
                        qa::id.eq(coopera::db::new_id()),
                        qa::round_id.eq(round.clone()),
                        qa::indicator_code.eq(format!("I.{n}")),
                        qa::answer.eq(answers_of.next()),
                        qa::created_at.eq(now),
                        qa::updated_at.eq(now),
                        qa::version.eq(1_i64),
                    ));
                }
                for _ in 0..RESPONSES {
                    let answers: serde_json::Map<String, serde_json::Value> = (1..=INDICATORS)
                        .map(|n| (format!("I.{n}"), json!(answers_of.next())))
                        .collect();
                    surveys.push((
                        qs::id.eq(coopera::db::new_id()),
                        qs::round_id.eq(round.clone()),
                        qs::answers.eq(serde_json::Value::Object(answers).to_string()),
                    ));
                }
            }
            // One row at a time: diesel's MultiConnection has no multi-row
            // INSERT (the loading is not what is measured).
            for row in orgs {
                diesel::insert_into(o::table).values(row).execute(conn)?;
            }
            for row in rounds {
                diesel::insert_into(qr::table).values(row).execute(conn)?;
            }
            for row in assessments {
                diesel::insert_into(qa::table).values(row).execute(conn)?;
            }
            for row in surveys {
                diesel::insert_into(qs::table).values(row).execute(conn)?;
            }
        }
        Ok(m)
    })
    .expect("load")
}

fn time<T>(f: impl FnMut() -> T) -> Duration {
    support::median_of(RUNS, f)
}

fn bench(backend: &str, url: &str) {
    let db = Db::connect(url, 2, Duration::from_secs(60)).expect("connect");
    db.migrate().expect("migrate");
    let mut conn = db.pool().get().expect("connection");
    let t = Instant::now();
    let m = load(&mut conn);
    let loading = t.elapsed();
    let answers = (MUNICIPALITIES * INDICATORS * (1 + RESPONSES)) as f64;
    let rows = time(|| {
        let agreed: Vec<(String, String, f64)> = qa::table
            .select((qa::round_id, qa::indicator_code, qa::answer))
            .load(&mut *conn)
            .expect("answers");
        let survey: Vec<(String, String)> = qs::table
            .select((qs::round_id, qs::answers))
            .load(&mut *conn)
            .expect("survey");
        agreed.len() + survey.len()
    });
    let params = || RankingParams {
        year: YEAR,
        methodology_id: Some(serde_json::from_value(json!(m)).unwrap()),
        level: None,
        territorial_unit_code: None,
    };
    let ranked = time(|| ranking(&mut conn, params(), 5).expect("ranking"));
    let result = ranking(&mut conn, params(), 5).expect("ranking");
    assert_eq!(result.items.len(), MUNICIPALITIES);
    assert!(
        result
            .items
            .iter()
            .all(|i| i.index.is_some() && i.survey_index.is_some())
    );
    assert_eq!(result.items[0].rank, Some(1));
    let round: RoundRow = {
        let id: String = qr::table
            .filter(qr::year.eq(YEAR))
            .select(qr::id)
            .first(&mut conn)
            .expect("a round");
        record::find(&mut conn, &id).expect("round")
    };
    let one = time(|| {
        let data = report::load(&mut conn, round.clone(), 5).expect("report");
        report::render(&data).len()
    });
    let per_million = ranked.as_secs_f64() / (answers / 1e6);
    println!(
        "{backend}: {MUNICIPALITIES} rounds, {} answers ({} agreed + {} survey) loaded in {:.1} s; \
         median of {RUNS}: reading the rows {:.0} ms (baseline), every score and the ranking {:.0} ms \
         ({:.2}× the baseline; {:.0} ms per million answers), one round's report {:.1} ms",
        answers as usize,
        MUNICIPALITIES * INDICATORS,
        MUNICIPALITIES * INDICATORS * RESPONSES,
        loading.as_secs_f64(),
        rows.as_secs_f64() * 1e3,
        ranked.as_secs_f64() * 1e3,
        ranked.as_secs_f64() / rows.as_secs_f64(),
        per_million * 1e3,
        one.as_secs_f64() * 1e3,
    );
}

fn main() {
    support::on_each_database(bench);
}
