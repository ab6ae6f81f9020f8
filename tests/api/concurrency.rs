//! Concurrent writers: no 5xx, no lost update, on both backends.

use futures_util::future::join_all;
use serde_json::json;

use crate::support::TestApp;

#[actix_web::test]
async fn concurrent_failed_logins_are_all_counted() {
    let app = TestApp::new().await;
    let attempts = 12;
    let results = join_all((0..attempts).map(|i| {
        let app = &app;
        async move {
            app.token_request(&[
                ("grant_type", "password"),
                ("username", &format!("user{i}@example.org")),
                ("password", "wrong"),
            ])
            .await
        }
    }))
    .await;
    for res in &results {
        assert_eq!(res.status, 400, "{}", res.text());
    }
    use coopera::db::schema::login_throttle::dsl as lt;
    use diesel::prelude::*;
    let counted: i32 = app
        .db(|conn| {
            Ok(lt::login_throttle
                .find("ip:unknown")
                .select(lt::failures)
                .first(conn)?)
        })
        .await;
    assert_eq!(counted, attempts);
}

#[actix_web::test]
async fn concurrent_changes_to_one_record_queue_rather_than_fail() {
    let app = TestApp::new().await;
    let id = app
        .create_org(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    let admin = app.admin_token();
    let writers = 12;
    let results = join_all((0..writers).map(|i| {
        let (app, admin, id) = (&app, &admin, &id);
        async move {
            app.patch_json_as(
                admin,
                &format!("/api/v1/organizations/{id}"),
                json!({"phone": format!("+48 {i}")}),
            )
            .await
        }
    }))
    .await;
    for res in &results {
        assert_eq!(res.status, 200, "{}", res.text());
    }
    let org = app
        .get_as(&admin, &format!("/api/v1/organizations/{id}"))
        .await
        .json();
    assert_eq!(org["version"], writers + 1);
    let log = app
        .get_as(
            &admin,
            &format!("/api/v1/audit?entity_id={id}&action=update"),
        )
        .await
        .json();
    assert_eq!(log["items"].as_array().unwrap().len(), writers as usize);
}

#[actix_web::test]
async fn concurrent_creates_that_read_before_writing_all_succeed() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let writers = 16;
    let results = join_all((0..writers).map(|i| {
        let (app, admin) = (&app, &admin);
        async move {
            app.post_json_as(
                admin,
                "/api/v1/organizations",
                json!({"name": format!("Org {i}"), "kind": "ngo", "country": "PL", "territorial_unit_code": "14"}),
            )
            .await
        }
    }))
    .await;
    for res in &results {
        assert_eq!(res.status, 201, "{}", res.text());
    }
    let list = app
        .get_as(&admin, "/api/v1/organizations?limit=200")
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), writers);
}

#[actix_web::test]
async fn a_burst_of_parallel_guesses_gets_no_more_tries_than_the_limit() {
    let app = TestApp::new().await;
    app.create_user(
        "anna@example.org",
        "correct horse battery staple",
        vec![],
        None,
    )
    .await;
    let results = join_all((0..12).map(|_| {
        let app = &app;
        async move {
            app.token_request(&[
                ("grant_type", "password"),
                ("username", "anna@example.org"),
                ("password", "wrong guess"),
            ])
            .await
        }
    }))
    .await;
    let checked = results.iter().filter(|r| r.status == 400).count();
    let refused = results.iter().filter(|r| r.status == 429).count();
    assert_eq!(checked + refused, 12);
    assert!(
        checked <= coopera::auth::throttle::PAIR_LIMIT as usize,
        "{checked} guesses were checked"
    );
}
