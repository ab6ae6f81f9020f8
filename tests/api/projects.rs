//! Projects: the status workflow and coordinators.

use actix_web::test::TestRequest;
use coopera::auth::Role;
use serde_json::json;

use crate::support::{TestApp, user_actor};

#[actix_web::test]
async fn a_project_moves_planned_active_closed_and_refuses_other_transitions() {
    let app = TestApp::new().await;
    let id = app.create_project("POWER-1").await;
    let admin = app.admin_token();
    let post = |action: &str| TestRequest::post().uri(&format!("/api/v1/projects/{id}/{action}"));

    let res = app.send_as(&admin, post("close")).await;
    let body = res.assert_problem(409, "invalid_transition");
    assert_eq!(body["current_state"], "planned");
    assert_eq!(body["allowed_transitions"], json!(["activate"]));

    let res = app.send_as(&admin, post("activate")).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "active");
    let body = app
        .send_as(&admin, post("activate"))
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(body["current_state"], "active");
    assert_eq!(body["allowed_transitions"], json!(["close"]));

    assert_eq!(
        app.send_as(&admin, post("close")).await.json()["status"],
        "closed"
    );
    let body = app
        .send_as(&admin, post("activate"))
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(body["current_state"], "closed");
    assert_eq!(body["allowed_transitions"], json!([]));
    app.patch_json_as(
        &admin,
        &format!("/api/v1/projects/{id}"),
        json!({"title": "X"}),
    )
    .await
    .assert_problem(409, "invalid_transition");

    assert_eq!(
        app.logged_actions(&id).await,
        ["create", "activate", "close"]
    );
}

#[actix_web::test]
async fn a_coordinator_runs_their_project_only() {
    let app = TestApp::new().await;
    let mine = app.create_project("P-1").await;
    let theirs = app.create_project("P-2").await;
    let token = app.token(&user_actor(
        "c",
        Some("p"),
        vec![Role::Coordinator {
            project_id: mine.clone(),
        }],
    ));
    let res = app
        .patch_json_as(
            &token,
            &format!("/api/v1/projects/{mine}"),
            json!({"funding_programme": "FERS"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.patch_json_as(
        &token,
        &format!("/api/v1/projects/{theirs}"),
        json!({"funding_programme": "FERS"}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.send_as(
        &token,
        TestRequest::post().uri(&format!("/api/v1/projects/{theirs}/activate")),
    )
    .await
    .assert_problem(403, "forbidden");
}

/// chrono reads signed and five-digit years; RFC 3339 has four digits and
/// PostgreSQL's dates start in 4713 BC (this was a 500 there). Every day or
/// instant a body or a query takes is held to the years 0001–9999, by name.
#[actix_web::test]
async fn days_and_instants_outside_the_years_0001_to_9999_are_refused_by_name() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    for (field, day) in [
        ("starts_on", "-5000-01-01"),
        ("ends_on", "+12345-01-01"),
        ("starts_on", "0000-06-01"),
    ] {
        let res = app
            .post_json_as(
                &admin,
                "/api/v1/projects",
                json!({"code": "FAR", "title": "Far", field: day}),
            )
            .await;
        let body = res.assert_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], field, "{day}");
        assert_eq!(body["errors"][0]["code"], "out_of_range", "{day}");
    }
    let project = app.create_project("NEAR").await;
    let res = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/projects/{project}"),
            json!({"ends_on": "-5000-01-01"}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "ends_on"
    );
    // A nested day, and an instant.
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/partnerships",
            json!({"name": "Far", "agreement": {"signed_on": "-5000-01-01"}}),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert!(
        body["errors"][0]["field"]
            .as_str()
            .unwrap()
            .ends_with("signed_on"),
        "{body}"
    );
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/consultations",
            json!({"subject": "Far", "kind": "cooperation_programme",
                "initiating_organization_id": "00000000-0000-4000-8000-000000000000",
                "opens_at": "-5000-01-01T00:00:00Z"}),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert!(
        body["errors"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["field"] == "opens_at" && e["code"] == "out_of_range"),
        "{body}"
    );
    // Queries: a day and an instant.
    for (uri, field) in [
        (
            format!("/api/v1/projects/{project}/activities?held_from=-5000-01-01"),
            "held_from",
        ),
        (
            "/api/v1/projects?updated_since=-5000-01-01T00:00:00Z".to_owned(),
            "updated_since",
        ),
    ] {
        let res = app.get_as(&admin, &uri).await;
        let body = res.assert_problem(400, "invalid_parameter");
        assert_eq!(body["errors"][0]["field"], field, "{uri}");
    }
    // Nothing was written.
    let res = app.get_as(&admin, "/api/v1/projects").await;
    assert_eq!(res.json()["items"].as_array().unwrap().len(), 1);
}

#[actix_web::test]
async fn project_rules_are_checked() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    app.create_project("DUP").await;
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/projects",
            json!({"code": "DUP", "title": "Again"}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "not_unique"
    );
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/projects",
            json!({"code": "D2", "title": "T", "starts_on": "2026-05-01", "ends_on": "2026-01-01"}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "ends_on"
    );
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/projects",
            json!({"code": "D3", "title": "T", "starts_on": "1 May"}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "starts_on"
    );
}

#[actix_web::test]
async fn coordinators_gain_and_lose_the_role_with_the_token_they_hold() {
    let app = TestApp::new().await;
    let project = app.create_project("P-9").await;
    let person = app.create_person(json!({"full_name": "Maria Nowak"})).await;
    app.create_user(
        "maria@example.org",
        "a long enough passphrase",
        vec![],
        Some(person.clone()),
    )
    .await;
    // Signed in before being named: the token gains the role all the same.
    let login = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "maria@example.org"),
            ("password", "a long enough passphrase"),
        ])
        .await
        .json();
    let token = login["access_token"].as_str().unwrap();
    let uri = format!("/api/v1/projects/{project}");
    app.patch_json_as(token, &uri, json!({"description": "Runs it"}))
        .await
        .assert_problem(403, "forbidden");
    let admin = app.admin_token();
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/projects/{project}/coordinators"),
            json!({"person_id": person}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["items"][0]["full_name"], "Maria Nowak");
    let me = app.get_as(token, "/api/v1/me").await.json();
    assert_eq!(
        me["roles"],
        json!([{"role": "coordinator", "project_id": project}])
    );
    let res = app
        .patch_json_as(token, &uri, json!({"description": "Runs it"}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app
        .send_as(
            &admin,
            TestRequest::delete().uri(&format!("/api/v1/projects/{project}/coordinators/{person}")),
        )
        .await;
    assert_eq!(res.status, 204);
    app.patch_json_as(token, &uri, json!({"description": "Still runs it"}))
        .await
        .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn the_change_log_holds_the_fields_a_request_sent() {
    let app = TestApp::new().await;
    let id = app.create_project("P-LOG").await;
    let admin = app.admin_token();
    let res = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/projects/{id}"),
            json!({"title": "  Nowy tytuł ", "ends_on": null}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["title"], "Nowy tytuł");
    let log = app
        .get_as(&admin, &format!("/api/v1/audit?entity_id={id}"))
        .await
        .json();
    let update = &log["items"][1];
    assert_eq!(update["action"], "update", "{log}");
    assert_eq!(
        update["changed_fields"],
        json!(["ends_on", "title"]),
        "{update}"
    );
    assert_eq!(
        update["changes"],
        json!({"title": "Nowy tytuł", "ends_on": null})
    );
}

#[actix_web::test]
async fn an_id_filter_must_be_a_uuid() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let body = app
        .get_as(&admin, "/api/v1/projects?lead_organization_id=nope")
        .await
        .assert_problem(400, "invalid_parameter");
    assert_eq!(body["errors"][0]["field"], "lead_organization_id");
    let res = app
        .get_as(
            &admin,
            "/api/v1/projects?lead_organization_id=019a1b2c-0000-7000-8000-000000000003",
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["items"], json!([]));
}
