//! Completion as recorded: each participant of a programme measured against
//! its rule ([`super::completion`]) from the sessions of their group and the
//! attendance recorded; the programme's completion list as JSON or CSV, and
//! the count behind the project report's `completed_training` indicator.

use std::collections::{HashMap, HashSet};

use actix_web::{HttpResponse, get, web};
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::completion::{AttendanceStatus, CompletionRule, Held, Progress, progress};
use super::handlers::may_manage;
use super::model::{ProgrammeRow, SessionRow};
use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::{
    people, training_attendance as ta, training_certificates as tc, training_groups as tg,
    training_participants as tp, training_programmes as tr, training_sessions as ts,
};
use crate::error::ApiError;
use crate::http::export::{CsvDocument, ExportFormat, ExportParams, csv_attachment};
use crate::http::extract::ApiQuery;
use crate::http::ids::PathId;
use crate::state::AppState;

/// A participant measured against the programme's rule.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CompletionLine {
    #[schema(format = Uuid)]
    pub participant_id: String,
    #[schema(format = Uuid)]
    pub person_id: String,
    #[schema(max_length = 200)]
    pub full_name: String,
    #[schema(format = Uuid)]
    pub group_id: String,
    #[schema(max_length = 200)]
    pub group_name: String,
    pub progress: Progress,
    /// The number of the certificate issued to them, if any.
    #[schema(max_length = 20)]
    pub certificate_number: Option<String>,
}

/// A programme's completion: every participant, by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProgrammeCompletion {
    #[schema(format = Uuid)]
    pub programme_id: String,
    pub rule: CompletionRule,
    #[schema(format = Int64, minimum = 0, maximum = 1000000)]
    pub participants: usize,
    #[schema(format = Int64, minimum = 0, maximum = 1000000)]
    pub completed: usize,
    #[schema(max_items = 1000000)]
    pub lines: Vec<CompletionLine>,
}

/// Measures every participant of `programme`, by name.
pub fn measure(
    conn: &mut DbConn,
    programme: &ProgrammeRow,
) -> Result<Vec<CompletionLine>, ApiError> {
    let rule = programme.completion_rule()?;
    let modules = programme.module_list()?;
    let groups: HashMap<String, String> = tg::table
        .filter(tg::programme_id.eq(programme.id()))
        .select((tg::id, tg::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let group_ids: Vec<&String> = groups.keys().collect();
    let sessions: Vec<SessionRow> = ts::table
        .filter(ts::group_id.eq_any(group_ids))
        .select(SessionRow::as_select())
        .load(conn)?;
    let covered: Vec<Vec<String>> = sessions
        .iter()
        .map(SessionRow::module_list)
        .collect::<Result<_, _>>()?;
    let held: HashMap<&str, (&str, Held<'_>)> = sessions
        .iter()
        .zip(&covered)
        .map(|(s, m)| {
            (
                s.id.as_str(),
                (
                    s.group_id.as_str(),
                    Held {
                        modules: m,
                        minutes: s.minutes(),
                    },
                ),
            )
        })
        .collect();
    let session_ids: Vec<&str> = held.keys().copied().collect();
    let mut present: HashMap<String, Vec<String>> = HashMap::new();
    for (participant, session) in ta::table
        .filter(ta::session_id.eq_any(session_ids))
        .filter(ta::status.eq(AttendanceStatus::Present.as_str()))
        .select((ta::participant_id, ta::session_id))
        .load::<(String, String)>(conn)?
    {
        present.entry(participant).or_default().push(session);
    }
    let certificates: HashMap<String, String> = tc::table
        .filter(tc::programme_id.eq(programme.id()))
        .select((tc::person_id, tc::number))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let participants: Vec<(String, String, String, String)> = tp::table
        .inner_join(people::table)
        .filter(tp::programme_id.eq(programme.id()))
        .order((people::name_search.asc(), tp::id.asc()))
        .select((tp::id, tp::person_id, tp::group_id, people::full_name))
        .load(conn)?;
    let mut lines = Vec::with_capacity(participants.len());
    for (participant_id, person_id, group_id, full_name) in participants {
        let planned: Vec<Held<'_>> = held
            .values()
            .filter(|(g, _)| *g == group_id)
            .map(|(_, h)| h.clone())
            .collect();
        let attended: HashSet<&str> = present
            .get(&participant_id)
            .map(|v| v.iter().map(String::as_str).collect())
            .unwrap_or_default();
        let was_there: Vec<Held<'_>> = attended
            .iter()
            .filter_map(|s| held.get(s).map(|(_, h)| h.clone()))
            .collect();
        lines.push(CompletionLine {
            progress: progress(&rule, &modules, &planned, &was_there),
            certificate_number: certificates.get(&person_id).cloned(),
            group_name: groups.get(&group_id).cloned().unwrap_or_default(),
            participant_id,
            person_id,
            full_name,
            group_id,
        });
    }
    Ok(lines)
}

/// How many participants of the programmes of `project` have completed
/// them (a person completing two programmes counts twice).
pub fn completed_in_project(conn: &mut DbConn, project: &str) -> Result<i64, ApiError> {
    let programmes: Vec<ProgrammeRow> = tr::table
        .filter(tr::project_id.eq(project))
        .select(ProgrammeRow::as_select())
        .load(conn)?;
    let mut n = 0;
    for p in &programmes {
        n += measure(conn, p)?
            .iter()
            .filter(|l| l.progress.completed)
            .count() as i64;
    }
    Ok(n)
}

fn csv_rows(lines: &[CompletionLine]) -> impl Iterator<Item = Vec<String>> + '_ {
    let header = [
        "participant_id",
        "person_id",
        "full_name",
        "group_name",
        "planned_hours",
        "present_hours",
        "present_percent",
        "modules_attended",
        "modules_missing",
        "completed",
        "certificate_number",
    ];
    std::iter::once(header.iter().map(|h| (*h).to_owned()).collect()).chain(lines.iter().map(|l| {
        vec![
            l.participant_id.clone(),
            l.person_id.clone(),
            l.full_name.clone(),
            l.group_name.clone(),
            l.progress.planned_hours.to_string(),
            l.progress.present_hours.to_string(),
            l.progress.present_percent.to_string(),
            l.progress.modules_attended.join("; "),
            l.progress.modules_missing.join("; "),
            l.progress.completed.to_string(),
            l.certificate_number.clone().unwrap_or_default(),
        ]
    }))
}

/// A programme's completion: each participant by name, with the hours and
/// modules they were present at, what they miss, whether they have
/// completed it by its rule, and their certificate — as JSON or CSV. Admins
/// and the project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The programme's id"),
        ExportParams,
    ),
    responses(
        (status = 200, description = "The completion list", content(
            (ProgrammeCompletion = "application/json"),
            (CsvDocument = "text/csv"),
        )),
    )
)]
#[get("/training-programmes/{id}/completion")]
pub async fn get_completion(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    params: ApiQuery<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    crate::auth::policy::require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let (programme, lines) = state
        .db
        .run(move |conn| {
            let programme: ProgrammeRow = record::find(conn, &id)?;
            may_manage(&caller, &programme.project_id)?;
            let lines = measure(conn, &programme)?;
            Ok((programme, lines))
        })
        .await?;
    match params.into_inner().format.unwrap_or(ExportFormat::Json) {
        ExportFormat::Csv => csv_attachment(
            &format!("completion-{}.csv", programme.id),
            csv_rows(&lines),
        ),
        ExportFormat::Json => Ok(HttpResponse::Ok().json(ProgrammeCompletion {
            rule: programme.completion_rule()?,
            programme_id: programme.id,
            participants: lines.len(),
            completed: lines.iter().filter(|l| l.progress.completed).count(),
            lines,
        })),
    }
}
