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

/// Every route a function serves is an event of that function in `template.yaml`, and
/// nothing else is: deployed, API Gateway routes by the template alone, so a route missing
/// there is a 404 in production that no local test would see.
#[test]
fn the_template_routes_each_function_exactly_its_routes() {
    let template =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../template.yaml"))
            .expect("template.yaml at the root");
    let routed = template_routes(&template);
    for (function, api) in swz_local::functions() {
        let mut served: std::collections::BTreeSet<(String, String)> = api
            .split_for_parts()
            .1
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter(|(_, present)| *present)
                .map(move |(method, _)| (method.to_string(), path.clone()))
            })
            .collect();
        if function == "NotificationsFunction" {
            // Served from the committed document (`swz_notifications::openapi_router`).
            served.insert(("GET".into(), "/api/openapi.json".into()));
        }
        let in_template = routed.get(function).cloned().unwrap_or_default();
        assert_eq!(in_template, served, "{function}: template.yaml events ≠ the routes it serves");
    }
    let known: Vec<_> = swz_local::functions().into_iter().map(|(name, _)| name).collect();
    for function in routed.keys() {
        assert!(known.contains(&function.as_str()), "{function} has HTTP events but no router");
    }
}

/// The deployed notifications function serves the committed document, byte for byte.
#[test]
fn the_deployed_document_is_the_committed_one() {
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi.json"))
            .expect("openapi.json at the root");
    assert_eq!(swz_notifications::OPENAPI_JSON, committed);
}

/// `(method, path)` of every `HttpApi` event in the template, by function logical id. The
/// template writes each event on one line: `Name: { Type: HttpApi, Properties: { ApiId:
/// !Ref Api, Method: GET, Path: /api/... } }`.
fn template_routes(
    template: &str,
) -> std::collections::BTreeMap<String, std::collections::BTreeSet<(String, String)>> {
    let mut routes = std::collections::BTreeMap::<String, std::collections::BTreeSet<_>>::new();
    let mut resource = String::new();
    for line in template.lines() {
        // Resources sit at two spaces of indent: `  AuthFunction:`.
        if let Some(name) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':'))
            && !name.starts_with([' ', '#'])
        {
            resource = name.to_string();
        }
        if !line.contains("Type: HttpApi") {
            continue;
        }
        let field = |key: &str| {
            let rest =
                &line[line.find(key).unwrap_or_else(|| panic!("{key} in: {line}")) + key.len()..];
            let end = rest.find([',', ' ', '}']).unwrap_or(rest.len());
            rest[..end].trim_matches('"').to_string()
        };
        let method = field("Method: ");
        let path = {
            let rest = &line[line.find("Path: ").expect("Path") + 6..];
            rest.trim_end_matches([' ', '}']).trim_matches('"').to_string()
        };
        routes.entry(resource.clone()).or_default().insert((method, path));
    }
    routes
}
