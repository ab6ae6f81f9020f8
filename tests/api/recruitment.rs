//! Recruitment: calls and their life, public applications checked against the
//! call's form and eligibility rules, first come first served with a waitlist,
//! the applicant's token, and who sees applicants' data. The rush of hundreds
//! of simultaneous applications over HTTP is `scripts/rush-test` (run in CI).

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::support::TestApp;

pub(crate) fn call_body(project: &str, quota: i32) -> Value {
    json!({
        "project_id": project,
        "title": "Nabór uczestników szkoleń",
        "regulations": "https://example.org/regulamin.pdf",
        "opens_at": "2026-01-01T00:00:00Z",
        "closes_at": "2099-01-01T00:00:00Z",
        "categories": [
            {"code": "ngo", "name": "Przedstawiciele NGO", "quota": quota, "organization_kinds": ["ngo"]},
            {"code": "jst", "name": "Przedstawiciele JST", "quota": quota, "organization_kinds": ["local_government"]}
        ],
        "eligibility": {"territorial_units": ["RO-CJ"]},
        "questions": [
            {"code": "motivation", "label": "Dlaczego?", "kind": "text", "required": true, "max_length": 20},
            {"code": "plane", "label": "Płaszczyzna", "kind": "single_choice", "choices": ["1", "2", "3"]},
            {"code": "first_time", "label": "Pierwszy raz?", "kind": "boolean"}
        ],
        "consents": [{"code": "photos", "text": "Zgoda na wizerunek"}]
    })
}

pub(crate) fn applicant(email: &str) -> Value {
    json!({
        "category": "ngo", "name": "Ana Pop", "email": email,
        "organization_name": "Asociația Împreună", "organization_kind": "ngo",
        "position": "coordonator", "territorial_unit_code": "RO-55259",
        "answers": {"motivation": "Vrem să învățăm", "plane": "2"},
        "consents": ["personal_data"]
    })
}

/// An open call of a new project, and its coordinator's token.
async fn open_call(app: &TestApp, code: &str, quota: i32) -> (String, String) {
    let (project, coordinator) = app.project_with_coordinator(code).await;
    let call = app
        .created(&coordinator, "/api/v1/calls", call_body(&project, quota))
        .await;
    let id = call["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json_as(&coordinator, &format!("/api/v1/calls/{id}/open"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    (id, coordinator)
}

pub(crate) async fn apply(app: &TestApp, call: &str, body: Value) -> crate::support::TestResponse {
    app.post_json(&format!("/api/v1/calls/{call}/applications"), body)
        .await
}

/// Applies and returns (status, management token).
pub(crate) async fn applied(app: &TestApp, call: &str, email: &str) -> (String, String) {
    let res = apply(app, call, applicant(email)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    (
        body["application"]["status"].as_str().unwrap().to_owned(),
        body["management_token"].as_str().unwrap().to_owned(),
    )
}

pub(crate) async fn mine(app: &TestApp, token: &str) -> Value {
    let res = app
        .send(
            TestRequest::get()
                .uri("/api/v1/my-application")
                .insert_header(("Application-Token", token)),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

pub(crate) async fn withdraw(app: &TestApp, token: &str) -> crate::support::TestResponse {
    app.send(
        TestRequest::post()
            .uri("/api/v1/my-application/withdraw")
            .insert_header(("Application-Token", token)),
    )
    .await
}

#[actix_web::test]
async fn a_call_always_asks_the_personal_data_consent_and_checks_its_form() {
    let app = TestApp::new().await;
    let (project, coordinator) = app.project_with_coordinator("R-FORM").await;
    let call = app
        .created(&coordinator, "/api/v1/calls", call_body(&project, 3))
        .await;
    assert_eq!(call["status"], "draft");
    assert_eq!(call["consents"][0]["code"], "personal_data");
    assert_eq!(call["consents"][0]["required"], true);
    assert_eq!(call["consents"][1]["code"], "photos");
    assert_eq!(call["categories"][0]["remaining"], 3);

    let mut bad = call_body(&project, 3);
    bad["categories"][1]["code"] = json!("ngo");
    bad["closes_at"] = json!("2025-01-01T00:00:00Z");
    bad["questions"][0]["choices"] = json!(["a"]);
    let res = app.post_json_as(&coordinator, "/api/v1/calls", bad).await;
    let problem = res.assert_problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"categories"), "{fields:?}");
    assert!(fields.contains(&"closes_at"), "{fields:?}");
    assert!(fields.contains(&"questions[0].choices"), "{fields:?}");
    let mut bad = call_body(&project, 3);
    bad["categories"][0]["code"] = json!("Not A Code");
    let res = app.post_json_as(&coordinator, "/api/v1/calls", bad).await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "categories[0].code");
}

#[actix_web::test]
async fn a_draft_is_seen_only_by_its_managers_and_an_open_call_by_everyone() {
    let app = TestApp::new().await;
    let (project, coordinator) = app.project_with_coordinator("R-SEE").await;
    let draft = app
        .created(&coordinator, "/api/v1/calls", call_body(&project, 3))
        .await;
    let id = draft["id"].as_str().unwrap();
    app.get(&format!("/api/v1/calls/{id}"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.get("/api/v1/calls").await.json()["items"], json!([]));
    let res = app
        .get_as(&coordinator, &format!("/api/v1/calls/{id}"))
        .await;
    assert_eq!(res.status, 200);
    apply(&app, id, applicant("a@example.org"))
        .await
        .assert_problem(404, "not_found");

    let res = app
        .post_json_as(&coordinator, &format!("/api/v1/calls/{id}/open"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app.get(&format!("/api/v1/calls/{id}")).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.json()["accepting_applications"], true);
    assert_eq!(
        res.json()["allowed_transitions"],
        json!(["close", "cancel"])
    );
    let listed = app.get("/api/v1/calls").await.json();
    assert_eq!(listed["items"][0]["id"], id);
    // An open call is changed no more.
    let res = app
        .patch_json_as(
            &coordinator,
            &format!("/api/v1/calls/{id}"),
            json!({"title": "X"}),
        )
        .await;
    res.assert_problem(409, "invalid_transition");
}

#[actix_web::test]
async fn a_call_past_its_closing_time_is_closed_without_anybody_closing_it() {
    let app = TestApp::new().await;
    let (project, coordinator) = app.project_with_coordinator("R-CLOCK").await;
    let mut body = call_body(&project, 3);
    let closes = chrono::Utc::now() + chrono::Duration::milliseconds(1500);
    body["closes_at"] = json!(closes.to_rfc3339());
    let call = app.created(&coordinator, "/api/v1/calls", body).await;
    let id = call["id"].as_str().unwrap();
    let res = app
        .post_json_as(&coordinator, &format!("/api/v1/calls/{id}/open"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let tag = res.header("etag").unwrap().to_owned();
    std::thread::sleep(std::time::Duration::from_millis(1600));
    let res = app.get(&format!("/api/v1/calls/{id}")).await;
    assert_eq!(res.json()["status"], "closed");
    assert_eq!(res.json()["accepting_applications"], false);
    assert_ne!(
        res.header("etag").unwrap(),
        tag,
        "the tag follows the clock"
    );
    apply(&app, id, applicant("late@example.org"))
        .await
        .assert_problem(409, "conflict");
    app.post_json_as(
        &coordinator,
        &format!("/api/v1/calls/{id}/close"),
        json!({}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    // Its version is unchanged, so the tag read before still allows a change.
    let res = app
        .send_as(
            &coordinator,
            TestRequest::post()
                .uri(&format!("/api/v1/calls/{id}/finalize"))
                .insert_header(("If-Match", tag.as_str())),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "finalized");
}

#[actix_web::test]
async fn opening_needs_a_closing_time_in_the_future_and_cancelling_a_reason() {
    let app = TestApp::new().await;
    let (project, coordinator) = app.project_with_coordinator("R-OPEN").await;
    let mut body = call_body(&project, 3);
    body["opens_at"] = json!("2020-01-01T00:00:00Z");
    body["closes_at"] = json!("2021-01-01T00:00:00Z");
    let call = app.created(&coordinator, "/api/v1/calls", body).await;
    let id = call["id"].as_str().unwrap();
    let res = app
        .post_json_as(&coordinator, &format!("/api/v1/calls/{id}/open"), json!({}))
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "closes_at");
    app.post_json_as(
        &coordinator,
        &format!("/api/v1/calls/{id}/cancel"),
        json!({"reason": " "}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let res = app
        .post_json_as(
            &coordinator,
            &format!("/api/v1/calls/{id}/cancel"),
            json!({"reason": "Brak środków"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "cancelled");
    assert_eq!(res.json()["cancel_reason"], "Brak środków");
    app.post_json_as(&coordinator, &format!("/api/v1/calls/{id}/open"), json!({}))
        .await
        .assert_problem(409, "invalid_transition");
}

#[actix_web::test]
async fn answers_are_checked_against_the_questions_and_named() {
    let app = TestApp::new().await;
    let (call, _) = open_call(&app, "R-ANS", 3).await;
    let mut body = applicant("a@example.org");
    body["answers"] =
        json!({"motivation": "x".repeat(21), "plane": "4", "first_time": "yes", "nope": 1});
    let problem = apply(&app, &call, body)
        .await
        .assert_problem(422, "validation_failed");
    let mut got: Vec<(String, String)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().into(),
                e["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("answers.first_time".into(), "type".into()),
            ("answers.motivation".into(), "length".into()),
            ("answers.nope".into(), "unknown_question".into()),
            ("answers.plane".into(), "not_a_choice".into()),
        ]
    );
    let mut body = applicant("a@example.org");
    body["answers"] = json!({});
    let problem = apply(&app, &call, body)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "answers.motivation");
    assert_eq!(problem["errors"][0]["code"], "required");
    let mut body = applicant("a@example.org");
    body["consents"] = json!(["photos"]);
    let problem = apply(&app, &call, body)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "consents");
    assert_eq!(problem["errors"][0]["code"], "required");
    let mut body = applicant("a@example.org");
    body["category"] = json!("nope");
    let problem = apply(&app, &call, body)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "category");
    // Nothing was stored by the refusals.
    let (status, token) = applied(&app, &call, "a@example.org").await;
    assert_eq!(status, "accepted");
    let me = mine(&app, &token).await;
    assert_eq!(me["consents"][0]["code"], "personal_data");
    assert!(
        me["consents"][0]["given_at"]
            .as_str()
            .unwrap()
            .ends_with('Z')
    );
}

#[actix_web::test]
async fn eligibility_is_checked_and_explained() {
    let app = TestApp::new().await;
    let (call, _) = open_call(&app, "R-ELIG", 3).await;
    let mut body = applicant("far@example.org");
    body["territorial_unit_code"] = json!("14");
    body["organization_kind"] = json!("business");
    let problem = apply(&app, &call, body)
        .await
        .assert_problem(422, "not_eligible");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["organization_kind", "territorial_unit_code"]);
    let mut body = applicant("far@example.org");
    body["territorial_unit_code"] = json!("XX-404");
    let problem = apply(&app, &call, body)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "territorial_unit_code");
    // A registered organisation gives its own kind: a county council is not an NGO.
    let council = app
        .create_org(
            json!({"name": "Consiliul Județean Cluj", "kind": "local_government",
                           "country": "RO", "teryt_code": "RO-CJ"}),
        )
        .await;
    let mut body = applicant("cj@example.org");
    body["organization_id"] = json!(council);
    let problem = apply(&app, &call, body.clone())
        .await
        .assert_problem(422, "not_eligible");
    assert_eq!(problem["errors"][0]["field"], "organization_kind");
    body["category"] = json!("jst");
    let res = apply(&app, &call, body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(
        res.json()["application"]["organization_name"],
        "Consiliul Județean Cluj"
    );
    assert_eq!(
        res.json()["application"]["organization_kind"],
        "local_government"
    );
}

#[actix_web::test]
async fn one_application_per_email_per_call() {
    let app = TestApp::new().await;
    let (call, _) = open_call(&app, "R-ONE", 3).await;
    applied(&app, &call, "Ana@Example.org").await;
    let problem = apply(&app, &call, applicant("ana@example.ORG"))
        .await
        .assert_problem(409, "already_exists");
    assert_eq!(problem["errors"][0]["field"], "email");
    let (other, _) = open_call(&app, "R-TWO", 3).await;
    applied(&app, &other, "ana@example.org").await;
}

#[actix_web::test]
async fn first_come_fills_the_quota_then_waitlists_and_a_withdrawal_promotes_the_first_in_line() {
    let app = TestApp::new().await;
    let (call, coordinator) = open_call(&app, "R-FIFO", 2).await;
    let before = app.get(&format!("/api/v1/calls/{call}")).await;
    let tag = before.header("etag").unwrap().to_owned();
    let mut tokens = Vec::new();
    for n in 0..5 {
        let (status, token) = applied(&app, &call, &format!("p{n}@example.org")).await;
        assert_eq!(
            status,
            if n < 2 { "accepted" } else { "waitlisted" },
            "applicant {n}"
        );
        tokens.push(token);
    }
    let positions: Vec<Value> = {
        let mut v = Vec::new();
        for t in &tokens {
            v.push(mine(&app, t).await["waitlist_position"].clone());
        }
        v
    };
    assert_eq!(
        positions,
        vec![json!(null), json!(null), json!(1), json!(2), json!(3)]
    );
    let res = app
        .send(
            TestRequest::get()
                .uri(&format!("/api/v1/calls/{call}"))
                .insert_header(("If-None-Match", tag.as_str())),
        )
        .await;
    assert_eq!(res.status, 200, "the places taken change the tag");
    let ngo = &res.json()["categories"][0];
    assert_eq!(
        (
            ngo["accepted"].clone(),
            ngo["remaining"].clone(),
            ngo["waitlisted"].clone()
        ),
        (json!(2), json!(0), json!(3))
    );

    // The second in line withdraws: the third moves up.
    let res = withdraw(&app, &tokens[3]).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "withdrawn");
    assert_eq!(mine(&app, &tokens[4]).await["waitlist_position"], 2);
    // An accepted applicant withdraws: the first in line takes the place.
    assert_eq!(withdraw(&app, &tokens[0]).await.status, 200);
    let promoted = mine(&app, &tokens[2]).await;
    assert_eq!(promoted["status"], "accepted");
    assert_eq!(promoted["waitlist_position"], Value::Null);
    assert_eq!(mine(&app, &tokens[4]).await["waitlist_position"], 1);
    withdraw(&app, &tokens[0])
        .await
        .assert_problem(409, "invalid_transition");

    let uri = format!("/api/v1/calls/{call}/applications?category=");
    app.get_as(&coordinator, &uri)
        .await
        .assert_problem(400, "invalid_parameter");
    let list = app
        .get_as(
            &coordinator,
            &format!("/api/v1/calls/{call}/applications?status=accepted"),
        )
        .await;
    assert_eq!(list.status, 200);
    let listed = list.json();
    let emails: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["email"].as_str().unwrap())
        .collect();
    assert_eq!(emails.len(), 2);
    assert!(emails.contains(&"p1@example.org") && emails.contains(&"p2@example.org"));
    let call_now = app.get(&format!("/api/v1/calls/{call}")).await.json();
    assert_eq!(call_now["categories"][0]["accepted"], 2);
    assert_eq!(call_now["categories"][0]["waitlisted"], 1);
}

#[actix_web::test]
async fn the_management_token_is_the_only_key_to_an_application() {
    let app = TestApp::new().await;
    let (call, _) = open_call(&app, "R-TOKEN", 2).await;
    let (_, token) = applied(&app, &call, "t@example.org").await;
    assert_eq!(mine(&app, &token).await["email"], "t@example.org");
    app.get("/api/v1/my-application")
        .await
        .assert_problem(401, "unauthorized");
    app.send(
        TestRequest::get()
            .uri("/api/v1/my-application")
            .insert_header(("Application-Token", "app_guess")),
    )
    .await
    .assert_problem(404, "not_found");
    withdraw(&app, "app_guess")
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn applicants_personal_data_stay_out_of_the_change_log() {
    let app = TestApp::new().await;
    let (call, _) = open_call(&app, "R-LOG", 2).await;
    applied(&app, &call, "secret.person@example.org").await;
    let admin = app.admin_token();
    let res = app
        .get_as(&admin, "/api/v1/audit?entity_type=application")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let text = res.text();
    assert!(text.contains("\"create\""), "{text}");
    assert!(!text.contains("secret.person"), "{text}");
    assert!(!text.contains("Împreună"), "{text}");
}

#[actix_web::test]
async fn exports_keep_diacritics_and_anonymising_keeps_the_counts() {
    let app = TestApp::new().await;
    let (call, coordinator) = open_call(&app, "R-EXPORT", 1).await;
    let mut body = applicant("zofia@example.org");
    body["name"] = json!("Zofia Żółkiewska-Ștefănescu");
    body["answers"] = json!({"motivation": "Chcę, bo tak", "plane": "3"});
    let res = apply(&app, &call, body).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let (_, waiting) = applied(&app, &call, "ion@example.org").await;

    let res = app
        .get_as(
            &coordinator,
            &format!("/api/v1/calls/{call}/applications/export?format=csv"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    let csv = res.text();
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("id,category,status,waitlist_position,rank,score,name,email"),
        "{header}"
    );
    assert!(
        header.ends_with("answer:motivation,answer:plane,answer:first_time"),
        "{header}"
    );
    let first = lines.next().unwrap();
    assert!(first.contains("Zofia Żółkiewska-Ștefănescu"), "{first}");
    assert!(first.contains("\"Chcę, bo tak\",3,"), "{first}");
    assert!(lines.next().unwrap().contains(",waitlisted,1,"));
    let json = app
        .get_as(
            &coordinator,
            &format!("/api/v1/calls/{call}/applications/export"),
        )
        .await
        .json();
    assert_eq!(json["items"].as_array().unwrap().len(), 2);
    assert_eq!(json["items"][1]["waitlist_position"], 1);

    // Anonymising waits until the call takes no applications.
    let uri = format!("/api/v1/calls/{call}/anonymize");
    app.post_json_as(&coordinator, &uri, json!({}))
        .await
        .assert_problem(409, "invalid_transition");
    let res = app
        .post_json_as(
            &coordinator,
            &format!("/api/v1/calls/{call}/close"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app.post_json_as(&coordinator, &uri, json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let anonymised = res.json();
    assert!(anonymised["anonymized_at"].is_string());
    assert_eq!(anonymised["categories"][0]["accepted"], 1);
    assert_eq!(anonymised["categories"][0]["waitlisted"], 1);
    let export = app
        .get_as(
            &coordinator,
            &format!("/api/v1/calls/{call}/applications/export?format=csv"),
        )
        .await
        .text();
    assert!(
        !export.contains("Zofia") && !export.contains("@example.org"),
        "{export}"
    );
    let export_uri = format!("/api/v1/calls/{call}/applications/export");
    let json = app.get_as(&coordinator, &export_uri).await.json();
    assert_eq!(json["items"][0]["email"], Value::Null);
    assert_eq!(json["items"][0]["answers"], json!({}));
    assert!(
        export.contains(",accepted,") && export.contains(",waitlisted,1,"),
        "{export}"
    );
    app.send(
        TestRequest::get()
            .uri("/api/v1/my-application")
            .insert_header(("Application-Token", waiting.as_str())),
    )
    .await
    .assert_problem(404, "not_found");
    app.post_json_as(&coordinator, &uri, json!({}))
        .await
        .assert_problem(409, "conflict");
}

#[actix_web::test]
async fn the_public_writes_are_rate_limited_per_address() {
    let app = TestApp::builder().public_rate_limit(2).build().await;
    let (call, _) = open_call(&app, "R-LIMIT", 5).await;
    let (_, token) = applied(&app, &call, "one@example.org").await;
    // A refused application counts too.
    apply(
        &app,
        &call,
        json!({"category": "nope", "name": "X", "email": "x@example.org"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    let res = apply(&app, &call, applicant("three@example.org")).await;
    res.assert_problem(429, "rate_limited");
    let wait: u64 = res.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    withdraw(&app, &token)
        .await
        .assert_problem(429, "rate_limited");
    // Nothing was stored by the refused requests.
    assert_eq!(
        app.get(&format!("/api/v1/calls/{call}")).await.json()["categories"][0]["accepted"],
        1
    );
}

#[actix_web::test]
async fn the_project_report_counts_accepted_participants_by_category() {
    let app = TestApp::new().await;
    let (call, coordinator) = open_call(&app, "R-REPORT", 2).await;
    let project = app.get(&format!("/api/v1/calls/{call}")).await.json()["project_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let uri = format!("/api/v1/projects/{project}/indicators");
    let ngo = app
        .created(
            &coordinator,
            &uri,
            json!({"name": "NGO", "unit": "people", "target": 2, "kind": "accepted_participants", "category": "ngo"}),
        )
        .await;
    app.created(
        &coordinator,
        &uri,
        json!({"name": "All", "unit": "people", "target": 4, "kind": "accepted_participants"}),
    )
    .await;
    let res = app
        .post_json_as(
            &coordinator,
            &uri,
            json!({"name": "X", "unit": "x", "target": 1, "kind": "activity_count", "category": "ngo"}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "category"
    );
    for n in 0..3 {
        applied(&app, &call, &format!("r{n}@example.org")).await;
    }
    let mut jst = applicant("jst@example.org");
    jst["category"] = json!("jst");
    jst["organization_kind"] = json!("local_government");
    assert_eq!(apply(&app, &call, jst).await.status, 201);
    let report = app
        .get_as(&coordinator, &format!("/api/v1/projects/{project}/report"))
        .await
        .json();
    let achieved: Vec<(String, f64, f64)> = report["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap().to_owned(),
                l["achieved"].as_f64().unwrap(),
                l["percent"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        achieved,
        vec![("NGO".into(), 2.0, 100.0), ("All".into(), 3.0, 75.0)]
    );
    assert_eq!(ngo["category"], "ngo");
}

async fn confirm(app: &TestApp, token: &str) -> crate::support::TestResponse {
    app.send(
        TestRequest::post()
            .uri("/api/v1/my-application/confirm")
            .insert_header(("Application-Token", token)),
    )
    .await
}

/// Moves the offer of the application with `token` past its time.
async fn expire_offer(app: &TestApp, token: &str) {
    use coopera::db::schema::applications as ap;
    use diesel::prelude::*;
    let hash = coopera::auth::secrets::hash(token);
    app.db(move |conn| {
        let past = coopera::db::now() - chrono::Duration::seconds(1);
        diesel::update(ap::table.filter(ap::token_hash.eq(hash)))
            .set(ap::offer_expires_at.eq(past))
            .execute(conn)?;
        Ok(())
    })
    .await;
}

#[actix_web::test]
async fn a_freed_place_can_be_offered_with_a_deadline_and_passes_on_when_it_lapses() {
    let app = TestApp::new().await;
    let (project, coordinator) = app.project_with_coordinator("R-OFFER").await;
    let mut body = call_body(&project, 1);
    body["offer_hours"] = json!(48);
    let call = app.created(&coordinator, "/api/v1/calls", body).await;
    let call = call["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json_as(
            &coordinator,
            &format!("/api/v1/calls/{call}/open"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let mut tokens = Vec::new();
    for n in 0..4 {
        tokens.push(applied(&app, &call, &format!("o{n}@example.org")).await.1);
    }
    // The accepted one withdraws: the first in line is offered the place.
    assert_eq!(withdraw(&app, &tokens[0]).await.status, 200);
    let offered = mine(&app, &tokens[1]).await;
    assert_eq!(offered["status"], "offered");
    assert!(offered["offer_expires_at"].is_string());
    let cat = &app.get(&format!("/api/v1/calls/{call}")).await.json()["categories"][0];
    assert_eq!(
        (
            cat["accepted"].clone(),
            cat["offered"].clone(),
            cat["remaining"].clone()
        ),
        (json!(0), json!(1), json!(0))
    );
    // A newcomer still waits: the offered place is taken.
    assert_eq!(
        applied(&app, &call, "late@example.org").await.0,
        "waitlisted"
    );
    // The offer lapses unconfirmed: confirming is refused, the next in line is offered.
    expire_offer(&app, &tokens[1]).await;
    let problem = confirm(&app, &tokens[1])
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(problem["current_state"], "lapsed");
    assert_eq!(mine(&app, &tokens[1]).await["status"], "lapsed");
    assert_eq!(mine(&app, &tokens[2]).await["status"], "offered");
    assert_eq!(mine(&app, &tokens[3]).await["waitlist_position"], 1);
    // The next confirms in time.
    let res = confirm(&app, &tokens[2]).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "accepted");
    assert_eq!(res.json()["offer_expires_at"], Value::Null);
    confirm(&app, &tokens[2])
        .await
        .assert_problem(409, "invalid_transition");
    // The background sweep lapses offers nobody touches.
    assert_eq!(withdraw(&app, &tokens[2]).await.status, 200);
    assert_eq!(mine(&app, &tokens[3]).await["status"], "offered");
    expire_offer(&app, &tokens[3]).await;
    let lapsed = app.db(coopera::recruitment::places::sweep_offers).await;
    assert_eq!(lapsed, 1);
    assert_eq!(mine(&app, &tokens[3]).await["status"], "lapsed");
    let cat = &app.get(&format!("/api/v1/calls/{call}")).await.json()["categories"][0];
    assert_eq!(
        (cat["offered"].clone(), cat["waitlisted"].clone()),
        (json!(1), json!(0))
    );
}
