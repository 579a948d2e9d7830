//! Service activities: the seven categories, validation against the category table,
//! recipients and workers of the station only, status changes, paging, isolation between
//! stations, the client's records and the per-category overview.

use serde_json::{Value, json};
use swz_shared::domain::{Month, china_today};

use crate::support::*;

/// Adds a current worker entered by hand; answers its id.
pub async fn add_worker(t: &TestApp, token: &str, name: &str, seq: u32) -> String {
    let body = json!({
        "source": "manual", "name": name, "id_number": id_number("330106", "19900101", seq),
        "phone": "13905711234", "education": "bachelor", "major": "社会工作",
        "position": "resident", "hired_on": "2024-03-01",
    });
    let worker = t.post("/api/workers", token, body).await.expect(201);
    worker["id"].as_str().expect("worker id").to_string()
}

/// Adds a recipient with these population types; answers its id.
pub async fn add_client(t: &TestApp, token: &str, name: &str, seq: u32, types: &[&str]) -> String {
    let body = json!({
        "name": name, "id_number": id_number("330106", "19450301", seq), "phone": "13905719876",
        "village": "北山社区", "address": "北山街道保俶路1号", "population_types": types,
        "note": "",
    });
    let client = t.post("/api/clients", token, body).await.expect(201);
    client["id"].as_str().expect("client id").to_string()
}

/// Valid 基本信息 of a category.
pub fn details(category: &str) -> Value {
    match category {
        "case_management" => json!({"source": "referral", "intake_date": "2026-01-05",
            "problem_type": "family", "risk_level": "medium", "goal": "改善家庭关系"}),
        "group_work" => {
            json!({"group_name": "长者互助小组", "group_type": "support", "planned_sessions": 6})
        }
        "community_activity" => {
            json!({"theme": "邻里节", "format": "festival", "partners": "社区居委会"})
        }
        "home_visit" => json!({"visit_method": "in_person", "visit_reason": "routine"}),
        "policy_outreach" => json!({"topic": "医保政策宣传", "format": "stall"}),
        "resource_linkage" => {
            json!({"need_description": "助学需求", "referral_agency": "区慈善总会",
            "resource_type": "funds"})
        }
        "volunteer_service" => json!({"team": "青年志愿者服务队", "content": "环境清扫"}),
        other => panic!("unknown category {other}"),
    }
}

/// A valid 总结记录 of a category.
pub fn summary(category: &str) -> Value {
    match category {
        "case_management" => json!({"closed_on": "2026-02-01", "close_reason": "goal_achieved",
            "sessions": 5, "goal_achievement": "mostly", "evaluation": "家庭关系改善"}),
        "group_work" => json!({"actual_sessions": 6, "participant_times": 36,
            "goal_achievement": "fully", "reflection": "组员互助意识增强"}),
        "community_activity" => json!({"participant_times": 80, "outcome": "居民参与踊跃"}),
        "home_visit" => json!({"client_condition": "身体状况稳定", "findings": "独居缺少照料",
            "measures": "联系子女", "needs_follow_up": true}),
        "policy_outreach" => json!({"audience_times": 120, "materials_distributed": 200}),
        "resource_linkage" => {
            json!({"result": "linked", "amount_yuan": 2000.5, "beneficiaries": 1})
        }
        "volunteer_service" => json!({"volunteers": 12, "hours": 3.5}),
        other => panic!("unknown category {other}"),
    }
}

/// An activity body: finished ones get an end date and a summary.
#[allow(clippy::too_many_arguments)]
pub fn activity(
    title: &str,
    category: &str,
    finished: bool,
    start: &str,
    lead: &str,
    workers: &[&str],
    clients: &[&str],
    unregistered: u64,
) -> Value {
    json!({
        "title": title, "category": category,
        "status": if finished { "finished" } else { "ongoing" },
        "start_date": start, "end_date": if finished { Some(start) } else { None },
        "location": "北山社区", "lead_worker_id": lead, "worker_ids": workers,
        "client_ids": clients, "unregistered_participants": unregistered,
        "description": "", "details": details(category),
        "summary": if finished { summary(category) } else { Value::Null },
    })
}

pub async fn create(t: &TestApp, token: &str, body: Value) -> Value {
    t.post("/api/activities", token, body).await.expect(201)
}

pub fn id(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

/// Today in China and a date in the previous month.
pub fn dates() -> (String, String) {
    let today = china_today();
    let previous = Month::current().previous().first_day();
    (today.to_string(), previous.saturating_add(jiff::ToSpan::days(14)).to_string())
}

#[tokio::test]
async fn an_activity_of_every_category_is_created_read_and_listed() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let lead = add_worker(t, a, "李华", 1).await;
    let other = add_worker(t, a, "王芳", 2).await;
    let c1 = add_client(t, a, "张大爷", 1, &["elderly"]).await;
    let (today, _) = dates();

    let categories = [
        "case_management",
        "group_work",
        "community_activity",
        "home_visit",
        "policy_outreach",
        "resource_linkage",
        "volunteer_service",
    ];
    for (i, category) in categories.iter().enumerate() {
        let clients: Vec<&str> =
            if ["community_activity", "policy_outreach", "volunteer_service"].contains(category) {
                vec![]
            } else {
                vec![&c1]
            };
        let body = activity(
            &format!("活动{i}"),
            category,
            i % 2 == 0,
            &today,
            &lead,
            &[&other],
            &clients,
            3,
        );
        let created = create(t, a, body).await;
        assert_eq!(created["category"], *category);
        assert_eq!(created["version"], 1);
        assert_eq!(created["lead_worker_name"], "李华");
        let got = t.get(&format!("/api/activities/{}", id(&created)), a).await.expect(200);
        assert_eq!(got["details"], created["details"]);
        assert_eq!(got["workers"].as_array().unwrap().len(), 2);
        if i % 2 == 0 {
            assert!(got["summary"].is_object(), "{category}");
        } else {
            assert!(got["summary"].is_null(), "{category}");
        }
    }
    let list = t.get("/api/activities", a).await.expect(200);
    assert_eq!(list["items"].as_array().unwrap().len(), 7);
    let groups = t.get("/api/activities?category=group_work", a).await.expect(200);
    assert_eq!(groups["items"].as_array().unwrap().len(), 1);
    let ongoing = t.get("/api/activities?status=ongoing", a).await.expect(200);
    assert_eq!(ongoing["items"].as_array().unwrap().len(), 3);
    let finished = t.get("/api/activities?status=finished&q=活动2", a).await.expect(200);
    assert_eq!(finished["items"].as_array().unwrap().len(), 1);

    // The meta document describes the same categories.
    let meta = t.get("/api/meta", a).await.expect(200);
    assert_eq!(meta["categories"].as_array().unwrap().len(), 7);
    assert_eq!(meta["categories"][0]["recipients"], "exactly_one");
    assert_eq!(meta["population_types"][0], json!({"code": "elderly", "label": "老年人"}));
    assert!(meta["qualification_levels"].is_array() && meta["positions"].is_array());
}

#[tokio::test]
async fn bad_bodies_are_refused_naming_each_field() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let lead = add_worker(t, a, "李华", 1).await;
    let c1 = add_client(t, a, "张大爷", 1, &["elderly"]).await;
    let c2 = add_client(t, a, "李奶奶", 2, &["elderly"]).await;
    let (today, _) = dates();

    let empty = t.post("/api/activities", a, json!({})).await;
    assert_eq!(empty.status, 422);
    for field in ["title", "category", "status", "start_date", "location", "lead_worker_id"] {
        assert!(empty.field(field).is_some(), "{field}: {}", empty.body);
    }

    // 个案 takes exactly one recipient.
    let body = activity("个案", "case_management", false, &today, &lead, &[], &[&c1, &c2], 0);
    let answer = t.post("/api/activities", a, body).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("client_ids").is_some());

    // Unknown and missing category fields, negative numbers, a bad date.
    let mut body = activity("小组", "group_work", true, &today, &lead, &[], &[&c1], 0);
    body["details"]["colour"] = json!("red");
    body["details"]["planned_sessions"] = json!(-2);
    body["summary"] =
        json!({"actual_sessions": 6, "participant_times": 10, "goal_achievement": "fully"});
    body["end_date"] = json!("2020-01-01");
    let answer = t.post("/api/activities", a, body).await;
    assert_eq!(answer.status, 422);
    for field in ["details.colour", "details.planned_sessions", "summary.reflection", "end_date"] {
        assert!(answer.field(field).is_some(), "{field}: {}", answer.body);
    }

    // Finished without an end date or a summary.
    let mut body = activity("探访", "home_visit", true, &today, &lead, &[], &[&c1], 0);
    body["end_date"] = Value::Null;
    body["summary"] = Value::Null;
    let answer = t.post("/api/activities", a, body).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("end_date").is_some());
    assert!(answer.field("summary.needs_follow_up").is_some());

    // Unknown filter values answer 400.
    assert_eq!(t.get("/api/activities?category=party", a).await.status, 400);
    assert_eq!(t.get("/api/activities?status=done", a).await.status, 400);
    assert_eq!(t.get("/api/activities?month=2026-13", a).await.status, 400);
}

#[tokio::test]
async fn another_stations_activities_are_not_found_and_its_people_cannot_be_named() {
    let w = world().await;
    let (t, a, b) = (&w.t, &w.station_a, &w.station_b);
    let lead_a = add_worker(t, a, "李华", 1).await;
    let c_a = add_client(t, a, "张大爷", 1, &["elderly"]).await;
    let lead_b = add_worker(t, b, "赵强", 2).await;
    let c_b = add_client(t, b, "钱婆婆", 2, &["elderly"]).await;
    let (today, _) = dates();

    let mine =
        create(t, a, activity("探访", "home_visit", false, &today, &lead_a, &[], &[&c_a], 0)).await;
    let path = format!("/api/activities/{}", id(&mine));
    assert_eq!(t.get(&path, b).await.status, 404);
    let mut update = activity("改", "home_visit", false, &today, &lead_b, &[], &[&c_b], 0);
    update["version"] = json!(1);
    assert_eq!(t.put(&path, b, update).await.status, 404);
    assert_eq!(t.delete(&path, b).await.status, 404);
    let b_list = t.get("/api/activities", b).await.expect(200);
    assert!(b_list["items"].as_array().unwrap().is_empty());
    let b_list = t.get("/api/activities?status=ongoing", b).await.expect(200);
    assert!(b_list["items"].as_array().unwrap().is_empty());
    t.get(&path, a).await.expect(200);

    // A's people named by B: 422 naming the field that holds the foreign id.
    let answer = t
        .post(
            "/api/activities",
            b,
            activity("x", "home_visit", false, &today, &lead_b, &[&lead_a], &[&c_b], 0),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("worker_ids").is_some(), "{}", answer.body);
    let answer = t
        .post(
            "/api/activities",
            b,
            activity("x", "home_visit", false, &today, &lead_b, &[], &[&c_a], 0),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("client_ids").is_some(), "{}", answer.body);
    let answer = t
        .post(
            "/api/activities",
            b,
            activity("x", "home_visit", false, &today, &lead_a, &[], &[&c_b], 0),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("lead_worker_id").is_some(), "{}", answer.body);
    let answer = t
        .post(
            "/api/activities",
            b,
            activity("x", "home_visit", false, &today, &lead_b, &["no-such"], &["nobody"], 0),
        )
        .await;
    assert!(answer.field("worker_ids").is_some() && answer.field("client_ids").is_some());

    // A's admin sees nothing of the station workspace; B's admin cannot recount A.
    assert_eq!(t.get("/api/activities", &w.county_a).await.status, 403);
    let answer =
        t.post("/api/admin/recount", &w.county_b, json!({"station_id": w.station_a_id})).await;
    assert_eq!(answer.status, 404);
}

#[tokio::test]
async fn a_departed_worker_cannot_lead_a_new_activity_but_stays_on_old_ones() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let lead = add_worker(t, a, "李华", 1).await;
    let leaving = add_worker(t, a, "王芳", 2).await;
    let c1 = add_client(t, a, "张大爷", 1, &["elderly"]).await;
    let (today, _) = dates();
    let old =
        create(t, a, activity("探访", "home_visit", true, &today, &leaving, &[&lead], &[&c1], 0))
            .await;
    t.delete(&format!("/api/workers/{leaving}"), a).await.expect(204);

    let answer = t
        .post(
            "/api/activities",
            a,
            activity("新", "home_visit", false, &today, &leaving, &[], &[&c1], 0),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("lead_worker_id").is_some());
    // The finished activity can still be edited without replacing the departed lead.
    let mut edit =
        activity("探访（补记）", "home_visit", true, &today, &leaving, &[&lead], &[&c1], 0);
    edit["version"] = json!(1);
    let edited = t.put(&format!("/api/activities/{}", id(&old)), a, edit).await.expect(200);
    assert_eq!(edited["title"], "探访（补记）");
    assert_eq!(edited["version"], 2);
}

#[tokio::test]
async fn a_stale_version_answers_409() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let lead = add_worker(t, a, "李华", 1).await;
    let (today, _) = dates();
    let created =
        create(t, a, activity("宣传", "policy_outreach", false, &today, &lead, &[], &[], 40)).await;
    let path = format!("/api/activities/{}", id(&created));
    let mut edit = activity("宣传2", "policy_outreach", false, &today, &lead, &[], &[], 40);
    edit["version"] = json!(1);
    t.put(&path, a, edit.clone()).await.expect(200);
    let stale = t.put(&path, a, edit).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.code(), "conflict");
}

#[tokio::test]
async fn lists_page_by_two_latest_start_first_and_filter_by_month() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let lead = add_worker(t, a, "李华", 1).await;
    let starts = ["2026-01-10", "2026-03-05", "2026-02-20", "2026-03-01", "2025-12-31"];
    for (i, start) in starts.iter().enumerate() {
        create(
            t,
            a,
            activity(&format!("活动{i}"), "volunteer_service", false, start, &lead, &[], &[], 0),
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/activities?limit=2&cursor={c}"),
            None => "/api/activities?limit=2".to_string(),
        };
        let page = t.get(&path, a).await.expect(200);
        pages += 1;
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|i| i["start_date"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ["2026-03-05", "2026-03-01", "2026-02-20", "2026-01-10", "2025-12-31"]);

    let march = t.get("/api/activities?month=2026-03", a).await.expect(200);
    let titles: Vec<&str> =
        march["items"].as_array().unwrap().iter().map(|i| i["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["活动1", "活动3"]);
    let ongoing_march =
        t.get("/api/activities?month=2026-03&status=ongoing&limit=1", a).await.expect(200);
    assert_eq!(ongoing_march["items"][0]["title"], "活动1");
    let next = ongoing_march["next_cursor"].as_str().expect("a second page");
    // A cursor works only with the filters it was made for.
    assert_eq!(t.get(&format!("/api/activities?limit=1&cursor={next}"), a).await.status, 400);
    let second = t
        .get(&format!("/api/activities?month=2026-03&status=ongoing&limit=1&cursor={next}"), a)
        .await
        .expect(200);
    assert_eq!(second["items"][0]["title"], "活动3");
}

#[tokio::test]
async fn finishing_then_reopening_removes_the_summary_and_keeps_the_statistics() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let lead = add_worker(t, a, "李华", 1).await;
    let c1 = add_client(t, a, "张大爷", 1, &["elderly", "disabled"]).await;
    let (today, _) = dates();
    let created =
        create(t, a, activity("探访", "home_visit", true, &today, &lead, &[], &[&c1], 2)).await;
    assert!(created["summary"].is_object());
    let before = t.get("/api/dashboard", a).await.expect(200)["stats"].clone();
    let overview = t.get("/api/activities/overview", a).await.expect(200);
    let visits = |o: &Value| o["categories"][3].clone();
    assert_eq!(visits(&overview)["code"], "home_visit");
    assert_eq!(visits(&overview)["finished"], 1);

    let mut reopen = activity("探访", "home_visit", false, &today, &lead, &[], &[&c1], 2);
    reopen["summary"] = summary("home_visit");
    reopen["version"] = json!(1);
    let reopened = t.put(&format!("/api/activities/{}", id(&created)), a, reopen).await.expect(200);
    assert!(reopened["summary"].is_null());
    let got = t.get(&format!("/api/activities/{}", id(&created)), a).await.expect(200);
    assert!(got["summary"].is_null());
    assert_eq!(t.get("/api/dashboard", a).await.expect(200)["stats"], before);
    let overview = t.get("/api/activities/overview", a).await.expect(200);
    assert_eq!(visits(&overview)["ongoing"], 1);
    assert_eq!(visits(&overview)["finished"], 0);
    assert_eq!(visits(&overview)["total"], 1);
    assert_eq!(visits(&overview)["this_month"], 1);
    let dashboard = t.get("/api/dashboard", a).await.expect(200);
    assert_eq!(dashboard["ongoing_activities"][0]["id"], created["id"]);

    // Finishing again needs the summary again.
    let mut finish = activity("探访", "home_visit", true, &today, &lead, &[], &[&c1], 2);
    finish["summary"] = Value::Null;
    finish["version"] = json!(2);
    let answer = t.put(&format!("/api/activities/{}", id(&created)), a, finish).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("summary.client_condition").is_some());
}

#[tokio::test]
async fn a_clients_records_list_its_activities_newest_first() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let lead = add_worker(t, a, "李华", 1).await;
    let c1 = add_client(t, a, "张大爷", 1, &["elderly"]).await;
    let c2 = add_client(t, a, "李奶奶", 2, &["elderly"]).await;
    let (today, earlier) = dates();
    let first =
        create(t, a, activity("探访一", "home_visit", true, &earlier, &lead, &[], &[&c1], 0)).await;
    let second =
        create(t, a, activity("小组", "group_work", false, &today, &lead, &[], &[&c1, &c2], 0))
            .await;
    let third =
        create(t, a, activity("个案", "case_management", false, &today, &lead, &[], &[&c2], 0))
            .await;
    // Moving c1 onto the case and off the group updates both lists.
    let mut edit = activity("个案", "case_management", false, &today, &lead, &[], &[&c1], 0);
    edit["version"] = json!(1);
    t.put(&format!("/api/activities/{}", id(&third)), a, edit).await.expect(200);

    let records = t.get(&format!("/api/clients/{c1}/records"), a).await.expect(200);
    let ids: Vec<&str> =
        records["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [id(&third), id(&second), id(&first)]);
    assert_eq!(records["items"][0]["title"], "个案");
    let records = t.get(&format!("/api/clients/{c2}/records"), a).await.expect(200);
    let ids: Vec<&str> =
        records["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [id(&second)]);

    // Deleting an activity takes it off the records.
    t.delete(&format!("/api/activities/{}", id(&second)), a).await.expect(204);
    assert_eq!(t.get(&format!("/api/activities/{}", id(&second)), a).await.status, 404);
    let records = t.get(&format!("/api/clients/{c2}/records"), a).await.expect(200);
    assert!(records["items"].as_array().unwrap().is_empty());

    // Newest by the activity's date, not by when it was entered: a visit of last month
    // entered now (补录) sorts below today's, and moving its date moves it, once.
    let late =
        create(t, a, activity("补录探访", "home_visit", true, &earlier, &lead, &[], &[&c1], 0))
            .await;
    let ids_of = |records: &Value| -> Vec<String> {
        records["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_str().unwrap().into())
            .collect()
    };
    let records = t.get(&format!("/api/clients/{c1}/records"), a).await.expect(200);
    let mut below = vec![id(&late), id(&first)];
    below.sort();
    below.reverse();
    assert_eq!(ids_of(&records)[0], id(&third));
    assert_eq!(ids_of(&records)[1..], below);
    let mut moved = activity("补录探访", "home_visit", true, &today, &lead, &[], &[&c1], 0);
    moved["version"] = json!(1);
    t.put(&format!("/api/activities/{}", id(&late)), a, moved).await.expect(200);
    let records = t.get(&format!("/api/clients/{c1}/records"), a).await.expect(200);
    let ids = ids_of(&records);
    assert_eq!(ids.len(), 3, "{records}");
    assert_eq!(ids[2], id(&first));
    assert_eq!(
        records["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["start_date"] == today.as_str())
            .count(),
        2
    );
}

#[tokio::test]
async fn a_renamed_lead_worker_is_shown_by_the_current_name() {
    let w = world().await;
    let t = &w.t;
    let (today, _) = dates();
    let lead = add_worker(t, &w.station_a, "张晓燕", 41).await;
    let client = add_client(t, &w.station_a, "王秀英", 42, &["elderly"]).await;
    let body = activity("入户探访", "home_visit", false, &today, &lead, &[], &[&client], 0);
    let made = create(t, &w.station_a, body).await;
    assert_eq!(made["lead_worker_name"], "张晓燕");

    let path = format!("/api/workers/{lead}");
    let worker = t.get(&path, &w.station_a).await.expect(200);
    t.put(&path, &w.station_a, json!({"version": worker["version"], "name": "张晓艳"}))
        .await
        .expect(200);

    let seen = t.get(&format!("/api/activities/{}", id(&made)), &w.station_a).await.expect(200);
    assert_eq!(seen["lead_worker_name"], "张晓艳");
    assert_eq!(seen["workers"][0]["name"], "张晓艳");
    let board = t.get("/api/dashboard", &w.station_a).await.expect(200);
    assert_eq!(board["ongoing_activities"][0]["lead_worker_name"], "张晓艳", "{board}");
}

#[tokio::test]
async fn an_update_may_send_only_what_changed() {
    let w = world().await;
    let (t, a) = (&w.t, &w.station_a);
    let (today, _) = dates();
    let lead = add_worker(t, a, "李华", 51).await;
    let helper = add_worker(t, a, "王芳", 52).await;
    let client = add_client(t, a, "陈阿婆", 53, &["elderly"]).await;
    let body = activity(
        "重阳节活动",
        "community_activity",
        false,
        &today,
        &lead,
        &[&helper],
        &[&client],
        30,
    );
    let made = create(t, a, body).await;
    let path = format!("/api/activities/{}", id(&made));

    // 结束活动: the status, its end date and summary; nothing else is lost.
    let finish = json!({"version": 1, "status": "finished", "end_date": today,
        "summary": summary("community_activity")});
    let done = t.put(&path, a, finish).await.expect(200);
    assert_eq!(done["status"], "finished");
    assert_eq!(done["title"], "重阳节活动");
    assert_eq!(done["worker_ids"], json!([helper]));
    assert_eq!(done["client_ids"], json!([client]));
    assert_eq!(done["unregistered_participants"], 30);
    assert_eq!(done["details"], details("community_activity"));
    let board = t.get("/api/dashboard", a).await.expect(200);
    assert_eq!(board["stats"]["this_month"]["person_times"], 31, "{board}");

    // Finishing needs the summary: a bare status change is refused, naming it.
    let back = t.put(&path, a, json!({"version": 2, "status": "ongoing"})).await.expect(200);
    assert!(back["summary"].is_null());
    let bare = t.put(&path, a, json!({"version": 3, "status": "finished"})).await;
    assert_eq!(bare.status, 422);
    assert!(
        bare.field("summary.participant_times").is_some() || bare.field("summary").is_some(),
        "{}",
        bare.body
    );
    // `null` clears the end date; the version is still required.
    let cleared = t.put(&path, a, json!({"version": 3, "end_date": null})).await.expect(200);
    assert!(cleared["end_date"].is_null());
    let stale = t.put(&path, a, json!({"title": "改名"})).await;
    assert!(stale.field("version").is_some(), "{}", stale.body);
}
