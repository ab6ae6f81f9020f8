//! Consultations: the life and its clock, the minimum comment period, the
//! document's versions and their comparison, submissions by organisations
//! and individuals, responses, and the report (JSON, CSV, public once
//! published, without individuals' names).

use actix_web::test::TestRequest;
use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::{Value, json};

use crate::support::{TestApp, user_actor};
use coopera::auth::Role;

const SUBMISSIONS: &str = "/api/v1/consultations/{id}/submissions";

pub(crate) fn at(offset: Duration) -> String {
    (Utc::now() + offset).to_rfc3339()
}

/// An organisation (of `country`), a token of its admin, and a draft
/// consultation of it with a first version of two sections, comments open
/// from now for `days`.
async fn draft(app: &TestApp, country: &str, days: i64) -> (String, String, String) {
    let (org, token) = app
        .organization_with_admin(
            json!({"name": format!("Urząd {country}"), "kind": "public_institution", "country": country}),
        )
        .await;
    let body = json!({"subject": "Roczny program współpracy 2027", "kind": "cooperation_programme",
        "initiating_organization_id": org, "forms": ["written_comments", "public_meeting"],
        "opens_at": at(Duration::seconds(-5)), "closes_at": at(Duration::days(days))});
    let consultation = app.created(&token, "/api/v1/consultations", body).await;
    let id = consultation["id"].as_str().unwrap().to_owned();
    assert_eq!(consultation["status"], "draft");
    let version = json!({"title": "Projekt uchwały", "sections": [
        {"number": "§ 1", "heading": "Cele", "body": "Program określa cele współpracy."},
        {"number": "§ 2", "body": "Na realizację programu przeznacza się 100 000 zł."}]});
    app.created(
        &token,
        &format!("/api/v1/consultations/{id}/versions"),
        version,
    )
    .await;
    (org, token, id)
}

pub(crate) async fn announce(app: &TestApp, token: &str, id: &str) -> crate::support::TestResponse {
    app.post_json_as(
        token,
        &format!("/api/v1/consultations/{id}/announce"),
        json!({}),
    )
    .await
}

fn submissions(id: &str) -> String {
    SUBMISSIONS.replace("{id}", id)
}

fn individual(name: &str) -> Value {
    json!({"name": name, "email": "obywatel@example.org", "justification": "Za mało środków.",
           "proposed_wording": "Na realizację programu przeznacza się 150 000 zł."})
}

/// Moves the consultation's clock: `opens_at` and `closes_at` as given.
async fn set_times(app: &TestApp, id: &str, opens: Duration, closes: Duration) {
    use coopera::db::schema::consultations as co;
    let id = id.to_owned();
    let now = coopera::db::now();
    app.db(move |conn| {
        diesel::update(co::table.find(&id))
            .set((co::opens_at.eq(now + opens), co::closes_at.eq(now + closes)))
            .execute(conn)?;
        Ok(())
    })
    .await;
}

#[actix_web::test]
async fn a_consultation_lives_from_draft_to_its_published_report() {
    let app = TestApp::new().await;
    let (org, token, id) = draft(&app, "PL", 14).await;
    let uri = format!("/api/v1/consultations/{id}");
    // A draft is its organisation's own.
    app.get(&uri).await.assert_problem(404, "not_found");
    let other = app.token(&user_actor(
        "admin-of-another",
        None,
        vec![Role::OrgAdmin {
            organization_id: app
                .create_org(json!({"name": "Inna gmina", "kind": "ngo", "country": "PL"}))
                .await,
        }],
    ));
    app.get_as(&other, &uri)
        .await
        .assert_problem(404, "not_found");
    app.patch_json_as(&other, &uri, json!({"subject": "X"}))
        .await
        .assert_problem(404, "not_found");
    let listed = app.get("/api/v1/consultations").await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 0);
    app.post_json(&submissions(&id), individual("Jan Nowak"))
        .await
        .assert_problem(404, "not_found");

    let res = announce(&app, &token, &id).await;
    assert_eq!(res.status, 200, "{}", res.text());
    // Its opening has passed: it is open at once, and public.
    let shown = app.get(&uri).await;
    assert_eq!(shown.json()["status"], "open");
    assert_eq!(shown.json()["minimum_period_days"], 7);
    assert_eq!(
        shown.json()["allowed_transitions"],
        json!(["close", "cancel"])
    );
    let open = app.get("/api/v1/consultations?status=open").await.json();
    assert_eq!(open["items"][0]["id"], id.as_str());

    // An individual comments on a section, without an account.
    let doc = app.get(&format!("{uri}/versions/1")).await.json();
    let section = doc["sections"][1]["id"].as_str().unwrap().to_owned();
    let mut body = individual("Ștefan Țărănescu");
    body["section_id"] = json!(section);
    let by_individual = app.post_json(&submissions(&id), body).await;
    assert_eq!(by_individual.status, 201, "{}", by_individual.text());
    let by_individual = by_individual.json();
    assert_eq!(by_individual["submitter_kind"], "individual");
    assert_eq!(by_individual["version_number"], 1);
    // An NGO's member comments on the whole document on its behalf.
    let ngo = app
        .create_org(json!({"name": "Stowarzyszenie Razem", "kind": "ngo", "country": "PL"}))
        .await;
    let member = app.token(&user_actor(
        "member-of-ngo",
        None,
        vec![Role::OrgMember {
            organization_id: ngo.clone(),
        }],
    ));
    let body = json!({"organization_id": ngo, "justification": "Brak działań dla seniorów."});
    let by_ngo = app
        .post_json_as(&member, &submissions(&id), body.clone())
        .await;
    assert_eq!(by_ngo.status, 201, "{}", by_ngo.text());
    let by_ngo = by_ngo.json();
    assert_eq!(by_ngo["submitter_kind"], "organization");
    assert_eq!(by_ngo["section_id"], Value::Null);
    // Not on behalf of an organisation one is not a member of, nor anonymously.
    app.post_json_as(&other, &submissions(&id), body.clone())
        .await
        .assert_problem(403, "forbidden");
    app.post_json(&submissions(&id), body)
        .await
        .assert_problem(401, "unauthorized");
    // An individual names themself.
    let problem = app
        .post_json(&submissions(&id), json!({"justification": "X"}))
        .await
        .assert_problem(422, "validation_failed");
    let fields: Vec<_> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["name", "email"]);

    // The submitter reads theirs; the organisation's admin reads all.
    let own = format!(
        "/api/v1/consultation-submissions/{}",
        by_ngo["id"].as_str().unwrap()
    );
    assert_eq!(app.get_as(&member, &own).await.status, 200);
    app.get_as(&other, &own)
        .await
        .assert_problem(403, "forbidden");
    let all = app.get_as(&token, &submissions(&id)).await;
    assert_eq!(all.header("cache-control"), Some("no-store"));
    let all = all.json();
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    // A non-manager gets no report before it is published.
    app.get(&format!("{uri}/report"))
        .await
        .assert_problem(409, "conflict");

    // The clock closes it: no more submissions.
    set_times(&app, &id, Duration::days(-20), Duration::seconds(-1)).await;
    let closed = app.get(&uri).await;
    assert_eq!(closed.json()["status"], "closed");
    assert_ne!(closed.header("etag"), shown.header("etag"));
    app.post_json(&submissions(&id), individual("Za późno"))
        .await
        .assert_problem(409, "conflict");

    // The report waits for every response.
    let res = app
        .post_json_as(&token, &format!("{uri}/publish-report"), json!({}))
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .starts_with("2 submission")
    );
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2);
    let respond = |sub: &Value| {
        format!(
            "/api/v1/consultation-submissions/{}/response",
            sub["id"].as_str().unwrap()
        )
    };
    let res = app
        .send_as(
            &token,
            TestRequest::put()
                .uri(&respond(&by_individual))
                .set_json(json!({"status": "rejected"})),
        )
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "justification");
    for (sub, answer) in [
        (
            &by_individual,
            json!({"status": "partially_accepted", "justification": "Kwota zwiększona do 120 000 zł."}),
        ),
        (
            &by_ngo,
            json!({"status": "rejected", "justification": "Poza zakresem programu."}),
        ),
    ] {
        let res = app
            .send_as(
                &token,
                TestRequest::put().uri(&respond(sub)).set_json(answer),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    // Nobody else answers.
    let res = app
        .send_as(
            &member,
            TestRequest::put()
                .uri(&respond(&by_ngo))
                .set_json(json!({"status": "accepted"})),
        )
        .await;
    res.assert_problem(403, "forbidden");
    let res = app
        .post_json_as(&token, &format!("{uri}/publish-report"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "report_published");
    // Published: public, without the individual's name.
    let report = app.get(&format!("{uri}/report")).await.json();
    assert_eq!(report["totals"]["total"], 2);
    assert_eq!(report["totals"]["partially_accepted"], 1);
    assert_eq!(report["totals"]["rejected"], 1);
    assert_eq!(
        report["by_submitter_kind"][0]["submitter_kind"],
        "organization"
    );
    assert_eq!(report["by_section"][0]["section_id"], Value::Null);
    assert_eq!(report["by_section"][1]["number"], "§ 2");
    let text = report.to_string();
    assert!(text.contains("Stowarzyszenie Razem"));
    assert!(
        !text.contains("Țărănescu") && !text.contains("obywatel@"),
        "{text}"
    );
    let private = app.get_as(&token, &format!("{uri}/report")).await.json();
    assert!(private.to_string().contains("Ștefan Țărănescu"));
    let csv = app.get(&format!("{uri}/report?format=csv")).await;
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    let csv = csv.text();
    assert!(csv.starts_with("submission_id,version_number,section_number"));
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(!csv.contains("Țărănescu"));
    // Final: no more responses, no change.
    let res = app
        .send_as(
            &token,
            TestRequest::put()
                .uri(&respond(&by_ngo))
                .set_json(json!({"status": "accepted"})),
        )
        .await;
    res.assert_problem(409, "conflict");
    app.patch_json_as(&token, &uri, json!({"report_due_at": null}))
        .await
        .assert_problem(409, "invalid_transition");
    let _ = org;
}

#[actix_web::test]
async fn opening_needs_a_document_and_the_minimum_period_for_its_kind_and_country() {
    let app = TestApp::new().await;
    let (org, token) = app
        .organization_with_admin(
            json!({"name": "Gmina", "kind": "public_institution", "country": "PL"}),
        )
        .await;
    let body = json!({"subject": "Uchwała", "kind": "local_act", "initiating_organization_id": org,
        "opens_at": at(Duration::days(1)), "closes_at": at(Duration::days(7))});
    let id = app.created(&token, "/api/v1/consultations", body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let problem = announce(&app, &token, &id)
        .await
        .assert_problem(422, "validation_failed");
    let codes: Vec<_> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        codes,
        [("document", "required"), ("closes_at", "period_too_short")]
    );
    assert_eq!(problem["current_state"], "draft");

    // Ten days in Romania (Law 52/2003); eight are not enough there.
    let (_, ro_token, ro) = draft(&app, "RO", 8).await;
    let problem = announce(&app, &ro_token, &ro)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "period_too_short");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("10 days")
    );
    let uri = format!("/api/v1/consultations/{ro}");
    let res = app
        .patch_json_as(
            &ro_token,
            &uri,
            json!({"closes_at": at(Duration::days(11))}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["minimum_period_days"], 10);
    assert_eq!(announce(&app, &ro_token, &ro).await.status, 200);
    // Its opening had passed: it opened when announced, so closing it by
    // hand now would cut the comment period short.
    app.post_json_as(&ro_token, &format!("{uri}/close"), json!({}))
        .await
        .assert_problem(422, "validation_failed");
    // Instants lie in four-digit years from 1970.
    let far = json!({"subject": "X", "kind": "other", "initiating_organization_id": org,
        "closes_at": "0500-01-01T00:00:00Z"});
    let problem = app
        .post_json_as(&token, "/api/v1/consultations", far)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "out_of_range");

    // Announced for later: it opens by itself, or early by hand, if the
    // period from now is long enough.
    let (_, token, id) = draft(&app, "PL", 30).await;
    let uri = format!("/api/v1/consultations/{id}");
    let res = app
        .patch_json_as(
            &token,
            &uri,
            json!({"opens_at": at(Duration::days(2)), "closes_at": at(Duration::days(10))}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        announce(&app, &token, &id).await.json()["status"],
        "announced"
    );
    app.post_json(&submissions(&id), individual("Za wcześnie"))
        .await
        .assert_problem(409, "conflict");
    // An announced consultation keeps the minimum period.
    app.patch_json_as(&token, &uri, json!({"closes_at": at(Duration::days(5))}))
        .await
        .assert_problem(422, "validation_failed");
    let res = app
        .post_json_as(&token, &format!("{uri}/open"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "open");
    // Open: only a later closing; and no closing by hand before the minimum.
    let problem = app
        .patch_json_as(
            &token,
            &uri,
            json!({"subject": "Inny", "closes_at": at(Duration::days(9))}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "subject");
    assert_eq!(problem["errors"][0]["code"], "frozen");
    assert_eq!(problem["errors"][1]["code"], "earlier");
    app.post_json_as(&token, &format!("{uri}/close"), json!({}))
        .await
        .assert_problem(422, "validation_failed");
    set_times(&app, &id, Duration::days(-8), Duration::days(2)).await;
    let res = app
        .post_json_as(&token, &format!("{uri}/close"), json!({}))
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "closed");
    app.post_json_as(&token, &format!("{uri}/cancel"), json!({"reason": "x"}))
        .await
        .assert_problem(409, "invalid_transition");
}

#[actix_web::test]
async fn a_cancelled_consultation_says_why_and_changes_no_more() {
    let app = TestApp::new().await;
    let (_, token, id) = draft(&app, "PL", 14).await;
    let uri = format!("/api/v1/consultations/{id}");
    app.post_json_as(&token, &format!("{uri}/cancel"), json!({"reason": "  "}))
        .await
        .assert_problem(422, "validation_failed");
    let res = app
        .post_json_as(
            &token,
            &format!("{uri}/cancel"),
            json!({"reason": "Projekt wycofany."}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["cancel_reason"], "Projekt wycofany.");
    assert_eq!(res.json()["allowed_transitions"], json!([]));
    app.patch_json_as(&token, &uri, json!({"subject": "X"}))
        .await
        .assert_problem(409, "invalid_transition");
    let version = json!({"title": "v2", "sections": [{"number": "§ 1", "body": "X"}]});
    app.post_json_as(&token, &format!("{uri}/versions"), version)
        .await
        .assert_problem(409, "invalid_transition");
    // Never announced, so never public.
    app.get(&uri).await.assert_problem(404, "not_found");
}

#[actix_web::test]
async fn versions_keep_their_sections_ids_and_submissions_their_version() {
    let app = TestApp::new().await;
    let (_, token, id) = draft(&app, "PL", 14).await;
    assert_eq!(announce(&app, &token, &id).await.status, 200);
    let uri = format!("/api/v1/consultations/{id}");
    let v1 = app.get(&format!("{uri}/versions/1")).await;
    let tag = v1.header("etag").unwrap().to_owned();
    let v1 = v1.json();
    let (goals, money) = (
        v1["sections"][0]["id"].as_str().unwrap().to_owned(),
        v1["sections"][1]["id"].as_str().unwrap().to_owned(),
    );
    let mut body = individual("Anna");
    body["section_id"] = json!(goals);
    let on_v1 = app.post_json(&submissions(&id), body).await;
    assert_eq!(on_v1.status, 201, "{}", on_v1.text());
    let on_v1 = on_v1.json();
    // Version 2: the goals removed, the money reworded and renumbered, a
    // new section.
    let v2 = json!({"title": "Projekt po konsultacjach", "note": "Zwiększone środki.", "sections": [
        {"number": "§ 1", "body": "Program obowiązuje w 2027 roku."},
        {"id": money, "number": "§ 2", "body": "Na realizację programu przeznacza się 150 000 zł."}]});
    // With the consultation's tag, as read: the version guards the document.
    let consultation_tag = app
        .get_as(&token, &uri)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let res = app
        .send_as(
            &token,
            TestRequest::post()
                .uri(&format!("{uri}/versions"))
                .insert_header(("If-Match", consultation_tag.as_str()))
                .set_json(v2.clone()),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text());
    app.send_as(
        &token,
        TestRequest::post()
            .uri(&format!("{uri}/versions"))
            .insert_header(("If-Match", consultation_tag.as_str()))
            .set_json(v2),
    )
    .await
    .assert_problem(412, "precondition_failed");
    assert_eq!(res.json()["number"], 2);
    assert_eq!(app.get(&uri).await.json()["document_version"], 2);
    // The old version is still there, unchanged.
    let again = app
        .send(
            TestRequest::get()
                .uri(&format!("{uri}/versions/1"))
                .insert_header(("If-None-Match", tag.as_str())),
        )
        .await;
    assert_eq!(again.status, 304);
    let listed = app.get(&format!("{uri}/versions")).await.json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 2);
    assert_eq!(listed["items"][1]["sections"], 2);
    // The comparison, section by section.
    let diff = app
        .get(&format!("{uri}/comparison?from=1&to=2"))
        .await
        .json();
    let changes: Vec<_> = diff["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["change"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(changes, ["added", "reworded", "removed"]);
    assert_eq!(diff["sections"][1]["section_id"], money.as_str());
    let runs = &diff["sections"][1]["text"];
    assert!(
        runs.as_array()
            .unwrap()
            .iter()
            .any(|r| r["change"] == "removed" && r["text"] == "100")
    );
    assert!(
        runs.as_array()
            .unwrap()
            .iter()
            .any(|r| r["change"] == "added" && r["text"] == "150")
    );
    app.get(&format!("{uri}/comparison?from=1&to=3"))
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("{uri}/comparison?from=0&to=1"))
        .await
        .assert_problem(400, "invalid_parameter");
    // The earlier submission keeps its version; the removed section takes
    // no new ones; an unknown section id in a new version is named.
    let read = app
        .get_as(
            &token,
            &format!(
                "/api/v1/consultation-submissions/{}",
                on_v1["id"].as_str().unwrap()
            ),
        )
        .await
        .json();
    assert_eq!(read["version_number"], 1);
    let mut body = individual("Anna");
    body["section_id"] = json!(goals);
    let problem = app
        .post_json(&submissions(&id), body)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "section_id");
    let v3 = json!({"title": "v3", "sections": [{"id": goals, "number": "§ 1", "body": "X"},
        {"number": "§ 1", "body": "Y"}]});
    let problem = app
        .post_json_as(&token, &format!("{uri}/versions"), v3)
        .await
        .assert_problem(422, "validation_failed");
    let fields: Vec<_> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(fields, ["sections[0].id", "sections[1].number"]);
}

#[actix_web::test]
async fn a_stale_tag_is_refused_and_the_clock_changes_the_tag() {
    let app = TestApp::new().await;
    let (_, token, id) = draft(&app, "PL", 14).await;
    let uri = format!("/api/v1/consultations/{id}");
    let res = app.get_as(&token, &uri).await;
    let tag = res.header("etag").unwrap().to_owned();
    let change = |tag: &str| {
        TestRequest::patch()
            .uri(&uri)
            .insert_header(("If-Match", tag.to_owned()))
            .set_json(json!({"description": "Opis"}))
    };
    assert_eq!(app.send_as(&token, change(&tag)).await.status, 200);
    app.send_as(&token, change(&tag))
        .await
        .assert_problem(412, "precondition_failed");
}

#[actix_web::test]
async fn a_reader_syncing_with_updated_since_sees_what_the_clock_opened_and_closed() {
    let app = TestApp::new().await;
    let (_, token, id) = draft(&app, "PL", 14).await;
    // Announced to open in an hour.
    set_times(&app, &id, Duration::hours(1), Duration::days(14)).await;
    assert_eq!(announce(&app, &token, &id).await.status, 200);
    let since = Utc::now().to_rfc3339();
    assert!(changed_since(&app, &since).await.is_empty());
    // The clock opens it in a moment: no write (set_times leaves
    // updated_at), yet it has changed since.
    set_times(&app, &id, Duration::milliseconds(200), Duration::days(14)).await;
    actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(changed_since(&app, &since).await, ["open"]);
    // And closes it.
    let later = Utc::now().to_rfc3339();
    set_times(&app, &id, Duration::days(-10), Duration::milliseconds(200)).await;
    assert!(changed_since(&app, &later).await.is_empty());
    actix_web::rt::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(changed_since(&app, &later).await, ["closed"]);
}

/// The statuses of the consultations changed since `since` (RFC 3339).
async fn changed_since(app: &TestApp, since: &str) -> Vec<String> {
    let uri = format!(
        "/api/v1/consultations?updated_since={}",
        since.replace('+', "%2B")
    );
    app.get(&uri).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["status"].as_str().unwrap().to_owned())
        .collect()
}
