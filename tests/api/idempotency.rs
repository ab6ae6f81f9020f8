//! `Idempotency-Key` on creating POSTs: a retry never creates a record twice.

use actix_web::test::TestRequest;
use coopera::db::schema::idempotency_keys as ik;
use diesel::prelude::*;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::support::{TestApp, TestResponse};

const PROJECTS: &str = "/api/v1/projects";

async fn create(app: &TestApp, token: &str, key: &str, body: Value) -> TestResponse {
    app.send_as(
        token,
        TestRequest::post()
            .uri(PROJECTS)
            .insert_header(("Idempotency-Key", key))
            .set_json(body),
    )
    .await
}

async fn project_codes(app: &TestApp) -> Vec<String> {
    let list = app.get_as(&app.admin_token(), PROJECTS).await.json();
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_retry_with_the_same_key_and_body_answers_the_first_response_and_creates_nothing() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let body = json!({"code": "IDEM", "title": "Once"});
    let first = create(&app, &admin, "retry-1", body.clone()).await;
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.header("idempotent-replayed"), None);
    let again = create(&app, &admin, "retry-1", body).await;
    assert_eq!(again.status, 201, "{}", again.text());
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    assert_eq!(again.json(), first.json());
    for name in ["location", "etag", "content-type"] {
        assert!(first.header(name).is_some(), "{name}");
        assert_eq!(again.header(name), first.header(name), "{name}");
    }
    assert_eq!(project_codes(&app).await, ["IDEM"]);
    // Without a key, the same body is a new request (here refused: the code
    // is taken), as before.
    let res = app
        .post_json_as(&admin, PROJECTS, json!({"code": "IDEM", "title": "Once"}))
        .await;
    res.assert_problem(422, "validation_failed");
}

#[actix_web::test]
async fn the_same_key_with_another_body_is_422_and_changes_nothing() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let first = create(&app, &admin, "k-2", json!({"code": "ONE", "title": "One"})).await;
    assert_eq!(first.status, 201, "{}", first.text());
    let other = create(&app, &admin, "k-2", json!({"code": "TWO", "title": "Two"})).await;
    other.assert_problem(422, "idempotency_key_reused");
    assert_eq!(project_codes(&app).await, ["ONE"]);
}

#[actix_web::test]
async fn a_key_belongs_to_its_caller_and_its_path() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let other_admin = app.token(&crate::support::user_actor(
        "second-admin",
        None,
        vec![coopera::auth::Role::Admin],
    ));
    let res = create(&app, &admin, "shared", json!({"code": "A1", "title": "A"})).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let res = create(
        &app,
        &other_admin,
        "shared",
        json!({"code": "B1", "title": "B"}),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.header("idempotent-replayed"), None);
    let res = app
        .send_as(
            &admin,
            TestRequest::post()
                .uri("/api/v1/organizations")
                .insert_header(("Idempotency-Key", "shared"))
                .set_json(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"})),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let mut codes = project_codes(&app).await;
    codes.sort();
    assert_eq!(codes, ["A1", "B1"]);
}

#[actix_web::test]
async fn a_failed_request_keeps_nothing_so_the_key_can_be_used_again() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let bad = create(&app, &admin, "fix-me", json!({"code": "", "title": "T"})).await;
    bad.assert_problem(422, "validation_failed");
    let fixed = create(
        &app,
        &admin,
        "fix-me",
        json!({"code": "FIXED", "title": "T"}),
    )
    .await;
    assert_eq!(fixed.status, 201, "{}", fixed.text());
    // A refused caller keeps nothing either.
    let member = app.token(&crate::support::user_actor("nobody", None, vec![]));
    let refused = create(&app, &member, "fix-me", json!({"code": "NO", "title": "T"})).await;
    refused.assert_problem(403, "forbidden");
    let kept: i64 = app.db(|conn| Ok(ik::table.count().get_result(conn)?)).await;
    assert_eq!(kept, 1);
}

#[actix_web::test]
async fn a_malformed_key_is_400_naming_the_header() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    for key in ["with space".to_owned(), "k".repeat(256)] {
        let res = create(&app, &admin, &key, json!({"code": "X", "title": "T"})).await;
        let body = res.assert_problem(400, "invalid_parameter");
        assert_eq!(body["errors"][0]["field"], "Idempotency-Key");
    }
    assert!(project_codes(&app).await.is_empty());
    // Before the key, the caller: no token is 401.
    let res = app
        .send(
            TestRequest::post()
                .uri(PROJECTS)
                .insert_header(("Idempotency-Key", "with space"))
                .set_json(json!({})),
        )
        .await;
    res.assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn concurrent_requests_with_one_key_create_one_record() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let body = json!({"code": "RACE", "title": "Raced"});
    let results = join_all((0..8).map(|_| create(&app, &admin, "raced", body.clone()))).await;
    let mut ids = Vec::new();
    for res in &results {
        match res.status.as_u16() {
            201 => ids.push(res.json()["id"].as_str().unwrap().to_owned()),
            409 => {
                res.assert_problem(409, "idempotency_key_in_use");
                assert_eq!(res.header("retry-after"), Some("1"));
            }
            other => panic!("{other}: {}", res.text()),
        }
    }
    assert!(!ids.is_empty());
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(project_codes(&app).await, ["RACE"]);
}

/// Rows as another request or an earlier instance left them.
async fn leave_claim(app: &TestApp, key: &str, body: &Value, age: chrono::Duration) {
    let admin_scope = "user:admin POST /api/v1/projects".to_owned();
    let print = coopera::http::idempotency::fingerprint(
        b"",
        b"application/json",
        serde_json::to_vec(body).unwrap().as_slice(),
    );
    let key = key.to_owned();
    app.db(move |conn| {
        let claimed = coopera::db::now() - age;
        diesel::insert_into(ik::table)
            .values((
                ik::scope.eq(admin_scope),
                ik::key.eq(key),
                ik::fingerprint.eq(print),
                ik::claimed_at.eq(claimed),
                ik::expires_at.eq(claimed + chrono::Duration::hours(24)),
            ))
            .execute(conn)?;
        Ok(())
    })
    .await;
}

#[actix_web::test]
async fn a_key_whose_request_still_runs_is_409_until_it_is_given_up() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let body = json!({"code": "RUN", "title": "Running"});
    leave_claim(&app, "running", &body, chrono::Duration::seconds(1)).await;
    let res = create(&app, &admin, "running", body.clone()).await;
    res.assert_problem(409, "idempotency_key_in_use");
    assert_eq!(res.header("retry-after"), Some("1"));
    // A claim older than a minute belongs to a request that never finished.
    leave_claim(&app, "stalled", &body, chrono::Duration::minutes(2)).await;
    let res = create(&app, &admin, "stalled", body).await;
    assert_eq!(res.status, 201, "{}", res.text());
}

#[actix_web::test]
async fn a_key_is_kept_for_24_hours() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let res = create(&app, &admin, "old", json!({"code": "OLD", "title": "T"})).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let kept_until: chrono::NaiveDateTime = app
        .db(|conn| Ok(ik::table.select(ik::expires_at).first(conn)?))
        .await;
    let left = kept_until - coopera::db::now();
    assert!(left > chrono::Duration::hours(23) && left <= chrono::Duration::hours(24));
    // A day later the key is free, and the sweep deletes what expired.
    app.db(|conn| {
        diesel::update(ik::table)
            .set(ik::expires_at.eq(coopera::db::now() - chrono::Duration::seconds(1)))
            .execute(conn)?;
        Ok(())
    })
    .await;
    let res = create(&app, &admin, "old", json!({"code": "NEW", "title": "T"})).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let later = coopera::db::now() + chrono::Duration::hours(25);
    let purged = app
        .db(move |conn| coopera::http::idempotency::purge_expired(conn, later))
        .await;
    assert_eq!(purged, 1);
}

#[actix_web::test]
async fn only_creating_posts_take_the_key() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("T1").await;
    // A transition is not a create: the header is ignored, even malformed.
    let res = app
        .send_as(
            &admin,
            TestRequest::post()
                .uri(&format!("/api/v1/projects/{project}/activate"))
                .insert_header(("Idempotency-Key", "with space")),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let doc = app.get("/api-docs/openapi.json").await.json();
    let names = |path: &str| -> Vec<String> {
        doc["paths"][path]["post"]["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|p| p["name"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    assert!(names(PROJECTS).contains(&"Idempotency-Key".to_owned()));
    assert!(!names("/api/v1/projects/{id}/activate").contains(&"Idempotency-Key".to_owned()));
}
