//! A round's anonymous NGO survey. The local government's admins open it
//! and get its token, shown once; NGOs answer with the token, without an
//! account; nothing of who answered, or when, is kept. Its results are read
//! only in aggregate, only once it is closed (for good) and only from the
//! configured number of answers on — so no single answer can be read back
//! by anybody, through any endpoint, nor told apart by comparing two
//! readings.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use diesel::prelude::*;

use super::aggregate::{SurveyIndicator, aggregate, check_survey_answers, survey_unavailable};
use super::model::{
    MethodologyRow, QualityRound, RoundRow, SubmitSurveyAnswers, SurveyOpened, SurveyResults,
};
use super::rounds::{for_change, readable};
use super::rules::{RoundStatus, SurveyStatus};
use super::store;
use crate::audit::{self, Caller, Change};
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::{quality_rounds as qr, quality_survey_answers as qs};
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::http::conditional::{IfMatch, saved};
use crate::http::extract::ApiJson;
use crate::http::ids::PathId;
use crate::http::transition::guard;
use crate::state::AppState;

fn conflict(message: String) -> ApiError {
    ApiError::new(ProblemCode::Conflict, message)
}

/// Opens `current`'s survey (the round in progress, the survey not yet
/// started: 409 otherwise) with a new token, returned this once.
pub fn open(
    conn: &mut DbConn,
    caller: &Caller,
    current: RoundRow,
) -> Result<(RoundRow, String), ApiError> {
    let status = current.status()?;
    if status != RoundStatus::InProgress {
        return Err(conflict(format!(
            "A survey opens while its round is in progress; it is {status}."
        )));
    }
    let survey = current.survey_status()?;
    if survey != SurveyStatus::NotStarted {
        return Err(conflict(format!(
            "The survey is {survey} already: a round has one survey, opened once."
        )));
    }
    let token = crate::auth::secrets::generate("sv_");
    diesel::update(qr::table.find(current.id()))
        .set((
            qr::survey_status.eq(SurveyStatus::Open.as_str()),
            qr::survey_token_hash.eq(crate::auth::secrets::hash(&token)),
            qr::updated_at.eq(crate::db::now()),
            qr::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("quality_round", current.id(), "open_survey"),
    )?;
    Ok((record::find(conn, current.id())?, token))
}

/// Closes round `id`'s open survey for good: its token stops working.
pub fn close(conn: &mut DbConn, caller: &Caller, current: RoundRow) -> Result<RoundRow, ApiError> {
    let survey = current.survey_status()?;
    if survey != SurveyStatus::Open {
        return Err(conflict(format!("The survey is {survey}, not open.")));
    }
    close_unchecked(conn, current.id())?;
    diesel::update(qr::table.find(current.id()))
        .set((
            qr::updated_at.eq(crate::db::now()),
            qr::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("quality_round", current.id(), "close_survey"),
    )?;
    record::find(conn, current.id())
}

/// Closes round `id`'s survey if it is open (its round completes or is
/// cancelled); the caller bumps the round's version.
pub fn close_unchecked(conn: &mut DbConn, id: &str) -> Result<(), ApiError> {
    diesel::update(
        qr::table
            .find(id)
            .filter(qr::survey_status.eq(SurveyStatus::Open.as_str())),
    )
    .set((
        qr::survey_status.eq(SurveyStatus::Closed.as_str()),
        qr::survey_token_hash.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(())
}

/// Records one NGO's answers to the survey whose token `form` carries: 422
/// naming `token` unless a survey is open with it, and the answers at
/// fault. Stores the answers alone, under a random id: no caller, no time,
/// no address, and no change-log entry (each would tell answers apart).
pub fn submit(conn: &mut DbConn, form: SubmitSurveyAnswers) -> Result<(), ApiError> {
    let hash = crate::auth::secrets::hash(form.token.trim());
    let found: Option<String> = qr::table
        .filter(qr::survey_token_hash.eq(&hash))
        .select(qr::id)
        .first(conn)
        .optional()?;
    let no_survey = || {
        ApiError::validation(vec![FieldError::new(
            "token",
            "unknown",
            "no open survey has this token",
        )])
    };
    let id = found.ok_or_else(no_survey)?;
    // Answers queue on the round: none lands after the survey closed.
    let round: RoundRow = record::locked(conn, &id)?;
    if round.survey_status()? != SurveyStatus::Open {
        return Err(no_survey());
    }
    let doc = record::find::<MethodologyRow>(conn, &round.methodology_id)?.document()?;
    let answers: Vec<(String, f64)> = form
        .answers
        .into_iter()
        .map(|a| (a.indicator_code, a.answer))
        .collect();
    guard(check_survey_answers(&doc, &answers))?;
    let answers: HashMap<String, f64> = answers.into_iter().collect();
    let mut random = [0u8; 16];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut random);
    diesel::insert_into(qs::table)
        .values((
            qs::id.eq(uuid::Builder::from_random_bytes(random)
                .into_uuid()
                .to_string()),
            qs::round_id.eq(round.id()),
            qs::answers.eq(serde_json::to_string(&answers).map_err(ApiError::internal)?),
        ))
        .execute(conn)?;
    Ok(())
}

/// Round `round`'s survey: its status, its count of answers, and — when
/// they can be read — its indicators in aggregate and their mean points.
pub fn results(
    conn: &mut DbConn,
    round: &RoundRow,
    minimum: i64,
) -> Result<(SurveyResults, Option<HashMap<String, f64>>), ApiError> {
    let status = round.survey_status()?;
    let responses: i64 = qs::table
        .filter(qs::round_id.eq(round.id()))
        .count()
        .get_result(conn)?;
    let unavailable = survey_unavailable(status, responses, minimum);
    let (indicators, means): (Vec<SurveyIndicator>, _) = if unavailable.is_none() {
        let stored: Vec<String> = qs::table
            .filter(qs::round_id.eq(round.id()))
            .select(qs::answers)
            .load(conn)?;
        let answers = stored
            .iter()
            .map(|a| serde_json::from_str::<HashMap<String, f64>>(a))
            .collect::<Result<Vec<_>, _>>()
            .map_err(ApiError::internal)?;
        let doc = record::find::<MethodologyRow>(conn, &round.methodology_id)?.document()?;
        let (indicators, means) = aggregate(&doc, &answers, minimum);
        (indicators, Some(means))
    } else {
        (Vec::new(), None)
    };
    Ok((
        SurveyResults {
            round_id: round.id.clone(),
            survey_status: status,
            responses,
            minimum_responses: minimum,
            unavailable,
            indicators,
        },
        means,
    ))
}

/// Opens a round's NGO survey (the round in progress; once per round) and
/// returns its token, this once: give it to the NGOs. The local
/// government's admins.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The round's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The survey's token", body = SurveyOpened, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/quality/rounds/{id}/survey/open")]
pub async fn open_survey(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (row, token) = state
        .db
        .write(move |conn| {
            let current = for_change(conn, &caller, &id, &if_match)?;
            open(conn, &caller, current)
        })
        .await?;
    let body = SurveyOpened {
        round_id: row.id.clone(),
        survey_status: row.survey_status()?,
        token,
    };
    Ok(saved(row.etag(), &body))
}

/// Closes a round's open survey, for good: its token stops working and its
/// results can be read (from the minimum number of answers on). Completing
/// or cancelling the round closes it too. The local government's admins.
#[utoipa::path(
    tag = "quality",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The round's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The round", body = QualityRound, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/quality/rounds/{id}/survey/close")]
pub async fn close_survey(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let current = for_change(conn, &caller, &id, &if_match)?;
            let row = close(conn, &caller, current)?;
            let group = store::working_group(conn, row.id())?;
            Ok((row.etag(), QualityRound::new(row, group)?))
        })
        .await?;
    Ok(saved(tag, &shown))
}

/// Answers a round's NGO survey with its token: no account, and nothing of
/// who answers is kept (each call is one answer). Only the survey's
/// indicators (`ngo_survey`), each once, on its scale. Counted against the
/// public rate limit.
#[utoipa::path(
    tag = "quality",
    request_body = SubmitSurveyAnswers,
    responses(
        (status = 204, description = "Recorded"),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[post("/quality/survey-answers")]
pub async fn submit_survey_answers(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: ApiJson<SubmitSurveyAnswers>,
) -> Result<HttpResponse, ApiError> {
    crate::http::rate_limit::public(&state, &req).await?;
    let form = body.into_inner();
    state.db.write(move |conn| submit(conn, form)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// A round's survey: its status and how many answers it has, and its
/// results in aggregate — per indicator, the answers, their mean points and
/// how many scored each — only once it is closed and has at least
/// `COOPERA_SURVEY_MIN_RESPONSES` answers. As the round is read.
#[utoipa::path(
    tag = "quality",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The round's id")),
    responses((status = 200, description = "The survey", body = SurveyResults))
)]
#[get("/quality/rounds/{id}/survey")]
pub async fn get_survey(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let minimum = state.survey_min_responses;
    let (results, _) = state
        .db
        .run(move |conn| {
            let round = readable(conn, &caller, &id)?;
            results(conn, &round, minimum)
        })
        .await?;
    Ok(HttpResponse::Ok().json(results))
}
