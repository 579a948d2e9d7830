//! Accounts and tokens: the foundation's must-show sequence.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn health_answers_without_a_token() {
    let t = spawn_app().await;
    let answer = t.request(reqwest::Method::GET, "/api/health", None, None).await;
    assert_eq!(answer.expect(200), json!({"status": "ok"}));
}

#[tokio::test]
async fn every_role_logs_in_and_the_agency_switches_station() {
    let w = world().await;
    let t = &w.t;

    let me = t.get("/api/auth/me", &w.province).await.expect(200);
    assert_eq!(me["account"]["role"], "admin");
    assert!(me["station"].is_null());
    assert!(me.get("token").is_none());

    let station = t.try_login("station_a", PASSWORD).await.expect(200);
    assert_eq!(station["account"]["role"], "station");
    assert_eq!(station["station"]["id"], w.station_a_id.as_str());
    assert_eq!(station["stations"].as_array().unwrap().len(), 1);

    let agency = t.try_login("agency", PASSWORD).await.expect(200);
    assert_eq!(agency["account"]["role"], "agency");
    let ids: Vec<&str> =
        agency["stations"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&w.station_a_id.as_str()) && ids.contains(&w.station_a2_id.as_str()));

    let switched = t
        .post("/api/auth/switch-station", &w.agency, json!({"station_id": w.station_a2_id}))
        .await
        .expect(200);
    assert_eq!(switched["station"]["id"], w.station_a2_id.as_str());
    let token = switched["token"].as_str().unwrap();
    let me = t.get("/api/auth/me", token).await.expect(200);
    assert_eq!(me["station"]["id"], w.station_a2_id.as_str());

    // Not the agency's station: as if it did not exist.
    let other =
        t.post("/api/auth/switch-station", &w.agency, json!({"station_id": w.station_b_id})).await;
    assert_eq!(other.status, 404);
    // Only agencies switch.
    let refused = t
        .post("/api/auth/switch-station", &w.station_a, json!({"station_id": w.station_a_id}))
        .await;
    assert_eq!(refused.status, 403);
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_throttled_then_recover() {
    let t = spawn_app().await;
    for _ in 0..5 {
        let answer = t.try_login("root", "wrong-password-1").await;
        assert_eq!(answer.status, 401);
        assert_eq!(answer.code(), "unauthenticated");
    }
    // Even the right password is refused while the username is locked.
    let locked = t.try_login("root", PASSWORD).await;
    assert_eq!(locked.status, 429);
    assert_eq!(locked.code(), "rate_limited");
    // The test configuration locks for 2 seconds.
    tokio::time::sleep(std::time::Duration::from_millis(2200)).await;
    t.try_login("root", PASSWORD).await.expect(200);
}

/// Failures sent at the same moment all count: a guesser gains nothing by sending them in
/// parallel.
#[tokio::test]
async fn failed_logins_sent_in_parallel_all_count_towards_the_lock() {
    let t = spawn_app().await;
    let answers =
        futures::future::join_all((0..12).map(|_| t.try_login("root", "wrong-password-1"))).await;
    assert!(answers.iter().all(|a| a.status == 401 || a.status == 429));
    let locked = t.try_login("root", PASSWORD).await;
    assert_eq!(locked.status, 429, "{}", locked.body);
}

#[tokio::test]
async fn a_token_issued_before_a_password_change_stops_working() {
    let t = spawn_app().await;
    let old = t.root().await;
    let other = t.root().await;
    let wrong = t
        .post(
            "/api/auth/password",
            &old,
            json!({"old_password": "nope12345", "new_password": "NewPassw0rd"}),
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(wrong.field("old_password").is_some());
    let weak = t
        .post(
            "/api/auth/password",
            &old,
            json!({"old_password": PASSWORD, "new_password": "short"}),
        )
        .await;
    assert_eq!(weak.status, 422);
    assert!(weak.field("new_password").is_some());

    t.post(
        "/api/auth/password",
        &old,
        json!({"old_password": PASSWORD, "new_password": "NewPassw0rd"}),
    )
    .await
    .expect(204);
    assert_eq!(t.get("/api/auth/me", &old).await.status, 401);
    assert_eq!(t.get("/api/auth/me", &other).await.status, 401);
    assert_eq!(t.try_login("root", PASSWORD).await.status, 401);
    let fresh = t.login("root", "NewPassw0rd").await;
    t.get("/api/auth/me", &fresh).await.expect(200);
}

#[tokio::test]
async fn logout_ends_only_this_token() {
    let t = spawn_app().await;
    let first = t.root().await;
    let second = t.root().await;
    t.post("/api/auth/logout", &first, json!({})).await.expect(204);
    let answer = t.get("/api/auth/me", &first).await;
    assert_eq!(answer.status, 401);
    assert_eq!(answer.code(), "unauthenticated");
    t.get("/api/auth/me", &second).await.expect(200);
}

#[tokio::test]
async fn missing_forged_and_malformed_tokens_are_refused() {
    let t = spawn_app().await;
    let none = t.request(reqwest::Method::GET, "/api/auth/me", None, None).await;
    assert_eq!(none.status, 401);
    assert_eq!(t.get("/api/auth/me", "not-a-token").await.status, 401);
    let token = t.root().await;
    let mut forged = token.clone();
    forged.pop();
    forged.push(if token.ends_with('A') { 'B' } else { 'A' });
    assert_eq!(t.get("/api/auth/me", &forged).await.status, 401);
}

#[tokio::test]
async fn malformed_json_is_a_bad_request() {
    let t = spawn_app().await;
    let answer = t.post_raw("/api/auth/login", None, "{\"username\": ").await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.code(), "bad_request");
    let token = t.root().await;
    let answer = t.post_raw("/api/admin/agencies", Some(&token), "not json").await;
    assert_eq!(answer.status, 400);
}

#[tokio::test]
async fn a_missing_field_is_named() {
    let t = spawn_app().await;
    let answer = t.post_raw("/api/auth/login", None, r#"{"username": "root"}"#).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.field("password"), Some("缺少此项"), "{}", answer.body);
    assert_eq!(answer.code(), "validation_failed");
}

#[tokio::test]
async fn unknown_routes_answer_json_404() {
    let t = spawn_app().await;
    let token = t.root().await;
    let answer = t.get("/api/nothing-here", &token).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.code(), "not_found");
    // An id far longer than any key DynamoDB takes is a 404 too, not a 500.
    let long = "a".repeat(3000);
    for path in [format!("/api/admin/stations/{long}"), format!("/api/notices/{long}")] {
        let answer = t.get(&path, &token).await;
        assert_eq!(answer.status, 404, "{path}");
        assert_eq!(answer.code(), "not_found");
    }
}
