//! Reading and writing people: a person with their memberships, shown as the
//! caller may see them; creating (optionally as a member of an organisation)
//! and changing, used by the handlers and by the demo data. Email and phone are
//! personal data: the change log records their names only.

use diesel::prelude::*;

use super::model::{CreatePerson, Person, PersonMembership, PersonRow, UpdatePerson};
use crate::audit::{self, Caller, Change};
use crate::auth::Actor;
use crate::auth::policy::{Permission, allows};
use crate::db::enums::StrEnum;
use crate::db::record;
use crate::db::schema::{organization_members as om, people, users};
use crate::db::{DbConn, fold_for_search, now};
use crate::error::{ApiError, FieldError};
use crate::http::archive::refuse_archived;
use crate::organizations::model::{AddMember, MemberRole, MemberStatus, OrganizationRow};

/// The fields of a person that are personal data.
pub const PERSONAL: &[&str] = &["email", "phone"];

pub fn memberships(conn: &mut DbConn, person_id: &str) -> Result<Vec<PersonMembership>, ApiError> {
    let rows: Vec<(String, String, String, String)> = om::table
        .filter(om::person_id.eq(person_id))
        .select((om::id, om::organization_id, om::role, om::status))
        .order(om::organization_id.asc())
        .load(conn)?;
    rows.into_iter()
        .map(|(id, organization_id, role, status)| {
            Ok(PersonMembership {
                id,
                role: MemberRole::stored(&role)?,
                status: MemberStatus::stored(&status)?,
                organization_id,
            })
        })
        .collect()
}

/// The organisations the person is an active member of: the only ones whose
/// admins the person's record is open to.
pub fn active_org_ids(m: &[PersonMembership]) -> Vec<String> {
    m.iter()
        .filter(|m| m.status == MemberStatus::Active)
        .map(|m| m.organization_id.clone())
        .collect()
}

/// Whether a user account is linked to the person.
pub fn has_account(conn: &mut DbConn, person_id: &str) -> Result<bool, ApiError> {
    let n: i64 = users::table
        .filter(users::person_id.eq(person_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn present(actor: &Actor, row: PersonRow, organizations: Vec<PersonMembership>) -> Person {
    let ids = active_org_ids(&organizations);
    let visible = allows(
        actor,
        Permission::ReadPersonalData {
            person_id: &row.id,
            organizations: &ids,
        },
    );
    Person {
        id: row.id,
        full_name: row.full_name,
        position: row.position,
        organizations,
        personal_data_visible: visible,
        email: if visible { row.email } else { None },
        phone: if visible { row.phone } else { None },
        archived_at: row.archived_at.map(Into::into),
        created_at: row.created_at.into(),
        updated_at: row.updated_at.into(),
        version: row.version,
    }
}

pub fn load(conn: &mut DbConn, id: &str) -> Result<(PersonRow, Vec<PersonMembership>), ApiError> {
    let row = record::find(conn, id)?;
    let m = memberships(conn, id)?;
    Ok((row, m))
}

/// Trimmed text; blank is none.
fn clean(v: Option<String>) -> Option<String> {
    v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}

/// Creates a person and, when the form names an organisation, their active
/// membership of it.
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    mut form: CreatePerson,
) -> Result<(PersonRow, Vec<PersonMembership>), ApiError> {
    form.full_name = form.full_name.trim().to_owned();
    let organization: Option<OrganizationRow> = match &form.organization_id {
        Some(org) => {
            crate::db::references::ensure_organization(conn, org, "organization_id")?;
            let organization: OrganizationRow = record::find(conn, org)?;
            if organization.archived_at.is_some() {
                return Err(ApiError::validation(vec![FieldError::new(
                    "organization_id",
                    "archived",
                    "is an archived organisation, which cannot gain members",
                )]));
            }
            Some(organization)
        }
        None => None,
    };
    let full_name = form.full_name.clone();
    let email = clean(form.email.clone()).map(|e| e.to_lowercase());
    let id = crate::db::new_id();
    let now = now();
    diesel::insert_into(people::table)
        .values((
            people::id.eq(&id),
            people::full_name.eq(&full_name),
            people::name_search.eq(fold_for_search(&full_name)),
            people::email.eq(email),
            people::phone.eq(clean(form.phone.clone())),
            people::position.eq(clean(form.position.clone())),
            people::created_at.eq(now),
            people::updated_at.eq(now),
            people::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("person", &id, "create").form(&form, PERSONAL);
    audit::record(conn, caller, change)?;
    if let Some(organization) = organization {
        let membership = AddMember {
            person_id: id.clone(),
            role: form.role.unwrap_or(MemberRole::OrgMember),
            position: None,
        };
        let active = (MemberStatus::Active, now);
        crate::organizations::store::add_member(conn, caller, &organization, membership, active)?;
    }
    load(conn, &id)
}

/// Applies `changes` to `current` (read with `record::for_change`).
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    current: PersonRow,
    changes: UpdatePerson,
) -> Result<(PersonRow, Vec<PersonMembership>), ApiError> {
    refuse_archived(current.archived_at, "An archived person cannot be changed.")?;
    let full_name = changes
        .full_name
        .as_deref()
        .map(str::trim)
        .map(str::to_owned)
        .unwrap_or(current.full_name);
    let email = match &changes.email {
        Some(e) => clean(e.clone()).map(|e| e.to_lowercase()),
        None => current.email,
    };
    let phone = changes.phone.clone().map_or(current.phone, clean);
    let position = changes.position.clone().map_or(current.position, clean);
    diesel::update(people::table.find(&current.id))
        .set((
            people::full_name.eq(&full_name),
            people::name_search.eq(fold_for_search(&full_name)),
            people::email.eq(&email),
            people::phone.eq(&phone),
            people::position.eq(&position),
            people::updated_at.eq(now()),
            people::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("person", &current.id, "update").form(&changes, PERSONAL);
    audit::record(conn, caller, change)?;
    load(conn, &current.id)
}

/// Archives `current` (read with its lock) for `reason`, kept in the
/// change log: the person stays readable and referable, hidden from the
/// list unless asked for, and frozen. Their memberships and user account
/// are left as they are.
pub fn archive(
    conn: &mut DbConn,
    caller: &Caller,
    current: PersonRow,
    reason: &str,
) -> Result<(PersonRow, Vec<PersonMembership>), ApiError> {
    refuse_archived(current.archived_at, "An archived person cannot be changed.")?;
    let now = now();
    diesel::update(people::table.find(&current.id))
        .set((
            people::archived_at.eq(now),
            people::updated_at.eq(now),
            people::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("person", &current.id, "archive")
        .value("archived_at", now.and_utc())
        .value("reason", reason.trim());
    audit::record(conn, caller, change)?;
    load(conn, &current.id)
}

/// The entity tag of `person` as this caller sees it: callers who see the
/// personal data get another body, so another tag.
pub fn tag_of(person: &Person) -> actix_web::http::header::EntityTag {
    let variant = if person.personal_data_visible {
        "p"
    } else {
        "d"
    };
    crate::http::conditional::etag(&format!("{}.{variant}", person.id), person.version)
}
