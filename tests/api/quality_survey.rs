//! A quality round's anonymous NGO survey: opened once with a token, answered
//! without an account, read only in aggregate, only once closed and only
//! from the minimum number of answers on; nothing traces an answer back.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::support::{TestApp, user_actor};

const ROUNDS: &str = "/api/v1/quality/rounds";
const ANSWERS: &str = "/api/v1/quality/survey-answers";

/// A round in progress of a new local government on the default
/// methodology, for `year`: (its URI, the local government's admin token,
/// a working group member's token).
async fn round_in_progress(app: &TestApp, jst: &str, admin: &str, year: i64) -> (String, String) {
    let official = app
        .create_person(json!({"full_name": format!("Urzędnik {year}"), "organization_id": jst}))
        .await;
    let activist = app
        .create_person(json!({"full_name": format!("Działaczka {year}")}))
        .await;
    let round = app
        .created(
            admin,
            ROUNDS,
            json!({"organization_id": jst, "year": year, "working_group": [
                {"person_id": official, "side": "local_government"},
                {"person_id": activist, "side": "ngo"}]}),
        )
        .await;
    let uri = format!("{ROUNDS}/{}", round["id"].as_str().unwrap());
    let res = app
        .send_as(admin, TestRequest::post().uri(&format!("{uri}/start")))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let member = app.token(&user_actor(&format!("wg-{year}"), Some(&activist), vec![]));
    (uri, member)
}

fn answer(token: &str, list: &[(&str, f64)]) -> Value {
    json!({"token": token, "answers": list.iter()
        .map(|(c, a)| json!({"indicator_code": c, "answer": a})).collect::<Vec<_>>()})
}

#[actix_web::test]
async fn the_survey_is_answered_anonymously_and_read_only_in_aggregate() {
    let app = TestApp::new().await;
    let (jst, admin) = app
        .organization_with_admin(
            json!({"name": "Województwo Dolnośląskie", "kind": "local_government",
            "country": "PL", "teryt_code": "02"}),
        )
        .await;
    let (uri, member) = round_in_progress(&app, &jst, &admin, 2025).await;
    let open = format!("{uri}/survey/open");

    // The local government's admins open it; the token comes back once.
    app.post_json(&open, json!({}))
        .await
        .assert_problem(401, "unauthorized");
    app.send_as(&member, TestRequest::post().uri(&open))
        .await
        .assert_problem(403, "forbidden");
    let res = app.send_as(&admin, TestRequest::post().uri(&open)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let token = res.json()["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("sv_"));
    app.send_as(&admin, TestRequest::post().uri(&open))
        .await
        .assert_problem(409, "conflict");
    assert_eq!(
        app.get_as(&admin, &uri).await.json()["survey_status"],
        "open"
    );

    // Anybody with the token answers, without an account; only the survey's
    // indicators, on their scales.
    let problem = app
        .post_json(ANSWERS, answer("sv_wrong", &[("1A.4", 1.0)]))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "token");
    let problem = app
        .post_json(ANSWERS, answer(&token, &[("1A.1", 1.0), ("1A.4", 7.0)]))
        .await
        .assert_problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["answers[0].indicator_code", "answers[1].answer"]);
    let given = [
        [("1A.4", 2.0), ("2A.4", 0.0)],
        [("1A.4", 1.0), ("2A.4", 1.0)],
        [("1A.4", 1.0), ("2A.4", 1.0)],
        [("1A.4", 0.0), ("2A.4", 1.0)],
    ];
    for list in &given {
        let res = app.post_json(ANSWERS, answer(&token, list)).await;
        assert_eq!(res.status, 204, "{}", res.text());
    }
    // While open: the count only, even for its admins.
    let survey = format!("{uri}/survey");
    let read = app.get_as(&admin, &survey).await.json();
    assert_eq!(read["responses"], 4);
    assert!(read["unavailable"].is_string());
    assert_eq!(read["indicators"], json!([]));
    app.get(&survey).await.assert_problem(404, "not_found");
    // The fifth answer is the only one on 1B.3.
    let res = app
        .post_json(
            ANSWERS,
            answer(&token, &[("1A.4", 2.0), ("2A.4", 2.0), ("1B.3", 2.0)]),
        )
        .await;
    assert_eq!(res.status, 204);

    // Closed for good: the token stops working, the aggregate appears.
    let close = format!("{uri}/survey/close");
    let res = app.send_as(&admin, TestRequest::post().uri(&close)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["survey_status"], "closed");
    app.send_as(&admin, TestRequest::post().uri(&close))
        .await
        .assert_problem(409, "conflict");
    app.send_as(&admin, TestRequest::post().uri(&open))
        .await
        .assert_problem(409, "conflict");
    app.post_json(ANSWERS, answer(&token, &[("1A.4", 0.0)]))
        .await
        .assert_problem(422, "validation_failed");
    let read = app.get_as(&member, &survey).await.json();
    assert_eq!(read["responses"], 5);
    assert_eq!(read["unavailable"], Value::Null);
    let first = &read["indicators"][0];
    assert_eq!(first["code"], "1A.4");
    assert_eq!(first["responses"], 5);
    assert_eq!(first["mean_points"], 1.2);
    assert_eq!(
        first["distribution"],
        json!([{"points": 0, "responses": 1}, {"points": 1, "responses": 2}, {"points": 2, "responses": 2}])
    );
    // 1B.3 has one answer: its count shows, its answer does not.
    let alone = &read["indicators"][1];
    assert_eq!(alone["code"], "1B.3");
    assert_eq!(alone["responses"], 1);
    assert_eq!(alone["mean_points"], Value::Null);
    assert_eq!(alone["distribution"], json!([]));
    // No answer stands alone anywhere: not in the change log either.
    let log = app
        .get_as(&app.admin_token(), "/api/v1/audit?limit=200")
        .await
        .json();
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| !e["entity_type"].as_str().unwrap().contains("survey")),
        "{log}"
    );

    // The scores add the survey's view and its gap to the working group's:
    // the group says consulting is at target (1A.1–1A.4 all 2); NGOs give
    // 1A.4 a mean of 1.2 of 2 = 60.
    for code in ["1A.1", "1A.2", "1A.3", "1A.4"] {
        let res = app
            .send_as(
                &member,
                TestRequest::put()
                    .uri(&format!("{uri}/assessments/{code}"))
                    .set_json(json!({"answer": 2})),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let scores = app.get_as(&admin, &format!("{uri}/scores")).await.json();
    assert_eq!(scores["survey"]["planes"][0]["areas"][0]["score"], 60.0);
    let gap = &scores["gaps"][0];
    assert_eq!(gap["code"], "consulting_draft_acts");
    assert_eq!(gap["working_group"], 100.0);
    assert_eq!(gap["gap"], 40.0);
}

#[actix_web::test]
async fn too_few_answers_show_nothing_and_completing_closes_the_survey() {
    let app = TestApp::builder().survey_min_responses(3).build().await;
    let (jst, admin) = app
        .organization_with_admin(
            json!({"name": "Województwo Opolskie", "kind": "local_government",
            "country": "PL", "teryt_code": "16"}),
        )
        .await;
    let (uri, member) = round_in_progress(&app, &jst, &admin, 2026).await;
    let res = app
        .send_as(
            &admin,
            TestRequest::post().uri(&format!("{uri}/survey/open")),
        )
        .await;
    let token = res.json()["token"].as_str().unwrap().to_owned();
    for _ in 0..2 {
        let res = app
            .post_json(ANSWERS, answer(&token, &[("3B.3", 2.0)]))
            .await;
        assert_eq!(res.status, 204, "{}", res.text());
    }
    // Every indicator answered, the round completes: the survey closes
    // with it, with 2 answers of the 3 needed: nothing to show.
    let doc = app
        .get("/api/v1/quality/methodologies/0193d1c0-0000-7000-8000-000000000001")
        .await
        .json();
    let codes: Vec<String> = doc["document"]["planes"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["areas"].as_array().unwrap().clone())
        .flat_map(|a| a["indicators"].as_array().unwrap().clone())
        .map(|i| i["code"].as_str().unwrap().to_owned())
        .collect();
    for code in &codes {
        let res = app
            .send_as(
                &member,
                TestRequest::put()
                    .uri(&format!("{uri}/assessments/{code}"))
                    .set_json(json!({"answer": 1})),
            )
            .await;
        assert_eq!(res.status, 200, "{code}: {}", res.text());
    }
    let res = app
        .send_as(&admin, TestRequest::post().uri(&format!("{uri}/complete")))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["survey_status"], "closed");
    let read = app.get(&format!("{uri}/survey")).await.json();
    assert_eq!(read["responses"], 2);
    assert_eq!(read["minimum_responses"], 3);
    assert!(read["unavailable"].as_str().unwrap().contains("from 3 on"));
    assert_eq!(read["indicators"], json!([]));
    let scores = app.get(&format!("{uri}/scores")).await.json();
    assert_eq!(scores["survey"], Value::Null);
    assert_eq!(scores["gaps"], json!([]));
    // Nor does the ranking show the survey's view.
    let ranking = app.get("/api/v1/quality/rankings?year=2026").await.json();
    assert!(ranking["items"][0]["index"].is_number(), "{ranking}");
    assert_eq!(ranking["items"][0]["survey_index"], Value::Null);
    app.post_json(ANSWERS, answer(&token, &[("3B.3", 0.0)]))
        .await
        .assert_problem(422, "validation_failed");
}
