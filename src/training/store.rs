//! Writing programmes, groups, sessions and participants: the one place they
//! are inserted, changed and checked against the schedule. Each function runs
//! inside the caller's write transaction and records the change.
//!
//! The schedule's rules — a group in one session at a time, a trainer in one
//! place at a time, a participant in one session at a time, sessions within
//! the project's period — are checked with every session write and every
//! enrolment under one schedule lock (on PostgreSQL an advisory lock for the
//! transaction; SQLite has one writer), so two writes cannot both pass.
//! Participants are written in [`super::enrolment`].

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;

use super::model::{
    CreateGroup, CreateProgramme, CreateSession, GroupRow, ProgrammeRow, SessionRow, UpdateGroup,
    UpdateProgramme, UpdateSession,
};
use super::rules::{SessionFormat, check_modules, check_targets, default_modules};
use crate::audit::{self, Caller, Change};
use crate::db::json::column as to_column;
use crate::db::record::{self, Record};
use crate::db::schema::{
    projects, training_groups as tg, training_participants as tp, training_programmes as tr,
    training_sessions as ts, user_roles, users,
};
use crate::db::{DbConn, new_id, now};
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::http::transition::guard;

fn trimmed(text: &Option<String>) -> Option<String> {
    text.as_deref().map(|t| t.trim().to_owned())
}

/// Inserts a programme (its project checked), with the default modules when
/// none are given.
pub fn insert_programme(
    conn: &mut DbConn,
    caller: &Caller,
    mut form: CreateProgramme,
) -> Result<ProgrammeRow, ApiError> {
    crate::db::references::ensure_project(conn, &form.project_id, "project_id")?;
    let modules = form.modules.take().unwrap_or_else(default_modules);
    let mut errors = check_modules(&modules);
    errors.extend(form.completion.check());
    guard(errors)?;
    let id = new_id();
    let now = now();
    diesel::insert_into(tr::table)
        .values((
            tr::id.eq(&id),
            tr::project_id.eq(&form.project_id),
            tr::name.eq(form.name.trim()),
            tr::description.eq(trimmed(&form.description)),
            tr::modules.eq(to_column(&modules)?),
            tr::completion.eq(to_column(&form.completion)?),
            tr::created_at.eq(now),
            tr::updated_at.eq(now),
            tr::version.eq(1_i64),
        ))
        .execute(conn)?;
    form.modules = Some(modules);
    let change = Change::new("training_programme", &id, "create").form(&form, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// The module codes the sessions of `programme` cover.
fn modules_in_use(conn: &mut DbConn, programme: &str) -> Result<HashSet<String>, ApiError> {
    let groups = tg::table
        .filter(tg::programme_id.eq(programme))
        .select(tg::id);
    let mut codes = HashSet::new();
    for listed in ts::table
        .filter(ts::group_id.eq_any(groups))
        .select(ts::module_codes)
        .distinct()
        .load::<String>(conn)?
    {
        codes.extend(crate::db::json::stored::<Vec<String>>(
            &listed,
            "module_codes",
        )?);
    }
    Ok(codes)
}

/// Applies `changes` to a programme; a module a session covers cannot go.
pub fn update_programme(
    conn: &mut DbConn,
    caller: &Caller,
    current: ProgrammeRow,
    changes: UpdateProgramme,
) -> Result<ProgrammeRow, ApiError> {
    let mut errors = changes
        .completion
        .as_ref()
        .map(|c| c.check())
        .unwrap_or_default();
    let modules = match &changes.modules {
        Some(m) => {
            errors.extend(check_modules(m));
            for code in modules_in_use(conn, current.id())? {
                if !m.iter().any(|x| x.code == code) {
                    errors.push(FieldError::new(
                        "modules",
                        "in_use",
                        format!("the module `{code}` is covered by sessions"),
                    ));
                }
            }
            m.clone()
        }
        None => current.module_list()?,
    };
    guard(errors)?;
    let completion = match &changes.completion {
        Some(c) => c.clone(),
        None => current.completion_rule()?,
    };
    diesel::update(tr::table.find(current.id()))
        .set((
            tr::name.eq(changes
                .name
                .as_deref()
                .map_or(current.name.clone(), |n| n.trim().to_owned())),
            tr::description.eq(changes
                .description
                .clone()
                .map_or(current.description.clone(), |d| trimmed(&d))),
            tr::modules.eq(to_column(&modules)?),
            tr::completion.eq(to_column(&completion)?),
            tr::updated_at.eq(now()),
            tr::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("training_programme", current.id(), "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// How many participants each of `groups` has.
pub fn participant_counts(
    conn: &mut DbConn,
    groups: &[String],
) -> Result<std::collections::HashMap<String, i64>, ApiError> {
    Ok(tp::table
        .filter(tp::group_id.eq_any(groups))
        .group_by(tp::group_id)
        .select((tp::group_id, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect())
}

pub(super) fn count_in(conn: &mut DbConn, group: &str) -> Result<i64, ApiError> {
    Ok(tp::table
        .filter(tp::group_id.eq(group))
        .count()
        .get_result(conn)?)
}

/// Inserts a group of `programme`.
pub fn insert_group(
    conn: &mut DbConn,
    caller: &Caller,
    programme: &ProgrammeRow,
    form: CreateGroup,
) -> Result<GroupRow, ApiError> {
    guard(check_targets(&form.targets, form.capacity))?;
    let id = new_id();
    let now = now();
    diesel::insert_into(tg::table)
        .values((
            tg::id.eq(&id),
            tg::programme_id.eq(programme.id()),
            tg::name.eq(form.name.trim()),
            tg::capacity.eq(form.capacity),
            tg::place.eq(trimmed(&form.place)),
            tg::targets.eq(to_column(&form.targets)?),
            tg::created_at.eq(now),
            tg::updated_at.eq(now),
            tg::version.eq(1_i64),
        ))
        .execute(conn)?;
    let change = Change::new("training_group", &id, "create")
        .form(&form, &[])
        .value("programme_id", programme.id());
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Applies `changes` to a group (locked by the caller): the capacity stays at
/// least its participants, the targets within the capacity.
pub fn update_group(
    conn: &mut DbConn,
    caller: &Caller,
    current: GroupRow,
    changes: UpdateGroup,
) -> Result<GroupRow, ApiError> {
    let capacity = changes.capacity.unwrap_or(current.capacity);
    let targets = match &changes.targets {
        Some(t) => t.clone(),
        None => current.target_map()?,
    };
    let mut errors = check_targets(&targets, capacity);
    let now_in = count_in(conn, current.id())?;
    if i64::from(capacity) < now_in {
        errors.push(FieldError::new(
            "capacity",
            "below_participants",
            format!("the group has {now_in} participants"),
        ));
    }
    guard(errors)?;
    diesel::update(tg::table.find(current.id()))
        .set((
            tg::name.eq(changes
                .name
                .as_deref()
                .map_or(current.name.clone(), |n| n.trim().to_owned())),
            tg::capacity.eq(capacity),
            tg::place.eq(changes
                .place
                .clone()
                .map_or(current.place.clone(), |p| trimmed(&p))),
            tg::targets.eq(to_column(&targets)?),
            tg::updated_at.eq(now()),
            tg::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("training_group", current.id(), "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// Takes the schedule lock for the rest of the transaction.
pub(crate) fn lock_schedule(conn: &mut DbConn) -> Result<(), ApiError> {
    const KEY: i64 = 0x0074_7261_696e_696e; // "trainin"
    if let DbConn::Postgres(pg) = conn {
        diesel::sql_query(format!("SELECT pg_advisory_xact_lock({KEY})")).execute(pg)?;
    }
    Ok(())
}

/// A session as it would be after a write.
#[derive(Debug, Clone)]
pub struct Planned {
    pub module_codes: Vec<String>,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub place: Option<String>,
    pub format: SessionFormat,
    pub trainer_ids: Vec<String>,
}

pub(super) fn instant(t: NaiveDateTime) -> String {
    t.format("%Y-%m-%d %H:%M").to_string()
}

/// An instant as stored: UTC, to the microsecond (as [`crate::db::now`]).
fn naive(t: DateTime<Utc>) -> NaiveDateTime {
    use chrono::SubsecRound;
    t.naive_utc().trunc_subsecs(6)
}

/// The rules of a planned session of `group`: 422 for the session itself
/// (its times, its module, the project's period, its trainers), then — under
/// the schedule lock — 409 naming each other session it clashes with: one of
/// the group's, one a trainer gives, one a participant attends.
fn check_session(
    conn: &mut DbConn,
    group: &GroupRow,
    s: &Planned,
    exclude: Option<&str>,
) -> Result<(), ApiError> {
    let programme: ProgrammeRow = record::find(conn, &group.programme_id)?;
    let mut errors = Vec::new();
    if s.ends_at <= s.starts_at {
        errors.push(FieldError::new(
            "ends_at",
            "before_start",
            "a session ends after it starts",
        ));
    }
    let modules = programme.module_list()?;
    for (i, code) in s.module_codes.iter().enumerate() {
        if !modules.iter().any(|m| m.code == *code) {
            errors.push(FieldError::new(
                format!("module_codes[{i}]"),
                "unknown",
                format!("the programme has no module `{code}`"),
            ));
        } else if s.module_codes[..i].contains(code) {
            errors.push(FieldError::new(
                format!("module_codes[{i}]"),
                "not_unique",
                format!("the module `{code}` is named twice"),
            ));
        }
    }
    let (starts_on, ends_on): (Option<NaiveDate>, Option<NaiveDate>) = projects::table
        .find(&programme.project_id)
        .select((projects::starts_on, projects::ends_on))
        .first(conn)?;
    if starts_on.is_some_and(|d| s.starts_at.date() < d) {
        errors.push(FieldError::new(
            "starts_at",
            "outside_project",
            "before the project starts",
        ));
    }
    if ends_on.is_some_and(|d| s.ends_at.date() > d) {
        errors.push(FieldError::new(
            "ends_at",
            "outside_project",
            "after the project ends",
        ));
    }
    let trainers: HashSet<String> = users::table
        .inner_join(user_roles::table)
        .filter(users::id.eq_any(&s.trainer_ids))
        .filter(users::active.eq(true))
        .filter(user_roles::role.eq(crate::auth::users::GlobalRole::Trainer.as_str()))
        .select(users::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    for (i, t) in s.trainer_ids.iter().enumerate() {
        if !trainers.contains(t) {
            errors.push(FieldError::new(
                format!("trainer_ids[{i}]"),
                "not_a_trainer",
                format!("no active user with the trainer role has the id `{t}`"),
            ));
        }
    }
    guard(errors)?;

    lock_schedule(conn)?;
    let others: Vec<SessionRow> = ts::table
        .filter(ts::starts_at.lt(s.ends_at))
        .filter(ts::ends_at.gt(s.starts_at))
        .filter(ts::id.ne(exclude.unwrap_or("")))
        .order(ts::starts_at.asc())
        .select(SessionRow::as_select())
        .load(conn)?;
    let mut clashes = Vec::new();
    let attendees: Vec<String> = tp::table
        .filter(tp::group_id.eq(group.id()))
        .select(tp::person_id)
        .load(conn)?;
    let elsewhere: Vec<(String, String)> = tp::table
        .filter(tp::person_id.eq_any(&attendees))
        .filter(tp::group_id.ne(group.id()))
        .select((tp::group_id, tp::person_id))
        .load(conn)?;
    for o in &others {
        let when = format!("{} to {}", instant(o.starts_at), instant(o.ends_at));
        if o.group_id == group.id {
            clashes.push(FieldError::new(
                "starts_at",
                "group_busy",
                format!("the group's session `{}` ({when}) overlaps", o.id),
            ));
        }
        let busy = o.trainer_list()?;
        for (i, t) in s.trainer_ids.iter().enumerate() {
            if busy.contains(t) {
                clashes.push(FieldError::new(
                    format!("trainer_ids[{i}]"),
                    "trainer_busy",
                    format!("the trainer gives the session `{}` ({when})", o.id),
                ));
            }
        }
        if let Some((_, person)) = elsewhere.iter().find(|(g, _)| *g == o.group_id) {
            clashes.push(FieldError::new(
                "starts_at",
                "participant_busy",
                format!(
                    "the participant `{person}` attends the session `{}` ({when})",
                    o.id
                ),
            ));
        }
    }
    if clashes.is_empty() {
        return Ok(());
    }
    Err(ApiError::new(
        ProblemCode::Conflict,
        format!(
            "The session clashes with the schedule {} time(s); each clash is named in `errors`.",
            clashes.len()
        ),
    )
    .with_errors(clashes))
}

/// Inserts a session of `group` (locked by the caller), checked against the
/// schedule.
pub fn insert_session(
    conn: &mut DbConn,
    caller: &Caller,
    group: &GroupRow,
    form: CreateSession,
) -> Result<SessionRow, ApiError> {
    let planned = Planned {
        module_codes: form.module_codes.clone(),
        starts_at: naive(form.starts_at),
        ends_at: naive(form.ends_at),
        place: trimmed(&form.place),
        format: form.format,
        trainer_ids: form.trainer_ids.clone(),
    };
    check_session(conn, group, &planned, None)?;
    let id = new_id();
    let now = now();
    diesel::insert_into(ts::table)
        .values((
            ts::id.eq(&id),
            ts::group_id.eq(group.id()),
            ts::module_codes.eq(to_column(&planned.module_codes)?),
            ts::starts_at.eq(planned.starts_at),
            ts::ends_at.eq(planned.ends_at),
            ts::place.eq(&planned.place),
            ts::format.eq(planned.format.as_str()),
            ts::trainers.eq(to_column(&planned.trainer_ids)?),
            ts::created_at.eq(now),
            ts::updated_at.eq(now),
            ts::version.eq(1_i64),
        ))
        .execute(conn)?;
    let change = Change::new("training_session", &id, "create")
        .form(&form, &[])
        .value("group_id", group.id());
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Applies `changes` to a session, checked against the schedule again.
pub fn update_session(
    conn: &mut DbConn,
    caller: &Caller,
    current: SessionRow,
    changes: UpdateSession,
) -> Result<SessionRow, ApiError> {
    let group: GroupRow = record::find(conn, &current.group_id)?;
    let planned = Planned {
        module_codes: match &changes.module_codes {
            Some(m) => m.clone(),
            None => current.module_list()?,
        },
        starts_at: changes.starts_at.map_or(current.starts_at, naive),
        ends_at: changes.ends_at.map_or(current.ends_at, naive),
        place: changes
            .place
            .clone()
            .map_or(current.place.clone(), |p| trimmed(&p)),
        format: match changes.format {
            Some(f) => f,
            None => crate::db::enums::StrEnum::stored(&current.format)?,
        },
        trainer_ids: match &changes.trainer_ids {
            Some(t) => t.clone(),
            None => current.trainer_list()?,
        },
    };
    check_session(conn, &group, &planned, Some(current.id()))?;
    diesel::update(ts::table.find(current.id()))
        .set((
            ts::module_codes.eq(to_column(&planned.module_codes)?),
            ts::starts_at.eq(planned.starts_at),
            ts::ends_at.eq(planned.ends_at),
            ts::place.eq(&planned.place),
            ts::format.eq(planned.format.as_str()),
            ts::trainers.eq(to_column(&planned.trainer_ids)?),
            ts::updated_at.eq(now()),
            ts::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("training_session", current.id(), "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// Deletes a session.
pub fn delete_session(
    conn: &mut DbConn,
    caller: &Caller,
    current: SessionRow,
) -> Result<(), ApiError> {
    let marked: i64 = crate::db::schema::training_attendance::table
        .filter(crate::db::schema::training_attendance::session_id.eq(current.id()))
        .count()
        .get_result(conn)?;
    if marked > 0 {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!(
                "The session has attendance recorded for {marked} participant(s); it stays, as a record of who was there."
            ),
        ));
    }
    diesel::delete(ts::table.find(current.id())).execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("training_session", current.id(), "delete"),
    )?;
    Ok(())
}
