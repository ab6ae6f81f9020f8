//! Streamed exports of the directories: NDJSON and CSV, the list's filters
//! and the list's permissions.

use serde_json::{Value, json};

use crate::support::{TestApp, client_actor, user_actor};

fn ndjson(text: &str) -> Vec<Value> {
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[actix_web::test]
async fn organisations_export_as_ndjson_and_csv_with_the_list_filters() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let ngo = app
        .create_org(json!({"name": "Fundacja Eksport", "kind": "ngo", "country": "PL", "city": "=Zgorzelec"}))
        .await;
    let other = app
        .create_org(json!({"name": "Asociația Export", "kind": "ngo", "country": "RO"}))
        .await;
    let archived = app
        .create_org(json!({"name": "Stowarzyszenie Dawne", "kind": "ngo", "country": "PL"}))
        .await;
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/organizations/{archived}/archive"),
            json!({}),
        )
        .await;
    assert!(res.status.is_success(), "{}", res.text());

    let res = app.get_as(&admin, "/api/v1/exports/organizations").await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("application/x-ndjson"));
    assert_eq!(
        res.header("content-disposition"),
        Some("attachment; filename=\"organizations.ndjson\"")
    );
    let lines = ndjson(&res.text());
    let ids: Vec<&str> = lines.iter().map(|l| l["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [ngo.as_str(), other.as_str()]);
    // Each line is the record as the list answers it.
    let list = app.get_as(&admin, "/api/v1/organizations").await.json();
    assert_eq!(list["items"][0], lines[0]);

    // The list's filters apply.
    let res = app
        .get_as(&admin, "/api/v1/exports/organizations?country=ro")
        .await;
    assert_eq!(ndjson(&res.text()).len(), 1);
    let res = app
        .get_as(
            &admin,
            "/api/v1/exports/organizations?include_archived=true&format=csv",
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("content-type"), Some("text/csv; charset=utf-8"));
    let text = res.text();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(header[0], "id");
    let city = header.iter().position(|h| h == "city").unwrap();
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 3);
    assert_eq!(&records[0][0], ngo.as_str());
    // A cell a spreadsheet would run stays text.
    assert_eq!(&records[0][city], "'=Zgorzelec");
    // updated_since: nothing changed in the future.
    let res = app
        .get_as(
            &admin,
            "/api/v1/exports/organizations?updated_since=2999-01-01T00:00:00Z",
        )
        .await;
    assert_eq!(res.text(), "");
    // Bad parameters are refused by name, before anything is sent.
    let res = app
        .get_as(&admin, "/api/v1/exports/organizations?format=xml")
        .await;
    assert_eq!(
        res.assert_problem(400, "invalid_parameter")["errors"][0]["field"],
        "format"
    );
}

#[actix_web::test]
async fn people_export_as_the_caller_may_see_them() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let org = app
        .create_org(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    app.create_person(
        json!({"full_name": "Ewa Nowak", "email": "ewa@example.org", "organization_id": org}),
    )
    .await;
    let lines = ndjson(&app.get_as(&admin, "/api/v1/exports/people").await.text());
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["email"], "ewa@example.org");
    // Another organisation's member reads the directory without personal data.
    let member = app.token(&user_actor("member-elsewhere", None, vec![]));
    let res = app.get_as(&member, "/api/v1/exports/people").await;
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let lines = ndjson(&res.text());
    assert_eq!(lines[0]["full_name"], "Ewa Nowak");
    assert_eq!(lines[0]["personal_data_visible"], false);
    assert!(lines[0]["email"].is_null(), "{}", lines[0]);
    // The organisation's API client with people:read sees its member's data.
    let client = app.token(&client_actor(&org, &["people:read"]));
    let lines = ndjson(&app.get_as(&client, "/api/v1/exports/people").await.text());
    assert_eq!(lines[0]["email"], "ewa@example.org");
}

#[actix_web::test]
async fn exports_are_refused_to_whom_the_lists_are() {
    let app = TestApp::new().await;
    let org = app
        .create_org(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    for path in ["organizations", "people", "projects", "partnerships"] {
        let uri = format!("/api/v1/exports/{path}");
        app.get(&uri).await.assert_problem(401, "unauthorized");
        let no_scopes = app.token(&client_actor(&org, &[]));
        app.get_as(&no_scopes, &uri)
            .await
            .assert_problem(403, "forbidden");
    }
    let projects_client = app.token(&client_actor(&org, &["projects:read"]));
    app.create_project("EXP").await;
    let res = app
        .get_as(&projects_client, "/api/v1/exports/projects?format=csv")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.text().lines().count(), 2);
}

#[actix_web::test]
async fn partnerships_export_with_the_list_filters() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let active = app.active_partnership(None).await;
    let res = app
        .post_json_as(&admin, "/api/v1/partnerships", json!({"name": "Szkic"}))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let all = app.get_as(&admin, "/api/v1/exports/partnerships").await;
    assert_eq!(all.status, 200, "{}", all.text());
    assert_eq!(ndjson(&all.text()).len(), 2);
    let res = app
        .get_as(
            &admin,
            "/api/v1/exports/partnerships?status=active&format=csv",
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let text = res.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "a header and the active one: {text}");
    assert!(lines[0].starts_with("id,"));
    assert!(lines[1].starts_with(&active.id));
}

#[actix_web::test]
async fn training_programmes_and_participation_bodies_export_as_their_lists() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("EXP-TR").await;
    for name in ["Moduł A", "Moduł B"] {
        let res = app
            .post_json_as(
                &admin,
                "/api/v1/training-programmes",
                json!({"project_id": project, "name": name}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
    }
    let res = app
        .get_as(
            &admin,
            &format!("/api/v1/exports/training-programmes?project_id={project}"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let names: Vec<Value> = ndjson(&res.text())
        .iter()
        .map(|p| p["name"].clone())
        .collect();
    assert_eq!(names, [json!("Moduł A"), json!("Moduł B")]);
    app.get("/api/v1/exports/training-programmes")
        .await
        .assert_problem(401, "unauthorized");

    let org = app
        .create_org(json!({"name": "Sekretariat", "kind": "ngo", "country": "PL"}))
        .await;
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/participation-bodies",
            json!({"name": "Platforma", "kind": "regional_social_platform",
                   "territorial_unit_code": "02", "secretariat_organization_id": org}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    // Public, as the list is.
    let res = app
        .get("/api/v1/exports/participation-bodies?format=csv")
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let text = res.text();
    assert_eq!(text.lines().count(), 2, "{text}");
    assert!(text.lines().nth(1).unwrap().contains("Platforma"));
    let res = app
        .get("/api/v1/exports/participation-bodies?territorial_unit_code=%21%21")
        .await;
    res.assert_problem(400, "invalid_parameter");
}
