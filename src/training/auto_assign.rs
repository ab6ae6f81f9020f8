//! Assigning a recruitment call's accepted applicants to a programme's
//! groups in one call ([`super::assignment`] decides): each applicant becomes
//! a person (the one with their email, if there is one) and a participant of
//! a group, in one transaction, or — with `dry_run` — only the report of
//! what would happen.

use std::collections::{BTreeMap, HashMap, HashSet};

use actix_web::{HttpResponse, post, web};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::assignment::{Person, Seats, TargetMet, assign, spread, targets_met};
use super::handlers::may_manage;
use super::model::{GroupRow, ProgrammeRow, SessionRow};
use super::rules::overlaps;
use super::{enrolment, store};
use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::{
    applications as ap, people, training_groups as tg, training_participants as tp,
    training_sessions as ts,
};
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::http::extract::ApiJson;
use crate::http::ids::PathId;
use crate::recruitment::model::{ApplicationRow, CallRow};
use crate::state::AppState;

/// Which applicants to assign, and how.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignApplicants {
    /// A recruitment call of the programme's project: its `accepted`
    /// applicants are assigned (those in a group of the programme already
    /// stay where they are).
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub call_id: String,
    /// The same seed, applicants and groups give the same assignment.
    #[serde(default)]
    #[validate(range(max = 9_007_199_254_740_991_u64))]
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub seed: u64,
    /// Report what would happen without assigning anyone.
    #[serde(default)]
    pub dry_run: bool,
}

/// Where an applicant went.
#[derive(Debug, Serialize, ToSchema)]
pub struct Placement {
    #[schema(format = Uuid)]
    pub application_id: String,
    /// The person they are (`null` in a dry run for one not yet created).
    #[schema(format = Uuid)]
    pub person_id: Option<String>,
    /// `null` when no group could take them.
    #[schema(format = Uuid)]
    pub group_id: Option<String>,
}

/// A group after the assignment, against its targets.
#[derive(Debug, Serialize, ToSchema)]
pub struct GroupOutcome {
    #[schema(format = Uuid)]
    pub group_id: String,
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(minimum = 1, maximum = 100000)]
    pub capacity: i64,
    #[schema(minimum = 0, maximum = 100000)]
    pub participants: i64,
    #[schema(max_items = 100)]
    pub targets: Vec<TargetMet>,
}

/// The assignment and how well it met the targets.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssignmentReport {
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub seed: u64,
    pub dry_run: bool,
    /// Applicants placed in a group now.
    #[schema(format = Int64, minimum = 0, maximum = 1000000)]
    pub assigned: usize,
    /// Applicants already in a group of the programme.
    #[schema(format = Int64, minimum = 0, maximum = 1000000)]
    pub already_enrolled: usize,
    /// Applicants no group could take (full, or clashing with their other
    /// training).
    #[schema(format = Int64, minimum = 0, maximum = 1000000)]
    pub unassigned: usize,
    /// People created for applicants no person had the email of.
    #[schema(format = Int64, minimum = 0, maximum = 1000000)]
    pub people_created: usize,
    /// The sum over groups and categories of how far each target is missed
    /// (people short of it); 0 when every target is met.
    #[schema(minimum = 0, maximum = 1000000)]
    pub target_shortfall: i64,
    /// Organisations with at most ⌈n / groups⌉ of their n people in any one
    /// group, of all organisations with people in the groups.
    #[schema(format = Int64, minimum = 0, maximum = 1000000)]
    pub organisations_spread_evenly: usize,
    #[schema(format = Int64, minimum = 0, maximum = 1000000)]
    pub organisations: usize,
    #[schema(max_items = 1000)]
    pub groups: Vec<GroupOutcome>,
    #[schema(max_items = 1000000)]
    pub placements: Vec<Placement>,
}

fn invalid(field: &str, code: &str, message: String) -> ApiError {
    ApiError::validation(vec![FieldError::new(field, code, message)])
}

/// The call, of the programme's project (422 naming `call_id`).
fn call_of(conn: &mut DbConn, programme: &ProgrammeRow, id: &str) -> Result<CallRow, ApiError> {
    let call: CallRow = record::find(conn, id).map_err(|e| {
        if e.code() == ProblemCode::NotFound {
            invalid("call_id", "unknown", format!("no call has the id `{id}`"))
        } else {
            e
        }
    })?;
    if call.anonymized_at.is_some() {
        return Err(invalid(
            "call_id",
            "anonymized",
            "the call's applicants' data is erased".to_owned(),
        ));
    }
    if call.project_id != programme.project_id {
        return Err(invalid(
            "call_id",
            "other_project",
            "the call recruits for another project".to_owned(),
        ));
    }
    Ok(call)
}

/// Which of `groups` (by index) each of `persons` cannot join: they attend
/// a session elsewhere at the time of one of the group's.
fn clashes(
    conn: &mut DbConn,
    groups: &[GroupRow],
    persons: &[String],
) -> Result<HashMap<String, Vec<usize>>, ApiError> {
    let ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    let elsewhere: Vec<(String, String)> = tp::table
        .filter(tp::person_id.eq_any(persons))
        .filter(tp::group_id.ne_all(&ids))
        .select((tp::person_id, tp::group_id))
        .load(conn)?;
    if elsewhere.is_empty() {
        return Ok(HashMap::new());
    }
    let mut all: Vec<&str> = elsewhere.iter().map(|(_, g)| g.as_str()).collect();
    all.extend(&ids);
    let sessions: Vec<SessionRow> = ts::table
        .filter(ts::group_id.eq_any(all))
        .select(SessionRow::as_select())
        .load(conn)?;
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    for (person, other) in &elsewhere {
        let theirs: Vec<&SessionRow> = sessions.iter().filter(|s| s.group_id == *other).collect();
        for (i, g) in groups.iter().enumerate() {
            let clash = sessions
                .iter()
                .filter(|s| s.group_id == g.id)
                .any(|s| theirs.iter().any(|t| overlaps(s.span(), t.span())));
            if clash {
                out.entry(person.clone()).or_default().push(i);
            }
        }
    }
    Ok(out)
}

/// The groups (under the schedule lock) as seats: their participants by
/// category, and by organisation where the call's applications say (`orgs`,
/// by email).
fn seats(
    conn: &mut DbConn,
    groups: &[GroupRow],
    orgs: &HashMap<&str, String>,
) -> Result<Vec<Seats>, ApiError> {
    let ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    let members: Vec<(String, Option<String>, String)> = tp::table
        .filter(tp::group_id.eq_any(&ids))
        .select((tp::group_id, tp::category, tp::person_id))
        .load(conn)?;
    // A member's organisation is the one they applied with, where known.
    let persons: Vec<&str> = members.iter().map(|(_, _, p)| p.as_str()).collect();
    let emails: HashMap<String, String> = people::table
        .filter(people::id.eq_any(&persons))
        .filter(people::email.is_not_null())
        .select((people::id, people::email.assume_not_null()))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    groups
        .iter()
        .map(|g| {
            let mut s = Seats {
                capacity: i64::from(g.capacity),
                by_category: BTreeMap::new(),
                by_organisation: HashMap::new(),
                targets: g
                    .target_map()?
                    .into_iter()
                    .map(|(c, n)| (c, i64::from(n)))
                    .collect(),
            };
            for (_, category, person) in members.iter().filter(|(gid, _, _)| *gid == g.id) {
                let c = category.clone().unwrap_or_default();
                *s.by_category.entry(c).or_insert(0) += 1;
                if let Some(o) = emails.get(person).and_then(|e| orgs.get(e.as_str())) {
                    *s.by_organisation.entry(o.clone()).or_insert(0) += 1;
                }
            }
            Ok(s)
        })
        .collect()
}

/// An applicant's organisation: its id, else its name as written (folded).
fn organisation_key(id: Option<String>, name: Option<String>) -> Option<String> {
    id.or_else(|| name.map(|n| format!("name:{}", crate::db::fold_for_search(&n))))
}

/// Assigns the accepted applicants of `form.call_id` to the groups of
/// `programme` (locked by the caller).
fn run(
    conn: &mut DbConn,
    caller: &Caller,
    programme: &ProgrammeRow,
    form: &AssignApplicants,
) -> Result<AssignmentReport, ApiError> {
    let call = call_of(conn, programme, &form.call_id)?;
    let applicants: Vec<ApplicationRow> = ap::table
        .filter(ap::call_id.eq(call.id()))
        .filter(ap::status.eq(crate::recruitment::rules::ApplicationStatus::Accepted.as_str()))
        .order(ap::seq.asc())
        .select(ApplicationRow::as_select())
        .load(conn)?;
    // Each group locked, in id order, then the schedule — as an enrolment
    // does — so that no enrolment or capacity change slips in between.
    let ids: Vec<String> = tg::table
        .filter(tg::programme_id.eq(programme.id()))
        .order(tg::id.asc())
        .select(tg::id)
        .load(conn)?;
    let groups: Vec<GroupRow> = ids
        .iter()
        .map(|id| record::locked(conn, id))
        .collect::<Result<_, _>>()?;
    store::lock_schedule(conn)?;
    if groups.is_empty() {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            "The programme has no groups to assign anyone to.",
        ));
    }
    let emails: Vec<&str> = applicants.iter().map(|a| a.email_key.as_str()).collect();
    // People with an applicant's email; where several share one, the one in
    // the programme already, else the first by id.
    let matches: Vec<(String, String)> = people::table
        .filter(people::email.eq_any(&emails))
        .order(people::id.asc())
        .select((people::email.assume_not_null(), people::id))
        .load(conn)?;
    let matched: Vec<&str> = matches.iter().map(|(_, p)| p.as_str()).collect();
    let enrolled: HashSet<String> = tp::table
        .filter(tp::programme_id.eq(programme.id()))
        .filter(tp::person_id.eq_any(&matched))
        .select(tp::person_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut known: HashMap<String, String> = HashMap::new();
    for (email, person) in matches {
        let better = known
            .get(&email)
            .is_none_or(|p| !enrolled.contains(p) && enrolled.contains(&person));
        if better {
            known.insert(email, person);
        }
    }
    let known_ids: Vec<String> = known.values().cloned().collect();
    let busy = clashes(conn, &groups, &known_ids)?;
    let (waiting, already): (Vec<&ApplicationRow>, Vec<&ApplicationRow>) =
        applicants.iter().partition(|a| {
            known
                .get(&a.email_key)
                .is_none_or(|p| !enrolled.contains(p))
        });
    let people_in: Vec<Person> = waiting
        .iter()
        .map(|a| Person {
            category: a.category.clone(),
            organisation: organisation_key(a.organization_id.clone(), a.organization_name.clone()),
            excluded: known
                .get(&a.email_key)
                .and_then(|p| busy.get(p))
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    let orgs: HashMap<&str, String> = applicants
        .iter()
        .filter_map(|a| {
            organisation_key(a.organization_id.clone(), a.organization_name.clone())
                .map(|o| (a.email_key.as_str(), o))
        })
        .collect();
    let mut state = seats(conn, &groups, &orgs)?;
    let placed = assign(&mut state, &people_in, form.seed);

    let mut placements = Vec::with_capacity(waiting.len());
    let mut people_created = 0;
    for (a, g) in waiting.iter().zip(&placed) {
        let mut person_id = known.get(&a.email_key).cloned();
        if let (Some(g), false) = (g, form.dry_run) {
            let person = match person_id.clone() {
                Some(p) => p,
                None => {
                    people_created += 1;
                    person_for(conn, caller, a)?
                }
            };
            enrolment::insert_participant(conn, caller, &groups[*g], &person, Some(&a.category))?;
            person_id = Some(person);
        } else if g.is_some() && person_id.is_none() {
            people_created += 1;
        }
        placements.push(Placement {
            application_id: a.id.clone(),
            person_id,
            group_id: g.map(|g| groups[g].id.clone()),
        });
    }
    let (even, organisations) = spread(&state);
    let outcomes: Vec<GroupOutcome> = groups
        .iter()
        .zip(&state)
        .map(|(g, s)| GroupOutcome {
            group_id: g.id.clone(),
            name: g.name.clone(),
            capacity: s.capacity,
            participants: s.by_category.values().sum(),
            targets: targets_met(s),
        })
        .collect();
    Ok(AssignmentReport {
        seed: form.seed,
        dry_run: form.dry_run,
        assigned: placed.iter().filter(|p| p.is_some()).count(),
        already_enrolled: already.len(),
        unassigned: placed.iter().filter(|p| p.is_none()).count(),
        people_created,
        target_shortfall: outcomes
            .iter()
            .flat_map(|o| &o.targets)
            .filter_map(|t| t.difference)
            .map(|d| (-d).max(0))
            .sum(),
        organisations_spread_evenly: even,
        organisations,
        groups: outcomes,
        placements,
    })
}

/// A person for an applicant no person has the email of.
fn person_for(conn: &mut DbConn, caller: &Caller, a: &ApplicationRow) -> Result<String, ApiError> {
    let form = crate::people::model::CreatePerson {
        full_name: a.name.clone(),
        email: Some(a.email_key.clone()),
        phone: a.phone.clone(),
        position: a.position.clone(),
        organization_id: None,
        role: None,
    };
    Ok(crate::people::store::insert(conn, caller, form)?.0.id)
}

/// Assigns a recruitment call's accepted applicants to the programme's
/// groups: within each group's capacity, meeting the composition targets
/// (by the applicants' categories) as closely as possible, spreading each
/// organisation's people across the groups, the same for the same `seed`.
/// Each applicant becomes a person (the one with their email, if any) and a
/// participant; the answer reports each target met or missed. 422 naming
/// `call_id` for a call of another project; 409 when the programme has no
/// groups. Admins and the project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The programme's id")),
    request_body = AssignApplicants,
    responses(
        (status = 200, description = "The assignment and how well it met the targets", body = AssignmentReport),
        (status = 409, response = crate::error::responses::Conflict),
    )
)]
#[post("/training-programmes/{id}/assignment")]
pub async fn assign_applicants(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    body: ApiJson<AssignApplicants>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    let id = id.into_inner();
    let report = state
        .db
        .write(move |conn| {
            let programme: ProgrammeRow = record::locked(conn, &id)?;
            may_manage(&caller, &programme.project_id)?;
            run(conn, &caller, &programme, &form)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
