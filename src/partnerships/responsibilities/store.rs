//! Writing responsibilities: assigning, applying the standard set, changing
//! and moving them through their life, used by the handlers and by the demo
//! data. Each function runs inside the caller's write transaction and records
//! the change.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::{CreateResponsibility, TaskRow, UpdateResponsibility};
use super::rules::{ResponsibilityCategory, TaskStatus, TaskTransition, missing_categories};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize};
use crate::db::DbConn;
use crate::db::enums::StrEnum;
use crate::db::record::{self, Record};
use crate::db::schema::{partnership_members as pm, partnerships as ps, responsibilities as rs};
use crate::error::{ApiError, FieldError};
use crate::http::conditional::IfMatch;
use crate::http::transition::{next_state, refuse_change_in};
use crate::partnerships::model::PartnershipRow;
use crate::partnerships::rules::PartnerRole;
use crate::partnerships::store::ensure_not_dissolved;

/// The partnership's project and lead, and the member's organisation, for access.
pub struct AccessFacts {
    pub project_id: Option<String>,
    pub lead_organization_id: Option<String>,
    pub member_organization_id: Option<String>,
}

/// 404 unless the partnership exists; otherwise what access decisions need.
pub fn access_facts(
    conn: &mut DbConn,
    partnership: &str,
    member: Option<&str>,
) -> Result<AccessFacts, ApiError> {
    let project: Option<String> = ps::table
        .find(partnership)
        .select(ps::project_id)
        .first::<Option<String>>(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!("No partnership has the id `{partnership}`."))
        })?;
    let current = pm::table
        .filter(pm::partnership_id.eq(partnership))
        .filter(pm::left_on.is_null());
    let lead: Option<String> = current
        .filter(pm::role.eq(PartnerRole::Lead.as_str()))
        .select(pm::organization_id)
        .first(conn)
        .optional()?;
    let member_org = match member {
        Some(m) => current
            .filter(pm::id.eq(m))
            .select(pm::organization_id)
            .first(conn)
            .optional()?,
        None => None,
    };
    Ok(AccessFacts {
        project_id: project,
        lead_organization_id: lead,
        member_organization_id: member_org,
    })
}

/// Partnership managers: admins, coordinators of its project, org admins of
/// its lead member.
pub fn manage(caller: &Caller, facts: &AccessFacts) -> Result<(), ApiError> {
    authorize(
        &caller.actor,
        Permission::ManagePartnership {
            project_id: facts.project_id.as_deref(),
            lead_organization_id: facts.lead_organization_id.as_deref(),
        },
    )
}

/// A responsibility of `partnership`; 404 otherwise.
pub fn load(conn: &mut DbConn, partnership: &str, id: &str) -> Result<TaskRow, ApiError> {
    rs::table
        .find(id)
        .filter(rs::partnership_id.eq(partnership))
        .select(TaskRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "Partnership `{partnership}` has no responsibility `{id}`."
            ))
        })
}

/// Locks the partnership and refuses (409) when it is dissolved: a dissolved
/// partnership's responsibilities are final. The lock also serialises
/// concurrent applications of the template.
pub fn lock_open_partnership(conn: &mut DbConn, partnership: &str) -> Result<(), ApiError> {
    let row: PartnershipRow = record::locked(conn, partnership)?;
    ensure_not_dissolved(&row)
}

/// 422 naming `member_id` unless it is a current member of the partnership.
pub fn current_member(conn: &mut DbConn, partnership: &str, member: &str) -> Result<(), ApiError> {
    let left: Option<Option<NaiveDate>> = pm::table
        .find(member)
        .filter(pm::partnership_id.eq(partnership))
        .select(pm::left_on)
        .first(conn)
        .optional()?;
    let (code, message) = match left {
        Some(None) => return Ok(()),
        None => ("not_found", "is not a member of this partnership"),
        Some(Some(_)) => ("former_member", "has left the partnership"),
    };
    Err(ApiError::validation(vec![FieldError::new(
        "member_id",
        code,
        message,
    )]))
}

/// Assigns a `todo` responsibility to a current member.
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    partnership: &str,
    mut form: CreateResponsibility,
) -> Result<TaskRow, ApiError> {
    current_member(conn, partnership, &form.member_id)?;
    form.title = form.title.trim().to_owned();
    let id = crate::db::new_id();
    let now = crate::db::now();
    diesel::insert_into(rs::table)
        .values((
            rs::id.eq(&id),
            rs::partnership_id.eq(partnership),
            rs::member_id.eq(&form.member_id),
            rs::category.eq(form.category.as_str()),
            rs::title.eq(&form.title),
            rs::description.eq(&form.description),
            rs::due_on.eq(form.due_on),
            rs::status.eq(TaskStatus::Todo.as_str()),
            rs::created_at.eq(now),
            rs::updated_at.eq(now),
            rs::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("responsibility", &id, "create")
        .value("partnership_id", partnership)
        .form(&form, &[]);
    audit::record(conn, caller, change)?;
    load(conn, partnership, &id)
}

/// Gives a current member one task of each standard category it has none of
/// yet; returns what it created (nothing when the member has them all).
pub fn apply_template(
    conn: &mut DbConn,
    caller: &Caller,
    partnership: &str,
    member: &str,
    due_on: Option<NaiveDate>,
) -> Result<Vec<TaskRow>, ApiError> {
    current_member(conn, partnership, member)?;
    let existing: Vec<String> = rs::table
        .filter(rs::member_id.eq(member))
        .select(rs::category)
        .load(conn)?;
    let existing: Vec<ResponsibilityCategory> = existing
        .iter()
        .map(|c| ResponsibilityCategory::stored(c))
        .collect::<Result<_, _>>()?;
    missing_categories(&existing)
        .into_iter()
        .map(|category| {
            let form = CreateResponsibility {
                member_id: member.to_owned(),
                category,
                title: category.template().to_owned(),
                description: None,
                due_on,
            };
            insert(conn, caller, partnership, form)
        })
        .collect()
}

/// The prelude of a change to a task: the caller manages the partnership, the
/// partnership is not dissolved, the task is locked and `If-Match` current.
pub fn for_update(
    conn: &mut DbConn,
    caller: &Caller,
    partnership: &str,
    task: &str,
    if_match: &IfMatch,
) -> Result<TaskRow, ApiError> {
    manage(caller, &access_facts(conn, partnership, None)?)?;
    lock_open_partnership(conn, partnership)?;
    TaskRow::lock_row(conn, task)?;
    let current = load(conn, partnership, task)?;
    if_match.check(&current)?;
    Ok(current)
}

/// Changes an open task's title, description or due date.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    current: TaskRow,
    mut changes: UpdateResponsibility,
) -> Result<TaskRow, ApiError> {
    let status = TaskStatus::stored(&current.status)?;
    refuse_change_in(status, &[TaskStatus::Done, TaskStatus::Cancelled])?;
    if let Some(title) = &mut changes.title {
        *title = title.trim().to_owned();
    }
    let title = changes.title.clone().unwrap_or(current.title);
    let description = changes.description.clone().unwrap_or(current.description);
    let due_on = changes.due_on.unwrap_or(current.due_on);
    diesel::update(rs::table.find(&current.id))
        .set((
            rs::title.eq(&title),
            rs::description.eq(&description),
            rs::due_on.eq(due_on),
            rs::updated_at.eq(crate::db::now()),
            rs::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("responsibility", &current.id, "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    load(conn, &current.partnership_id, &current.id)
}

/// The prelude of a transition: the task locked; the member's own org admins
/// progress their tasks, managers may also cancel them; the partnership not
/// dissolved; `If-Match` current.
pub fn for_transition(
    conn: &mut DbConn,
    caller: &Caller,
    partnership: &str,
    task: &str,
    t: TaskTransition,
    if_match: &IfMatch,
) -> Result<TaskRow, ApiError> {
    TaskRow::lock_row(conn, task)?;
    let current = load(conn, partnership, task)?;
    let facts = access_facts(conn, partnership, Some(&current.member_id))?;
    authorize(
        &caller.actor,
        Permission::ProgressResponsibility {
            project_id: facts.project_id.as_deref(),
            lead_organization_id: facts.lead_organization_id.as_deref(),
            member_organization_id: facts.member_organization_id.as_deref(),
        },
    )?;
    if t == TaskTransition::Cancel {
        manage(caller, &facts)?;
    }
    lock_open_partnership(conn, partnership)?;
    if_match.check(&current)?;
    Ok(current)
}

/// Moves a task through `t` (409 when its state does not allow it);
/// `evidence` is the completion's.
pub fn transition(
    conn: &mut DbConn,
    caller: &Caller,
    current: TaskRow,
    t: TaskTransition,
    evidence: Option<String>,
) -> Result<TaskRow, ApiError> {
    let status = TaskStatus::stored(&current.status)?;
    let next = next_state(status, t)?;
    diesel::update(rs::table.find(&current.id))
        .set((
            rs::status.eq(next.as_str()),
            rs::evidence.eq(evidence.as_deref().or(current.evidence.as_deref())),
            rs::updated_at.eq(crate::db::now()),
            rs::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let mut change = Change::new("responsibility", &current.id, t.as_str())
        .value("from", status)
        .value("to", next);
    if let Some(e) = &evidence {
        change = change.value("evidence", e);
    }
    audit::record(conn, caller, change)?;
    load(conn, &current.partnership_id, &current.id)
}
