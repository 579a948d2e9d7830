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
        let (a, b) =
            tokio::join!(t.put(&path, &w.county_b, first), t.put(&path, &w.county_b, second));
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, [200, 409], "round {round}: {} / {}", a.body, b.body);
    }
    let last = t.get(&path, &w.county_b).await.expect(200);
    assert_eq!(last["version"], 4);
}

#[tokio::test]
async fn twenty_concurrent_activity_creations_keep_the_counters_equal_to_a_recount() {
    use crate::activities::{activity, add_client, add_worker, dates};
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let workers = [add_worker(t, a, "社工甲", 11).await, add_worker(t, a, "社工乙", 12).await];
    let clients = [
        add_client(t, a, "对象甲", 21, &["elderly", "disabled"]).await,
        add_client(t, a, "对象乙", 22, &["children"]).await,
        add_client(t, a, "对象丙", 23, &["low_income"]).await,
    ];
    let (today, earlier) = dates();
    let bodies: Vec<serde_json::Value> = (0..20)
        .map(|i| {
            let start = if i % 3 == 0 { &earlier } else { &today };
            let linked: Vec<&str> = clients.iter().take(1 + i % 3).map(String::as_str).collect();
            activity(
                &format!("并发活动{i}"),
                "home_visit",
                i % 2 == 0,
                start,
                &workers[i % 2],
                &[workers[(i + 1) % 2].as_str()],
                &linked,
                (i % 4) as u64,
            )
        })
        .collect();
    let answers = futures::future::join_all(
        bodies.into_iter().map(|body| t.post("/api/activities", a, body)),
    )
    .await;
    for answer in &answers {
        assert_eq!(answer.status, 201, "{}", answer.body);
    }

    let kept = t.get("/api/dashboard", a).await.expect(200)["stats"].clone();
    assert_eq!(kept["all_time"]["activities"], 20);
    let recount = t
        .post("/api/admin/recount", &w.county_a, json!({"station_id": w.station_a_id}))
        .await
        .expect(200);
    assert_eq!(recount["all_time"], kept["all_time"]);
    assert_eq!(recount["this_month"], kept["this_month"]);
    assert_eq!(kept["all_time"]["served_people"], 3);
}

#[tokio::test]
async fn two_concurrent_submissions_make_one_submission_and_one_notification() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let month = swz_shared::domain::Month::current().previous().to_string();
    let path = format!("/api/summaries/{month}");
    let draft =
        t.put(&path, a, json!({"text": "本月开展服务若干", "version": 0})).await.expect(200);
    let body = json!({"version": draft["version"]});
    let submit = format!("{path}/submit");
    let (one, two) = tokio::join!(t.post(&submit, a, body.clone()), t.post(&submit, a, body));
    let mut statuses = [one.status, two.status];
    statuses.sort();
    assert_eq!(statuses, [200, 409], "{} / {}", one.body, two.body);

    let summary = t.get(&path, a).await.expect(200);
    let submissions =
        summary["history"].as_array().unwrap().iter().filter(|h| h["action"] == "submit").count();
    assert_eq!(submissions, 1);

    // The county admin hears of it once, and no second notice follows.
    let mut seen = 0;
    for _ in 0..40 {
        let list = t.get("/api/notifications?limit=100", &w.county_a).await.expect(200);
        seen = list["items"].as_array().unwrap().len();
        if seen > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    let list = t.get("/api/notifications?limit=100", &w.county_a).await.expect(200);
    assert_eq!(seen, 1);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn concurrent_publishes_to_one_region_all_reach_the_dashboard() {
    let w = world().await;
    let t = &w.t;
    let publish = |n: usize| {
        let body = json!({"title": format!("同时发布{n}"), "body": "请各站知悉。", "target": {"all": true}});
        t.post("/api/admin/notices", &w.county_a, body)
    };
    let answers = futures::future::join_all((0..5).map(publish)).await;
    let mut published: Vec<String> =
        answers.into_iter().map(|a| a.expect(201)["id"].as_str().unwrap().to_string()).collect();
    published.sort();
    let dashboard = t.get("/api/dashboard", &w.station_a).await.expect(200);
    let mut shown: Vec<String> = dashboard["notices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_string())
        .collect();
    shown.sort();
    assert_eq!(shown, published, "every publish rewrote the feed's head");
}
