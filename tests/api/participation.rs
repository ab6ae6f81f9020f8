//! Participation bodies: who manages them, members per constituency (and
//! whose names stay private), the constituency balance on a day, and the
//! collective opinions a body files in a consultation.

use actix_web::test::TestRequest;
use chrono::Duration;
use serde_json::{Value, json};

use crate::consultations::{announce, at};
use crate::support::{TestApp, user_actor};
use coopera::auth::Role;

const BODIES: &str = "/api/v1/participation-bodies";

/// A platform of voivodeship 02, run by a new NGO: (body, its token of the
/// NGO's admin, the NGO's id).
async fn platform(app: &TestApp) -> (Value, String, String) {
    let (ngo, admin) = app
        .organization_with_admin(
            json!({"name": "Fundacja Sekretariat", "kind": "ngo", "country": "PL"}),
        )
        .await;
    let body = app
        .created(
            &admin,
            BODIES,
            json!({"name": "Regionalna Platforma Społeczna", "kind": "regional_social_platform",
                   "territorial_unit_code": "02", "secretariat_organization_id": ngo}),
        )
        .await;
    (body, admin, ngo)
}

fn members(body: &Value) -> String {
    format!("{BODIES}/{}/members", body["id"].as_str().unwrap())
}

fn member_of(org: &str) -> coopera::auth::Actor {
    user_actor(
        &format!("member-of-{org}"),
        None,
        vec![Role::OrgMember {
            organization_id: org.to_owned(),
        }],
    )
}

#[actix_web::test]
async fn a_bodys_secretariat_admins_manage_it_and_anybody_reads_it() {
    let app = TestApp::new().await;
    let (ngo, admin) = app
        .organization_with_admin(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    let form = json!({"name": "Rada Działalności Pożytku Publicznego", "kind": "public_benefit_council",
                      "territorial_unit_code": "02", "secretariat_organization_id": ngo});
    // The caller is checked before the body.
    app.post_json(BODIES, json!({}))
        .await
        .assert_problem(401, "unauthorized");
    let member = app.token(&member_of(&ngo));
    app.post_json_as(&member, BODIES, form.clone())
        .await
        .assert_problem(403, "forbidden");
    let (_, other_admin) = app
        .organization_with_admin(json!({"name": "Inna", "kind": "ngo", "country": "PL"}))
        .await;
    app.post_json_as(&other_admin, BODIES, form.clone())
        .await
        .assert_problem(403, "forbidden");
    let mut bad = form.clone();
    bad["territorial_unit_code"] = json!("99");
    let problem = app
        .post_json_as(&admin, BODIES, bad)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "territorial_unit_code");

    let res = app.post_json_as(&admin, BODIES, form).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let body = res.json();
    let uri = res.header("location").unwrap().to_owned();
    // Public: the body, the list and its balance need no token.
    let read = app.get(&uri).await;
    assert_eq!(read.json()["kind"], "public_benefit_council");
    let tag = read.header("etag").unwrap().to_owned();
    let listed = app
        .get(&format!(
            "{BODIES}?territorial_unit_code=02&kind=public_benefit_council"
        ))
        .await
        .json();
    assert_eq!(listed["items"][0]["id"], body["id"]);
    app.get(&format!("{BODIES}?territorial_unit_code="))
        .await
        .assert_problem(400, "invalid_parameter");
    let none = app
        .get(&format!("{BODIES}?kind=regional_social_platform"))
        .await
        .json();
    assert_eq!(none["items"].as_array().unwrap().len(), 0);

    let change = |tag: &str| {
        TestRequest::patch()
            .uri(&uri)
            .insert_header(("If-Match", tag.to_owned()))
            .set_json(
                json!({"name": "Powiatowa Rada Pożytku", "description": "Kadencja 2026–2030"}),
            )
    };
    app.send_as(&member, change(&tag))
        .await
        .assert_problem(403, "forbidden");
    let res = app.send_as(&admin, change(&tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["name"], "Powiatowa Rada Pożytku");
    assert_eq!(res.json()["version"], 2);
    app.send_as(&admin, change(&tag))
        .await
        .assert_problem(412, "precondition_failed");
    // A platform-wide admin may manage any body.
    let res = app
        .send_as(&app.admin_token(), change(res.header("etag").unwrap()))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
}

#[actix_web::test]
async fn members_sit_for_a_constituency_and_the_body_reports_its_balance() {
    let app = TestApp::new().await;
    let (body, admin, ngo) = platform(&app).await;
    let uri = members(&body);
    let county = app
        .create_org(json!({"name": "Regionalny Ośrodek Polityki Społecznej", "kind": "public_institution", "country": "PL"}))
        .await;
    let joined = "2026-01-01";
    let seat = |constituency: &str, name: &str, org: Option<&str>| json!({"constituency": constituency, "name": name, "organization_id": org, "joined_on": joined});
    // An NGO's seat names its organisation, of a fitting kind.
    let problem = app
        .post_json_as(&admin, &uri, seat("ngo", "Anna", None))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "organization_id");
    assert_eq!(problem["errors"][0]["code"], "required");
    let problem = app
        .post_json_as(&admin, &uri, seat("administration", "Anna", Some(&ngo)))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "wrong_kind");
    let mut early = seat("excluded_persons", "Jan", None);
    early["left_on"] = json!("2025-12-31");
    let problem = app
        .post_json_as(&admin, &uri, early)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "left_on");
    // Only the secretariat's admins add members.
    let outsider = app.token(&member_of(&county));
    app.post_json_as(&outsider, &uri, seat("ngo", "Anna", Some(&ngo)))
        .await
        .assert_problem(403, "forbidden");

    let excluded = app
        .created(
            &admin,
            &uri,
            seat("excluded_persons", "Janina Nowicka", None),
        )
        .await;
    assert_eq!(excluded["name"], "Janina Nowicka");
    assert_eq!(excluded["role"], "member");
    app.created(&admin, &uri, seat("ngo", "Anna Kowalczyk", Some(&ngo)))
        .await;
    let official = app
        .created(
            &admin,
            &uri,
            seat("administration", "Beata Wiśniewska", Some(&county)),
        )
        .await;

    // Members are for signed-in users; the name of a person affected by
    // exclusion for those who manage the body only.
    app.get(&uri).await.assert_problem(401, "unauthorized");
    let seen = app.get_as(&outsider, &uri).await.json();
    let names: Vec<&Value> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| &m["name"])
        .collect();
    assert_eq!(
        names,
        [
            &Value::Null,
            &json!("Anna Kowalczyk"),
            &json!("Beata Wiśniewska")
        ]
    );
    let one = format!("{uri}/{}", excluded["id"].as_str().unwrap());
    assert_eq!(
        app.get_as(&outsider, &one).await.json()["name"],
        Value::Null
    );
    assert_eq!(
        app.get_as(&admin, &one).await.json()["name"],
        "Janina Nowicka"
    );
    let managed = app.get_as(&admin, &uri).await.json();
    assert_eq!(managed["items"][0]["name"], "Janina Nowicka");

    let balance_uri = format!("{BODIES}/{}/balance", body["id"].as_str().unwrap());
    let balance = app
        .get(&format!("{balance_uri}?on=2026-06-01"))
        .await
        .json();
    assert_eq!(balance["members"], 3);
    assert_eq!(balance["balanced"], true);
    assert_eq!(balance["constituencies"][0]["share_percent"], 33.3);
    // Before anyone joined: empty and unbalanced.
    let before = app
        .get(&format!("{balance_uri}?on=2025-06-01"))
        .await
        .json();
    assert_eq!(before["members"], 0);
    assert_eq!(before["unrepresented"].as_array().unwrap().len(), 3);
    assert_eq!(before["balanced"], false);

    // The official leaves: administration is unrepresented from that day.
    let official_uri = format!("{uri}/{}", official["id"].as_str().unwrap());
    let tag = app
        .get_as(&admin, &official_uri)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let leave = |body: Value, tag: &str| {
        TestRequest::patch()
            .uri(&official_uri)
            .insert_header(("If-Match", tag.to_owned()))
            .set_json(body)
    };
    let problem = app
        .send_as(&admin, leave(json!({"left_on": "2025-01-01"}), &tag))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "left_on");
    app.send_as(&outsider, leave(json!({"left_on": "2026-07-01"}), &tag))
        .await
        .assert_problem(403, "forbidden");
    let res = app
        .send_as(&admin, leave(json!({"left_on": "2026-07-01"}), &tag))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let after = app
        .get(&format!("{balance_uri}?on=2026-07-01"))
        .await
        .json();
    assert_eq!(after["unrepresented"], json!(["administration"]));
    assert_eq!(after["balanced"], false);
    assert_eq!(
        app.get(&format!("{balance_uri}?on=2026-06-30"))
            .await
            .json()["members"],
        3
    );
    let sitting = app
        .get_as(&outsider, &format!("{uri}?sitting_on=2026-07-01"))
        .await
        .json();
    assert_eq!(sitting["items"].as_array().unwrap().len(), 2);
    // A second NGO seat gives the NGOs a majority.
    app.created(&admin, &uri, seat("ngo", "Marek", Some(&ngo)))
        .await;
    let now = app
        .get(&format!("{balance_uri}?on=2026-08-01"))
        .await
        .json();
    assert_eq!(now["majority"], "ngo");
    // A member of another body is not this body's.
    let (other, _, _) = platform(&app).await;
    app.get_as(
        &admin,
        &format!("{}/{}", members(&other), excluded["id"].as_str().unwrap()),
    )
    .await
    .assert_problem(404, "not_found");
}

/// An open consultation taking `forms`, of a new public institution: (id,
/// its admin's token).
pub(crate) async fn open_consultation(app: &TestApp, forms: Value) -> (String, String) {
    let (org, token) = app
        .organization_with_admin(
            json!({"name": "Urząd Marszałkowski", "kind": "public_institution", "country": "PL"}),
        )
        .await;
    let c = app
        .created(
            &token,
            "/api/v1/consultations",
            json!({"subject": "Regionalny program polityki społecznej", "kind": "strategy",
                   "initiating_organization_id": org, "forms": forms,
                   "opens_at": at(Duration::seconds(-5)), "closes_at": at(Duration::days(14))}),
        )
        .await;
    let id = c["id"].as_str().unwrap().to_owned();
    app.created(
        &token,
        &format!("/api/v1/consultations/{id}/versions"),
        json!({"title": "Projekt", "sections": [{"number": "1", "body": "Cele programu."}]}),
    )
    .await;
    let res = announce(app, &token, &id).await;
    assert_eq!(res.status, 200, "{}", res.text());
    (id, token)
}

#[actix_web::test]
async fn a_body_files_a_collective_opinion_where_the_consultation_takes_them() {
    let app = TestApp::new().await;
    let (body, _, ngo) = platform(&app).await;
    let body_id = body["id"].as_str().unwrap();
    let (id, initiator) =
        open_consultation(&app, json!(["written_comments", "body_opinion"])).await;
    let uri = format!("/api/v1/consultations/{id}/submissions");
    let opinion = json!({"body_id": body_id, "justification": "Platforma popiera program."});
    // Signed in, and a member of the body's secretariat.
    app.post_json(&uri, opinion.clone())
        .await
        .assert_problem(401, "unauthorized");
    let (other, _) = app
        .organization_with_admin(json!({"name": "Inna", "kind": "ngo", "country": "PL"}))
        .await;
    app.post_json_as(&app.token(&member_of(&other)), &uri, opinion.clone())
        .await
        .assert_problem(403, "forbidden");
    let secretary = app.token(&member_of(&ngo));
    let mut both = opinion.clone();
    both["organization_id"] = json!(ngo);
    let problem = app
        .post_json_as(&secretary, &uri, both)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "body_id");
    let problem = app
        .post_json_as(
            &secretary,
            &uri,
            json!({"body_id": "01a23101-0000-7000-8000-000000000099", "justification": "X"}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "body_id");

    let res = app.post_json_as(&secretary, &uri, opinion.clone()).await;
    assert_eq!(res.status, 201, "{}", res.text());
    assert_eq!(res.json()["submitter_kind"], "body");
    assert_eq!(res.json()["body_id"], body_id);
    // The report counts it as the body's, by name.
    let report = app
        .get_as(&initiator, &format!("/api/v1/consultations/{id}/report"))
        .await
        .json();
    let kinds: Vec<(&str, i64)> = report["by_submitter_kind"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["submitter_kind"].as_str().unwrap(),
                k["total"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(kinds, [("body", 1)]);
    assert_eq!(
        report["submissions"][0]["submitter"],
        "Regionalna Platforma Społeczna"
    );

    // A consultation without the `body_opinion` form takes none.
    let (plain, _) = open_consultation(&app, json!(["written_comments"])).await;
    app.post_json_as(
        &secretary,
        &format!("/api/v1/consultations/{plain}/submissions"),
        opinion,
    )
    .await
    .assert_problem(409, "conflict");
}
