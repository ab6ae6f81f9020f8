//! The writes of participation bodies and their members — the only ones,
//! used by the handlers and by the demo data — and the balance report.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::{
    BodyRow, CreateBodyMember, CreateParticipationBody, MemberRow, UpdateBodyMember,
    UpdateParticipationBody,
};
use super::rules::{
    BodyMemberRole, Constituency, ConstituencyBalance, balance, check_member, sits_on,
};
use crate::audit::{self, Caller, Change};
use crate::db::enums::StrEnum;
use crate::db::record::{self, Record};
use crate::db::schema::{participation_bodies as pb, participation_body_members as pm};
use crate::db::{DbConn, fold_for_search};
use crate::error::{ApiError, FieldError};
use crate::http::transition::guard;

/// Creates a participation body: 422 naming the field unless its region
/// and its secretariat organisation exist.
pub fn insert_body(
    conn: &mut DbConn,
    caller: &Caller,
    form: CreateParticipationBody,
) -> Result<BodyRow, ApiError> {
    crate::db::references::ensure_organization(
        conn,
        &form.secretariat_organization_id,
        "secretariat_organization_id",
    )?;
    crate::territorial_units::unit_and_parents(conn, &form.territorial_unit_code)?;
    let id = crate::db::new_id();
    let now = crate::db::now();
    let name = form.name.trim();
    diesel::insert_into(pb::table)
        .values((
            pb::id.eq(&id),
            pb::name.eq(name),
            pb::name_search.eq(fold_for_search(name)),
            pb::kind.eq(form.kind.as_str()),
            pb::territorial_unit_code.eq(&form.territorial_unit_code),
            pb::secretariat_organization_id.eq(&form.secretariat_organization_id),
            pb::description.eq(&form.description),
            pb::created_at.eq(now),
            pb::updated_at.eq(now),
            pb::version.eq(1),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("participation_body", &id, "create").form(&form, &[]),
    )?;
    record::find(conn, &id)
}

/// Changes `current` (read with [`record::for_change`]).
pub fn update_body(
    conn: &mut DbConn,
    caller: &Caller,
    current: BodyRow,
    changes: UpdateParticipationBody,
) -> Result<BodyRow, ApiError> {
    if let Some(code) = &changes.territorial_unit_code {
        crate::territorial_units::unit_and_parents(conn, code)?;
    }
    let name = changes
        .name
        .as_deref()
        .map_or(current.name.clone(), |n| n.trim().to_owned());
    diesel::update(pb::table.find(current.id()))
        .set((
            pb::name_search.eq(fold_for_search(&name)),
            pb::name.eq(&name),
            pb::kind.eq(changes
                .kind
                .map_or(current.kind.clone(), |k| k.as_str().into())),
            pb::territorial_unit_code.eq(changes
                .territorial_unit_code
                .clone()
                .unwrap_or(current.territorial_unit_code.clone())),
            pb::description.eq(changes
                .description
                .clone()
                .unwrap_or(current.description.clone())),
            pb::updated_at.eq(crate::db::now()),
            pb::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("participation_body", current.id(), "update").form(&changes, &[]),
    )?;
    record::find(conn, current.id())
}

/// 422 naming the field at fault unless a `constituency` member of
/// `organization` (if any) who sits from `joined_on` until `left_on` fits
/// the rules.
fn check_seat(
    conn: &mut DbConn,
    constituency: Constituency,
    organization: Option<&str>,
    joined_on: NaiveDate,
    left_on: Option<NaiveDate>,
) -> Result<(), ApiError> {
    let kind = organization
        .map(|o| crate::db::references::organization_kind(conn, o, "organization_id"))
        .transpose()?;
    guard(check_member(
        constituency,
        kind.as_deref(),
        joined_on,
        left_on,
    ))
}

/// Adds a member to `body` (locked by the caller).
pub fn insert_member(
    conn: &mut DbConn,
    caller: &Caller,
    body: &BodyRow,
    form: CreateBodyMember,
) -> Result<MemberRow, ApiError> {
    check_seat(
        conn,
        form.constituency,
        form.organization_id.as_deref(),
        form.joined_on,
        form.left_on,
    )?;
    let id = crate::db::new_id();
    let now = crate::db::now();
    diesel::insert_into(pm::table)
        .values((
            pm::id.eq(&id),
            pm::body_id.eq(body.id()),
            pm::constituency.eq(form.constituency.as_str()),
            pm::name.eq(form.name.trim()),
            pm::organization_id.eq(&form.organization_id),
            pm::role.eq(form.role.unwrap_or(BodyMemberRole::Member).as_str()),
            pm::joined_on.eq(form.joined_on),
            pm::left_on.eq(form.left_on),
            pm::created_at.eq(now),
            pm::updated_at.eq(now),
            pm::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("participation_body_member", &id, "create")
        .form(&form, &["name"])
        .value("body_id", body.id());
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Changes `current` (read with [`record::for_change`]).
pub fn update_member(
    conn: &mut DbConn,
    caller: &Caller,
    current: MemberRow,
    changes: UpdateBodyMember,
) -> Result<MemberRow, ApiError> {
    let joined_on = changes.joined_on.unwrap_or(current.joined_on);
    let left_on = changes.left_on.unwrap_or(current.left_on);
    if left_on.is_some_and(|left| left < joined_on) {
        let field = if changes.left_on.is_some() {
            "left_on"
        } else {
            "joined_on"
        };
        return Err(ApiError::validation(vec![FieldError::new(
            field,
            "before_start",
            "left_on must not be before joined_on",
        )]));
    }
    diesel::update(pm::table.find(current.id()))
        .set((
            pm::name.eq(changes
                .name
                .as_deref()
                .map_or(current.name.clone(), |n| n.trim().to_owned())),
            pm::role.eq(changes
                .role
                .map_or(current.role.clone(), |r| r.as_str().into())),
            pm::joined_on.eq(joined_on),
            pm::left_on.eq(left_on),
            pm::updated_at.eq(crate::db::now()),
            pm::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    audit::record(
        conn,
        caller,
        Change::new("participation_body_member", current.id(), "update").form(&changes, &["name"]),
    )?;
    record::find(conn, current.id())
}

/// The constituency balance of body `id` on `day`: of the members sitting
/// that day.
pub fn balance_on(
    conn: &mut DbConn,
    id: &str,
    day: NaiveDate,
) -> Result<ConstituencyBalance, ApiError> {
    let members: Vec<(String, NaiveDate, Option<NaiveDate>)> = pm::table
        .filter(pm::body_id.eq(id))
        .select((pm::constituency, pm::joined_on, pm::left_on))
        .load(conn)?;
    let mut seats = Vec::with_capacity(members.len());
    for (constituency, joined_on, left_on) in members {
        if sits_on(joined_on, left_on, day) {
            seats.push(Constituency::stored(&constituency)?);
        }
    }
    Ok(balance(&seats))
}

/// Body `id` named by a request body's `field`: 422 naming it if there is
/// none.
pub fn body_for_field(conn: &mut DbConn, id: &str, field: &str) -> Result<BodyRow, ApiError> {
    pb::table
        .find(id)
        .select(BodyRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::validation(vec![FieldError::new(
                field,
                "not_found",
                format!("no participation body has the id `{id}`"),
            )])
        })
}
