//! Two clients change the same record from the same version at once: exactly
//! one wins and the other gets 412, for every module's records that take
//! `If-Match`.

use actix_web::test::TestRequest;
use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::access_matrix::fixture::{Fixture, fixture};
use crate::support::TestApp;

/// A record of each module: its path and a change to make to it.
fn records(f: &Fixture) -> Vec<(String, Value)> {
    vec![
        (
            format!("/api/v1/organizations/{}", f.org),
            json!({"phone": "+48 1"}),
        ),
        (
            format!("/api/v1/people/{}", f.person),
            json!({"position": "x"}),
        ),
        (
            format!("/api/v1/projects/{}", f.project),
            json!({"description": "x"}),
        ),
        (
            format!("/api/v1/users/{}", f.user),
            json!({"display_name": "x"}),
        ),
        (
            format!("/api/v1/partnerships/{}", f.partnership),
            json!({"purpose": "x"}),
        ),
        (
            format!(
                "/api/v1/partnerships/{}/members/{}",
                f.partnership, f.partner_member
            ),
            json!({"local_coordinator_person_id": null}),
        ),
        (
            format!(
                "/api/v1/partnerships/{}/responsibilities/{}",
                f.partnership, f.task
            ),
            json!({"title": "x"}),
        ),
        (
            format!("/api/v1/activities/{}", f.activity),
            json!({"title": "x"}),
        ),
        (
            format!("/api/v1/campaigns/{}", f.campaign),
            json!({"name": "x"}),
        ),
        (
            format!("/api/v1/indicators/{}", f.indicator),
            json!({"name": "x"}),
        ),
        (
            format!("/api/v1/good-practices/{}", f.good_practice),
            json!({"title": "x"}),
        ),
        (
            format!("/api/v1/training-programmes/{}", f.programme),
            json!({"name": "x"}),
        ),
        (
            format!("/api/v1/training-groups/{}", f.group),
            json!({"place": "x"}),
        ),
        (
            format!("/api/v1/training-sessions/{}", f.session),
            json!({"place": "x"}),
        ),
        (
            format!("/api/v1/watched-drafts/{}", f.watched_draft),
            json!({"status": "commented"}),
        ),
        (
            format!("/api/v1/consultation-meetings/{}", f.meeting),
            json!({"title": "x"}),
        ),
        (
            format!("/api/v1/participation-bodies/{}", f.body),
            json!({"description": "x"}),
        ),
        (
            format!("/api/v1/quality/action-items/{}", f.action_item),
            json!({"review": "x"}),
        ),
        (
            format!("/api/v1/webhooks/{}", f.webhook),
            json!({"url": "https://crm.example.org/x"}),
        ),
    ]
}

#[actix_web::test]
async fn of_two_changes_from_the_same_version_exactly_one_wins() {
    let app = TestApp::new().await;
    let f = fixture(&app).await;
    let admin = app.admin_token();
    for (path, change) in records(&f) {
        let read = app.get_as(&admin, &path).await;
        assert_eq!(read.status, 200, "{path}: {}", read.text());
        let etag = read.header("etag").unwrap().to_owned();
        let answers = join_all((0..2).map(|_| {
            app.send_as(
                &admin,
                TestRequest::patch()
                    .uri(&path)
                    .insert_header(("if-match", etag.clone()))
                    .set_json(change.clone()),
            )
        }))
        .await;
        let mut statuses: Vec<u16> = answers.iter().map(|r| r.status.as_u16()).collect();
        statuses.sort_unstable();
        assert_eq!(
            statuses,
            [200, 412],
            "{path}: {:?}",
            answers.iter().map(|r| r.text()).collect::<Vec<_>>()
        );
        let after = app.get_as(&admin, &path).await;
        assert_ne!(after.header("etag"), Some(etag.as_str()), "{path}");
    }
}
