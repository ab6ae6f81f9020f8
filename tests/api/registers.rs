//! The TERC and SIRUTA imports, the built-in Romanian municipalities, and the
//! demo data.

use serde_json::json;

use crate::support::TestApp;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/terc_sample.csv");

fn system() -> coopera::audit::Caller {
    coopera::audit::Caller {
        actor: coopera::auth::Actor::Anonymous,
        request_id: None,
    }
}

async fn import(app: &TestApp) -> coopera::territorial_units::register::Summary {
    app.db(|conn| {
        let parsed = coopera::territorial_units::terc::parse(std::fs::File::open(SAMPLE).unwrap())
            .map_err(coopera::error::ApiError::internal)?;
        coopera::territorial_units::register::import(conn, &system(), "PL", parsed, || {})
    })
    .await
}

const SIRUTA_SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/siruta_sample.csv");

async fn import_siruta(
    app: &TestApp,
    file: &'static str,
) -> coopera::territorial_units::register::Summary {
    app.db(move |conn| {
        use coopera::territorial_units::{register, siruta};
        let parsed = if file == "built-in" {
            siruta::parse(siruta::BUILT_IN.as_bytes())
        } else {
            siruta::parse(std::fs::File::open(file).unwrap())
        }
        .map_err(coopera::error::ApiError::internal)?;
        register::import(conn, &system(), "RO", parsed, || {})
    })
    .await
}

#[actix_web::test]
async fn the_migrations_hold_the_built_in_siruta_register_exactly() {
    let app = TestApp::new().await;
    let summary = import_siruta(&app, "built-in").await;
    assert_eq!(
        (summary.added, summary.updated, summary.unchanged),
        (0, 0, 3187)
    );
    assert!(summary.rejected.is_empty(), "{:?}", summary.rejected);
}

#[actix_web::test]
async fn the_siruta_import_updates_adds_and_reports_rejected_lines() {
    let app = TestApp::new().await;
    let first = import_siruta(&app, SIRUTA_SAMPLE).await;
    assert_eq!((first.added, first.updated, first.unchanged), (1, 1, 2));
    assert_eq!(first.skipped, 2, "the county and the village");
    let lines: Vec<_> = first.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [8, 9, 10]);
    let second = import_siruta(&app, SIRUTA_SAMPLE).await;
    assert_eq!((second.added, second.updated, second.unchanged), (0, 0, 4));

    let turda = app.get("/api/v1/territorial-units/RO-55259").await.json();
    assert_eq!(turda["name"], "Turda Nouă");
    assert_eq!(turda["version"], 2);
    let added = app.get("/api/v1/territorial-units/RO-999990").await.json();
    assert_eq!(added["name"], "Comuna de pe Vale");
    assert_eq!(added["parent_code"], "RO-CJ");
}

#[actix_web::test]
async fn romanian_municipalities_are_found_without_diacritics_and_governed_by_their_councils() {
    let app = TestApp::new().await;
    let found = app
        .get("/api/v1/territorial-units?q=turda&country=RO&level=municipality")
        .await
        .json();
    let names: Vec<_> = found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["code"].as_str().unwrap(), u["name"].as_str().unwrap()))
        .collect();
    assert!(names.contains(&("RO-55259", "Turda")), "{names:?}");
    let bistrita = app
        .get("/api/v1/territorial-units?q=Bistrita&parent=RO-BN")
        .await
        .json();
    assert_eq!(bistrita["items"][0]["name"], "Bistrița", "{bistrita}");
    let sectors = app
        .get("/api/v1/territorial-units?parent=RO-B&q=sector&limit=10")
        .await
        .json();
    assert_eq!(sectors["items"].as_array().unwrap().len(), 6, "{sectors}");

    // The county council and the town's local council side by side.
    app.create_org(
        json!({"name": "Consiliul Județean Cluj", "kind": "local_government",
        "country": "RO", "teryt_code": "RO-CJ"}),
    )
    .await;
    let turda = app
        .create_org(
            json!({"name": "Primăria Municipiului Turda", "kind": "local_government",
            "country": "RO", "teryt_code": "RO-55259"}),
        )
        .await;
    let body = app
        .get_as(
            &app.admin_token(),
            &format!("/api/v1/organizations/{turda}"),
        )
        .await
        .json();
    assert_eq!(body["territorial_unit_code"], "RO-55259", "{body}");
    assert_eq!(body["territorial_unit_name"], "Turda", "{body}");
    // Every instant has one precision, whichever way the row was written.
    let unit = app.get("/api/v1/territorial-units/RO-55259").await.json();
    for instant in [
        &body["created_at"],
        &body["updated_at"],
        &unit["created_at"],
    ] {
        let text = instant.as_str().unwrap();
        let fraction = text.split('.').nth(1).unwrap_or_default();
        assert_eq!(fraction.len(), 7, "six digits and Z: {text}");
        assert!(fraction.ends_with('Z'), "{text}");
    }
    let listed = app
        .get_as(
            &app.admin_token(),
            "/api/v1/organizations?territorial_unit=RO-55259",
        )
        .await
        .json();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    // A Polish code is not a Romanian council's.
    let res = app
        .post_json_as(
            &app.admin_token(),
            "/api/v1/organizations",
            json!({"name": "Primăria X", "kind": "local_government", "country": "RO", "teryt_code": "0225"}),
        )
        .await;
    assert!(res.status == 422, "{}", res.text());
}

#[actix_web::test]
async fn the_terc_import_adds_units_once_and_reports_rejected_lines() {
    let app = TestApp::new().await;
    let first = import(&app).await;
    assert_eq!(first.added, 9);
    assert_eq!(first.unchanged, 1, "the built-in voivodeship 02");
    assert_eq!(first.skipped, 3);
    let lines: Vec<_> = first.rejected.iter().map(|r| r.line).collect();
    assert_eq!(lines, [15, 16, 17]);

    let second = import(&app).await;
    assert_eq!((second.added, second.updated, second.unchanged), (0, 0, 10));

    let gminas = app
        .get("/api/v1/territorial-units?parent=0201&level=municipality")
        .await
        .json();
    let codes: Vec<_> = gminas["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["0201011", "0201022", "0201033"]);
    let found = app.get("/api/v1/territorial-units?q=zawidow").await.json();
    assert_eq!(found["items"][0]["code"], "0225011");
}

#[actix_web::test]
async fn a_changed_name_is_updated_and_versioned() {
    use coopera::db::schema::territorial_units::dsl as tu;
    use diesel::prelude::*;
    let app = TestApp::new().await;
    import(&app).await;
    app.db(|conn| {
        diesel::update(tu::territorial_units.find("0225"))
            .set(tu::name.eq("old name"))
            .execute(conn)?;
        Ok(())
    })
    .await;
    let summary = import(&app).await;
    assert_eq!(summary.updated, 1);
    let unit = app.get("/api/v1/territorial-units/0225").await.json();
    assert_eq!(unit["name"], "zgorzelecki");
    assert_eq!(unit["version"], 2);
}

/// `coopera import REGISTER FILE` on a fresh database: what it prints.
fn import_command(register: &str, file: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coopera"))
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .args(["import", register, file])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_import_commands_print_a_summary_with_the_rejected_lines() {
    let terc = import_command("terc", SAMPLE);
    assert!(
        terc.contains("TERC import: 9 added, 0 updated, 1 unchanged, 3 skipped"),
        "{terc}"
    );
    assert!(terc.contains("line 15:"), "{terc}");
    let siruta = import_command("siruta", SIRUTA_SAMPLE);
    assert!(
        siruta.contains("SIRUTA import: 1 added, 1 updated, 2 unchanged, 2 skipped"),
        "{siruta}"
    );
    assert!(siruta.contains("line 8: SIRUTA `55X59`"), "{siruta}");
}

#[actix_web::test]
async fn the_demo_data_is_idempotent_and_its_accounts_work() {
    let app = TestApp::new().await;
    let first = app.db(coopera::demo::seed).await;
    assert!(first.contains("coordinator-demo-password"), "{first}");
    // Only demo accounts: seed-demo may run again without being told.
    let others = app.db(|conn| coopera::demo::other_accounts(conn, 3)).await;
    assert!(others.is_empty(), "{others:?}");
    app.create_user(
        "someone@example.org",
        "a long enough passphrase",
        vec![],
        None,
    )
    .await;
    let others = app.db(|conn| coopera::demo::other_accounts(conn, 3)).await;
    assert_eq!(others, ["someone@example.org"]);
    let second = app.db(coopera::demo::seed).await;
    assert!(second.contains("password unchanged"), "{second}");
    assert!(second.contains("0 records created"), "{second}");

    let login = app
        .token_request(&[
            ("grant_type", "password"),
            ("username", "koordynator@coopera.example"),
            ("password", "coordinator-demo-password"),
        ])
        .await;
    assert_eq!(login.status, 200, "{}", login.text());
    let token = login.json()["access_token"].as_str().unwrap().to_owned();
    let me = app.get_as(&token, "/api/v1/me").await.json();
    let roles = me["roles"].as_array().unwrap();
    assert!(roles.iter().any(|r| r["role"] == "coordinator"), "{me}");
    assert!(roles.iter().any(|r| r["role"] == "org_member"), "{me}");

    let orgs = app
        .get_as(&token, "/api/v1/organizations?territorial_unit=0225")
        .await
        .json();
    assert_eq!(orgs["items"].as_array().unwrap().len(), 3);
    let jst = app
        .get_as(
            &token,
            "/api/v1/organizations?kind=local_government&country=RO",
        )
        .await
        .json();
    assert_eq!(jst["items"][0]["teryt_code"], json!("RO-CJ"));

    // The 9 November campaign of seed 000, short in three of five locations.
    let projects = app
        .get_as(&token, "/api/v1/projects?q=incluziune")
        .await
        .json();
    let project = projects["items"][0]["id"].as_str().unwrap().to_owned();
    let campaigns = app
        .get_as(&token, &format!("/api/v1/projects/{project}/campaigns"))
        .await
        .json();
    let campaign = campaigns["items"][0]["id"].as_str().unwrap().to_owned();
    let report = app
        .get_as(&token, &format!("/api/v1/campaigns/{campaign}/report"))
        .await
        .json();
    assert_eq!(
        report["short_locations"],
        json!(["Turda", "Gherla", "Câmpia Turzii"])
    );
    let results = app
        .get_as(&token, &format!("/api/v1/projects/{project}/report"))
        .await
        .json();
    assert_eq!(results["indicators"][0]["achieved"], 4.0);
    assert_eq!(results["indicators"][1]["achieved"], 365.0);
    let found = app
        .get_as(
            &token,
            "/api/v1/good-practices?q=wspolpracy&status=accepted",
        )
        .await
        .json();
    assert_eq!(found["items"].as_array().unwrap().len(), 1, "{found}");
}

#[actix_web::test]
async fn the_demo_data_reuses_what_a_user_registered_first() {
    let app = TestApp::new().await;
    // The README's walkthrough registers Cluj County Council before the demo.
    let council = app
        .create_org(
            json!({"name": "CJ Cluj", "kind": "local_government", "country": "RO",
            "teryt_code": "RO-CJ"}),
        )
        .await;
    let report = app.db(coopera::demo::seed).await;
    assert!(report.contains("records created"), "{report}");
    let admin = app.admin_token();
    let councils = app
        .get_as(
            &admin,
            "/api/v1/organizations?kind=local_government&country=RO",
        )
        .await
        .json();
    let ids: Vec<_> = councils["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids.len(),
        2,
        "the user's county council and Turda's: {councils}"
    );
    assert!(ids.contains(&council.as_str()));
    // The demo partnership has it as a member, next to the town of Turda.
    let partnerships = app.get_as(&admin, "/api/v1/partnerships").await.json();
    let id = partnerships["items"][0]["id"].as_str().unwrap();
    let members = app
        .get_as(&admin, &format!("/api/v1/partnerships/{id}/members"))
        .await
        .json();
    let orgs: Vec<_> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["organization_id"].as_str().unwrap())
        .collect();
    assert_eq!(orgs.len(), 3, "{members}");
    assert!(orgs.contains(&council.as_str()));
}

#[actix_web::test]
async fn a_clash_the_demo_cannot_resolve_is_one_line_naming_the_record() {
    let app = TestApp::new().await;
    // A user's own person has the demo coordinator's email and an account.
    let person = app
        .create_person(json!({"full_name": "Anna N.", "email": "koordynator@coopera.example"}))
        .await;
    app.create_user(
        "anna@example.org",
        "a long enough passphrase",
        vec![],
        Some(person),
    )
    .await;
    let error = app
        .state
        .db
        .run(coopera::demo::seed)
        .await
        .expect_err("the person already has an account");
    let line = error.to_string();
    assert!(
        line.contains("the demo's account koordynator@coopera.example cannot be added"),
        "{line}"
    );
    assert!(
        !line.contains('\n') && !line.to_lowercase().contains("unique constraint"),
        "{line}"
    );
    // Nothing of the demo was kept.
    let projects = app
        .get_as(&app.admin_token(), "/api/v1/projects")
        .await
        .json();
    assert!(
        projects["items"].as_array().unwrap().is_empty(),
        "{projects}"
    );
}
