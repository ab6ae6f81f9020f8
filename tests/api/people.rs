//! People: personal data visible only to those allowed.

use coopera::auth::Role;
use serde_json::json;

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
