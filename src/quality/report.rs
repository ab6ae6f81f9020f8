//! A round's printable report: one HTML document a council or a Public
//! Benefit Council can put on its agenda — a summary page (the index, the
//! planes, the radar chart, the review of the previous round's action
//! items), then one page per plane with its areas, each indicator's agreed
//! answer, evidence and recommendation, and the action items that follow
//! from them.

use std::collections::HashMap;
use std::fmt::Write;

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpResponse, get, web};
use diesel::prelude::*;

use super::actions::{self, ActionItem, ActionReview};
use super::assessments::chart;
use super::chart::escape;
use super::methodology::{MethodologyDocument, PlaneSpec, Scale};
use super::model::{AssessmentRow, MethodologyRow, RoundRow, RoundScores};
use super::rounds::readable;
use super::rules::{PlaneScore, ScoreChange};
use super::store;
use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::record;
use crate::db::schema::{organizations, quality_assessments as qa};
use crate::error::ApiError;
use crate::http::ids::PathId;
use crate::state::AppState;

/// Everything a round's report shows.
pub struct ReportData {
    pub organization: String,
    pub round: RoundRow,
    pub methodology: MethodologyRow,
    pub doc: MethodologyDocument,
    pub scores: RoundScores,
    /// The agreed answers, by indicator code.
    pub assessments: HashMap<String, AssessmentRow>,
    /// The round's own action items, by due date.
    pub actions: Vec<ActionItem>,
    /// The previous round's action items.
    pub review: ActionReview,
    /// Organisation names, by id (the action items' owners).
    pub owners: HashMap<String, String>,
    /// The radar chart (SVG).
    pub chart: String,
}

/// Reads what the report of `round` shows.
pub fn load(conn: &mut DbConn, round: RoundRow, minimum: i64) -> Result<ReportData, ApiError> {
    let today = crate::db::now().date();
    let methodology: MethodologyRow = record::find(conn, &round.methodology_id)?;
    let doc = methodology.document()?;
    let scores = store::round_scores(conn, &round, minimum)?;
    let chart = chart(conn, &round, &scores, minimum)?;
    let assessments = qa::table
        .filter(qa::round_id.eq(&round.id))
        .select(AssessmentRow::as_select())
        .load::<AssessmentRow>(conn)?
        .into_iter()
        .map(|a| (a.indicator_code.clone(), a))
        .collect();
    let actions = actions::of_round(conn, &round.id)?
        .into_iter()
        .map(|r| ActionItem::new(r, today))
        .collect::<Result<Vec<_>, _>>()?;
    let review = actions::review(conn, &round, today)?;
    let mut ids: Vec<&str> = actions
        .iter()
        .chain(&review.items)
        .map(|a| a.owner_organization_id.as_str())
        .collect();
    ids.push(&round.organization_id);
    let owners: HashMap<String, String> = organizations::table
        .filter(organizations::id.eq_any(ids))
        .select((organizations::id, organizations::name))
        .load(conn)?
        .into_iter()
        .collect();
    Ok(ReportData {
        organization: owners
            .get(&round.organization_id)
            .cloned()
            .unwrap_or_default(),
        round,
        methodology,
        doc,
        scores,
        assessments,
        actions,
        review,
        owners,
        chart,
    })
}

/// An HTML document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, max_length = 4194304)]
#[allow(dead_code)]
pub struct HtmlDocument(String);

const STYLE: &str = "@page{size:A4;margin:14mm}\
body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:9.5pt;color:#111;margin:0}\
.page{break-after:page}.page:last-child{break-after:auto}\
h1{font-size:16pt;margin:0 0 2mm}h2{font-size:13pt;margin:0 0 2mm}\
h3{font-size:10.5pt;margin:4mm 0 1mm}p{margin:1mm 0}\
table{border-collapse:collapse;width:100%;margin:1mm 0 2mm}\
th,td{border:0.5pt solid #999;padding:1mm 1.5mm;text-align:left;vertical-align:top}\
th{background:#eee}td.n{text-align:right;white-space:nowrap}\
.meta{color:#444}.chart svg{width:105mm;height:105mm;display:block;margin:0 auto}";

/// A score on 0–100, or a dash.
fn number(score: Option<f64>) -> String {
    score.map_or_else(|| "—".to_owned(), |s| format!("{s:.1}"))
}

/// A change, signed, or a dash.
fn signed(change: Option<f64>) -> String {
    change.map_or_else(|| "—".to_owned(), |c| format!("{c:+.1}"))
}

fn change_of<'a>(changes: &'a [ScoreChange], part: &str) -> Option<&'a ScoreChange> {
    changes.iter().find(|c| c.part == part)
}

/// What `answer` means on `scale`: a level's label, yes or no, or the
/// number with its unit.
fn answer_text(scale: &Scale, answer: f64) -> String {
    match scale {
        Scale::Levels { levels } => levels
            .iter()
            .find(|l| f64::from(l.points) == answer)
            .map_or_else(|| format!("{answer}"), |l| l.label.clone()),
        Scale::YesNo => if answer == 1.0 { "yes" } else { "no" }.to_owned(),
        Scale::Number { unit, .. } => match unit {
            Some(unit) => format!("{answer} {unit}"),
            None => format!("{answer}"),
        },
    }
}

fn action_rows(out: &mut String, items: &[ActionItem], owners: &HashMap<String, String>) {
    out.push_str("<table><tr><th>Indicator</th><th>Action</th><th>Owner</th><th>Due</th><th>Status</th><th>Review</th></tr>");
    for item in items {
        let owner = owners
            .get(&item.owner_organization_id)
            .map_or(item.owner_organization_id.as_str(), String::as_str);
        let status = format!(
            "{}{}",
            item.status.as_str().replace('_', " "),
            if item.overdue { " (overdue)" } else { "" }
        );
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td>{}</td><td>{}</td></tr>",
            escape(item.indicator_code.as_deref().unwrap_or("—")),
            escape(&item.action),
            escape(owner),
            item.due_on,
            status,
            escape(item.review.as_deref().unwrap_or("")),
        );
    }
    out.push_str("</table>");
}

/// The index and each plane: the working group's view against the previous
/// round and the NGO survey's.
fn scores_table(out: &mut String, s: &RoundScores) {
    let previous = s
        .previous_year
        .map_or_else(|| "Previous round".to_owned(), |y| format!("{y}"));
    let _ = write!(
        out,
        "<table><tr><th></th><th>Working group</th><th>{previous}</th><th>Change</th><th>NGO survey</th></tr>"
    );
    let index = change_of(&s.changes, "index");
    let _ = write!(
        out,
        "<tr><th>Index</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
        number(s.scores.index),
        number(index.and_then(|c| c.previous)),
        signed(index.and_then(|c| c.change)),
        number(s.survey.as_ref().and_then(|v| v.index)),
    );
    for plane in &s.scores.planes {
        let c = change_of(&s.changes, &format!("plane:{}", plane.number));
        let survey = s
            .survey
            .as_ref()
            .and_then(|v| v.planes.iter().find(|p| p.number == plane.number))
            .and_then(|p| p.score);
        let _ = write!(
            out,
            "<tr><th>{}. {}</th><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            plane.number,
            escape(&plane.name),
            number(plane.score),
            number(c.and_then(|c| c.previous)),
            signed(c.and_then(|c| c.change)),
            number(survey),
        );
    }
    out.push_str("</table>");
}

fn summary_page(out: &mut String, d: &ReportData) {
    let s = &d.scores;
    let _ = write!(
        out,
        "<section class=\"page\"><h1>Cooperation Quality Index: {} — {}</h1>\
         <p class=\"meta\">Methodology: {} (version {}). Round status: {}{}.</p>",
        escape(&d.organization),
        d.round.year,
        escape(&d.methodology.name),
        d.methodology.number,
        d.round.status.replace('_', " "),
        d.round
            .completed_at
            .map(|at| format!(", completed on {}", at.date()))
            .unwrap_or_default(),
    );
    scores_table(out, s);
    let _ = write!(out, "<div class=\"chart\">{}</div>", d.chart);
    match d.review.previous_year {
        Some(year) => {
            let c = &d.review.counts;
            let _ = write!(
                out,
                "<h3>Action items of the {year} round</h3><p>Done {}, in progress {}, planned {}, dropped {}; overdue {}.</p>",
                c.done, c.in_progress, c.planned, c.dropped, c.overdue
            );
            if !d.review.items.is_empty() {
                action_rows(out, &d.review.items, &d.owners);
            }
        }
        None => out.push_str("<p>This is the local government's first completed round: there are no earlier action items to review.</p>"),
    }
    // This round's action items that follow no single indicator (those that
    // do are on their plane's page).
    let general: Vec<ActionItem> = d
        .actions
        .iter()
        .filter(|a| a.indicator_code.is_none())
        .cloned()
        .collect();
    if !general.is_empty() {
        let _ = write!(out, "<h3>Action items of the {} round</h3>", d.round.year);
        action_rows(out, &general, &d.owners);
    }
    out.push_str("</section>");
}

/// A plane's areas: the working group's score, the previous round's, the
/// change, the NGO survey's and the gap; closes the table.
fn area_rows(out: &mut String, s: &RoundScores, spec: &PlaneSpec, score: Option<&PlaneScore>) {
    for area in &spec.areas {
        let wg = score
            .and_then(|p| p.areas.iter().find(|a| a.code == area.code))
            .and_then(|a| a.score);
        let c = change_of(&s.changes, &format!("area:{}", area.code));
        let gap = s.gaps.iter().find(|g| g.code == area.code);
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&area.name),
            number(wg),
            number(c.and_then(|c| c.previous)),
            signed(c.and_then(|c| c.change)),
            number(gap.and_then(|g| g.survey)),
            signed(gap.and_then(|g| g.gap)),
        );
    }
    out.push_str("</table>");
}

fn plane_page(out: &mut String, d: &ReportData, number_of_plane: i32) {
    let s = &d.scores;
    let Some(spec) = d.doc.planes.iter().find(|p| p.number == number_of_plane) else {
        return;
    };
    let score = s.scores.planes.iter().find(|p| p.number == number_of_plane);
    let _ = write!(
        out,
        "<section class=\"page\"><h2>Plane {}. {} — {}</h2>\
         <p class=\"meta\">{} — {}</p>\
         <table><tr><th>Area</th><th>Working group</th><th>Previous</th><th>Change</th><th>NGO survey</th><th>Gap</th></tr>",
        spec.number,
        escape(&spec.name),
        number(score.and_then(|p| p.score)),
        escape(&d.organization),
        d.round.year,
    );
    area_rows(out, s, spec, score);
    let mut codes = Vec::new();
    for area in &spec.areas {
        let _ = write!(
            out,
            "<h3>{}</h3><table><tr><th>Indicator</th><th>Answer</th><th>Evidence</th><th>Recommendation</th></tr>",
            escape(&area.name)
        );
        for indicator in &area.indicators {
            codes.push(indicator.code.as_str());
            let a = d.assessments.get(&indicator.code);
            let answer = a.map_or_else(
                || "not answered".to_owned(),
                |a| {
                    let points = indicator.scale.points(a.answer).unwrap_or(0);
                    format!(
                        "{} ({points}/{})",
                        escape(&answer_text(&indicator.scale, a.answer)),
                        indicator.scale.max_points()
                    )
                },
            );
            let _ = write!(
                out,
                "<tr><td><b>{}</b> {}</td><td>{answer}</td><td>{}</td><td>{}</td></tr>",
                escape(&indicator.code),
                escape(&indicator.question),
                escape(a.and_then(|a| a.evidence.as_deref()).unwrap_or("")),
                escape(a.and_then(|a| a.recommendation.as_deref()).unwrap_or("")),
            );
        }
        out.push_str("</table>");
    }
    let items: Vec<ActionItem> = d
        .actions
        .iter()
        .filter(|a| {
            a.indicator_code
                .as_deref()
                .is_some_and(|c| codes.contains(&c))
        })
        .cloned()
        .collect();
    if !items.is_empty() {
        out.push_str("<h3>Action items</h3>");
        action_rows(out, &items, &d.owners);
    }
    out.push_str("</section>");
}

/// The report as an HTML document: the summary page, then one page per
/// plane (each printed on its own page).
pub fn render(d: &ReportData) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>Cooperation Quality Index: {} — {}</title><style>{STYLE}</style></head><body>",
        escape(&d.organization),
        d.round.year
    );
    summary_page(&mut out, d);
    for plane in &d.doc.planes {
        plane_page(&mut out, d, plane.number);
    }
    out.push_str("</body></html>");
    out
}

/// A round's printable report (HTML): a summary page — the index and the
/// planes against the previous round and the NGO survey, the radar chart,
/// the review of the previous round's action items — then one page per
/// plane, with each indicator's agreed answer, evidence and recommendation
/// and the action items that follow. As the round is read.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The round's id")),
    responses((status = 200, description = "The report", content_type = "text/html", body = HtmlDocument))
)]
#[get("/quality/rounds/{id}/report.html")]
pub async fn get_round_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let minimum = state.survey_min_responses;
    let html = state
        .db
        .run(move |conn| {
            let round = readable(conn, &caller, &id)?;
            Ok(render(&load(conn, round, minimum)?))
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header(CacheControl(vec![CacheDirective::NoCache]))
        // Inline styles and the inline chart; nothing is fetched or run.
        .insert_header((
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        ))
        .body(html))
}
