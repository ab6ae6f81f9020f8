//! Comparing local governments: a ranking of the completed rounds of a
//! year on one methodology version, among local governments of a level
//! and a region; and one local government's rounds over the years.

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::aggregate::{aggregate, survey_unavailable};
use super::model::{MethodologyRow, RoundRow};
use super::rules::{RoundStatus, Scores, SurveyStatus, rank, score, score_means};
use super::store::DEFAULT_METHODOLOGY;
use crate::db::DbConn;
use crate::db::record;
use crate::db::schema::{
    organizations, quality_assessments as qa, quality_rounds as qr, quality_survey_answers as qs,
    territorial_units as tu,
};
use crate::error::ApiError;
use crate::http::extract::ApiQuery;
use crate::http::ids::{PathId, RecordId};
use crate::state::AppState;
use crate::territorial_units::model::TerritorialLevel;

/// Which rounds a ranking compares.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingParams {
    /// The year assessed.
    #[param(minimum = 2000, maximum = 2100)]
    pub year: i32,
    /// The methodology version (the default one if not given): only rounds
    /// on the same version compare.
    #[param(value_type = Option<String>, format = Uuid)]
    pub methodology_id: Option<RecordId>,
    /// Only local governments of this level (by their own unit).
    pub level: Option<TerritorialLevel>,
    /// Only local governments whose unit lies within this one.
    #[param(max_length = 20, pattern = "^[A-Za-z0-9-]{1,20}$")]
    pub territorial_unit_code: Option<String>,
}

/// A local government's place in a ranking.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankingEntry {
    #[schema(format = Uuid)]
    pub round_id: String,
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(max_length = 300)]
    pub organization_name: String,
    /// The local government's own unit.
    #[schema(max_length = 20)]
    pub territorial_unit_code: Option<String>,
    #[schema(minimum = 0, maximum = 100)]
    pub index: Option<f64>,
    /// 1 for the highest index; equal indexes share a place. `null` for a
    /// round without any score.
    #[schema(minimum = 1, maximum = 1000000)]
    pub rank: Option<i64>,
    /// The share of the others ranked with a lower index (0–100).
    #[schema(minimum = 0, maximum = 100)]
    pub percentile: Option<f64>,
    /// The index in the NGO survey's view; `null` until the survey's
    /// results can be read (closed, with enough answers).
    #[schema(minimum = 0, maximum = 100)]
    pub survey_index: Option<f64>,
}

/// A ranking, highest index first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Ranking {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[schema(format = Uuid)]
    pub methodology_id: String,
    #[schema(max_items = 100000)]
    pub items: Vec<RankingEntry>,
}

/// The scores of each of `rounds` (on the methodology `doc`), by round id:
/// their answers read in one query.
fn scores_of(
    conn: &mut DbConn,
    doc: &super::methodology::MethodologyDocument,
    rounds: &[&str],
) -> Result<HashMap<String, Scores>, ApiError> {
    let mut answers: HashMap<String, HashMap<String, f64>> = HashMap::new();
    for chunk in rounds.chunks(500) {
        let rows: Vec<(String, String, f64)> = qa::table
            .filter(qa::round_id.eq_any(chunk))
            .select((qa::round_id, qa::indicator_code, qa::answer))
            .load(conn)?;
        for (round, code, answer) in rows {
            answers.entry(round).or_default().insert(code, answer);
        }
    }
    Ok(rounds
        .iter()
        .map(|r| {
            let empty = HashMap::new();
            let a = answers.get(*r).unwrap_or(&empty);
            ((*r).to_owned(), score(doc, a))
        })
        .collect())
}

/// The NGO survey's index of each of `rounds` whose results can be read
/// (closed, from `minimum` answers), by round id: their answers read in
/// one query per 500 rounds, aggregated as [`super::survey::results`] does.
fn survey_indexes_of(
    conn: &mut DbConn,
    doc: &super::methodology::MethodologyDocument,
    rounds: &[&str],
    minimum: i64,
) -> Result<HashMap<String, Option<f64>>, ApiError> {
    let mut answers: HashMap<String, Vec<HashMap<String, f64>>> = HashMap::new();
    for chunk in rounds.chunks(500) {
        let closed: Vec<String> = qr::table
            .filter(qr::id.eq_any(chunk))
            .filter(qr::survey_status.eq(SurveyStatus::Closed.as_str()))
            .select(qr::id)
            .load(conn)?;
        let rows: Vec<(String, String)> = qs::table
            .filter(qs::round_id.eq_any(&closed))
            .select((qs::round_id, qs::answers))
            .load(conn)?;
        for (round, stored) in rows {
            let parsed: HashMap<String, f64> =
                serde_json::from_str(&stored).map_err(ApiError::internal)?;
            answers.entry(round).or_default().push(parsed);
        }
    }
    Ok(answers
        .into_iter()
        .map(|(round, answers)| {
            let index = if survey_unavailable(SurveyStatus::Closed, answers.len() as i64, minimum)
                .is_some()
            {
                None
            } else {
                let (_, means) = aggregate(doc, &answers, minimum);
                score_means(doc, &means).index
            };
            (round, index)
        })
        .collect())
}

/// Ranks the completed rounds of a year on one methodology version (the
/// default one if not given) — among local governments of a level
/// (`level`) and a region (`territorial_unit_code`: their unit lies within
/// it) — by their index (the working group's view), with each one's
/// percentile. Anybody: completed rounds are public.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(RankingParams),
    responses((status = 200, description = "The ranking", body = Ranking))
)]
#[get("/quality/rankings")]
pub async fn get_ranking(
    state: web::Data<AppState>,
    params: ApiQuery<RankingParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    if !(2000..=2100).contains(&params.year) {
        return Err(ApiError::invalid_parameter(
            "year",
            "out_of_range",
            "is from 2000 to 2100",
        ));
    }
    if let Some(code) = &params.territorial_unit_code {
        crate::territorial_units::check_code_param("territorial_unit_code", code)?;
    }
    let minimum = state.survey_min_responses;
    let ranking = state
        .db
        .run(move |conn| ranking(conn, params, minimum))
        .await?;
    Ok(HttpResponse::Ok().json(ranking))
}

/// A completed round to rank: its id, its local government's id, name and
/// unit.
type Ranked = (String, String, String, Option<String>);

/// The completed rounds of `params.year` on `methodology` among the local
/// governments of `params`' level and region (400 naming an unknown unit).
fn completed_rounds(
    conn: &mut DbConn,
    params: &RankingParams,
    methodology: &str,
) -> Result<Vec<Ranked>, ApiError> {
    let mut q = qr::table
        .inner_join(organizations::table)
        .filter(qr::year.eq(params.year))
        .filter(qr::methodology_id.eq(methodology))
        .filter(qr::status.eq(RoundStatus::Completed.as_str()))
        .select((
            qr::id,
            qr::organization_id,
            organizations::name,
            organizations::teryt_code,
        ))
        .into_boxed();
    if let Some(level) = params.level {
        let codes: Vec<String> = tu::table
            .filter(tu::level.eq(level.as_str()))
            .select(tu::code)
            .load(conn)?;
        q = q.filter(organizations::teryt_code.eq_any(codes));
    }
    if let Some(code) = &params.territorial_unit_code {
        if crate::territorial_units::unit_and_parents(conn, code).is_err() {
            return Err(ApiError::invalid_parameter(
                "territorial_unit_code",
                "unknown",
                format!("no territorial unit has the code `{code}`"),
            ));
        }
        let within = crate::territorial_units::within(conn, code)?;
        q = q.filter(organizations::teryt_code.eq_any(within));
    }
    Ok(q.load(conn)?)
}

/// The ranking `params` ask for: every round's scores computed afresh, the
/// working group's and the NGO survey's (whose results need `minimum`
/// answers).
pub fn ranking(
    conn: &mut DbConn,
    params: RankingParams,
    minimum: i64,
) -> Result<Ranking, ApiError> {
    let methodology = params
        .methodology_id
        .clone()
        .map_or_else(|| DEFAULT_METHODOLOGY.to_owned(), RecordId::into_inner);
    let doc = record::find::<MethodologyRow>(conn, &methodology)
        .map_err(|_| {
            ApiError::invalid_parameter(
                "methodology_id",
                "unknown",
                format!("no methodology has the id `{methodology}`"),
            )
        })?
        .document()?;
    let rows = completed_rounds(conn, &params, &methodology)?;
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    let scores = scores_of(conn, &doc, &ids)?;
    let surveys = survey_indexes_of(conn, &doc, &ids, minimum)?;
    let indexes: Vec<Option<f64>> = rows.iter().map(|r| scores[&r.0].index).collect();
    let places = rank(&indexes);
    let mut items: Vec<RankingEntry> = rows
        .into_iter()
        .zip(indexes)
        .zip(places)
        .map(
            |(((round_id, organization_id, name, unit), index), place)| RankingEntry {
                survey_index: surveys.get(&round_id).copied().flatten(),
                round_id,
                organization_id,
                organization_name: name,
                territorial_unit_code: unit,
                index,
                rank: place.map(|p| p.rank),
                percentile: place.map(|p| p.percentile),
            },
        )
        .collect();
    items.sort_by(|a, b| {
        a.rank
            .unwrap_or(i64::MAX)
            .cmp(&b.rank.unwrap_or(i64::MAX))
            .then_with(|| a.organization_name.cmp(&b.organization_name))
    });
    Ok(Ranking {
        year: params.year,
        methodology_id: methodology,
        items,
    })
}

/// One year of a local government's series.
#[derive(Debug, Serialize, ToSchema)]
pub struct SeriesPoint {
    #[schema(minimum = 2000, maximum = 2100)]
    pub year: i32,
    #[schema(format = Uuid)]
    pub round_id: String,
    #[schema(format = Uuid)]
    pub methodology_id: String,
    /// The working group's view.
    pub scores: Scores,
}

/// A local government's completed rounds, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct Series {
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(max_items = 101)]
    pub items: Vec<SeriesPoint>,
}

/// A local government's completed rounds over the years, oldest first,
/// each with its scores (index, planes, areas). Anybody.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The local government's id")),
    responses((status = 200, description = "The series", body = Series))
)]
#[get("/quality/organizations/{id}/series")]
pub async fn get_series(state: web::Data<AppState>, id: PathId) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let series = state
        .db
        .run(move |conn| {
            crate::db::references::ensure_organization_exists(conn, &id)?;
            let rounds: Vec<RoundRow> = qr::table
                .filter(qr::organization_id.eq(&id))
                .filter(qr::status.eq(RoundStatus::Completed.as_str()))
                .order(qr::year.asc())
                .select(RoundRow::as_select())
                .load(conn)?;
            let mut items = Vec::with_capacity(rounds.len());
            for round in rounds {
                let doc =
                    record::find::<MethodologyRow>(conn, &round.methodology_id)?.document()?;
                let scores = scores_of(conn, &doc, &[round.id.as_str()])?
                    .remove(&round.id)
                    .unwrap_or(Scores {
                        index: None,
                        planes: Vec::new(),
                    });
                items.push(SeriesPoint {
                    year: round.year,
                    round_id: round.id,
                    methodology_id: round.methodology_id,
                    scores,
                });
            }
            Ok(Series {
                organization_id: id,
                items,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(series))
}
