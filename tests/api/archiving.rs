//! Archiving people and projects (as organisations are): admins only, with
//! a reason kept in the change log; an archived record stays readable, is
//! hidden from its list unless asked for, and can no longer be changed.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn archive(
    app: &TestApp,
    token: &str,
    uri: &str,
    tag: Option<&str>,
    body: Value,
) -> crate::support::TestResponse {
    let mut req = TestRequest::post()
        .uri(&format!("{uri}/archive"))
        .set_json(body);
    if let Some(tag) = tag {
        req = req.insert_header(("If-Match", tag.to_owned()));
    }
    if token.is_empty() {
        app.send(req).await
    } else {
        app.send_as(token, req).await
    }
}

fn ids(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect()
}

/// The reason the change log holds for `id`'s archiving.
async fn logged_reason(app: &TestApp, id: &str) -> Value {
    let log = app.change_log(id).await;
    let entry = log
        .iter()
        .find(|e| e["action"] == "archive")
        .unwrap_or_else(|| panic!("no archive entry: {log:?}"));
    entry["changes"]["reason"].clone()
}

#[actix_web::test]
async fn an_admin_archives_a_person_who_stays_readable_but_frozen() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let (org, org_admin) = app
        .organization_with_admin(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    let person = app
        .create_person(json!({"full_name": "Anna Kowalska", "organization_id": org}))
        .await;
    let uri = format!("/api/v1/people/{person}");
    let reason = json!({"reason": "Zakończyła współpracę z fundacją."});

    // The caller before the body; admins only; a reason that says something.
    archive(&app, "", &uri, None, json!({}))
        .await
        .assert_problem(401, "unauthorized");
    archive(&app, &org_admin, &uri, None, reason.clone())
        .await
        .assert_problem(403, "forbidden");
    let problem = archive(&app, &admin, &uri, None, json!({"reason": "  "}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "reason");
    archive(&app, &admin, &uri, Some("\"stale\""), reason.clone())
        .await
        .assert_problem(412, "precondition_failed");
    archive(
        &app,
        &admin,
        "/api/v1/people/00000000-0000-7000-8000-000000000000",
        None,
        reason.clone(),
    )
    .await
    .assert_problem(404, "not_found");
    let tag = app
        .get_as(&admin, &uri)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let res = archive(&app, &admin, &uri, Some(&tag), reason.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let archived = res.json();
    assert!(archived["archived_at"].is_string());
    assert_ne!(res.header("etag"), Some(tag.as_str()));

    // Readable, hidden from the list unless asked for.
    assert_eq!(
        app.get_as(&admin, &uri).await.json()["archived_at"],
        archived["archived_at"]
    );
    let listed = app.get_as(&admin, "/api/v1/people?limit=100").await.json();
    assert!(!ids(&listed).contains(&person.as_str()));
    let listed = app
        .get_as(&admin, "/api/v1/people?limit=100&include_archived=true")
        .await
        .json();
    assert!(ids(&listed).contains(&person.as_str()));

    // Frozen.
    app.patch_json_as(&admin, &uri, json!({"position": "Wolontariuszka"}))
        .await
        .assert_problem(409, "invalid_transition");
    archive(&app, &admin, &uri, None, reason)
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(
        logged_reason(&app, &person).await,
        "Zakończyła współpracę z fundacją."
    );
}

#[actix_web::test]
async fn a_project_is_archived_once_it_is_not_active() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let (project, coordinator) = app.project_with_coordinator("ARCH-1").await;
    let uri = format!("/api/v1/projects/{project}");
    let reason = json!({"reason": "Projekt rozliczony."});
    archive(&app, &coordinator, &uri, None, reason.clone())
        .await
        .assert_problem(403, "forbidden");

    // Active: close it first.
    let res = app
        .send_as(&admin, TestRequest::post().uri(&format!("{uri}/activate")))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let problem = archive(&app, &admin, &uri, None, reason.clone())
        .await
        .assert_problem(409, "invalid_transition");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("close it first")
    );
    let res = app
        .send_as(&admin, TestRequest::post().uri(&format!("{uri}/close")))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = archive(&app, &admin, &uri, None, reason.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.json()["archived_at"].is_string());

    // A planned project never started is archived too; archived, it no
    // longer starts.
    let planned = app.create_project("ARCH-2").await;
    let planned_uri = format!("/api/v1/projects/{planned}");
    let res = archive(&app, &admin, &planned_uri, None, reason.clone()).await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.send_as(
        &admin,
        TestRequest::post().uri(&format!("{planned_uri}/activate")),
    )
    .await
    .assert_problem(409, "invalid_transition");
    app.patch_json_as(&coordinator, &uri, json!({"description": "x"}))
        .await
        .assert_problem(409, "invalid_transition");

    // Readable, hidden from the list unless asked for.
    assert_eq!(app.get_as(&coordinator, &uri).await.status, 200);
    let listed = app
        .get_as(&admin, "/api/v1/projects?limit=100")
        .await
        .json();
    assert!(!ids(&listed).contains(&project.as_str()));
    assert!(!ids(&listed).contains(&planned.as_str()));
    let listed = app
        .get_as(&admin, "/api/v1/projects?limit=100&include_archived=true")
        .await
        .json();
    assert!(ids(&listed).contains(&project.as_str()));
    assert_eq!(logged_reason(&app, &project).await, "Projekt rozliczony.");
}
