//! A local partnership as in seed 000: an NGO in Cluj with the county council
//! and the local council of Turda, where the partnership works; active, with
//! the standard responsibilities for the county council.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::Ids;
use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::schema::partnerships as ps;
use crate::error::ApiError;
use crate::partnerships::members::model::AddPartnershipMember;
use crate::partnerships::model::{Agreement, CreatePartnership};
use crate::partnerships::rules::{PartnerRole, Transition};
use crate::partnerships::{members, responsibilities, store};

pub(super) const NAME: &str = "Parteneriat local pentru incluziune socială – Cluj";

/// Creates the partnership (found by its name) as an API client would: a
/// draft with its signed agreement, its three members, then activated, then the
/// standard responsibilities for the council. Returns how many records it
/// counts as created (the partnership, or nothing).
pub(super) fn seed(
    conn: &mut DbConn,
    caller: &Caller,
    project_ids: &Ids,
    org_ids: &Ids,
) -> Result<usize, ApiError> {
    let exists: i64 = ps::table
        .filter(ps::name.eq(NAME))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(0);
    }
    let (Some(ngo), Some(council), Some(town)) = (
        org_ids.get("incluziune"),
        org_ids.get("cluj"),
        org_ids.get("turda"),
    ) else {
        return Ok(0);
    };
    let signed = NaiveDate::from_ymd_opt(2026, 2, 1);
    let form = CreatePartnership {
        name: NAME.to_owned(),
        purpose: Some(
            "Local action plan for social inclusion (PALIS) and the 9 November non-discrimination campaign"
                .to_owned(),
        ),
        project_id: project_ids.get("INCL-RO").cloned(),
        cross_sector: Some(true),
        agreement: Some(Agreement {
            signed_on: signed,
            reference: Some("ACORD 1/2026".to_owned()),
            document_url: None,
        }),
    };
    let row = store::insert(conn, caller, form)?;
    let mut council_member = None;
    for (organization, role) in [
        (ngo, PartnerRole::Lead),
        (council, PartnerRole::Partner),
        (town, PartnerRole::Partner),
    ] {
        let form = AddPartnershipMember {
            organization_id: organization.clone(),
            role,
            joined_on: signed,
            local_coordinator_person_id: None,
        };
        let member = members::store::insert(conn, caller, &row, form)?;
        if organization == council {
            council_member = Some(member.id);
        }
    }
    let row = crate::db::record::find(conn, &row.id)?;
    let row = store::transition(conn, caller, row, Transition::Activate, None)?;
    if let Some(member) = council_member {
        let due = NaiveDate::from_ymd_opt(2026, 11, 9);
        responsibilities::store::apply_template(conn, caller, &row.id, &member, due)?;
    }
    Ok(1)
}
