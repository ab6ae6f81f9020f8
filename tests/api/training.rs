//! Training: programmes with the default modules, groups with targets, and
//! the schedule's rules — a group, a trainer, a participant in one session at
//! a time, within the project's period — and participants: one group per
//! programme, capacity, moving in one transaction.

use actix_web::test::TestRequest;
use coopera::auth::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, TestResponse, user_actor};

struct Setup {
    coordinator: String,
    programme: String,
    group: String,
    other_group: String,
}

/// A project running 2027, its coordinator, a programme with the default
/// modules and two groups of two places.
async fn setup(app: &TestApp) -> Setup {
    let (project, coordinator) = app.project_with_coordinator("T-1").await;
    let res = app
        .patch_json_as(
            &app.admin_token(),
            &format!("/api/v1/projects/{project}"),
            json!({"starts_on": "2027-01-01", "ends_on": "2027-12-31"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let programme = app
        .created(
            &coordinator,
            "/api/v1/training-programmes",
            json!({"project_id": project, "name": "Szkolenia z modelu współpracy"}),
        )
        .await;
    assert_eq!(programme["modules"].as_array().unwrap().len(), 6);
    assert_eq!(programme["modules"][0]["code"], "consulting_draft_acts");
    let programme = programme["id"].as_str().unwrap().to_owned();
    let groups = format!("/api/v1/training-programmes/{programme}/groups");
    let group = app
        .created(
            &coordinator,
            &groups,
            json!({"name": "Grupa 1", "capacity": 2, "place": "Zgorzelec", "targets": {"ngo": 1, "jst": 1}}),
        )
        .await;
    let other = app
        .created(
            &coordinator,
            &groups,
            json!({"name": "Grupa 2", "capacity": 2}),
        )
        .await;
    Setup {
        coordinator,
        programme,
        group: group["id"].as_str().unwrap().to_owned(),
        other_group: other["id"].as_str().unwrap().to_owned(),
    }
}

async fn session(
    app: &TestApp,
    token: &str,
    group: &str,
    starts: &str,
    ends: &str,
    trainers: Value,
) -> TestResponse {
    app.post_json_as(
        token,
        &format!("/api/v1/training-groups/{group}/sessions"),
        json!({"module_codes": ["consulting_draft_acts"], "starts_at": starts, "ends_at": ends,
               "place": "Zgorzelec", "format": "residential", "trainer_ids": trainers}),
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

async fn enrol(app: &TestApp, token: &str, group: &str, person: &str) -> TestResponse {
    app.post_json_as(
        token,
        &format!("/api/v1/training-groups/{group}/participants"),
        json!({"person_id": person, "category": "ngo"}),
    )
    .await
}

#[actix_web::test]
async fn groups_check_their_targets_and_capacity() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let groups = format!("/api/v1/training-programmes/{}/groups", s.programme);
    let res = app
        .post_json_as(
            &s.coordinator,
            &groups,
            json!({"name": "Za mała", "capacity": 3, "targets": {"ngo": 3, "jst": 1}}),
        )
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(
        fields(&problem),
        vec![("targets".into(), "over_capacity".into())]
    );
    // The group's tag follows its participants.
    let uri = format!("/api/v1/training-groups/{}", s.group);
    let before = app.get_as(&s.coordinator, &uri).await;
    assert_eq!(before.json()["participants"], 0);
    let person = app.create_person(json!({"full_name": "Ana Pop"})).await;
    assert_eq!(
        enrol(&app, &s.coordinator, &s.group, &person).await.status,
        201
    );
    let second = app.create_person(json!({"full_name": "Jan Nowak"})).await;
    assert_eq!(
        enrol(&app, &s.coordinator, &s.group, &second).await.status,
        201
    );
    let after = app.get_as(&s.coordinator, &uri).await;
    assert_eq!(after.json()["participants"], 2);
    assert_ne!(after.header("etag"), before.header("etag"));
    // Full: a third is refused; the capacity cannot go below two.
    let third = app.create_person(json!({"full_name": "Ioana Rus"})).await;
    enrol(&app, &s.coordinator, &s.group, &third)
        .await
        .assert_problem(409, "conflict");
    let res = app
        .patch_json_as(&s.coordinator, &uri, json!({"capacity": 1}))
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(
        fields(&problem),
        vec![
            ("targets".into(), "over_capacity".into()),
            ("capacity".into(), "below_participants".into()),
        ]
    );
    // The tag read after the enrolments allows a change.
    let res = app
        .send_as(
            &s.coordinator,
            TestRequest::patch()
                .uri(&uri)
                .insert_header(("If-Match", after.header("etag").unwrap()))
                .set_json(json!({"capacity": 5, "place": null})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["place"], Value::Null);
}

#[actix_web::test]
async fn the_schedule_refuses_clashes_and_names_them() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let trainer = coopera::db::new_id();
    app.token(&user_actor(&trainer, None, vec![Role::Trainer]));
    let plain = coopera::db::new_id();
    app.token(&user_actor(&plain, None, vec![]));

    let first = session(
        &app,
        &s.coordinator,
        &s.group,
        "2027-02-10T09:00:00Z",
        "2027-02-11T16:00:00Z",
        json!([trainer]),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.text());
    let first_id = first.json()["id"].as_str().unwrap().to_owned();

    // The session itself: times, module, the project's period, trainers.
    let res = app
        .post_json_as(
            &s.coordinator,
            &format!("/api/v1/training-groups/{}/sessions", s.group),
            json!({"module_codes": ["juggling"], "starts_at": "2026-12-31T09:00:00Z",
                   "ends_at": "2026-12-31T08:00:00Z", "format": "online", "trainer_ids": [plain]}),
        )
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(
        fields(&problem),
        vec![
            ("ends_at".into(), "before_start".into()),
            ("module_codes[0]".into(), "unknown".into()),
            ("starts_at".into(), "outside_project".into()),
            ("trainer_ids[0]".into(), "not_a_trainer".into()),
        ]
    );

    // The same group at an overlapping time; back to back is fine.
    let res = session(
        &app,
        &s.coordinator,
        &s.group,
        "2027-02-11T15:00:00Z",
        "2027-02-11T18:00:00Z",
        json!([]),
    )
    .await;
    let problem = res.assert_problem(409, "conflict");
    assert_eq!(
        fields(&problem),
        vec![("starts_at".into(), "group_busy".into())]
    );
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains(&first_id)
    );
    let res = session(
        &app,
        &s.coordinator,
        &s.group,
        "2027-02-11T16:00:00Z",
        "2027-02-11T18:00:00Z",
        json!([]),
    )
    .await;
    assert_eq!(res.status, 201, "{}", res.text());

    // The trainer cannot be in another group's session at the same time.
    let res = session(
        &app,
        &s.coordinator,
        &s.other_group,
        "2027-02-10T12:00:00Z",
        "2027-02-10T14:00:00Z",
        json!([trainer]),
    )
    .await;
    let problem = res.assert_problem(409, "conflict");
    assert_eq!(
        fields(&problem),
        vec![("trainer_ids[0]".into(), "trainer_busy".into())]
    );

    // A participant of the first group, in a second programme's group whose
    // session overlaps: refused either way round.
    let person = app.create_person(json!({"full_name": "Zofia Żak"})).await;
    assert_eq!(
        enrol(&app, &s.coordinator, &s.group, &person).await.status,
        201
    );
    let (project, _) = (
        app.get_as(
            &s.coordinator,
            &format!("/api/v1/training-programmes/{}", s.programme),
        )
        .await
        .json()["project_id"]
            .as_str()
            .unwrap()
            .to_owned(),
        (),
    );
    let second = app
        .created(
            &s.coordinator,
            "/api/v1/training-programmes",
            json!({"project_id": project, "name": "Równe traktowanie",
                   "modules": [{"code": "equal_treatment", "name": "Równe traktowanie"}]}),
        )
        .await;
    let elsewhere = app
        .created(
            &s.coordinator,
            &format!(
                "/api/v1/training-programmes/{}/groups",
                second["id"].as_str().unwrap()
            ),
            json!({"name": "Cieszyn", "capacity": 10}),
        )
        .await;
    let elsewhere = elsewhere["id"].as_str().unwrap();
    assert_eq!(
        enrol(&app, &s.coordinator, elsewhere, &person).await.status,
        201
    );
    let res = app
        .post_json_as(
            &s.coordinator,
            &format!("/api/v1/training-groups/{elsewhere}/sessions"),
            json!({"module_codes": ["equal_treatment"], "starts_at": "2027-02-10T10:00:00Z",
                   "ends_at": "2027-02-10T12:00:00Z", "format": "on_site"}),
        )
        .await;
    let problem = res.assert_problem(409, "conflict");
    assert_eq!(
        fields(&problem),
        vec![("starts_at".into(), "participant_busy".into())]
    );
    // Moving the first session onto a free day works, and is checked too.
    let uri = format!("/api/v1/training-sessions/{first_id}");
    let res = app
        .patch_json_as(
            &s.coordinator,
            &uri,
            json!({"starts_at": "2027-03-10T09:00:00Z", "ends_at": "2027-03-10T16:00:00Z"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["version"], 2);
    let res = app
        .patch_json_as(
            &s.coordinator,
            &uri,
            json!({"ends_at": "2028-01-01T00:00:00Z"}),
        )
        .await;
    res.assert_problem(422, "validation_failed");
    // A module a session covers stays in the programme.
    let res = app
        .patch_json_as(
            &s.coordinator,
            &format!("/api/v1/training-programmes/{}", s.programme),
            json!({"modules": [{"code": "other", "name": "Inny"}]}),
        )
        .await;
    let problem = res.assert_problem(422, "validation_failed");
    assert_eq!(fields(&problem)[0].1, "in_use");
}

#[actix_web::test]
async fn a_person_is_in_one_group_of_a_programme_and_moves_within_capacity() {
    let app = TestApp::new().await;
    let s = setup(&app).await;
    let person = app.create_person(json!({"full_name": "Ana Pop"})).await;
    let res = enrol(&app, &s.coordinator, &s.group, &person).await;
    assert_eq!(res.status, 201, "{}", res.text());
    let participant = res.json()["id"].as_str().unwrap().to_owned();
    let problem = enrol(&app, &s.coordinator, &s.other_group, &person)
        .await
        .assert_problem(409, "already_exists");
    assert!(problem["detail"].as_str().unwrap().contains("Grupa 1"));
    enrol(&app, &s.coordinator, &s.group, &coopera::db::new_id())
        .await
        .assert_problem(422, "validation_failed");

    // Fill the other group; a move into it is refused, and nothing changes.
    for name in ["Jan Nowak", "Ioana Rus"] {
        let p = app.create_person(json!({"full_name": name})).await;
        assert_eq!(
            enrol(&app, &s.coordinator, &s.other_group, &p).await.status,
            201
        );
    }
    let move_uri = format!("/api/v1/training-participants/{participant}/move");
    app.post_json_as(
        &s.coordinator,
        &move_uri,
        json!({"group_id": s.other_group}),
    )
    .await
    .assert_problem(409, "conflict");
    let res = app
        .get_as(
            &s.coordinator,
            &format!("/api/v1/training-participants/{participant}"),
        )
        .await;
    assert_eq!(res.json()["group_id"], s.group.as_str());
    let res = app
        .post_json_as(&s.coordinator, &move_uri, json!({"group_id": s.group}))
        .await;
    assert_eq!(
        fields(&res.assert_problem(422, "validation_failed"))[0].1,
        "same_group"
    );

    // With room, the move goes through; taking a person out frees a place.
    let members = app
        .get_as(
            &s.coordinator,
            &format!("/api/v1/training-groups/{}/participants", s.other_group),
        )
        .await
        .json();
    let leaving = members["items"][0]["id"].as_str().unwrap();
    let res = app
        .send_as(
            &s.coordinator,
            TestRequest::delete().uri(&format!("/api/v1/training-participants/{leaving}")),
        )
        .await;
    assert_eq!(res.status, 204);
    let res = app
        .post_json_as(
            &s.coordinator,
            &move_uri,
            json!({"group_id": s.other_group}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["group_id"], s.other_group.as_str());
    assert_eq!(res.json()["version"], 2);

    // Only the project's coordinators (and admins) manage participants.
    let stranger = app.token(&user_actor("stranger", None, vec![]));
    enrol(&app, &stranger, &s.group, &person)
        .await
        .assert_problem(403, "forbidden");
    app.get_as(
        &stranger,
        &format!("/api/v1/training-groups/{}/participants", s.group),
    )
    .await
    .assert_problem(403, "forbidden");
    let res = app
        .get_as(&stranger, &format!("/api/v1/training-groups/{}", s.group))
        .await;
    assert_eq!(res.status, 200, "groups are read like projects");
}
