//! `coopera seed-demo`: a small, realistic data set built on the projects in the
//! seed documents — the Zgorzelec county project "Model współpracy – standardem
//! działań NGO i JST" (two foundations and the county), and a Romanian social
//! inclusion project (a county council and an NGO) — with one account per role,
//! so that a tester in Swagger UI has something to try. Idempotent: records are
//! found by their identifiers and created only when missing; passwords of existing
//! accounts are left alone. The identifiers are fictional but pass their checksums.

use std::fmt::Write;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::audit::{self, Caller, Change};
use crate::auth::Actor;
use crate::auth::users::{GlobalRole, NewUser, insert_user};
use crate::db::DbConn;
use crate::db::schema::{
    activities as act, campaign_locations as cl, campaigns as cp, good_practice_tags as gt,
    good_practices as gp, organization_members as om, organizations as org,
    partnership_members as pm, partnerships as ps, people, project_coordinators as pc,
    projects as pr, responsibilities as rs, result_indicators as ri, territorial_units as tu,
    users,
};
use crate::error::ApiError;
use crate::partnerships::responsibilities::rules::ResponsibilityCategory;

struct DemoOrg {
    key: &'static str,
    name: &'static str,
    kind: &'static str,
    country: &'static str,
    krs: Option<&'static str>,
    nip: Option<&'static str>,
    regon: Option<&'static str>,
    teryt_code: Option<&'static str>,
    cui: Option<&'static str>,
    unit: &'static str,
    city: &'static str,
}

const ORGS: &[DemoOrg] = &[
    DemoOrg {
        key: "probus",
        name: "Fundacja Wspierania Inicjatyw Lokalnych PROBUS",
        kind: "ngo",
        country: "PL",
        krs: Some("0000999001"),
        nip: Some("6151000018"),
        regon: Some("029990017"),
        teryt_code: None,
        cui: None,
        unit: "0225",
        city: "Zgorzelec",
    },
    DemoOrg {
        key: "abramis",
        name: "Fundacja Integracji Społecznej ABRAMIS",
        kind: "ngo",
        country: "PL",
        krs: Some("0000999002"),
        nip: Some("6151000024"),
        regon: Some("029990023"),
        teryt_code: None,
        cui: None,
        unit: "0225",
        city: "Zgorzelec",
    },
    DemoOrg {
        key: "powiat",
        name: "Powiat Zgorzelecki (Starostwo Powiatowe w Zgorzelcu)",
        kind: "local_government",
        country: "PL",
        krs: None,
        nip: Some("6151000030"),
        regon: Some("029990030"),
        teryt_code: Some("0225"),
        cui: None,
        unit: "0225",
        city: "Zgorzelec",
    },
    DemoOrg {
        key: "cluj",
        name: "Consiliul Județean Cluj",
        kind: "local_government",
        country: "RO",
        krs: None,
        nip: None,
        regon: None,
        teryt_code: Some("RO-CJ"),
        cui: Some("49990016"),
        unit: "RO-CJ",
        city: "Cluj-Napoca",
    },
    DemoOrg {
        key: "incluziune",
        name: "Asociația pentru Incluziune Socială",
        kind: "ngo",
        country: "RO",
        krs: None,
        nip: None,
        regon: None,
        teryt_code: None,
        cui: Some("49990024"),
        unit: "RO-CJ",
        city: "Cluj-Napoca",
    },
];

struct DemoAccount {
    email: &'static str,
    name: &'static str,
    password: &'static str,
    global: &'static [GlobalRole],
    /// `(organisation key, org_admin | org_member)`
    membership: Option<(&'static str, &'static str)>,
    coordinates: Option<&'static str>,
    what: &'static str,
}

const ACCOUNTS: &[DemoAccount] = &[
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
        membership: Some(("probus", "org_member")),
        coordinates: Some("MW-2014"),
        what: "coordinator of MW-2014",
    },
    DemoAccount {
        email: "orgadmin@coopera.example",
        name: "Piotr Wiśniewski",
        password: "orgadmin-demo-password",
        global: &[],
        membership: Some(("probus", "org_admin")),
        coordinates: None,
        what: "org_admin of PROBUS",
    },
    DemoAccount {
        email: "member@coopera.example",
        name: "Ewa Kowalczyk",
        password: "member-demo-password",
        global: &[],
        membership: Some(("abramis", "org_member")),
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
        membership: Some(("incluziune", "org_member")),
        coordinates: None,
        what: "reviewer",
    },
];

/// The accounts in the database other than the demo accounts, by email (at
/// most `limit`). The demo accounts have published passwords, so `seed-demo`
/// refuses a database where anyone else has an account unless told otherwise.
pub fn other_accounts(conn: &mut DbConn, limit: i64) -> Result<Vec<String>, ApiError> {
    let demo: Vec<&str> = ACCOUNTS.iter().map(|a| a.email).collect();
    Ok(users::table
        .filter(users::email.ne_all(demo))
        .select(users::email)
        .order(users::email.asc())
        .limit(limit)
        .load(conn)?)
}

/// Loads the demo data; returns a report to print.
pub fn seed(conn: &mut DbConn) -> Result<String, ApiError> {
    let caller = Caller {
        actor: Actor::Anonymous,
        request_id: None,
    };
    // Hash outside the transaction: argon2 is slow on purpose.
    let mut hashes = Vec::new();
    for account in ACCOUNTS {
        hashes.push(crate::auth::password::hash(account.password)?);
    }
    let mut report = String::new();
    let mut created = 0;
    crate::db::write_transaction(conn, |conn| {
        let now = crate::db::now();
        if tu::table.find("0225").count().get_result::<i64>(conn)? == 0 {
            diesel::insert_into(tu::table)
                .values((
                    tu::code.eq("0225"),
                    tu::name.eq("zgorzelecki"),
                    tu::name_search.eq("zgorzelecki"),
                    tu::level.eq("county"),
                    tu::parent_code.eq("02"),
                    tu::country.eq("PL"),
                    tu::created_at.eq(now),
                    tu::updated_at.eq(now),
                    tu::version.eq(1),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &caller,
                Change::new("territorial_unit", "0225", "create").value("name", "zgorzelecki"),
            )?;
        }

        let mut org_ids = std::collections::HashMap::new();
        for o in ORGS {
            let mut q = org::table.select(org::id).into_boxed();
            q = match (o.nip, o.cui) {
                (Some(nip), _) => q.filter(org::nip.eq(nip)),
                (None, Some(cui)) => q.filter(org::cui.eq(cui)),
                (None, None) => q.filter(org::name.eq(o.name)),
            };
            let id = match q.first::<String>(conn).optional()? {
                Some(id) => id,
                None => {
                    let id = crate::db::new_id();
                    diesel::insert_into(org::table)
                        .values((
                            org::id.eq(&id),
                            org::name.eq(o.name),
                            org::name_search.eq(crate::db::fold_for_search(o.name)),
                            org::kind.eq(o.kind),
                            org::country.eq(o.country),
                            org::krs.eq(o.krs),
                            org::nip.eq(o.nip),
                            org::regon.eq(o.regon),
                            org::teryt_code.eq(o.teryt_code),
                            org::cui.eq(o.cui),
                            org::territorial_unit_code.eq(o.unit),
                            org::city.eq(o.city),
                            org::created_at.eq(now),
                            org::updated_at.eq(now),
                            org::version.eq(1),
                        ))
                        .execute(conn)?;
                    audit::record(
                        conn,
                        &caller,
                        Change::new("organization", &id, "create")
                            .value("name", o.name)
                            .value("kind", o.kind),
                    )?;
                    created += 1;
                    id
                }
            };
            org_ids.insert(o.key, id);
        }

        let projects = [
            (
                "MW-2014",
                "Model współpracy – standardem działań NGO i JST",
                "probus",
                "active",
                NaiveDate::from_ymd_opt(2014, 1, 1),
                NaiveDate::from_ymd_opt(2015, 4, 30),
            ),
            (
                "INCL-RO",
                "Incluziune socială și nediscriminare",
                "incluziune",
                "planned",
                NaiveDate::from_ymd_opt(2026, 1, 1),
                NaiveDate::from_ymd_opt(2027, 12, 31),
            ),
        ];
        let mut project_ids = std::collections::HashMap::new();
        for (code, title, lead, status, starts, ends) in projects {
            let existing: Option<String> = pr::table
                .filter(pr::code.eq(code))
                .select(pr::id)
                .first(conn)
                .optional()?;
            let id = match existing {
                Some(id) => id,
                None => {
                    let form = crate::projects::model::CreateProject {
                        code: code.to_owned(),
                        title: title.to_owned(),
                        funding_programme: Some("EFS / POKL".to_owned()),
                        starts_on: starts,
                        ends_on: ends,
                        lead_organization_id: org_ids.get(lead).cloned(),
                        description: None,
                    };
                    let mut row = crate::projects::store::insert(conn, &caller, form)?;
                    if status != "planned" {
                        let t = crate::projects::rules::Transition::Activate;
                        row = crate::projects::store::transition(conn, &caller, row, t)?;
                    }
                    created += 1;
                    row.id
                }
            };
            project_ids.insert(code, id);
        }

        // A local partnership as in seed 000: the county council and an NGO in
        // Cluj, active, with the standard responsibilities for the council.
        let partnership_name = "Parteneriat local pentru incluziune socială – Cluj";
        let existing: Option<String> = ps::table
            .filter(ps::name.eq(partnership_name))
            .select(ps::id)
            .first(conn)
            .optional()?;
        if existing.is_none() {
            let pid = crate::db::new_id();
            let signed = NaiveDate::from_ymd_opt(2026, 2, 1);
            diesel::insert_into(ps::table)
                .values((
                    ps::id.eq(&pid),
                    ps::name.eq(partnership_name),
                    ps::name_search.eq(crate::db::fold_for_search(partnership_name)),
                    ps::purpose.eq(
                        "Local action plan for social inclusion (PALIS) and the 9 November non-discrimination campaign",
                    ),
                    ps::project_id.eq(project_ids.get("INCL-RO")),
                    ps::cross_sector.eq(true),
                    ps::status.eq("active"),
                    ps::agreement_signed_on.eq(signed),
                    ps::agreement_reference.eq("ACORD 1/2026"),
                    ps::created_at.eq(now),
                    ps::updated_at.eq(now),
                    ps::version.eq(1),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &caller,
                Change::new("partnership", &pid, "create").value("name", partnership_name),
            )?;
            for (key, role) in [("incluziune", "lead"), ("cluj", "partner")] {
                let (Some(org_id), Some(joined)) = (org_ids.get(key), signed) else {
                    continue;
                };
                let mid = crate::db::new_id();
                diesel::insert_into(pm::table)
                    .values((
                        pm::id.eq(&mid),
                        pm::partnership_id.eq(&pid),
                        pm::organization_id.eq(org_id),
                        pm::role.eq(role),
                        pm::joined_on.eq(joined),
                        pm::created_at.eq(now),
                        pm::updated_at.eq(now),
                        pm::version.eq(1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("partnership_member", &mid, "create")
                        .value("partnership_id", &pid)
                        .value("organization_id", org_id)
                        .value("role", role),
                )?;
                if role != "partner" {
                    continue;
                }
                for &category in ResponsibilityCategory::ALL {
                    let tid = crate::db::new_id();
                    diesel::insert_into(rs::table)
                        .values((
                            rs::id.eq(&tid),
                            rs::partnership_id.eq(&pid),
                            rs::member_id.eq(&mid),
                            rs::category.eq(category.as_str()),
                            rs::title.eq(category.template()),
                            rs::due_on.eq(NaiveDate::from_ymd_opt(2026, 11, 9)),
                            rs::status.eq("todo"),
                            rs::created_at.eq(now),
                            rs::updated_at.eq(now),
                            rs::version.eq(1),
                        ))
                        .execute(conn)?;
                    audit::record(
                        conn,
                        &caller,
                        Change::new("responsibility", &tid, "create")
                            .value("category", category)
                            .value("member_id", &mid),
                    )?;
                }
            }
            created += 1;
        }
        created += seed_project_records(conn, &caller, &project_ids, &org_ids)?;

        writeln!(
            report,
            "Demo accounts, with passwords published in the documentation (for trying the API; never load them into a database in use):"
        )
        .ok();
        for (account, hash) in ACCOUNTS.iter().zip(hashes) {
            let person_id: Option<String> = people::table
                .filter(people::email.eq(account.email))
                .select(people::id)
                .first(conn)
                .optional()?;
            let person_id = match person_id {
                Some(id) => id,
                None => {
                    let id = crate::db::new_id();
                    diesel::insert_into(people::table)
                        .values((
                            people::id.eq(&id),
                            people::full_name.eq(account.name),
                            people::name_search.eq(crate::db::fold_for_search(account.name)),
                            people::email.eq(account.email),
                            people::created_at.eq(now),
                            people::updated_at.eq(now),
                            people::version.eq(1),
                        ))
                        .execute(conn)?;
                    audit::record(
                        conn,
                        &caller,
                        Change::new("person", &id, "create")
                            .value("full_name", account.name)
                            .personal("email"),
                    )?;
                    created += 1;
                    id
                }
            };
            if let Some((org_key, role)) = account.membership
                && let Some(org_id) = org_ids.get(org_key)
            {
                let exists: i64 = om::table
                    .filter(om::organization_id.eq(org_id))
                    .filter(om::person_id.eq(&person_id))
                    .count()
                    .get_result(conn)?;
                if exists == 0 {
                    let id = crate::db::new_id();
                    diesel::insert_into(om::table)
                        .values((
                            om::id.eq(&id),
                            om::organization_id.eq(org_id),
                            om::person_id.eq(&person_id),
                            om::role.eq(role),
                            om::created_at.eq(now),
                            om::updated_at.eq(now),
                            om::version.eq(1),
                        ))
                        .execute(conn)?;
                    audit::record(
                        conn,
                        &caller,
                        Change::new("organization_member", &id, "create")
                            .value("organization_id", org_id)
                            .value("person_id", &person_id)
                            .value("role", role),
                    )?;
                }
            }
            if let Some(code) = account.coordinates
                && let Some(project_id) = project_ids.get(code)
            {
                let exists: i64 = pc::table
                    .filter(pc::project_id.eq(project_id))
                    .filter(pc::person_id.eq(&person_id))
                    .count()
                    .get_result(conn)?;
                if exists == 0 {
                    diesel::insert_into(pc::table)
                        .values((
                            pc::project_id.eq(project_id),
                            pc::person_id.eq(&person_id),
                            pc::created_at.eq(now),
                        ))
                        .execute(conn)?;
                    audit::record(
                        conn,
                        &caller,
                        Change::new("project", project_id, "add_coordinator")
                            .value("person_id", &person_id),
                    )?;
                }
            }
            let has_user: i64 = users::table
                .filter(users::email.eq(account.email))
                .count()
                .get_result(conn)?;
            let note = if has_user == 0 {
                insert_user(
                    conn,
                    &caller,
                    NewUser {
                        email: account.email.to_owned(),
                        display_name: account.name.to_owned(),
                        password_hash: hash,
                        roles: account.global.to_vec(),
                        person_id: Some(person_id),
                    },
                )?;
                created += 1;
                account.password
            } else {
                "(existing account; password unchanged)"
            };
            writeln!(
                report,
                "  {:<28} {:<40} {}",
                account.email, note, account.what
            )
            .ok();
        }
        Ok(())
    })?;
    writeln!(
        report,
        "{created} records created; organisations {}, projects MW-2014 and INCL-RO.",
        ORGS.len()
    )
    .ok();
    Ok(report)
}

/// The 9 November campaign of seed 000 (five locations, at least two actions in
/// each; two locations still short), the project's result indicators, and two
/// entries of the good-practice compendium. Created once, with the campaign.
fn seed_project_records(
    conn: &mut DbConn,
    caller: &Caller,
    project_ids: &std::collections::HashMap<&str, String>,
    org_ids: &std::collections::HashMap<&str, String>,
) -> Result<usize, ApiError> {
    let (Some(project), Some(model_project), Some(ngo), Some(probus)) = (
        project_ids.get("INCL-RO"),
        project_ids.get("MW-2014"),
        org_ids.get("incluziune"),
        org_ids.get("probus"),
    ) else {
        return Ok(0);
    };
    let name = "9 noiembrie – Ziua nediscriminării";
    let exists: i64 = cp::table
        .filter(cp::project_id.eq(project))
        .filter(cp::name.eq(name))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(0);
    }
    let now = crate::db::now();
    let day = NaiveDate::from_ymd_opt(2026, 11, 9).unwrap_or_default();
    let campaign = crate::db::new_id();
    diesel::insert_into(cp::table)
        .values((
            cp::id.eq(&campaign),
            cp::project_id.eq(project),
            cp::name.eq(name),
            cp::description.eq(
                "Non-discrimination day: street actions, debates in schools and five short films.",
            ),
            cp::starts_on.eq(day),
            cp::ends_on.eq(day),
            cp::min_actions_per_location.eq(2),
            cp::created_at.eq(now),
            cp::updated_at.eq(now),
            cp::version.eq(1),
        ))
        .execute(conn)?;
    let locations = ["Cluj-Napoca", "Dej", "Turda", "Gherla", "Câmpia Turzii"];
    for (position, location) in (0..).zip(locations) {
        diesel::insert_into(cl::table)
            .values((
                cl::campaign_id.eq(&campaign),
                cl::name_key.eq(crate::activities::rules::location_key(location)),
                cl::name.eq(location),
                cl::position.eq(position),
            ))
            .execute(conn)?;
    }
    audit::record(
        conn,
        caller,
        Change::new("campaign", &campaign, "create")
            .value("project_id", project)
            .value("name", name)
            .value("locations", locations),
    )?;
    let actions = [
        (
            "campaign_action",
            "Flash mob în Piața Unirii",
            Some("Cluj-Napoca"),
            120,
        ),
        (
            "public_debate",
            "Dezbatere la Colegiul Național",
            Some("Cluj-Napoca"),
            60,
        ),
        ("campaign_action", "Marș pentru egalitate", Some("Dej"), 80),
        ("film", "Proiecția filmului „Vecinii”", Some("Dej"), 45),
        ("campaign_action", "Cort de informare", Some("Turda"), 35),
        ("campaign_action", "Atelier în școală", Some("Gherla"), 25),
    ];
    for (kind, title, place, attendance) in actions {
        let id = crate::db::new_id();
        diesel::insert_into(act::table)
            .values((
                act::id.eq(&id),
                act::project_id.eq(project),
                act::campaign_id.eq(&campaign),
                act::kind.eq(kind),
                act::title.eq(title),
                act::held_on.eq(day),
                act::place.eq(place),
                act::place_key.eq(place.map(crate::activities::rules::location_key)),
                act::organizer_organization_id.eq(ngo),
                act::attendance.eq(attendance),
                act::outputs.eq("[]"),
                act::created_at.eq(now),
                act::updated_at.eq(now),
                act::version.eq(1),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            caller,
            Change::new("activity", &id, "create")
                .value("campaign_id", &campaign)
                .value("type", kind)
                .value("title", title)
                .value("place", place),
        )?;
    }
    /// Name, unit, target, kind, manual value, activity type.
    type DemoIndicator = (
        &'static str,
        &'static str,
        f64,
        &'static str,
        Option<f64>,
        Option<&'static str>,
    );
    let indicators: [DemoIndicator; 3] = [
        (
            "Campaign actions",
            "actions",
            10.0,
            "activity_count",
            None,
            Some("campaign_action"),
        ),
        (
            "People reached by the campaign",
            "people",
            500.0,
            "activity_attendance",
            None,
            None,
        ),
        (
            "Civil servants trained",
            "people",
            20.0,
            "manual",
            Some(12.0),
            None,
        ),
    ];
    for (name, unit, target, kind, value, activity_type) in indicators {
        let id = crate::db::new_id();
        diesel::insert_into(ri::table)
            .values((
                ri::id.eq(&id),
                ri::project_id.eq(project),
                ri::name.eq(name),
                ri::unit.eq(unit),
                ri::target.eq(target),
                ri::kind.eq(kind),
                ri::manual_value.eq(value),
                ri::activity_type.eq(activity_type),
                ri::created_at.eq(now),
                ri::updated_at.eq(now),
                ri::version.eq(1),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            caller,
            Change::new("result_indicator", &id, "create")
                .value("name", name)
                .value("kind", kind),
        )?;
    }
    let practices = [
        (
            model_project,
            probus,
            "Wspólne konsultacje programu współpracy",
            "Gmina i organizacje pozarządowe wspólnie piszą roczny program współpracy: warsztaty diagnozy, otwarte spotkanie, raport z uwag.",
            1,
            Some("consulting_draft_acts"),
            "accepted",
            &["konsultacje", "program współpracy"][..],
        ),
        (
            project,
            ngo,
            "Voluntari care aplică chestionare",
            "Voluntarii asociației aplică chestionarele PALIS în cartiere, cu sprijinul primăriei.",
            2,
            Some("project_partnerships"),
            "proposed",
            &["voluntariat", "PALIS"][..],
        ),
    ];
    for (project, org, title, description, plane, area, status, tags) in practices {
        let id = crate::db::new_id();
        let tags: Vec<String> = tags.iter().map(|t| t.to_lowercase()).collect();
        diesel::insert_into(gp::table)
            .values((
                gp::id.eq(&id),
                gp::project_id.eq(project),
                gp::organization_id.eq(org),
                gp::title.eq(title),
                gp::description.eq(description),
                gp::plane.eq(plane),
                gp::area.eq(area),
                gp::status.eq(status),
                gp::reviewed_at.eq((status == "accepted").then_some(now)),
                gp::search_text.eq(crate::good_practices::handlers::search_text(
                    title,
                    description,
                    &tags,
                )),
                gp::created_at.eq(now),
                gp::updated_at.eq(now),
                gp::version.eq(1),
            ))
            .execute(conn)?;
        for tag in &tags {
            diesel::insert_into(gt::table)
                .values((gt::good_practice_id.eq(&id), gt::tag.eq(tag)))
                .execute(conn)?;
        }
        audit::record(
            conn,
            caller,
            Change::new("good_practice", &id, "create")
                .value("title", title)
                .value("status", status),
        )?;
    }
    Ok(1 + actions.len() + indicators.len() + practices.len())
}
