//! Result indicators: manual and computed values, the parameters each kind
//! takes, the project report with target, achieved and percent.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::support::TestApp;

async fn indicator(app: &TestApp, project: &str, body: Value) -> Value {
    let res = app
        .post_json_as(
            &app.admin_token(),
            &format!("/api/v1/projects/{project}/indicators"),
            body,
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

async fn activity(app: &TestApp, project: &str, kind: &str, attendance: Option<i64>) {
    let res = app
        .post_json_as(
            &app.admin_token(),
            &format!("/api/v1/projects/{project}/activities"),
            json!({"type": kind, "title": "A", "held_on": "2026-05-01", "attendance": attendance}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
}

#[actix_web::test]
async fn the_report_shows_target_achieved_and_percent_for_each_indicator() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("IND-1").await;
    let other = app.create_project("IND-2").await;
    let manual = indicator(
        &app,
        &project,
        json!({"name": "Civil servants trained", "unit": "people", "target": 20, "kind": "manual", "value": 5}),
    )
    .await;
    assert_eq!(manual["achieved"], 5.0);
    assert_eq!(manual["percent"], 25.0);
    let trainings = indicator(
        &app,
        &project,
        json!({"name": "Trainings", "unit": "trainings", "target": 3, "kind": "activity_count", "activity_type": "training"}),
    )
    .await;
    assert_eq!(trainings["achieved"], 0.0);
    indicator(
        &app,
        &project,
        json!({"name": "Participants", "unit": "people", "target": 0, "kind": "activity_attendance"}),
    )
    .await;
    indicator(
        &app,
        &project,
        json!({"name": "Publications", "unit": "titles", "target": 2, "kind": "manual"}),
    )
    .await;

    activity(&app, &project, "training", Some(12)).await;
    activity(&app, &project, "training", None).await;
    activity(&app, &project, "conference", Some(100)).await;
    // Another project's activities count for that project only.
    activity(&app, &other, "training", Some(7)).await;

    let res = app
        .get_as(&admin, &format!("/api/v1/projects/{project}/report"))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let r = res.json();
    assert_eq!(r["code"], "IND-1");
    assert_eq!(r["activities"], 3);
    assert_eq!(r["attendance"], 112);
    let lines: Vec<(Value, Value, Value)> = r["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["target"].clone(),
                l["achieved"].clone(),
                l["percent"].clone(),
            )
        })
        .collect();
    assert_eq!(
        lines,
        [
            (json!(20.0), json!(5.0), json!(25.0)),
            // 2 of 3 trainings: 66.7 %.
            (json!(3.0), json!(2.0), json!(66.7)),
            // No target: no percentage.
            (json!(0.0), json!(112.0), Value::Null),
            // Not reported yet.
            (json!(2.0), Value::Null, Value::Null),
        ]
    );
    let listed = app
        .get_as(&admin, &format!("/api/v1/projects/{project}/indicators"))
        .await
        .json();
    assert_eq!(listed["items"][1]["achieved"], 2.0);
    app.get_as(
        &admin,
        "/api/v1/projects/019a1b2c-0000-7000-8000-000000000001/report",
    )
    .await
    .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn each_kind_takes_only_its_parameters() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("IND-3").await;
    let uri = format!("/api/v1/projects/{project}/indicators");
    for (body, field, code) in [
        (
            json!({"name": "N", "unit": "u", "target": 1, "kind": "activity_count", "value": 3}),
            "value",
            "computed",
        ),
        (
            json!({"name": "N", "unit": "u", "target": 1, "kind": "manual", "activity_type": "film"}),
            "activity_type",
            "not_applicable",
        ),
        (
            json!({"name": "N", "unit": "u", "target": -1, "kind": "manual"}),
            "target",
            "range",
        ),
        (
            json!({"name": "N", "unit": "u", "target": 1, "kind": "guesswork"}),
            "kind",
            "",
        ),
        (
            json!({"name": "", "unit": "u", "target": 1, "kind": "manual"}),
            "name",
            "length",
        ),
    ] {
        let p = app
            .post_json_as(&admin, &uri, body.clone())
            .await
            .assert_problem(422, "validation_failed");
        let e = &p["errors"][0];
        assert_eq!(e["field"], field, "{body}: {p}");
        if !code.is_empty() {
            assert_eq!(e["code"], code, "{body}: {p}");
        }
    }
    assert_eq!(app.get_as(&admin, &uri).await.json()["items"], json!([]));

    let computed = indicator(
        &app,
        &project,
        json!({"name": "Films", "unit": "films", "target": 5, "kind": "activity_count", "activity_type": "film"}),
    )
    .await;
    let id = computed["id"].as_str().unwrap();
    let p = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/indicators/{id}"),
            json!({"value": 4}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "value");
    // A tag read before the data changed still names this version.
    let before = app
        .get_as(&admin, &format!("/api/v1/indicators/{id}"))
        .await;
    let tag = before.header("etag").unwrap().to_owned();
    activity(&app, &project, "film", None).await;
    let res = app
        .send_as(
            &admin,
            TestRequest::patch()
                .uri(&format!("/api/v1/indicators/{id}"))
                .insert_header(("if-match", tag.as_str()))
                .set_json(json!({"name": "Short films"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["achieved"], 1.0);
    // The kind cannot change.
    app.patch_json_as(
        &admin,
        &format!("/api/v1/indicators/{id}"),
        json!({"kind": "manual"}),
    )
    .await
    .assert_problem(422, "validation_failed");
    // Widening what it counts is allowed.
    let res = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/indicators/{id}"),
            json!({"activity_type": null, "target": 6}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["activity_type"], Value::Null);
    assert_eq!(res.json()["target"], 6.0);
}

#[actix_web::test]
async fn a_manual_value_is_entered_with_if_match_and_a_computed_etag_follows_the_data() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("IND-4").await;
    let manual = indicator(
        &app,
        &project,
        json!({"name": "Volunteers", "unit": "people", "target": 40, "kind": "manual"}),
    )
    .await;
    let id = manual["id"].as_str().unwrap();
    let uri = format!("/api/v1/indicators/{id}");
    let res = app.get_as(&admin, &uri).await;
    let etag = res.header("etag").unwrap().to_owned();
    let ok = app
        .send_as(
            &admin,
            TestRequest::patch()
                .uri(&uri)
                .insert_header(("if-match", etag.as_str()))
                .set_json(json!({"value": 30})),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.text());
    assert_eq!(ok.json()["percent"], 75.0);
    app.send_as(
        &admin,
        TestRequest::patch()
            .uri(&uri)
            .insert_header(("if-match", etag.as_str()))
            .set_json(json!({"value": 31})),
    )
    .await
    .assert_problem(412, "precondition_failed");

    let counted = indicator(
        &app,
        &project,
        json!({"name": "Debates", "unit": "debates", "target": 2, "kind": "activity_count"}),
    )
    .await;
    let uri = format!("/api/v1/indicators/{}", counted["id"].as_str().unwrap());
    let first = app.get_as(&admin, &uri).await;
    let tag = first.header("etag").unwrap().to_owned();
    let cached = app
        .send_as(
            &admin,
            TestRequest::get()
                .uri(&uri)
                .insert_header(("if-none-match", tag.as_str())),
        )
        .await;
    assert_eq!(cached.status, 304);
    activity(&app, &project, "public_debate", Some(10)).await;
    let fresh = app
        .send_as(
            &admin,
            TestRequest::get()
                .uri(&uri)
                .insert_header(("if-none-match", tag.as_str())),
        )
        .await;
    assert_eq!(
        fresh.status, 200,
        "a new activity changes the computed value"
    );
    assert_eq!(fresh.json()["achieved"], 1.0);
    assert_ne!(fresh.header("etag").unwrap(), tag);
}
