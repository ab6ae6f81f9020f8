//! Assigning a call's accepted applicants to a programme's groups: capacity,
//! composition targets, organisations spread, the same result for the same
//! seed, a dry run, people found by email, and who may.

use serde_json::{Value, json};

use crate::recruitment::{applicant, call_body};
use crate::support::{TestApp, user_actor};

fn apply_as(category: &str, org: &str, kind: &str, email: &str) -> Value {
    let mut body = applicant(email);
    body["category"] = json!(category);
    body["organization_name"] = json!(org);
    body["organization_kind"] = json!(kind);
    body
}

#[actix_web::test]
async fn accepted_applicants_fill_the_groups_by_target_spreading_organisations() {
    let app = TestApp::new().await;
    let (project, coordinator) = app.project_with_coordinator("TA-1").await;
    let call = app
        .created(&coordinator, "/api/v1/calls", call_body(&project, 8))
        .await;
    let call = call["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json_as(
            &coordinator,
            &format!("/api/v1/calls/{call}/open"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Eight NGO people from two NGOs, four local-government people of one
    // town hall: all accepted (quotas of 8).
    let mut n = 0;
    for (category, org, kind, count) in [
        ("ngo", "Asociația Împreună", "ngo", 4),
        ("ngo", "Fundacja Razem", "ngo", 4),
        ("jst", "Primăria Turda", "local_government", 4),
    ] {
        for _ in 0..count {
            n += 1;
            let res = app
                .post_json(
                    &format!("/api/v1/calls/{call}/applications"),
                    apply_as(category, org, kind, &format!("osoba{n}@example.org")),
                )
                .await;
            assert_eq!(res.status, 201, "{}", res.text());
            assert_eq!(res.json()["application"]["status"], "accepted");
        }
    }
    // One applicant is a person already.
    let known = app
        .create_person(json!({"full_name": "Ana Pop", "email": "Osoba1@example.org"}))
        .await;

    let programme = app
        .created(
            &coordinator,
            "/api/v1/training-programmes",
            json!({"project_id": project, "name": "Szkolenia"}),
        )
        .await;
    let programme = programme["id"].as_str().unwrap().to_owned();
    let assign = format!("/api/v1/training-programmes/{programme}/assignment");
    let res = app
        .post_json_as(&coordinator, &assign, json!({"call_id": call}))
        .await;
    res.assert_problem(409, "conflict");
    let mut groups = Vec::new();
    for name in ["Grupa A", "Grupa B"] {
        let g = app
            .created(
                &coordinator,
                &format!("/api/v1/training-programmes/{programme}/groups"),
                json!({"name": name, "capacity": 6, "targets": {"ngo": 4, "jst": 2}}),
            )
            .await;
        groups.push(g["id"].as_str().unwrap().to_owned());
    }

    // Who may, and which call.
    let member = app.token(&user_actor(&coopera::db::new_id(), None, vec![]));
    app.post_json_as(&member, &assign, json!({"call_id": call}))
        .await
        .assert_problem(403, "forbidden");
    let (other_project, _) = app.project_with_coordinator("TA-2").await;
    let other_call = app
        .created(
            &app.admin_token(),
            "/api/v1/calls",
            call_body(&other_project, 1),
        )
        .await;
    let res = app
        .post_json_as(&coordinator, &assign, json!({"call_id": other_call["id"]}))
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "call_id");
    assert_eq!(problem["errors"][0]["code"], "other_project");

    // A seed is a JSON-safe integer.
    let res = app
        .post_json_as(
            &coordinator,
            &assign,
            json!({"call_id": call, "seed": 9_007_199_254_740_992_u64}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "seed"
    );

    // A dry run: every target met, each organisation split evenly, nobody
    // written; the same seed gives the same placements, another may not.
    let dry = |seed: u64| json!({"call_id": call, "seed": seed, "dry_run": true});
    let first = app.post_json_as(&coordinator, &assign, dry(3)).await;
    assert_eq!(first.status, 200, "{}", first.text());
    let first = first.json();
    assert_eq!(first["assigned"], 12);
    assert_eq!(first["unassigned"], 0);
    assert_eq!(first["people_created"], 11);
    assert_eq!(first["target_shortfall"], 0);
    assert_eq!(
        (
            first["organisations_spread_evenly"].clone(),
            first["organisations"].clone()
        ),
        (json!(3), json!(3))
    );
    for g in first["groups"].as_array().unwrap() {
        assert_eq!(g["participants"], 6);
        for t in g["targets"].as_array().unwrap() {
            assert_eq!(t["difference"], 0, "{g}");
        }
    }
    let again = app.post_json_as(&coordinator, &assign, dry(3)).await.json();
    assert_eq!(again["placements"], first["placements"]);
    let group_page = |g: &str| format!("/api/v1/training-groups/{g}");
    assert_eq!(
        app.get_as(&coordinator, &group_page(&groups[0]))
            .await
            .json()["participants"],
        0
    );

    // For real: the placements of the dry run, the known person reused.
    let res = app
        .post_json_as(&coordinator, &assign, json!({"call_id": call, "seed": 3}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let done = res.json();
    let groups_of = |v: &Value| -> Vec<Value> {
        v["placements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["group_id"].clone())
            .collect()
    };
    assert_eq!(groups_of(&done), groups_of(&first));
    assert_eq!(done["people_created"], 11);
    assert!(
        done["placements"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["person_id"] == json!(known))
    );
    for g in &groups {
        assert_eq!(
            app.get_as(&coordinator, &group_page(g)).await.json()["participants"],
            6
        );
    }
    // Once placed, applicants stay where they are.
    let rerun = app
        .post_json_as(&coordinator, &assign, json!({"call_id": call, "seed": 9}))
        .await
        .json();
    assert_eq!(rerun["already_enrolled"], 12);
    assert_eq!(rerun["assigned"], 0);
}
