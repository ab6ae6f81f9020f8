//! The access matrix: every operation of the OpenAPI document, called by every
//! kind of caller, is allowed or refused exactly as the policy says. An operation
//! missing from the table below fails the test, so no endpoint ships without an
//! access decision.

use std::collections::BTreeMap;

use coopera::auth::{Actor, Role};
use serde_json::Value;

use crate::support::{TestApp, client_actor, user_actor};

pub mod fixture;
use fixture::{Fixture, fixture, request};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Anonymous,
    Admin,
    CoordinatorOfThisProject,
    CoordinatorOfAnotherProject,
    OrgAdminOfThisOrganisation,
    OrgAdminOfAnotherOrganisation,
    OrgMemberOfThisOrganisation,
    ClientWithScopes,
    ClientWithoutScopes,
    /// A user with the `reviewer` role whom the call names.
    ReviewerOfThisCall,
    /// A user with the `reviewer` role whom the call does not name.
    ReviewerOfAnotherCall,
    /// A user with the `trainer` role who gives the session.
    TrainerOfThisSession,
    /// A user with the `trainer` role who does not.
    TrainerOfAnotherSession,
}

use Caller::*;

const ALL: [Caller; 13] = [
    Anonymous,
    Admin,
    CoordinatorOfThisProject,
    CoordinatorOfAnotherProject,
    OrgAdminOfThisOrganisation,
    OrgAdminOfAnotherOrganisation,
    OrgMemberOfThisOrganisation,
    ClientWithScopes,
    ClientWithoutScopes,
    ReviewerOfThisCall,
    ReviewerOfAnotherCall,
    TrainerOfThisSession,
    TrainerOfAnotherSession,
];
const PUBLIC: &[Caller] = &ALL;
const SIGNED_IN: &[Caller] = &[
    Admin,
    CoordinatorOfThisProject,
    CoordinatorOfAnotherProject,
    OrgAdminOfThisOrganisation,
    OrgAdminOfAnotherOrganisation,
    OrgMemberOfThisOrganisation,
    ClientWithScopes,
    ClientWithoutScopes,
    ReviewerOfThisCall,
    ReviewerOfAnotherCall,
    TrainerOfThisSession,
    TrainerOfAnotherSession,
];
const DIRECTORY: &[Caller] = &[
    Admin,
    CoordinatorOfThisProject,
    CoordinatorOfAnotherProject,
    OrgAdminOfThisOrganisation,
    OrgAdminOfAnotherOrganisation,
    OrgMemberOfThisOrganisation,
    ClientWithScopes,
    ReviewerOfThisCall,
    ReviewerOfAnotherCall,
    TrainerOfThisSession,
    TrainerOfAnotherSession,
];
const ADMIN: &[Caller] = &[Admin];
/// The partnership belongs to this project and its lead is this organisation.
const PARTNERSHIP_MANAGERS: &[Caller] =
    &[Admin, CoordinatorOfThisProject, OrgAdminOfThisOrganisation];
const TASK_PROGRESSORS: &[Caller] = &[
    Admin,
    CoordinatorOfThisProject,
    OrgAdminOfThisOrganisation,
    OrgAdminOfAnotherOrganisation,
];

/// Project records (activities, campaigns, indicators) are the coordinators'.
const PROJECT_MANAGERS: &[Caller] = &[Admin, CoordinatorOfThisProject];
/// The activity is organised by this organisation, the lead of the project's
/// partnership.
const ACTIVITY_RECORDERS: &[Caller] =
    &[Admin, CoordinatorOfThisProject, OrgAdminOfThisOrganisation];
/// The good practice is this organisation's proposal in this project.
const PROPOSERS: &[Caller] = &[
    Admin,
    CoordinatorOfThisProject,
    OrgAdminOfThisOrganisation,
    OrgMemberOfThisOrganisation,
];

/// A call's applicants' data: its managers and its reviewers.
const APPLICATION_READERS: &[Caller] = &[Admin, CoordinatorOfThisProject, ReviewerOfThisCall];
/// Scoring the call's applications: its reviewers (and admins).
const REVIEWERS: &[Caller] = &[Admin, ReviewerOfThisCall];
/// A session's attendance: the project's managers and its trainers.
const ATTENDANCE_TAKERS: &[Caller] = &[Admin, CoordinatorOfThisProject, TrainerOfThisSession];

/// Every signed-in user (not an API client).
const USERS: &[Caller] = &[
    Admin,
    CoordinatorOfThisProject,
    CoordinatorOfAnotherProject,
    OrgAdminOfThisOrganisation,
    OrgAdminOfAnotherOrganisation,
    OrgMemberOfThisOrganisation,
    ReviewerOfThisCall,
    ReviewerOfAnotherCall,
    TrainerOfThisSession,
    TrainerOfAnotherSession,
];
/// This organisation's admins and members.
const ORGANISATION_PEOPLE: &[Caller] = &[
    Admin,
    OrgAdminOfThisOrganisation,
    OrgMemberOfThisOrganisation,
];
/// A consultation of this organisation: its admins run it.
const CONSULTATION_MANAGERS: &[Caller] = &[Admin, OrgAdminOfThisOrganisation];
/// A participation body whose secretariat is this organisation: its admins
/// manage it.
const BODY_MANAGERS: &[Caller] = &[Admin, OrgAdminOfThisOrganisation];
/// This organisation's webhooks: its admins and its API clients with
/// `webhooks:write`.
const WEBHOOK_MANAGERS: &[Caller] = &[Admin, OrgAdminOfThisOrganisation, ClientWithScopes];

/// Callers for whom the record does not exist: a proposal is hidden from all
/// but its organisation and the project's coordinators, so they get 404.
fn hidden(op: &str, caller: Caller) -> bool {
    op.ends_with("_good_practice")
        && op != "create_good_practice"
        && matches!(
            caller,
            CoordinatorOfAnotherProject
                | OrgAdminOfAnotherOrganisation
                | ReviewerOfThisCall
                | ReviewerOfAnotherCall
                | TrainerOfThisSession
                | TrainerOfAnotherSession
        )
}

/// Who may call each operation.
fn expected() -> BTreeMap<&'static str, &'static [Caller]> {
    BTreeMap::from([
        ("get_liveness", PUBLIC),
        ("get_readiness", PUBLIC),
        ("list_problems", PUBLIC),
        ("get_problem", PUBLIC),
        ("list_territorial_units", PUBLIC),
        ("get_territorial_unit", PUBLIC),
        ("get_cooperation_model", PUBLIC),
        ("issue_token", PUBLIC),
        ("revoke_token", PUBLIC),
        ("get_me", SIGNED_IN),
        ("list_users", ADMIN),
        ("create_user", ADMIN),
        ("get_user", ADMIN),
        ("update_user", ADMIN),
        ("list_api_clients", ADMIN),
        ("create_api_client", ADMIN),
        ("get_api_client", ADMIN),
        ("rotate_api_client_secret", ADMIN),
        ("revoke_api_client", ADMIN),
        ("list_audit_entries", ADMIN),
        // Administrators follow every type, the others the directories they read.
        ("list_changes", DIRECTORY),
        ("list_organizations", DIRECTORY),
        ("export_organizations", DIRECTORY),
        ("export_people", DIRECTORY),
        ("export_projects", DIRECTORY),
        ("export_partnerships", DIRECTORY),
        ("export_programmes", DIRECTORY),
        ("export_participation_bodies", PUBLIC),
        ("get_organization", DIRECTORY),
        ("list_organization_members", DIRECTORY),
        ("get_organization_member", DIRECTORY),
        // The person themself, too (tested in people.rs): no caller here is.
        ("accept_organization_membership", ADMIN),
        (
            "create_organization",
            &[Admin, CoordinatorOfThisProject, CoordinatorOfAnotherProject],
        ),
        (
            "import_organizations",
            &[Admin, CoordinatorOfThisProject, CoordinatorOfAnotherProject],
        ),
        (
            "update_organization",
            &[Admin, OrgAdminOfThisOrganisation, ClientWithScopes],
        ),
        ("archive_organization", ADMIN),
        ("archive_person", ADMIN),
        ("archive_project", ADMIN),
        (
            "add_organization_member",
            &[Admin, OrgAdminOfThisOrganisation],
        ),
        (
            "update_organization_member",
            &[Admin, OrgAdminOfThisOrganisation],
        ),
        (
            "remove_organization_member",
            &[Admin, OrgAdminOfThisOrganisation],
        ),
        ("list_people", DIRECTORY),
        ("get_person", DIRECTORY),
        (
            "create_person",
            &[
                Admin,
                CoordinatorOfThisProject,
                CoordinatorOfAnotherProject,
                OrgAdminOfThisOrganisation,
                OrgAdminOfAnotherOrganisation,
                ClientWithScopes,
            ],
        ),
        (
            "import_people",
            &[
                Admin,
                CoordinatorOfThisProject,
                CoordinatorOfAnotherProject,
                OrgAdminOfThisOrganisation,
                OrgAdminOfAnotherOrganisation,
                ClientWithScopes,
            ],
        ),
        (
            "update_person",
            &[Admin, OrgAdminOfThisOrganisation, ClientWithScopes],
        ),
        ("list_projects", DIRECTORY),
        ("get_project", DIRECTORY),
        ("list_project_coordinators", DIRECTORY),
        ("create_project", ADMIN),
        ("update_project", &[Admin, CoordinatorOfThisProject]),
        ("activate_project", &[Admin, CoordinatorOfThisProject]),
        ("close_project", &[Admin, CoordinatorOfThisProject]),
        ("add_project_coordinator", ADMIN),
        ("remove_project_coordinator", ADMIN),
        ("list_partnerships", DIRECTORY),
        ("get_partnership", DIRECTORY),
        ("list_partnership_members", DIRECTORY),
        ("get_partnership_member", DIRECTORY),
        ("get_responsibility", DIRECTORY),
        ("get_partnership_sector_mix", DIRECTORY),
        ("list_organization_partnerships", DIRECTORY),
        ("create_partnership", &[Admin, CoordinatorOfThisProject]),
        ("update_partnership", PARTNERSHIP_MANAGERS),
        ("activate_partnership", PARTNERSHIP_MANAGERS),
        ("suspend_partnership", PARTNERSHIP_MANAGERS),
        ("resume_partnership", PARTNERSHIP_MANAGERS),
        ("dissolve_partnership", PARTNERSHIP_MANAGERS),
        ("add_partnership_member", PARTNERSHIP_MANAGERS),
        ("update_partnership_member", PARTNERSHIP_MANAGERS),
        ("leave_partnership", PARTNERSHIP_MANAGERS),
        ("list_responsibilities", DIRECTORY),
        ("create_responsibility", PARTNERSHIP_MANAGERS),
        ("apply_responsibility_template", PARTNERSHIP_MANAGERS),
        ("update_responsibility", PARTNERSHIP_MANAGERS),
        ("cancel_responsibility", PARTNERSHIP_MANAGERS),
        // The task belongs to the partner member, the other organisation.
        ("start_responsibility", TASK_PROGRESSORS),
        ("complete_responsibility", TASK_PROGRESSORS),
        ("list_activities", DIRECTORY),
        ("get_activity", DIRECTORY),
        ("create_activity", ACTIVITY_RECORDERS),
        ("update_activity", ACTIVITY_RECORDERS),
        ("delete_activity", ACTIVITY_RECORDERS),
        ("list_campaigns", DIRECTORY),
        ("get_campaign", DIRECTORY),
        ("get_campaign_report", DIRECTORY),
        ("create_campaign", PROJECT_MANAGERS),
        ("update_campaign", PROJECT_MANAGERS),
        ("list_indicators", DIRECTORY),
        ("get_indicator", DIRECTORY),
        ("get_project_report", DIRECTORY),
        ("create_indicator", PROJECT_MANAGERS),
        ("update_indicator", PROJECT_MANAGERS),
        ("list_good_practices", DIRECTORY),
        (
            "get_good_practice",
            &[
                Admin,
                CoordinatorOfThisProject,
                OrgAdminOfThisOrganisation,
                OrgMemberOfThisOrganisation,
                ClientWithScopes,
            ],
        ),
        ("create_good_practice", PROPOSERS),
        ("update_good_practice", PROPOSERS),
        ("accept_good_practice", PROJECT_MANAGERS),
        ("reject_good_practice", PROJECT_MANAGERS),
        // The call is open: public; its applicants' data are its managers'.
        ("list_calls", PUBLIC),
        ("get_call", PUBLIC),
        ("create_call", PROJECT_MANAGERS),
        ("update_call", PROJECT_MANAGERS),
        ("open_call", PROJECT_MANAGERS),
        ("close_call", PROJECT_MANAGERS),
        ("finalize_call", PROJECT_MANAGERS),
        ("cancel_call", PROJECT_MANAGERS),
        ("anonymize_call", PROJECT_MANAGERS),
        ("export_applications", APPLICATION_READERS),
        ("apply", PUBLIC),
        ("list_applications", APPLICATION_READERS),
        ("get_application", APPLICATION_READERS),
        ("set_reviewers", PROJECT_MANAGERS),
        ("put_review", REVIEWERS),
        ("get_my_review", REVIEWERS),
        ("list_reviews", PROJECT_MANAGERS),
        // With the application's management token, whoever holds it.
        ("get_my_application", PUBLIC),
        ("withdraw_my_application", PUBLIC),
        ("confirm_my_application", PUBLIC),
        // Training is read like projects; planned by the project's managers.
        ("list_programmes", DIRECTORY),
        ("get_programme", DIRECTORY),
        ("create_programme", PROJECT_MANAGERS),
        ("update_programme", PROJECT_MANAGERS),
        ("list_groups", DIRECTORY),
        ("get_group", DIRECTORY),
        ("create_group", PROJECT_MANAGERS),
        ("update_group", PROJECT_MANAGERS),
        ("list_sessions", DIRECTORY),
        ("get_session", DIRECTORY),
        ("create_session", PROJECT_MANAGERS),
        ("update_session", PROJECT_MANAGERS),
        ("delete_session", PROJECT_MANAGERS),
        ("list_participants", PROJECT_MANAGERS),
        ("get_participant", PROJECT_MANAGERS),
        ("enrol", PROJECT_MANAGERS),
        ("move_participant", PROJECT_MANAGERS),
        ("remove_participant", PROJECT_MANAGERS),
        ("assign_applicants", PROJECT_MANAGERS),
        ("get_attendance", ATTENDANCE_TAKERS),
        ("put_attendance", ATTENDANCE_TAKERS),
        ("get_completion", PROJECT_MANAGERS),
        ("issue_certificates", PROJECT_MANAGERS),
        ("list_certificates", PROJECT_MANAGERS),
        ("get_certificate", PROJECT_MANAGERS),
        ("certificate_pdf", PROJECT_MANAGERS),
        ("revoke_certificate", PROJECT_MANAGERS),
        ("check_certificate", PUBLIC),
        ("group_calendar", DIRECTORY),
        ("participant_calendar", PROJECT_MANAGERS),
        // The consultation is open, so public; run by its organisation's admins.
        ("list_consultations", PUBLIC),
        ("get_consultation", PUBLIC),
        ("create_consultation", CONSULTATION_MANAGERS),
        ("update_consultation", CONSULTATION_MANAGERS),
        ("announce_consultation", CONSULTATION_MANAGERS),
        ("open_consultation", CONSULTATION_MANAGERS),
        ("close_consultation", CONSULTATION_MANAGERS),
        ("publish_report", CONSULTATION_MANAGERS),
        ("cancel_consultation", CONSULTATION_MANAGERS),
        ("list_versions", PUBLIC),
        ("get_version", PUBLIC),
        ("create_version", CONSULTATION_MANAGERS),
        ("compare_versions", PUBLIC),
        // An individual's submission: anybody, no account needed.
        ("create_submission", PUBLIC),
        ("list_submissions", CONSULTATION_MANAGERS),
        ("get_submission", CONSULTATION_MANAGERS),
        ("respond_to_submission", CONSULTATION_MANAGERS),
        // Before it is published: 409 to all but its managers.
        ("get_report", PUBLIC),
        // The watch list is for people: users, not API clients.
        ("list_watched_drafts", USERS),
        ("get_watched_draft", USERS),
        ("upcoming_deadlines", USERS),
        ("create_watched_draft", ORGANISATION_PEOPLE),
        ("update_watched_draft", ORGANISATION_PEOPLE),
        // The consultation is open: its meetings are public.
        ("list_consultation_meetings", PUBLIC),
        ("get_consultation_meeting", PUBLIC),
        ("create_consultation_meeting", CONSULTATION_MANAGERS),
        ("update_consultation_meeting", CONSULTATION_MANAGERS),
        // Bodies and their balance are public; members are for users.
        ("list_participation_bodies", PUBLIC),
        ("get_participation_body", PUBLIC),
        ("get_body_balance", PUBLIC),
        ("create_participation_body", BODY_MANAGERS),
        ("update_participation_body", BODY_MANAGERS),
        ("list_body_members", USERS),
        ("get_body_member", USERS),
        ("add_body_member", BODY_MANAGERS),
        ("update_body_member", BODY_MANAGERS),
        // Methodologies are read by anybody and kept by admins. The round
        // is completed, so public; the matrix's callers run no local
        // government (quality.rs covers its admins and working group).
        ("list_methodologies", PUBLIC),
        ("get_methodology", PUBLIC),
        ("import_methodology", ADMIN),
        ("replace_methodology", ADMIN),
        ("list_quality_rounds", PUBLIC),
        ("get_quality_round", PUBLIC),
        ("list_assessments", PUBLIC),
        ("get_assessment", PUBLIC),
        ("get_round_scores", PUBLIC),
        ("get_round_chart", PUBLIC),
        ("get_round_report", PUBLIC),
        ("create_quality_round", ADMIN),
        ("update_quality_round", ADMIN),
        ("start_quality_round", ADMIN),
        ("complete_quality_round", ADMIN),
        ("cancel_quality_round", ADMIN),
        ("record_assessment", ADMIN),
        ("open_survey", ADMIN),
        ("close_survey", ADMIN),
        ("get_survey", PUBLIC),
        // Anonymous by design: the survey's token, not a caller, decides.
        ("submit_survey_answers", PUBLIC),
        ("get_ranking", PUBLIC),
        ("get_series", PUBLIC),
        ("list_action_items", PUBLIC),
        ("get_action_item", PUBLIC),
        ("get_action_review", PUBLIC),
        ("create_action_item", ADMIN),
        ("update_action_item", ADMIN),
        // Any organisation's admins list theirs (here: none of the other's).
        (
            "list_webhooks",
            &[
                Admin,
                OrgAdminOfThisOrganisation,
                OrgAdminOfAnotherOrganisation,
                ClientWithScopes,
            ],
        ),
        ("create_webhook", WEBHOOK_MANAGERS),
        ("get_webhook", WEBHOOK_MANAGERS),
        ("update_webhook", WEBHOOK_MANAGERS),
        ("delete_webhook", WEBHOOK_MANAGERS),
        ("list_webhook_deliveries", WEBHOOK_MANAGERS),
        ("get_webhook_delivery", WEBHOOK_MANAGERS),
        ("redeliver_webhook_delivery", WEBHOOK_MANAGERS),
    ])
}

fn actor(caller: Caller, f: &Fixture) -> Option<Actor> {
    // One user (and person) for each kind of caller: the service reads a
    // caller's roles from the database, so two kinds cannot share one.
    let user = |roles: Vec<Role>| Some(user_actor(&format!("matrix-{caller:?}"), None, roles));
    match caller {
        Anonymous => None,
        Admin => user(vec![Role::Admin]),
        CoordinatorOfThisProject => user(vec![Role::Coordinator {
            project_id: f.project.clone(),
        }]),
        CoordinatorOfAnotherProject => user(vec![Role::Coordinator {
            project_id: f.other_project.clone(),
        }]),
        OrgAdminOfThisOrganisation => user(vec![Role::OrgAdmin {
            organization_id: f.org.clone(),
        }]),
        OrgAdminOfAnotherOrganisation => user(vec![Role::OrgAdmin {
            organization_id: f.other_org.clone(),
        }]),
        OrgMemberOfThisOrganisation => user(vec![Role::OrgMember {
            organization_id: f.org.clone(),
        }]),
        ClientWithScopes => Some(client_actor(&f.org, coopera::auth::policy::SCOPES)),
        ClientWithoutScopes => Some(client_actor(&f.org, &[])),
        ReviewerOfThisCall => Some(user_actor(&f.reviewer, None, vec![Role::Reviewer])),
        ReviewerOfAnotherCall => user(vec![Role::Reviewer]),
        TrainerOfThisSession => Some(user_actor(&f.trainer, None, vec![Role::Trainer])),
        TrainerOfAnotherSession => user(vec![Role::Trainer]),
    }
}

#[actix_web::test]
async fn every_operation_allows_exactly_the_callers_the_policy_names() {
    let doc: Value = serde_json::from_str(&coopera::openapi_json()).unwrap();
    let expected = expected();
    let mut seen = Vec::new();
    let mut cases = 0;
    // Reads change nothing: they share one app and fixture. Every other
    // operation gets its own, so that no write can change what another
    // operation's callers see.
    let reads = TestApp::new().await;
    let read_fixture = fixture(&reads).await;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let op_id = op["operationId"].as_str().unwrap();
            let allowed = expected
                .get(op_id)
                .unwrap_or_else(|| panic!("{op_id} has no access decision in the matrix"));
            seen.push(op_id.to_owned());
            let own;
            let (app, f) = if method == "get" {
                (&reads, &read_fixture)
            } else {
                let app = TestApp::new().await;
                let f = fixture(&app).await;
                own = (app, f);
                (&own.0, &own.1)
            };
            // Refused callers first, so that allowed calls cannot change what
            // the refused ones see.
            let mut callers = ALL.to_vec();
            callers.sort_by_key(|c| allowed.contains(c));
            for (n, caller) in callers.into_iter().enumerate() {
                let mut req = request(op_id, method, path, f, n);
                if let Some(actor) = actor(caller, f) {
                    req = req
                        .insert_header(("authorization", format!("Bearer {}", app.token(&actor))));
                }
                let res = app.send(req).await;
                let status = res.status.as_u16();
                cases += 1;
                if allowed.contains(&caller) {
                    assert!(
                        status != 401 && status != 403 && status < 500,
                        "{op_id} as {caller:?} should be allowed, got {status}: {}",
                        res.text()
                    );
                } else {
                    let want = if caller == Anonymous {
                        401
                    } else if hidden(op_id, caller) {
                        404
                    } else {
                        403
                    };
                    assert_eq!(
                        status,
                        want,
                        "{op_id} as {caller:?} should be refused: {}",
                        res.text()
                    );
                }
            }
        }
    }
    let stale: Vec<_> = expected
        .keys()
        .filter(|k| !seen.iter().any(|s| s == *k))
        .collect();
    assert!(
        stale.is_empty(),
        "the matrix names operations that do not exist: {stale:?}"
    );
    assert_eq!(seen.len(), expected.len());
    println!(
        "access matrix: {} operations, {cases} caller cases",
        seen.len()
    );
}
