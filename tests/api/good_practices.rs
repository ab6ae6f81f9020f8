//! The good-practice compendium: proposal and review by a coordinator, who sees
//! what, tags, planes and areas, and search that ignores diacritics.

use actix_web::test::TestRequest;
use coopera::auth::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, client_actor, user_actor};

struct Setup {
    project: String,
    org: String,
    other_org: String,
    coordinator: String,
    member: String,
    outsider: String,
}

async fn setup(app: &TestApp) -> Setup {
    let project = app.create_project("GP-1").await;
    let other_project = app.create_project("GP-2").await;
    let org = app
        .create_org(json!({"name": "Stowarzyszenie Razem", "kind": "ngo", "country": "PL"}))
        .await;
    let other_org = app
        .create_org(json!({"name": "Fundacja Inna", "kind": "ngo", "country": "PL"}))
        .await;
    let user = app
        .create_user("gp@example.org", "a long enough passphrase", vec![], None)
        .await;
    // One user a role set: the service reads a caller's roles from the database.
    let token = |name: &str, roles: Vec<Role>| {
        app.token(&user_actor(&format!("{user}-{name}"), None, roles))
    };
    // The organisation is a partner in the project; the other one is not.
    let partnership = partner_in(app, &project, &org, None).await;
    assert!(!partnership.is_empty());
    Setup {
        coordinator: token(
            "coordinator",
            vec![Role::Coordinator {
                project_id: project.clone(),
            }],
        ),
        member: token(
            "member",
            vec![Role::OrgMember {
                organization_id: org.clone(),
            }],
        ),
        outsider: token(
            "outsider",
            vec![
                Role::OrgAdmin {
                    organization_id: other_org.clone(),
                },
                Role::Coordinator {
                    project_id: other_project,
                },
            ],
        ),
        project,
        org,
        other_org,
    }
}

/// Makes `org` a member of a partnership of `project` (a new one unless given).
async fn partner_in(app: &TestApp, project: &str, org: &str, partnership: Option<&str>) -> String {
    let admin = app.admin_token();
    let partnership = match partnership {
        Some(p) => p.to_owned(),
        None => {
            let res = app
                .post_json_as(
                    &admin,
                    "/api/v1/partnerships",
                    json!({"name": "Partnerstwo", "project_id": project}),
                )
                .await;
            assert_eq!(res.status, 201, "{}", res.text());
            res.json()["id"].as_str().unwrap().to_owned()
        }
    };
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/partnerships/{partnership}/members"),
            json!({"organization_id": org, "role": "partner"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    partnership
}

async fn propose(app: &TestApp, token: &str, s: &Setup, body: Value) -> Value {
    let mut full = json!({"project_id": s.project, "organization_id": s.org, "plane": 1,
                          "title": "T", "description": "D"});
    for (k, v) in body.as_object().unwrap() {
        full[k] = v.clone();
    }
    let res = app
        .post_json_as(token, "/api/v1/good-practices", full)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

fn titles(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["title"].as_str().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn a_proposal_is_seen_by_its_organisation_and_coordinators_until_accepted() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let g = propose(
        &app,
        &s.member,
        &s,
        json!({"title": "Wspólne konsultacje", "area": "consulting_draft_acts", "tags": [" Konsultacje ", "konsultacje", "JST"]}),
    )
    .await;
    assert_eq!(g["status"], "proposed");
    assert_eq!(g["allowed_transitions"], json!(["accept", "reject"]));
    assert_eq!(g["tags"], json!(["jst", "konsultacje"]));
    let id = g["id"].as_str().unwrap();
    let uri = format!("/api/v1/good-practices/{id}");

    assert_eq!(app.get_as(&s.member, &uri).await.status, 200);
    assert_eq!(app.get_as(&s.coordinator, &uri).await.status, 200);
    app.get_as(&s.outsider, &uri)
        .await
        .assert_problem(404, "not_found");
    let other_client = app.token(&client_actor(&s.other_org, &["good_practices:read"]));
    app.get_as(&other_client, &uri)
        .await
        .assert_problem(404, "not_found");
    let own_client = app.token(&client_actor(&s.org, &["good_practices:read"]));
    assert_eq!(app.get_as(&own_client, &uri).await.status, 200);
    assert_eq!(
        titles(
            &app.get_as(&s.outsider, "/api/v1/good-practices")
                .await
                .json()
        ),
        Vec::<String>::new()
    );

    // Only the project's coordinators review.
    for token in [&s.member, &s.outsider] {
        let res = app
            .send_as(token, TestRequest::post().uri(&format!("{uri}/accept")))
            .await;
        assert!(
            res.status == 403 || res.status == 404,
            "{}: {}",
            res.status,
            res.text()
        );
    }
    let res = app
        .send_as(
            &s.coordinator,
            TestRequest::post().uri(&format!("{uri}/accept")),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let accepted = res.json();
    assert_eq!(accepted["status"], "accepted");
    assert!(accepted["reviewed_at"].is_string());
    assert_eq!(accepted["allowed_transitions"], json!([]));

    assert_eq!(app.get_as(&s.outsider, &uri).await.status, 200);
    assert_eq!(app.get_as(&other_client, &uri).await.status, 200);
    assert_eq!(
        titles(
            &app.get_as(&s.outsider, "/api/v1/good-practices")
                .await
                .json()
        ),
        ["Wspólne konsultacje"]
    );
    assert_eq!(app.logged_actions(id).await, ["create", "accept"]);
}

#[actix_web::test]
async fn a_review_is_final_and_a_rejection_needs_a_reason() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let a = propose(&app, &s.member, &s, json!({"title": "A"})).await;
    let b = propose(&app, &s.member, &s, json!({"title": "B"})).await;
    let a_uri = format!("/api/v1/good-practices/{}", a["id"].as_str().unwrap());
    let b_uri = format!("/api/v1/good-practices/{}", b["id"].as_str().unwrap());

    for body in [json!({}), json!({"reason": ""}), json!({"reason": "   "})] {
        let p = app
            .post_json_as(&s.coordinator, &format!("{b_uri}/reject"), body.clone())
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(p["errors"][0]["field"], "reason", "{body}");
    }
    let res = app
        .post_json_as(
            &s.coordinator,
            &format!("{b_uri}/reject"),
            json!({"reason": "Not a practice of cooperation"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "rejected");
    assert_eq!(res.json()["review_note"], "Not a practice of cooperation");

    let res = app
        .send_as(
            &s.coordinator,
            TestRequest::post().uri(&format!("{a_uri}/accept")),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    for (uri, action, current) in [
        (&a_uri, "accept", "accepted"),
        (&b_uri, "accept", "rejected"),
    ] {
        let p = app
            .send_as(
                &s.coordinator,
                TestRequest::post().uri(&format!("{uri}/{action}")),
            )
            .await
            .assert_problem(409, "invalid_transition");
        assert_eq!(p["current_state"], current);
        assert_eq!(p["allowed_transitions"], json!([]));
    }
    let p = app
        .post_json_as(
            &s.coordinator,
            &format!("{a_uri}/reject"),
            json!({"reason": "late"}),
        )
        .await
        .assert_problem(409, "invalid_transition");
    assert_eq!(p["current_state"], "accepted");
    // A reviewed entry is no longer edited.
    app.patch_json_as(&s.member, &a_uri, json!({"title": "A2"}))
        .await
        .assert_problem(409, "invalid_transition");
}

#[actix_web::test]
async fn proposals_are_validated_and_only_the_organisation_or_coordinators_propose() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let base = json!({"project_id": s.project, "organization_id": s.org, "plane": 1,
                      "title": "T", "description": "D"});
    for (patch, field) in [
        (json!({"plane": 4}), "plane"),
        (json!({"plane": 2, "area": "consulting_draft_acts"}), "area"),
        (json!({"area": "everything"}), "area"),
        (json!({"tags": ["  "]}), "tags"),
        (json!({"title": ""}), "title"),
        (json!({"title": "  "}), "title"),
        (json!({"description": ""}), "description"),
        (
            json!({"project_id": "019a1b2c-0000-7000-8000-000000000001"}),
            "project_id",
        ),
        (
            json!({"organization_id": "019a1b2c-0000-7000-8000-000000000001"}),
            "organization_id",
        ),
    ] {
        let mut body = base.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let p = app
            .post_json_as(&s.member, "/api/v1/good-practices", body)
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(p["errors"][0]["field"], field, "{patch}: {p}");
    }
    // Another organisation's admin cannot propose in this organisation's name,
    // nor in its own while it is not a partner in the project.
    app.post_json_as(&s.outsider, "/api/v1/good-practices", base.clone())
        .await
        .assert_problem(403, "forbidden");
    let mut theirs = base.clone();
    theirs["organization_id"] = json!(s.other_org);
    app.post_json_as(&s.outsider, "/api/v1/good-practices", theirs.clone())
        .await
        .assert_problem(403, "forbidden");
    partner_in(&app, &s.project, &s.other_org, None).await;
    let res = app
        .post_json_as(&s.outsider, "/api/v1/good-practices", theirs)
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    // …nor change this organisation's proposal.
    let g = propose(&app, &s.coordinator, &s, json!({"title": "Ours"})).await;
    let uri = format!("/api/v1/good-practices/{}", g["id"].as_str().unwrap());
    app.patch_json_as(&s.outsider, &uri, json!({"title": "Theirs"}))
        .await
        .assert_problem(404, "not_found");
    let res = app
        .patch_json_as(
            &s.member,
            &uri,
            json!({"title": "Ours, revised", "plane": 3, "area": "local_partnerships", "tags": ["Partnerstwo"]}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let g = res.json();
    assert_eq!(g["plane"], 3);
    assert_eq!(g["tags"], json!(["partnerstwo"]));
    let p = app
        .patch_json_as(&s.member, &uri, json!({"plane": 1}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "area");
}

#[actix_web::test]
async fn search_ignores_case_and_polish_and_romanian_diacritics() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    propose(
        &app,
        &s.member,
        &s,
        json!({"title": "Współpraca gminy z organizacjami", "plane": 2, "area": "financial_cooperation", "tags": ["Dotacje"]}),
    )
    .await;
    propose(
        &app,
        &s.member,
        &s,
        json!({"title": "Incluziune socială", "description": "Școala de vară pentru părinți", "plane": 3, "tags": ["PALIS"]}),
    )
    .await;
    propose(
        &app,
        &s.member,
        &s,
        json!({"title": "Budżet obywatelski", "description": "100% mieszkańców_", "plane": 1, "tags": ["partycypacja"]}),
    )
    .await;
    for (query, expected) in [
        ("q=wspolpraca", vec!["Współpraca gminy z organizacjami"]),
        (
            "q=WSP%C3%93%C5%81PRACA",
            vec!["Współpraca gminy z organizacjami"],
        ),
        ("q=sociala", vec!["Incluziune socială"]),
        ("q=scoala%20de%20vara", vec!["Incluziune socială"]),
        ("q=budzet", vec!["Budżet obywatelski"]),
        // Tags are searched too; LIKE wildcards are taken literally.
        ("q=palis", vec!["Incluziune socială"]),
        ("q=100%25", vec!["Budżet obywatelski"]),
        ("q=w_p", vec![]),
        ("tag=DOTACJE", vec!["Współpraca gminy z organizacjami"]),
        ("plane=3", vec!["Incluziune socială"]),
        (
            "area=financial_cooperation",
            vec!["Współpraca gminy z organizacjami"],
        ),
        ("status=accepted", vec![]),
        ("q=organizacjami&plane=1", vec![]),
    ] {
        let res = app
            .get_as(&admin, &format!("/api/v1/good-practices?{query}"))
            .await;
        assert_eq!(res.status, 200, "{query}: {}", res.text());
        assert_eq!(titles(&res.json()), expected, "{query}");
    }
    for query in ["plane=0", "project_id=x", "organization_id=1", "q=a%00b"] {
        app.get_as(&admin, &format!("/api/v1/good-practices?{query}"))
            .await
            .assert_problem(400, "invalid_parameter");
    }
}

#[actix_web::test]
async fn the_id_filters_take_uuids() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let admin = app.admin_token();
    let g = propose(&app, &s.member, &s, json!({"title": "Filtered"})).await;
    for field in ["project_id", "organization_id"] {
        let p = app
            .get_as(&admin, &format!("/api/v1/good-practices?{field}=nope"))
            .await
            .assert_problem(400, "invalid_parameter");
        assert_eq!(p["errors"][0]["field"], field, "{p}");
    }
    for (query, expected) in [
        (format!("project_id={}", s.project), vec!["Filtered"]),
        (format!("organization_id={}", s.org), vec!["Filtered"]),
        (format!("organization_id={}", s.other_org), vec![]),
        (
            format!("project_id={}&organization_id={}", s.project, s.org),
            vec!["Filtered"],
        ),
    ] {
        let res = app
            .get_as(&admin, &format!("/api/v1/good-practices?{query}"))
            .await;
        assert_eq!(res.status, 200, "{query}: {}", res.text());
        assert_eq!(titles(&res.json()), expected, "{query}");
    }
    assert_eq!(g["title"], "Filtered");
}
