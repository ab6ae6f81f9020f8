//! Writing partnership members: joining, changing and leaving, used by the
//! handlers and by the demo data. Each function runs inside the caller's write
//! transaction and records the change.

use diesel::prelude::*;

use super::model::{
    AddPartnershipMember, MemberRow, PartnershipMember, TeamMember, UpdatePartnershipMember,
};
use crate::audit::{self, Caller, Change};
use crate::db::DbConn;
use crate::db::enums::StrEnum;
use crate::db::record::Record;
use crate::db::schema::{
    organizations as org, partnership_members as pm, partnership_team_members as ptm,
};
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::http::conditional::IfMatch;
use crate::organizations::model::OrganizationKind;
use crate::partnerships::model::PartnershipRow;
use crate::partnerships::rules::{PartnerRole, PartnershipStatus, check_left_on};
use crate::partnerships::store::{ensure_not_dissolved, keeps_activation_conditions, may_manage};

/// The most current members a partnership can have.
pub const MAX_CURRENT_MEMBERS: i64 = 200;

/// The member as the API shows it: with its organisation and working team.
pub fn present(conn: &mut DbConn, row: MemberRow) -> Result<PartnershipMember, ApiError> {
    let (name, kind): (String, String) = org::table
        .find(&row.organization_id)
        .select((org::name, org::kind))
        .first(conn)?;
    let team: Vec<(String, String)> = ptm::table
        .filter(ptm::member_id.eq(&row.id))
        .select((ptm::person_id, ptm::team_role))
        .order(ptm::person_id.asc())
        .load(conn)?;
    Ok(PartnershipMember {
        current: row.left_on.is_none(),
        organization_kind: OrganizationKind::stored(&kind)?,
        role: PartnerRole::stored(&row.role)?,
        id: row.id,
        partnership_id: row.partnership_id,
        organization_id: row.organization_id,
        organization_name: name,
        joined_on: row.joined_on,
        left_on: row.left_on,
        local_coordinator_person_id: row.local_coordinator_person_id,
        working_team: team
            .into_iter()
            .map(|(person_id, team_role)| TeamMember {
                person_id,
                team_role,
            })
            .collect(),
        created_at: row.created_at.into(),
        updated_at: row.updated_at.into(),
        version: row.version,
    })
}

/// A member of `partnership`, current or former; 404 otherwise.
pub fn load(conn: &mut DbConn, partnership: &str, id: &str) -> Result<MemberRow, ApiError> {
    pm::table
        .find(id)
        .filter(pm::partnership_id.eq(partnership))
        .select(MemberRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!("Partnership `{partnership}` has no member `{id}`."))
        })
}

/// The prelude of a change to a membership: the partnership locked, the caller
/// allowed, the partnership not dissolved, `If-Match` current, the member
/// current (a former member's record is history).
pub fn for_change(
    conn: &mut DbConn,
    caller: &Caller,
    partnership: &str,
    member_id: &str,
    if_match: &IfMatch,
) -> Result<MemberRow, ApiError> {
    let current: PartnershipRow = crate::db::record::locked(conn, partnership)?;
    may_manage(caller, conn, &current)?;
    ensure_not_dissolved(&current)?;
    let row = load(conn, partnership, member_id)?;
    if_match.check(&row)?;
    if row.left_on.is_some() {
        return Err(ApiError::invalid_transition(
            "left",
            Vec::new(),
            "The member has left; its record is history and cannot be changed.",
        ));
    }
    Ok(row)
}

fn check_single_lead(
    conn: &mut DbConn,
    partnership: &str,
    except: Option<&str>,
) -> Result<(), ApiError> {
    let mut q = pm::table
        .filter(pm::partnership_id.eq(partnership))
        .filter(pm::left_on.is_null())
        .filter(pm::role.eq(PartnerRole::Lead.as_str()))
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(pm::id.ne(id));
    }
    let leads: i64 = q.count().get_result(conn)?;
    if leads > 0 {
        return Err(ApiError::validation(vec![FieldError::new(
            "role",
            "lead_exists",
            "the partnership already has a current lead; change that member's role first",
        )]));
    }
    Ok(())
}

/// Checks that `form` may join `partnership` (locked by the caller): not
/// dissolved, the organisation and coordinator exist, not already a current
/// member, one lead, at most [`MAX_CURRENT_MEMBERS`].
fn check_joining(
    conn: &mut DbConn,
    partnership: &PartnershipRow,
    form: &AddPartnershipMember,
) -> Result<(), ApiError> {
    if PartnershipStatus::stored(&partnership.status)? == PartnershipStatus::Dissolved {
        return Err(ApiError::invalid_transition(
            "dissolved",
            Vec::new(),
            "A dissolved partnership cannot gain members.",
        ));
    }
    let id = partnership.id();
    crate::db::references::ensure_organization(conn, &form.organization_id, "organization_id")?;
    if let Some(person) = &form.local_coordinator_person_id {
        crate::db::references::ensure_person(conn, person, "local_coordinator_person_id")?;
    }
    let current = pm::table
        .filter(pm::partnership_id.eq(id))
        .filter(pm::left_on.is_null());
    let already: i64 = current
        .filter(pm::organization_id.eq(&form.organization_id))
        .count()
        .get_result(conn)?;
    if already > 0 {
        return Err(ApiError::new(
            ProblemCode::AlreadyExists,
            "The organisation is already a current member of this partnership.",
        ));
    }
    if form.role == PartnerRole::Lead {
        check_single_lead(conn, id, None)?;
    }
    let current_members: i64 = current.count().get_result(conn)?;
    if current_members >= MAX_CURRENT_MEMBERS {
        return Err(ApiError::validation(vec![FieldError::new(
            "organization_id",
            "too_many_members",
            format!("a partnership has at most {MAX_CURRENT_MEMBERS} current members"),
        )]));
    }
    Ok(())
}

/// Adds a member to `partnership` (locked by the caller); it joins today
/// unless the form says when.
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    partnership: &PartnershipRow,
    mut form: AddPartnershipMember,
) -> Result<MemberRow, ApiError> {
    check_joining(conn, partnership, &form)?;
    let member_id = crate::db::new_id();
    let now = crate::db::now();
    let joined = *form.joined_on.get_or_insert(now.date());
    diesel::insert_into(pm::table)
        .values((
            pm::id.eq(&member_id),
            pm::partnership_id.eq(partnership.id()),
            pm::organization_id.eq(&form.organization_id),
            pm::role.eq(form.role.as_str()),
            pm::joined_on.eq(joined),
            pm::local_coordinator_person_id.eq(&form.local_coordinator_person_id),
            pm::created_at.eq(now),
            pm::updated_at.eq(now),
            pm::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("partnership_member", &member_id, "create")
        .value("partnership_id", partnership.id())
        .form(&form, &[]);
    audit::record(conn, caller, change)?;
    load(conn, partnership.id(), &member_id)
}

fn replace_team(conn: &mut DbConn, member_id: &str, team: &[TeamMember]) -> Result<(), ApiError> {
    diesel::delete(ptm::table.filter(ptm::member_id.eq(member_id))).execute(conn)?;
    for (i, t) in team.iter().enumerate() {
        let field = format!("working_team[{i}].person_id");
        crate::db::references::ensure_person(conn, &t.person_id, &field)?;
        diesel::insert_into(ptm::table)
            .values((
                ptm::member_id.eq(member_id),
                ptm::person_id.eq(&t.person_id),
                ptm::team_role.eq(t.team_role.trim()),
            ))
            .execute(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::UniqueViolation,
                    _,
                ) => ApiError::validation(vec![FieldError::new(
                    field,
                    "duplicate",
                    "the person is already in the team",
                )]),
                other => other.into(),
            })?;
    }
    Ok(())
}

/// Applies `changes` to a current member (read with [`for_change`]).
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    row: MemberRow,
    changes: UpdatePartnershipMember,
) -> Result<MemberRow, ApiError> {
    let member_id = row.id.as_str();
    if let Some(role) = changes.role {
        if role == PartnerRole::Lead {
            check_single_lead(conn, &row.partnership_id, Some(member_id))?;
        }
        diesel::update(pm::table.find(member_id))
            .set(pm::role.eq(role.as_str()))
            .execute(conn)?;
    }
    if let Some(person) = &changes.local_coordinator_person_id {
        if let Some(p) = person {
            crate::db::references::ensure_person(conn, p, "local_coordinator_person_id")?;
        }
        diesel::update(pm::table.find(member_id))
            .set(pm::local_coordinator_person_id.eq(person))
            .execute(conn)?;
    }
    if let Some(team) = &changes.working_team {
        replace_team(conn, member_id, team)?;
    }
    diesel::update(pm::table.find(member_id))
        .set((
            pm::updated_at.eq(crate::db::now()),
            pm::version.eq(row.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("partnership_member", member_id, "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    keeps_activation_conditions(conn, &row.partnership_id)?;
    load(conn, &row.partnership_id, member_id)
}

/// Records that a current member left on `left_on` (today by default); the
/// membership stays as history.
pub fn leave(
    conn: &mut DbConn,
    caller: &Caller,
    row: MemberRow,
    left_on: Option<chrono::NaiveDate>,
) -> Result<MemberRow, ApiError> {
    let left = left_on.unwrap_or_else(|| crate::db::now().date());
    check_left_on(row.joined_on, left).map_err(|e| ApiError::validation(vec![e]))?;
    diesel::update(pm::table.find(&row.id))
        .set((
            pm::left_on.eq(left),
            pm::updated_at.eq(crate::db::now()),
            pm::version.eq(row.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("partnership_member", &row.id, "leave").value("left_on", left);
    audit::record(conn, caller, change)?;
    keeps_activation_conditions(conn, &row.partnership_id)?;
    load(conn, &row.partnership_id, &row.id)
}
