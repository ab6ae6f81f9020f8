//! Activities and campaigns: fields and their validation, the campaign rule and
//! its per-location report, who may record activities.

use actix_web::test::TestRequest;
use coopera::auth::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, user_actor};

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

async fn campaign(app: &TestApp, project: &str) -> Value {
    let res = app
        .post_json_as(
            &app.admin_token(),
            &format!("/api/v1/projects/{project}/campaigns"),
            json!({
                "name": "9 noiembrie", "starts_on": "2026-11-02", "ends_on": "2026-11-09",
                "min_actions_per_location": 2,
                "locations": ["Cluj-Napoca", "Dej", "Turda", "Gherla", "Târgu Mureș"]
            }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

async fn action(app: &TestApp, project: &str, campaign: &str, place: &str, day: &str) -> Value {
    let res = app
        .post_json_as(
            &app.admin_token(),
            &format!("/api/v1/projects/{project}/activities"),
            json!({"type": "campaign_action", "title": "Acțiune", "held_on": day,
                   "place": place, "campaign_id": campaign, "attendance": 30}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    res.json()
}

#[actix_web::test]
async fn an_activity_is_recorded_read_changed_listed_and_deleted() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("ACT-1").await;
    let org = app
        .create_org(json!({"name": "Fundacja Debaty", "kind": "ngo", "country": "PL"}))
        .await;
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/projects/{project}/activities"),
            json!({
                "type": "public_debate", "title": "  Debata o PALIS ", "held_on": "2026-10-14",
                "place": "Cluj-Napoca", "organizer_organization_id": org,
                "description": "Dezbatere publică", "attendance": 42,
                "outputs": ["https://example.org/minutes.pdf", "http://example.org/photos"]
            }),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let a = res.json();
    let id = a["id"].as_str().unwrap();
    assert_eq!(
        res.header("location"),
        Some(format!("/api/v1/activities/{id}").as_str())
    );
    assert_eq!(a["type"], "public_debate");
    assert_eq!(a["title"], "Debata o PALIS");
    assert_eq!(a["attendance"], 42);
    assert_eq!(a["outputs"][1], "http://example.org/photos");
    assert_eq!(a["organizer_organization_id"], org.as_str());
    let etag = res.header("etag").unwrap().to_owned();

    let got = app
        .get_as(&admin, &format!("/api/v1/activities/{id}"))
        .await;
    assert_eq!(got.json(), a);
    let stale = app
        .send_as(
            &admin,
            TestRequest::patch()
                .uri(&format!("/api/v1/activities/{id}"))
                .insert_header(("if-match", "\"nope.v9\""))
                .set_json(json!({"attendance": 50})),
        )
        .await;
    stale.assert_problem(412, "precondition_failed");
    let res = app
        .send_as(
            &admin,
            TestRequest::patch()
                .uri(&format!("/api/v1/activities/{id}"))
                .insert_header(("if-match", etag.as_str()))
                .set_json(json!({"attendance": 50, "description": null, "type": "workshop"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let changed = res.json();
    assert_eq!(changed["attendance"], 50);
    assert_eq!(changed["description"], Value::Null);
    assert_eq!(changed["type"], "workshop");
    assert_eq!(changed["version"], 2);

    for (query, n) in [
        ("", 1),
        ("?type=workshop", 1),
        ("?type=film", 0),
        ("?held_from=2026-10-14&held_to=2026-10-14", 1),
        ("?held_from=2026-10-15", 0),
    ] {
        let page = app
            .get_as(
                &admin,
                &format!("/api/v1/projects/{project}/activities{query}"),
            )
            .await
            .json();
        assert_eq!(page["items"].as_array().unwrap().len(), n, "{query}");
    }
    // The campaign filter is an id: not a UUID is a bad parameter, named.
    let p = app
        .get_as(
            &admin,
            &format!("/api/v1/projects/{project}/activities?campaign_id=x"),
        )
        .await
        .assert_problem(400, "invalid_parameter");
    assert_eq!(p["errors"][0]["field"], "campaign_id", "{p}");
    let none = app
        .get_as(
            &admin,
            &format!(
                "/api/v1/projects/{project}/activities?campaign_id=019a1b2c-0000-7000-8000-000000000099"
            ),
        )
        .await;
    assert_eq!(none.status, 200, "{}", none.text());
    assert_eq!(none.json()["items"], json!([]));

    let res = app
        .send_as(
            &admin,
            TestRequest::delete().uri(&format!("/api/v1/activities/{id}")),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    app.get_as(&admin, &format!("/api/v1/activities/{id}"))
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.logged_actions(id).await, ["create", "update", "delete"]);
}

#[actix_web::test]
async fn bad_activities_are_refused_naming_the_field_and_nothing_is_written() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("ACT-2").await;
    let uri = format!("/api/v1/projects/{project}/activities");
    let ok = json!({"type": "film", "title": "Film", "held_on": "2026-11-09"});
    for (patch, field) in [
        (json!({"type": "party"}), "type"),
        (json!({"title": ""}), "title"),
        (json!({"title": " \t "}), "title"),
        (json!({"held_on": "2026-13-01"}), "held_on"),
        (json!({"attendance": -1}), "attendance"),
        (json!({"attendance": 1_000_001}), "attendance"),
        (json!({"outputs": ["not a url"]}), "outputs"),
        (json!({"outputs": ["ftp://example.org/x"]}), "outputs"),
        (
            json!({"organizer_organization_id": "nope"}),
            "organizer_organization_id",
        ),
        (
            json!({"organizer_organization_id": "019a1b2c-0000-7000-8000-000000000001"}),
            "organizer_organization_id",
        ),
        (
            json!({"campaign_id": "019a1b2c-0000-7000-8000-000000000001"}),
            "campaign_id",
        ),
    ] {
        let mut body = ok.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let res = app.post_json_as(&admin, &uri, body).await;
        assert_eq!(res.status, 422, "{patch}: {}", res.text());
        let p = res.json();
        assert!(
            p["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"].as_str().unwrap().starts_with(field)),
            "{patch}: {p}"
        );
    }
    let page = app.get_as(&admin, &uri).await.json();
    assert_eq!(page["items"], json!([]));
    app.post_json_as(
        &admin,
        "/api/v1/projects/019a1b2c-0000-7000-8000-000000000001/activities",
        ok,
    )
    .await
    .assert_problem(404, "not_found");
}

#[actix_web::test]
async fn the_campaign_report_names_the_locations_that_fall_short() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("CAMP-1").await;
    let c = campaign(&app, &project).await;
    let id = c["id"].as_str().unwrap();
    assert_eq!(c["locations"][4], "Târgu Mureș");

    // Places are matched without case or diacritics, and stored as the
    // campaign spells them.
    let a = action(&app, &project, id, "  targu   MURES ", "2026-11-09").await;
    assert_eq!(a["place"], "Târgu Mureș");
    action(&app, &project, id, "Cluj-Napoca", "2026-11-09").await;
    action(&app, &project, id, "cluj-napoca", "2026-11-02").await;
    action(&app, &project, id, "Dej", "2026-11-05").await;

    let report = app
        .get_as(&admin, &format!("/api/v1/campaigns/{id}/report"))
        .await;
    assert_eq!(report.status, 200, "{}", report.text());
    let r = report.json();
    assert_eq!(r["met"], false);
    assert_eq!(r["total_actions"], 4);
    assert_eq!(
        r["short_locations"],
        json!(["Dej", "Turda", "Gherla", "Târgu Mureș"])
    );
    assert_eq!(
        r["locations"][0],
        json!({"name": "Cluj-Napoca", "actions": 2, "missing": 0, "met": true})
    );
    assert_eq!(
        r["locations"][2],
        json!({"name": "Turda", "actions": 0, "missing": 2, "met": false})
    );

    for place in ["Dej", "Turda", "Turda", "Gherla", "Gherla", "Târgu Mureș"] {
        action(&app, &project, id, place, "2026-11-09").await;
    }
    let r = app
        .get_as(&admin, &format!("/api/v1/campaigns/{id}/report"))
        .await
        .json();
    assert_eq!(r["met"], true);
    assert_eq!(r["short_locations"], json!([]));
    assert_eq!(r["total_actions"], 10);

    let listed = app
        .get_as(
            &admin,
            &format!("/api/v1/projects/{project}/activities?campaign_id={id}&limit=5"),
        )
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 5);
    assert!(listed["next_cursor"].is_string());
}

#[actix_web::test]
async fn a_campaign_action_takes_place_within_the_dates_at_a_campaign_location() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("CAMP-2").await;
    let other = app.create_project("CAMP-3").await;
    let c = campaign(&app, &project).await;
    let id = c["id"].as_str().unwrap();
    let uri = format!("/api/v1/projects/{project}/activities");
    let base = json!({"type": "campaign_action", "title": "A", "campaign_id": id});
    for (extra, expected) in [
        (
            json!({"held_on": "2026-11-09", "place": "Oradea"}),
            vec![("place", "not_a_campaign_location")],
        ),
        (
            json!({"held_on": "2026-11-09"}),
            vec![("place", "required")],
        ),
        (
            json!({"held_on": "2026-11-10", "place": "Dej"}),
            vec![("held_on", "outside_campaign")],
        ),
        (
            json!({"held_on": "2026-11-01", "place": "Sibiu"}),
            vec![
                ("held_on", "outside_campaign"),
                ("place", "not_a_campaign_location"),
            ],
        ),
    ] {
        let mut body = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        let p = app
            .post_json_as(&admin, &uri, body)
            .await
            .assert_problem(422, "validation_failed");
        let want: Vec<(String, String)> = expected
            .iter()
            .map(|(f, c)| (f.to_string(), c.to_string()))
            .collect();
        assert_eq!(fields(&p), want, "{extra}");
    }
    // A campaign of another project is not this project's.
    let p = app
        .post_json_as(
            &admin,
            &format!("/api/v1/projects/{other}/activities"),
            json!({"type": "campaign_action", "title": "A", "campaign_id": id,
                   "held_on": "2026-11-09", "place": "Dej"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(fields(&p), [("campaign_id".into(), "not_found".into())]);
    // Moving an action to a place outside the campaign is refused too.
    let a = action(&app, &project, id, "Dej", "2026-11-09").await;
    let p = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/activities/{}", a["id"].as_str().unwrap()),
            json!({"place": "Oradea"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(fields(&p)[0].0, "place");
}

#[actix_web::test]
async fn campaign_rules_are_validated_and_changes_keep_recorded_actions_valid() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("CAMP-4").await;
    let uri = format!("/api/v1/projects/{project}/campaigns");
    let ok = json!({"name": "C", "starts_on": "2026-11-01", "ends_on": "2026-11-09",
                    "min_actions_per_location": 2, "locations": ["Łódź", "Kraków"]});
    for (patch, field) in [
        (json!({"locations": ["Łódź", "LODZ"]}), "locations[1]"),
        (json!({"locations": ["  "]}), "locations"),
        (json!({"locations": []}), "locations"),
        (json!({"ends_on": "2026-10-31"}), "ends_on"),
        (
            json!({"min_actions_per_location": 0}),
            "min_actions_per_location",
        ),
        (json!({"name": ""}), "name"),
    ] {
        let mut body = ok.clone();
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let p = app
            .post_json_as(&admin, &uri, body)
            .await
            .assert_problem(422, "validation_failed");
        assert_eq!(fields(&p)[0].0, field, "{patch}: {p}");
    }
    assert_eq!(app.get_as(&admin, &uri).await.json()["items"], json!([]));

    let res = app.post_json_as(&admin, &uri, ok).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let c = res.json();
    let id = c["id"].as_str().unwrap();
    action(&app, &project, id, "lodz", "2026-11-05").await;
    let campaign_uri = format!("/api/v1/campaigns/{id}");

    let p = app
        .patch_json_as(
            &admin,
            &campaign_uri,
            json!({"locations": ["Kraków", "Gdańsk"]}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        fields(&p),
        [("locations".into(), "location_has_actions".into())]
    );
    let p = app
        .patch_json_as(&admin, &campaign_uri, json!({"starts_on": "2026-11-06"}))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(
        fields(&p),
        [("starts_on".into(), "actions_outside_period".into())]
    );

    // Respelling a location keeps its actions and their place follows.
    let res = app
        .patch_json_as(
            &admin,
            &campaign_uri,
            json!({"locations": ["ŁÓDŹ", "Kraków", "Gdańsk"], "min_actions_per_location": 1}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["locations"], json!(["ŁÓDŹ", "Kraków", "Gdańsk"]));
    let r = app
        .get_as(&admin, &format!("{campaign_uri}/report"))
        .await
        .json();
    assert_eq!(r["short_locations"], json!(["Kraków", "Gdańsk"]));
    let listed = app
        .get_as(&admin, &format!("/api/v1/projects/{project}/activities"))
        .await
        .json();
    assert_eq!(listed["items"][0]["place"], "ŁÓDŹ");
    assert_eq!(
        listed["items"][0]["version"], 2,
        "a respelt place is a new version"
    );
    let campaigns = app.get_as(&admin, &uri).await.json();
    assert_eq!(campaigns["items"][0]["locations"][0], "ŁÓDŹ");
}

#[actix_web::test]
async fn a_partner_organisations_admin_records_its_own_activities_only_while_a_partner() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let project = app.create_project("ACT-P").await;
    let ngo = app
        .create_org(json!({"name": "Asociația A", "kind": "ngo", "country": "RO"}))
        .await;
    let outsider = app
        .create_org(json!({"name": "Asociația B", "kind": "ngo", "country": "RO"}))
        .await;
    let res = app
        .post_json_as(
            &admin,
            "/api/v1/partnerships",
            json!({"name": "P", "project_id": project}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let partnership = res.json()["id"].as_str().unwrap().to_owned();
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/partnerships/{partnership}/members"),
            json!({"organization_id": ngo, "role": "partner"}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    let member = res.json()["id"].as_str().unwrap().to_owned();
    let user = app
        .create_user(
            "ngo-admin@example.org",
            "a long enough passphrase",
            vec![],
            None,
        )
        .await;
    let token_for = |org: &str| {
        // One user an organisation: roles are read from the database.
        app.token(&user_actor(
            &format!("{user}-{org}"),
            None,
            vec![Role::OrgAdmin {
                organization_id: org.to_owned(),
            }],
        ))
    };
    let ngo_admin = token_for(&ngo);
    let uri = format!("/api/v1/projects/{project}/activities");
    let body = |org: &str| json!({"type": "workshop", "title": "W", "held_on": "2026-06-01", "organizer_organization_id": org});
    let res = app.post_json_as(&ngo_admin, &uri, body(&ngo)).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let activity = res.json()["id"].as_str().unwrap().to_owned();
    // Not for another organisation, nor without naming itself as organiser.
    app.post_json_as(&ngo_admin, &uri, body(&outsider))
        .await
        .assert_problem(403, "forbidden");
    app.post_json_as(
        &ngo_admin,
        &uri,
        json!({"type": "workshop", "title": "W", "held_on": "2026-06-01"}),
    )
    .await
    .assert_problem(403, "forbidden");
    // Nor hand its activity over to another organisation.
    app.patch_json_as(
        &ngo_admin,
        &format!("/api/v1/activities/{activity}"),
        json!({"organizer_organization_id": outsider}),
    )
    .await
    .assert_problem(403, "forbidden");
    // An organisation outside the project's partnerships may not record.
    app.post_json_as(&token_for(&outsider), &uri, body(&outsider))
        .await
        .assert_problem(403, "forbidden");
    // Once it has left the partnership, neither may the former partner.
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/partnerships/{partnership}/members/{member}/leave"),
            json!({}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.post_json_as(&ngo_admin, &uri, body(&ngo))
        .await
        .assert_problem(403, "forbidden");
}
