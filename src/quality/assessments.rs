//! The endpoints of a round's answers, its scores and its chart.

use actix_web::http::header::{CacheControl, CacheDirective};
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use diesel::prelude::*;

use super::model::{
    Assessment, AssessmentList, AssessmentRow, MethodologyRow, RecordAssessment, RoundRow,
    RoundScores,
};
use super::rounds::{assesses, readable};
use super::store;
use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::{organizations, quality_assessments as qa};
use crate::error::{ApiError, ProblemCode, responses};
use crate::http::conditional::{IfMatch, json_with_etag, saved};
use crate::http::extract::ApiJson;
use crate::http::ids::PathId;
use crate::state::AppState;

/// An SVG document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, max_length = 1048576)]
#[allow(dead_code)]
pub struct SvgDocument(String);

/// The round id and the indicator code of `/quality/rounds/{id}/assessments/{code}`.
fn round_and_code(req: &HttpRequest) -> Result<(String, String), ApiError> {
    let id = req.match_info().get("id").unwrap_or_default().to_owned();
    let code = req.match_info().get("code").unwrap_or_default().to_owned();
    if uuid::Uuid::parse_str(&id).is_err() {
        return Err(ApiError::not_found(format!(
            "No quality round has the id `{id}`."
        )));
    }
    Ok((id, code))
}

/// `row` with the points its answer scores on `doc`.
fn shown(doc: &super::methodology::MethodologyDocument, row: AssessmentRow) -> Assessment {
    let points = doc
        .indicator(&row.indicator_code)
        .and_then(|i| i.scale.points(row.answer))
        .unwrap_or(0);
    Assessment::new(row, points)
}

fn methodology(
    conn: &mut DbConn,
    round: &RoundRow,
) -> Result<super::methodology::MethodologyDocument, ApiError> {
    record::find::<MethodologyRow>(conn, &round.methodology_id)?.document()
}

/// Lists a round's agreed answers, in the methodology's order. As the
/// round is read: anybody once completed; before, those who assess it.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The round's id")),
    responses((status = 200, description = "The answers", body = AssessmentList))
)]
#[get("/quality/rounds/{id}/assessments")]
pub async fn list_assessments(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let list = state
        .db
        .run(move |conn| {
            let round = readable(conn, &caller, &id)?;
            let doc = methodology(conn, &round)?;
            let mut rows: Vec<AssessmentRow> = qa::table
                .filter(qa::round_id.eq(&id))
                .select(AssessmentRow::as_select())
                .load(conn)?;
            let order: Vec<&str> = doc.indicators().map(|(_, _, i)| i.code.as_str()).collect();
            rows.sort_by_key(|r| order.iter().position(|c| *c == r.indicator_code));
            Ok(AssessmentList {
                items: rows.into_iter().map(|r| shown(&doc, r)).collect(),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Reads the agreed answer on one indicator (404 until there is one). As
/// the round is read.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The round's id"),
        ("code" = String, Path, max_length = 20, description = "The indicator's code"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The answer", body = Assessment, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/quality/rounds/{id}/assessments/{code}")]
pub async fn get_assessment(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, code) = round_and_code(&req)?;
    let (tag, shown) = state
        .db
        .run(move |conn| {
            let round = readable(conn, &caller, &id)?;
            let doc = methodology(conn, &round)?;
            doc.indicator(&code)
                .ok_or_else(|| store::no_indicator(&code))?;
            let row = store::assessment(conn, &id, &code)?.ok_or_else(|| {
                ApiError::not_found(format!("Indicator `{code}` has no agreed answer yet."))
            })?;
            Ok((row.etag(), shown(&doc, row)))
        })
        .await?;
    Ok(json_with_etag(&req, tag, &shown))
}

/// Records the working group's agreed answer on an indicator — a level's
/// points, 1 or 0 for yes or no, or a number, as its scale takes it (422
/// naming `answer` otherwise) — with the evidence and the recommendation;
/// it replaces an earlier one (`If-Match` with its tag guards against two
/// people recording at once). While the round is in progress (409
/// otherwise). The local government's admins and the working group.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The round's id"),
        ("code" = String, Path, max_length = 20, description = "The indicator's code"),
        crate::http::conditional::IfMatch,
    ),
    request_body = RecordAssessment,
    responses(
        (status = 200, description = "The answer", body = Assessment, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[put("/quality/rounds/{id}/assessments/{code}")]
pub async fn record_assessment(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    if_match: IfMatch,
    body: ApiJson<RecordAssessment>,
) -> Result<HttpResponse, ApiError> {
    let (id, code) = round_and_code(&req)?;
    let form = body.into_inner();
    let (tag, shown) = state
        .db
        .write(move |conn| {
            readable(conn, &caller, &id)?;
            // Answers queue on the round's row: none lands after it completed.
            let round: RoundRow = record::locked(conn, &id)?;
            if !assesses(conn, &caller.actor, &round)? {
                return Err(ApiError::new(
                    ProblemCode::Forbidden,
                    "Your roles do not allow this operation on this record.",
                ));
            }
            let doc = methodology(conn, &round)?;
            doc.indicator(&code)
                .ok_or_else(|| store::no_indicator(&code))?;
            let current = match store::assessment(conn, &id, &code)? {
                Some(row) => Some(record::locked::<AssessmentRow>(conn, row.id())?),
                None => None,
            };
            match &current {
                Some(row) => if_match.check(row)?,
                None => if_match.check_absent()?,
            }
            let (row, _) =
                store::record_assessment(conn, &caller, &round, &doc, &code, current, form)?;
            Ok((row.etag(), shown(&doc, row)))
        })
        .await?;
    Ok(saved(tag, &shown))
}

/// A round's scores on 0–100 — each indicator, area, plane and the index,
/// the working group's view — and their change against the same local
/// government's previous completed round. As the round is read.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The round's id")),
    responses((status = 200, description = "The scores", body = RoundScores))
)]
#[get("/quality/rounds/{id}/scores")]
pub async fn get_round_scores(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let minimum = state.survey_min_responses;
    let scores = state
        .db
        .run(move |conn| {
            let round = readable(conn, &caller, &id)?;
            store::round_scores(conn, &round, minimum)
        })
        .await?;
    Ok(HttpResponse::Ok().json(scores))
}

/// The radar chart of `round`, whose scores are `scores`, against its
/// previous round.
pub fn chart(
    conn: &mut DbConn,
    round: &RoundRow,
    scores: &RoundScores,
    minimum: i64,
) -> Result<String, ApiError> {
    let name: String = organizations::table
        .find(&round.organization_id)
        .select(organizations::name)
        .first(conn)?;
    let previous = match &scores.previous_round_id {
        Some(p) => {
            let p: RoundRow = record::find(conn, p)?;
            Some((p.year, store::round_scores(conn, &p, minimum)?.scores))
        }
        None => None,
    };
    Ok(super::chart::radar(
        &format!("{name} — {}", round.year),
        round.year,
        &scores.scores,
        previous.as_ref().map(|(y, s)| (*y, s)),
    ))
}

/// A radar chart (SVG) of the round's area scores against the previous
/// round's, with the plane scores and the index in the legend. As the
/// round is read.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The round's id")),
    responses((status = 200, description = "The chart", content_type = "image/svg+xml", body = SvgDocument))
)]
#[get("/quality/rounds/{id}/chart.svg")]
pub async fn get_round_chart(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let minimum = state.survey_min_responses;
    let svg = state
        .db
        .run(move |conn| {
            let round = readable(conn, &caller, &id)?;
            let scores = store::round_scores(conn, &round, minimum)?;
            chart(conn, &round, &scores, minimum)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .content_type("image/svg+xml; charset=utf-8")
        .insert_header(CacheControl(vec![CacheDirective::NoCache]))
        .body(svg))
}
