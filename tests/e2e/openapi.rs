//! The OpenAPI document: served by the local server, generated from the code, and equal to
//! the committed `openapi.json` (regenerate with `make openapi`).

use crate::support::*;

#[tokio::test]
async fn the_served_document_matches_the_committed_one() {
    let t = spawn_app().await;
    let served = t.request(reqwest::Method::GET, "/api/openapi.json", None, None).await.expect(200);
    assert_eq!(served["openapi"].as_str().map(|v| v.starts_with("3.1")), Some(true));
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.json");
    let committed: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(committed_path).expect("openapi.json is committed at the root"),
    )
    .expect("openapi.json is JSON");
    assert!(
        served == committed,
        "openapi.json has drifted from the code: run `make openapi` and commit the result"
    );
}

#[tokio::test]
async fn every_documented_route_is_served() {
    let t = spawn_app().await;
    let doc = swz_local::openapi();
    assert!(doc.paths.paths.len() > 10);
    for (path, item) in &doc.paths.paths {
        let concrete = path.replace(['{', '}'], "x");
        for (method, present) in [
            (reqwest::Method::GET, item.get.is_some()),
            (reqwest::Method::POST, item.post.is_some()),
            (reqwest::Method::PUT, item.put.is_some()),
            (reqwest::Method::DELETE, item.delete.is_some()),
        ] {
            if !present {
                continue;
            }
            let answer = t.request(method.clone(), &concrete, Some("no-token"), None).await;
            // A documented route answers as a route (401 without a valid token, or
            // success for public ones), never the unknown-route 404 without a token check.
            assert_ne!(
                (answer.status, answer.code().to_string()),
                (404, "not_found".to_string()),
                "{method} {path} is documented but not routed"
            );
        }
    }
}
