//! Bulk import of organisations and people: JSON or CSV, a report per row,
//! dry runs, all-or-nothing or the valid rows only.

use actix_web::test::TestRequest;
use coopera::auth::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, TestResponse, client_actor, user_actor};

async fn import(
    app: &TestApp,
    token: &str,
    uri: &str,
    content_type: &str,
    body: &str,
) -> TestResponse {
    app.send_as(
        token,
        TestRequest::post()
            .uri(uri)
            .insert_header(("content-type", content_type.to_owned()))
            .set_payload(body.to_owned()),
    )
    .await
}

async fn organization_names(app: &TestApp) -> Vec<String> {
    let res = app
        .get_as(&app.admin_token(), "/api/v1/organizations?limit=200")
        .await;
    assert_eq!(res.status, 200);
    res.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap().to_owned())
        .collect()
}

fn statuses(report: &Value) -> Vec<&str> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect()
}

#[actix_web::test]
async fn a_csv_of_organisations_is_created_row_by_row_with_a_report() {
    let app = TestApp::new().await;
    let csv = "name,kind,country,nip,city\n\
               Fundacja Pierwsza,ngo,PL,5260250274,Kraków\n\
               \"Stowarzyszenie Druga, Lublin\",ngo,PL,,\n\
               Asociația Treia,ngo,RO,,Dej\n";
    let res = import(
        &app,
        &app.admin_token(),
        "/api/v1/imports/organizations",
        "text/csv",
        csv,
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let report = res.json();
    assert_eq!(
        (report["committed"].as_bool(), report["created"].as_u64()),
        (Some(true), Some(3))
    );
    assert_eq!(statuses(&report), ["created", "created", "created"]);
    let id = report["results"][1]["id"].as_str().unwrap();
    let org = app
        .get_as(&app.admin_token(), &format!("/api/v1/organizations/{id}"))
        .await
        .json();
    assert_eq!(org["name"], "Stowarzyszenie Druga, Lublin");
    assert_eq!(
        org["city"],
        Value::Null,
        "an empty cell leaves the field out"
    );
    assert_eq!(
        app.logged_actions(id).await,
        ["create"],
        "logged as a single create is"
    );
}

#[actix_web::test]
async fn an_invalid_row_stops_an_all_or_nothing_import_and_is_named() {
    let app = TestApp::new().await;
    let rows = json!([
        {"name": "Dobra", "kind": "ngo", "country": "PL"},
        {"name": "Zły NIP", "kind": "ngo", "country": "PL", "nip": "5260250275"},
        {"kind": "ngo", "country": "PL"},
        {"name": "Literówka", "kind": "ngo", "country": "PL", "nme": "x"},
    ]);
    let res = import(
        &app,
        &app.admin_token(),
        "/api/v1/imports/organizations",
        "application/json",
        &rows.to_string(),
    )
    .await;
    assert_eq!(res.status, 200, "nothing written: {}", res.text());
    let report = res.json();
    assert_eq!(report["committed"], false);
    assert_eq!(report["mode"], "all_or_nothing");
    assert_eq!(
        statuses(&report),
        ["valid", "invalid", "invalid", "invalid"]
    );
    assert_eq!(
        (report["created"].as_u64(), report["invalid"].as_u64()),
        (Some(0), Some(3))
    );
    let r = &report["results"];
    assert_eq!(r[0]["id"], Value::Null);
    assert_eq!(
        (r[1]["row"].as_u64(), r[1]["errors"][0]["field"].as_str()),
        (Some(2), Some("nip"))
    );
    assert_eq!(r[1]["errors"][0]["code"], "nip_checksum");
    assert_eq!(r[2]["errors"][0]["field"], "name");
    assert_eq!(r[3]["errors"][0]["field"], "nme");
    assert!(organization_names(&app).await.is_empty());
}

#[actix_web::test]
async fn valid_rows_mode_writes_the_valid_rows_and_reports_the_others() {
    let app = TestApp::new().await;
    let csv = "name,kind,country,regon\nDobra,ngo,PL,\nZły REGON,ngo,PL,123\nTeż dobra,ngo,PL,\n";
    let res = import(
        &app,
        &app.admin_token(),
        "/api/v1/imports/organizations?mode=valid_rows",
        "text/csv",
        csv,
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let report = res.json();
    assert_eq!(statuses(&report), ["created", "invalid", "created"]);
    assert_eq!(report["results"][1]["errors"][0]["field"], "regon");
    let mut names = organization_names(&app).await;
    names.sort();
    assert_eq!(names, ["Dobra", "Też dobra"]);
}

#[actix_web::test]
async fn a_dry_run_finds_duplicates_within_the_file_and_writes_nothing() {
    let app = TestApp::new().await;
    let rows = json!([
        {"name": "Pierwsza", "kind": "ngo", "country": "PL", "nip": "5260250274"},
        {"name": "Druga", "kind": "ngo", "country": "PL", "nip": "5260250274"},
    ]);
    let uri = "/api/v1/imports/organizations?dry_run=true&mode=valid_rows";
    let res = import(
        &app,
        &app.admin_token(),
        uri,
        "application/json",
        &rows.to_string(),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let report = res.json();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["committed"], false);
    assert_eq!(statuses(&report), ["valid", "invalid"]);
    assert_eq!(report["results"][1]["errors"][0]["field"], "nip");
    assert_eq!(report["results"][1]["errors"][0]["code"], "not_unique");
    assert!(organization_names(&app).await.is_empty());
    let feed = app
        .get_as(&app.admin_token(), "/api/v1/changes")
        .await
        .json();
    assert_eq!(
        feed["items"],
        json!([]),
        "the change log keeps nothing of a dry run"
    );
}

#[actix_web::test]
async fn each_person_row_is_checked_against_the_caller_s_organisations() {
    let app = TestApp::new().await;
    let (org, admin_of_org) = app
        .organization_with_admin(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    let other = app
        .create_org(json!({"name": "Obca", "kind": "ngo", "country": "PL"}))
        .await;
    let csv = format!(
        "full_name,email,organization_id\nAnna Nowak,anna@example.org,{org}\nJan Obcy,,{other}\n"
    );
    let res = import(
        &app,
        &admin_of_org,
        "/api/v1/imports/people?mode=valid_rows",
        "text/csv",
        &csv,
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let report = res.json();
    assert_eq!(statuses(&report), ["created", "invalid"]);
    assert_eq!(report["results"][1]["errors"][0]["code"], "forbidden");
    let anna = report["results"][0]["id"].as_str().unwrap();
    let person = app
        .get_as(&admin_of_org, &format!("/api/v1/people/{anna}"))
        .await
        .json();
    assert_eq!(person["email"], "anna@example.org");

    // An API client's rows join its own organisation.
    let client = app.token(&client_actor(&org, &["people:write"]));
    let rows = json!([{"full_name": "Przez Klienta"}]);
    let res = import(
        &app,
        &client,
        "/api/v1/imports/people",
        "application/json",
        &rows.to_string(),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let id = res.json()["results"][0]["id"].as_str().unwrap().to_owned();
    let members = app
        .get_as(
            &admin_of_org,
            &format!("/api/v1/organizations/{org}/members"),
        )
        .await
        .json();
    assert!(
        members["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["person_id"] == id.as_str())
    );
}

#[actix_web::test]
async fn the_caller_is_checked_before_the_body() {
    let app = TestApp::new().await;
    let member = app.token(&user_actor(
        "member",
        None,
        vec![Role::OrgMember {
            organization_id: app
                .create_org(json!({"name": "F", "kind": "ngo", "country": "PL"}))
                .await,
        }],
    ));
    import(
        &app,
        &member,
        "/api/v1/imports/people",
        "text/plain",
        "garbage",
    )
    .await
    .assert_problem(403, "forbidden");
    import(
        &app,
        &member,
        "/api/v1/imports/organizations",
        "application/json",
        "[",
    )
    .await
    .assert_problem(403, "forbidden");
    let res = app
        .send(
            TestRequest::post()
                .uri("/api/v1/imports/people")
                .insert_header(("content-type", "text/csv"))
                .set_payload("full_name\nA\n"),
        )
        .await;
    res.assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn an_import_is_json_or_csv_of_at_most_5000_rows() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let uri = "/api/v1/imports/organizations";
    import(&app, &admin, uri, "text/plain", "name\nA\n")
        .await
        .assert_problem(415, "unsupported_media_type");
    let body = import(&app, &admin, uri, "text/csv", "name,kind\nA\n")
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "malformed_csv");
    let body = import(
        &app,
        &admin,
        uri,
        "text/csv",
        "name,kind,colour\nA,ngo,red\n",
    )
    .await
    .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "colour");
    assert_eq!(body["errors"][0]["code"], "unknown_column");
    for (kind, empty) in [("application/json", "[]"), ("text/csv", "name,kind\n")] {
        let body = import(&app, &admin, uri, kind, empty)
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["code"], "no_rows", "{kind}");
    }
    let body = import(&app, &admin, uri, "application/json", "{}")
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "not_an_array");
    let body = import(&app, &admin, uri, "application/json", "[{}, \"row\"]")
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "[1]");
    let many = Value::Array(vec![
        json!({"name": "X", "kind": "ngo", "country": "PL"});
        5001
    ]);
    let body = import(&app, &admin, uri, "application/json", &many.to_string())
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "too_many_rows");
    let bad_param = import(
        &app,
        &admin,
        &format!("{uri}?mode=some"),
        "application/json",
        "[]",
    )
    .await;
    assert_eq!(bad_param.status, 400, "{}", bad_param.text());
}

#[actix_web::test]
async fn a_retried_import_with_its_idempotency_key_creates_nothing_twice() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let send = || {
        app.send_as(
            &admin,
            TestRequest::post()
                .uri("/api/v1/imports/organizations")
                .insert_header(("content-type", "text/csv"))
                .insert_header(("idempotency-key", "import-2026-12-01"))
                .set_payload("name,kind,country\nJedyna,ngo,PL\n"),
        )
    };
    let first = send().await;
    assert_eq!(first.status, 201, "{}", first.text());
    let again = send().await;
    assert_eq!(again.status, 201);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json(), first.json());
    assert_eq!(organization_names(&app).await, ["Jedyna"]);
    // The query is part of the request: a dry run under the same key is
    // another request, not a retry.
    let res = app
        .send_as(
            &admin,
            TestRequest::post()
                .uri("/api/v1/imports/organizations?dry_run=true")
                .insert_header(("content-type", "text/csv"))
                .insert_header(("idempotency-key", "import-2026-12-01"))
                .set_payload("name,kind,country\nJedyna,ngo,PL\n"),
        )
        .await;
    res.assert_problem(422, "idempotency_key_reused");
}
