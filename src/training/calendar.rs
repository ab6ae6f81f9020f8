//! Sessions as iCalendar (RFC 5545), for calendar applications to import or
//! subscribe to: a group's sessions, and a participant's (those of their
//! group).

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::handlers::{may_manage, project_of_group};
use super::model::{GroupRow, ParticipantRow, ProgrammeRow, SessionRow};
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::DbConn;
use crate::db::record;
use crate::db::schema::training_sessions as ts;
use crate::error::ApiError;
use crate::http::ids::PathId;
use crate::state::AppState;

/// A session as a calendar event.
#[derive(Debug, Clone)]
pub struct Event {
    pub uid: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub changed_at: NaiveDateTime,
    pub sequence: i64,
    pub summary: String,
    pub location: Option<String>,
    pub description: String,
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line folded at 75 octets (never inside a character),
/// each part ending in CRLF (RFC 5545 §3.1).
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

fn utc(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// A calendar named `name` with `events`, made at `now`.
pub fn calendar(name: &str, events: &[Event], now: NaiveDateTime) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Coopera//Training sessions//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}", e.uid));
        line(&mut out, &format!("DTSTAMP:{}", utc(now)));
        line(&mut out, &format!("LAST-MODIFIED:{}", utc(e.changed_at)));
        line(&mut out, &format!("SEQUENCE:{}", e.sequence));
        line(&mut out, &format!("DTSTART:{}", utc(e.starts_at)));
        line(&mut out, &format!("DTEND:{}", utc(e.ends_at)));
        line(&mut out, &format!("SUMMARY:{}", escape(&e.summary)));
        if let Some(place) = &e.location {
            line(&mut out, &format!("LOCATION:{}", escape(place)));
        }
        line(&mut out, &format!("DESCRIPTION:{}", escape(&e.description)));
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// The events of `group`'s sessions, in time order.
fn events(conn: &mut DbConn, group: &GroupRow) -> Result<(ProgrammeRow, Vec<Event>), ApiError> {
    let programme: ProgrammeRow = record::find(conn, &group.programme_id)?;
    let modules = programme.module_list()?;
    let sessions: Vec<SessionRow> = ts::table
        .filter(ts::group_id.eq(&group.id))
        .order((ts::starts_at.asc(), ts::id.asc()))
        .select(SessionRow::as_select())
        .load(conn)?;
    let mut events = Vec::with_capacity(sessions.len());
    for s in sessions {
        let covered: Vec<String> = s
            .module_list()?
            .iter()
            .map(|code| {
                modules
                    .iter()
                    .find(|m| m.code == *code)
                    .map_or_else(|| code.clone(), |m| m.name.clone())
            })
            .collect();
        events.push(Event {
            uid: format!("{}@coopera", s.id),
            starts_at: s.starts_at,
            ends_at: s.ends_at,
            changed_at: s.updated_at,
            sequence: s.version - 1,
            summary: format!("{}: {}", programme.name, covered.join(", ")),
            location: s.place.clone(),
            description: format!("{} ({}), {}", group.name, s.format, covered.join("; ")),
        });
    }
    Ok((programme, events))
}

fn ics(filename: &str, body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/calendar; charset=utf-8")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"{filename}.ics\""),
        ))
        .body(body)
}

/// An iCalendar document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, max_length = 10485760)]
#[allow(dead_code)]
pub struct ICalendar(String);

/// A group's sessions as an iCalendar document (`text/calendar`, RFC 5545)
/// to import or subscribe to; each session keeps its UID, its SEQUENCE
/// counts its changes.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The group's id")),
    responses((status = 200, description = "The group's calendar", content((ICalendar = "text/calendar"))))
)]
#[get("/training-groups/{id}/calendar")]
pub async fn group_calendar(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let file = format!("group-{id}");
    let body = state
        .db
        .run(move |conn| {
            let group: GroupRow = record::find(conn, &id)?;
            let (programme, events) = events(conn, &group)?;
            let name = format!("{} — {}", programme.name, group.name);
            Ok(calendar(&name, &events, crate::db::now()))
        })
        .await?;
    Ok(ics(&file, body))
}

/// A participant's sessions (those of their group) as an iCalendar
/// document. Admins and the project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The participant's id")),
    responses((status = 200, description = "The participant's calendar", content((ICalendar = "text/calendar"))))
)]
#[get("/training-participants/{id}/calendar")]
pub async fn participant_calendar(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    crate::auth::policy::require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let file = format!("participant-{id}");
    let body = state
        .db
        .run(move |conn| {
            let participant: ParticipantRow = record::find(conn, &id)?;
            let group: GroupRow = record::find(conn, &participant.group_id)?;
            may_manage(&caller, &project_of_group(conn, &group)?)?;
            let (programme, events) = events(conn, &group)?;
            Ok(calendar(&programme.name, &events, crate::db::now()))
        })
        .await?;
    Ok(ics(&file, body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        s.parse().unwrap()
    }

    #[test]
    fn text_is_escaped_and_long_lines_fold_between_characters() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let mut out = String::new();
        let long = format!("SUMMARY:{}", "ż".repeat(60));
        line(&mut out, &long);
        for part in out.split("\r\n").filter(|p| !p.is_empty()) {
            assert!(part.len() <= 75, "{} octets", part.len());
        }
        // Unfolding gives the line back.
        assert_eq!(out.replace("\r\n ", "").trim_end(), long);
    }

    #[test]
    fn a_calendar_has_one_event_per_session() {
        let e = Event {
            uid: "s1@coopera".into(),
            starts_at: at("2014-03-03T09:00:00"),
            ends_at: at("2014-03-04T16:00:00"),
            changed_at: at("2014-02-01T10:00:00"),
            sequence: 2,
            summary: "Szkolenia: Konsultowanie projektów aktów".into(),
            location: Some("Zgorzelec, ul. Domańskiego 7".into()),
            description: "Grupa 1".into(),
        };
        let ics = calendar(
            "Grupa 1",
            &[
                e.clone(),
                Event {
                    uid: "s2@coopera".into(),
                    ..e
                },
            ],
            at("2026-12-01T08:00:00"),
        );
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 2);
        assert!(ics.contains("DTSTART:20140303T090000Z\r\n"));
        assert!(ics.contains("DTEND:20140304T160000Z\r\n"));
        assert!(ics.contains("SEQUENCE:2\r\n"));
        assert!(ics.contains("DTSTAMP:20261201T080000Z\r\n"));
        assert!(ics.contains("LAST-MODIFIED:20140201T100000Z\r\n"));
        assert!(ics.contains("LOCATION:Zgorzelec\\, ul. Domańskiego 7\r\n"));
    }
}
