//! Writing projects: the one place a project is inserted, changed or moved
//! through its life, used by the handlers and by the demo data alike. Each
//! function runs inside the caller's write transaction and records the change.

use diesel::prelude::*;

use super::model::{CreateProject, ProjectRow, UpdateProject};
use super::rules::{ProjectStatus, Transition, check_period};
use crate::audit::{self, Caller, Change};
use crate::db::enums::StrEnum;
use crate::db::record::{self, Record};
use crate::db::schema::projects as pr;
use crate::db::{DbConn, fold_for_search, now};
use crate::error::{ApiError, FieldError};
use crate::http::archive::refuse_archived;
use crate::http::transition::{next_state, refuse_change_in};

/// Inserts a `planned` project.
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    mut form: CreateProject,
) -> Result<ProjectRow, ApiError> {
    form.code = form.code.trim().to_owned();
    form.title = form.title.trim().to_owned();
    check_period(form.starts_on, form.ends_on, "ends_on", "starts_on")?;
    if let Some(org) = &form.lead_organization_id {
        crate::db::references::ensure_organization(conn, org, "lead_organization_id")?;
    }
    let taken: i64 = pr::table
        .filter(pr::code.eq(&form.code))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(ApiError::validation(vec![FieldError::new(
            "code",
            "not_unique",
            "is already the code of another project",
        )]));
    }
    let id = crate::db::new_id();
    let now = now();
    let status = ProjectStatus::Planned;
    diesel::insert_into(pr::table)
        .values((
            pr::id.eq(&id),
            pr::code.eq(&form.code),
            pr::title.eq(&form.title),
            pr::title_search.eq(fold_for_search(&form.title)),
            pr::funding_programme.eq(&form.funding_programme),
            pr::starts_on.eq(form.starts_on),
            pr::ends_on.eq(form.ends_on),
            pr::lead_organization_id.eq(&form.lead_organization_id),
            pr::status.eq(status.as_str()),
            pr::description.eq(&form.description),
            pr::created_at.eq(now),
            pr::updated_at.eq(now),
            pr::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("project", &id, "create")
        .form(&form, &[])
        .value("status", status);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Applies `changes` to `current` (read with [`record::for_change`]); a
/// closed project cannot be changed.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    current: ProjectRow,
    mut changes: UpdateProject,
) -> Result<ProjectRow, ApiError> {
    refuse_archived(
        current.archived_at,
        "An archived project cannot be changed.",
    )?;
    refuse_change_in(
        ProjectStatus::stored(&current.status)?,
        &[ProjectStatus::Closed],
    )?;
    let id = current.id.clone();
    if let Some(title) = &mut changes.title {
        *title = title.trim().to_owned();
    }
    let title = changes.title.clone().unwrap_or(current.title);
    let funding = changes
        .funding_programme
        .clone()
        .unwrap_or(current.funding_programme);
    let starts = changes.starts_on.unwrap_or(current.starts_on);
    let ends = changes.ends_on.unwrap_or(current.ends_on);
    let lead = changes
        .lead_organization_id
        .clone()
        .unwrap_or(current.lead_organization_id);
    let description = changes.description.clone().unwrap_or(current.description);
    check_period(starts, ends, "ends_on", "starts_on")?;
    if let Some(org) = &lead {
        crate::db::references::ensure_organization(conn, org, "lead_organization_id")?;
    }
    diesel::update(pr::table.find(&id))
        .set((
            pr::title.eq(&title),
            pr::title_search.eq(fold_for_search(&title)),
            pr::funding_programme.eq(&funding),
            pr::starts_on.eq(starts),
            pr::ends_on.eq(ends),
            pr::lead_organization_id.eq(&lead),
            pr::description.eq(&description),
            pr::updated_at.eq(now()),
            pr::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("project", &id, "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Moves `current` through `t` (409 when its state does not allow it).
pub fn transition(
    conn: &mut DbConn,
    caller: &Caller,
    current: ProjectRow,
    t: Transition,
) -> Result<ProjectRow, ApiError> {
    refuse_archived(
        current.archived_at,
        "An archived project cannot be changed.",
    )?;
    let status = ProjectStatus::stored(&current.status)?;
    let next = next_state(status, t)?;
    diesel::update(pr::table.find(&current.id))
        .set((
            pr::status.eq(next.as_str()),
            pr::updated_at.eq(now()),
            pr::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("project", &current.id, t.as_str())
        .value("status", next)
        .value("previous_status", status);
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// Archives `current` (read with its lock) for `reason`, kept in the
/// change log: a project that is not active (planned and never started,
/// or closed; 409 while active) stays readable and referable, hidden from
/// the list unless asked for, and frozen.
pub fn archive(
    conn: &mut DbConn,
    caller: &Caller,
    current: ProjectRow,
    reason: &str,
) -> Result<ProjectRow, ApiError> {
    refuse_archived(
        current.archived_at,
        "An archived project cannot be changed.",
    )?;
    let status = ProjectStatus::stored(&current.status)?;
    if status == ProjectStatus::Active {
        return Err(ApiError::invalid_transition(
            status.as_str(),
            vec!["close".to_owned()],
            "An active project cannot be archived: close it first.",
        ));
    }
    let now = now();
    diesel::update(pr::table.find(&current.id))
        .set((
            pr::archived_at.eq(now),
            pr::updated_at.eq(now),
            pr::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("project", &current.id, "archive")
        .value("archived_at", now.and_utc())
        .value("reason", reason.trim());
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// The most coordinators a project can have.
pub const MAX_COORDINATORS: i64 = 200;
/// The most projects a person can coordinate.
pub const MAX_COORDINATED_PER_PERSON: i64 = 100;

/// Makes `person` a coordinator of project `id` (404 unless it exists): 409
/// if they are one already, 422 past the limits.
pub fn add_coordinator(
    conn: &mut DbConn,
    caller: &Caller,
    id: &str,
    person: &str,
) -> Result<(), ApiError> {
    use crate::db::schema::project_coordinators as pc;
    record::find::<ProjectRow>(conn, id)?;
    crate::db::references::ensure_person(conn, person, "person_id")?;
    let exists: i64 = pc::table
        .filter(pc::project_id.eq(id))
        .filter(pc::person_id.eq(person))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Err(ApiError::new(
            crate::error::ProblemCode::AlreadyExists,
            "The person already coordinates this project.",
        ));
    }
    let count: i64 = pc::table
        .filter(pc::project_id.eq(id))
        .count()
        .get_result(conn)?;
    let coordinated: i64 = pc::table
        .filter(pc::person_id.eq(person))
        .count()
        .get_result(conn)?;
    if coordinated >= MAX_COORDINATED_PER_PERSON {
        return Err(ApiError::validation(vec![FieldError::new(
            "person_id",
            "too_many_projects",
            format!("a person coordinates at most {MAX_COORDINATED_PER_PERSON} projects"),
        )]));
    }
    if count >= MAX_COORDINATORS {
        return Err(ApiError::validation(vec![FieldError::new(
            "person_id",
            "too_many_coordinators",
            format!("a project has at most {MAX_COORDINATORS} coordinators"),
        )]));
    }
    diesel::insert_into(pc::table)
        .values((
            pc::project_id.eq(id),
            pc::person_id.eq(person),
            pc::created_at.eq(now()),
        ))
        .execute(conn)?;
    let change = Change::new("project", id, "add_coordinator").value("person_id", person);
    audit::record(conn, caller, change)
}
