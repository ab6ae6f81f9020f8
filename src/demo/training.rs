//! The demo's training, in the shape of the county project the demo's call
//! recruits for: one programme on the cooperation model, four groups of 25
//! (20 NGO and 5 local-government places each), each meeting three times,
//! once per plane — 100 participants (80 from NGOs, 20 from local
//! government), with attendance recorded for each group's first meeting.

use chrono::{NaiveDate, TimeZone, Utc};
use diesel::prelude::*;

use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::record;
use crate::db::schema::training_programmes as tr;
use crate::error::ApiError;
use crate::training::attendance::{AttendanceEntry, RecordAttendance, record_attendance};
use crate::training::completion::AttendanceStatus;
use crate::training::model::{
    CreateGroup, CreateProgramme, CreateSession, Enrol, ProgrammeRow, SessionRow,
};
use crate::training::rules::SessionFormat;
use crate::training::store;

pub const NAME: &str = "Szkolenia z modelu współpracy JST i NGO";

/// Seeds the programme of `project` once; returns how many records it wrote.
pub(super) fn seed(conn: &mut DbConn, caller: &Caller, project: &str) -> Result<usize, ApiError> {
    let exists: i64 = tr::table
        .filter(tr::project_id.eq(project))
        .filter(tr::name.eq(NAME))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(0);
    }
    let programme: ProgrammeRow = store::insert_programme(
        conn,
        caller,
        CreateProgramme {
            project_id: project.to_owned(),
            name: NAME.to_owned(),
            description: Some(
                "Cztery grupy po 25 osób (20 z organizacji pozarządowych, 5 z JST); każda \
                 spotyka się trzy razy, raz na każdą płaszczyznę modelu współpracy."
                    .to_owned(),
            ),
            modules: None,
            completion: Default::default(),
        },
    )?;
    let mut created = 1;
    // A meeting per plane, covering its two areas.
    let planes: Vec<Vec<String>> = (1..=3)
        .map(|p| {
            crate::training::rules::default_modules()
                .into_iter()
                .filter(|m| m.plane == Some(p))
                .map(|m| m.code)
                .collect()
        })
        .collect();
    for (g, place) in ["Zgorzelec", "Bogatynia", "Pieńsk", "Węgliniec"]
        .iter()
        .enumerate()
    {
        let group = store::insert_group(
            conn,
            caller,
            &programme,
            CreateGroup {
                name: format!("Grupa {} — {place}", g + 1),
                capacity: 25,
                place: Some((*place).to_owned()),
                targets: [("ngo".to_owned(), 20), ("jst".to_owned(), 5)].into(),
            },
        )?;
        created += 1;
        let group = record::locked(conn, &group.id)?;
        let mut first = None;
        for (m, codes) in planes.iter().enumerate() {
            // Meetings in the project's period, a month apart, the groups a
            // week apart: two days, nine to four.
            let day = NaiveDate::from_ymd_opt(2014, 3 + 3 * m as u32, 3 + 7 * g as u32)
                .ok_or_else(|| ApiError::internal("a demo date"))?;
            let at = |d: NaiveDate, h: u32| {
                Utc.from_utc_datetime(&d.and_hms_opt(h, 0, 0).unwrap_or_default())
            };
            let session = store::insert_session(
                conn,
                caller,
                &group,
                CreateSession {
                    module_codes: codes.clone(),
                    starts_at: at(day, 9),
                    ends_at: at(day.succ_opt().unwrap_or(day), 16),
                    place: Some((*place).to_owned()),
                    format: SessionFormat::Residential,
                    trainer_ids: Vec::new(),
                },
            )?;
            first.get_or_insert(session);
            created += 1;
        }
        created += seed_participants(conn, caller, &group, g, first)?;
    }
    Ok(created)
}

const FIRST_NAMES: [&str; 10] = [
    "Agnieszka",
    "Bartłomiej",
    "Celina",
    "Dariusz",
    "Elżbieta",
    "Grzegorz",
    "Halina",
    "Jędrzej",
    "Katarzyna",
    "Łukasz",
];
const SURNAMES: [&str; 10] = [
    "Nowak",
    "Wójcik",
    "Kamińska",
    "Lewandowski",
    "Zielińska",
    "Szymański",
    "Woźniak",
    "Dąbrowska",
    "Kozłowski",
    "Jankowska",
];

/// Twenty-five people in group `g` (the first twenty from NGOs), and their
/// attendance at the group's `first` meeting: most present, two excused,
/// two absent.
fn seed_participants(
    conn: &mut DbConn,
    caller: &Caller,
    group: &crate::training::model::GroupRow,
    g: usize,
    first: Option<SessionRow>,
) -> Result<usize, ApiError> {
    let mut records = Vec::new();
    for i in 0..25 {
        let n = g * 25 + i;
        let person = crate::people::store::insert(
            conn,
            caller,
            crate::people::model::CreatePerson {
                full_name: format!("{} {}", FIRST_NAMES[n / 10], SURNAMES[n % 10]),
                email: None,
                phone: None,
                position: None,
                organization_id: None,
                role: None,
            },
        )?
        .0;
        let category = if i < 20 { "ngo" } else { "jst" };
        let participant = crate::training::enrolment::enrol(
            conn,
            caller,
            group,
            Enrol {
                person_id: person.id,
                category: Some(category.to_owned()),
            },
        )?;
        let status = match i % 12 {
            5 => AttendanceStatus::Excused,
            9 => AttendanceStatus::Absent,
            _ => AttendanceStatus::Present,
        };
        records.push(AttendanceEntry {
            participant_id: participant.id,
            status,
        });
    }
    if let Some(session) = first {
        record_attendance(conn, caller, &session, RecordAttendance { records })?;
    }
    Ok(50)
}
