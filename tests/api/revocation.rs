//! An access token is only as good as what stands behind it now: deactivating
//! the account, signing the login out, revoking the API client or changing
//! roles applies to tokens already issued, not only to the next ones.

use std::time::Duration;

use actix_web::test::TestRequest;
use coopera::auth::users::GlobalRole;
use serde_json::json;

use crate::support::TestApp;

const PASSWORD: &str = "correct horse battery staple";

/// Signs `email` in; returns the access and the refresh token.
async fn sign_in(app: &TestApp, email: &str) -> (String, String) {
    let res = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", email),
            ("password", PASSWORD),
        ])
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

#[actix_web::test]
async fn a_deactivated_users_tokens_stop_working_at_once() {
    let app = TestApp::new().await;
    let id = app
        .create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let (access, _) = sign_in(&app, "anna@example.org").await;
    assert_eq!(app.get_as(&access, "/api/v1/me").await.status, 200);
    let res = app
        .patch_json_as(
            &app.admin_token(),
            &format!("/api/v1/users/{id}"),
            json!({"active": false}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = app
        .get_as(&access, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    assert!(body["detail"].as_str().unwrap().contains("deactivated"));
    // Before the body is read, too.
    app.post_json_as(&access, "/api/v1/organizations", json!({}))
        .await
        .assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn signing_out_ends_the_logins_access_tokens_but_not_other_logins() {
    let app = TestApp::new().await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let (access, refresh) = sign_in(&app, "anna@example.org").await;
    let (other_access, _) = sign_in(&app, "anna@example.org").await;
    let res = app
        .send(
            TestRequest::post()
                .uri("/api/v1/auth/revoke")
                .set_form([("token", refresh.as_str())]),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = app
        .get_as(&access, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    assert!(body["detail"].as_str().unwrap().contains("revoked"));
    assert_eq!(app.get_as(&other_access, "/api/v1/me").await.status, 200);
}

#[actix_web::test]
async fn a_refreshed_login_keeps_working_until_it_is_revoked() {
    let app = TestApp::new().await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let (first, refresh) = sign_in(&app, "anna@example.org").await;
    let res = app
        .token_request(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let second = res.json()["access_token"].as_str().unwrap().to_owned();
    // Rotating the refresh token is not signing out.
    assert_eq!(app.get_as(&first, "/api/v1/me").await.status, 200);
    assert_eq!(app.get_as(&second, "/api/v1/me").await.status, 200);
    // Presenting the spent refresh token again revokes the whole login.
    app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await
        .assert_problem(400, "invalid_grant");
    for token in [&first, &second] {
        app.get_as(token, "/api/v1/me")
            .await
            .assert_problem(401, "unauthorized");
    }
}

#[actix_web::test]
async fn role_changes_apply_to_tokens_already_issued() {
    let app = TestApp::new().await;
    let id = app
        .create_user("anna@example.org", PASSWORD, vec![GlobalRole::Admin], None)
        .await;
    let (access, _) = sign_in(&app, "anna@example.org").await;
    assert_eq!(app.get_as(&access, "/api/v1/audit").await.status, 200);
    let res = app
        .patch_json_as(
            &app.admin_token(),
            &format!("/api/v1/users/{id}"),
            json!({"roles": []}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.get_as(&access, "/api/v1/audit")
        .await
        .assert_problem(403, "forbidden");
    let me = app.get_as(&access, "/api/v1/me").await.json();
    assert_eq!(me["roles"], json!([]), "{me}");
}

/// Registers an API client of a new organisation with `scopes`; returns the
/// organisation's id, the client's id and an access token of the client.
async fn client_token(app: &TestApp, scopes: &[&str]) -> (String, String, String) {
    let org = app
        .create_org(json!({"name": "Fundacja Razem", "kind": "ngo", "country": "PL"}))
        .await;
    let res = app
        .post_json_as(
            &app.admin_token(),
            "/api/v1/api-clients",
            json!({"organization_id": org, "name": "CRM", "scopes": scopes}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    let id = body["client"]["id"].as_str().unwrap().to_owned();
    let secret = body["client_secret"].as_str().unwrap().to_owned();
    let res = app
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ])
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let access = res.json()["access_token"].as_str().unwrap().to_owned();
    (org, id, access)
}

#[actix_web::test]
async fn a_revoked_clients_tokens_stop_working_at_once() {
    let app = TestApp::new().await;
    let (org, id, access) = client_token(&app, &["organizations:read"]).await;
    let uri = format!("/api/v1/organizations/{org}");
    assert_eq!(app.get_as(&access, &uri).await.status, 200);
    let res = app
        .send_as(
            &app.admin_token(),
            TestRequest::post().uri(&format!("/api/v1/api-clients/{id}/revoke")),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.get_as(&access, &uri)
        .await
        .assert_problem(401, "unauthorized");
}

async fn revoke(app: &TestApp, token: &str) -> crate::support::TestResponse {
    app.send(
        TestRequest::post()
            .uri("/api/v1/auth/revoke")
            .set_form([("token", token)]),
    )
    .await
}

#[actix_web::test]
async fn revoking_an_access_token_signs_its_login_out_as_rfc_7009_has_it() {
    let app = TestApp::new().await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let (access, refresh) = sign_in(&app, "anna@example.org").await;
    let (other_access, _) = sign_in(&app, "anna@example.org").await;
    let res = revoke(&app, &access).await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.get_as(&access, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &refresh)])
        .await
        .assert_problem(400, "invalid_grant");
    assert_eq!(app.get_as(&other_access, "/api/v1/me").await.status, 200);
    // An unknown token of any plausible length is not an error (RFC 7009 §2.2).
    assert_eq!(revoke(&app, &"x".repeat(2000)).await.status, 200);
    let body = revoke(&app, &"x".repeat(8193))
        .await
        .assert_problem(400, "invalid_parameter");
    assert_eq!(body["errors"][0]["field"], "token");
}

#[actix_web::test]
async fn an_api_clients_access_token_is_an_unsupported_token_type() {
    let app = TestApp::new().await;
    // Every scope the document lists is one a client can be given.
    let doc: serde_json::Value = serde_json::from_str(&coopera::openapi_json()).unwrap();
    let scopes: Vec<&str> = doc["components"]["schemas"]["ScopeName"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert_eq!(scopes, coopera::auth::policy::SCOPES);
    let (org, _, access) = client_token(&app, &scopes).await;
    let res = revoke(&app, &access).await;
    assert_eq!(res.status, 400, "{}", res.text());
    assert_eq!(res.json()["error"], "unsupported_token_type");
    let uri = format!("/api/v1/organizations/{org}");
    assert_eq!(app.get_as(&access, &uri).await.status, 200);
}

#[actix_web::test]
async fn an_instance_trusts_what_it_read_for_the_recheck_window_only() {
    let window = Duration::from_millis(300);
    let app = TestApp::builder().access_recheck(window).build().await;
    let id = app
        .create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let (access, _) = sign_in(&app, "anna@example.org").await;
    assert_eq!(app.get_as(&access, "/api/v1/me").await.status, 200);
    let res = app
        .patch_json_as(
            &app.admin_token(),
            &format!("/api/v1/users/{id}"),
            json!({"active": false}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    actix_web::rt::time::sleep(window + Duration::from_millis(50)).await;
    app.get_as(&access, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn signing_out_applies_at_once_on_the_instance_that_did_it() {
    let app = TestApp::builder()
        .access_recheck(Duration::from_secs(60))
        .build()
        .await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let (access, refresh) = sign_in(&app, "anna@example.org").await;
    let (other_access, _) = sign_in(&app, "anna@example.org").await;
    // Both logins are now trusted by this instance for a minute.
    assert_eq!(app.get_as(&access, "/api/v1/me").await.status, 200);
    assert_eq!(app.get_as(&other_access, "/api/v1/me").await.status, 200);
    assert_eq!(revoke(&app, &refresh).await.status, 200);
    app.get_as(&access, "/api/v1/me")
        .await
        .assert_problem(401, "unauthorized");
    assert_eq!(app.get_as(&other_access, "/api/v1/me").await.status, 200);
}
