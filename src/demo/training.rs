//! The demo's training, in the shape of the county project the demo's call
//! recruits for: one programme on the cooperation model, four groups of 25
//! (20 NGO and 5 local-government places each), each meeting three times,
//! once per plane.

use chrono::{NaiveDate, TimeZone, Utc};
use diesel::prelude::*;

use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::record;
use crate::db::schema::training_programmes as tr;
use crate::error::ApiError;
use crate::training::model::{CreateGroup, CreateProgramme, CreateSession, ProgrammeRow};
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
        },
    )?;
    let mut created = 1;
    let modules = [
        "consulting_draft_acts",
        "financial_cooperation",
        "local_partnerships",
    ];
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
        for (m, module) in modules.iter().enumerate() {
            // Meetings in the project's period, a month apart, the groups a
            // week apart: two days, nine to four.
            let day = NaiveDate::from_ymd_opt(2014, 3 + 3 * m as u32, 3 + 7 * g as u32)
                .ok_or_else(|| ApiError::internal("a demo date"))?;
            let at = |d: NaiveDate, h: u32| {
                Utc.from_utc_datetime(&d.and_hms_opt(h, 0, 0).unwrap_or_default())
            };
            store::insert_session(
                conn,
                caller,
                &group,
                CreateSession {
                    module_code: (*module).to_owned(),
                    starts_at: at(day, 9),
                    ends_at: at(day.succ_opt().unwrap_or(day), 16),
                    place: Some((*place).to_owned()),
                    format: SessionFormat::Residential,
                    trainer_ids: Vec::new(),
                },
            )?;
            created += 1;
        }
    }
    Ok(created)
}
