//! The quality index's action items: a round's recommendations become
//! actions with an owner, a due date and a status, which the next round of
//! the same local government reviews; who may write them at each step. And
//! the round's printable report, which shows them.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::quality::{local_government, person_of, small};
use crate::support::{TestApp, TestResponse};

const ROUNDS: &str = "/api/v1/quality/rounds";

async fn patch(app: &TestApp, token: &str, uri: &str, tag: &str, body: Value) -> TestResponse {
    app.send_as(
        token,
        TestRequest::patch()
            .uri(uri)
            .insert_header(("If-Match", tag.to_owned()))
            .set_json(body),
    )
    .await
}

/// Runs `step` (`start`, `complete`, `cancel`) on round `uri`.
async fn step(app: &TestApp, token: &str, uri: &str, step: &str) {
    let tag = app
        .get_as(token, uri)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let mut req = TestRequest::post()
        .uri(&format!("{uri}/{step}"))
        .insert_header(("If-Match", tag));
    if step == "cancel" {
        req = req.set_json(json!({"reason": "Powtórzymy w przyszłym roku."}));
    }
    let res = app.send_as(token, req).await;
    assert_eq!(res.status, 200, "{step}: {}", res.text());
}

#[actix_web::test]
async fn recommendations_become_action_items_that_the_next_round_reviews() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let m = app
        .created(&admin, "/api/v1/quality/methodologies", small("maly"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (jst, jst_admin) = local_government(&app, "02").await;
    let ngo = app
        .create_org(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    let (official, _) = person_of(&app, &jst, "Urzędniczka").await;
    let (activist, activist_token) = person_of(&app, &ngo, "Działacz").await;
    let (next_activist, next_token) = person_of(&app, &ngo, "Działaczka").await;
    let (_, outsider) = person_of(&app, &ngo, "Ktoś inny").await;
    let group = |ngo_person: &str| {
        json!([{"person_id": official, "side": "local_government"},
               {"person_id": ngo_person, "side": "ngo"}])
    };
    let round = app
        .created(
            &jst_admin,
            ROUNDS,
            json!({"organization_id": jst, "year": 2025, "methodology_id": m,
                   "working_group": group(&activist)}),
        )
        .await;
    let uri = format!("{ROUNDS}/{}", round["id"].as_str().unwrap());
    let items = format!("{uri}/action-items");
    let item = |action: &str, due: &str| {
        json!({"action": action, "indicator_code": "A.1", "owner_organization_id": jst,
               "owner_person_id": official, "due_on": due})
    };

    // The caller comes before the body; a draft has no recommendations yet.
    app.post_json(&items, json!({}))
        .await
        .assert_problem(401, "unauthorized");
    app.post_json_as(&outsider, &items, item("x", "2030-01-01"))
        .await
        .assert_problem(404, "not_found");
    app.post_json_as(&jst_admin, &items, item("x", "2030-01-01"))
        .await
        .assert_problem(409, "conflict");
    step(&app, &jst_admin, &uri, "start").await;

    // Each reference is checked, naming its field; nothing is written.
    for (body, field) in [
        (json!({"indicator_code": "Z.9"}), "indicator_code"),
        (
            json!({"owner_organization_id": official}),
            "owner_organization_id",
        ),
        (json!({"owner_person_id": jst}), "owner_person_id"),
        (json!({"action": "   "}), "action"),
        (json!({"status": "finished"}), "status"),
    ] {
        let mut form = item("Przyjąć zasady konsultacji", "2030-01-01");
        for (k, v) in body.as_object().unwrap() {
            form[k] = v.clone();
        }
        let problem = app
            .post_json_as(&activist_token, &items, form)
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // Every fault at once.
    let mut form = item("x", "1999-12-31");
    form["indicator_code"] = json!("Z.9");
    form["owner_organization_id"] = json!(official);
    let problem = app
        .post_json_as(&activist_token, &items, form)
        .await
        .assert_problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["indicator_code", "owner_organization_id", "due_on"]
    );
    let mut form = item("x", "2030-01-01");
    form.as_object_mut().unwrap().remove("due_on");
    let problem = app
        .post_json_as(&activist_token, &items, form)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "due_on", "{problem}");
    assert_eq!(
        app.get_as(&jst_admin, &items).await.json()["items"],
        json!([])
    );

    // The working group writes them; past its due date an open one is overdue.
    let res = app
        .post_json_as(
            &activist_token,
            &items,
            item(" Przyjąć zasady konsultacji ", "2030-06-30"),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let first = res.json();
    let first_uri = res.header("location").unwrap().to_owned();
    assert_eq!(first["action"], "Przyjąć zasady konsultacji");
    assert_eq!(first["status"], "planned");
    assert_eq!(first["overdue"], false);
    let late = app
        .created(
            &jst_admin,
            &items,
            json!({"action": "Powołać radę <i>pożytku</i>", "owner_organization_id": ngo,
            "due_on": "2020-01-31", "status": "in_progress"}),
        )
        .await;
    assert_eq!(late["overdue"], true);
    assert_eq!(late["indicator_code"], Value::Null);
    let late_uri = format!(
        "/api/v1/quality/action-items/{}",
        late["id"].as_str().unwrap()
    );

    // Read as the round is, with its tag; so is the report.
    app.get(&first_uri).await.assert_problem(404, "not_found");
    app.get(&format!("{uri}/report.html"))
        .await
        .assert_problem(404, "not_found");
    app.get_as(&outsider, &format!("{uri}/action-review"))
        .await
        .assert_problem(404, "not_found");
    app.get_as(&outsider, &first_uri)
        .await
        .assert_problem(404, "not_found");
    let res = app.get_as(&activist_token, &first_uri).await;
    assert_eq!(res.status, 200);
    let tag = res.header("etag").unwrap().to_owned();
    let res = app
        .send_as(
            &activist_token,
            TestRequest::get()
                .uri(&first_uri)
                .insert_header(("If-None-Match", tag.clone())),
        )
        .await;
    assert_eq!(res.status, 304);

    // A change with a stale tag is refused.
    patch(
        &app,
        &jst_admin,
        &first_uri,
        "\"stale\"",
        json!({"status": "in_progress"}),
    )
    .await
    .assert_problem(412, "precondition_failed");
    let problem = patch(
        &app,
        &jst_admin,
        &first_uri,
        &tag,
        json!({"owner_person_id": ngo}),
    )
    .await
    .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "owner_person_id");
    let res = patch(
        &app,
        &jst_admin,
        &first_uri,
        &tag,
        json!({"status": "in_progress", "owner_person_id": null}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["version"], 2);
    assert_eq!(res.json()["owner_person_id"], Value::Null);
    assert_eq!(res.json()["indicator_code"], "A.1");

    // Completed, the round and its items are public; changes stay with
    // those who assess it.
    for (code, answer) in [("A.1", 1.0), ("A.2", 1.0), ("B.1", 2.5)] {
        let res = app
            .send_as(
                &activist_token,
                TestRequest::put()
                    .uri(&format!("{uri}/assessments/{code}"))
                    .set_json(json!({"answer": answer})),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    step(&app, &jst_admin, &uri, "complete").await;
    let list = app.get(&items).await.json();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    // The report shows the item that follows no indicator on its summary
    // page, escaped.
    let html = app.get(&format!("{uri}/report.html")).await.text();
    assert!(
        html.contains("Powołać radę &lt;i&gt;pożytku&lt;/i&gt;"),
        "{html}"
    );
    assert!(html.contains("Przyjąć zasady konsultacji"));
    // An overdue item's tag says so; a change needs only its version.
    let tag = app.get(&late_uri).await.header("etag").unwrap().to_owned();
    let late_id = late["id"].as_str().unwrap();
    assert_eq!(tag, format!("\"{late_id}.v1.overdue\""));
    let first_tag = app.get(&first_uri).await.header("etag").unwrap().to_owned();
    assert!(!first_tag.contains("overdue"), "{first_tag}");
    patch(&app, "", &late_uri, &tag, json!({"status": "done"}))
        .await
        .assert_problem(401, "unauthorized");
    patch(
        &app,
        &next_token,
        &late_uri,
        &tag,
        json!({"status": "done"}),
    )
    .await
    .assert_problem(403, "forbidden");

    // The next round lists them for review; its working group writes the review.
    let next = app
        .created(
            &jst_admin,
            ROUNDS,
            json!({"organization_id": jst, "year": 2026, "methodology_id": m,
                   "working_group": group(&next_activist)}),
        )
        .await;
    let next_uri = format!("{ROUNDS}/{}", next["id"].as_str().unwrap());
    let review = app
        .get_as(&next_token, &format!("{next_uri}/action-review"))
        .await
        .json();
    assert_eq!(review["previous_round_id"], round["id"]);
    assert_eq!(review["previous_year"], 2025);
    assert_eq!(
        review["counts"],
        json!({"planned": 0, "in_progress": 2, "done": 0, "dropped": 0, "overdue": 1})
    );
    assert_eq!(review["items"][0]["id"], late["id"], "by due date");
    app.get(&format!("{next_uri}/action-review"))
        .await
        .assert_problem(404, "not_found");
    let res = patch(
        &app,
        &next_token,
        &late_uri,
        &format!("\"{late_id}.v1\""),
        json!({"status": "done", "review": "Rada działa od marca."}),
    )
    .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["overdue"], false);
    assert_eq!(
        res.header("etag"),
        Some(format!("\"{late_id}.v2\"").as_str())
    );
    // It may add what the earlier round missed.
    app.created(
        &next_token,
        &items,
        item("Ocenić konsultacje", "2026-12-31"),
    )
    .await;
    let review = app
        .get_as(&jst_admin, &format!("{next_uri}/action-review"))
        .await
        .json();
    assert_eq!(review["counts"]["done"], 1);
    assert_eq!(review["counts"]["overdue"], 0);
    assert_eq!(review["items"][0]["review"], "Rada działa od marca.");
    let first_review = app.get(&format!("{uri}/action-review")).await.json();
    assert_eq!(first_review["previous_round_id"], Value::Null);
    assert_eq!(first_review["items"], json!([]));

    // A cancelled round's items are frozen, and its working group no longer
    // reviews the previous round's.
    step(&app, &jst_admin, &next_uri, "start").await;
    let own = app
        .created(
            &next_token,
            &format!("{next_uri}/action-items"),
            item("Ocenić program", "2027-03-31"),
        )
        .await;
    step(&app, &jst_admin, &next_uri, "cancel").await;
    let own_uri = format!(
        "/api/v1/quality/action-items/{}",
        own["id"].as_str().unwrap()
    );
    let own_tag = app
        .get_as(&jst_admin, &own_uri)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    patch(
        &app,
        &jst_admin,
        &own_uri,
        &own_tag,
        json!({"status": "dropped"}),
    )
    .await
    .assert_problem(409, "conflict");
    let tag = app.get(&late_uri).await.header("etag").unwrap().to_owned();
    patch(
        &app,
        &next_token,
        &late_uri,
        &tag,
        json!({"review": "Jeszcze raz."}),
    )
    .await
    .assert_problem(403, "forbidden");

    // Every write is in the change log.
    assert_eq!(
        app.logged_actions(late["id"].as_str().unwrap()).await,
        ["create", "update"]
    );
}

#[actix_web::test]
async fn a_round_holds_at_most_200_action_items() {
    let app = TestApp::new().await;
    let m = app
        .created(
            &app.admin_token(),
            "/api/v1/quality/methodologies",
            small("maly"),
        )
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (jst, jst_admin) = local_government(&app, "04").await;
    let ngo = app
        .create_org(json!({"name": "Stowarzyszenie", "kind": "ngo", "country": "PL"}))
        .await;
    let (official, _) = person_of(&app, &jst, "Urzędnik").await;
    let (activist, _) = person_of(&app, &ngo, "Działacz").await;
    let round = app
        .created(
            &jst_admin,
            ROUNDS,
            json!({"organization_id": jst, "year": 2025, "methodology_id": m, "working_group": [
                {"person_id": official, "side": "local_government"},
                {"person_id": activist, "side": "ngo"}]}),
        )
        .await;
    let uri = format!("{ROUNDS}/{}", round["id"].as_str().unwrap());
    step(&app, &jst_admin, &uri, "start").await;
    let round_id = round["id"].as_str().unwrap().to_owned();
    let jst_id = jst.clone();
    app.db(move |conn| {
        use coopera::db::schema::quality_action_items as ai;
        use diesel::prelude::*;
        let now = coopera::db::now();
        for _ in 0..200 {
            diesel::insert_into(ai::table)
                .values((
                    ai::id.eq(coopera::db::new_id()),
                    ai::round_id.eq(&round_id),
                    ai::action.eq("x"),
                    ai::owner_organization_id.eq(&jst_id),
                    ai::due_on.eq(now.date()),
                    ai::status.eq("planned"),
                    ai::created_at.eq(now),
                    ai::updated_at.eq(now),
                    ai::version.eq(1),
                ))
                .execute(conn)?;
        }
        Ok(())
    })
    .await;
    app.post_json_as(
        &jst_admin,
        &format!("{uri}/action-items"),
        json!({"action": "Jeszcze jedno", "owner_organization_id": jst, "due_on": "2030-01-01"}),
    )
    .await
    .assert_problem(409, "conflict");
}

#[actix_web::test]
async fn the_printable_report_has_a_page_per_plane_with_the_chart_and_the_review() {
    let app = TestApp::new().await;
    app.db(coopera::demo::seed).await;
    let rounds = app.get(ROUNDS).await.json();
    let latest = &rounds["items"][1];
    let county = latest["organization_id"].as_str().unwrap();
    // What the report shows is escaped.
    let res = app
        .patch_json_as(
            &app.admin_token(),
            &format!("/api/v1/organizations/{county}"),
            json!({"name": "Powiat <Zgorzelecki> & okolice"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let uri = format!("{ROUNDS}/{}/report.html", latest["id"].as_str().unwrap());
    let res = app.get(&uri).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.header("content-type"), Some("text/html; charset=utf-8"));
    assert!(
        res.header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    let html = res.text();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Powiat &lt;Zgorzelecki&gt; &amp; okolice — 2026"));
    assert!(!html.contains("<Zgorzelecki>"));
    // A summary page, then one page per plane of the default methodology.
    assert_eq!(html.matches("<section class=\"page\">").count(), 4);
    assert_eq!(html.matches("<h2>Plane ").count(), 3);
    assert_eq!(html.matches("<svg ").count(), 1, "the chart, inline");
    // The 2025 round's action items, as the 2026 round reviewed them, and
    // the 2026 round's own under its plane.
    assert!(html.contains("Action items of the 2025 round"));
    assert!(html.contains("Raporty publikowane od października 2025 r."));
    assert!(html.contains("Konsultować każdy projekt uchwały dotyczący organizacji."));
    // Every indicator's agreed answer, by its level's label.
    assert_eq!(
        html.matches("(2/2)").count()
            + html.matches("(1/2)").count()
            + html.matches("(1/1)").count()
            + html.matches("(0/2)").count()
            + html.matches("(0/1)").count(),
        20
    );
    // No round, no report.
    app.get(&format!(
        "{ROUNDS}/00000000-0000-7000-8000-000000000000/report.html"
    ))
    .await
    .assert_problem(404, "not_found");
}
