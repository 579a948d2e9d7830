//! Concurrent use: optimistic locking lets exactly one of two same-version writers win.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn two_updates_with_the_same_version_one_wins_and_one_gets_409() {
    let w = world().await;
    let t = &w.t;
    let path = format!("/api/admin/stations/{}", w.station_b_id);
    let station = t.get(&path, &w.county_b).await.expect(200);
    let body = |name: &str| {
        json!({"name": name, "address": station["address"], "contact_person": station["contact_person"],
               "phone": station["phone"], "operation_mode": "self_run", "version": station["version"]})
    };
    for round in 0..3 {
        let current = t.get(&path, &w.county_b).await.expect(200);
        let version = current["version"].clone();
        let mut first = body(&format!("甲{round}"));
        let mut second = body(&format!("乙{round}"));
        first["version"] = version.clone();
        second["version"] = version;
        let (a, b) = tokio::join!(t.put(&path, &w.county_b, first), t.put(&path, &w.county_b, second));
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}: {} / {}", a.body, b.body);
    }
    let last = t.get(&path, &w.county_b).await.expect(200);
    assert_eq!(last["version"], 4);
}
