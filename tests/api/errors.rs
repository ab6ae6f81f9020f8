//! Every error class is an `application/problem+json` body as API.md describes.

use actix_web::test::TestRequest;
use actix_web::{HttpResponse, web};
use coopera::build_app;
use coopera::http::extract::ApiJson;
use serde::Deserialize;
use validator::Validate;

use crate::support::TestApp;

/// A body shaped like the service's future create requests, so that the JSON
/// extractor's failures can be exercised before a module accepts bodies.
#[derive(Debug, Deserialize, Validate)]
struct Probe {
    #[validate(length(min = 3, max = 20))]
    name: String,
    #[validate(range(min = 1, max = 10))]
    count: u32,
}

async fn probe(body: ApiJson<Probe>) -> HttpResponse {
    let body = body.into_inner();
    HttpResponse::Ok().json(serde_json::json!({"name": body.name, "count": body.count}))
}

async fn post_probe(app: &TestApp, req: TestRequest) -> crate::support::TestResponse {
    let service = build_app(app.state.clone()).route("/probe", web::post().to(probe));
    app.send_to(
        service,
        req.method(actix_web::http::Method::POST).uri("/probe"),
    )
    .await
}

#[actix_web::test]
async fn a_valid_json_body_reaches_the_handler() {
    let app = TestApp::new().await;
    let res = post_probe(
        &app,
        TestRequest::default().set_json(serde_json::json!({"name": "abc", "count": 2})),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["count"], 2);
}

#[actix_web::test]
async fn malformed_json_is_400() {
    let app = TestApp::new().await;
    let res = post_probe(
        &app,
        TestRequest::default()
            .insert_header(("content-type", "application/json"))
            .set_payload("{\"name\": \"abc\", "),
    )
    .await;
    let body = res.assert_problem(400, "malformed_json");
    assert!(body["detail"].as_str().unwrap().contains("line 1"));
}

#[actix_web::test]
async fn an_empty_body_is_400() {
    let app = TestApp::new().await;
    let res = post_probe(
        &app,
        TestRequest::default().insert_header(("content-type", "application/json")),
    )
    .await;
    res.assert_problem(400, "malformed_json");
}

#[actix_web::test]
async fn a_wrong_content_type_is_415() {
    let app = TestApp::new().await;
    for content_type in [Some("text/plain"), Some("application/xml"), None] {
        let mut req = TestRequest::default().set_payload(r#"{"name": "abc", "count": 2}"#);
        if let Some(ct) = content_type {
            req = req.insert_header(("content-type", ct));
        }
        post_probe(&app, req)
            .await
            .assert_problem(415, "unsupported_media_type");
    }
}

#[actix_web::test]
async fn a_json_suffix_media_type_is_accepted() {
    let app = TestApp::new().await;
    let res = post_probe(
        &app,
        TestRequest::default()
            .insert_header(("content-type", "application/merge-patch+json"))
            .set_payload(r#"{"name": "abc", "count": 2}"#),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
}

#[actix_web::test]
async fn a_body_over_the_limit_is_413_and_not_read() {
    let app = TestApp::builder().body_limit(1024).build().await;
    let big = format!(r#"{{"name": "{}", "count": 2}}"#, "x".repeat(2000));
    post_probe(
        &app,
        TestRequest::default()
            .insert_header(("content-type", "application/json"))
            .set_payload(big),
    )
    .await
    .assert_problem(413, "payload_too_large");
}

#[actix_web::test]
async fn a_field_of_the_wrong_type_is_422_naming_it() {
    let app = TestApp::new().await;
    let res = post_probe(
        &app,
        TestRequest::default().set_json(serde_json::json!({"name": "abc", "count": "two"})),
    )
    .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "count");
    assert_eq!(body["errors"][0]["code"], "invalid_type");
}

#[actix_web::test]
async fn a_missing_field_is_422() {
    let app = TestApp::new().await;
    let res = post_probe(
        &app,
        TestRequest::default().set_json(serde_json::json!({"name": "abc"})),
    )
    .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "count");
    assert_eq!(body["errors"][0]["code"], "required");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("count")
    );
}

#[actix_web::test]
async fn broken_rules_are_422_with_one_error_per_field() {
    let app = TestApp::new().await;
    let res = post_probe(
        &app,
        TestRequest::default().set_json(serde_json::json!({"name": "ab", "count": 11})),
    )
    .await;
    let body = res.assert_problem(422, "validation_failed");
    let errors = body["errors"].as_array().unwrap();
    let fields: Vec<_> = errors
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["count", "name"]);
    assert_eq!(errors[0]["code"], "range");
    assert_eq!(errors[1]["code"], "length");
}

#[actix_web::test]
async fn an_unknown_route_is_404() {
    let app = TestApp::new().await;
    let body = app
        .get("/api/v1/no-such-thing")
        .await
        .assert_problem(404, "not_found");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("/api/v1/no-such-thing")
    );
}

#[actix_web::test]
async fn a_wrong_method_is_405_with_allow() {
    let app = TestApp::new().await;
    let res = app
        .send(TestRequest::delete().uri("/api/v1/territorial-units/02"))
        .await;
    res.assert_problem(405, "method_not_allowed");
    assert_eq!(res.header("allow"), Some("GET, HEAD"));
}

#[actix_web::test]
async fn a_bad_query_parameter_is_400_naming_it() {
    let app = TestApp::new().await;
    for (query, field) in [
        ("limit=ten", "limit"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("level=region", "level"),
        ("updated_since=yesterday", "updated_since"),
        ("country=Poland", "country"),
    ] {
        let res = app.get(&format!("/api/v1/territorial-units?{query}")).await;
        let body = res.assert_problem(400, "invalid_parameter");
        assert_eq!(body["errors"][0]["field"], field, "{query}");
    }
}

#[actix_web::test]
async fn an_unknown_cursor_is_400() {
    let app = TestApp::new().await;
    for cursor in ["garbage", "a2Ex", "%00", "eyJpZCI6MX0"] {
        let res = app
            .get(&format!("/api/v1/territorial-units?cursor={cursor}"))
            .await;
        let body = res.assert_problem(400, "invalid_cursor");
        assert_eq!(body["errors"][0]["field"], "cursor");
    }
}

#[actix_web::test]
async fn every_problem_code_is_described() {
    let app = TestApp::new().await;
    let list = app.get("/problems").await;
    assert_eq!(list.status, 200);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert!(items.len() >= 15);
    for item in &items {
        let code = item["code"].as_str().unwrap();
        let one = app.get(&format!("/problems/{code}")).await;
        assert_eq!(one.status, 200);
        assert_eq!(one.json(), *item);
        assert_eq!(item["type"], format!("/problems/{code}"));
        assert!(!item["description"].as_str().unwrap().is_empty());
    }
    app.get("/problems/no_such_code")
        .await
        .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn a_request_id_is_generated_and_echoed() {
    let app = TestApp::new().await;
    let a = app.get("/health/live").await;
    let b = app.get("/nope").await;
    let id_a = a.header("x-request-id").unwrap();
    let id_b = b.header("x-request-id").unwrap();
    assert_eq!(id_a.len(), 36);
    assert_ne!(id_a, id_b);
}

#[actix_web::test]
async fn a_client_request_id_is_kept_and_a_forged_one_replaced() {
    let app = TestApp::new().await;
    let res = app
        .send(
            TestRequest::get()
                .uri("/health/live")
                .insert_header(("x-request-id", "partner-crm:42")),
        )
        .await;
    assert_eq!(res.header("x-request-id"), Some("partner-crm:42"));

    let res = app
        .send(
            TestRequest::get()
                .uri("/health/live")
                .insert_header(("x-request-id", "x\" injected=1")),
        )
        .await;
    let id = res.header("x-request-id").unwrap();
    assert!(!id.contains("injected"));
    assert_eq!(id.len(), 36);
}

#[actix_web::test]
async fn cors_allows_only_configured_origins() {
    use coopera::config::CorsOrigins;
    let app = TestApp::builder()
        .cors(CorsOrigins::List(vec!["https://portal.example.org".into()]))
        .build()
        .await;
    let preflight = |origin: &'static str| {
        TestRequest::default()
            .method(actix_web::http::Method::OPTIONS)
            .uri("/api/v1/territorial-units")
            .insert_header(("origin", origin))
            .insert_header(("access-control-request-method", "GET"))
    };
    let ok = app.send(preflight("https://portal.example.org")).await;
    assert_eq!(ok.status, 200);
    assert_eq!(
        ok.header("access-control-allow-origin"),
        Some("https://portal.example.org")
    );
    let refused = app.send(preflight("https://evil.example.com")).await;
    assert!(refused.header("access-control-allow-origin").is_none());
    assert!(refused.status.is_client_error());
    assert_eq!(
        refused.header("content-type"),
        Some("application/problem+json")
    );

    let simple = app
        .send(
            TestRequest::get()
                .uri("/api/v1/territorial-units/02")
                .insert_header(("origin", "https://portal.example.org")),
        )
        .await;
    assert_eq!(simple.status, 200);
    let exposed = simple
        .header("access-control-expose-headers")
        .unwrap()
        .to_ascii_lowercase();
    assert!(exposed.contains("etag") && exposed.contains("x-request-id"));
}

#[actix_web::test]
async fn without_cors_configuration_no_cross_origin_headers_are_sent() {
    let app = TestApp::new().await;
    let res = app
        .send(
            TestRequest::get()
                .uri("/api/v1/territorial-units/02")
                .insert_header(("origin", "https://portal.example.org")),
        )
        .await;
    assert_eq!(res.status, 200);
    assert!(res.header("access-control-allow-origin").is_none());
}

#[actix_web::test]
async fn a_body_that_is_not_an_object_is_422() {
    let app = TestApp::new().await;
    for body in ["[null, null]", "\"text\"", "42"] {
        let res = post_probe(
            &app,
            TestRequest::default()
                .insert_header(("content-type", "application/json"))
                .set_payload(body),
        )
        .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["code"], "not_an_object", "{body}");
    }
}

#[actix_web::test]
async fn a_nul_character_in_a_body_is_422_naming_the_field() {
    let app = TestApp::new().await;
    let res = post_probe(
        &app,
        TestRequest::default()
            .insert_header(("content-type", "application/json"))
            .set_payload(r#"{"name": "ab\u0000c", "count": 2}"#),
    )
    .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "name");
    assert_eq!(problem["errors"][0]["code"], "nul_character");
}

#[actix_web::test]
async fn a_path_id_that_is_not_a_uuid_names_no_record() {
    let app = TestApp::new().await;
    let token = app.admin_token();
    for uri in [
        "/api/v1/organizations/not-a-uuid",
        "/api/v1/people/42",
        "/api/v1/projects/%00",
        "/api/v1/users/x",
        "/api/v1/api-clients/x",
    ] {
        let res = app.get_as(&token, uri).await;
        let problem = res.assert_problem(404, "not_found");
        assert!(
            problem["detail"].as_str().unwrap().contains("UUID"),
            "{uri}"
        );
    }
    // A well-formed id of no record is 404.
    app.get_as(
        &token,
        "/api/v1/organizations/01a216b8-8e10-7237-a7a0-b732f4057bab",
    )
    .await
    .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn head_is_answered_like_get_without_a_body() {
    let app = TestApp::new().await;
    let res = app
        .send(
            TestRequest::default()
                .method(actix_web::http::Method::HEAD)
                .uri("/api/v1/territorial-units/02"),
        )
        .await;
    assert_eq!(res.status, 200);
    assert!(res.body.is_empty());
    assert!(res.header("etag").is_some());
    let get = app.get("/api/v1/territorial-units/02").await;
    assert!(!get.body.is_empty());
    assert_eq!(
        res.header("content-length"),
        Some(get.body.len().to_string().as_str()),
        "HEAD carries the length GET would have"
    );
}

async fn panics() -> HttpResponse {
    let empty: Vec<u8> = Vec::new();
    HttpResponse::Ok().body(vec![empty[3]])
}

#[actix_web::test]
async fn a_panicking_handler_is_a_500_problem_not_a_dropped_connection() {
    let app = TestApp::new().await;
    let service = build_app(app.state.clone()).route("/boom", web::get().to(panics));
    let res = app.send_to(service, TestRequest::get().uri("/boom")).await;
    let body = res.assert_problem(500, "internal_error");
    assert!(!body.to_string().contains("index out of bounds"));
}

#[actix_web::test]
async fn a_stored_value_the_code_does_not_know_is_a_500_not_a_default() {
    use diesel::connection::SimpleConnection;
    let app = TestApp::new().await;
    let project = app.create_project("P-BAD").await;
    // Only a row written around the service (or by a newer version) can hold
    // such a value: lift the CHECK constraint in this test's own database.
    app.db(move |conn| {
        match conn {
            coopera::db::DbConn::Sqlite(c) => c.batch_execute(&format!(
                "PRAGMA ignore_check_constraints = ON;
                 UPDATE projects SET status = 'paused' WHERE id = '{project}';"
            ))?,
            coopera::db::DbConn::Postgres(c) => c.batch_execute(&format!(
                "DO $$ DECLARE c text; BEGIN
                   FOR c IN SELECT conname FROM pg_constraint
                            WHERE conrelid = 'projects'::regclass AND contype = 'c' LOOP
                     EXECUTE 'ALTER TABLE projects DROP CONSTRAINT ' || quote_ident(c);
                   END LOOP;
                 END $$;
                 UPDATE projects SET status = 'paused' WHERE id = '{project}';"
            ))?,
        }
        Ok(())
    })
    .await;
    let admin = app.admin_token();
    let body = app
        .get_as(&admin, "/api/v1/projects")
        .await
        .assert_problem(500, "internal_error");
    assert!(
        !body.to_string().contains("paused"),
        "the cause is logged, not returned: {body}"
    );
}
