//! Training's results: attendance recorded per session by its trainers or
//! the coordinators, completion by the programme's rule, certificates (their
//! public check, revocation and PDF), calendars, exports, and the project
//! report's `completed_training` indicator.

use std::collections::BTreeMap;

use actix_web::test::TestRequest;
use coopera::auth::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, TestResponse, user_actor};

const PLANES: [[&str; 2]; 3] = [
    ["consulting_draft_acts", "diagnosing_local_problems"],
    ["financial_cooperation", "project_partnerships"],
    ["civic_initiative_support", "local_partnerships"],
];

struct Setup {
    project: String,
    coordinator: String,
    trainer: String,
    other_trainer: String,
    programme: String,
    group: String,
    /// The three past sessions (one per plane, 7 hours each), then one to come.
    sessions: Vec<String>,
    /// Ștefan, Łucja, Zoe: participant ids.
    participants: Vec<String>,
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

async fn setup(app: &TestApp) -> Setup {
    let (project, coordinator) = app.project_with_coordinator("TR-2").await;
    let res = app
        .patch_json_as(
            &app.admin_token(),
            &format!("/api/v1/projects/{project}"),
            json!({"starts_on": "2025-01-01", "ends_on": "2030-12-31"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let trainer_id = coopera::db::new_id();
    let trainer = app.token(&user_actor(&trainer_id, None, vec![Role::Trainer]));
    let other_id = coopera::db::new_id();
    let other_trainer = app.token(&user_actor(&other_id, None, vec![Role::Trainer]));
    let programme = id(&app
        .created(
            &coordinator,
            "/api/v1/training-programmes",
            json!({"project_id": project, "name": "Szkolenia z modelu współpracy"}),
        )
        .await);
    let group = id(&app
        .created(
            &coordinator,
            &format!("/api/v1/training-programmes/{programme}/groups"),
            json!({"name": "Grupa Țara Moților", "capacity": 3, "place": "Cluj-Napoca, str. Memorandumului 21"}),
        )
        .await);
    let mut sessions = Vec::new();
    for (i, plane) in PLANES.iter().enumerate() {
        let day = format!("2025-0{}-10", i + 3);
        sessions.push(id(&app
            .created(
                &coordinator,
                &format!("/api/v1/training-groups/{group}/sessions"),
                json!({"module_codes": plane, "starts_at": format!("{day}T09:00:00Z"),
                       "ends_at": format!("{day}T16:00:00Z"), "place": "Cluj-Napoca, sala 1",
                       "format": "on_site", "trainer_ids": if i == 0 { json!([trainer_id]) } else { json!([other_id]) }}),
            )
            .await));
    }
    sessions.push(id(&app
        .created(
            &coordinator,
            &format!("/api/v1/training-groups/{group}/sessions"),
            json!({"module_codes": PLANES[0], "starts_at": "2030-06-10T09:00:00Z",
                   "ends_at": "2030-06-10T16:00:00Z", "format": "online", "trainer_ids": [trainer_id]}),
        )
        .await));
    let mut participants = Vec::new();
    for name in ["Ștefan Țăranu", "Łucja Żółć", "Zoe Ionescu"] {
        let person = app.create_person(json!({"full_name": name})).await;
        participants.push(id(&app
            .created(
                &coordinator,
                &format!("/api/v1/training-groups/{group}/participants"),
                json!({"person_id": person}),
            )
            .await));
    }
    Setup {
        project,
        coordinator,
        trainer,
        other_trainer,
        programme,
        group,
        sessions,
        participants,
    }
}

async fn put(app: &TestApp, token: &str, uri: &str, body: Value) -> TestResponse {
    app.send_as(token, TestRequest::put().uri(uri).set_json(body))
        .await
}

fn attendance(session: &str) -> String {
    format!("/api/v1/training-sessions/{session}/attendance")
}

fn records(entries: &[(&str, &str)]) -> Value {
    json!({"records": entries.iter().map(|(p, s)| json!({"participant_id": p, "status": s})).collect::<Vec<_>>()})
}

/// The text of a PDF's pages, read back through each font's Unicode map.
fn pdf_text(pdf: &[u8]) -> String {
    let doc = lopdf::Document::load_mem(pdf).expect("a PDF");
    let mut text = String::new();
    for (_, page) in doc.get_pages() {
        // Each font resource (wherever the resources sit) by name, with the
        // Unicode map of its glyphs.
        let mut maps: BTreeMap<Vec<u8>, BTreeMap<u16, char>> = BTreeMap::new();
        let deref = |o: &lopdf::Object| match o {
            lopdf::Object::Reference(r) => doc.get_object(*r).unwrap().clone(),
            other => other.clone(),
        };
        for object in doc.objects.values() {
            let Ok(dict) = object.as_dict() else { continue };
            let Ok(fonts) = dict.get(b"Font").map(&deref) else {
                continue;
            };
            let Ok(fonts) = fonts.as_dict() else { continue };
            for (name, font) in fonts.iter() {
                let font = deref(font);
                let stream = deref(
                    font.as_dict()
                        .unwrap()
                        .get(b"ToUnicode")
                        .expect("a ToUnicode map"),
                );
                let stream = stream.as_stream().unwrap();
                let cmap = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                let map = String::from_utf8_lossy(&cmap)
                    .lines()
                    .filter_map(|l| {
                        let l = l.trim();
                        let (gid, code) = l.strip_prefix('<')?.split_once("> <")?;
                        let code = code.strip_suffix('>')?;
                        Some((
                            u16::from_str_radix(gid, 16).ok()?,
                            char::from_u32(u32::from_str_radix(code, 16).ok()?)?,
                        ))
                    })
                    .collect();
                maps.insert(name.clone(), map);
            }
        }
        let content =
            lopdf::content::Content::decode(&doc.get_page_content(page).unwrap()).unwrap();
        let mut font = Vec::new();
        for op in content.operations {
            match op.operator.as_str() {
                "Tf" => font = op.operands[0].as_name().unwrap().to_vec(),
                "Tj" => {
                    let bytes = op.operands[0].as_str().unwrap();
                    let map = maps.get(&font).unwrap_or_else(|| {
                        panic!(
                            "font {:?} not in {:?}",
                            String::from_utf8_lossy(&font),
                            maps.keys()
                                .map(|k| String::from_utf8_lossy(k).into_owned())
                                .collect::<Vec<_>>()
                        )
                    });
                    text.extend(
                        bytes
                            .chunks(2)
                            .map(|g| map[&u16::from_be_bytes([g[0], g[1]])]),
                    );
                    text.push('\n');
                }
                _ => {}
            }
        }
    }
    text
}

#[actix_web::test]
async fn attendance_is_recorded_by_the_sessions_trainers_and_coordinators() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let (stefan, lucja, zoe) = (&s.participants[0], &s.participants[1], &s.participants[2]);
    let first = attendance(&s.sessions[0]);
    let body = records(&[(stefan, "present"), (lucja, "absent")]);

    // Who may: the session's trainer and the coordinators, not another
    // session's trainer nor anyone else signed in.
    let plain = app.token(&user_actor(&coopera::db::new_id(), None, vec![]));
    for token in [&s.other_trainer, &plain] {
        put(&app, token, &first, body.clone())
            .await
            .assert_problem(403, "forbidden");
        app.get_as(token, &first)
            .await
            .assert_problem(403, "forbidden");
    }
    let res = put(&app, &s.trainer, &first, body).await;
    assert_eq!(res.status, 200, "{}", res.text());
    let list = res.json();
    assert_eq!(
        (list["present"].clone(), list["absent"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(list["not_recorded"], 1);
    // By name, folded: Łucja, Ștefan, Zoe.
    let lines = list["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    let of = |p: &str| {
        lines
            .iter()
            .find(|l| l["participant_id"] == p)
            .unwrap()
            .clone()
    };
    assert_eq!(of(stefan)["status"], "present");
    assert_eq!(of(stefan)["full_name"], "Ștefan Țăranu");
    assert_eq!(of(zoe)["status"], Value::Null);

    // Read with its tag; a stale tag is refused; a whole session in one call.
    let read = app.get_as(&s.coordinator, &first).await;
    assert_eq!(read.status, 200);
    let tag = read.header("etag").unwrap().to_owned();
    let cached = app
        .send_as(
            &s.coordinator,
            TestRequest::get()
                .uri(&first)
                .insert_header(("if-none-match", tag.clone())),
        )
        .await;
    assert_eq!(cached.status, 304);
    let all = records(&[(stefan, "present"), (lucja, "excused"), (zoe, "present")]);
    let res = app
        .send_as(
            &s.coordinator,
            TestRequest::put()
                .uri(&first)
                .insert_header(("if-match", "\"stale\""))
                .set_json(all.clone()),
        )
        .await;
    res.assert_problem(412, "precondition_failed");
    let res = app
        .send_as(
            &s.coordinator,
            TestRequest::put()
                .uri(&first)
                .insert_header(("if-match", tag.clone()))
                .set_json(all),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_ne!(res.header("etag").unwrap(), tag);
    assert_eq!(res.json()["not_recorded"], 0);

    // Each entry a participant of the group, once.
    let stranger = coopera::db::new_id();
    let res = put(
        &app,
        &s.coordinator,
        &first,
        records(&[
            (&stranger, "present"),
            (stefan, "present"),
            (stefan, "absent"),
        ]),
    )
    .await;
    let problem = res.assert_problem(422, "validation_failed");
    let fields: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fields,
        vec![
            ("records[0].participant_id", "not_in_group"),
            ("records[2].participant_id", "not_unique"),
        ]
    );
    let res = put(
        &app,
        &s.coordinator,
        &first,
        json!({"records": [{"participant_id": stefan, "status": "late"}]}),
    )
    .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "records[0].status"
    );

    // Not before the session starts.
    let res = put(
        &app,
        &s.trainer,
        &attendance(&s.sessions[3]),
        records(&[(stefan, "present")]),
    )
    .await;
    res.assert_problem(409, "conflict");

    // The attendance list as CSV, with the names as written.
    let csv = app
        .get_as(&s.coordinator, &format!("{first}?format=csv"))
        .await;
    assert_eq!(csv.status, 200);
    assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
    let text = csv.text();
    assert!(
        text.starts_with("participant_id,person_id,full_name,status,recorded_at\n"),
        "{text}"
    );
    assert!(text.contains(",Ștefan Țăranu,present,"), "{text}");
    assert!(text.contains(",Łucja Żółć,excused,"), "{text}");

    // A session with attendance stays; a participant taken out takes theirs.
    let res = app
        .send_as(
            &s.coordinator,
            TestRequest::delete().uri(&format!("/api/v1/training-sessions/{}", s.sessions[0])),
        )
        .await;
    res.assert_problem(409, "conflict");
    let res = app
        .send_as(
            &s.coordinator,
            TestRequest::delete().uri(&format!("/api/v1/training-participants/{zoe}")),
        )
        .await;
    assert_eq!(res.status, 204, "{}", res.text());
    let after = app.get_as(&s.coordinator, &first).await.json();
    assert_eq!(after["lines"].as_array().unwrap().len(), 2);
    assert_eq!(after["present"], 1);
}

#[actix_web::test]
async fn completion_follows_the_rule_and_completed_participants_get_certificates() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let (stefan, lucja, zoe) = (&s.participants[0], &s.participants[1], &s.participants[2]);
    // Ștefan at every plane; Łucja at two (absent at the third); Zoe at one.
    for (i, session) in s.sessions[..3].iter().enumerate() {
        let lucja_status = if i == 2 { "absent" } else { "present" };
        let zoe_status = if i == 0 { "present" } else { "excused" };
        let res = put(
            &app,
            &s.coordinator,
            &attendance(session),
            records(&[
                (stefan, "present"),
                (lucja, lucja_status),
                (zoe, zoe_status),
            ]),
        )
        .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let completion = format!("/api/v1/training-programmes/{}/completion", s.programme);
    app.get_as(&s.trainer, &completion)
        .await
        .assert_problem(403, "forbidden");
    let res = app.get_as(&s.coordinator, &completion).await.json();
    assert_eq!(res["rule"], json!({"rule": "all_modules"}));
    assert_eq!(
        (res["participants"].clone(), res["completed"].clone()),
        (json!(3), json!(1))
    );
    let line = |res: &Value, p: &str| {
        res["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["participant_id"] == p)
            .unwrap()
            .clone()
    };
    assert_eq!(line(&res, stefan)["progress"]["completed"], true);
    let l = line(&res, lucja)["progress"].clone();
    assert_eq!(l["completed"], false);
    assert_eq!(l["modules_missing"], json!(PLANES[2]));
    // The future session counts in the hours planned: 14 of 28.
    assert_eq!(
        (l["planned_hours"].clone(), l["present_hours"].clone()),
        (json!(28.0), json!(14.0))
    );
    assert_eq!(l["present_percent"], 50.0);

    // Issuing certifies who completed, once.
    let certificates = format!("/api/v1/training-programmes/{}/certificates", s.programme);
    app.post_json_as(&s.trainer, &certificates, json!(null))
        .await
        .assert_problem(403, "forbidden");
    let issued = app
        .send_as(&s.coordinator, TestRequest::post().uri(&certificates))
        .await;
    assert_eq!(issued.status, 200, "{}", issued.text());
    let issued = issued.json();
    assert_eq!(issued["issued"].as_array().unwrap().len(), 1);
    assert_eq!(
        (
            issued["already_certified"].clone(),
            issued["not_completed"].clone()
        ),
        (json!(0), json!(2))
    );
    let certificate = issued["issued"][0].clone();
    assert_eq!(certificate["holder_name"], "Ștefan Țăranu");
    assert_eq!(certificate["valid"], true);
    let number = certificate["number"].as_str().unwrap().to_owned();

    // A share of hours instead: 1–100 %; Łucja's 14 of 28 hours reach 50 %.
    let programme = format!("/api/v1/training-programmes/{}", s.programme);
    let res = app
        .patch_json_as(
            &s.coordinator,
            &programme,
            json!({"completion": {"rule": "share_of_hours", "min_percent": 0}}),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["field"],
        "completion.min_percent"
    );
    let res = app
        .patch_json_as(
            &s.coordinator,
            &programme,
            json!({"completion": {"rule": "all_modules", "min_percent": 50}}),
        )
        .await;
    res.assert_problem(422, "validation_failed");
    let res = app
        .patch_json_as(
            &s.coordinator,
            &programme,
            json!({"completion": {"rule": "share_of_hours", "min_percent": 50}}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.json()["completion"],
        json!({"rule": "share_of_hours", "min_percent": 50})
    );
    let issued = app
        .send_as(&s.coordinator, TestRequest::post().uri(&certificates))
        .await
        .json();
    assert_eq!(issued["issued"].as_array().unwrap().len(), 1);
    assert_eq!(issued["issued"][0]["participant_id"], json!(lucja));
    assert_eq!(
        (
            issued["already_certified"].clone(),
            issued["not_completed"].clone()
        ),
        (json!(1), json!(1))
    );
    let page = app.get_as(&s.coordinator, &certificates).await.json();
    assert_eq!(page["items"].as_array().unwrap().len(), 2);

    // The completion list as CSV, with each certificate.
    let csv = app
        .get_as(&s.coordinator, &format!("{completion}?format=csv"))
        .await
        .text();
    assert!(
        csv.starts_with("participant_id,person_id,full_name,group_name,planned_hours"),
        "{csv}"
    );
    assert!(
        csv.contains(",Ștefan Țăranu,Grupa Țara Moților,28,21,75,"),
        "{csv}"
    );
    assert!(csv.contains(&number), "{csv}");

    // Anyone checks a number: validity, name and programme, nothing else.
    let check = format!("/api/v1/public/certificates/{number}");
    let res = app.get(&check).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        res.json(),
        json!({"number": number, "valid": true, "holder_name": "Ștefan Țăranu",
               "programme_name": "Szkolenia z modelu współpracy"})
    );
    assert_eq!(app.get(&check.to_lowercase()).await.status, 200);
    app.get("/api/v1/public/certificates/CT-0000-0000-0000")
        .await
        .assert_problem(404, "not_found");

    // The PDF keeps the diacritics.
    let cert_uri = format!("/api/v1/training-certificates/{}", id(&certificate));
    let pdf = app.get_as(&s.coordinator, &format!("{cert_uri}/pdf")).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    let text = pdf_text(&pdf.body);
    for expected in ["Ștefan Țăranu", "Szkolenia z modelu współpracy", &number] {
        assert!(text.contains(expected), "{expected} not in {text}");
    }
    app.get_as(&s.trainer, &format!("{cert_uri}/pdf"))
        .await
        .assert_problem(403, "forbidden");

    // Revoked with a reason: the check says so; once.
    let read = app.get_as(&s.coordinator, &cert_uri).await;
    let tag = read.header("etag").unwrap().to_owned();
    let revoke = format!("{cert_uri}/revoke");
    app.post_json_as(&s.coordinator, &revoke, json!({"reason": "  "}))
        .await
        .assert_problem(422, "validation_failed");
    let res = app
        .send_as(
            &s.coordinator,
            TestRequest::post()
                .uri(&revoke)
                .insert_header(("if-match", tag))
                .set_json(json!({"reason": "Attendance was recorded for the wrong person."})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["valid"], false);
    app.post_json_as(&s.coordinator, &revoke, json!({"reason": "again"}))
        .await
        .assert_problem(409, "conflict");
    assert_eq!(app.get(&check).await.json()["valid"], false);
    let text = pdf_text(
        &app.get_as(&s.coordinator, &format!("{cert_uri}/pdf"))
            .await
            .body,
    );
    assert!(text.contains("REVOKED"), "{text}");

    // The project report counts who completed (by the rule now in force).
    let indicator = app
        .created(
            &s.coordinator,
            &format!("/api/v1/projects/{}/indicators", s.project),
            json!({"name": "Przeszkoleni", "unit": "osoby", "target": 4, "kind": "completed_training"}),
        )
        .await;
    assert_eq!(indicator["achieved"], 2.0);
    let _ = zoe;
}

#[actix_web::test]
async fn sessions_export_as_icalendar() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let res = app
        .get_as(
            &s.trainer,
            &format!("/api/v1/training-groups/{}/calendar", s.group),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert!(
        res.header("content-type")
            .unwrap()
            .starts_with("text/calendar")
    );
    let ics = res.text();
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"),
        "{ics}"
    );
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 4);
    let unfolded = ics.replace("\r\n ", "");
    assert!(
        unfolded.contains(&format!("UID:{}@coopera\r\n", s.sessions[0])),
        "{unfolded}"
    );
    assert!(
        unfolded.contains("DTSTART:20250310T090000Z\r\n"),
        "{unfolded}"
    );
    assert!(
        unfolded.contains("LOCATION:Cluj-Napoca\\, sala 1\r\n"),
        "{unfolded}"
    );
    assert!(
        unfolded.contains("X-WR-CALNAME:Szkolenia z modelu współpracy — Grupa Țara Moților\r\n"),
        "{unfolded}"
    );

    let mine = format!(
        "/api/v1/training-participants/{}/calendar",
        s.participants[0]
    );
    let res = app.get_as(&s.coordinator, &mine).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.text().matches("BEGIN:VEVENT").count(), 4);
    app.get_as(&s.trainer, &mine)
        .await
        .assert_problem(403, "forbidden");
    app.get(&mine).await.assert_problem(401, "unauthorized");
}
