//! Partnerships: the state machine and its preconditions, membership history,
//! the sector mix.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::support::TestApp;

struct Setup {
    partnership: String,
    ngo: String,
    jst: String,
}

async fn setup(app: &TestApp) -> Setup {
    let admin = app.admin_token();
    let ngo = app
        .create_org(json!({"name": "Asociația pentru Incluziune", "kind": "ngo", "country": "RO"}))
        .await;
    let jst = app
        .create_org(json!({"name": "Consiliul Județean Cluj", "kind": "local_government", "country": "RO", "teryt_code": "RO-CJ"}))
        .await;
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/partnerships",
            json!({"name": "Parteneriat local Cluj", "purpose": "PALIS"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    assert_eq!(body["status"], "draft");
    assert_eq!(body["cross_sector"], true);
    Setup {
        partnership: body["id"].as_str().unwrap().to_owned(),
        ngo,
        jst,
    }
}

async fn add(app: &TestApp, p: &str, org: &str, role: &str) -> Value {
    let res = app
        .post_json_as(
            &app.admin_token(),
            &format!("/api/v1/partnerships/{p}/members"),
            json!({"organization_id": org, "role": role, "joined_on": "2026-01-15"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

async fn act(app: &TestApp, p: &str, action: &str) -> crate::support::TestResponse {
    app.send_as(
        &app.admin_token(),
        TestRequest::post().uri(&format!("/api/v1/partnerships/{p}/{action}")),
    )
    .await
}

fn codes(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn activation_names_every_unmet_condition() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let body = act(&app, &s.partnership, "activate")
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        codes(&body),
        [
            "at_least_two_members",
            "lead_required",
            "agreement_not_signed",
            "ngo_member_required",
            "public_sector_member_required"
        ]
    );
    assert_eq!(body["current_state"], "draft");
    assert_eq!(body["allowed_transitions"], json!(["activate", "dissolve"]));

    add(&app, &s.partnership, &s.ngo, "partner").await;
    let body = act(&app, &s.partnership, "activate")
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        codes(&body),
        [
            "at_least_two_members",
            "lead_required",
            "agreement_not_signed",
            "public_sector_member_required"
        ]
    );
    // Nothing changed.
    let p = app
        .get_as(
            &app.admin_token(),
            &format!("/api/v1/partnerships/{}", s.partnership),
        )
        .await
        .json();
    assert_eq!(p["status"], "draft");
    assert_eq!(p["version"], 1);
}

#[actix_web::test]
async fn a_partnership_is_formed_activated_suspended_resumed_and_dissolved() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let p = &s.partnership;
    add(&app, p, &s.ngo, "lead").await;
    add(&app, p, &s.jst, "partner").await;
    let res = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}"),
            json!({"agreement": {"signed_on": "2026-02-01", "reference": "ACORD 12/2026"}}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    let res = act(&app, p, "activate").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "active");
    assert_eq!(
        res.json()["allowed_transitions"],
        json!(["suspend", "dissolve"])
    );

    let body = act(&app, p, "activate")
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(body["current_state"], "active");
    assert_eq!(body["allowed_transitions"], json!(["suspend", "dissolve"]));
    assert_eq!(body["detail"], "An active partnership cannot activate.");
    act(&app, p, "resume")
        .await
        .assert_problem(409, "invalid_transition");

    assert_eq!(act(&app, p, "suspend").await.json()["status"], "suspended");
    assert_eq!(act(&app, p, "resume").await.json()["status"], "active");

    // Dissolving needs a reason.
    let uri = format!("/api/v1/partnerships/{p}/dissolve");
    app.post_json_as(&admin, &uri, json!({}))
        .await
        .assert_problem(422, "validation_failed");
    let body = app
        .post_json_as(&admin, &uri, json!({"reason": ""}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "reason");
    let res = app
        .post_json_as(&admin, &uri, json!({"reason": "Project finished"}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "dissolved");
    assert_eq!(res.json()["dissolution_reason"], "Project finished");

    // Terminal.
    for action in ["activate", "suspend", "resume"] {
        let body = act(&app, p, action)
            .await
            .assert_problem(409, "invalid_transition");
        assert_eq!(body["current_state"], "dissolved");
        assert_eq!(body["allowed_transitions"], json!([]));
    }
    app.post_json_as(&admin, &uri, json!({"reason": "again"}))
        .await
        .assert_problem(409, "invalid_transition");
    app.patch_json_as(
        &admin,
        &format!("/api/v1/partnerships/{p}"),
        json!({"name": "x"}),
    )
    .await
    .assert_problem(409, "invalid_transition");

    // Every transition is in the change log with from, to and reason.
    let log = app
        .get_as(&admin, &format!("/api/v1/audit?entity_id={p}"))
        .await
        .json();
    let entries: Vec<&Value> = log["items"].as_array().unwrap().iter().collect();
    let actions: Vec<&str> = entries
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "create", "update", "activate", "suspend", "resume", "dissolve"
        ]
    );
    let dissolve = entries.last().unwrap();
    assert_eq!(
        dissolve["changes"],
        json!({"from": "active", "to": "dissolved", "reason": "Project finished"})
    );
}

#[actix_web::test]
async fn resuming_rechecks_the_conditions() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let p = &s.partnership;
    add(&app, p, &s.ngo, "lead").await;
    let jst = add(&app, p, &s.jst, "partner").await;
    app.patch_json_as(
        &admin,
        &format!("/api/v1/partnerships/{p}"),
        json!({"agreement": {"signed_on": "2026-02-01"}}),
    )
    .await;
    assert_eq!(act(&app, p, "activate").await.status, 200);
    assert_eq!(act(&app, p, "suspend").await.status, 200);
    let res = app
        .post_json_as(
            &admin,
            &format!(
                "/api/v1/partnerships/{p}/members/{}/leave",
                jst["id"].as_str().unwrap()
            ),
            json!({"left_on": "2026-06-30"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = act(&app, p, "resume")
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        codes(&body),
        ["at_least_two_members", "public_sector_member_required"]
    );
    assert_eq!(body["current_state"], "suspended");
}

#[actix_web::test]
async fn leaving_keeps_the_history_and_rejoining_starts_a_new_period() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let p = &s.partnership;
    let m = add(&app, p, &s.jst, "partner").await;
    let leave = format!(
        "/api/v1/partnerships/{p}/members/{}/leave",
        m["id"].as_str().unwrap()
    );
    let body = app
        .post_json_as(&admin, &leave, json!({"left_on": "2025-12-31"}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "before_joined_on");
    let res = app
        .post_json_as(&admin, &leave, json!({"left_on": "2026-03-01"}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["left_on"], "2026-03-01");
    assert_eq!(res.json()["current"], false);
    app.post_json_as(&admin, &leave, json!({}))
        .await
        .assert_problem(409, "invalid_transition");

    add(&app, p, &s.jst, "associate").await;
    let members = app
        .get_as(&admin, &format!("/api/v1/partnerships/{p}/members"))
        .await
        .json();
    let rows = members["items"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "the former period stays");
    assert_eq!(rows.iter().filter(|r| r["current"] == true).count(), 1);
    // The organisation's partnerships include it, whether current or former.
    let of = app
        .get_as(
            &admin,
            &format!("/api/v1/organizations/{}/partnerships", s.jst),
        )
        .await
        .json();
    assert_eq!(of["items"][0]["id"], json!(p));
    let current = app
        .get_as(
            &admin,
            &format!("/api/v1/partnerships?organization_id={}", s.jst),
        )
        .await
        .json();
    assert_eq!(current["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn there_is_one_lead_and_members_have_a_coordinator_and_team() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let p = &s.partnership;
    add(&app, p, &s.ngo, "lead").await;
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}/members"),
            json!({"organization_id": s.jst, "role": "lead"}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "lead_exists"
    );
    let jst = add(&app, p, &s.jst, "partner").await;
    let dup = app
        .post_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}/members"),
            json!({"organization_id": s.jst, "role": "partner"}),
        )
        .await;
    dup.assert_problem(409, "already_exists");

    let coordinator = app.create_person(json!({"full_name": "Maria Pop"})).await;
    let a = app.create_person(json!({"full_name": "Ion Ionescu"})).await;
    let uri = format!(
        "/api/v1/partnerships/{p}/members/{}",
        jst["id"].as_str().unwrap()
    );
    let res = app
        .patch_json_as(&admin, &uri, json!({
            "local_coordinator_person_id": coordinator,
            "working_team": [{"person_id": coordinator, "team_role": "management"}, {"person_id": a, "team_role": "executive"}]
        }))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    assert_eq!(body["local_coordinator_person_id"], json!(coordinator));
    assert_eq!(body["working_team"].as_array().unwrap().len(), 2);
    let res = app
        .patch_json_as(&admin, &uri, json!({"working_team": [{"person_id": a, "team_role": "x"}, {"person_id": a, "team_role": "y"}]}))
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "duplicate"
    );
}

#[actix_web::test]
async fn the_sector_mix_counts_current_members() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let p = &s.partnership;
    add(&app, p, &s.ngo, "lead").await;
    add(&app, p, &s.jst, "partner").await;
    let firm = app
        .create_org(json!({"name": "SRL", "kind": "business", "country": "RO"}))
        .await;
    add(&app, p, &firm, "associate").await;
    let mix = app
        .get_as(
            &app.admin_token(),
            &format!("/api/v1/partnerships/{p}/sector-mix"),
        )
        .await
        .json();
    assert_eq!(mix["civil_society"], 1);
    assert_eq!(mix["public_sector"], 1);
    assert_eq!(mix["business"], 1);
    assert_eq!(mix["cross_sector"], true);
    assert_eq!(mix["by_kind"].as_array().unwrap().len(), 3);
}

#[actix_web::test]
async fn a_lead_organisations_admin_manages_the_partnership_and_others_may_not() {
    use coopera::auth::Role;
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let p = &s.partnership;
    add(&app, p, &s.ngo, "lead").await;
    add(&app, p, &s.jst, "partner").await;
    let lead_admin = app.token(&crate::support::user_actor(
        "u",
        Some("x"),
        vec![Role::OrgAdmin {
            organization_id: s.ngo.clone(),
        }],
    ));
    let partner_admin = app.token(&crate::support::user_actor(
        "v",
        Some("y"),
        vec![Role::OrgAdmin {
            organization_id: s.jst.clone(),
        }],
    ));
    let uri = format!("/api/v1/partnerships/{p}");
    assert_eq!(
        app.patch_json_as(&lead_admin, &uri, json!({"purpose": "x"}))
            .await
            .status,
        200
    );
    app.patch_json_as(&partner_admin, &uri, json!({"purpose": "y"}))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn the_template_gives_a_member_the_eight_standard_responsibilities_once() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let p = &s.partnership;
    let m = add(&app, p, &s.jst, "partner").await;
    let uri = format!(
        "/api/v1/partnerships/{p}/members/{}/apply-template",
        m["id"].as_str().unwrap()
    );
    let res = app
        .post_json_as(&admin, &uri, json!({"due_on": "2026-12-31"}))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let items = res.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 8);
    let categories: Vec<&str> = items
        .iter()
        .map(|t| t["category"].as_str().unwrap())
        .collect();
    assert_eq!(
        categories,
        [
            "launch",
            "volunteer_support",
            "training",
            "plan_testing",
            "measure_application",
            "campaign",
            "good_practice_compendium",
            "final_conference"
        ]
    );
    assert!(
        items
            .iter()
            .all(|t| t["status"] == "todo" && t["due_on"] == "2026-12-31")
    );
    let again = app.post_json_as(&admin, &uri, json!({})).await;
    assert_eq!(again.status, 200, "nothing created: {}", again.text());
    assert_eq!(again.json()["items"].as_array().unwrap().len(), 0);
}

#[actix_web::test]
async fn responsibilities_move_todo_in_progress_done_with_evidence_and_overdue_is_computed() {
    use coopera::auth::Role;
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let p = &s.partnership;
    add(&app, p, &s.ngo, "lead").await;
    let m = add(&app, p, &s.jst, "partner").await;
    let member = m["id"].as_str().unwrap();
    let create = |title: &str, due: &str| json!({"member_id": member, "category": "campaign", "title": title, "due_on": due});
    let tasks = format!("/api/v1/partnerships/{p}/responsibilities");
    let late = app
        .created(&admin, &tasks, create("Late", "2020-01-01"))
        .await;
    let future = app
        .created(&admin, &tasks, create("Future", "2999-01-01"))
        .await;
    assert_eq!(late["overdue"], true);
    assert_eq!(future["overdue"], false);
    let overdue = app
        .get_as(&admin, &format!("{tasks}?overdue=true"))
        .await
        .json();
    let ids: Vec<&Value> = overdue["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| &t["id"])
        .collect();
    assert_eq!(ids, [&late["id"]]);

    let late_id = late["id"].as_str().unwrap();
    // The member organisation's admin progresses its own task.
    let member_admin = app.token(&crate::support::user_actor(
        "u",
        Some("x"),
        vec![Role::OrgAdmin {
            organization_id: s.jst.clone(),
        }],
    ));
    let step = |action: &str| TestRequest::post().uri(&format!("{tasks}/{late_id}/{action}"));
    let body = app
        .send_as(
            &member_admin,
            step("complete").set_json(json!({"evidence": "photos"})),
        )
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(body["current_state"], "todo");
    assert_eq!(body["allowed_transitions"], json!(["start", "cancel"]));
    assert_eq!(
        app.send_as(&member_admin, step("start")).await.json()["status"],
        "in_progress"
    );
    app.send_as(
        &member_admin,
        step("complete").set_json(json!({"evidence": " "})),
    )
    .await
    .assert_problem(422, "validation_failed");
    app.send_as(&member_admin, step("complete").set_json(json!({})))
        .await
        .assert_problem(422, "validation_failed");
    let done = app
        .send_as(
            &member_admin,
            step("complete").set_json(json!({"evidence": "Minutes of the 9 November action"})),
        )
        .await;
    assert_eq!(done.status, 200, "{}", done.text());
    let done = done.json();
    assert_eq!(done["status"], "done");
    assert_eq!(done["overdue"], false, "a finished task is never overdue");
    assert_eq!(done["evidence"], "Minutes of the 9 November action");
    // Cancelling is for managers only, and a finished task cannot be cancelled.
    let future_id = future["id"].as_str().unwrap();
    app.send_as(
        &member_admin,
        TestRequest::post().uri(&format!("{tasks}/{future_id}/cancel")),
    )
    .await
    .assert_problem(403, "forbidden");
    assert_eq!(
        app.send_as(
            &admin,
            TestRequest::post().uri(&format!("{tasks}/{future_id}/cancel"))
        )
        .await
        .json()["status"],
        "cancelled"
    );
    app.send_as(&admin, step("cancel"))
        .await
        .assert_problem(409, "invalid_transition");
    // Former members get no new tasks.
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}/members/{member}/leave"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app
        .post_json_as(&admin, &tasks, create("After leaving", "2027-01-01"))
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "former_member"
    );
}

#[actix_web::test]
async fn a_dissolved_partnership_is_final_for_members_and_tasks_too() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let p = &s.partnership;
    let m = add(&app, p, &s.jst, "partner").await;
    let member = m["id"].as_str().unwrap();
    let tasks = format!("/api/v1/partnerships/{p}/responsibilities");
    let task = app
        .created(
            &admin,
            &tasks,
            json!({"member_id": member, "category": "launch", "title": "Launch"}),
        )
        .await;
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}/dissolve"),
            json!({"reason": "Stopped"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    for res in [
        app.patch_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}/members/{member}"),
            json!({"role": "associate"}),
        )
        .await,
        app.post_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}/members/{member}/leave"),
            json!({}),
        )
        .await,
        app.post_json_as(
            &admin,
            &tasks,
            json!({"member_id": member, "category": "training", "title": "T"}),
        )
        .await,
        app.post_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}/members/{member}/apply-template"),
            json!({}),
        )
        .await,
        app.send_as(
            &admin,
            TestRequest::post().uri(&format!("{tasks}/{}/start", task["id"].as_str().unwrap())),
        )
        .await,
        app.patch_json_as(
            &admin,
            &format!("{tasks}/{}", task["id"].as_str().unwrap()),
            json!({"title": "Changed after dissolution"}),
        )
        .await,
    ] {
        let body = res.assert_problem(409, "invalid_transition");
        assert_eq!(body["current_state"], "dissolved");
    }
    let listed = app.get_as(&admin, &tasks).await.json();
    assert_eq!(listed["items"][0]["title"], "Launch", "{listed}");
}

#[actix_web::test]
async fn stale_if_match_on_members_and_tasks_is_412() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let p = &s.partnership;
    let m = add(&app, p, &s.jst, "partner").await;
    let member = m["id"].as_str().unwrap();
    let stale = "\"stale.v0\"";
    let res = app
        .send_as(
            &admin,
            TestRequest::post()
                .uri(&format!("/api/v1/partnerships/{p}/members/{member}/leave"))
                .insert_header(("if-match", stale))
                .set_json(json!({})),
        )
        .await;
    res.assert_problem(412, "precondition_failed");
    let task = app
        .created(
            &admin,
            &format!("/api/v1/partnerships/{p}/responsibilities"),
            json!({"member_id": member, "category": "launch", "title": "L"}),
        )
        .await;
    let res = app
        .send_as(
            &admin,
            TestRequest::post()
                .uri(&format!(
                    "/api/v1/partnerships/{p}/responsibilities/{}/start",
                    task["id"].as_str().unwrap()
                ))
                .insert_header(("if-match", stale)),
        )
        .await;
    res.assert_problem(412, "precondition_failed");
}

#[actix_web::test]
async fn a_coordinator_creates_partnerships_of_their_project_only() {
    use coopera::auth::Role;
    let app = TestApp::new().await;
    let project = app.create_project("P-PS").await;
    let token = app.token(&crate::support::user_actor(
        "c",
        Some("p"),
        vec![Role::Coordinator {
            project_id: project.clone(),
        }],
    ));
    let ok = app
        .post_json_as(
            &token,
            "/api/v1/partnerships",
            json!({"name": "A", "project_id": project}),
        )
        .await;
    assert_eq!(ok.status, 201, "{}", ok.text());
    app.post_json_as(&token, "/api/v1/partnerships", json!({"name": "B"}))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn a_member_and_a_task_are_readable_with_the_etag_their_changes_expect() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let p = &s.partnership;
    let m = add(&app, p, &s.jst, "partner").await;
    let member = m["id"].as_str().unwrap();
    let member_uri = format!("/api/v1/partnerships/{p}/members/{member}");
    let res = app.get_as(&admin, &member_uri).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["organization_id"], s.jst);
    let tag = res.header("etag").unwrap().to_owned();
    let res = app
        .send_as(
            &admin,
            TestRequest::get()
                .uri(&member_uri)
                .insert_header(("if-none-match", tag.as_str())),
        )
        .await;
    assert_eq!(res.status, 304);
    let res = app
        .send_as(
            &admin,
            TestRequest::patch()
                .uri(&member_uri)
                .insert_header(("if-match", tag.as_str()))
                .set_json(json!({"role": "associate"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    let tasks = format!("/api/v1/partnerships/{p}/responsibilities");
    let task = app
        .post_json_as(
            &admin,
            &tasks,
            json!({"member_id": member, "category": "launch", "title": "Launch"}),
        )
        .await;
    assert_eq!(task.status, 201, "{}", task.text());
    let task_uri = format!("{tasks}/{}", task.json()["id"].as_str().unwrap());
    let res = app.get_as(&admin, &task_uri).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["title"], "Launch");
    let tag = res.header("etag").unwrap().to_owned();
    let res = app
        .send_as(
            &admin,
            TestRequest::post()
                .uri(&format!("{task_uri}/start"))
                .insert_header(("if-match", tag.as_str())),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Another partnership's task is not found under this one.
    let other = app
        .created(&admin, "/api/v1/partnerships", json!({"name": "Other"}))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let wrong = task_uri.replace(p.as_str(), &other);
    app.get_as(&admin, &wrong)
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn an_active_partnership_keeps_its_lead_public_sector_member_and_agreement() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let p = &s.partnership;
    let lead = add(&app, p, &s.ngo, "lead").await;
    let public = add(&app, p, &s.jst, "partner").await;
    let res = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}"),
            json!({"agreement": {"signed_on": "2026-02-01"}}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(act(&app, p, "activate").await.status, 200);
    let lead_uri = format!(
        "/api/v1/partnerships/{p}/members/{}",
        lead["id"].as_str().unwrap()
    );
    let public_uri = format!(
        "/api/v1/partnerships/{p}/members/{}",
        public["id"].as_str().unwrap()
    );

    // Losing the lead, the only public-sector member, or the agreement: 422,
    // each naming the condition, and nothing changes.
    let body = app
        .patch_json_as(&admin, &lead_uri, json!({"role": "partner"}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(codes(&body), ["lead_required"]);
    assert_eq!(body["current_state"], "active");
    let body = app
        .post_json_as(&admin, &format!("{public_uri}/leave"), json!({}))
        .await
        .assert_problem(422, "validation_failed");
    assert!(
        codes(&body).contains(&"public_sector_member_required".to_owned()),
        "{body}"
    );
    let body = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}"),
            json!({"agreement": {"signed_on": null}}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(codes(&body), ["agreement_not_signed"]);
    let lead_now = app.get_as(&admin, &lead_uri).await.json();
    assert_eq!(lead_now["role"], "lead");
    let public_now = app.get_as(&admin, &public_uri).await.json();
    assert_eq!(public_now["current"], true);
    let p_now = app
        .get_as(&admin, &format!("/api/v1/partnerships/{p}"))
        .await
        .json();
    assert_eq!(p_now["status"], "active");
    assert_eq!(p_now["agreement"]["signed_on"], "2026-02-01");

    // Suspended, the same change is allowed; resuming checks again.
    assert_eq!(act(&app, p, "suspend").await.status, 200);
    let res = app
        .post_json_as(&admin, &format!("{public_uri}/leave"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = act(&app, p, "resume")
        .await
        .assert_problem(422, "validation_failed");
    assert!(codes(&body).contains(&"public_sector_member_required".to_owned()));
}

#[actix_web::test]
async fn the_projects_coordinator_dissolves_its_active_partnership_and_an_outsider_may_not() {
    let app = TestApp::new().await;
    let (project, coordinator) = app.project_with_coordinator("P-FIX").await;
    let p = app.active_partnership(Some(&project)).await;
    let (_, outsider) = app
        .organization_with_admin(json!({"name": "Fundacja Obca", "kind": "ngo", "country": "PL"}))
        .await;
    let uri = format!("/api/v1/partnerships/{}/dissolve", p.id);
    let reason = json!({"reason": "the project ended"});
    app.post_json_as(&outsider, &uri, reason.clone())
        .await
        .assert_problem(403, "forbidden");
    let res = app.post_json_as(&coordinator, &uri, reason).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "dissolved");
    let member = format!("/api/v1/partnerships/{}/members/{}", p.id, p.partner_member);
    let body = app.get_as(&coordinator, &member).await.json();
    assert_eq!(body["organization_id"], p.council.as_str());
    let lead = format!("/api/v1/partnerships/{}/members/{}", p.id, p.lead_member);
    let body = app.get_as(&coordinator, &lead).await.json();
    assert_eq!(
        (body["organization_id"].as_str(), body["role"].as_str()),
        (Some(p.ngo.as_str()), Some("lead"))
    );
}
