//! 通知公告: publishing to a region or to chosen stations, the station's list and its
//! filters, read receipts, attachments through presigned URLs, and the region walls.

use serde_json::{Value, json};

use crate::support::*;

const MIB: u64 = 1024 * 1024;

fn all(title: &str) -> Value {
    json!({"title": title, "body": format!("{title}：请各社工站认真落实。"), "target": {"all": true}})
}

fn chosen(title: &str, station_ids: &[&str]) -> Value {
    json!({"title": title, "body": format!("{title}：请指定站点按时完成。"),
           "target": {"station_ids": station_ids}})
}

async fn publish(t: &TestApp, token: &str, body: Value) -> String {
    let notice = t.post("/api/admin/notices", token, body).await.expect(201);
    notice["id"].as_str().expect("a notice id").to_string()
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|n| n["id"].as_str().expect("id").to_string())
        .collect()
}

async fn listed(t: &TestApp, token: &str, query: &str) -> Vec<String> {
    ids(&t.get(&format!("/api/notices{query}"), token).await.expect(200))
}

/// `station_id → read_at` of a notice's receipts, as its publisher sees them.
async fn receipts(t: &TestApp, token: &str, id: &str) -> Vec<(String, Value)> {
    let notice = t.get(&format!("/api/admin/notices/{id}"), token).await.expect(200);
    let mut rows: Vec<(String, Value)> = notice["receipts"]
        .as_array()
        .expect("receipts")
        .iter()
        .map(|r| {
            assert!(r["station_name"].as_str().is_some_and(|n| !n.is_empty()));
            (r["station_id"].as_str().expect("station id").to_string(), r["read_at"].clone())
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[tokio::test]
async fn a_county_notice_reaches_all_its_stations_also_later_ones_and_none_elsewhere() {
    let w = world().await;
    let t = &w.t;
    let id = publish(t, &w.county_a, all("关于开展2026年度社工站评估的通知")).await;

    assert_eq!(listed(t, &w.station_a, "").await, [id.as_str()]);
    assert_eq!(listed(t, &w.station_a2, "").await, [id.as_str()]);
    assert_eq!(listed(t, &w.agency, "").await, [id.as_str()]);
    assert!(listed(t, &w.station_b, "").await.is_empty());
    let answer = t.get(&format!("/api/notices/{id}"), &w.station_b).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.code(), "not_found");

    // A station set up in the county after publishing sees it too.
    let later = t
        .post(
            "/api/admin/stations",
            &w.county_a,
            json!({"name": "翠苑街道社工站", "region_code": "330106003", "address": "文一西路1号",
                   "contact_person": "王敏", "phone": "13905710005", "operation_mode": "self_run",
                   "username": "station_a3", "password": PASSWORD}),
        )
        .await
        .expect(201);
    let later_id = later["id"].as_str().unwrap().to_string();
    let later_token = t.login("station_a3", PASSWORD).await;
    assert_eq!(listed(t, &later_token, "").await, [id.as_str()]);
    t.get(&format!("/api/notices/{id}"), &later_token).await.expect(200);

    let rows = receipts(t, &w.county_a, &id).await;
    let stations: Vec<String> = rows.iter().map(|(s, _)| s.clone()).collect();
    assert_eq!(
        stations,
        sorted(vec![w.station_a_id.clone(), w.station_a2_id.clone(), later_id.clone()])
    );
    for (station, read_at) in rows {
        assert_eq!(read_at.is_string(), station == later_id, "{station}: {read_at}");
    }
}

#[tokio::test]
async fn a_notice_to_chosen_stations_reaches_only_those_stations() {
    let w = world().await;
    let t = &w.t;
    let id = publish(
        t,
        &w.city,
        chosen("关于报送困难群众名单的通知", &[&w.station_a_id, &w.station_b_id]),
    )
    .await;
    let notice = t.get(&format!("/api/admin/notices/{id}"), &w.city).await.expect(200);
    assert_eq!(notice["target"]["station_ids"].as_array().unwrap().len(), 2);
    assert_eq!(notice["station_count"], 2);

    assert_eq!(listed(t, &w.station_a, "").await, [id.as_str()]);
    assert_eq!(listed(t, &w.station_b, "").await, [id.as_str()]);
    assert!(listed(t, &w.station_a2, "").await.is_empty());
    assert_eq!(t.get(&format!("/api/notices/{id}"), &w.station_a2).await.status, 404);
    let opened = t.get(&format!("/api/notices/{id}"), &w.station_b).await.expect(200);
    // A station does not learn which other stations were chosen.
    assert!(opened.get("target").is_none());

    let stations: Vec<String> = receipts(t, &w.city, &id).await.into_iter().map(|r| r.0).collect();
    assert_eq!(stations, sorted(vec![w.station_a_id.clone(), w.station_b_id.clone()]));
}

#[tokio::test]
async fn read_receipts_and_the_unread_filter_follow_the_reads() {
    let w = world().await;
    let t = &w.t;
    let first = publish(t, &w.county_a, all("关于做好防汛工作的通知")).await;
    let second = publish(t, &w.county_a, all("关于召开季度例会的通知")).await;

    let unread = t.get("/api/notices?unread=true", &w.station_a).await.expect(200);
    assert_eq!(ids(&unread), [second.clone(), first.clone()]);
    assert!(unread["items"].as_array().unwrap().iter().all(|n| n["read"] == false));

    let opened = t.get(&format!("/api/notices/{first}"), &w.station_a).await.expect(200);
    assert_eq!(opened["read"], true);
    assert_eq!(opened["title"], "关于做好防汛工作的通知");
    let read_at = opened["read_at"].as_str().expect("read_at").to_string();
    // Opening again keeps the first read time.
    let again = t.get(&format!("/api/notices/{first}"), &w.station_a).await.expect(200);
    assert_eq!(again["read_at"], read_at.as_str());

    assert_eq!(listed(t, &w.station_a, "?unread=true").await, [second.as_str()]);
    let everything = t.get("/api/notices", &w.station_a).await.expect(200);
    assert_eq!(everything["items"][0]["read"], false);
    assert_eq!(everything["items"][1]["read"], true);
    // Receipts are per station: A2 has read nothing.
    assert_eq!(listed(t, &w.station_a2, "?unread=true").await, [second.clone(), first.clone()]);

    let rows = receipts(t, &w.county_a, &first).await;
    for (station, at) in &rows {
        if *station == w.station_a_id {
            assert_eq!(at, read_at.as_str());
        } else {
            assert!(at.is_null());
        }
    }
    let notice = t.get(&format!("/api/admin/notices/{first}"), &w.county_a).await.expect(200);
    assert_eq!(notice["read_count"], 1);
    assert_eq!(notice["station_count"], 2);

    // The agency reads on behalf of its current station (A), so A's list is all read.
    t.get(&format!("/api/notices/{second}"), &w.agency).await.expect(200);
    assert!(listed(t, &w.station_a, "?unread=true").await.is_empty());
    assert_eq!(listed(t, &w.station_a2, "?unread=false").await.len(), 2);
}

#[tokio::test]
async fn an_admin_cannot_see_the_receipts_of_another_regions_notice() {
    let w = world().await;
    let t = &w.t;
    let county = publish(t, &w.county_a, all("西湖区通知")).await;
    let city = publish(t, &w.city, all("杭州市通知")).await;

    for (token, id) in [(&w.county_b, &county), (&w.county_a, &city), (&w.county_b, &city)] {
        let answer = t.get(&format!("/api/admin/notices/{id}"), token).await;
        assert_eq!(answer.status, 404, "{}", answer.body);
        assert_eq!(answer.code(), "not_found");
    }
    // The regions above see it.
    t.get(&format!("/api/admin/notices/{county}"), &w.city).await.expect(200);
    t.get(&format!("/api/admin/notices/{county}"), &w.province).await.expect(200);
    assert_eq!(t.get("/api/admin/notices/nosuchnotice", &w.city).await.status, 404);

    // Each list holds the notices published in the admin's region or below it.
    let list = |token: &str| {
        let token = token.to_string();
        async move { ids(&t.get("/api/admin/notices", &token).await.expect(200)) }
    };
    assert_eq!(list(&w.county_a).await, [county.as_str()]);
    assert!(list(&w.county_b).await.is_empty());
    assert_eq!(list(&w.city).await, [city.clone(), county.clone()]);
    assert_eq!(list(&w.province).await, [city.clone(), county.clone()]);

    // Stations use their own routes, admins theirs.
    assert_eq!(t.get("/api/admin/notices", &w.station_a).await.status, 403);
    assert_eq!(t.post("/api/admin/notices", &w.agency, all("x")).await.status, 403);
    assert_eq!(t.get("/api/notices", &w.county_a).await.status, 403);
}

/// Announces a file, uploads it with a plain PUT to the presigned URL, answers its id.
async fn upload(
    t: &TestApp,
    token: &str,
    file_name: &str,
    content_type: &str,
    bytes: &[u8],
) -> String {
    let ticket = t
        .post(
            "/api/admin/notices/attachments",
            token,
            json!({"file_name": file_name, "content_type": content_type, "size": bytes.len()}),
        )
        .await
        .expect(201);
    let url = ticket["upload_url"].as_str().expect("upload_url");
    let mut put = t.http.put(url).body(bytes.to_vec());
    for (name, value) in ticket["upload_headers"].as_object().expect("upload_headers") {
        // The HTTP client sets Content-Length from the body, as a browser does.
        if !name.eq_ignore_ascii_case("content-length") {
            put = put.header(name.as_str(), value.as_str().expect("a header value"));
        }
    }
    let response = put.send().await.expect("uploading");
    assert!(response.status().is_success(), "upload answered {}", response.status());
    ticket["id"].as_str().expect("id").to_string()
}

#[tokio::test]
async fn an_attachment_goes_up_and_comes_back_down_unchanged() {
    let w = world().await;
    let t = &w.t;
    let name = "2026年第一季度工作安排.pdf";
    let bytes: Vec<u8> =
        b"%PDF-1.4\n".iter().copied().chain((0..5000u32).map(|i| (i % 251) as u8)).collect();
    let attachment = upload(t, &w.county_a, name, "application/pdf", &bytes).await;
    let mut body = all("关于印发第一季度工作安排的通知");
    body["attachment_ids"] = json!([attachment]);
    let notice = t.post("/api/admin/notices", &w.county_a, body).await.expect(201);
    let id = notice["id"].as_str().unwrap().to_string();
    assert_eq!(notice["attachments"][0]["file_name"], name);
    assert_eq!(notice["attachments"][0]["size"], bytes.len());
    assert!(notice["attachments"][0].get("object_key").is_none());

    let opened = t.get(&format!("/api/notices/{id}"), &w.station_a).await.expect(200);
    let attachment_id = opened["attachments"][0]["id"].as_str().expect("attachment id").to_string();
    let path = format!("/api/notices/{id}/attachments/{attachment_id}");
    let link = t.get(&path, &w.station_a).await.expect(200);
    let response = t
        .http
        .get(link["download_url"].as_str().expect("download_url"))
        .send()
        .await
        .expect("downloading");
    assert!(response.status().is_success());
    let disposition = response
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        disposition.contains(
            "filename*=UTF-8''2026%E5%B9%B4%E7%AC%AC%E4%B8%80%E5%AD%A3%E5%BA%A6%E5%B7%A5%E4%BD%9C%E5%AE%89%E6%8E%92.pdf"
        ),
        "{disposition}"
    );
    assert_eq!(response.bytes().await.expect("the bytes").to_vec(), bytes);

    // Another county's station cannot fetch it; the publisher can.
    assert_eq!(t.get(&path, &w.station_b).await.status, 404);
    assert_eq!(
        t.get(&format!("/api/notices/{id}/attachments/nosuch"), &w.station_a).await.status,
        404
    );
    t.get(&format!("/api/admin/notices/{id}/attachments/{attachment_id}"), &w.county_a)
        .await
        .expect(200);

    // An upload serves one notice only.
    let mut reuse = all("再次使用附件");
    reuse["attachment_ids"] = json!([attachment]);
    let answer = t.post("/api/admin/notices", &w.county_a, reuse).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("attachment_ids").is_some());
}

#[tokio::test]
async fn an_attachment_must_be_uploaded_and_the_publishers_own() {
    let w = world().await;
    let t = &w.t;
    // Announced, never uploaded.
    let ticket = t
        .post(
            "/api/admin/notices/attachments",
            &w.county_a,
            json!({"file_name": "名单.xlsx",
                   "content_type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   "size": 2048}),
        )
        .await
        .expect(201);
    let mut body = all("附件未上传");
    body["attachment_ids"] = json!([ticket["id"]]);
    let answer = t.post("/api/admin/notices", &w.county_a, body.clone()).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("attachment_ids").is_some());

    // Another admin's upload is not usable.
    let theirs = upload(t, &w.county_b, "通知.png", "image/png", b"\x89PNG\r\n\x1a\nrest").await;
    body["attachment_ids"] = json!([theirs]);
    let answer = t.post("/api/admin/notices", &w.county_a, body.clone()).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("attachment_ids").is_some());

    // Six attachments are too many.
    body["attachment_ids"] = json!(["a1", "a2", "a3", "a4", "a5", "a6"]);
    let answer = t.post("/api/admin/notices", &w.county_a, body).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("attachment_ids").is_some());
}

#[tokio::test]
async fn an_executable_or_a_file_over_twenty_mebibytes_is_refused() {
    let w = world().await;
    let t = &w.t;
    let path = "/api/admin/notices/attachments";
    let exe = t
        .post(path, &w.county_a, json!({"file_name": "setup.exe", "content_type": "application/x-msdownload", "size": 1024}))
        .await;
    assert_eq!(exe.status, 422);
    assert_eq!(exe.code(), "validation_failed");
    assert!(exe.field("file_name").is_some());
    assert!(exe.field("content_type").is_some());

    let disguised = t
        .post(path, &w.county_a, json!({"file_name": "setup.pdf", "content_type": "application/x-msdownload", "size": 1024}))
        .await;
    assert_eq!(disguised.status, 422);
    assert!(disguised.field("content_type").is_some());

    let mismatch = t
        .post(
            path,
            &w.county_a,
            json!({"file_name": "照片.png", "content_type": "application/pdf", "size": 1024}),
        )
        .await;
    assert_eq!(mismatch.status, 422);
    assert!(mismatch.field("content_type").is_some());

    let big = t
        .post(path, &w.county_a, json!({"file_name": "汇总.pdf", "content_type": "application/pdf", "size": 20 * MIB + 1}))
        .await;
    assert_eq!(big.status, 413);
    assert_eq!(big.code(), "payload_too_large");
    t.post(
        path,
        &w.county_a,
        json!({"file_name": "汇总.PDF", "content_type": "application/pdf", "size": 20 * MIB}),
    )
    .await
    .expect(201);

    let missing = t.post(path, &w.county_a, json!({})).await;
    assert_eq!(missing.status, 422);
    for field in ["file_name", "content_type", "size"] {
        assert!(missing.field(field).is_some(), "{field}");
    }
    // Only admins announce notice attachments.
    let station = t
        .post(
            path,
            &w.station_a,
            json!({"file_name": "a.pdf", "content_type": "application/pdf", "size": 1}),
        )
        .await;
    assert_eq!(station.status, 403);
}

#[tokio::test]
async fn a_chosen_station_outside_the_region_or_unknown_is_refused() {
    let w = world().await;
    let t = &w.t;
    for station_ids in [
        vec![w.station_b_id.as_str()],
        vec![w.station_a_id.as_str(), w.station_b_id.as_str()],
        vec!["0000000000000000000000000000"],
        vec!["../../etc"],
    ] {
        let answer =
            t.post("/api/admin/notices", &w.county_a, chosen("越权发送", &station_ids)).await;
        assert_eq!(answer.status, 422, "{station_ids:?}");
        assert!(answer.field("target.station_ids").is_some(), "{}", answer.body);
    }
    let empty = t.post("/api/admin/notices", &w.county_a, chosen("空", &[])).await;
    assert!(empty.field("target.station_ids").is_some());
    let missing = t
        .post("/api/admin/notices", &w.county_a, json!({"title": " ", "body": "", "target": null}))
        .await;
    assert_eq!(missing.status, 422);
    for field in ["title", "body", "target"] {
        assert!(missing.field(field).is_some(), "{field}: {}", missing.body);
    }
    // Nothing was published.
    assert!(listed(t, &w.station_b, "").await.is_empty());
    assert!(ids(&t.get("/api/admin/notices", &w.county_a).await.expect(200)).is_empty());
}

#[tokio::test]
async fn paging_with_limit_two_across_the_merged_feeds_stays_correct() {
    let w = world().await;
    let t = &w.t;
    // Station A has notices in its province, city and county feeds and its own feed.
    let p1 = publish(t, &w.province, all("省级通知一")).await;
    let c1 = publish(t, &w.county_a, all("区级通知一")).await;
    let s1 = publish(t, &w.city, chosen("市级指定通知", &[&w.station_a_id])).await;
    let _other_county = publish(t, &w.county_b, all("滨江区通知")).await;
    let _other_station = publish(t, &w.county_a, chosen("西溪站通知", &[&w.station_a2_id])).await;
    let ct1 = publish(t, &w.city, all("市级通知一")).await;
    let c2 = publish(t, &w.county_a, chosen("区级指定通知一", &[&w.station_a_id])).await;
    let p2 = publish(t, &w.province, all("省级通知二")).await;
    let expected = vec![p2.clone(), c2.clone(), ct1.clone(), s1.clone(), c1.clone(), p1.clone()];

    let walk = |query: &'static str| {
        let token = w.station_a.clone();
        async move {
            let mut seen = Vec::new();
            let mut cursor: Option<String> = None;
            for _ in 0..10 {
                let path = match &cursor {
                    Some(c) => format!("/api/notices?limit=2{query}&cursor={c}"),
                    None => format!("/api/notices?limit=2{query}"),
                };
                let page = t.get(&path, &token).await.expect(200);
                let items = ids(&page);
                assert!(items.len() <= 2);
                seen.extend(items);
                match page["next_cursor"].as_str() {
                    Some(next) => {
                        assert!(!page["items"].as_array().unwrap().is_empty());
                        cursor = Some(next.to_string());
                    }
                    None => return seen,
                }
            }
            panic!("paging did not end");
        }
    };
    assert_eq!(walk("").await, expected);
    assert_eq!(listed(t, &w.station_a, "?limit=100").await, expected);

    // Filters page the same way: a keyword, and unread after reading two.
    assert_eq!(
        walk("&q=%E9%80%9A%E7%9F%A5%E4%B8%80").await,
        [c2.clone(), ct1.clone(), c1.clone(), p1.clone()]
    );
    for id in [&c2, &c1] {
        t.get(&format!("/api/notices/{id}"), &w.station_a).await.expect(200);
    }
    assert_eq!(walk("&unread=true").await, [p2.clone(), ct1.clone(), s1.clone(), p1.clone()]);

    // A cursor belongs to its station and its query.
    let first = t.get("/api/notices?limit=2", &w.station_a).await.expect(200);
    let cursor = first["next_cursor"].as_str().unwrap();
    assert_eq!(
        t.get(&format!("/api/notices?limit=2&cursor={cursor}"), &w.station_a2).await.status,
        400
    );
    assert_eq!(
        t.get(&format!("/api/notices?limit=2&unread=true&cursor={cursor}"), &w.station_a)
            .await
            .status,
        400
    );
    // A2 sees only what is addressed to it.
    let a2 = listed(t, &w.station_a2, "").await;
    assert_eq!(a2.len(), 5, "{a2:?}");
    assert!(!a2.contains(&s1) && !a2.contains(&c2));
}

#[tokio::test]
async fn dates_and_keywords_filter_the_list_and_bad_values_answer_400() {
    let w = world().await;
    let t = &w.t;
    let id = publish(
        t,
        &w.county_a,
        json!({"title": "关于开展敬老月活动的通知", "body": "请于十月组织 Home Visit 探访高龄老人。",
               "target": {"all": true}}),
    )
    .await;
    let today = swz_shared::domain::china_today();
    let yesterday = today.yesterday().unwrap();
    let tomorrow = today.tomorrow().unwrap();

    assert_eq!(listed(t, &w.station_a, &format!("?from={today}&to={today}")).await, [id.as_str()]);
    assert_eq!(listed(t, &w.station_a, &format!("?from={yesterday}")).await, [id.as_str()]);
    assert!(listed(t, &w.station_a, &format!("?to={yesterday}")).await.is_empty());
    assert!(listed(t, &w.station_a, &format!("?from={tomorrow}")).await.is_empty());
    // Keywords match the title or the body, ignoring case.
    assert_eq!(listed(t, &w.station_a, "?q=%E6%95%AC%E8%80%81").await, [id.as_str()]);
    assert_eq!(listed(t, &w.station_a, "?q=home%20visit").await, [id.as_str()]);
    assert!(listed(t, &w.station_a, "?q=%E5%9F%B9%E8%AE%AD").await.is_empty());

    for bad in [
        "?from=2026-13-01",
        "?to=20260101",
        &format!("?from={tomorrow}&to={yesterday}"),
        "?unread=maybe",
        "?limit=0",
        "?cursor=garbage",
    ] {
        let answer = t.get(&format!("/api/notices{bad}"), &w.station_a).await;
        assert_eq!(answer.status, 400, "{bad}");
        assert_eq!(answer.code(), "bad_request");
    }
}

#[tokio::test]
async fn the_dashboard_shows_the_latest_five_notices_with_read_flags() {
    let w = world().await;
    let t = &w.t;
    let mut published = Vec::new();
    for n in 1..=6 {
        let token = if n % 2 == 0 { &w.city } else { &w.county_a };
        published.push(publish(t, token, all(&format!("第{n}号通知"))).await);
    }
    // The newest comes from the station's own feed: a notice to chosen stations.
    let to_a = chosen("第7号通知", &[w.station_a_id.as_str()]);
    published.push(publish(t, &w.county_a, to_a).await);
    t.get(&format!("/api/notices/{}", published[4]), &w.station_a).await.expect(200);
    t.get(&format!("/api/notices/{}", published[6]), &w.station_a).await.expect(200);

    let dashboard = t.get("/api/dashboard", &w.station_a).await.expect(200);
    let notices = dashboard["notices"].as_array().expect("notices");
    let shown: Vec<&str> = notices.iter().map(|n| n["id"].as_str().unwrap()).collect();
    let newest: Vec<&str> = published.iter().rev().take(5).map(String::as_str).collect();
    assert_eq!(shown, newest);
    let read: Vec<bool> = notices.iter().map(|n| n["read"].as_bool().unwrap()).collect();
    assert_eq!(read, [true, false, true, false, false]);
    assert_eq!(notices[0]["title"], "第7号通知");
    assert_eq!(notices[1]["title"], "第6号通知");
    assert_eq!(notices[1]["publisher_name"], "city管理员");
    assert!(notices[1]["published_at"].is_string());
    // The list agrees with the dashboard on order and read flags.
    let list = t.get("/api/notices?limit=5", &w.station_a).await.expect(200);
    assert_eq!(ids(&list), newest);
    let listed_read: Vec<bool> =
        list["items"].as_array().unwrap().iter().map(|n| n["read"].as_bool().unwrap()).collect();
    assert_eq!(listed_read, read);
    // Another county's station has only the city's, unread.
    let other = t.get("/api/dashboard", &w.station_b).await.expect(200);
    let other: Vec<&str> =
        other["notices"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(other, [published[5].as_str(), published[3].as_str(), published[1].as_str()]);
    // The agency working in station A sees A's panel, read flags included.
    let agency = t.get("/api/dashboard", &w.agency).await.expect(200);
    assert_eq!(agency["notices"], dashboard["notices"]);
}
