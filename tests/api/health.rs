use crate::support::TestApp;

#[actix_web::test]
async fn live_and_ready_answer_when_the_database_is_up() {
    let app = TestApp::new().await;
    let live = app.get("/health/live").await;
    assert_eq!(live.status, 200);
    assert_eq!(live.json()["status"], "ok");
    let ready = app.get("/health/ready").await;
    assert_eq!(ready.status, 200);
    assert_eq!(ready.json()["status"], "ready");
}

#[actix_web::test]
async fn ready_is_503_when_the_database_is_down_but_live_stays_200() {
    let app = TestApp::builder().database_down().build().await;
    assert_eq!(app.get("/health/live").await.status, 200);
    let ready = app.get("/health/ready").await;
    let body = ready.assert_problem(503, "service_unavailable");
    assert!(ready.header("retry-after").is_some());
    // The cause (a refused connection) stays in the log.
    let text = body.to_string();
    assert!(
        !text.contains("127.0.0.1") && !text.contains("refused"),
        "{text}"
    );
}

#[actix_web::test]
async fn a_query_with_the_database_down_is_503_not_500() {
    let app = TestApp::builder().database_down().build().await;
    app.get("/api/v1/territorial-units")
        .await
        .assert_problem(503, "service_unavailable");
    app.get("/api/v1/territorial-units/02")
        .await
        .assert_problem(503, "service_unavailable");
}
