//! The records the access matrix's requests point at, and the request each
//! operation sends.

use actix_web::test::TestRequest;
use coopera::auth::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, user_actor};

/// The records the requests point at.
pub struct Fixture {
    pub org: String,
    pub other_org: String,
    pub person: String,
    pub member: String,
    pub project: String,
    pub other_project: String,
    pub coordinator: String,
    pub user: String,
    pub client: String,
    pub partnership: String,
    pub partner_member: String,
    pub task: String,
    pub activity: String,
    pub campaign: String,
    pub indicator: String,
    pub good_practice: String,
    pub call: String,
    pub application: String,
    pub application_token: String,
    pub reviewer: String,
    pub programme: String,
    pub group: String,
    pub other_group: String,
    pub session: String,
    pub participant: String,
    pub trainer: String,
    pub certificate: String,
    pub certificate_number: String,
    pub consultation: String,
    pub submission: String,
    pub watched_draft: String,
    pub meeting: String,
    pub body: String,
    pub body_member: String,
    pub methodology: String,
    pub round: String,
    /// The local government the round assesses.
    pub jst: String,
    /// An action item of the round.
    pub action_item: String,
    /// A webhook subscription of this organisation.
    pub webhook: String,
    /// A delivery of the webhook subscription.
    pub delivery: String,
}

/// The id of a record a request has just created (201).
fn created(res: crate::support::TestResponse) -> String {
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()["id"].as_str().unwrap().to_owned()
}

/// A one-indicator methodology, `key`, for the matrix's rounds.
pub fn tiny_methodology(key: &str) -> Value {
    json!({"key": key, "name": "Matrix", "planes": [{"number": 1, "name": "P", "weight": 1,
        "areas": [{"code": "a", "name": "A", "weight": 1, "indicators": [{"code": "Q.1",
        "question": "?", "scale": {"type": "yes_no"}, "weight": 1, "source": "working_group"}]}]}]})
}

/// A completed (so public) quality round of a local government, on a
/// methodology of its own: (methodology, round, its local government).
async fn quality_round(app: &TestApp, admin: &str) -> (String, String, String) {
    let methodology = created(
        app.post_json_as(
            admin,
            "/api/v1/quality/methodologies",
            tiny_methodology("matrix"),
        )
        .await,
    );
    let jst = app
        .create_org(json!({"name": "Województwo", "kind": "local_government", "country": "PL", "teryt_code": "02"}))
        .await;
    let official = app
        .create_person(json!({"full_name": "Urzędnik", "organization_id": jst}))
        .await;
    let activist = app.create_person(json!({"full_name": "Działaczka"})).await;
    let round = created(
        app.post_json_as(
            admin,
            "/api/v1/quality/rounds",
            json!({"organization_id": jst, "year": 2025, "methodology_id": methodology,
                   "working_group": [{"person_id": official, "side": "local_government"},
                                     {"person_id": activist, "side": "ngo"}]}),
        )
        .await,
    );
    for step in ["start", "assessments/Q.1", "complete"] {
        let uri = format!("/api/v1/quality/rounds/{round}/{step}");
        let req = if step.starts_with("assessments") {
            TestRequest::put().uri(&uri).set_json(json!({"answer": 1}))
        } else {
            TestRequest::post().uri(&uri)
        };
        let res = app.send_as(admin, req).await;
        assert_eq!(res.status, 200, "{step}: {}", res.text());
    }
    (methodology, round, jst)
}

/// An action item of the completed `round`, owned by `jst`.
async fn action_item(app: &TestApp, admin: &str, round: &str, jst: &str) -> String {
    created(
        app.post_json_as(
            admin,
            &format!("/api/v1/quality/rounds/{round}/action-items"),
            json!({"action": "Przyjąć zasady", "owner_organization_id": jst, "due_on": "2026-12-31"}),
        )
        .await,
    )
}

/// A webhook subscription of `org` with one delivery (never sent).
async fn webhook(app: &TestApp, admin: &str, org: &str) -> (String, String) {
    let res = app
        .post_json_as(
            admin,
            "/api/v1/webhooks",
            json!({"organization_id": org, "url": "https://crm.example.org/hooks"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let webhook = res.json()["subscription"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.create_person(json!({"full_name": "Zmiana"})).await;
    let id = webhook.clone();
    app.db(move |conn| {
        coopera::webhooks::store::fan_out(conn, &id, coopera::db::now()).map(|_| ())
    })
    .await;
    let res = app
        .get_as(admin, &format!("/api/v1/webhooks/{webhook}/deliveries"))
        .await;
    let delivery = res.json()["items"][0]["id"].as_str().unwrap().to_owned();
    (webhook, delivery)
}

pub async fn fixture(app: &TestApp) -> Fixture {
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
    let trainer = coopera::db::new_id();
    app.token(&user_actor(&trainer, None, vec![Role::Trainer]));
    let session = created(
        app.post_json_as(
            &admin,
            &format!("/api/v1/training-groups/{group}/sessions"),
            json!({"module_codes": ["consulting_draft_acts"], "starts_at": "2027-02-10T09:00:00Z",
                   "ends_at": "2027-02-10T16:00:00Z", "format": "on_site", "trainer_ids": [trainer]}),
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
    // A past session of every module, attended: a certificate.
    let all_modules: Vec<String> = coopera::training::rules::default_modules()
        .into_iter()
        .map(|m| m.code)
        .collect();
    let held = created(
        app.post_json_as(
            &admin,
            &format!("/api/v1/training-groups/{group}/sessions"),
            json!({"module_codes": all_modules, "starts_at": "2025-02-10T09:00:00Z",
                   "ends_at": "2025-02-10T16:00:00Z", "format": "on_site"}),
        )
        .await,
    );
    let res = app
        .send_as(
            &admin,
            TestRequest::put()
                .uri(&format!("/api/v1/training-sessions/{held}/attendance"))
                .set_json(
                    json!({"records": [{"participant_id": participant, "status": "present"}]}),
                ),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app
        .send_as(
            &admin,
            TestRequest::post().uri(&format!(
                "/api/v1/training-programmes/{programme}/certificates"
            )),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let certificate = res.json()["issued"][0].clone();
    // An open consultation of this organisation, with a submission.
    let consultation = created(
        app.post_json_as(
            &admin,
            "/api/v1/consultations",
            json!({"subject": "Program współpracy", "kind": "cooperation_programme",
                   "initiating_organization_id": org,
                   "forms": ["written_comments", "public_meeting", "body_opinion"],
                   "opens_at": "2026-01-01T00:00:00Z", "closes_at": "2099-01-01T00:00:00Z"}),
        )
        .await,
    );
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/consultations/{consultation}/versions"),
            json!({"title": "Projekt", "sections": [{"number": "§ 1", "body": "Tekst."}]}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/consultations/{consultation}/announce"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let submission = created(
        app.post_json(
            &format!("/api/v1/consultations/{consultation}/submissions"),
            json!({"name": "Jan", "email": "jan@example.org", "justification": "Uwaga."}),
        )
        .await,
    );
    let watched_draft = created(
        app.post_json_as(
            &admin,
            "/api/v1/watched-drafts",
            json!({"organization_id": org, "title": "Projekt ustawy", "source_url": "https://legislacja.gov.pl/projekt/1",
                   "comment_deadline": "2099-01-01T00:00:00Z"}),
        )
        .await,
    );
    let meeting = created(
        app.post_json_as(
            &admin,
            &format!("/api/v1/consultations/{consultation}/meetings"),
            json!({"kind": "public_meeting", "title": "Spotkanie", "starts_at": "2099-01-01T00:00:00Z"}),
        )
        .await,
    );
    // A participation body run by this organisation, with a member.
    let body = created(
        app.post_json_as(
            &admin,
            "/api/v1/participation-bodies",
            json!({"name": "Platforma", "kind": "regional_social_platform",
                   "territorial_unit_code": "02", "secretariat_organization_id": org}),
        )
        .await,
    );
    let body_member = created(
        app.post_json_as(
            &admin,
            &format!("/api/v1/participation-bodies/{body}/members"),
            json!({"constituency": "excluded_persons", "name": "Jan", "joined_on": "2026-01-01"}),
        )
        .await,
    );
    let (methodology, round, jst) = quality_round(app, &admin).await;
    let (webhook, delivery) = webhook(app, &admin, &org).await;
    Fixture {
        webhook,
        delivery,
        action_item: action_item(app, &admin, &round, &jst).await,
        jst,
        methodology,
        round,
        meeting,
        body,
        body_member,
        watched_draft,
        consultation,
        submission,
        trainer,
        certificate: certificate["id"].as_str().unwrap().to_owned(),
        certificate_number: certificate["number"].as_str().unwrap().to_owned(),
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

/// A request for the operation that the service would carry out if allowed.
pub fn request(op: &str, method: &str, path: &str, f: &Fixture, n: usize) -> TestRequest {
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
    } else if path.starts_with("/api/v1/training-certificates") {
        f.certificate.clone()
    } else if path.starts_with("/api/v1/consultations") {
        f.consultation.clone()
    } else if path.starts_with("/api/v1/consultation-submissions") {
        f.submission.clone()
    } else if path.starts_with("/api/v1/quality/methodologies") {
        f.methodology.clone()
    } else if path.starts_with("/api/v1/quality/rounds") {
        f.round.clone()
    } else if path.starts_with("/api/v1/quality/action-items") {
        f.action_item.clone()
    } else if path.starts_with("/api/v1/quality/organizations") {
        f.jst.clone()
    } else if path.starts_with("/api/v1/consultation-meetings") {
        f.meeting.clone()
    } else if path.starts_with("/api/v1/participation-bodies") {
        f.body.clone()
    } else if path.starts_with("/api/v1/watched-drafts") {
        f.watched_draft.clone()
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
    } else if path.starts_with("/api/v1/webhooks") {
        f.webhook.clone()
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
            } else if path.starts_with("/api/v1/participation-bodies") {
                &f.body_member
            } else {
                &f.member
            },
        )
        .replace("{person_id}", &f.coordinator)
        .replace("{task_id}", &f.task)
        .replace("{delivery_id}", &f.delivery)
        .replace(
            "{number}",
            if path.starts_with("/api/v1/consultations") {
                "1"
            } else {
                &f.certificate_number
            },
        )
        .replace(
            "{code}",
            if path.starts_with("/problems") {
                "not_found"
            } else if path.starts_with("/api/v1/quality") {
                "Q.1"
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
        "import_organizations" => Some(json!([{"name": unique, "kind": "ngo", "country": "PL"}])),
        "import_people" => Some(json!([{"full_name": unique}])),
        "update_person" => Some(json!({"position": unique})),
        "archive_person" | "archive_project" => Some(json!({"reason": unique})),
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
            json!({"module_codes": ["local_partnerships"], "starts_at": format!("2027-03-{:02}T09:00:00Z", n + 1),
                   "ends_at": format!("2027-03-{:02}T16:00:00Z", n + 1), "format": "online"}),
        ),
        "update_session" => Some(json!({"place": unique})),
        "enrol" => Some(json!({"person_id": f.coordinator})),
        "move_participant" => Some(json!({"group_id": f.other_group})),
        "put_attendance" => {
            Some(json!({"records": [{"participant_id": f.participant, "status": "present"}]}))
        }
        "revoke_certificate" => Some(json!({"reason": unique})),
        "assign_applicants" => Some(json!({"call_id": f.call, "seed": n})),
        "create_consultation" => {
            Some(json!({"subject": unique, "kind": "other", "initiating_organization_id": f.org}))
        }
        "update_consultation" => Some(json!({"report_due_at": "2099-02-01T00:00:00Z"})),
        "cancel_consultation" => Some(json!({"reason": unique})),
        "create_version" => Some(
            json!({"title": unique, "sections": [{"number": "§ 1", "body": "Tekst zmieniony."}]}),
        ),
        "create_submission" => Some(
            json!({"name": "X", "email": format!("{unique}@example.org"), "justification": unique}),
        ),
        "respond_to_submission" => Some(json!({"status": "accepted"})),
        "create_watched_draft" => Some(
            json!({"organization_id": f.org, "title": unique, "source_url": "https://example.org/draft",
                   "comment_deadline": "2099-01-01T00:00:00Z"}),
        ),
        "update_watched_draft" => Some(json!({"status": "commented"})),
        "create_consultation_meeting" => Some(
            json!({"kind": "public_debate", "title": unique, "starts_at": "2099-01-01T00:00:00Z"}),
        ),
        "update_consultation_meeting" => Some(json!({"title": unique})),
        "create_participation_body" => Some(
            json!({"name": unique, "kind": "other", "territorial_unit_code": "02", "secretariat_organization_id": f.org}),
        ),
        "update_participation_body" => Some(json!({"description": unique})),
        "add_body_member" => Some(
            json!({"constituency": "ngo", "name": unique, "organization_id": f.org, "joined_on": "2026-01-01"}),
        ),
        "update_body_member" => Some(json!({"role": "chair"})),
        "import_methodology" => Some(tiny_methodology(&format!("matrix-{n}"))),
        "replace_methodology" => Some(tiny_methodology("matrix")),
        "create_quality_round" => Some(json!({"organization_id": f.jst, "year": 2030 + n as i64})),
        "update_quality_round" => Some(json!({"notes": unique})),
        "cancel_quality_round" => Some(json!({"reason": unique})),
        "record_assessment" => Some(json!({"answer": 1})),
        "create_action_item" => {
            Some(json!({"action": unique, "owner_organization_id": f.jst, "due_on": "2027-06-30"}))
        }
        "update_action_item" => Some(json!({"review": unique})),
        "create_webhook" => Some(
            json!({"organization_id": f.org, "url": format!("https://crm.example.org/{unique}")}),
        ),
        "update_webhook" => Some(json!({"url": format!("https://crm.example.org/{unique}")})),
        "submit_survey_answers" => Some(
            json!({"token": "sv_unknown", "answers": [{"indicator_code": "Q.1", "answer": 1}]}),
        ),
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
    .uri(&match op {
        "compare_versions" => format!("{uri}?from=1&to=1"),
        "get_ranking" => format!("{uri}?year=2025&methodology_id={}", f.methodology),
        _ => uri,
    });
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
