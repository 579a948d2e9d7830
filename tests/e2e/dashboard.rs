//! The dashboard and the statistics on a worked scenario whose figures were counted by
//! hand from PRODUCT.md's definitions; the recount agrees with the counters kept on the
//! way.

use serde_json::{Value, json};

use crate::activities::{activity, add_client, add_worker, create, dates, id};
use crate::support::*;

/// `{activities, worker_participations, person_times, served_people, clients,
/// by_population_type}` with every population type present.
fn stats(a: u64, wp: u64, pt: u64, served: u64, clients: u64, types: &[(&str, u64)]) -> Value {
    let mut by_type = json!({"elderly": 0, "children": 0, "youth": 0, "disabled": 0,
        "low_income": 0, "women": 0, "veterans": 0, "migrants": 0, "other": 0, "unregistered": 0});
    for (code, n) in types {
        by_type[*code] = json!(n);
    }
    json!({"activities": a, "worker_participations": wp, "person_times": pt,
           "served_people": served, "clients": clients, "by_population_type": by_type})
}

#[tokio::test]
async fn the_dashboard_figures_follow_the_definitions_this_month_and_all_time() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let w1 = add_worker(t, a, "李华", 1).await;
    let w2 = add_worker(t, a, "王芳", 2).await;
    let w3 = add_worker(t, a, "赵强", 3).await;
    let c1 = add_client(t, a, "张大爷", 1, &["elderly", "low_income"]).await;
    let c2 = add_client(t, a, "小明", 2, &["children"]).await;
    let c3 = add_client(t, a, "李奶奶", 3, &["elderly", "disabled"]).await;
    // c4 is registered but never served: counted in `clients` only.
    let _c4 = add_client(t, a, "陈女士", 4, &["women"]).await;
    let (now, before) = dates();

    // This month: A1, A3, A4, A6. Last month: A2, A5, A7.
    let a1 =
        create(t, a, activity("个案辅导", "case_management", false, &now, &w1, &[], &[&c1], 0))
            .await;
    let _a2 = create(
        t,
        a,
        activity("长者小组", "group_work", true, &before, &w1, &[&w2, &w3], &[&c1, &c2], 0),
    )
    .await;
    let a3 = create(
        t,
        a,
        activity("邻里节", "community_activity", false, &now, &w2, &[&w1, &w2], &[], 30),
    )
    .await;
    let a4 =
        create(t, a, activity("入户探访", "home_visit", true, &now, &w3, &[], &[&c3], 0)).await;
    let _a5 =
        create(t, a, activity("医保宣传", "policy_outreach", true, &before, &w2, &[], &[&c2], 5))
            .await;
    let a6 =
        create(t, a, activity("助学链接", "resource_linkage", false, &now, &w3, &[&w1], &[&c3], 0))
            .await;
    let a7 =
        create(t, a, activity("清扫", "volunteer_service", true, &before, &w1, &[], &[], 0)).await;

    // An update adds a recipient (c1 joins the visit), and a delete takes A7 away.
    let mut edit = activity("入户探访", "home_visit", true, &now, &w3, &[], &[&c3, &c1], 0);
    edit["version"] = json!(1);
    t.put(&format!("/api/activities/{}", id(&a4)), a, edit).await.expect(200);
    t.delete(&format!("/api/activities/{}", id(&a7)), a).await.expect(204);

    // Another station's activity must not leak into A's figures.
    let wb = add_worker(t, &w.station_b, "孙丽", 9).await;
    let cb = add_client(t, &w.station_b, "周伯", 9, &["elderly"]).await;
    create(t, &w.station_b, activity("探访", "home_visit", false, &now, &wb, &[], &[&cb], 7)).await;

    // Counted by hand:
    // this month  A1 {w1} c1 | A3 {w1,w2} +30 | A4 {w3} c3,c1 | A6 {w3,w1} c3
    //   activities 4, worker participations 1+2+1+2 = 6, person-times 1+30+2+1 = 34,
    //   served {c1,c3} = 2, elderly 1+2+1 = 4, low_income 1+1 = 2, disabled 1+1 = 2,
    //   unregistered 30.
    // last month  A2 {w1,w2,w3} c1,c2 | A5 {w2} c2 +5
    //   activities 2, participations 4, person-times 2+6 = 8, served {c1,c2} = 2,
    //   elderly 1, low_income 1, children 2, unregistered 5.
    // all time: the sum, with served {c1,c2,c3} = 3; clients registered now: 4.
    let this_month = stats(
        4,
        6,
        34,
        2,
        4,
        &[("elderly", 4), ("low_income", 2), ("disabled", 2), ("unregistered", 30)],
    );
    let all_time = stats(
        6,
        10,
        42,
        3,
        4,
        &[
            ("elderly", 5),
            ("low_income", 3),
            ("children", 2),
            ("disabled", 2),
            ("unregistered", 35),
        ],
    );
    let dashboard = t.get("/api/dashboard", a).await.expect(200);
    assert_eq!(dashboard["stats"]["this_month"], this_month);
    assert_eq!(dashboard["stats"]["all_time"], all_time);

    // Ongoing: A1, A3, A6, all started today: the latest-created first within a day.
    let ongoing: Vec<&str> = dashboard["ongoing_activities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["id"].as_str().unwrap())
        .collect();
    assert_eq!(ongoing, [id(&a6), id(&a3), id(&a1)]);
    let workers: Vec<&str> = dashboard["workers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(workers.len(), 3);
    assert!(dashboard["notices"].is_array());

    // The overview counts per category.
    let overview = t.get("/api/activities/overview", a).await.expect(200);
    let row = |code: &str| {
        overview["categories"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["code"] == code)
            .unwrap()
            .clone()
    };
    assert_eq!(
        row("home_visit"),
        json!({"code": "home_visit", "label": "探访服务", "total": 1, "ongoing": 0, "finished": 1, "this_month": 1})
    );
    assert_eq!(row("group_work")["this_month"], 0);
    assert_eq!(row("volunteer_service")["total"], 0);
    assert_eq!(row("case_management")["ongoing"], 1);

    // The recount computes the same figures from the activities themselves...
    let recount = t
        .post("/api/admin/recount", &w.county_a, json!({"station_id": w.station_a_id}))
        .await
        .expect(200);
    assert_eq!(recount["all_time"], all_time);
    assert_eq!(recount["this_month"], this_month);
    assert_eq!(recount["activities_counted"], 6);
    // ...and leaves the counters as they were.
    let again = t.get("/api/dashboard", a).await.expect(200);
    assert_eq!(again["stats"], dashboard["stats"]);

    // A departed worker leaves the dashboard's list; the figures stay.
    t.delete(&format!("/api/workers/{w3}"), a).await.expect(204);
    let after = t.get("/api/dashboard", a).await.expect(200);
    assert_eq!(after["workers"].as_array().unwrap().len(), 2);
    assert_eq!(after["stats"], dashboard["stats"]);

    // Station B sees only its own.
    let b = t.get("/api/dashboard", &w.station_b).await.expect(200);
    assert_eq!(
        b["stats"]["all_time"],
        stats(1, 1, 8, 1, 1, &[("elderly", 1), ("unregistered", 7)])
    );
}

/// 各类型人群服务人次 counts each linked recipient under their 人群类型 now: editing a
/// recipient's types moves the figures of every period they were served in at once, and a
/// later save of one of those activities moves nothing more.
#[tokio::test]
async fn a_recipients_new_population_types_count_wherever_they_were_served() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let w1 = add_worker(t, a, "李华", 1).await;
    let c1 = add_client(t, a, "张大爷", 1, &["elderly"]).await;
    let c2 = add_client(t, a, "小明", 2, &["children"]).await;
    let (now, before) = dates();
    let visit =
        create(t, a, activity("入户探访", "home_visit", true, &now, &w1, &[], &[&c1], 0)).await;
    create(t, a, activity("长者小组", "group_work", true, &before, &w1, &[], &[&c1, &c2], 3)).await;

    let client = t.get(&format!("/api/clients/{c1}"), a).await.expect(200);
    let edit = json!({"population_types": ["elderly", "disabled"], "version": client["version"]});
    t.put(&format!("/api/clients/{c1}"), a, edit).await.expect(200);

    let this_month = stats(1, 1, 1, 1, 2, &[("elderly", 1), ("disabled", 1)]);
    let all_time = stats(
        2,
        2,
        6,
        2,
        2,
        &[("elderly", 2), ("disabled", 2), ("children", 1), ("unregistered", 3)],
    );
    let dashboard = t.get("/api/dashboard", a).await.expect(200);
    assert_eq!(dashboard["stats"]["this_month"], this_month);
    assert_eq!(dashboard["stats"]["all_time"], all_time);
    let month = &now[..7];
    let summary = t.get(&format!("/api/summaries/{month}"), a).await.expect(200);
    assert_eq!(summary["stats"]["by_population_type"], this_month["by_population_type"]);

    // Saving the visit again (it kept the types it read) changes nothing.
    let mut again = activity("入户探访", "home_visit", true, &now, &w1, &[], &[&c1], 0);
    again["version"] = json!(1);
    t.put(&format!("/api/activities/{}", id(&visit)), a, again).await.expect(200);
    let dashboard = t.get("/api/dashboard", a).await.expect(200);
    assert_eq!(dashboard["stats"]["all_time"], all_time);

    // Dropping a type takes it away everywhere, and the recount agrees.
    let client = t.get(&format!("/api/clients/{c1}"), a).await.expect(200);
    let edit = json!({"population_types": ["disabled"], "version": client["version"]});
    t.put(&format!("/api/clients/{c1}"), a, edit).await.expect(200);
    let dashboard = t.get("/api/dashboard", a).await.expect(200);
    let all_time = stats(2, 2, 6, 2, 2, &[("disabled", 2), ("children", 1), ("unregistered", 3)]);
    assert_eq!(dashboard["stats"]["all_time"], all_time);
    let recount = t
        .post("/api/admin/recount", &w.county_a, json!({"station_id": w.station_a_id}))
        .await
        .expect(200);
    assert_eq!(recount["all_time"], all_time);

    // 小明 is deleted (hidden: he has a record) and added again as a 残疾人 as well:
    // the same record, counted again, under his new types.
    let client = t.get(&format!("/api/clients/{c2}"), a).await.expect(200);
    t.delete(&format!("/api/clients/{c2}"), a).await.expect(204);
    let mut again = client.clone();
    again["population_types"] = json!(["children", "disabled"]);
    let restored = t.post("/api/clients", a, again).await.expect(201);
    assert_eq!(restored["id"], c2.as_str());
    let dashboard = t.get("/api/dashboard", a).await.expect(200);
    let all_time = stats(2, 2, 6, 2, 2, &[("disabled", 3), ("children", 1), ("unregistered", 3)]);
    assert_eq!(dashboard["stats"]["all_time"], all_time);
}

#[tokio::test]
async fn a_recount_repairs_counters_and_only_admins_over_the_station_may_run_it() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let lead = add_worker(t, a, "李华", 1).await;
    let c1 = add_client(t, a, "张大爷", 1, &["elderly"]).await;
    let (now, _) = dates();
    create(t, a, activity("探访", "home_visit", false, &now, &lead, &[], &[&c1], 3)).await;
    let kept = t.get("/api/dashboard", a).await.expect(200)["stats"].clone();

    // Break the counters behind the API's back, as a bug or a manual edit could.
    let (pk, sk) = swz_shared::store::keys::station_stats(&w.station_a_id);
    let broken =
        w.t.app
            .store
            .update(&pk, &sk, "SET person_times = :n", &[], vec![(":n", swz_shared::store::n(999))])
            .unwrap();
    w.t.app.store.transact(vec![broken]).await.map_err(|_| "breaking").unwrap();
    assert_eq!(
        t.get("/api/dashboard", a).await.expect(200)["stats"]["all_time"]["person_times"],
        999
    );

    assert_eq!(
        t.post("/api/admin/recount", a, json!({"station_id": w.station_a_id})).await.status,
        403
    );
    assert_eq!(
        t.post("/api/admin/recount", &w.county_b, json!({"station_id": w.station_a_id}))
            .await
            .status,
        404
    );
    assert_eq!(t.post("/api/admin/recount", &w.province, json!({})).await.status, 422);
    let recount = t
        .post("/api/admin/recount", &w.province, json!({"station_id": w.station_a_id}))
        .await
        .expect(200);
    assert_eq!(recount["all_time"], kept["all_time"]);
    assert_eq!(t.get("/api/dashboard", a).await.expect(200)["stats"], kept);
}

#[tokio::test]
async fn an_empty_station_has_zero_figures_with_every_population_type() {
    let w = world().await;
    let dashboard = w.t.get("/api/dashboard", &w.station_a2).await.expect(200);
    assert_eq!(dashboard["stats"]["all_time"], stats(0, 0, 0, 0, 0, &[]));
    assert_eq!(dashboard["stats"]["this_month"], stats(0, 0, 0, 0, 0, &[]));
    assert_eq!(dashboard["ongoing_activities"], json!([]));
    assert_eq!(dashboard["workers"], json!([]));
    assert_eq!(w.t.get("/api/dashboard", &w.county_a).await.status, 403);
}

#[tokio::test]
async fn the_dashboard_costs_the_same_requests_however_many_activities() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let lead = add_worker(t, a, "李华", 1).await;
    let c1 = add_client(t, a, "张大爷", 1, &["elderly"]).await;
    let (now, before) = dates();
    let probe = &t.app.store.probe;
    let cost = |path: &'static str| async move {
        let start = probe.requests();
        t.get(path, a).await.expect(200);
        probe.requests() - start
    };

    create(t, a, activity("探访", "home_visit", false, &now, &lead, &[], &[&c1], 0)).await;
    let (dashboard_1, list_1) =
        (cost("/api/dashboard").await, cost("/api/activities?limit=20").await);
    for i in 0..25 {
        let start = if i % 2 == 0 { &now } else { &before };
        create(
            t,
            a,
            activity(&format!("活动{i}"), "home_visit", true, start, &lead, &[], &[&c1], 1),
        )
        .await;
    }
    assert_eq!(cost("/api/dashboard").await, dashboard_1);
    assert_eq!(cost("/api/activities?limit=20").await, list_1);
    // The token check and one query.
    assert_eq!(list_1, 2);
    // The token check, one batch read (statistics, notice heads, read set) and one query
    // (ongoing activities and workers), with notices on the panel too.
    assert_eq!(dashboard_1, 3);
    for n in 0..7 {
        let body =
            json!({"title": format!("通知{n}"), "body": "请知悉。", "target": {"all": true}});
        t.post("/api/admin/notices", &w.county_a, body).await.expect(201);
    }
    let first = t.get("/api/dashboard", a).await.expect(200);
    let newest = first["notices"][0]["id"].as_str().unwrap();
    t.get(&format!("/api/notices/{newest}"), a).await.expect(200);
    assert_eq!(cost("/api/dashboard").await, 3);
}
