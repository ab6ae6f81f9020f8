//! The change feed: every change once, in commit order, filtered by what the
//! caller may read, with tombstones and long polling.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use futures_util::future::join;
use serde_json::{Value, json};

use crate::support::{TestApp, client_actor, user_actor};

async fn feed(app: &TestApp, token: &str, query: &str) -> Value {
    let res = app.get_as(token, &format!("/api/v1/changes?{query}")).await;
    assert_eq!(res.status, 200, "{query}: {}", res.text());
    res.json()
}

fn entries(page: &Value) -> Vec<(String, String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["entity_type"].as_str().unwrap().to_owned(),
                e["entity_id"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[actix_web::test]
async fn the_feed_lists_changes_in_order_with_tombstones_and_a_cursor_to_continue() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let org = app
        .create_org(json!({"name": "Fundacja Feed", "kind": "ngo", "country": "PL"}))
        .await;
    let person = app
        .create_person(json!({"full_name": "Anna Nowak", "email": "anna@example.org"}))
        .await;
    let res = app
        .patch_json_as(
            &admin,
            &format!("/api/v1/organizations/{org}"),
            json!({"name": "Fundacja Feed II"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());
    let res = app
        .post_json_as(
            &admin,
            &format!("/api/v1/people/{person}/archive"),
            json!({"reason": "Left the region"}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.text());

    let page = feed(&app, &admin, "types=organization,person").await;
    let seen = entries(&page);
    assert_eq!(
        seen,
        [
            ("organization".into(), org.clone(), "create".into()),
            ("person".into(), person.clone(), "create".into()),
            ("organization".into(), org.clone(), "update".into()),
            ("person".into(), person.clone(), "archive".into()),
        ]
    );
    let items = page["items"].as_array().unwrap();
    let tombstones: Vec<bool> = items.iter().map(|e| e["tombstone"] == true).collect();
    assert_eq!(tombstones, [false, false, false, true]);
    // Field names, never values (a person's email is personal data).
    assert_eq!(items[2]["changed_fields"], json!(["name"]));
    assert!(items.iter().all(|e| e.get("changes").is_none()));
    let seqs: Vec<i64> = items.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");

    // Page by page, the same entries.
    let first = feed(&app, &admin, "types=organization,person&limit=3").await;
    assert_eq!(entries(&first), seen[..3]);
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let rest = feed(
        &app,
        &admin,
        &format!("types=organization,person&after={cursor}"),
    )
    .await;
    assert_eq!(entries(&rest), seen[3..]);
    // `now` is the end of the log: where a reader starts before a full copy.
    let now = feed(&app, &admin, "after=now").await;
    assert_eq!(now["items"], json!([]));
    assert_eq!(
        now["next_cursor"],
        format!("s{}", seqs.last().unwrap()).as_str()
    );
    // Nothing new: no items, and the cursor stays where it was.
    let end = rest["next_cursor"].as_str().unwrap().to_owned();
    let empty = feed(&app, &admin, &format!("after={end}")).await;
    assert_eq!(empty["items"], json!([]));
    assert_eq!(empty["next_cursor"], end.as_str());
}

#[actix_web::test]
async fn a_caller_follows_only_what_it_may_read() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let org = app
        .create_org(json!({"name": "Fundacja", "kind": "ngo", "country": "PL"}))
        .await;
    app.create_person(json!({"full_name": "Jan Kowalski"}))
        .await;
    app.create_user(
        "someone@example.org",
        "a long enough password",
        vec![],
        None,
    )
    .await;
    // An administrator follows every type, users included.
    let types: HashSet<String> = entries(&feed(&app, &admin, "").await)
        .into_iter()
        .map(|(t, _, _)| t)
        .collect();
    assert!(types.contains("user"), "{types:?}");
    // A member follows the directories, and is refused the rest by name.
    let member = app.token(&user_actor("plain-member", None, vec![]));
    let types: HashSet<String> = entries(&feed(&app, &member, "").await)
        .into_iter()
        .map(|(t, _, _)| t)
        .collect();
    assert_eq!(
        types,
        HashSet::from(["organization".to_owned(), "person".to_owned()])
    );
    let res = app.get_as(&member, "/api/v1/changes?types=user").await;
    res.assert_problem(403, "forbidden");
    // An API client follows what its scopes read.
    let people_client = app.token(&client_actor(&org, &["people:read"]));
    let types: HashSet<String> = entries(&feed(&app, &people_client, "").await)
        .into_iter()
        .map(|(t, _, _)| t)
        .collect();
    assert_eq!(types, HashSet::from(["person".to_owned()]));
    let res = app
        .get_as(&people_client, "/api/v1/changes?types=organization")
        .await;
    res.assert_problem(403, "forbidden");
    let no_scopes = app.token(&client_actor(&org, &[]));
    app.get_as(&no_scopes, "/api/v1/changes")
        .await
        .assert_problem(403, "forbidden");
    app.get("/api/v1/changes")
        .await
        .assert_problem(401, "unauthorized");
}

#[actix_web::test]
async fn bad_parameters_are_400_naming_them() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    for (query, code, field) in [
        ("after=42", "invalid_cursor", "after"),
        ("limit=0", "invalid_parameter", "limit"),
        ("limit=1001", "invalid_parameter", "limit"),
        ("wait=31", "invalid_parameter", "wait"),
        ("types=Organization", "invalid_parameter", "types"),
    ] {
        let res = app
            .get_as(&admin, &format!("/api/v1/changes?{query}"))
            .await;
        let body = res.assert_problem(400, code);
        assert_eq!(body["errors"][0]["field"], field, "{query}");
    }
    // A misspelt parameter is refused, not ignored.
    let res = app.get_as(&admin, "/api/v1/changes?type=person").await;
    let body = res.assert_problem(400, "invalid_parameter");
    assert!(body["detail"].as_str().unwrap().contains("type"), "{body}");
}

#[actix_web::test]
async fn a_waiting_reader_is_answered_as_soon_as_something_changes() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let start = feed(&app, &admin, "").await;
    let cursor = start["next_cursor"].as_str().unwrap().to_owned();
    // Nothing happens: the answer comes after the wait, empty.
    let began = Instant::now();
    let idle = feed(&app, &admin, &format!("after={cursor}&wait=1")).await;
    assert!(
        began.elapsed() >= Duration::from_millis(700),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(idle["items"], json!([]));
    // A change comes while the reader waits: it is answered with it, long
    // before its wait is over.
    let began = Instant::now();
    let (page, org) = join(
        feed(&app, &admin, &format!("after={cursor}&wait=20")),
        async {
            actix_web::rt::time::sleep(Duration::from_millis(300)).await;
            app.create_org(json!({"name": "Nowa", "kind": "ngo", "country": "PL"}))
                .await
        },
    )
    .await;
    assert!(
        began.elapsed() < Duration::from_secs(10),
        "{:?}",
        began.elapsed()
    );
    assert_eq!(
        entries(&page),
        [("organization".to_owned(), org, "create".to_owned())]
    );
}

/// Writers and a polling reader at once: the reader sees every change
/// exactly once, in order.
#[actix_web::test]
async fn a_reader_polling_during_concurrent_writes_sees_every_change_exactly_once() {
    let app = TestApp::new().await;
    let admin = app.admin_token();
    let (writers, each) = (4, 8);
    let write = async {
        let created = futures_util::future::join_all((0..writers).map(|w| {
            let (app, admin) = (&app, &admin);
            async move {
                let mut ids = Vec::new();
                for i in 0..each {
                    let org = app
                        .created(
                            admin,
                            "/api/v1/organizations",
                            json!({"name": format!("Writer {w} org {i}"), "kind": "ngo", "country": "PL"}),
                        )
                        .await;
                    let id = org["id"].as_str().unwrap().to_owned();
                    let res = app
                        .patch_json_as(
                            admin,
                            &format!("/api/v1/organizations/{id}"),
                            json!({"phone": format!("+48 {w}{i}")}),
                        )
                        .await;
                    assert_eq!(res.status, 200, "{}", res.text());
                    ids.push(id);
                }
                ids
            }
        }))
        .await;
        created.into_iter().flatten().collect::<Vec<_>>()
    };
    let read = async {
        let mut seen: Vec<(i64, String, String)> = Vec::new();
        let mut cursor = "s0".to_owned();
        let deadline = Instant::now() + Duration::from_secs(60);
        while seen.len() < writers * each * 2 && Instant::now() < deadline {
            let page = feed(
                &app,
                &admin,
                &format!("types=organization&after={cursor}&limit=5&wait=1"),
            )
            .await;
            for e in page["items"].as_array().unwrap() {
                seen.push((
                    e["seq"].as_i64().unwrap(),
                    e["entity_id"].as_str().unwrap().to_owned(),
                    e["action"].as_str().unwrap().to_owned(),
                ));
            }
            cursor = page["next_cursor"].as_str().unwrap().to_owned();
        }
        seen
    };
    let (created, seen) = join(write, read).await;
    assert_eq!(seen.len(), writers * each * 2, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].0 < w[1].0), "out of order");
    for id in &created {
        let actions: Vec<&str> = seen
            .iter()
            .filter(|(_, e, _)| e == id)
            .map(|(_, _, a)| a.as_str())
            .collect();
        assert_eq!(actions, ["create", "update"], "{id}");
    }
}
