//! Attendance: who was at a session — `present`, `absent` or `excused` — a
//! whole session recorded in one call by its trainers or the project's
//! coordinators, from the moment it starts; read as JSON or as the session's
//! attendance list in CSV.

use std::collections::HashMap;

use actix_web::http::header::EntityTag;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use validator::Validate;

use super::completion::AttendanceStatus;
use super::handlers::project_of_group;
use super::model::{GroupRow, SessionRow};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize};
use crate::auth::{Actor, Role};
use crate::db::enums::StrEnum;
use crate::db::record;
use crate::db::schema::{people, training_attendance as ta, training_participants as tp};
use crate::db::{DbConn, now};
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::http::conditional::{IfMatch, json_with_etag, saved};
use crate::http::export::{CsvDocument, ExportFormat, ExportParams, csv_attachment};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::timestamp::Timestamp;
use crate::http::transition::guard;
use crate::state::AppState;

/// A session's attendance, as recorded in one call.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordAttendance {
    /// One entry per participant; a participant left out has no record (one
    /// recorded before is taken back).
    #[validate(length(max = 1000), nested)]
    #[schema(max_items = 1000)]
    pub records: Vec<AttendanceEntry>,
}

/// A participant's attendance at the session.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttendanceEntry {
    /// A participant of the session's group.
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub participant_id: String,
    pub status: AttendanceStatus,
}

/// A line of the attendance list.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AttendanceLine {
    #[schema(format = Uuid)]
    pub participant_id: String,
    #[schema(format = Uuid)]
    pub person_id: String,
    #[schema(max_length = 200)]
    pub full_name: String,
    /// `null` while not recorded.
    pub status: Option<AttendanceStatus>,
    pub recorded_at: Option<Timestamp>,
}

/// A session's attendance list: the group's participants (and anyone
/// recorded there who has since moved), by name.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionAttendance {
    #[schema(format = Uuid)]
    pub session_id: String,
    #[schema(format = Uuid)]
    pub group_id: String,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    #[schema(max_items = 100000)]
    pub lines: Vec<AttendanceLine>,
    #[schema(format = Int64, minimum = 0, maximum = 100000)]
    pub present: usize,
    #[schema(format = Int64, minimum = 0, maximum = 100000)]
    pub absent: usize,
    #[schema(format = Int64, minimum = 0, maximum = 100000)]
    pub excused: usize,
    #[schema(format = Int64, minimum = 0, maximum = 100000)]
    pub not_recorded: usize,
}

/// Whether `actor` is one of the session's trainers.
fn trains(actor: &Actor, session: &SessionRow) -> Result<bool, ApiError> {
    let Actor::User(user) = actor else {
        return Ok(false);
    };
    Ok(user.roles.contains(&Role::Trainer) && session.trainer_list()?.contains(&user.id))
}

/// 403 unless the caller trains the session or coordinates its project.
fn may_record(conn: &mut DbConn, caller: &Caller, session: &SessionRow) -> Result<(), ApiError> {
    let group: GroupRow = record::find(conn, &session.group_id)?;
    let project = project_of_group(conn, &group)?;
    authorize(
        &caller.actor,
        Permission::RecordAttendance {
            project_id: &project,
            trainer: trains(&caller.actor, session)?,
        },
    )
}

fn stamp(t: &Timestamp) -> String {
    t.0.format(crate::http::timestamp::FORMAT).to_string()
}

type Recorded = (String, chrono::NaiveDateTime, Option<String>);

/// The attendance recorded at `session`, by participant.
fn recorded(conn: &mut DbConn, session: &str) -> Result<HashMap<String, Recorded>, ApiError> {
    Ok(ta::table
        .filter(ta::session_id.eq(session))
        .select((
            ta::participant_id,
            ta::status,
            ta::recorded_at,
            ta::recorded_by,
        ))
        .load::<(String, String, chrono::NaiveDateTime, Option<String>)>(conn)?
        .into_iter()
        .map(|(p, s, at, by)| (p, (s, at, by)))
        .collect())
}

/// The attendance list of `session`, with its tag (a digest of the list:
/// it changes with the group's participants and their names too).
fn list(
    conn: &mut DbConn,
    session: &SessionRow,
) -> Result<(EntityTag, SessionAttendance), ApiError> {
    let mut marks = recorded(conn, session.id.as_str())?;
    let marked: Vec<String> = marks.keys().cloned().collect();
    let people_there: Vec<(String, String, String)> = tp::table
        .inner_join(people::table)
        .filter(
            tp::group_id
                .eq(&session.group_id)
                .or(tp::id.eq_any(&marked)),
        )
        .order((people::name_search.asc(), tp::id.asc()))
        .select((tp::id, tp::person_id, people::full_name))
        .load(conn)?;
    let mut lines = Vec::with_capacity(people_there.len());
    for (participant_id, person_id, full_name) in people_there {
        let mark = marks.remove(&participant_id);
        lines.push(AttendanceLine {
            status: mark
                .as_ref()
                .map(|(s, _, _)| AttendanceStatus::stored(s))
                .transpose()?,
            recorded_at: mark.map(|(_, at, _)| at.into()),
            participant_id,
            person_id,
            full_name,
        });
    }
    let count = |s: AttendanceStatus| lines.iter().filter(|l| l.status == Some(s)).count();
    let shown = SessionAttendance {
        session_id: session.id.clone(),
        group_id: session.group_id.clone(),
        starts_at: session.starts_at.into(),
        ends_at: session.ends_at.into(),
        present: count(AttendanceStatus::Present),
        absent: count(AttendanceStatus::Absent),
        excused: count(AttendanceStatus::Excused),
        not_recorded: lines.iter().filter(|l| l.status.is_none()).count(),
        lines,
    };
    let digest = Sha256::digest(serde_json::to_vec(&shown).map_err(ApiError::internal)?);
    let tag = EntityTag::new_strong(format!("{}.a{}", session.id, hex::encode(&digest[..8])));
    Ok((tag, shown))
}

/// Replaces the attendance of `session` (locked by the caller) with `form`:
/// from the session's start, each participant of its group (or recorded
/// there before) once; a record whose status stays keeps when it was made.
pub(crate) fn record_attendance(
    conn: &mut DbConn,
    caller: &Caller,
    session: &SessionRow,
    form: RecordAttendance,
) -> Result<(), ApiError> {
    let before = recorded(conn, session.id.as_str())?;
    let members: Vec<String> = tp::table
        .filter(tp::group_id.eq(&session.group_id))
        .select(tp::id)
        .load(conn)?;
    let mut errors = Vec::new();
    for (i, e) in form.records.iter().enumerate() {
        let field = format!("records[{i}].participant_id");
        if form.records[..i]
            .iter()
            .any(|o| o.participant_id == e.participant_id)
        {
            errors.push(FieldError::new(field, "not_unique", "listed twice"));
        } else if !members.contains(&e.participant_id) && !before.contains_key(&e.participant_id) {
            errors.push(FieldError::new(
                field,
                "not_in_group",
                format!(
                    "`{}` is no participant of the session's group",
                    e.participant_id
                ),
            ));
        }
    }
    guard(errors)?;
    let now = now();
    if now < session.starts_at {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!(
                "The session starts at {}; its attendance is recorded from then.",
                stamp(&session.starts_at.into())
            ),
        ));
    }
    let by = match &caller.actor {
        Actor::User(u) => Some(u.id.clone()),
        _ => None,
    };
    diesel::delete(ta::table.filter(ta::session_id.eq(&session.id))).execute(conn)?;
    let rows: Vec<_> = form
        .records
        .iter()
        .map(|e| {
            let (at, who) = match before.get(&e.participant_id) {
                Some((s, at, who)) if s == e.status.as_str() => (*at, who.clone()),
                _ => (now, by.clone()),
            };
            (
                ta::session_id.eq(session.id.clone()),
                ta::participant_id.eq(e.participant_id.clone()),
                ta::status.eq(e.status.as_str()),
                ta::recorded_at.eq(at),
                ta::recorded_by.eq(who),
            )
        })
        .collect();
    // One row at a time: a multi-row insert is not portable across the
    // two backends of one connection type.
    for row in rows {
        diesel::insert_into(ta::table).values(row).execute(conn)?;
    }
    diesel::update(crate::db::schema::training_sessions::table.find(&session.id))
        .set(
            crate::db::schema::training_sessions::attendance_version
                .eq(session.attendance_version + 1),
        )
        .execute(conn)?;
    let count = |s: AttendanceStatus| form.records.iter().filter(|e| e.status == s).count();
    // Counts only: who attended stays out of the change log.
    let change = Change::new("training_session", &session.id, "attendance")
        .value("present", count(AttendanceStatus::Present))
        .value("absent", count(AttendanceStatus::Absent))
        .value("excused", count(AttendanceStatus::Excused));
    audit::record(conn, caller, change)
}

/// A session's attendance list — the group's participants by name, with
/// their status (`null` while not recorded) — as JSON with its tag, or as
/// CSV. Admins, the project's coordinators and the session's trainers.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The session's id"),
        ExportParams,
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The attendance list", headers(("ETag" = String)), content(
            (SessionAttendance = "application/json"),
            (CsvDocument = "text/csv"),
        )),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/training-sessions/{id}/attendance")]
pub async fn get_attendance(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    params: ApiQuery<ExportParams>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    crate::auth::policy::require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let (tag, shown) = state
        .db
        .run(move |conn| {
            let session: SessionRow = record::find(conn, &id)?;
            may_record(conn, &caller, &session)?;
            list(conn, &session)
        })
        .await?;
    match params.into_inner().format.unwrap_or(ExportFormat::Json) {
        ExportFormat::Json => Ok(json_with_etag(&req, tag, &shown)),
        ExportFormat::Csv => {
            let header = [
                "participant_id",
                "person_id",
                "full_name",
                "status",
                "recorded_at",
            ];
            let rows = std::iter::once(header.iter().map(|h| (*h).to_owned()).collect()).chain(
                shown.lines.iter().map(|l| {
                    vec![
                        l.participant_id.clone(),
                        l.person_id.clone(),
                        l.full_name.clone(),
                        l.status.map(|s| s.as_str().to_owned()).unwrap_or_default(),
                        l.recorded_at.as_ref().map(stamp).unwrap_or_default(),
                    ]
                }),
            );
            csv_attachment(&format!("attendance-{}.csv", shown.session_id), rows)
        }
    }
}

/// Records a session's attendance in one call, replacing what was recorded:
/// each participant of the group once (422 naming the entry), from the
/// session's start (409 before). Admins, the project's coordinators and the
/// session's trainers.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The session's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = RecordAttendance,
    responses(
        (status = 200, description = "The attendance list", body = SessionAttendance, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[put("/training-sessions/{id}/attendance")]
pub async fn put_attendance(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<RecordAttendance>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    let id = id.into_inner();
    let (tag, shown) = state
        .db
        .write(move |conn| {
            let session: SessionRow = record::locked(conn, &id)?;
            may_record(conn, &caller, &session)?;
            if_match.check_tag(&list(conn, &session)?.0)?;
            record_attendance(conn, &caller, &session, form)?;
            list(conn, &session)
        })
        .await?;
    Ok(saved(tag, &shown))
}
