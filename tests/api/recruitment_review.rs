//! Recruitment by review: the call's weighted criteria, the reviewers it
//! names, their scores, and finalisation ranking each category — places,
//! waitlist, rejections — with the tie-break by order of arrival.

use actix_web::test::TestRequest;
use coopera::auth::Role;
use serde_json::{Value, json};

use crate::recruitment::{applicant, applied, call_body, mine, withdraw};
use crate::support::{TestApp, TestResponse, user_actor};

fn review_call(project: &str, quota: i32) -> Value {
    let mut body = call_body(project, quota);
    body["selection_mode"] = json!("review");
    body["waitlist_size"] = json!(1);
    body["criteria"] = json!([
        {"code": "motivation", "name": "Motywacja", "weight": 2, "max_points": 5},
        {"code": "experience", "name": "Doświadczenie", "weight": 1, "max_points": 3}
    ]);
    body
}

/// A user holding the `reviewer` role, and their token.
fn reviewer(app: &TestApp) -> (String, String) {
    let id = coopera::db::new_id();
    let token = app.token(&user_actor(&id, None, vec![Role::Reviewer]));
    (id, token)
}

async fn put_json(app: &TestApp, token: &str, uri: &str, body: Value) -> TestResponse {
    app.send_as(token, TestRequest::put().uri(uri).set_json(body))
        .await
}

async fn score(app: &TestApp, token: &str, application: &str, m: i64, e: i64) -> TestResponse {
    put_json(
        app,
        token,
        &format!("/api/v1/applications/{application}/review"),
        json!({"scores": {"motivation": m, "experience": e}, "note": "Ocena członka komisji"}),
    )
    .await
}

fn fields(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn each_selection_mode_takes_only_its_own_settings() {
    let app = TestApp::new().await;
    let (project, coordinator) = app.project_with_coordinator("R-MODES").await;
    let mut body = review_call(&project, 2);
    body["criteria"] = json!([]);
    let res = app.post_json_as(&coordinator, "/api/v1/calls", body).await;
    let problem = res.assert_problem(422, "validation_failed");
    assert!(fields(&problem).contains(&("criteria".into(), "required".into())));

    let mut body = call_body(&project, 2);
    body["waitlist_size"] = json!(3);
    let res = app.post_json_as(&coordinator, "/api/v1/calls", body).await;
    let problem = res.assert_problem(422, "validation_failed");
    assert!(fields(&problem).contains(&("waitlist_size".into(), "not_allowed".into())));

    // A first-come call's applications are not reviewed.
    let call = app
        .created(&coordinator, "/api/v1/calls", call_body(&project, 2))
        .await;
    let id = call["id"].as_str().unwrap();
    let res = app
        .post_json_as(&coordinator, &format!("/api/v1/calls/{id}/open"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let receipt = crate::recruitment::apply(&app, id, applicant("ana@example.org"))
        .await
        .json();
    assert_eq!(receipt["application"]["status"], "accepted");
    let application = receipt["application"]["id"].as_str().unwrap();
    score(&app, &app.admin_token(), application, 1, 1)
        .await
        .assert_problem(409, "conflict");
}

#[actix_web::test]
async fn reviewers_score_and_finalising_ranks_each_category() {
    let app = TestApp::new().await;
    let (project, coordinator) = app.project_with_coordinator("R-REVIEW").await;
    let call = app
        .created(&coordinator, "/api/v1/calls", review_call(&project, 2))
        .await;
    let call_id = call["id"].as_str().unwrap().to_owned();
    assert_eq!(call["selection_mode"], "review");
    assert_eq!(call["criteria"][1]["code"], "experience");

    // Only users holding the reviewer role can be named.
    let (first, first_token) = reviewer(&app);
    let (second, second_token) = reviewer(&app);
    let (_, outsider_token) = reviewer(&app);
    let plain = app
        .create_user(
            "plain@example.org",
            "a long enough passphrase",
            vec![],
            None,
        )
        .await;
    let reviewers_uri = format!("/api/v1/calls/{call_id}/reviewers");
    let res = put_json(
        &app,
        &coordinator,
        &reviewers_uri,
        json!({"user_ids": [first, plain]}),
    )
    .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(
        fields(&problem),
        vec![("user_ids[1]".to_owned(), "not_a_reviewer".to_owned())]
    );
    let res = put_json(
        &app,
        &coordinator,
        &reviewers_uri,
        json!({"user_ids": [first, second]}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["reviewers"], json!([first, second]));
    let res = app
        .post_json_as(
            &coordinator,
            &format!("/api/v1/calls/{call_id}/open"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    // Applications wait, undecided, for the reviewers.
    let mut ids = Vec::new();
    let mut tokens = Vec::new();
    for n in 1..=5 {
        let (status, token) = applied(&app, &call_id, &format!("a{n}@example.org")).await;
        assert_eq!(status, "submitted");
        let application = mine(&app, &token).await;
        assert_eq!(application["decided_at"], Value::Null);
        assert_eq!(application["waitlist_position"], Value::Null);
        ids.push(application["id"].as_str().unwrap().to_owned());
        tokens.push(token);
    }

    // Scores are checked against the criteria, each named.
    let res = put_json(
        &app,
        &first_token,
        &format!("/api/v1/applications/{}/review", ids[0]),
        json!({"scores": {"motivation": 6, "luck": 1}}),
    )
    .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(
        fields(&problem),
        vec![
            ("scores.motivation".into(), "out_of_range".into()),
            ("scores.experience".into(), "required".into()),
            ("scores.luck".into(), "unknown".into()),
        ]
    );
    // Only the call's reviewers score; a reviewer it does not name reads no
    // applicant either.
    score(&app, &outsider_token, &ids[0], 1, 1)
        .await
        .assert_problem(403, "forbidden");
    score(&app, &coordinator, &ids[0], 1, 1)
        .await
        .assert_problem(403, "forbidden");
    app.get_as(
        &outsider_token,
        &format!("/api/v1/calls/{call_id}/applications"),
    )
    .await
    .assert_problem(403, "forbidden");
    let res = app
        .get_as(
            &first_token,
            &format!("/api/v1/calls/{call_id}/applications"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["items"][0]["email"], "a1@example.org");

    // Totals (Σ weight × points, the most is 13): a1 13; a2 10 and 13, a
    // mean of 11.5; a3 and a4 10 each (a3 sent first); a5 later.
    let res = score(&app, &first_token, &ids[0], 5, 3).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["total"], 13);
    assert_eq!(res.json()["score"], 100.0);
    let res = score(&app, &first_token, &ids[1], 1, 1).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let stale = res.header("etag").unwrap().to_owned();
    let res = score(&app, &first_token, &ids[1], 4, 2).await;
    assert_eq!(res.status, 200, "a second review replaces the first");
    let res = app
        .send_as(
            &first_token,
            TestRequest::put()
                .uri(&format!("/api/v1/applications/{}/review", ids[1]))
                .insert_header(("If-Match", stale.as_str()))
                .set_json(json!({"scores": {"motivation": 0, "experience": 0}})),
        )
        .await;
    res.assert_problem(412, "precondition_failed");
    let mine_review = app
        .get_as(
            &first_token,
            &format!("/api/v1/applications/{}/review", ids[1]),
        )
        .await;
    assert_eq!(mine_review.status, 200, "{}", mine_review.text());
    assert_eq!(mine_review.json()["total"], 10);
    assert_ne!(mine_review.header("etag").unwrap(), stale);
    let res = score(&app, &second_token, &ids[1], 5, 3).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(score(&app, &first_token, &ids[2], 5, 0).await.status, 201);
    assert_eq!(score(&app, &second_token, &ids[3], 4, 2).await.status, 201);
    let reviews = app
        .get_as(
            &coordinator,
            &format!("/api/v1/applications/{}/reviews", ids[1]),
        )
        .await;
    assert_eq!(reviews.status, 200, "{}", reviews.text());
    assert_eq!(reviews.json()["items"].as_array().unwrap().len(), 2);
    assert_eq!(reviews.json()["score"], 88.46);
    app.get_as(
        &first_token,
        &format!("/api/v1/applications/{}/reviews", ids[1]),
    )
    .await
    .assert_problem(403, "forbidden");

    // Finalising waits for a review of every submitted application.
    let res = app
        .post_json_as(
            &coordinator,
            &format!("/api/v1/calls/{call_id}/close"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let finalize = format!("/api/v1/calls/{call_id}/finalize");
    let res = app.post_json_as(&coordinator, &finalize, json!({})).await;
    let problem = res.assert_problem(409, "conflict");
    assert_eq!(
        fields(&problem),
        vec![(format!("applications[{}]", ids[4]), "not_reviewed".into())]
    );
    assert_eq!(score(&app, &second_token, &ids[4], 1, 0).await.status, 201);
    let res = app.post_json_as(&coordinator, &finalize, json!({})).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["categories"][0]["accepted"], 2);
    assert_eq!(res.json()["categories"][0]["waitlisted"], 1);

    let decided: Vec<Value> = {
        let mut v = Vec::new();
        for t in &tokens {
            v.push(mine(&app, t).await);
        }
        v
    };
    let summary: Vec<(&str, i64)> = decided
        .iter()
        .map(|a| (a["status"].as_str().unwrap(), a["rank"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("accepted", 1),
            ("accepted", 2),
            ("waitlisted", 3),
            ("rejected", 4),
            ("rejected", 5),
        ],
        "equal means go to the application sent first"
    );
    assert_eq!(decided[0]["score"], 100.0);
    assert_eq!(decided[2]["score"], 76.92);
    assert_eq!(decided[2]["waitlist_position"], 1);
    assert!(
        decided[3]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Ranked 4 of 5"),
        "{}",
        decided[3]
    );
    // Each applicant is told the result, in the transaction that decided it.
    let mut kinds: Vec<String> = app
        .db(|conn| {
            use coopera::db::schema::notifications as nt;
            use diesel::prelude::*;
            Ok(nt::table
                .filter(nt::kind.ne("application_received"))
                .select(nt::kind)
                .load(conn)?)
        })
        .await;
    kinds.sort();
    assert_eq!(
        kinds,
        vec![
            "application_accepted",
            "application_accepted",
            "application_rejected",
            "application_rejected",
            "application_waitlisted",
        ]
    );
    let csv = app
        .get_as(
            &coordinator,
            &format!("/api/v1/calls/{call_id}/applications/export?format=csv"),
        )
        .await
        .text();
    let first_row = csv.lines().nth(1).unwrap();
    assert!(
        first_row.contains(",accepted,,1,100,"),
        "the export names rank and score: {first_row}"
    );
    // The ranking is final: no more scoring.
    score(&app, &first_token, &ids[3], 5, 3)
        .await
        .assert_problem(409, "conflict");

    // A withdrawal passes the place to the best-ranked waiting applicant.
    let res = withdraw(&app, &tokens[0]).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let promoted = mine(&app, &tokens[2]).await;
    assert_eq!(promoted["status"], "accepted");
    assert_eq!(mine(&app, &tokens[3]).await["status"], "rejected");

    // Anonymising keeps the points and drops the notes about applicants.
    let res = app
        .post_json_as(
            &coordinator,
            &format!("/api/v1/calls/{call_id}/anonymize"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let reviews = app
        .get_as(
            &coordinator,
            &format!("/api/v1/applications/{}/reviews", ids[1]),
        )
        .await
        .json();
    assert_eq!(reviews["items"][0]["note"], Value::Null);
    assert_eq!(reviews["items"][0]["total"], 10);
}
