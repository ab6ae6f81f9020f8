//! Accounts and tokens: the OAuth2 token endpoint, refresh rotation, revocation,
//! throttling, JWT checks and API clients.

use actix_web::test::TestRequest;
use coopera::auth::users::GlobalRole;
use serde_json::json;

use crate::support::{TEST_JWT_SECRET, TestApp, user_actor};

const PASSWORD: &str = "correct horse battery staple";

async fn login(app: &TestApp, email: &str, password: &str) -> crate::support::TestResponse {
    app.token_request(&[
        ("grant_type", "password"),
        ("username", email),
        ("password", password),
    ])
    .await
}

#[actix_web::test]
async fn a_user_logs_in_and_reads_me() {
    let app = TestApp::new().await;
    app.create_user(
        "anna@example.org",
        PASSWORD,
        vec![GlobalRole::Trainer],
        None,
    )
    .await;
    let res = login(&app, "Anna@Example.org ", PASSWORD).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.header("cache-control"), Some("no-store"));
    let body = res.json();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("rt_"));
    let token = body["access_token"].as_str().unwrap();

    let me = app.get_as(token, "/api/v1/me").await;
    assert_eq!(me.status, 200, "{}", me.text());
    let me = me.json();
    assert_eq!(me["kind"], "user");
    assert_eq!(me["email"], "anna@example.org");
    assert_eq!(me["roles"], json!([{"role": "trainer"}]));
}

#[actix_web::test]
async fn me_without_a_token_is_401_with_www_authenticate() {
    let app = TestApp::new().await;
    let res = app.get("/api/v1/me").await;
    res.assert_problem(401, "unauthorized");
    assert!(
        res.header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    let res = app
        .send(
            TestRequest::get()
                .uri("/api/v1/me")
                .insert_header(("authorization", "Basic abc")),
        )
        .await;
    res.assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn wrong_credentials_do_not_say_whether_the_email_exists() {
    let app = TestApp::new().await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let wrong_password = login(&app, "anna@example.org", "not the password").await;
    let unknown_email = login(&app, "nobody@example.org", PASSWORD).await;
    let a = wrong_password.assert_problem(400, "invalid_grant");
    let b = unknown_email.assert_problem(400, "invalid_grant");
    assert_eq!(a["detail"], b["detail"]);
    assert_eq!(a["error"], "invalid_grant");
    assert_eq!(a["error_description"], a["detail"]);
}

#[actix_web::test]
async fn an_inactive_user_cannot_log_in() {
    let app = TestApp::new().await;
    let id = app
        .create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let res = app
        .patch_json_as(
            &app.admin_token(),
            &format!("/api/v1/users/{id}"),
            json!({"active": false}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    login(&app, "anna@example.org", PASSWORD)
        .await
        .assert_problem(400, "invalid_grant");
}

#[actix_web::test]
async fn a_refresh_token_works_once_and_its_reuse_revokes_the_family() {
    let app = TestApp::new().await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let first = login(&app, "anna@example.org", PASSWORD).await.json();
    let r1 = first["refresh_token"].as_str().unwrap().to_owned();

    let second = app
        .token_request(&[("grant_type", "refresh_token"), ("refresh_token", &r1)])
        .await;
    assert_eq!(second.status, 200, "{}", second.text());
    let r2 = second.json()["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(r1, r2);

    // r1 again: reuse of a spent token. Refused, and r2 dies with it.
    app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &r1)])
        .await
        .assert_problem(400, "invalid_grant");
    app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &r2)])
        .await
        .assert_problem(400, "invalid_grant");
}

#[actix_web::test]
async fn revoking_a_refresh_token_ends_the_login() {
    let app = TestApp::new().await;
    app.create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let r = login(&app, "anna@example.org", PASSWORD).await.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .send(
            TestRequest::post()
                .uri("/api/v1/auth/revoke")
                .set_form([("token", r.as_str())]),
        )
        .await;
    assert_eq!(res.status, 200);
    app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &r)])
        .await
        .assert_problem(400, "invalid_grant");
    // Unknown tokens are answered 200 too (RFC 7009).
    let res = app
        .send(
            TestRequest::post()
                .uri("/api/v1/auth/revoke")
                .set_form([("token", "rt_unknown")]),
        )
        .await;
    assert_eq!(res.status, 200);
}

#[actix_web::test]
async fn token_request_errors_are_oauth_problems() {
    let app = TestApp::new().await;
    let res = app.token_request(&[("grant_type", "implicit")]).await;
    assert_eq!(
        res.assert_problem(400, "unsupported_grant_type")["error"],
        "unsupported_grant_type"
    );
    let res = app
        .token_request(&[("grant_type", "password"), ("username", "a@b.org")])
        .await;
    let body = res.assert_problem(400, "invalid_parameter");
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(body["errors"][0]["field"], "password");
    let res = app.token_request(&[]).await;
    assert_eq!(
        res.assert_problem(400, "invalid_parameter")["errors"][0]["field"],
        "grant_type"
    );
    let res = app
        .send(
            TestRequest::post()
                .uri("/api/v1/auth/token")
                .set_json(json!({"grant_type": "password"})),
        )
        .await;
    res.assert_problem(415, "unsupported_media_type");
}

fn forge(header: &str, claims: serde_json::Value, key: &[u8]) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
    use hmac::{Hmac, Mac};
    let h = B64.encode(header);
    let c = B64.encode(claims.to_string());
    let signing_input = format!("{h}.{c}");
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(signing_input.as_bytes());
    let sig = B64.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{sig}")
}

#[actix_web::test]
async fn forged_expired_or_foreign_tokens_are_refused() {
    let app = TestApp::new().await;
    // The user the forged tokens name exists, as an admin.
    app.token(&user_actor("u1", None, vec![coopera::auth::Role::Admin]));
    let now = chrono::Utc::now().timestamp();
    let claims = |iss: &str, aud: &str, exp: i64| {
        json!({"iss": iss, "aud": aud, "sub": "u1", "iat": now - 10, "exp": exp,
               "jti": "j", "kind": "user", "roles": [{"role": "admin"}]})
    };
    let hs256 = r#"{"alg":"HS256","typ":"JWT"}"#;
    let key = TEST_JWT_SECRET.as_bytes();
    // The control: a well-formed token is accepted.
    let good = forge(hs256, claims("coopera", "coopera-api", now + 600), key);
    assert_eq!(app.get_as(&good, "/api/v1/audit").await.status, 200);
    // A past nbf and an iat within the clock-skew leeway are fine.
    let mut c = claims("coopera", "coopera-api", now + 600);
    c["nbf"] = json!(now - 5);
    c["iat"] = json!(now + 10);
    let good = forge(hs256, c, key);
    assert_eq!(app.get_as(&good, "/api/v1/audit").await.status, 200);

    let unsigned = {
        let t = forge(
            r#"{"alg":"none","typ":"JWT"}"#,
            claims("coopera", "coopera-api", now + 600),
            key,
        );
        let parts: Vec<_> = t.split('.').collect();
        format!("{}.{}.", parts[0], parts[1])
    };
    let cases = [
        ("alg none", unsigned),
        (
            "another algorithm",
            forge(
                r#"{"alg":"HS384","typ":"JWT"}"#,
                claims("coopera", "coopera-api", now + 600),
                key,
            ),
        ),
        (
            "wrong signature",
            forge(
                hs256,
                claims("coopera", "coopera-api", now + 600),
                b"another-secret-another-secret-another",
            ),
        ),
        (
            "wrong audience",
            forge(hs256, claims("coopera", "someone-else", now + 600), key),
        ),
        (
            "wrong issuer",
            forge(hs256, claims("evil", "coopera-api", now + 600), key),
        ),
        (
            "expired beyond leeway",
            forge(hs256, claims("coopera", "coopera-api", now - 120), key),
        ),
        ("garbage", "not.a.jwt".to_owned()),
        ("issued in the future", {
            let mut c = claims("coopera", "coopera-api", now + 600);
            c["iat"] = json!(now + 300);
            forge(hs256, c, key)
        }),
        ("not valid before a future nbf", {
            let mut c = claims("coopera", "coopera-api", now + 600);
            c["nbf"] = json!(now + 300);
            forge(hs256, c, key)
        }),
    ];
    for (what, token) in cases {
        let res = app.get_as(&token, "/api/v1/audit").await;
        assert_eq!(res.status, 401, "{what}: {}", res.text());
    }
}

#[actix_web::test]
async fn users_are_created_by_admins_with_strong_passwords_only() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/users",
            json!({"email": "jan@example.org", "display_name": "Jan", "password": "short"}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "too_short"
    );
    let res = app
        .post_json_as(&admin, "/api/v1/users", json!({"email": "jan@example.org", "display_name": "Jan", "password": "jan@example.org"}))
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "equals_email"
    );
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/users",
            json!({"email": "not-an-email", "display_name": "Jan", "password": PASSWORD}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "email"
    );
    let res = app
        .post_json_as(&admin, "/api/v1/users", json!({"email": "jan@example.org", "display_name": "Jan", "password": PASSWORD, "roles": ["reviewer"]}))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert!(
        res.header("location")
            .unwrap()
            .starts_with("/api/v1/users/")
    );
    assert_eq!(res.json()["roles"], json!(["reviewer"]));
    let dup = app
        .post_json_as(
            &admin,
            "/api/v1/users",
            json!({"email": "JAN@example.org", "display_name": "Jan", "password": PASSWORD}),
        )
        .await;
    dup.assert_problem(409, "already_exists");
    assert_eq!(login(&app, "jan@example.org", PASSWORD).await.status, 200);
}

#[actix_web::test]
async fn changing_the_password_ends_existing_logins() {
    let app = TestApp::new().await;
    let id = app
        .create_user("anna@example.org", PASSWORD, vec![], None)
        .await;
    let r = login(&app, "anna@example.org", PASSWORD).await.json()["refresh_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .patch_json_as(
            &app.admin_token(),
            &format!("/api/v1/users/{id}"),
            json!({"password": "an entirely new passphrase"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.token_request(&[("grant_type", "refresh_token"), ("refresh_token", &r)])
        .await
        .assert_problem(400, "invalid_grant");
    assert_eq!(
        login(&app, "anna@example.org", "an entirely new passphrase")
            .await
            .status,
        200
    );
}

async fn new_client(app: &TestApp, scopes: serde_json::Value) -> (String, String, String) {
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
    (
        body["client"]["id"].as_str().unwrap().to_owned(),
        body["client_secret"].as_str().unwrap().to_owned(),
        org,
    )
}

#[actix_web::test]
async fn an_api_client_gets_tokens_with_its_scopes() {
    let app = TestApp::new().await;
    let (id, secret, org) = new_client(&app, json!(["organizations:read", "people:read"])).await;
    let res = app
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
        ])
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    assert_eq!(body["scope"], "organizations:read people:read");
    assert!(body.get("refresh_token").is_none());
    let me = app
        .get_as(body["access_token"].as_str().unwrap(), "/api/v1/me")
        .await
        .json();
    assert_eq!(me["kind"], "client");
    assert_eq!(me["organization_id"], org);

    // HTTP Basic works too, and a narrower scope can be asked for.
    use base64::Engine;
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    let res = app
        .send(
            TestRequest::post()
                .uri("/api/v1/auth/token")
                .insert_header(("authorization", format!("Basic {basic}")))
                .set_form([
                    ("grant_type", "client_credentials"),
                    ("scope", "people:read"),
                ]),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["scope"], "people:read");

    let res = app
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", &secret),
            ("scope", "projects:write"),
        ])
        .await;
    res.assert_problem(400, "invalid_scope");
    let res = app
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &id),
            ("client_secret", "cs_wrong"),
        ])
        .await;
    res.assert_problem(401, "invalid_client");
    assert!(res.header("www-authenticate").unwrap().starts_with("Basic"));
}

#[actix_web::test]
async fn a_rotated_secret_replaces_the_old_one_and_a_revoked_client_is_refused() {
    let app = TestApp::new().await;
    let (id, old, _) = new_client(&app, json!(["organizations:read"])).await;
    let admin = app.admin_token();
    let res = app
        .send_as(
            &admin,
            TestRequest::post().uri(&format!("/api/v1/api-clients/{id}/rotate-secret")),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let new = res.json()["client_secret"].as_str().unwrap().to_owned();
    assert_ne!(old, new);
    let grant = |secret: String| {
        let id = id.clone();
        let app = &app;
        async move {
            app.token_request(&[
                ("grant_type", "client_credentials"),
                ("client_id", &id),
                ("client_secret", &secret),
            ])
            .await
        }
    };
    grant(old).await.assert_problem(401, "invalid_client");
    assert_eq!(grant(new.clone()).await.status, 200);
    let res = app
        .send_as(
            &admin,
            TestRequest::post().uri(&format!("/api/v1/api-clients/{id}/revoke")),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.json()["revoked_at"].is_string());
    grant(new).await.assert_problem(401, "invalid_client");
    let again = app
        .send_as(
            &admin,
            TestRequest::post().uri(&format!("/api/v1/api-clients/{id}/revoke")),
        )
        .await;
    let body = again.assert_problem(409, "invalid_transition");
    assert_eq!(body["current_state"], "revoked");
}

#[actix_web::test]
async fn unknown_scopes_are_refused_naming_each() {
    let app = TestApp::new().await;
    let org = app
        .create_org(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    let res = app
        .post_json_as(
            &app.admin_token(),
            "/api/v1/api-clients",
            json!({"organization_id": org, "name": "CRM", "scopes": ["people:read", "everything:write"]}),
        )
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "scopes[1]");
}
