//! A consultation's public meetings and debates: planned where the
//! consultation holds them, recorded (minutes, attendance) once held, public
//! with the consultation, frozen once it is cancelled.

use actix_web::test::TestRequest;
use chrono::Duration;
use serde_json::json;

use crate::consultations::at;
use crate::participation::open_consultation;
use crate::support::{TestApp, user_actor};
use coopera::auth::Role;

#[actix_web::test]
async fn meetings_are_planned_then_recorded_once_held() {
    let app = TestApp::new().await;
    let (id, token) = open_consultation(&app, json!(["written_comments", "public_meeting"])).await;
    let uri = format!("/api/v1/consultations/{id}/meetings");
    let plan = |hours: i64| {
        json!({"kind": "public_debate", "title": "Debata publiczna", "starts_at": at(Duration::hours(hours)),
               "place": "Sala sesyjna", "online_url": "https://example.org/transmisja"})
    };
    // The caller first; only the initiator's admins plan meetings.
    app.post_json(&uri, plan(24))
        .await
        .assert_problem(401, "unauthorized");
    let ngo = app
        .create_org(json!({"name": "Stowarzyszenie", "kind": "ngo", "country": "PL"}))
        .await;
    let outsider = app.token(&user_actor(
        "ngo-admin",
        None,
        vec![Role::OrgAdmin {
            organization_id: ngo,
        }],
    ));
    app.post_json_as(&outsider, &uri, plan(24))
        .await
        .assert_problem(403, "forbidden");
    let mut bad = plan(24);
    bad["online_url"] = json!("javascript:alert(1)");
    let problem = app
        .post_json_as(&token, &uri, bad)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "online_url");

    let res = app.post_json_as(&token, &uri, plan(24)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let upcoming = res.header("location").unwrap().to_owned();
    let tag = res.header("etag").unwrap().to_owned();
    // Public, as the consultation is.
    let read = app.get(&upcoming).await;
    assert_eq!(read.json()["kind"], "public_debate");
    assert_eq!(read.json()["minutes"], serde_json::Value::Null);
    assert_eq!(
        app.get(&uri).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    let record = |tag: &str, body: serde_json::Value| {
        TestRequest::patch()
            .uri(&upcoming)
            .insert_header(("If-Match", tag.to_owned()))
            .set_json(body)
    };
    // Minutes and attendance wait until the meeting has taken place.
    let problem = app
        .send_as(
            &token,
            record(
                &tag,
                json!({"minutes": "Omówiono program.", "attendance": 40}),
            ),
        )
        .await
        .assert_problem(422, "validation_failed");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["minutes", "attendance"]);
    // Held an hour ago (it moved), then recorded.
    let moved = app
        .send_as(
            &token,
            record(&tag, json!({"starts_at": at(Duration::hours(-1))})),
        )
        .await;
    assert_eq!(moved.status, 200, "{}", moved.text());
    let tag2 = moved.header("etag").unwrap().to_owned();
    app.send_as(&outsider, record(&tag2, json!({"attendance": 40})))
        .await
        .assert_problem(403, "forbidden");
    app.send_as(&token, record(&tag, json!({"attendance": 40})))
        .await
        .assert_problem(412, "precondition_failed");
    let res = app
        .send_as(
            &token,
            record(
                &tag2,
                json!({"minutes": "Omówiono program.", "attendance": 40}),
            ),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["attendance"], 40);
    assert_eq!(
        app.get(&upcoming).await.json()["minutes"],
        "Omówiono program."
    );
    // A recorded meeting cannot move back into the future.
    let tag3 = res.header("etag").unwrap().to_owned();
    let problem = app
        .send_as(
            &token,
            record(&tag3, json!({"starts_at": at(Duration::days(2))})),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "not_yet_held");

    // Cancelled: its meetings are frozen.
    let res = app
        .post_json_as(
            &token,
            &format!("/api/v1/consultations/{id}/cancel"),
            json!({"reason": "Zmiana ustawy."}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.post_json_as(&token, &uri, plan(48))
        .await
        .assert_problem(409, "conflict");
    app.send_as(&token, record(&tag3, json!({"title": "Nowy tytuł"})))
        .await
        .assert_problem(409, "conflict");
}

#[actix_web::test]
async fn a_consultation_without_the_meeting_form_holds_none_and_a_drafts_stay_hidden() {
    let app = TestApp::new().await;
    let (id, token) = open_consultation(&app, json!(["written_comments"])).await;
    let plan =
        json!({"kind": "public_meeting", "title": "Spotkanie", "starts_at": at(Duration::days(1))});
    app.post_json_as(
        &token,
        &format!("/api/v1/consultations/{id}/meetings"),
        plan.clone(),
    )
    .await
    .assert_problem(409, "conflict");

    // A draft's meetings: its organisation's, 404 to anybody else.
    let (org, admin) = app
        .organization_with_admin(
            json!({"name": "Urząd Wojewódzki", "kind": "government_administration", "country": "PL"}),
        )
        .await;
    let draft = app
        .created(
            &admin,
            "/api/v1/consultations",
            json!({"subject": "Uchwała", "kind": "local_act", "initiating_organization_id": org,
                   "forms": ["public_meeting"]}),
        )
        .await;
    let draft_id = draft["id"].as_str().unwrap();
    let meeting = app
        .created(
            &admin,
            &format!("/api/v1/consultations/{draft_id}/meetings"),
            plan,
        )
        .await;
    let uri = format!(
        "/api/v1/consultation-meetings/{}",
        meeting["id"].as_str().unwrap()
    );
    assert_eq!(app.get_as(&admin, &uri).await.status, 200);
    app.get(&uri).await.assert_problem(404, "not_found");
    app.get(&format!("/api/v1/consultations/{draft_id}/meetings"))
        .await
        .assert_problem(404, "not_found");
    app.post_json_as(
        &token,
        &format!("/api/v1/consultations/{draft_id}/meetings"),
        json!({"kind": "public_meeting", "title": "X", "starts_at": at(Duration::days(1))}),
    )
    .await
    .assert_problem(404, "not_found");
}
