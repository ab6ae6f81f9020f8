//! Organisations: identifiers, validation, archive, members, access, audit.

use actix_web::test::TestRequest;
use coopera::auth::Role;
use serde_json::json;

use crate::support::{TestApp, user_actor};

fn ngo() -> serde_json::Value {
    json!({"name": "Fundacja Współpraca", "kind": "ngo", "country": "pl",
           "krs": "0000012345", "nip": "526-025-02-74", "regon": "123456785",
           "territorial_unit_code": "14", "email": "biuro@example.org"})
}

#[actix_web::test]
async fn an_organisation_is_created_with_normalised_identifiers() {
    let app = TestApp::new().await;
    let res = app
        .post_json_as(&app.admin_token(), "/api/v1/organizations", ngo())
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    let id = body["id"].as_str().unwrap();
    assert_eq!(
        res.header("location").unwrap(),
        format!("/api/v1/organizations/{id}")
    );
    assert!(res.header("etag").is_some());
    assert_eq!(body["country"], "PL");
    assert_eq!(body["nip"], "5260250274");
    assert_eq!(body["version"], 1);
    let read = app
        .get_as(&app.admin_token(), &format!("/api/v1/organizations/{id}"))
        .await;
    assert_eq!(read.json(), body);
}

#[actix_web::test]
async fn each_invalid_identifier_is_a_422_naming_it_and_nothing_is_written() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    for (field, value, code) in [
        ("krs", "12345", "krs_length"),
        ("nip", "5260250275", "nip_checksum"),
        ("regon", "123456786", "regon_checksum"),
        ("regon", "12345678512348", "regon_checksum"),
        ("territorial_unit_code", "99", "unknown_territorial_unit"),
    ] {
        let mut body = ngo();
        body[field] = json!(value);
        let res = app
            .post_json_as(&admin, "/api/v1/organizations", body)
            .await;
        let problem = res.assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{value}");
        assert_eq!(problem["errors"][0]["code"], code, "{value}");
    }
    let mut ro =
        json!({"name": "Asociația Împreună", "kind": "ngo", "country": "RO", "cui": "18547291"});
    let res = app
        .post_json_as(&admin, "/api/v1/organizations", ro.clone())
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "cui_checksum"
    );
    ro["cui"] = json!("RO18547290");
    let res = app.post_json_as(&admin, "/api/v1/organizations", ro).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["cui"], "18547290");

    let list = app.get_as(&admin, "/api/v1/organizations").await.json();
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "only the valid one was written"
    );
}

#[actix_web::test]
async fn identifiers_are_unique() {
    let app = TestApp::new().await;
    app.create_org(ngo()).await;
    let mut other = ngo();
    other["name"] = json!("Inna fundacja");
    other["krs"] = json!(null);
    other["regon"] = json!(null);
    other["nip"] = json!("5260250274");
    let res = app
        .post_json_as(&app.admin_token(), "/api/v1/organizations", other)
        .await;
    let body = res.assert_problem(422, "validation_failed");
    assert_eq!(body["errors"][0]["field"], "nip");
    assert_eq!(body["errors"][0]["code"], "not_unique");
}

#[actix_web::test]
async fn a_local_government_unit_needs_an_existing_teryt_code_of_its_country() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let jst = |teryt: serde_json::Value| json!({"name": "Województwo Mazowieckie", "kind": "local_government", "country": "PL", "teryt_code": teryt});
    let res = app
        .post_json_as(&admin, "/api/v1/organizations", jst(json!(null)))
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "required_for_local_government"
    );
    let res = app
        .post_json_as(&admin, "/api/v1/organizations", jst(json!("77")))
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "unknown_territorial_unit"
    );
    let res = app
        .post_json_as(&admin, "/api/v1/organizations", jst(json!("RO-CJ")))
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "wrong_country"
    );
    let res = app
        .post_json_as(&admin, "/api/v1/organizations", jst(json!("14")))
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    // One JST per unit.
    let res = app
        .post_json_as(&admin, "/api/v1/organizations", jst(json!("14")))
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "not_unique"
    );
}

#[actix_web::test]
async fn lists_filter_by_kind_unit_and_diacritic_free_text() {
    let app = TestApp::new().await;
    let a = app.create_org(ngo()).await;
    let b = app
        .create_org(json!({"name": "Miasto Płock", "kind": "local_government", "country": "PL", "teryt_code": "14"}))
        .await;
    let admin = app.admin_token();
    let ids = |body: serde_json::Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["id"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        ids(app
            .get_as(&admin, "/api/v1/organizations?kind=ngo")
            .await
            .json()),
        vec![a.clone()]
    );
    assert_eq!(
        ids(app
            .get_as(&admin, "/api/v1/organizations?q=wspolpraca")
            .await
            .json()),
        vec![a.clone()]
    );
    assert_eq!(
        ids(app
            .get_as(&admin, "/api/v1/organizations?q=PLOCK")
            .await
            .json()),
        vec![b.clone()]
    );
    let both = ids(app
        .get_as(&admin, "/api/v1/organizations?territorial_unit=14")
        .await
        .json());
    assert_eq!(both.len(), 2);
    let page = app
        .get_as(&admin, "/api/v1/organizations?limit=1")
        .await
        .json();
    assert_eq!(ids(page.clone()), [a]);
    let next = page["next_cursor"].as_str().unwrap();
    assert_eq!(
        ids(app
            .get_as(
                &admin,
                &format!("/api/v1/organizations?limit=1&cursor={next}")
            )
            .await
            .json()),
        [b]
    );
}

#[actix_web::test]
async fn patch_changes_only_given_fields_null_clears_and_if_match_guards() {
    let app = TestApp::new().await;
    let id = app.create_org(ngo()).await;
    let admin = app.admin_token();
    let uri = format!("/api/v1/organizations/{id}");
    let etag = app
        .get_as(&admin, &uri)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let res = app
        .send_as(
            &admin,
            TestRequest::patch()
                .uri(&uri)
                .insert_header(("if-match", etag.as_str()))
                .set_json(json!({"name": "Fundacja Razem", "email": null})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let body = res.json();
    assert_eq!(body["name"], "Fundacja Razem");
    assert!(body["email"].is_null());
    assert_eq!(body["nip"], "5260250274");
    assert_eq!(body["version"], 2);
    // The old tag is stale now.
    let res = app
        .send_as(
            &admin,
            TestRequest::patch()
                .uri(&uri)
                .insert_header(("if-match", etag.as_str()))
                .set_json(json!({"name": "Again"})),
        )
        .await;
    res.assert_problem(412, "precondition_failed");
    let res = app
        .patch_json_as(&admin, &uri, json!({"nip": "1111111112"}))
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "nip"
    );
    let res = app
        .patch_json_as(&admin, &uri, json!({"unknown_field": 1}))
        .await;
    res.assert_problem(422, "validation_failed");
    assert_eq!(
        app.get_as(&admin, &uri).await.json()["name"],
        "Fundacja Razem"
    );
}

#[actix_web::test]
async fn an_archived_organisation_is_hidden_and_frozen() {
    let app = TestApp::new().await;
    let id = app.create_org(ngo()).await;
    let admin = app.admin_token();
    let res = app
        .send_as(
            &admin,
            TestRequest::post().uri(&format!("/api/v1/organizations/{id}/archive")),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(res.json()["archived_at"].is_string());
    let list = app.get_as(&admin, "/api/v1/organizations").await.json();
    assert!(list["items"].as_array().unwrap().is_empty());
    let list = app
        .get_as(&admin, "/api/v1/organizations?include_archived=true")
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    app.patch_json_as(
        &admin,
        &format!("/api/v1/organizations/{id}"),
        json!({"name": "X"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    app.send_as(
        &admin,
        TestRequest::post().uri(&format!("/api/v1/organizations/{id}/archive")),
    )
    .await
    .assert_problem(409, "invalid_transition");
}

#[actix_web::test]
async fn an_org_admin_changes_their_organisation_but_not_another() {
    let app = TestApp::new().await;
    let a = app.create_org(ngo()).await;
    let b = app
        .create_org(json!({"name": "Stowarzyszenie B", "kind": "ngo", "country": "PL"}))
        .await;
    let token = app.token(&user_actor(
        "u",
        Some("p"),
        vec![Role::OrgAdmin {
            organization_id: a.clone(),
        }],
    ));
    let ok = app
        .patch_json_as(
            &token,
            &format!("/api/v1/organizations/{a}"),
            json!({"phone": "+48 1"}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    app.patch_json_as(
        &token,
        &format!("/api/v1/organizations/{b}"),
        json!({"phone": "+48 1"}),
    )
    .await
    .assert_problem(403, "forbidden");
    let member = app.token(&user_actor(
        "m",
        Some("q"),
        vec![Role::OrgMember {
            organization_id: a.clone(),
        }],
    ));
    app.patch_json_as(
        &member,
        &format!("/api/v1/organizations/{a}"),
        json!({"phone": "+48 2"}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.patch_json_as(
        "",
        &format!("/api/v1/organizations/{a}"),
        json!({"phone": "+48 2"}),
    )
    .await
    .assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn members_are_added_changed_listed_and_removed() {
    let app = TestApp::new().await;
    let org = app.create_org(ngo()).await;
    let person = app
        .create_person(json!({"full_name": "Ioana Popescu"}))
        .await;
    let admin = app.admin_token();
    let uri = format!("/api/v1/organizations/{org}/members");
    let res = app
        .post_json_as(
            &admin,
            &uri,
            json!({"person_id": person, "role": "org_member", "position": "volunteer"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let member = res.json();
    assert_eq!(member["full_name"], "Ioana Popescu");
    let dup = app
        .post_json_as(
            &admin,
            &uri,
            json!({"person_id": person, "role": "org_admin"}),
        )
        .await;
    dup.assert_problem(409, "already_exists");
    let missing = app
        .post_json_as(
            &admin,
            &uri,
            json!({"person_id": "nobody", "role": "org_admin"}),
        )
        .await;
    assert_eq!(
        missing.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "person_id"
    );
    let member_uri = format!("{uri}/{}", member["id"].as_str().unwrap());
    let res = app
        .patch_json_as(&admin, &member_uri, json!({"role": "org_admin"}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["role"], "org_admin");
    assert_eq!(res.json()["position"], "volunteer");
    let list = app.get_as(&admin, &uri).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    let res = app
        .send_as(&admin, TestRequest::delete().uri(&member_uri))
        .await;
    assert_eq!(res.status, 204);
    let list = app.get_as(&admin, &uri).await.json();
    assert!(list["items"].as_array().unwrap().is_empty());
}

#[actix_web::test]
async fn every_write_is_in_the_change_log_without_personal_values() {
    let app = TestApp::new().await;
    let id = app.create_org(ngo()).await;
    let admin = app.admin_token();
    app.patch_json_as(
        &admin,
        &format!("/api/v1/organizations/{id}"),
        json!({"name": "Nowa nazwa"}),
    )
    .await;
    let person = app
        .create_person(
            json!({"full_name": "Jan Kowalski", "email": "jan@example.org", "phone": "+48 600"}),
        )
        .await;
    let log = app.get_as(&admin, "/api/v1/audit?limit=200").await.json();
    let entries = log["items"].as_array().unwrap();
    let org_entries: Vec<_> = entries.iter().filter(|e| e["entity_id"] == id).collect();
    assert_eq!(org_entries.len(), 2);
    assert_eq!(org_entries[0]["action"], "create");
    assert_eq!(org_entries[1]["action"], "update");
    assert_eq!(org_entries[1]["changed_fields"], json!(["name"]));
    assert_eq!(org_entries[1]["changes"]["name"], "Nowa nazwa");
    assert_eq!(org_entries[1]["actor_kind"], "user");
    assert_eq!(org_entries[1]["actor_id"], "admin");
    assert!(org_entries[0]["seq"].as_i64() < org_entries[1]["seq"].as_i64());
    let person_entry = entries.iter().find(|e| e["entity_id"] == person).unwrap();
    let fields = person_entry["changed_fields"].as_array().unwrap();
    assert!(fields.contains(&json!("email")) && fields.contains(&json!("phone")));
    let text = person_entry.to_string();
    assert!(
        !text.contains("jan@example.org") && !text.contains("+48 600"),
        "{text}"
    );
    // Filters.
    let only = app
        .get_as(
            &admin,
            &format!("/api/v1/audit?entity_id={id}&action=update"),
        )
        .await
        .json();
    assert_eq!(only["items"].as_array().unwrap().len(), 1);
}
