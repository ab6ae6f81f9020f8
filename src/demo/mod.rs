//! `coopera seed-demo`: a small, realistic data set built on the projects in the
//! seed documents — the Zgorzelec county project "Model współpracy – standardem
//! działań NGO i JST" (two foundations and the county), and a Romanian social
//! inclusion project (an NGO, the county council and the town of Turda) — with
//! one account per role, so that a tester in Swagger UI has something to try.
//! Idempotent: records are found by their identifiers and created only when
//! missing, so records a user created are reused rather than collided with;
//! passwords of existing accounts are left alone. The identifiers are fictional
//! but pass their checksums.
//!
//! Every record is written through its module's store, as the API would write
//! it: created in its initial state, then moved on by the store's transitions
//! (a project or a partnership activated, a good practice accepted), so the
//! change log tells the story an API client would have made. The change log
//! names the demo's anonymous caller.

mod accounts;
mod consultations;
mod partnership;
mod project_records;
mod quality;
mod recruitment;
mod training;

use std::collections::HashMap;
use std::fmt::Write;

use chrono::NaiveDate;
use diesel::prelude::*;

use crate::audit::{self, Caller, Change};
use crate::auth::Actor;
use crate::db::DbConn;
use crate::db::schema::{organizations as org, projects as pr, territorial_units as tu, users};
use crate::error::ApiError;
use crate::organizations::model::{CreateOrganization, OrganizationKind};

/// Record ids by their demo key (an organisation's key, a project's code).
type Ids = HashMap<&'static str, String>;

struct DemoOrg {
    key: &'static str,
    name: &'static str,
    kind: OrganizationKind,
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
        kind: OrganizationKind::Ngo,
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
        kind: OrganizationKind::Ngo,
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
        kind: OrganizationKind::LocalGovernment,
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
        kind: OrganizationKind::LocalGovernment,
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
        key: "turda",
        name: "Consiliul Local al Municipiului Turda",
        kind: OrganizationKind::LocalGovernment,
        country: "RO",
        krs: None,
        nip: None,
        regon: None,
        teryt_code: Some("RO-55259"),
        cui: Some("49990032"),
        unit: "RO-55259",
        city: "Turda",
    },
    DemoOrg {
        key: "incluziune",
        name: "Asociația pentru Incluziune Socială",
        kind: OrganizationKind::Ngo,
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

impl DemoOrg {
    /// The organisation as an API client would register it.
    fn form(&self) -> CreateOrganization {
        let text = |v: Option<&str>| v.map(str::to_owned);
        CreateOrganization {
            name: self.name.to_owned(),
            kind: self.kind,
            country: self.country.to_owned(),
            krs: text(self.krs),
            nip: text(self.nip),
            regon: text(self.regon),
            teryt_code: text(self.teryt_code),
            cui: text(self.cui),
            territorial_unit_code: Some(self.unit.to_owned()),
            street: None,
            city: Some(self.city.to_owned()),
            postal_code: None,
            email: None,
            phone: None,
            website: None,
        }
    }
}

/// The accounts in the database other than the demo accounts, by email (at
/// most `limit`). The demo accounts have published passwords, so `seed-demo`
/// refuses a database where anyone else has an account unless told otherwise.
pub fn other_accounts(conn: &mut DbConn, limit: i64) -> Result<Vec<String>, ApiError> {
    let demo: Vec<&str> = accounts::ACCOUNTS.iter().map(|a| a.email).collect();
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
    let hashes = accounts::ACCOUNTS
        .iter()
        .map(|a| crate::auth::password::hash(a.password))
        .collect::<Result<Vec<_>, _>>()?;
    let mut report = String::new();
    let mut created = 0;
    crate::db::write_transaction(conn, |conn| {
        seed_territorial_unit(conn, &caller)?;
        let org_ids = seed_organizations(conn, &caller, &mut created)?;
        let project_ids = seed_projects(conn, &caller, &org_ids, &mut created)
            .map_err(refused("projects MW-2014 and INCL-RO"))?;
        created += partnership::seed(conn, &caller, &project_ids, &org_ids)
            .map_err(refused(format!("partnership “{}”", partnership::NAME)))?;
        created += project_records::seed(conn, &caller, &project_ids, &org_ids)
            .map_err(refused("campaign, indicators and good practices"))?;
        if let Some(project) = project_ids.get("MW-2014") {
            created += recruitment::seed(conn, &caller, project)
                .map_err(refused(format!("call “{}”", recruitment::TITLE)))?;
            created += training::seed(conn, &caller, project)
                .map_err(refused(format!("programme “{}”", training::NAME)))?;
        }
        if let Some(powiat) = org_ids.get("powiat") {
            created += consultations::seed(conn, &caller, powiat, |key| org_ids.get(key).cloned())
                .map_err(refused(format!(
                    "consultation “{}”",
                    consultations::SUBJECT
                )))?;
            created += quality::seed(conn, &caller, powiat, |key| org_ids.get(key).cloned())
                .map_err(refused("the county's quality rounds 2025 and 2026"))?;
        }
        let seeded = accounts::seed(conn, &caller, hashes, &project_ids, &org_ids)?;
        created += seeded.created;
        report.push_str(&seeded.report);
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

/// The Zgorzelec county, which the TERC import would bring; territorial units
/// have no API write path, so it is written here.
fn seed_territorial_unit(conn: &mut DbConn, caller: &Caller) -> Result<(), ApiError> {
    if tu::table.find("0225").count().get_result::<i64>(conn)? > 0 {
        return Ok(());
    }
    let now = crate::db::now();
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
        caller,
        Change::new("territorial_unit", "0225", "create").value("name", "zgorzelecki"),
    )?;
    Ok(())
}

/// Turns a store's refusal into one line naming the demo record it refused:
/// the demo never writes over what a user created, so a clash it cannot
/// resolve by reusing a record stops it, with everything rolled back.
pub(super) fn refused(what: impl std::fmt::Display) -> impl FnOnce(ApiError) -> ApiError {
    move |e| {
        let problem = e.problem();
        let fields: Vec<String> = problem
            .errors
            .iter()
            .flatten()
            .map(|f| format!("{} {}", f.field, f.message))
            .collect();
        let mut detail = format!("the demo's {what} cannot be added: {}", problem.detail);
        if !fields.is_empty() {
            write!(detail, " ({})", fields.join("; ")).ok();
        }
        ApiError::new(e.code(), detail)
    }
}

/// The organisations, found by any identifier that is unique to one (the unit
/// a local government governs, NIP, CUI), else by name, so that one a user
/// registered is reused; registered when missing.
fn seed_organizations(
    conn: &mut DbConn,
    caller: &Caller,
    created: &mut usize,
) -> Result<Ids, ApiError> {
    let mut ids = Ids::new();
    for o in ORGS {
        let mut q = org::table.select(org::id).order(org::id).into_boxed();
        if let Some(unit) = o.teryt_code {
            q = q.or_filter(org::teryt_code.eq(unit));
        }
        if let Some(nip) = o.nip {
            q = q.or_filter(org::nip.eq(nip));
        }
        if let Some(cui) = o.cui {
            q = q.or_filter(org::cui.eq(cui));
        }
        if o.teryt_code.is_none() && o.nip.is_none() && o.cui.is_none() {
            q = q.filter(org::name.eq(o.name));
        }
        let id = match q.first::<String>(conn).optional()? {
            Some(id) => id,
            None => {
                *created += 1;
                crate::organizations::store::insert(conn, caller, o.form())
                    .map_err(refused(format!("organisation “{}”", o.name)))?
                    .id
            }
        };
        ids.insert(o.key, id);
    }
    Ok(ids)
}

/// The two projects, found by their code; created `planned` when missing, and
/// the model project then activated.
fn seed_projects(
    conn: &mut DbConn,
    caller: &Caller,
    org_ids: &Ids,
    created: &mut usize,
) -> Result<Ids, ApiError> {
    use crate::projects::{model::CreateProject, rules::Transition, store};
    let projects = [
        (
            "MW-2014",
            "Model współpracy – standardem działań NGO i JST",
            "probus",
            true,
            NaiveDate::from_ymd_opt(2014, 1, 1),
            NaiveDate::from_ymd_opt(2015, 4, 30),
        ),
        (
            "INCL-RO",
            "Incluziune socială și nediscriminare",
            "incluziune",
            false,
            NaiveDate::from_ymd_opt(2026, 1, 1),
            NaiveDate::from_ymd_opt(2027, 12, 31),
        ),
    ];
    let mut ids = Ids::new();
    for (code, title, lead, active, starts_on, ends_on) in projects {
        let existing: Option<String> = pr::table
            .filter(pr::code.eq(code))
            .select(pr::id)
            .first(conn)
            .optional()?;
        let id = match existing {
            Some(id) => id,
            None => {
                let form = CreateProject {
                    code: code.to_owned(),
                    title: title.to_owned(),
                    funding_programme: Some("EFS / POKL".to_owned()),
                    starts_on,
                    ends_on,
                    lead_organization_id: org_ids.get(lead).cloned(),
                    description: None,
                };
                let mut row = store::insert(conn, caller, form)?;
                if active {
                    row = store::transition(conn, caller, row, Transition::Activate)?;
                }
                *created += 1;
                row.id
            }
        };
        ids.insert(code, id);
    }
    Ok(ids)
}
