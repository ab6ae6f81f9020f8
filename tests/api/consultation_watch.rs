//! The legislative watch list, and the comment deadlines coming up in a
//! region or for an organisation across consultations and watched drafts.

use actix_web::test::TestRequest;
use chrono::Duration;
use serde_json::{Value, json};

use crate::consultations::{announce, at};
use crate::support::{TestApp, user_actor};
use coopera::auth::Role;

#[actix_web::test]
async fn the_watch_list_and_the_deadlines_coming_up_in_a_region() {
    let app = TestApp::new().await;
    // A consultation in Turda (within Cluj county), closing in 12 days.
    let (turda, token) = app
        .organization_with_admin(
            json!({"name": "Primăria Turda", "kind": "public_institution",
            "country": "RO", "territorial_unit_code": "RO-55259"}),
        )
        .await;
    let body = json!({"subject": "Strategia locală", "kind": "strategy", "initiating_organization_id": turda,
        "opens_at": at(Duration::seconds(-5)), "closes_at": at(Duration::days(12))});
    let consultation = app.created(&token, "/api/v1/consultations", body).await;
    let id = consultation["id"].as_str().unwrap();
    let version = json!({"title": "Proiect", "sections": [{"number": "Art. 1", "body": "Text."}]});
    app.created(
        &token,
        &format!("/api/v1/consultations/{id}/versions"),
        version,
    )
    .await;
    assert_eq!(announce(&app, &token, id).await.status, 200);
    // An NGO's member follows drafts: one of Cluj county, one nationwide,
    // one of a Polish voivodeship, one far off.
    let ngo = app
        .create_org(json!({"name": "Asociația Civică", "kind": "ngo", "country": "RO"}))
        .await;
    let member = app.token(&user_actor(
        "watching-member",
        None,
        vec![Role::OrgMember {
            organization_id: ngo.clone(),
        }],
    ));
    let watch = |title: &str, unit: Value, days: i64| {
        json!({"organization_id": ngo, "title": title, "source_url": "https://example.org/draft",
               "territorial_unit_code": unit, "comment_deadline": at(Duration::days(days)),
               "policy_area": "social inclusion"})
    };
    let county = app
        .created(
            &member,
            "/api/v1/watched-drafts",
            watch("Hotărâre CJ Cluj", json!("RO-CJ"), 5),
        )
        .await;
    assert_eq!(county["status"], "watching");
    app.created(
        &member,
        "/api/v1/watched-drafts",
        watch("Lege", Value::Null, 20),
    )
    .await;
    app.created(
        &member,
        "/api/v1/watched-drafts",
        watch("Program dolnośląski", json!("02"), 3),
    )
    .await;
    app.created(
        &member,
        "/api/v1/watched-drafts",
        watch("Strategie 2030", Value::Null, 90),
    )
    .await;
    let problem = app
        .post_json_as(
            &member,
            "/api/v1/watched-drafts",
            watch("X", json!("RO-99999"), 5),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "territorial_unit_code");
    let mut bad = watch("X", Value::Null, 5);
    bad["source_url"] = json!("javascript:alert(1)");
    app.post_json_as(&member, "/api/v1/watched-drafts", bad)
        .await
        .assert_problem(422, "validation_failed");
    // Not on another organisation's list; read by anybody signed in.
    let other = app.token(&user_actor("someone-else", None, vec![]));
    app.post_json_as(&other, "/api/v1/watched-drafts", watch("X", Value::Null, 5))
        .await
        .assert_problem(403, "forbidden");
    let listed = app
        .get_as(
            &other,
            &format!("/api/v1/watched-drafts?organization_id={ngo}"),
        )
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 4);
    app.get("/api/v1/watched-drafts")
        .await
        .assert_problem(401, "unauthorized");

    let titles = |res: crate::support::TestResponse| -> Vec<String> {
        assert_eq!(res.status, 200, "{}", res.text());
        res.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["title"].as_str().unwrap().to_owned())
            .collect()
    };
    // Cluj county: the county's draft, Turda's consultation, the law; soonest first.
    let cluj = titles(
        app.get_as(&other, "/api/v1/deadlines?territorial_unit_code=RO-CJ")
            .await,
    );
    assert_eq!(cluj, ["Hotărâre CJ Cluj", "Strategia locală", "Lege"]);
    let everything = titles(app.get_as(&other, "/api/v1/deadlines?days=100").await);
    assert_eq!(everything.len(), 5, "{everything:?}");
    let lower_silesia = titles(
        app.get_as(&other, "/api/v1/deadlines?territorial_unit_code=02")
            .await,
    );
    assert_eq!(lower_silesia, ["Program dolnośląski", "Lege"]);
    let turdas = titles(
        app.get_as(
            &other,
            &format!("/api/v1/deadlines?organization_id={turda}"),
        )
        .await,
    );
    assert_eq!(turdas, ["Strategia locală"]);
    for bad in [
        "days=0",
        "territorial_unit_code=%0A",
        "territorial_unit_code=RO%20CJ",
        "territorial_unit_code=RO-XX",
    ] {
        app.get_as(&other, &format!("/api/v1/deadlines?{bad}"))
            .await
            .assert_problem(400, "invalid_parameter");
    }

    // Commented on: off the deadlines; a stale tag is refused.
    let uri = format!("/api/v1/watched-drafts/{}", county["id"].as_str().unwrap());
    let tag = app
        .get_as(&other, &uri)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let change = |tag: &str| {
        TestRequest::patch()
            .uri(&uri)
            .insert_header(("If-Match", tag.to_owned()))
            .set_json(json!({"status": "commented", "note": "Opinia trimisă."}))
    };
    app.send_as(&other, change(&tag))
        .await
        .assert_problem(403, "forbidden");
    let res = app.send_as(&member, change(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "commented");
    app.send_as(&member, change(&tag))
        .await
        .assert_problem(412, "precondition_failed");
    // The note is the organisation's own.
    assert_eq!(
        app.get_as(&member, &uri).await.json()["note"],
        "Opinia trimisă."
    );
    assert_eq!(app.get_as(&other, &uri).await.json()["note"], Value::Null);
    let listed = app.get_as(&other, "/api/v1/watched-drafts").await.json();
    assert!(
        listed["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["note"].is_null())
    );
    // Its source, issuer, area and unit can be corrected too.
    let res = app.get_as(&member, &uri).await;
    let fix = |body: Value| {
        TestRequest::patch()
            .uri(&uri)
            .insert_header(("If-Match", res.header("etag").unwrap().to_owned()))
            .set_json(body)
    };
    let problem = app
        .send_as(&member, fix(json!({"territorial_unit_code": "RO-XX"})))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "territorial_unit_code");
    let fixed = app
        .send_as(
            &member,
            fix(json!({"source_url": "https://cjcluj.ro/proiect", "issuer": "Consiliul Județean Cluj",
                       "policy_area": null, "territorial_unit_code": null})),
        )
        .await;
    assert_eq!(fixed.status, 200, "{}", fixed.text());
    let fixed = fixed.json();
    assert_eq!(fixed["source_url"], "https://cjcluj.ro/proiect");
    assert_eq!(fixed["issuer"], "Consiliul Județean Cluj");
    assert_eq!(fixed["policy_area"], Value::Null);
    assert_eq!(fixed["territorial_unit_code"], Value::Null);
    let cluj = titles(
        app.get_as(&other, "/api/v1/deadlines?territorial_unit_code=RO-CJ")
            .await,
    );
    assert_eq!(cluj, ["Strategia locală", "Lege"]);
}
