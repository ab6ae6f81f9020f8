//! One demo account per role: the person (with their membership), the
//! coordinator's project, and the user account with its published password.

use std::fmt::Write;

use diesel::prelude::*;

use super::Ids;
use crate::audit::Caller;
use crate::auth::users::{GlobalRole, NewUser, insert_user};
use crate::db::DbConn;
use crate::db::schema::{organization_members as om, people, project_coordinators as pc, users};
use crate::error::ApiError;
use crate::organizations::model::{AddMember, MemberRole, MemberStatus, OrganizationRow};
use crate::people::model::CreatePerson;

pub(super) struct DemoAccount {
    pub(super) email: &'static str,
    name: &'static str,
    pub(super) password: &'static str,
    global: &'static [GlobalRole],
    /// `(organisation key, role)`: an active membership.
    membership: Option<(&'static str, MemberRole)>,
    /// The code of the project the account's person coordinates.
    coordinates: Option<&'static str>,
    what: &'static str,
}

pub(super) const ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        email: "admin@coopera.example",
        name: "Administrator",
        password: "admin-demo-password",
        global: &[GlobalRole::Admin],
        membership: None,
        coordinates: None,
        what: "admin",
    },
    DemoAccount {
        email: "koordynator@coopera.example",
        name: "Anna Nowak",
        password: "coordinator-demo-password",
        global: &[],
        membership: Some(("probus", MemberRole::OrgMember)),
        coordinates: Some("MW-2014"),
        what: "coordinator of MW-2014",
    },
    DemoAccount {
        email: "orgadmin@coopera.example",
        name: "Piotr Wiśniewski",
        password: "orgadmin-demo-password",
        global: &[],
        membership: Some(("probus", MemberRole::OrgAdmin)),
        coordinates: None,
        what: "org_admin of PROBUS",
    },
    DemoAccount {
        email: "member@coopera.example",
        name: "Ewa Kowalczyk",
        password: "member-demo-password",
        global: &[],
        membership: Some(("abramis", MemberRole::OrgMember)),
        coordinates: None,
        what: "org_member of ABRAMIS",
    },
    DemoAccount {
        email: "trainer@coopera.example",
        name: "Tomasz Zieliński",
        password: "trainer-demo-password",
        global: &[GlobalRole::Trainer],
        membership: None,
        coordinates: None,
        what: "trainer",
    },
    DemoAccount {
        email: "reviewer@coopera.example",
        name: "Ioana Popescu",
        password: "reviewer-demo-password",
        global: &[GlobalRole::Reviewer],
        membership: Some(("incluziune", MemberRole::OrgMember)),
        coordinates: None,
        what: "reviewer",
    },
];

/// What seeding the accounts did: the lines of the report, and how many
/// records it created (people and user accounts).
pub(super) struct Seeded {
    pub(super) report: String,
    pub(super) created: usize,
}

/// Seeds every account (`hashes` are their passwords', in order).
pub(super) fn seed(
    conn: &mut DbConn,
    caller: &Caller,
    hashes: Vec<String>,
    project_ids: &Ids,
    org_ids: &Ids,
) -> Result<Seeded, ApiError> {
    let mut seeded = Seeded {
        report: String::new(),
        created: 0,
    };
    writeln!(
        seeded.report,
        "Demo accounts, with passwords published in the documentation (for trying the API; never load them into a database in use):"
    )
    .ok();
    for (account, hash) in ACCOUNTS.iter().zip(hashes) {
        let membership = account
            .membership
            .and_then(|(key, role)| Some((org_ids.get(key)?.as_str(), role)));
        let refused = || super::refused(format!("account {}", account.email));
        let person_id = seed_person(conn, caller, account, membership, &mut seeded.created)
            .map_err(refused())?;
        if let Some(project_id) = account.coordinates.and_then(|code| project_ids.get(code)) {
            seed_coordinator(conn, caller, project_id, &person_id).map_err(refused())?;
        }
        let note = seed_user(conn, caller, account, hash, person_id, &mut seeded.created)
            .map_err(refused())?;
        writeln!(
            seeded.report,
            "  {:<28} {:<40} {}",
            account.email, note, account.what
        )
        .ok();
    }
    Ok(seeded)
}

/// The account's person, found by email; created with their membership when
/// missing, or given the membership when only that is missing.
fn seed_person(
    conn: &mut DbConn,
    caller: &Caller,
    account: &DemoAccount,
    membership: Option<(&str, MemberRole)>,
    created: &mut usize,
) -> Result<String, ApiError> {
    let existing: Option<String> = people::table
        .filter(people::email.eq(account.email))
        .select(people::id)
        .first(conn)
        .optional()?;
    let Some(person_id) = existing else {
        let form = CreatePerson {
            full_name: account.name.to_owned(),
            email: Some(account.email.to_owned()),
            phone: None,
            position: None,
            organization_id: membership.map(|(org, _)| org.to_owned()),
            role: membership.map(|(_, role)| role),
        };
        *created += 1;
        return Ok(crate::people::store::insert(conn, caller, form)?.0.id);
    };
    if let Some((org_id, role)) = membership {
        let exists: i64 = om::table
            .filter(om::organization_id.eq(org_id))
            .filter(om::person_id.eq(&person_id))
            .count()
            .get_result(conn)?;
        if exists == 0 {
            let organization: OrganizationRow = crate::db::record::find(conn, org_id)?;
            let form = AddMember {
                person_id: person_id.clone(),
                role,
                position: None,
            };
            let active = (MemberStatus::Active, crate::db::now());
            crate::organizations::store::add_member(conn, caller, &organization, form, active)?;
        }
    }
    Ok(person_id)
}

/// Makes the person a coordinator of the project unless they are one.
fn seed_coordinator(
    conn: &mut DbConn,
    caller: &Caller,
    project_id: &str,
    person_id: &str,
) -> Result<(), ApiError> {
    let exists: i64 = pc::table
        .filter(pc::project_id.eq(project_id))
        .filter(pc::person_id.eq(person_id))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    crate::projects::store::add_coordinator(conn, caller, project_id, person_id)
}

/// The user account, created when missing; returns the report's note on it.
fn seed_user(
    conn: &mut DbConn,
    caller: &Caller,
    account: &DemoAccount,
    password_hash: String,
    person_id: String,
    created: &mut usize,
) -> Result<&'static str, ApiError> {
    let has_user: i64 = users::table
        .filter(users::email.eq(account.email))
        .count()
        .get_result(conn)?;
    if has_user > 0 {
        return Ok("(existing account; password unchanged)");
    }
    let new = NewUser {
        email: account.email.to_owned(),
        display_name: account.name.to_owned(),
        password_hash,
        roles: account.global.to_vec(),
        person_id: Some(person_id),
    };
    insert_user(conn, caller, new)?;
    *created += 1;
    Ok(account.password)
}
