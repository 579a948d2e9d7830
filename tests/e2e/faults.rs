//! Faults: a DynamoDB failure in the middle of a multi-item change leaves nothing
//! half-written, and the same request succeeds once storage is back.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_failed_station_creation_leaves_no_account_guard_or_station_behind() {
    let t = spawn_app().await;
    let root = t.root().await;
    let body = json!({"name": "故障站", "region_code": "330106001", "address": "某路1号",
        "contact_person": "王敏", "phone": "13905710002", "operation_mode": "self_run",
        "username": "faulty", "password": PASSWORD});

    // The reads before the write succeed; the one transaction that writes the username
    // guard, the account, the station and the audit entry fails.
    t.app.store.probe.fail_next("TransactWriteItems");
    let failed = t.post("/api/admin/stations", &root, body.clone()).await;
    assert_eq!(failed.status, 500);
    assert_eq!(failed.code(), "internal");
    assert!(!failed.body.to_string().contains("injected"), "no internal details leak");

    let stations = t.get("/api/admin/stations", &root).await.expect(200);
    assert!(stations["items"].as_array().unwrap().is_empty());
    assert_eq!(t.try_login("faulty", PASSWORD).await.status, 401);

    // Nothing was half-written: the username is still free and the retry succeeds.
    let station = t.post("/api/admin/stations", &root, body).await.expect(201);
    assert_eq!(station["name"], "故障站");
    t.login("faulty", PASSWORD).await;
}

#[tokio::test]
async fn requests_are_counted_by_the_probe() {
    let t = spawn_app().await;
    let root = t.root().await;
    let before = t.app.store.probe.requests();
    t.get("/api/auth/me", &root).await.expect(200);
    let used = t.app.store.probe.requests() - before;
    // The token check reads the account once; `me` of an admin reads nothing else.
    assert_eq!(used, 1);
}
