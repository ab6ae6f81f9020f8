//! The quality index: methodologies as data (the default one, import and
//! export, versions frozen once used), rounds and their working group, the
//! agreed answers, completion, scores against the previous round, and the
//! chart; who may do what at each step.

use actix_web::test::TestRequest;
use serde_json::{Value, json};

use crate::support::{TestApp, user_actor};

const METHODOLOGIES: &str = "/api/v1/quality/methodologies";
const ROUNDS: &str = "/api/v1/quality/rounds";
const DEFAULT: &str = "0193d1c0-0000-7000-8000-000000000001";

/// A small methodology: plane 1 with area `a` (a levels indicator and a
/// yes/no one) and plane 2 with area `b` (a number).
pub(crate) fn small(key: &str) -> Value {
    let levels = json!({"type": "levels", "levels": [
        {"points": 0, "label": "nie spełnia"}, {"points": 1, "label": "standard minimalny"},
        {"points": 2, "label": "standard docelowy"}]});
    json!({"key": key, "name": "Mały indeks", "planes": [
        {"number": 1, "name": "Polityki publiczne", "weight": 1, "areas": [
            {"code": "a", "name": "Konsultacje", "weight": 1, "indicators": [
                {"code": "A.1", "question": "Czy są zasady konsultacji?", "scale": levels, "weight": 1, "source": "working_group"},
                {"code": "A.2", "question": "Czy raport jest publikowany?", "scale": {"type": "yes_no"}, "weight": 3, "source": "working_group"}]}]},
        {"number": 2, "name": "Zadania publiczne", "weight": 1, "areas": [
            {"code": "b", "name": "Dotacje", "weight": 1, "indicators": [
                {"code": "B.1", "question": "Jaki udział budżetu?", "weight": 1, "source": "public_data",
                 "scale": {"type": "number", "unit": "%", "thresholds": [{"from": 1, "points": 1}, {"from": 2, "points": 2}]}}]}]}]})
}

#[actix_web::test]
async fn methodologies_are_data_imported_exported_and_frozen_once_used() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    // The default one is there for anybody, a starting template.
    let default = app.get(&format!("{METHODOLOGIES}/{DEFAULT}")).await;
    assert_eq!(default.status, 200, "{}", default.text());
    let default = default.json();
    assert_eq!(default["key"], "coopera-default");
    assert_eq!(default["indicator_count"], 20);
    assert_eq!(default["frozen"], false);
    assert!(
        default["document"]["description"]
            .as_str()
            .unwrap()
            .contains("starting template")
    );
    assert_eq!(
        default["document"]["planes"][0]["areas"][0]["code"],
        "consulting_draft_acts"
    );

    // Admins import; nobody else.
    app.post_json(METHODOLOGIES, small("maly"))
        .await
        .assert_problem(401, "unauthorized");
    let (_, org_admin) = app
        .organization_with_admin(json!({"name": "Gmina", "kind": "ngo", "country": "PL"}))
        .await;
    app.post_json_as(&org_admin, METHODOLOGIES, small("maly"))
        .await
        .assert_problem(403, "forbidden");
    let mut twice = small("maly");
    twice["planes"][1]["areas"][0]["indicators"][0]["code"] = json!("A.1");
    twice["planes"][0]["areas"][0]["indicators"][0]["scale"]["levels"][2]["points"] = json!(1);
    let problem = app
        .post_json_as(&admin, METHODOLOGIES, twice)
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
        [
            "planes[0].areas[0].indicators[0].scale.levels",
            "planes[1].areas[0].indicators[0].code"
        ]
    );
    let first = app.created(&admin, METHODOLOGIES, small("maly")).await;
    assert_eq!(first["number"], 1);
    // The export imports again, as the next version of its key.
    let exported = app
        .get(&format!(
            "{METHODOLOGIES}/{}",
            first["id"].as_str().unwrap()
        ))
        .await
        .json()["document"]
        .clone();
    assert_eq!(exported["key"], "maly");
    assert_eq!(
        exported["planes"][1]["areas"][0]["indicators"][0]["scale"]["unit"],
        "%"
    );
    let second = app.created(&admin, METHODOLOGIES, exported.clone()).await;
    assert_eq!(second["number"], 2);
    assert_eq!(second["document"], exported, "an export imports as it was");
    let versions = app.get(&format!("{METHODOLOGIES}?key=maly")).await.json();
    assert_eq!(versions["items"].as_array().unwrap().len(), 2);

    // A version no round uses can be corrected; once used, it is frozen.
    let uri = format!("{METHODOLOGIES}/{}", second["id"].as_str().unwrap());
    let tag = app.get(&uri).await.header("etag").unwrap().to_owned();
    let mut fixed = exported.clone();
    fixed["name"] = json!("Mały indeks (poprawiony)");
    let put = |tag: &str, body: Value| {
        TestRequest::put()
            .uri(&uri)
            .insert_header(("If-Match", tag.to_owned()))
            .set_json(body)
    };
    let mut other_key = fixed.clone();
    other_key["key"] = json!("inny");
    let problem = app
        .send_as(&admin, put(&tag, other_key))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "key");
    let res = app.send_as(&admin, put(&tag, fixed.clone())).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["name"], "Mały indeks (poprawiony)");
    app.send_as(&admin, put(&tag, fixed.clone()))
        .await
        .assert_problem(412, "precondition_failed");
    let tag = res.header("etag").unwrap().to_owned();
    let (jst, jst_admin) = local_government(&app, "02").await;
    app.created(
        &jst_admin,
        ROUNDS,
        json!({"organization_id": jst, "year": 2026, "methodology_id": second["id"]}),
    )
    .await;
    assert_eq!(app.get(&uri).await.json()["frozen"], true);
    app.send_as(&admin, put(&tag, fixed))
        .await
        .assert_problem(409, "conflict");
}

/// A county (a local government of unit `teryt`) and its admin's token.
pub(crate) async fn local_government(app: &TestApp, teryt: &str) -> (String, String) {
    app.organization_with_admin(
        json!({"name": format!("Powiat {teryt}"), "kind": "local_government",
        "country": "PL", "teryt_code": teryt}),
    )
    .await
}

/// A person of `org` and a token of a user who is that person (no role).
pub(crate) async fn person_of(app: &TestApp, org: &str, name: &str) -> (String, String) {
    let person = app
        .create_person(json!({"full_name": name, "organization_id": org}))
        .await;
    let token = app.token(&user_actor(&format!("user-{name}"), Some(&person), vec![]));
    (person, token)
}

#[actix_web::test]
async fn a_working_group_assesses_a_round_which_completes_with_every_answer() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let small_id = app.created(&admin, METHODOLOGIES, small("maly")).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (jst, jst_admin) = local_government(&app, "02").await;
    let ngo = app
        .create_org(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    let (official, _) = person_of(&app, &jst, "Urzędniczka").await;
    let (activist, activist_token) = person_of(&app, &ngo, "Działacz").await;
    let (_, outsider) = person_of(&app, &ngo, "Ktoś inny").await;

    // Only a local government is assessed, by its admins.
    let form = json!({"organization_id": jst, "year": 2025, "methodology_id": small_id,
        "working_group": [{"person_id": official, "side": "local_government"}]});
    app.post_json(ROUNDS, form.clone())
        .await
        .assert_problem(401, "unauthorized");
    app.post_json_as(&outsider, ROUNDS, form.clone())
        .await
        .assert_problem(403, "forbidden");
    let problem = app
        .post_json_as(
            &admin,
            ROUNDS,
            json!({"organization_id": ngo, "year": 2025}),
        )
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["code"], "wrong_kind");
    let round = app.created(&jst_admin, ROUNDS, form.clone()).await;
    assert_eq!(round["status"], "draft");
    let id = round["id"].as_str().unwrap().to_owned();
    let uri = format!("{ROUNDS}/{id}");
    let problem = app
        .post_json_as(&jst_admin, ROUNDS, form)
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "year");
    // Before it is completed the round is its assessors' own.
    app.get(&uri).await.assert_problem(404, "not_found");
    app.get_as(&outsider, &uri)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(
        app.get(ROUNDS).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // The assessment is joint: starting needs both sides.
    let post = |path: &str, tag: &str| {
        TestRequest::post()
            .uri(&format!("{uri}/{path}"))
            .insert_header(("If-Match", tag.to_owned()))
    };
    let tag = app
        .get_as(&jst_admin, &uri)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let problem = app
        .send_as(&jst_admin, post("start", &tag))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "working_group");
    let res = app
        .send_as(
            &jst_admin,
            TestRequest::patch()
                .uri(&uri)
                .insert_header(("If-Match", tag.clone()))
                .set_json(json!({"working_group": [
                    {"person_id": official, "side": "local_government"},
                    {"person_id": activist, "side": "ngo"}]})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let tag = res.header("etag").unwrap().to_owned();
    app.send_as(&activist_token, post("start", &tag))
        .await
        .assert_problem(403, "forbidden");
    let res = app.send_as(&jst_admin, post("start", &tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "in_progress");
    let tag = res.header("etag").unwrap().to_owned();
    // The year and methodology are frozen once it has started.
    let res = app
        .send_as(
            &jst_admin,
            TestRequest::patch()
                .uri(&uri)
                .insert_header(("If-Match", tag.clone()))
                .set_json(json!({"year": 2024})),
        )
        .await;
    assert_eq!(
        res.assert_problem(422, "validation_failed")["errors"][0]["code"],
        "frozen"
    );

    // The working group member records answers; an outsider cannot see them.
    let answer = |code: &str| format!("{uri}/assessments/{code}");
    let record = |code: &str, body: Value| TestRequest::put().uri(&answer(code)).set_json(body);
    app.send_as(&outsider, record("A.1", json!({"answer": 1})))
        .await
        .assert_problem(404, "not_found");
    let problem = app
        .send_as(&activist_token, record("A.1", json!({"answer": 1.5})))
        .await
        .assert_problem(422, "validation_failed");
    assert_eq!(problem["errors"][0]["field"], "answer");
    app.send_as(&activist_token, record("Z.9", json!({"answer": 1})))
        .await
        .assert_problem(404, "not_found");
    let res = app
        .send_as(
            &activist_token,
            record("A.1", json!({"answer": 1, "evidence": "Uchwała nr XII/2025", "recommendation": "Raport z konsultacji"})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["points"], 1);
    // A second answer replaces the first, guarded by its tag.
    let first_tag = res.header("etag").unwrap().to_owned();
    let res = app
        .send_as(
            &jst_admin,
            record("A.1", json!({"answer": 2})).insert_header(("If-Match", first_tag.clone())),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    app.send_as(
        &activist_token,
        record("A.1", json!({"answer": 0})).insert_header(("If-Match", first_tag)),
    )
    .await
    .assert_problem(412, "precondition_failed");
    app.send_as(
        &activist_token,
        record("A.2", json!({"answer": 1})).insert_header(("If-Match", "*")),
    )
    .await
    .assert_problem(412, "precondition_failed");
    let read = app.get_as(&activist_token, &answer("A.1")).await;
    assert_eq!(read.json()["answer"], 2.0);
    app.get_as(&activist_token, &answer("A.2"))
        .await
        .assert_problem(404, "not_found");

    // Completing names every indicator still without an answer.
    let tag = app
        .get_as(&jst_admin, &uri)
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    let problem = app
        .send_as(&jst_admin, post("complete", &tag))
        .await
        .assert_problem(422, "validation_failed");
    let missing: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["indicators.A.2", "indicators.B.1"]);
    for (code, value) in [("A.2", 1.0), ("B.1", 1.2)] {
        let res = app
            .send_as(&activist_token, record(code, json!({"answer": value})))
            .await;
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let res = app.send_as(&jst_admin, post("complete", &tag)).await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["status"], "completed");
    // Locked, and public.
    app.send_as(&activist_token, record("A.2", json!({"answer": 0})))
        .await
        .assert_problem(409, "conflict");
    assert_eq!(app.get(&uri).await.status, 200);
    assert_eq!(
        app.get(&format!("{uri}/assessments")).await.json()["items"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    // Scores: area a = (100 + 3 × 100) / 4 = 100; b = 1 of 2 = 50; index 75.
    let scores = app.get(&format!("{uri}/scores")).await.json();
    assert_eq!(scores["scores"]["index"], 75.0);
    assert_eq!(scores["scores"]["planes"][1]["areas"][0]["score"], 50.0);
    assert_eq!(scores["previous_round_id"], Value::Null);

    // The next year's round compares with it.
    let next = app
        .created(
            &jst_admin,
            ROUNDS,
            json!({"organization_id": jst, "year": 2026, "methodology_id": small_id,
                "working_group": [{"person_id": official, "side": "local_government"},
                                  {"person_id": activist, "side": "ngo"}]}),
        )
        .await;
    let next_uri = format!("{ROUNDS}/{}", next["id"].as_str().unwrap());
    let res = app
        .send_as(
            &jst_admin,
            TestRequest::post().uri(&format!("{next_uri}/start")),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app
        .send_as(
            &activist_token,
            TestRequest::put()
                .uri(&format!("{next_uri}/assessments/B.1"))
                .set_json(json!({"answer": 2.5})),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let scores = app
        .get_as(&jst_admin, &format!("{next_uri}/scores"))
        .await
        .json();
    assert_eq!(scores["previous_year"], 2025);
    let change = |part: &str| {
        scores["changes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["part"] == part)
            .unwrap()
            .clone()
    };
    assert_eq!(change("area:b")["change"], 50.0);
    assert_eq!(change("area:a")["current"], Value::Null);
    assert_eq!(change("area:a")["change"], Value::Null);
    assert_eq!(change("index")["previous"], 75.0);
    // The chart draws both rounds, with the names as written.
    let chart = app
        .get_as(&jst_admin, &format!("{next_uri}/chart.svg"))
        .await;
    assert_eq!(chart.status, 200);
    assert!(
        chart
            .header("content-type")
            .unwrap()
            .starts_with("image/svg+xml")
    );
    let svg = chart.text();
    assert!(svg.contains("class=\"previous\""));
    assert!(svg.contains("Konsultacje") && svg.contains("Dotacje"));
    assert!(svg.contains("2025: index 75.0"));
    // Cancelling needs its reason, and ends the round.
    let res = app
        .post_json_as(
            &jst_admin,
            &format!("{next_uri}/cancel"),
            json!({"reason": "Zmiana metodologii."}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(res.json()["cancel_reason"], "Zmiana metodologii.");
    app.post_json_as(
        &jst_admin,
        &format!("{next_uri}/cancel"),
        json!({"reason": "x"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
}

#[actix_web::test]
async fn the_demo_county_has_two_rounds_to_compare() {
    let app = TestApp::new().await;
    let report = app.db(coopera::demo::seed).await;
    assert!(report.contains("records created"));
    let rounds = app.get(ROUNDS).await.json();
    let years: Vec<i64> = rounds["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["year"].as_i64().unwrap())
        .collect();
    assert_eq!(years, [2025, 2026]);
    let latest = rounds["items"][1]["id"].as_str().unwrap();
    let scores = app.get(&format!("{ROUNDS}/{latest}/scores")).await.json();
    let index = scores["changes"][0].clone();
    assert_eq!(index["part"], "index");
    assert!(index["change"].as_f64().unwrap() > 0.0, "{index}");
    // Six NGOs answered the 2026 survey: its view and the gaps are there.
    let survey = app.get(&format!("{ROUNDS}/{latest}/survey")).await.json();
    assert_eq!(survey["responses"], 6);
    assert_eq!(survey["indicators"].as_array().unwrap().len(), 5);
    assert_eq!(scores["gaps"].as_array().unwrap().len(), 6);
    assert!(scores["survey"]["index"].is_number());
    // The ranking shows both views.
    let ranking = app.get("/api/v1/quality/rankings?year=2026").await.json();
    assert_eq!(ranking["items"][0]["round_id"], latest);
    assert_eq!(ranking["items"][0]["index"], scores["scores"]["index"]);
    assert_eq!(
        ranking["items"][0]["survey_index"],
        scores["survey"]["index"]
    );
    let ranking = app.get("/api/v1/quality/rankings?year=2025").await.json();
    assert_eq!(
        ranking["items"][0]["survey_index"],
        Value::Null,
        "no survey in 2025"
    );
    // The 2025 recommendations became action items, reviewed in 2026.
    let review = app
        .get(&format!("{ROUNDS}/{latest}/action-review"))
        .await
        .json();
    assert_eq!(review["previous_year"], 2025);
    assert_eq!(review["counts"]["done"], 2);
    assert_eq!(review["counts"]["in_progress"], 1);
    assert!(review["items"][0]["review"].is_string(), "{review}");
}

/// A completed round of `jst` for `year` on methodology `m`, with
/// `answers` (the small methodology's three indicators); its id.
async fn completed_round(
    app: &TestApp,
    (jst, token): (&str, &str),
    year: i64,
    m: &str,
    answers: [f64; 3],
) -> String {
    let official = app
        .create_person(
            json!({"full_name": format!("Urzędnik {jst} {year}"), "organization_id": jst}),
        )
        .await;
    let activist = app
        .create_person(json!({"full_name": format!("Działacz {jst} {year}")}))
        .await;
    let round = app
        .created(
            token,
            ROUNDS,
            json!({"organization_id": jst, "year": year, "methodology_id": m, "working_group": [
                {"person_id": official, "side": "local_government"},
                {"person_id": activist, "side": "ngo"}]}),
        )
        .await;
    let id = round["id"].as_str().unwrap().to_owned();
    let uri = format!("{ROUNDS}/{id}");
    let steps = [
        ("start", None),
        ("assessments/A.1", Some(answers[0])),
        ("assessments/A.2", Some(answers[1])),
        ("assessments/B.1", Some(answers[2])),
        ("complete", None),
    ];
    for (step, answer) in steps {
        let req = match answer {
            Some(a) => TestRequest::put().set_json(json!({"answer": a})),
            None => TestRequest::post(),
        };
        let res = app.send_as(token, req.uri(&format!("{uri}/{step}"))).await;
        assert_eq!(res.status, 200, "{step}: {}", res.text());
    }
    id
}

#[actix_web::test]
async fn local_governments_rank_by_level_and_region_and_each_has_its_series() {
    let app = TestApp::new().await;
    let m = app
        .created(&app.admin_token(), METHODOLOGIES, small("maly"))
        .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // Three voivodeships: index 100, and 37.5 twice (area a = (0 + 3 × 100)
    // / 4 = 75, b = 0) — and Lower Silesia a year earlier at 25.
    let mut jsts = Vec::new();
    for (teryt, answers) in [
        ("02", [2.0, 1.0, 2.0]),
        ("04", [0.0, 1.0, 0.0]),
        ("06", [0.0, 1.0, 0.0]),
    ] {
        let (jst, token) = local_government(&app, teryt).await;
        completed_round(&app, (&jst, &token), 2026, &m, answers).await;
        jsts.push((jst, token));
    }
    // 2025: area a = (0 + 3 × 0) / 4 = 0; b = 1 of 2 = 50: index 25.
    completed_round(&app, (&jsts[0].0, &jsts[0].1), 2025, &m, [0.0, 0.0, 1.5]).await;
    // A round still in progress is not ranked.
    let (jst, token) = local_government(&app, "08").await;
    app.created(
        &token,
        ROUNDS,
        json!({"organization_id": jst, "year": 2026, "methodology_id": m}),
    )
    .await;

    let shared = &app;
    let ranking = |query: &str| {
        let uri = format!("/api/v1/quality/rankings?year=2026&methodology_id={m}{query}");
        async move { shared.get(&uri).await }
    };
    let all = ranking("").await.json();
    let places: Vec<(String, f64, i64, f64)> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["territorial_unit_code"].as_str().unwrap().to_owned(),
                e["index"].as_f64().unwrap(),
                e["rank"].as_i64().unwrap(),
                e["percentile"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        places,
        [
            ("02".to_owned(), 100.0, 1, 100.0),
            ("04".to_owned(), 37.5, 2, 0.0),
            ("06".to_owned(), 37.5, 2, 0.0)
        ]
    );
    let in_region = ranking("&territorial_unit_code=04").await.json();
    assert_eq!(in_region["items"].as_array().unwrap().len(), 1);
    assert_eq!(in_region["items"][0]["rank"], 1);
    let counties = ranking("&level=county").await.json();
    assert_eq!(counties["items"], json!([]));
    let voivodeships = ranking("&level=voivodeship").await.json();
    assert_eq!(voivodeships["items"].as_array().unwrap().len(), 3);
    ranking("&territorial_unit_code=RO-XX")
        .await
        .assert_problem(400, "invalid_parameter");
    // The default methodology has no completed round here.
    let none = app.get("/api/v1/quality/rankings?year=2026").await.json();
    assert_eq!(none["items"], json!([]));

    // Lower Silesia over the years: 25, then 100.
    let series = app
        .get(&format!(
            "/api/v1/quality/organizations/{}/series",
            jsts[0].0
        ))
        .await
        .json();
    let years: Vec<(i64, f64)> = series["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["year"].as_i64().unwrap(),
                p["scores"]["index"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(years, [(2025, 25.0), (2026, 100.0)]);
    app.get("/api/v1/quality/organizations/01a23101-0000-7000-8000-000000000099/series")
        .await
        .assert_problem(404, "not_found");
}
