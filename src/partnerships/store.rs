//! Writing partnerships: create, change and move through their life, used by
//! the handlers and by the demo data. Each function runs inside the caller's
//! write transaction and records the change.

use diesel::prelude::*;

use super::model::{Agreement, CreatePartnership, PartnershipRow, UpdatePartnership};
use super::rules::{self, PartnerRole, PartnershipStatus, Transition, as_field_errors};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize};
use crate::db::enums::StrEnum;
use crate::db::record;
use crate::db::schema::{organizations as org, partnership_members as pm, partnerships as ps};
use crate::db::{DbConn, fold_for_search, now};
use crate::error::{ApiError, ProblemCode};
use crate::http::transition::{StateMachine, next_state, refuse_change_in};
use crate::organizations::model::OrganizationKind;

/// The lead organisation among current members, for access decisions.
pub fn lead_of(conn: &mut DbConn, id: &str) -> Result<Option<String>, ApiError> {
    Ok(pm::table
        .filter(pm::partnership_id.eq(id))
        .filter(pm::left_on.is_null())
        .filter(pm::role.eq(PartnerRole::Lead.as_str()))
        .select(pm::organization_id)
        .first(conn)
        .optional()?)
}

/// Admins, coordinators of its project, org admins of its lead member.
pub fn may_manage(
    caller: &Caller,
    conn: &mut DbConn,
    row: &PartnershipRow,
) -> Result<(), ApiError> {
    let lead = lead_of(conn, &row.id)?;
    authorize(
        &caller.actor,
        Permission::ManagePartnership {
            project_id: row.project_id.as_deref(),
            lead_organization_id: lead.as_deref(),
        },
    )
}

/// 409 if the partnership is dissolved: its record is final.
pub fn ensure_not_dissolved(row: &PartnershipRow) -> Result<(), ApiError> {
    if PartnershipStatus::stored(&row.status)? == PartnershipStatus::Dissolved {
        return Err(ApiError::invalid_transition(
            "dissolved",
            Vec::new(),
            "A dissolved partnership is final: it, its members and their responsibilities cannot be changed.",
        ));
    }
    Ok(())
}

/// Inserts a `draft` partnership.
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    mut form: CreatePartnership,
) -> Result<PartnershipRow, ApiError> {
    if let Some(project) = &form.project_id {
        crate::db::references::ensure_project(conn, project, "project_id")?;
    }
    form.name = form.name.trim().to_owned();
    form.cross_sector = Some(form.cross_sector.unwrap_or(true));
    let agreement = form
        .agreement
        .get_or_insert_with(Agreement::default)
        .clone();
    let id = crate::db::new_id();
    let now = now();
    let status = PartnershipStatus::Draft;
    diesel::insert_into(ps::table)
        .values((
            ps::id.eq(&id),
            ps::name.eq(&form.name),
            ps::name_search.eq(fold_for_search(&form.name)),
            ps::purpose.eq(&form.purpose),
            ps::project_id.eq(&form.project_id),
            ps::cross_sector.eq(form.cross_sector.unwrap_or(true)),
            ps::status.eq(status.as_str()),
            ps::agreement_signed_on.eq(agreement.signed_on),
            ps::agreement_reference.eq(&agreement.reference),
            ps::agreement_document_url.eq(&agreement.document_url),
            ps::created_at.eq(now),
            ps::updated_at.eq(now),
            ps::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("partnership", &id, "create")
        .form(&form, &[])
        .value("status", status);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Applies `changes` to `current` (read with `record::for_change`). A
/// dissolved partnership cannot be changed, and an active one keeps what
/// activating it required.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    current: PartnershipRow,
    mut changes: UpdatePartnership,
) -> Result<PartnershipRow, ApiError> {
    let status = PartnershipStatus::stored(&current.status)?;
    refuse_change_in(status, &[PartnershipStatus::Dissolved])?;
    if let Some(name) = &mut changes.name {
        *name = name.trim().to_owned();
    }
    let id = current.id.clone();
    let name = changes.name.clone().unwrap_or(current.name);
    let purpose = changes.purpose.clone().unwrap_or(current.purpose);
    let cross_sector = changes.cross_sector.unwrap_or(current.cross_sector);
    let agreement = changes.agreement.clone().unwrap_or(Agreement {
        signed_on: current.agreement_signed_on,
        reference: current.agreement_reference,
        document_url: current.agreement_document_url,
    });
    diesel::update(ps::table.find(&id))
        .set((
            ps::name.eq(&name),
            ps::name_search.eq(fold_for_search(&name)),
            ps::purpose.eq(&purpose),
            ps::cross_sector.eq(cross_sector),
            ps::agreement_signed_on.eq(agreement.signed_on),
            ps::agreement_reference.eq(&agreement.reference),
            ps::agreement_document_url.eq(&agreement.document_url),
            ps::updated_at.eq(now()),
            ps::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("partnership", &id, "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    keeps_activation_conditions(conn, &id)?;
    record::find(conn, &id)
}

/// What the activation conditions look at, as the database has it now.
fn facts(conn: &mut DbConn, row: &PartnershipRow) -> Result<rules::Facts, ApiError> {
    let members: Vec<(String, String)> = pm::table
        .inner_join(org::table)
        .filter(pm::partnership_id.eq(&row.id))
        .filter(pm::left_on.is_null())
        .select((org::kind, pm::role))
        .load(conn)?;
    Ok(rules::Facts {
        current_members: members
            .iter()
            .map(|(k, r)| Ok((OrganizationKind::stored(k)?, PartnerRole::stored(r)?)))
            .collect::<Result<_, ApiError>>()?,
        agreement_signed: row.agreement_signed_on.is_some(),
        cross_sector: row.cross_sector,
    })
}

/// An active partnership keeps what activating it required (two current
/// members, a lead, the signed agreement, both sectors when cross-sector): a
/// change that would lose one is refused with 422 naming each condition, and
/// rolled back with the transaction. To make such a change, suspend the
/// partnership first; resuming checks the conditions again.
pub fn keeps_activation_conditions(conn: &mut DbConn, id: &str) -> Result<(), ApiError> {
    let row: PartnershipRow = record::find(conn, id)?;
    let status = PartnershipStatus::stored(&row.status)?;
    if status != PartnershipStatus::Active {
        return Ok(());
    }
    let unmet = rules::unmet_for_activation(&facts(conn, &row)?);
    if unmet.is_empty() {
        return Ok(());
    }
    Err(ApiError::new(
        ProblemCode::ValidationFailed,
        "An active partnership must keep what activating it required; suspend it first to make this change.",
    )
    .with_errors(as_field_errors(unmet))
    .with_transition(status.as_str(), allowed(status)))
}

fn allowed(status: PartnershipStatus) -> Vec<String> {
    status
        .allowed()
        .iter()
        .map(|t| t.as_str().to_owned())
        .collect()
}

/// Moves `current` through `t`: 409 when its state does not allow it, 422
/// naming every unmet condition when it would become active. `reason` is the
/// dissolution's.
pub fn transition(
    conn: &mut DbConn,
    caller: &Caller,
    current: PartnershipRow,
    t: Transition,
    reason: Option<String>,
) -> Result<PartnershipRow, ApiError> {
    let status = PartnershipStatus::stored(&current.status)?;
    let next = next_state(status, t)?;
    if next == PartnershipStatus::Active {
        let unmet = rules::unmet_for_activation(&facts(conn, &current)?);
        if !unmet.is_empty() {
            return Err(ApiError::validation(as_field_errors(unmet))
                .with_transition(status.as_str(), allowed(status)));
        }
    }
    diesel::update(ps::table.find(&current.id))
        .set((
            ps::status.eq(next.as_str()),
            ps::dissolution_reason.eq(reason.as_deref().or(current.dissolution_reason.as_deref())),
            ps::updated_at.eq(now()),
            ps::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let mut change = Change::new("partnership", &current.id, t.as_str())
        .value("from", status)
        .value("to", next);
    if let Some(reason) = &reason {
        change = change.value("reason", reason);
    }
    audit::record(conn, caller, change)?;
    record::find(conn, &current.id)
}

/// The kinds of a partnership's current members' organisations.
pub fn current_member_kinds(
    conn: &mut DbConn,
    id: &str,
) -> Result<Vec<OrganizationKind>, ApiError> {
    let kinds: Vec<String> = pm::table
        .inner_join(org::table)
        .filter(pm::partnership_id.eq(id))
        .filter(pm::left_on.is_null())
        .select(org::kind)
        .load(conn)?;
    kinds.iter().map(|k| OrganizationKind::stored(k)).collect()
}
