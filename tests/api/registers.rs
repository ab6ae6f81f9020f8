//! The TERC import and the demo data.

use serde_json::json;

use crate::support::TestApp;

const SAMPLE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/terc_sample.csv");

fn system() -> coopera::audit::Caller {
    coopera::audit::Caller {
        actor: coopera::auth::Actor::Anonymous,
        request_id: None,
    }
}

async fn import(app: &TestApp) -> coopera::territorial_units::terc::Summary {
    app.db(|conn| {
        let parsed = coopera::territorial_units::terc::parse(std::fs::File::open(SAMPLE).unwrap())
            .map_err(coopera::error::ApiError::internal)?;
        coopera::territorial_units::terc::import(conn, &system(), parsed, || {})
    })
    .await
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

#[test]
fn the_import_command_prints_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("c.db").display());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_coopera"))
        .current_dir(dir.path())
        .env("DATABASE_URL", &url)
        .args(["import", "terc", SAMPLE])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("9 added, 0 updated, 1 unchanged, 3 skipped"),
        "{stdout}"
    );
    assert!(stdout.contains("line 15:"), "{stdout}");
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
