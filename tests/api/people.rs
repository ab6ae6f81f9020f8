//! People: personal data visible only to those allowed.

use coopera::auth::Role;
use serde_json::json;

use actix_web::test::TestRequest;

use crate::support::{TestApp, client_actor, user_actor};

#[actix_web::test]
async fn personal_fields_are_shown_only_to_those_allowed() {
    let app = TestApp::new().await;
    let org = app
        .create_org(json!({"name": "Fundacja A", "kind": "ngo", "country": "PL"}))
        .await;
    let other = app
        .create_org(json!({"name": "Fundacja B", "kind": "ngo", "country": "PL"}))
        .await;
    let person = app
        .create_person(json!({"full_name": "Ana Ionescu", "email": "Ana@Example.org", "phone": "+40 700", "organization_id": org}))
        .await;
    let uri = format!("/api/v1/people/{person}");
    let sees = |body: &serde_json::Value| {
        body["personal_data_visible"] == true && body["email"] == "ana@example.org"
    };
    let hides = |body: &serde_json::Value| {
        body["personal_data_visible"] == false
            && body.get("email").is_none()
            && body.get("phone").is_none()
    };

    assert!(sees(&app.get_as(&app.admin_token(), &uri).await.json()));
    let own_admin = app.token(&user_actor(
        "u1",
        Some("x"),
        vec![Role::OrgAdmin {
            organization_id: org.clone(),
        }],
    ));
    assert!(sees(&app.get_as(&own_admin, &uri).await.json()));
    let themself = app.token(&user_actor("u2", Some(&person), vec![]));
    assert!(sees(&app.get_as(&themself, &uri).await.json()));
    let other_admin = app.token(&user_actor(
        "u3",
        Some("y"),
        vec![Role::OrgAdmin {
            organization_id: other.clone(),
        }],
    ));
    assert!(hides(&app.get_as(&other_admin, &uri).await.json()));
    let colleague = app.token(&user_actor(
        "u4",
        Some("z"),
        vec![Role::OrgMember {
            organization_id: org.clone(),
        }],
    ));
    assert!(hides(&app.get_as(&colleague, &uri).await.json()));
    let own_client = app.token(&client_actor(&org, &["people:read"]));
    assert!(sees(&app.get_as(&own_client, &uri).await.json()));
    let other_client = app.token(&client_actor(&other, &["people:read"]));
    assert!(hides(&app.get_as(&other_client, &uri).await.json()));
    // Lists hide them the same way.
    let list = app.get_as(&colleague, "/api/v1/people").await.json();
    assert!(hides(&list["items"][0]));
    let list = app
        .get_as(
            &own_admin,
            &format!("/api/v1/people?organization_id={org}&q=ionescu"),
        )
        .await
        .json();
    assert!(sees(&list["items"][0]));
}

#[actix_web::test]
async fn a_person_changes_their_own_record_but_not_anothers() {
    let app = TestApp::new().await;
    let me = app.create_person(json!({"full_name": "Ana"})).await;
    let them = app.create_person(json!({"full_name": "Jan"})).await;
    let token = app.token(&user_actor("u", Some(&me), vec![]));
    let res = app
        .patch_json_as(
            &token,
            &format!("/api/v1/people/{me}"),
            json!({"phone": "+40 1", "position": null}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["phone"], "+40 1");
    app.patch_json_as(
        &token,
        &format!("/api/v1/people/{them}"),
        json!({"phone": "+40 1"}),
    )
    .await
    .assert_problem(403, "forbidden");
}

#[actix_web::test]
async fn an_api_client_creates_people_in_its_own_organisation() {
    let app = TestApp::new().await;
    let org = app
        .create_org(json!({"name": "Fundacja A", "kind": "ngo", "country": "PL"}))
        .await;
    let token = app.token(&client_actor(&org, &["people:write", "people:read"]));
    let res = app
        .post_json_as(
            &token,
            "/api/v1/people",
            json!({"full_name": "Synced Person", "email": "s@example.org"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    assert_eq!(body["organizations"][0]["organization_id"], org);
    assert_eq!(body["email"], "s@example.org");
    let reader = app.token(&client_actor(&org, &["people:read"]));
    app.post_json_as(&reader, "/api/v1/people", json!({"full_name": "X"}))
        .await
        .assert_problem(403, "forbidden");
}

/// The audit's attack: an org admin enrols someone else's contact — or the
/// platform administrator's own person — to read and change their data.
#[actix_web::test]
async fn an_org_admin_cannot_enrol_a_person_to_reach_their_personal_data() {
    let app = TestApp::new().await;
    let probus = app
        .create_org(json!({"name": "PROBUS", "kind": "ngo", "country": "RO"}))
        .await;
    let abramis = app
        .create_org(json!({"name": "ABRAMIS", "kind": "ngo", "country": "RO"}))
        .await;
    let contact = app
        .create_person(json!({"full_name": "Maria Pop", "email": "maria@abramis.example", "organization_id": abramis}))
        .await;
    // The administrator's own person, linked to their account.
    let admin_person = app
        .create_person(json!({"full_name": "Admin Person", "email": "admin@coopera.example"}))
        .await;
    let admin_user = app
        .create_user(
            "admin@coopera.example",
            "a long enough passphrase",
            vec![coopera::auth::users::GlobalRole::Admin],
            Some(admin_person.clone()),
        )
        .await;
    let attacker = app.token(&user_actor(
        "attacker",
        Some("attacker-person"),
        vec![Role::OrgAdmin {
            organization_id: probus.clone(),
        }],
    ));
    let client = app.token(&client_actor(&probus, &["people:read", "people:write"]));

    for victim in [&contact, &admin_person] {
        let uri = format!("/api/v1/people/{victim}");
        let res = app
            .post_json_as(
                &attacker,
                &format!("/api/v1/organizations/{probus}/members"),
                json!({"person_id": victim, "role": "org_member"}),
            )
            .await;
        assert_eq!(res.status, 201, "{}", res.text());
        let membership = res.json();
        assert_eq!(membership["status"], "invited");
        // The invitation opens nothing, to the org admin or its API client.
        for token in [&attacker, &client] {
            let body = app.get_as(token, &uri).await.json();
            assert_eq!(body["personal_data_visible"], false, "{body}");
            assert!(body.get("email").is_none());
            app.patch_json_as(token, &uri, json!({"email": "attacker@evil.example"}))
                .await
                .assert_problem(403, "forbidden");
        }
        let person = app.get_as(&app.admin_token(), &uri).await.json();
        assert_ne!(person["email"], "attacker@evil.example");
        let listed = person["organizations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["organization_id"] == probus.as_str())
            .unwrap();
        assert_eq!(listed["status"], "invited");
        assert_eq!(listed["id"], membership["id"]);
        // Only the person (or an admin) can accept: not the inviting org admin.
        let accept = format!(
            "/api/v1/organizations/{probus}/members/{}/accept",
            membership["id"].as_str().unwrap()
        );
        app.post_json_as(&attacker, &accept, json!({}))
            .await
            .assert_problem(403, "forbidden");
    }

    // The administrator's person has an account: even after they accept, an
    // org admin reads their data but cannot change their record.
    let invitation = app
        .get_as(
            &app.admin_token(),
            &format!("/api/v1/people/{admin_person}"),
        )
        .await
        .json()["organizations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let owner = app.token(&user_actor(
        &admin_user,
        Some(&admin_person),
        vec![Role::Admin],
    ));
    let res = app
        .post_json_as(
            &owner,
            &format!("/api/v1/organizations/{probus}/members/{invitation}/accept"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "active");
    let uri = format!("/api/v1/people/{admin_person}");
    assert_eq!(
        app.get_as(&attacker, &uri).await.json()["personal_data_visible"],
        true
    );
    for token in [&attacker, &client] {
        app.patch_json_as(token, &uri, json!({"email": "attacker@evil.example"}))
            .await
            .assert_problem(403, "forbidden");
    }
}

#[actix_web::test]
async fn the_invited_person_accepts_or_declines_and_only_then_holds_the_role() {
    let app = TestApp::new().await;
    let org = app
        .create_org(json!({"name": "Fundacja A", "kind": "ngo", "country": "PL"}))
        .await;
    let person = app
        .create_person(json!({"full_name": "Jan Nowak", "phone": "+48 1"}))
        .await;
    let password = "a long enough passphrase";
    app.create_user("jan@example.org", password, vec![], Some(person.clone()))
        .await;
    let org_admin = app.token(&user_actor(
        "oa",
        Some("oa-person"),
        vec![Role::OrgAdmin {
            organization_id: org.clone(),
        }],
    ));
    let res = app
        .post_json_as(
            &org_admin,
            &format!("/api/v1/organizations/{org}/members"),
            json!({"person_id": person, "role": "org_admin"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let member = res.json()["id"].as_str().unwrap().to_owned();
    let member_uri = format!("/api/v1/organizations/{org}/members/{member}");

    // An invitation carries no role: a fresh login has none.
    let token = login_token(&app, "jan@example.org", password).await;
    let me = app.get_as(&token, "/api/v1/me").await.json();
    assert_eq!(me["roles"], json!([]), "{me}");
    app.patch_json_as(
        &token,
        &format!("/api/v1/organizations/{org}"),
        json!({"phone": "+48 2"}),
    )
    .await
    .assert_problem(403, "forbidden");
    // The org admin still sees no personal data.
    let body = app
        .get_as(&org_admin, &format!("/api/v1/people/{person}"))
        .await
        .json();
    assert_eq!(body["personal_data_visible"], false);

    // The membership is readable with its ETag; accepting honours If-Match.
    let res = app.get_as(&token, &member_uri).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "invited");
    let etag = res.header("etag").unwrap().to_owned();
    let accept = format!("{member_uri}/accept");
    app.send_as(
        &token,
        TestRequest::post()
            .uri(&accept)
            .insert_header(("if-match", "\"stale.v9\"")),
    )
    .await
    .assert_problem(412, "precondition_failed");
    let res = app
        .send_as(
            &token,
            TestRequest::post()
                .uri(&accept)
                .insert_header(("if-match", etag.as_str())),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "active");
    app.send_as(&token, TestRequest::post().uri(&accept))
        .await
        .assert_problem(409, "invalid_transition");
    // Now the role comes with the next login, and the org admin sees the data.
    let token = login_token(&app, "jan@example.org", password).await;
    let me = app.get_as(&token, "/api/v1/me").await.json();
    assert_eq!(me["roles"][0]["role"], "org_admin", "{me}");
    let body = app
        .get_as(&org_admin, &format!("/api/v1/people/{person}"))
        .await
        .json();
    assert_eq!(body["phone"], "+48 1");

    // The person may leave; someone else's membership is not theirs to end.
    let other = app.create_person(json!({"full_name": "Ewa"})).await;
    let res = app
        .post_json_as(
            &app.admin_token(),
            &format!("/api/v1/organizations/{org}/members"),
            json!({"person_id": other, "role": "org_member"}),
        )
        .await;
    assert_eq!(res.json()["status"], "active", "an admin enrols directly");
    let others = res.json()["id"].as_str().unwrap().to_owned();
    let stranger = app.token(&user_actor("s", Some("nobody"), vec![]));
    app.send_as(
        &stranger,
        TestRequest::delete().uri(&format!("/api/v1/organizations/{org}/members/{others}")),
    )
    .await
    .assert_problem(403, "forbidden");
    let res = app
        .send_as(&token, TestRequest::delete().uri(&member_uri))
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
}

#[actix_web::test]
async fn an_api_client_cannot_appoint_org_admins() {
    let app = TestApp::new().await;
    let org = app
        .create_org(json!({"name": "Fundacja A", "kind": "ngo", "country": "PL"}))
        .await;
    let token = app.token(&client_actor(&org, &["people:write", "people:read"]));
    let body = app
        .post_json_as(
            &token,
            "/api/v1/people",
            json!({"full_name": "Synced", "role": "org_admin"}),
        )
        .await
        .assert_problem(403, "forbidden");
    assert_eq!(body["errors"][0]["field"], "role");
    let n = app
        .get_as(&app.admin_token(), "/api/v1/people?q=synced")
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(n, 0, "nothing was written");
    let res = app
        .post_json_as(
            &token,
            "/api/v1/people",
            json!({"full_name": "Synced", "role": "org_member"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["organizations"][0]["role"], "org_member");
}

async fn login_token(app: &TestApp, email: &str, password: &str) -> String {
    let res = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", email),
            ("password", password),
        ])
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()["access_token"].as_str().unwrap().to_owned()
}

/// Memberships an org admin made for existing people before consent existed are
/// turned into invitations when the service is upgraded; legitimate ones stay.
#[actix_web::test]
async fn upgrading_turns_memberships_made_without_consent_into_invitations() {
    use diesel::prelude::*;
    use diesel_migrations::{FileBasedMigrations, MigrationHarness};
    let app = TestApp::new().await;
    let org = app
        .create_org(json!({"name": "PROBUS", "kind": "ngo", "country": "PL"}))
        .await;
    let boss = app
        .create_user(
            "boss@example.org",
            "a long enough passphrase",
            vec![coopera::auth::users::GlobalRole::Admin],
            None,
        )
        .await;
    let admin = app.token(&user_actor(&boss, None, vec![Role::Admin]));
    let org_admin = app.token(&user_actor(
        "org-admin-user",
        Some("org-admin-person"),
        vec![Role::OrgAdmin {
            organization_id: org.clone(),
        }],
    ));
    let victim = app.create_person(json!({"full_name": "Victim"})).await;
    let enrolled = app.create_person(json!({"full_name": "Enrolled"})).await;
    // Made by the org admin for an existing person: an invitation today.
    let abused = app
        .post_json_as(
            &org_admin,
            &format!("/api/v1/organizations/{org}/members"),
            json!({"person_id": victim, "role": "org_member"}),
        )
        .await;
    assert_eq!(abused.status, 201, "{}", abused.text());
    // Made by a platform admin, and a person created with their membership.
    let by_admin = app
        .post_json_as(
            &admin,
            &format!("/api/v1/organizations/{org}/members"),
            json!({"person_id": enrolled, "role": "org_member"}),
        )
        .await;
    assert_eq!(by_admin.status, 201, "{}", by_admin.text());
    let with_person = app
        .post_json_as(
            &org_admin,
            "/api/v1/people",
            json!({"full_name": "New contact", "organization_id": org}),
        )
        .await;
    assert_eq!(with_person.status, 201, "{}", with_person.text());

    // Back to the schema before consent existed (every membership active),
    // then upgrade again.
    let status_of = |id: String| {
        move |conn: &mut coopera::db::DbConn| -> Result<String, coopera::error::ApiError> {
            use coopera::db::schema::organization_members as om;
            Ok(om::table.find(id).select(om::status).first(conn)?)
        }
    };
    app.db(|conn| {
        let dir = |b: &str| {
            FileBasedMigrations::from_path(
                std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("migrations")
                    .join(b),
            )
            .expect("migrations")
        };
        let step = |r: Result<_, Box<dyn std::error::Error + Send + Sync>>| {
            r.map(|_| ())
                .map_err(|e| coopera::error::ApiError::internal(e.to_string()))
        };
        match conn {
            coopera::db::DbConn::Sqlite(c) => {
                step(c.revert_last_migration(dir("sqlite")).map(|_| ()))?;
                step(c.run_pending_migrations(dir("sqlite")).map(|_| ()))?;
            }
            coopera::db::DbConn::Postgres(c) => {
                step(c.revert_last_migration(dir("postgres")).map(|_| ()))?;
                step(c.run_pending_migrations(dir("postgres")).map(|_| ()))?;
            }
        }
        Ok(())
    })
    .await;
    let id = |res: &crate::support::TestResponse| res.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(app.db(status_of(id(&abused))).await, "invited");
    assert_eq!(app.db(status_of(id(&by_admin))).await, "active");
    let member_of_new = with_person.json()["organizations"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.db(status_of(member_of_new)).await, "active");
}

#[actix_web::test]
async fn the_organisation_filter_must_be_a_uuid() {
    let app = TestApp::new().await;
    let body = app
        .get_as(&app.admin_token(), "/api/v1/people?organization_id=PROBUS")
        .await
        .assert_problem(400, "invalid_parameter");
    assert_eq!(body["errors"][0]["field"], "organization_id");
}

#[actix_web::test]
async fn a_person_cannot_join_an_archived_organisation_on_creation() {
    let app = TestApp::new().await;
    let org = app
        .create_org(json!({"name": "Fundacja Zamknięta", "kind": "ngo", "country": "PL"}))
        .await;
    let admin = app.admin_token();
    let res = app
        .send_as(
            &admin,
            TestRequest::post().uri(&format!("/api/v1/organizations/{org}/archive")),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = app
        .post_json_as(
            &admin,
            "/api/v1/people",
            json!({"full_name": "Ana", "organization_id": org}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "organization_id");
    assert_eq!(body["errors"][0]["code"], "archived");
    // Nothing was written.
    let list = app.get_as(&admin, "/api/v1/people?q=ana").await.json();
    assert_eq!(list["items"], json!([]));
}
