//! Writing participants: adding a person to a group, moving them to another
//! group of the programme, taking them out — each checked against capacity,
//! one group per programme and the schedule (under the schedule lock of
//! [`super::store`]), inside the caller's write transaction.

use diesel::prelude::*;

use super::model::{Enrol, GroupRow, ParticipantRow, SessionRow};
use super::rules::overlaps;
use super::store::{count_in, instant, lock_schedule};
use crate::audit::{self, Caller, Change};
use crate::db::record::{self, Record};
use crate::db::schema::{
    training_groups as tg, training_participants as tp, training_sessions as ts,
};
use crate::db::{DbConn, new_id, now};
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::http::transition::guard;

/// 409 naming each session of `group` that overlaps one `person` attends in
/// another group (other than `leaving`).
fn check_person_free(
    conn: &mut DbConn,
    person: &str,
    group: &str,
    leaving: Option<&str>,
) -> Result<(), ApiError> {
    lock_schedule(conn)?;
    let groups: Vec<String> = tp::table
        .filter(tp::person_id.eq(person))
        .filter(tp::group_id.ne(group))
        .filter(tp::group_id.ne(leaving.unwrap_or("")))
        .select(tp::group_id)
        .load(conn)?;
    let theirs: Vec<SessionRow> = ts::table
        .filter(ts::group_id.eq_any(&groups))
        .select(SessionRow::as_select())
        .load(conn)?;
    let ours: Vec<SessionRow> = ts::table
        .filter(ts::group_id.eq(group))
        .order(ts::starts_at.asc())
        .select(SessionRow::as_select())
        .load(conn)?;
    let clashes: Vec<FieldError> = ours
        .iter()
        .flat_map(|a| {
            theirs
                .iter()
                .filter(|b| overlaps(a.span(), b.span()))
                .map(move |b| {
                    FieldError::new(
                        "person_id",
                        "participant_busy",
                        format!(
                            "the group's session `{}` overlaps the session `{}` ({} to {}) the person attends",
                            a.id,
                            b.id,
                            instant(b.starts_at),
                            instant(b.ends_at)
                        ),
                    )
                })
        })
        .collect();
    if clashes.is_empty() {
        return Ok(());
    }
    Err(ApiError::new(
        ProblemCode::Conflict,
        "The person attends another session at the time of one of this group's; each clash is named in `errors`.",
    )
    .with_errors(clashes))
}

/// 409 when `group` (locked by the caller) has no free place.
fn check_room(conn: &mut DbConn, group: &GroupRow) -> Result<(), ApiError> {
    let taken = count_in(conn, group.id())?;
    if taken < i64::from(group.capacity) {
        return Ok(());
    }
    Err(ApiError::new(
        ProblemCode::Conflict,
        format!(
            "The group `{}` is full: {taken} of {} places.",
            group.name, group.capacity
        ),
    ))
}

/// Adds a person to `group` (locked by the caller): a place free, not in
/// another group of the programme (409 naming it), free at the group's
/// sessions.
pub fn enrol(
    conn: &mut DbConn,
    caller: &Caller,
    group: &GroupRow,
    form: Enrol,
) -> Result<ParticipantRow, ApiError> {
    crate::db::references::ensure_person(conn, &form.person_id, "person_id")?;
    if let Some(c) = &form.category {
        crate::recruitment::form::code_param("category", c).map_err(|_| {
            ApiError::validation(vec![FieldError::new(
                "category",
                "pattern",
                "1 to 50 lower-case letters, digits and `_`",
            )])
        })?;
    }
    let already: Option<String> = tp::table
        .inner_join(tg::table)
        .filter(tp::programme_id.eq(&group.programme_id))
        .filter(tp::person_id.eq(&form.person_id))
        .select(tg::name)
        .first(conn)
        .optional()?;
    if let Some(name) = already {
        return Err(ApiError::new(
            ProblemCode::AlreadyExists,
            format!(
                "The person is in the group `{name}` of this programme already; move them instead."
            ),
        )
        .with_errors(vec![FieldError::new(
            "person_id",
            "not_unique",
            "a person is in at most one group of a programme",
        )]));
    }
    check_room(conn, group)?;
    check_person_free(conn, &form.person_id, group.id(), None)?;
    insert_participant(
        conn,
        caller,
        group,
        &form.person_id,
        form.category.as_deref(),
    )
}

/// Inserts `person` into `group` as checked by the caller (a place free, not
/// in another group of the programme, no clash).
pub fn insert_participant(
    conn: &mut DbConn,
    caller: &Caller,
    group: &GroupRow,
    person: &str,
    category: Option<&str>,
) -> Result<ParticipantRow, ApiError> {
    let id = new_id();
    let now = now();
    diesel::insert_into(tp::table)
        .values((
            tp::id.eq(&id),
            tp::programme_id.eq(&group.programme_id),
            tp::group_id.eq(group.id()),
            tp::person_id.eq(person),
            tp::category.eq(category),
            tp::created_at.eq(now),
            tp::updated_at.eq(now),
            tp::version.eq(1_i64),
        ))
        .execute(conn)?;
    let change = Change::new("training_participant", &id, "create")
        .value("person_id", person)
        .value("category", category)
        .value("group_id", group.id());
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Moves a participant (locked by the caller) to `target` (another group of
/// the same programme, locked here): a place free there, the person free at
/// its sessions — in one transaction.
pub fn move_participant(
    conn: &mut DbConn,
    caller: &Caller,
    current: ParticipantRow,
    target: &str,
) -> Result<ParticipantRow, ApiError> {
    let group: GroupRow = record::locked(conn, target).map_err(|e| {
        if e.code() == ProblemCode::NotFound {
            ApiError::validation(vec![FieldError::new(
                "group_id",
                "unknown",
                format!("no group has the id `{target}`"),
            )])
        } else {
            e
        }
    })?;
    let mut errors = Vec::new();
    if group.programme_id != current.programme_id {
        errors.push(FieldError::new(
            "group_id",
            "other_programme",
            "a participant moves within their programme",
        ));
    }
    if group.id == current.group_id {
        errors.push(FieldError::new(
            "group_id",
            "same_group",
            "the participant is in this group already",
        ));
    }
    guard(errors)?;
    check_room(conn, &group)?;
    check_person_free(
        conn,
        &current.person_id,
        group.id(),
        Some(&current.group_id),
    )?;
    diesel::update(tp::table.find(current.id()))
        .set((
            tp::group_id.eq(group.id()),
            tp::updated_at.eq(now()),
            tp::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("training_participant", current.id(), "move")
        .value("from", &current.group_id)
        .value("to", group.id());
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// Takes a participant out of their group.
pub fn remove_participant(
    conn: &mut DbConn,
    caller: &Caller,
    current: ParticipantRow,
) -> Result<(), ApiError> {
    // Their attendance goes with them (a certificate, issued as it was, stays).
    use crate::db::schema::training_attendance as ta;
    diesel::delete(ta::table.filter(ta::participant_id.eq(current.id()))).execute(conn)?;
    diesel::delete(tp::table.find(current.id())).execute(conn)?;
    let change = Change::new("training_participant", current.id(), "delete")
        .value("group_id", &current.group_id);
    audit::record(conn, caller, change)?;
    Ok(())
}
