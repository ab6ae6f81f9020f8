use std::path::Path;

use crate::support::TestApp;

const COMMITTED: &str = "openapi/openapi.json";

#[test]
fn the_committed_document_matches_the_code() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(COMMITTED);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let generated = coopera::openapi_json();
    assert!(
        committed == generated,
        "{COMMITTED} differs from the API the code serves; regenerate it with\n\n    cargo run -- openapi > {COMMITTED}\n\nand commit it."
    );
}

#[actix_web::test]
async fn the_served_document_is_the_generated_one() {
    let app = TestApp::new().await;
    let res = app.get("/api-docs/openapi.json").await;
    assert_eq!(res.status, 200);
    let served = res.json();
    let generated: serde_json::Value = serde_json::from_str(&coopera::openapi_json()).unwrap();
    assert_eq!(served, generated);
    assert_eq!(served["openapi"], "3.1.0");
}

#[test]
fn every_operation_has_an_id_a_tag_and_documents_its_errors() {
    let doc: serde_json::Value = serde_json::from_str(&coopera::openapi_json()).unwrap();
    let mut ids = std::collections::HashSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap_or_default();
            assert!(!id.is_empty(), "{method} {path} has no operationId");
            assert!(ids.insert(id.to_owned()), "duplicate operationId {id}");
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{id}");
            let responses = op["responses"].as_object().unwrap();
            assert!(responses.contains_key("500"), "{id} does not document 500");
            if path.contains('{') {
                assert!(responses.contains_key("404"), "{id} does not document 404");
            }
            if op["parameters"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p["in"] == "query"))
            {
                assert!(responses.contains_key("400"), "{id} does not document 400");
            }
        }
    }
}

#[test]
fn the_security_schemes_point_at_the_token_endpoint() {
    let doc: serde_json::Value = serde_json::from_str(&coopera::openapi_json()).unwrap();
    let schemes = &doc["components"]["securitySchemes"];
    assert_eq!(schemes["bearer"]["scheme"], "bearer");
    assert_eq!(schemes["bearer"]["bearerFormat"], "JWT");
    let flows = &schemes["oauth2"]["flows"];
    assert_eq!(flows["password"]["tokenUrl"], "/api/v1/auth/token");
    assert_eq!(flows["clientCredentials"]["tokenUrl"], "/api/v1/auth/token");
}
