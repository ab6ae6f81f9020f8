//! Swagger UI is served from the binary: no file of it comes from elsewhere.

use crate::support::TestApp;

#[actix_web::test]
async fn swagger_ui_html_and_its_scripts_are_served_locally() {
    let app = TestApp::new().await;
    let page = app.get("/swagger-ui/").await;
    assert_eq!(page.status, 200);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    let html = page.text();
    assert!(html.contains("swagger-ui-bundle.js"));
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "{html}"
    );

    for (file, kind) in [
        ("swagger-ui-bundle.js", "javascript"),
        ("swagger-ui-standalone-preset.js", "javascript"),
        ("swagger-ui.css", "css"),
    ] {
        let res = app.get(&format!("/swagger-ui/{file}")).await;
        assert_eq!(res.status, 200, "{file}");
        assert!(res.header("content-type").unwrap().contains(kind), "{file}");
        assert!(
            res.body.len() > 10_000,
            "{file} is too small to be the real thing"
        );
    }

    let init = app.get("/swagger-ui/swagger-initializer.js").await;
    assert_eq!(init.status, 200);
    let init = init.text();
    assert!(init.contains("/api-docs/openapi.json"), "{init}");
    assert!(init.contains("\"validatorUrl\": \"none\""), "{init}");
}

#[actix_web::test]
async fn swagger_ui_without_a_slash_and_the_root_redirect_to_it() {
    let app = TestApp::new().await;
    for path in ["/swagger-ui", "/"] {
        let res = app.get(path).await;
        assert_eq!(res.status, 308, "{path}");
        assert_eq!(res.header("location"), Some("/swagger-ui/"));
    }
}
