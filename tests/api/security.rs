//! Findings of the security review that are not about one module: stored links
//! are http(s) only, and every response carries the protective headers.

use actix_web::test::TestRequest;
use serde_json::json;

use crate::support::TestApp;

#[actix_web::test]
async fn stored_links_must_be_http_or_https() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    for bad in [
        "javascript:alert(document.domain)//",
        "data:text/html,<script>alert(1)</script>",
        "file:///etc/passwd",
        "ftp://example.org/x",
        "vbscript:msgbox(1)",
    ] {
        let body = app
            .post_json_as(
                &admin,
                "/api/v1/organizations",
                json!({"name": "Fundacja", "kind": "ngo", "country": "PL", "website": bad}),
            )
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(body["errors"][0]["field"], "website", "{bad}: {body}");
    }
    let org = app
        .create_org(json!({"name": "Fundacja", "kind": "ngo", "country": "PL", "website": "HTTPS://fundacja.example.org"}))
        .await;
    let body = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/organizations/{org}"),
            json!({"website": "javascript:alert(1)//"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "website");
    let res = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/organizations/{org}"),
            json!({"website": "http://fundacja.example.org/o-nas"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    let res = app
        .post_json_as(&admin, "/api/v1/partnerships", json!({"name": "P"}))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let p = res.json()["id"].as_str().unwrap().to_owned();
    let body = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/partnerships/{p}"),
            json!({"agreement": {"document_url": "javascript:alert(1)//"}}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        body["errors"][0]["field"], "agreement.document_url",
        "{body}"
    );
}

#[actix_web::test]
async fn every_response_forbids_sniffing_and_framing() {
    let app = TestApp::new().await;
    for uri in [
        "/health/live",
        "/api/v1/no-such-thing",
        "/swagger-ui/",
        "/api-docs/openapi.json",
        "/api/v1/territorial-units",
    ] {
        let res = app.get(uri).await;
        assert_eq!(
            res.header("x-content-type-options"),
            Some("nosniff"),
            "{uri}"
        );
        assert_eq!(res.header("x-frame-options"), Some("DENY"), "{uri}");
        assert!(
            res.header("content-security-policy")
                .is_some_and(|c| c.contains("frame-ancestors 'none'")),
            "{uri}"
        );
    }
}

#[actix_web::test]
async fn answers_with_personal_data_are_never_stored_by_caches() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let person = app
        .create_person(json!({"full_name": "Ana", "email": "ana@example.org"}))
        .await;
    for uri in [
        "/api/v1/me".to_owned(),
        "/api/v1/people".to_owned(),
        format!("/api/v1/people/{person}"),
        "/api/v1/users".to_owned(),
    ] {
        let res = app.get_as(&admin, &uri).await;
        assert_eq!(res.header("cache-control"), Some("no-store"), "{uri}");
    }
    let res = app
        .send_as(
            &admin,
            TestRequest::post()
                .uri("/api/v1/people")
                .set_json(json!({"full_name": "Jan", "email": "jan@example.org"})),
        )
        .await;
    assert_eq!(res.status, 201);
    assert_eq!(res.header("cache-control"), Some("no-store"));
    // Records without personal data stay cacheable.
    let res = app.get_as(&admin, "/api/v1/projects").await;
    assert_eq!(res.header("cache-control"), None);
}

#[actix_web::test]
async fn an_anonymous_caller_gets_401_before_anything_else_is_read() {
    let app = TestApp::new().await;
    for req in [
        // An incomplete body, an unknown field, a path id that is no UUID, a
        // bad query: none of it is looked at before the caller.
        TestRequest::post()
            .uri("/api/v1/organizations")
            .set_json(json!({"nme": "x"})),
        TestRequest::patch()
            .uri("/api/v1/people/not-a-uuid")
            .set_json(json!({})),
        TestRequest::get().uri("/api/v1/projects?limit=100000"),
        TestRequest::post()
            .uri("/api/v1/people")
            .insert_header(("content-type", "text/plain"))
            .set_payload("x"),
    ] {
        let res = app.send(req).await;
        res.assert_problem(401, "unauthorized");
        assert!(res.header("www-authenticate").is_some());
    }
    // Public operations answer without a token.
    assert_eq!(
        app.get("/api/v1/territorial-units?limit=1").await.status,
        200
    );
    assert_eq!(app.get("/problems").await.status, 200);
    app.send(
        TestRequest::post()
            .uri("/api/v1/auth/token")
            .set_form([("grant_type", "password")]),
    )
    .await
    .assert_problem(400, "invalid_parameter");
}

#[actix_web::test]
async fn an_encoded_path_gets_the_same_protection() {
    let app = TestApp::new().await;
    let person = app.create_person(json!({"full_name": "Ana"})).await;
    let res = app
        .get_as(&app.admin_token(), &format!("/api/v1/%70eople/{person}"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    app.send(
        TestRequest::post()
            .uri("/api/v1/%70eople")
            .set_json(json!({"nme": "x"})),
    )
    .await
    .assert_problem(401, "unauthorized");
}
