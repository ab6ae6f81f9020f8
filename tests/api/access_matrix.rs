//! The access matrix: every operation of the OpenAPI document, called by every
//! kind of caller, is allowed or refused exactly as the policy says. An operation
//! missing from the table below fails the test, so no endpoint ships without an
//! access decision.

use std::collections::BTreeMap;

use actix_web::test::TestRequest;
use coopera::auth::{Actor, Role};
use serde_json::{Value, json};

use crate::support::{TestApp, client_actor, user_actor};

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
}

use Caller::*;

const ALL: [Caller; 11] = [
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
        ("list_organizations", DIRECTORY),
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
            "update_organization",
            &[Admin, OrgAdminOfThisOrganisation, ClientWithScopes],
        ),
        ("archive_organization", ADMIN),
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
    ])
}

/// The records the requests point at.
struct Fixture {
    org: String,
    other_org: String,
    person: String,
    member: String,
    project: String,
    other_project: String,
    coordinator: String,
    user: String,
    client: String,
    partnership: String,
    partner_member: String,
    task: String,
    activity: String,
    campaign: String,
    indicator: String,
    good_practice: String,
    call: String,
    application: String,
    application_token: String,
    reviewer: String,
    programme: String,
    group: String,
    other_group: String,
    session: String,
    participant: String,
}

async fn fixture(app: &TestApp) -> Fixture {
    let org = app
        .create_org(json!({"name": "Fundacja A", "kind": "ngo", "country": "PL"}))
        .await;
    let other_org = app
        .create_org(json!({"name": "Fundacja B", "kind": "ngo", "country": "PL"}))
        .await;
    let person = app
        .create_person(json!({"full_name": "Osoba A", "organization_id": org}))
        .await;
    let admin = app.admin_token();
    let members = app
        .get_as(&admin, &format!("/api/v1/organizations/{org}/members"))
        .await
        .json();
    let member = members["items"][0]["id"].as_str().unwrap().to_owned();
    let project = app.create_project("P-THIS").await;
    let other_project = app.create_project("P-OTHER").await;
    let coordinator = app.create_person(json!({"full_name": "Koordynator"})).await;
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/projects/{project}/coordinators"),
            json!({"person_id": coordinator}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let user = app
        .create_user(
            "someone@example.org",
            "a long enough passphrase",
            vec![],
            None,
        )
        .await;
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/api-clients",
            json!({"organization_id": org, "name": "CRM", "scopes": ["organizations:read"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let client = res.json()["client"]["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/partnerships",
            json!({"name": "Partnerstwo", "project_id": project}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let partnership = res.json()["id"].as_str().unwrap().to_owned();
    let uri = format!("/api/v1/partnerships/{partnership}/members");
    let res = app
        .post_json_as(
            &admin,
            &uri,
            json!({"organization_id": org, "role": "lead"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = app
        .post_json_as(
            &admin,
            &uri,
            json!({"organization_id": other_org, "role": "partner"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let partner_member = res.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/partnerships/{partnership}/responsibilities"),
            json!({"member_id": partner_member, "category": "campaign", "title": "9 November"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let task = res.json()["id"].as_str().unwrap().to_owned();
    let created = |res: crate::support::TestResponse| {
        assert_eq!(res.status, 201, "{}", res.text());
        res.json()["id"].as_str().unwrap().to_owned()
    };
    let campaign = created(
        app.post_json_as(
            &admin,
            &format!("/api/v1/projects/{project}/campaigns"),
            json!({"name": "9 November", "starts_on": "2026-11-09", "ends_on": "2026-11-09",
                   "min_actions_per_location": 2, "locations": ["Cluj-Napoca", "Dej"]}),
        )
        .await,
    );
    let activity = created(
        app.post_json_as(
            &admin,
            &format!("/api/v1/projects/{project}/activities"),
            json!({"type": "campaign_action", "title": "Flash mob", "held_on": "2026-11-09",
                   "place": "Dej", "campaign_id": campaign, "organizer_organization_id": org}),
        )
        .await,
    );
    let indicator = created(
        app.post_json_as(
            &admin,
            &format!("/api/v1/projects/{project}/indicators"),
            json!({"name": "Actions", "unit": "actions", "target": 10, "kind": "activity_count"}),
        )
        .await,
    );
    let good_practice = created(
        app.post_json_as(
            &admin,
            "/api/v1/good-practices",
            json!({"project_id": project, "organization_id": org, "title": "Practice",
                   "description": "D", "plane": 3}),
        )
        .await,
    );
    let call = created(
        app.post_json_as(
            &admin,
            "/api/v1/calls",
            json!({"project_id": project, "title": "Nabór", "regulations": "R",
                   "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z",
                   "selection_mode": "review",
                   "criteria": [{"code": "quality", "name": "Q", "weight": 1, "max_points": 5}],
                   "categories": [{"code": "ngo", "name": "NGO", "quota": 5}]}),
        )
        .await,
    );
    let reviewer = coopera::db::new_id();
    app.token(&user_actor(&reviewer, None, vec![Role::Reviewer]));
    let res = app
        .send_as(
            &admin,
            TestRequest::put()
                .uri(&format!("/api/v1/calls/{call}/reviewers"))
                .set_json(json!({"user_ids": [reviewer]})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app
        .post_json_as(&admin, &format!("/api/v1/calls/{call}/open"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app
        .post_json(
            &format!("/api/v1/calls/{call}/applications"),
            json!({"category": "ngo", "name": "Ana", "email": "ana@example.org",
                   "consents": ["personal_data"]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let receipt = res.json();
    let application = receipt["application"]["id"].as_str().unwrap().to_owned();
    let application_token = receipt["management_token"].as_str().unwrap().to_owned();
    let programme = created(
        app.post_json_as(
            &admin,
            "/api/v1/training-programmes",
            json!({"project_id": project, "name": "Szkolenia"}),
        )
        .await,
    );
    let groups = format!("/api/v1/training-programmes/{programme}/groups");
    let group = created(
        app.post_json_as(&admin, &groups, json!({"name": "G1", "capacity": 50}))
            .await,
    );
    let other_group = created(
        app.post_json_as(&admin, &groups, json!({"name": "G2", "capacity": 50}))
            .await,
    );
    let session = created(
        app.post_json_as(
            &admin,
            &format!("/api/v1/training-groups/{group}/sessions"),
            json!({"module_code": "consulting_draft_acts", "starts_at": "2027-02-10T09:00:00Z",
                   "ends_at": "2027-02-10T16:00:00Z", "format": "on_site"}),
        )
        .await,
    );
    let participant = created(
        app.post_json_as(
            &admin,
            &format!("/api/v1/training-groups/{group}/participants"),
            json!({"person_id": person}),
        )
        .await,
    );
    Fixture {
        programme,
        group,
        other_group,
        session,
        participant,
        reviewer,
        call,
        application,
        application_token,
        activity,
        campaign,
        indicator,
        good_practice,
        task,
        partnership,
        partner_member,
        org,
        other_org,
        person,
        member,
        project,
        other_project,
        coordinator,
        user,
        client,
    }
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
    }
}

/// A request for the operation that the service would carry out if allowed.
fn request(op: &str, method: &str, path: &str, f: &Fixture, n: usize) -> TestRequest {
    let unique = format!("{op}-{n}");
    let id = if path.starts_with("/api/v1/partnerships") {
        f.partnership.clone()
    } else if path.starts_with("/api/v1/activities") {
        f.activity.clone()
    } else if path.starts_with("/api/v1/campaigns") {
        f.campaign.clone()
    } else if path.starts_with("/api/v1/indicators") {
        f.indicator.clone()
    } else if path.starts_with("/api/v1/good-practices") {
        f.good_practice.clone()
    } else if path.starts_with("/api/v1/training-programmes") {
        f.programme.clone()
    } else if path.starts_with("/api/v1/training-groups") {
        f.group.clone()
    } else if path.starts_with("/api/v1/training-sessions") {
        f.session.clone()
    } else if path.starts_with("/api/v1/training-participants") {
        f.participant.clone()
    } else if path.starts_with("/api/v1/calls") {
        f.call.clone()
    } else if path.starts_with("/api/v1/applications") {
        f.application.clone()
    } else if path.starts_with("/api/v1/organizations") {
        f.org.clone()
    } else if path.starts_with("/api/v1/people") {
        f.person.clone()
    } else if path.starts_with("/api/v1/projects") {
        f.project.clone()
    } else if path.starts_with("/api/v1/users") {
        f.user.clone()
    } else {
        f.client.clone()
    };
    let uri = path
        .replace("{id}", &id)
        .replace(
            "{member_id}",
            if path.starts_with("/api/v1/partnerships") {
                &f.partner_member
            } else {
                &f.member
            },
        )
        .replace("{person_id}", &f.coordinator)
        .replace("{task_id}", &f.task)
        .replace(
            "{code}",
            if path.starts_with("/problems") {
                "not_found"
            } else {
                "02"
            },
        );
    let body: Option<Value> = match op {
        "create_user" => Some(
            json!({"email": format!("{unique}@example.org"), "display_name": "X", "password": "a long enough passphrase"}),
        ),
        "update_user" => Some(json!({"display_name": unique})),
        "create_api_client" => {
            Some(json!({"organization_id": f.org, "name": unique, "scopes": ["people:read"]}))
        }
        "create_organization" => Some(json!({"name": unique, "kind": "ngo", "country": "PL"})),
        "update_organization" => Some(json!({"phone": unique})),
        "add_organization_member" => {
            Some(json!({"person_id": f.coordinator, "role": "org_member"}))
        }
        "update_organization_member" => Some(json!({"position": unique})),
        "create_person" => Some(json!({"full_name": unique})),
        "update_person" => Some(json!({"position": unique})),
        "create_project" => Some(json!({"code": unique, "title": "T"})),
        "update_project" => Some(json!({"description": unique})),
        "add_project_coordinator" => Some(json!({"person_id": f.person})),
        "create_partnership" => Some(json!({"name": unique, "project_id": f.project})),
        "update_partnership" => Some(json!({"purpose": unique})),
        "dissolve_partnership" => Some(json!({"reason": unique})),
        "add_partnership_member" => Some(json!({"organization_id": f.org, "role": "partner"})),
        "update_partnership_member" => Some(json!({"local_coordinator_person_id": null})),
        "leave_partnership" => Some(json!({})),
        "create_responsibility" => {
            Some(json!({"member_id": f.partner_member, "category": "launch", "title": unique}))
        }
        "update_responsibility" => Some(json!({"title": unique})),
        "complete_responsibility" => Some(json!({"evidence": unique})),
        "apply_responsibility_template" => Some(json!({})),
        "create_activity" => Some(
            json!({"type": "workshop", "title": unique, "held_on": "2026-05-01", "organizer_organization_id": f.org}),
        ),
        "update_activity" => Some(json!({"title": unique})),
        "create_campaign" => Some(
            json!({"name": unique, "starts_on": "2026-05-01", "ends_on": "2026-05-02", "min_actions_per_location": 1, "locations": ["Turda"]}),
        ),
        "update_campaign" => Some(json!({"name": unique})),
        "create_indicator" => {
            Some(json!({"name": unique, "unit": "people", "target": 5, "kind": "manual"}))
        }
        "update_indicator" => Some(json!({"name": unique})),
        "create_good_practice" => Some(
            json!({"project_id": f.project, "organization_id": f.org, "title": unique, "description": "D", "plane": 1}),
        ),
        "update_good_practice" => Some(json!({"title": unique})),
        "reject_good_practice" => Some(json!({"reason": unique})),
        "create_call" => Some(
            json!({"project_id": f.project, "title": unique, "regulations": "R",
                   "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z",
                   "categories": [{"code": "ngo", "name": "NGO", "quota": 1}]}),
        ),
        "update_call" => Some(json!({"title": unique})),
        "cancel_call" => Some(json!({"reason": unique})),
        "create_programme" => Some(json!({"project_id": f.project, "name": unique})),
        "update_programme" => Some(json!({"name": unique})),
        "create_group" => Some(json!({"name": unique, "capacity": 5})),
        "update_group" => Some(json!({"place": unique})),
        "create_session" => Some(
            json!({"module_code": "local_partnerships", "starts_at": format!("2027-03-{:02}T09:00:00Z", n + 1),
                   "ends_at": format!("2027-03-{:02}T16:00:00Z", n + 1), "format": "online"}),
        ),
        "update_session" => Some(json!({"place": unique})),
        "enrol" => Some(json!({"person_id": f.coordinator})),
        "move_participant" => Some(json!({"group_id": f.other_group})),
        "set_reviewers" => Some(json!({"user_ids": [f.reviewer]})),
        "put_review" => Some(json!({"scores": {"quality": 3}, "note": unique})),
        "apply" => Some(
            json!({"category": "ngo", "name": "X", "email": format!("{unique}@example.org"),
                   "consents": ["personal_data"]}),
        ),
        _ => None,
    };
    let req = match method {
        "get" => TestRequest::get(),
        "post" => TestRequest::post(),
        "patch" => TestRequest::patch(),
        "put" => TestRequest::put(),
        "delete" => TestRequest::delete(),
        other => panic!("method {other}"),
    }
    .uri(&uri);
    let req = if path.starts_with("/api/v1/my-application") {
        req.insert_header(("Application-Token", f.application_token.as_str()))
    } else {
        req
    };
    match (op, body) {
        ("issue_token", _) => req.set_form([
            ("grant_type", "password"),
            ("username", "nobody@example.org"),
            ("password", "wrong"),
        ]),
        ("revoke_token", _) => req.set_form([("token", "rt_unknown")]),
        (_, Some(body)) => req.set_json(body),
        (_, None) => req,
    }
}

#[actix_web::test]
async fn every_operation_allows_exactly_the_callers_the_policy_names() {
    let doc: Value = serde_json::from_str(&coopera::openapi_json()).unwrap();
    let expected = expected();
    let mut seen = Vec::new();
    let mut cases = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let op_id = op["operationId"].as_str().unwrap();
            let allowed = expected
                .get(op_id)
                .unwrap_or_else(|| panic!("{op_id} has no access decision in the matrix"));
            seen.push(op_id.to_owned());
            let app = TestApp::new().await;
            let f = fixture(&app).await;
            // Refused callers first, so that allowed calls cannot change what
            // the refused ones see.
            let mut callers = ALL.to_vec();
            callers.sort_by_key(|c| allowed.contains(c));
            for (n, caller) in callers.into_iter().enumerate() {
                let mut req = request(op_id, method, path, &f, n);
                if let Some(actor) = actor(caller, &f) {
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
