//! Monthly summaries (月度总结) over HTTP: drafts, submission and its lock, review by the
//! administrators covering the station, attachments through presigned URLs, and the
//! notifications the stream consumer writes for each transition.

use std::time::Duration;

use serde_json::{Value, json};
use swz_shared::domain::Month;

use crate::support::*;

/// The month before the current one in China: always a month a summary may be written for.
fn last_month() -> String {
    Month::current().previous().to_string()
}

/// `2026年11月`, as notifications name a month.
fn label(month: &str) -> String {
    Month::parse(month).expect("a month").label()
}

fn summary_path(month: &str) -> String {
    format!("/api/summaries/{month}")
}

fn review_path(station_id: &str, month: &str) -> String {
    format!("/api/admin/summaries/{station_id}/{month}/review")
}

/// Polls the caller's notifications for up to ten seconds until one of `kind` whose title
/// mentions `title_part` appears; answers it.
async fn wait_for_notification(t: &TestApp, token: &str, kind: &str, title_part: &str) -> Value {
    let found = |body: &Value| {
        body["items"].as_array().and_then(|items| {
            items
                .iter()
                .find(|n| {
                    n["kind"] == kind && n["title"].as_str().is_some_and(|t| t.contains(title_part))
                })
                .cloned()
        })
    };
    for _ in 0..40 {
        let body = t.get("/api/notifications?limit=100", token).await.expect(200);
        if let Some(notification) = found(&body) {
            return notification;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("no {kind} notification mentioning {title_part} arrived within 10 s");
}

/// How many notifications of `kind` the caller has.
async fn count_notifications(t: &TestApp, token: &str, kind: &str) -> usize {
    let body = t.get("/api/notifications?limit=100", token).await.expect(200);
    body["items"].as_array().map_or(0, |items| items.iter().filter(|n| n["kind"] == kind).count())
}

/// A transaction refused by a condition must not leave the stream consumer behind: the
/// submission after it is still notified (moto once swapped the stream out on rollback).
#[tokio::test]
async fn a_refused_transaction_does_not_stop_notifications() {
    let w = world().await;
    let t = &w.t;
    let id = id_number("330106", "19520314", 7);
    let body = crate::clients::client("周桂兰", &id);
    t.post("/api/clients", &w.station_a, body.clone()).await.expect(201);
    let duplicate = t.post("/api/clients", &w.station_a, body).await;
    assert_eq!(duplicate.status, 409, "{}", duplicate.body);

    let month = last_month();
    let path = summary_path(&month);
    t.put(&path, &w.station_a, json!({"text": "本月总结。", "version": 0})).await.expect(200);
    t.post(&format!("{path}/submit"), &w.station_a, json!({"version": 1})).await.expect(200);
    wait_for_notification(t, &w.county_a, "summary_submitted", &label(&month)).await;
    // The refused client left nothing behind to notify or count.
    let clients = t.get("/api/clients", &w.station_a).await.expect(200);
    assert_eq!(clients["items"].as_array().unwrap().len(), 1, "{clients}");
}

#[tokio::test]
async fn a_summary_goes_through_draft_submission_return_resubmission_and_approval() {
    let w = world().await;
    let t = &w.t;
    let month = last_month();
    let path = summary_path(&month);

    let empty = t.get(&path, &w.station_a).await.expect(200);
    assert_eq!(empty["status"], "not_created");
    assert_eq!(empty["version"], 0);
    assert_eq!(empty["text"], "");
    assert!(empty["stats"]["activities"].is_number(), "live stats: {}", empty["stats"]);

    // 暂存草稿, then edit it again.
    let draft = t
        .put(&path, &w.station_a, json!({"text": "本月开展活动三场。", "version": 0}))
        .await
        .expect(200);
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["version"], 1);
    let draft = t
        .put(
            &path,
            &w.station_a,
            json!({"text": "本月开展社区活动三场，走访老人二十户。", "version": 1}),
        )
        .await
        .expect(200);
    assert_eq!(draft["version"], 2);
    // A stale version is refused.
    let stale = t.put(&path, &w.station_a, json!({"text": "旧稿", "version": 1})).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.code(), "conflict");

    // 确认提交: from now on nobody may change it.
    let submitted =
        t.post(&format!("{path}/submit"), &w.station_a, json!({"version": 2})).await.expect(200);
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["stats_frozen"], true);
    assert_eq!(submitted["history"][0]["action"], "submit");
    assert_eq!(submitted["history"][0]["display_name"], "北山街道社工站");
    let version = submitted["version"].as_i64().unwrap();
    let edit = t.put(&path, &w.station_a, json!({"text": "改一下", "version": version})).await;
    assert_eq!(edit.status, 409);
    let again = t.post(&format!("{path}/submit"), &w.station_a, json!({"version": version})).await;
    assert_eq!(again.status, 409);
    let attach = t
        .post(
            &format!("{path}/attachments"),
            &w.station_a,
            json!({"file_name": "照片.png", "content_type": "image/png", "size": 10}),
        )
        .await;
    assert_eq!(attach.status, 409);
    // The agency, on the same station, is refused too.
    assert_eq!(
        t.put(&path, &w.agency, json!({"text": "机构改", "version": version})).await.status,
        409
    );

    // The reviewers covering the station hear of it; another county's admin does not.
    let title = format!("北山街道社工站提交了{}的月度总结", label(&month));
    let notice = wait_for_notification(t, &w.county_a, "summary_submitted", &title).await;
    assert_eq!(notice["read"], false);
    wait_for_notification(t, &w.city, "summary_submitted", &title).await;
    wait_for_notification(t, &w.province, "summary_submitted", &title).await;
    assert_eq!(count_notifications(t, &w.county_b, "summary_submitted").await, 0);

    // 打回 needs a comment.
    let review = review_path(&w.station_a_id, &month);
    let bare = t.post(&review, &w.county_a, json!({"decision": "return"})).await;
    assert_eq!(bare.status, 422);
    assert!(bare.field("comment").is_some(), "{}", bare.body);
    let blank = t.post(&review, &w.county_a, json!({"decision": "return", "comment": "  "})).await;
    assert_eq!(blank.status, 422);
    let odd = t.post(&review, &w.county_a, json!({"decision": "maybe"})).await;
    assert!(odd.field("decision").is_some());
    let returned = t
        .post(&review, &w.county_a, json!({"decision": "return", "comment": "请补充活动照片"}))
        .await
        .expect(200);
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["history"][1]["action"], "return");
    assert_eq!(returned["history"][1]["comment"], "请补充活动照片");
    assert_eq!(returned["history"][1]["display_name"], "county_a管理员");
    // Only a submitted summary is reviewed.
    assert_eq!(t.post(&review, &w.county_a, json!({"decision": "approve"})).await.status, 409);

    // The station and the agency that runs it are told, with the comment.
    let told = wait_for_notification(t, &w.station_a, "summary_returned", &label(&month)).await;
    assert!(told["body"].as_str().unwrap().contains("请补充活动照片"), "{told}");
    wait_for_notification(t, &w.agency, "summary_returned", &label(&month)).await;

    // The station edits the returned summary and resubmits it.
    let seen = t.get(&path, &w.station_a).await.expect(200);
    assert_eq!(seen["status"], "returned");
    let edited = t
        .put(
            &path,
            &w.station_a,
            json!({"text": "已补充活动照片说明。", "version": seen["version"]}),
        )
        .await
        .expect(200);
    assert_eq!(edited["status"], "returned");
    let resubmitted = t
        .post(&format!("{path}/submit"), &w.station_a, json!({"version": edited["version"]}))
        .await
        .expect(200);
    assert_eq!(resubmitted["status"], "submitted");
    for _ in 0..40 {
        if count_notifications(t, &w.county_a, "summary_submitted").await == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(count_notifications(t, &w.county_a, "summary_submitted").await, 2);

    // The admin's list for the month: A submitted, A2 not.
    let list = t.get(&format!("/api/admin/summaries?month={month}"), &w.county_a).await.expect(200);
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    let status_of =
        |id: &str| items.iter().find(|i| i["station_id"] == id).map(|i| i["status"].clone());
    assert_eq!(status_of(&w.station_a_id).unwrap(), "submitted");
    assert_eq!(status_of(&w.station_a2_id).unwrap(), "not_submitted");
    assert_eq!(items[0]["month"], month.as_str());

    // 审核通过.
    let approved = t
        .post(&review, &w.county_a, json!({"decision": "approve", "comment": ""}))
        .await
        .expect(200);
    assert_eq!(approved["status"], "approved");
    let actions: Vec<&str> = approved["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["submit", "return", "submit", "approve"]);
    assert!(approved["history"][3]["at"].as_str().unwrap().ends_with('Z'));
    wait_for_notification(t, &w.station_a, "summary_approved", &label(&month)).await;
    wait_for_notification(t, &w.agency, "summary_approved", &label(&month)).await;

    // Approved is final for everyone.
    let final_version = approved["version"].clone();
    assert_eq!(
        t.put(&path, &w.station_a, json!({"text": "x", "version": final_version})).await.status,
        409
    );
    assert_eq!(
        t.post(&review, &w.county_a, json!({"decision": "return", "comment": "再改"})).await.status,
        409
    );

    let filtered = t
        .get(&format!("/api/admin/summaries?month={month}&status=approved"), &w.city)
        .await
        .expect(200);
    let ids: Vec<&str> = filtered["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["station_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [w.station_a_id.as_str()]);
    let pending = t
        .get(&format!("/api/admin/summaries?month={month}&status=not_submitted"), &w.province)
        .await
        .expect(200);
    assert_eq!(pending["items"].as_array().unwrap().len(), 2, "A2 and B: {pending}");

    // The station's own list.
    let mine = t.get("/api/summaries", &w.station_a).await.expect(200);
    assert_eq!(mine["items"][0]["month"], month.as_str());
    assert_eq!(mine["items"][0]["status"], "approved");
}

#[tokio::test]
async fn admin_lists_check_their_month_and_status() {
    let w = world().await;
    let t = &w.t;
    // Without a month: the current one in China.
    let current = t.get("/api/admin/summaries", &w.county_a).await.expect(200);
    let this_month = swz_shared::domain::Month::current().to_string();
    assert_eq!(current["items"][0]["month"], this_month.as_str());
    assert_eq!(t.get("/api/admin/summaries?month=2026-13", &w.county_a).await.status, 400);
    assert_eq!(t.get("/api/admin/summaries?month=2026/01", &w.county_a).await.status, 400);
    let month = last_month();
    let unknown =
        t.get(&format!("/api/admin/summaries?month={month}&status=lost"), &w.county_a).await;
    assert_eq!(unknown.status, 400);
    assert_eq!(unknown.code(), "bad_request");
    // Stations do not review.
    assert_eq!(
        t.get(&format!("/api/admin/summaries?month={month}"), &w.station_a).await.status,
        403
    );

    // Pages follow the region's stations.
    let first = t
        .get(&format!("/api/admin/summaries?month={month}&limit=2"), &w.province)
        .await
        .expect(200);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = t
        .get(&format!("/api/admin/summaries?month={month}&limit=2&cursor={cursor}"), &w.province)
        .await
        .expect(200);
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next_cursor"].is_null());
    // The cursor belongs to this month's query.
    let other = Month::current().previous().previous();
    let moved = t
        .get(&format!("/api/admin/summaries?month={other}&limit=2&cursor={cursor}"), &w.province)
        .await;
    assert_eq!(moved.status, 400);
}

#[tokio::test]
async fn months_in_the_future_or_malformed_are_refused() {
    let w = world().await;
    let t = &w.t;
    let next = Month::current().next().to_string();
    let answer =
        t.put(&summary_path(&next), &w.station_a, json!({"text": "下月计划", "version": 0})).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("month").is_some());
    assert_eq!(t.get(&summary_path(&next), &w.station_a).await.status, 422);
    for bad in ["2026-13", "202601", "2026-1", "abc"] {
        let answer = t.get(&summary_path(bad), &w.station_a).await;
        assert_eq!(answer.status, 422, "{bad}");
        assert!(answer.field("month").is_some());
    }
    // The current month is fine.
    let current = Month::current().to_string();
    t.put(&summary_path(&current), &w.station_a, json!({"text": "本月", "version": 0}))
        .await
        .expect(200);
}

#[tokio::test]
async fn a_path_segment_that_does_not_decode_is_a_json_bad_request() {
    let w = world().await;
    let t = &w.t;
    let month = last_month();
    let station = &w.station_a_id;
    for (method, path, token) in [
        (reqwest::Method::GET, "/api/summaries/%FF".to_string(), &w.station_a),
        (reqwest::Method::GET, format!("/api/summaries/{month}/attachments/%FF"), &w.station_a),
        (reqwest::Method::GET, format!("/api/admin/summaries/%FF/{month}"), &w.county_a),
        (reqwest::Method::GET, format!("/api/admin/summaries/{station}/%FF"), &w.county_a),
        (reqwest::Method::POST, "/api/notifications/%FF/read".to_string(), &w.station_a),
    ] {
        let answer = t.request(method, &path, Some(token), None).await;
        assert_eq!((answer.status, answer.code()), (400, "bad_request"), "{path}: {}", answer.body);
    }
}

#[tokio::test]
async fn submitting_needs_text_or_an_attachment() {
    let w = world().await;
    let t = &w.t;
    let path = summary_path(&last_month());
    let nothing = t.post(&format!("{path}/submit"), &w.station_a, json!({"version": 0})).await;
    assert_eq!(nothing.status, 422);
    assert!(nothing.field("text").is_some());
    let draft = t.put(&path, &w.station_a, json!({"text": "   ", "version": 0})).await.expect(200);
    let blank =
        t.post(&format!("{path}/submit"), &w.station_a, json!({"version": draft["version"]})).await;
    assert_eq!(blank.status, 422);
    let missing = t.post(&format!("{path}/submit"), &w.station_a, json!({})).await;
    assert_eq!(missing.status, 422);
    assert!(missing.field("version").is_some());
    // Admins do not write summaries.
    assert_eq!(t.put(&path, &w.county_a, json!({"text": "x", "version": 0})).await.status, 403);
}

#[tokio::test]
async fn an_admin_of_another_region_sees_no_such_summary() {
    let w = world().await;
    let t = &w.t;
    let month = last_month();
    let path = summary_path(&month);
    t.put(&path, &w.station_a, json!({"text": "本月小结", "version": 0})).await.expect(200);
    t.post(&format!("{path}/submit"), &w.station_a, json!({"version": 1})).await.expect(200);

    let admin_path = format!("/api/admin/summaries/{}/{month}", w.station_a_id);
    let seen = t.get(&admin_path, &w.county_a).await.expect(200);
    assert_eq!(seen["status"], "submitted");
    assert_eq!(seen["text"], "本月小结");
    assert_eq!(seen["station_name"], "北山街道社工站");

    let outside = t.get(&admin_path, &w.county_b).await;
    assert_eq!(outside.status, 404);
    assert_eq!(outside.code(), "not_found");
    let review = t
        .post(&review_path(&w.station_a_id, &month), &w.county_b, json!({"decision": "approve"}))
        .await;
    assert_eq!(review.status, 404);
    let nowhere = t.get(&format!("/api/admin/summaries/nonexistent/{month}"), &w.county_a).await;
    assert_eq!(nowhere.status, 404);
    // The other county's list does not hold the station.
    let list = t.get(&format!("/api/admin/summaries?month={month}"), &w.county_b).await.expect(200);
    let ids: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["station_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [w.station_b_id.as_str()]);
    // Another station sees its own, empty month.
    let b = t.get(&path, &w.station_b).await.expect(200);
    assert_eq!(b["status"], "not_created");
}

/// Declares an attachment and answers the ticket.
async fn declare(
    t: &TestApp,
    token: &str,
    month: &str,
    name: &str,
    content_type: &str,
    size: u64,
) -> Answer {
    t.post(
        &format!("/api/summaries/{month}/attachments"),
        token,
        json!({"file_name": name, "content_type": content_type, "size": size}),
    )
    .await
}

/// PUTs `bytes` to the ticket's presigned URL with its headers, as a browser would.
async fn upload(ticket: &Value, bytes: Vec<u8>) -> u16 {
    let client = reqwest::Client::new();
    let mut request = client.put(ticket["upload_url"].as_str().unwrap()).body(bytes);
    for (name, value) in ticket["upload_headers"].as_object().unwrap() {
        request = request.header(name.as_str(), value.as_str().unwrap());
    }
    request.send().await.unwrap().status().as_u16()
}

#[tokio::test]
async fn an_attachment_goes_up_and_comes_back_identical() {
    let w = world().await;
    let t = &w.t;
    let month = last_month();
    let path = summary_path(&month);
    let bytes: Vec<u8> = (0..50_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let name = "三月活动照片（北山）.png";

    let ticket =
        declare(t, &w.station_a, &month, name, "image/png", bytes.len() as u64).await.expect(201);
    assert!(ticket["id"].is_string());
    // Declared but not uploaded: listed as such, and submission refuses it.
    let pending = t.get(&path, &w.station_a).await.expect(200);
    assert_eq!(pending["status"], "draft");
    assert_eq!(pending["version"], 0);
    assert_eq!(pending["attachments"][0]["uploaded"], false);
    let early = t.post(&format!("{path}/submit"), &w.station_a, json!({"version": 0})).await;
    assert_eq!(early.status, 422);
    assert!(early.field("attachments").is_some(), "{}", early.body);

    assert_eq!(upload(&ticket, bytes.clone()).await, 200);

    let summary = t.get(&path, &w.station_a).await.expect(200);
    let attachment = &summary["attachments"][0];
    assert_eq!(attachment["file_name"], name);
    assert_eq!(attachment["uploaded"], true);
    assert_eq!(attachment["size"], bytes.len());

    let id = ticket["id"].as_str().unwrap();
    let link = t.get(&format!("{path}/attachments/{id}"), &w.station_a).await.expect(200);
    let url = link["download_url"].as_str().unwrap();
    // The Chinese name travels as RFC 5987 in the signed Content-Disposition override.
    let decoded: String = reqwest::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "response-content-disposition")
        .map(|(_, v)| v.into_owned())
        .expect("a content disposition");
    assert!(decoded.contains("filename*=UTF-8''%E4%B8%89%E6%9C%88"), "{decoded}");
    let downloaded = reqwest::get(url).await.unwrap();
    assert_eq!(downloaded.status().as_u16(), 200);
    assert_eq!(downloaded.bytes().await.unwrap().to_vec(), bytes);

    // Another station cannot reach it.
    assert_eq!(t.get(&format!("{path}/attachments/{id}"), &w.station_b).await.status, 404);
    // The reviewing county admin downloads the same bytes; another county's cannot.
    let review_path = format!("/api/admin/summaries/{}/{month}/attachments/{id}", w.station_a_id);
    let link = t.get(&review_path, &w.county_a).await.expect(200);
    let downloaded = reqwest::get(link["download_url"].as_str().unwrap()).await.unwrap();
    assert_eq!(downloaded.bytes().await.unwrap().to_vec(), bytes);
    assert_eq!(t.get(&review_path, &w.county_b).await.status, 404);

    // An attachment alone is enough to submit; the upload is then confirmed.
    let submitted =
        t.post(&format!("{path}/submit"), &w.station_a, json!({"version": 0})).await.expect(200);
    assert_eq!(submitted["status"], "submitted");
    assert_eq!(submitted["attachments"][0]["uploaded"], true);
    assert_eq!(t.delete(&format!("{path}/attachments/{id}"), &w.station_a).await.status, 409);
}

#[tokio::test]
async fn attachments_are_checked_counted_and_deleted_with_their_object() {
    let w = world().await;
    let t = &w.t;
    let month = last_month();
    let path = summary_path(&month);

    let big = declare(
        t,
        &w.station_a,
        &month,
        "年度报表.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        21 * 1024 * 1024,
    )
    .await;
    assert_eq!(big.status, 413, "{}", big.body);
    let exe = declare(t, &w.station_a, &month, "setup.exe", "application/x-msdownload", 1000).await;
    assert_eq!(exe.status, 422);
    assert!(exe.field("file_name").is_some());

    let ticket =
        declare(t, &w.station_a, &month, "总结.pdf", "application/pdf", 4).await.expect(201);
    assert_eq!(upload(&ticket, b"%PDF".to_vec()).await, 200);
    let id = ticket["id"].as_str().unwrap();
    let key = format!("summaries/{}/{month}/{id}.pdf", w.station_a_id);
    assert_eq!(t.app.files.size_of(&key).await.unwrap(), Some(4));

    // Adding a file leaves the summary's version alone, so a draft being edited saves.
    let draft =
        t.put(&path, &w.station_a, json!({"text": "见附件", "version": 0})).await.expect(200);
    let photo = declare(t, &w.station_a, &month, "照片.jpg", "image/jpeg", 10).await.expect(201);
    // Declared but never uploaded: listed, and its download says why there is none.
    let pending =
        t.get(&format!("{path}/attachments/{}", photo["id"].as_str().unwrap()), &w.station_a).await;
    assert_eq!((pending.status, pending.code()), (409, "conflict"));
    t.put(&path, &w.station_a, json!({"text": "见附件。", "version": draft["version"]}))
        .await
        .expect(200);

    assert_eq!(t.delete(&format!("{path}/attachments/{id}"), &w.station_a).await.status, 204);
    assert_eq!(t.app.files.size_of(&key).await.unwrap(), None);
    assert_eq!(t.get(&format!("{path}/attachments/{id}"), &w.station_a).await.status, 404);
    assert_eq!(t.delete(&format!("{path}/attachments/{id}"), &w.station_a).await.status, 404);

    // Ten at most.
    for i in 0..9 {
        declare(t, &w.station_a, &month, &format!("附件{i}.doc"), "application/msword", 10)
            .await
            .expect(201);
    }
    let eleventh = declare(t, &w.station_a, &month, "多余.doc", "application/msword", 10).await;
    assert_eq!(eleventh.status, 422);
    assert!(eleventh.field("attachments").is_some());
    let summary = t.get(&path, &w.station_a).await.expect(200);
    assert_eq!(summary["attachments"].as_array().unwrap().len(), 10);
}

#[tokio::test]
async fn frozen_figures_ignore_activities_added_after_submission() {
    let w = world().await;
    let t = &w.t;
    let month = Month::current().previous();
    let path = summary_path(&month.to_string());
    let worker = t
        .post(
            "/api/workers",
            &w.station_a,
            json!({"source": "manual", "name": "张伟", "gender": "male",
                   "id_number": id_number("330106", "19900101", 11), "phone": "13800001111",
                   "education": "bachelor", "major": "社会工作", "position": "head",
                   "hired_on": "2020-01-01"}),
        )
        .await
        .expect(201);
    let activity = |title: &str| {
        json!({"title": title, "category": "community_activity", "status": "ongoing",
               "start_date": month.first_day().to_string(), "location": "北山社区",
               "lead_worker_id": worker["id"], "worker_ids": [], "client_ids": [],
               "unregistered_participants": 30, "description": "重阳节活动",
               "details": {"theme": "敬老", "format": "festival"}})
    };
    t.post("/api/activities", &w.station_a, activity("重阳敬老活动")).await.expect(201);

    let draft = t
        .put(&path, &w.station_a, json!({"text": "开展敬老活动。", "version": 0}))
        .await
        .expect(200);
    assert_eq!(draft["stats"]["activities"], 1);
    assert_eq!(draft["stats"]["person_times"], 30);
    let submitted =
        t.post(&format!("{path}/submit"), &w.station_a, json!({"version": 1})).await.expect(200);
    assert_eq!(submitted["stats"]["activities"], 1);

    t.post("/api/activities", &w.station_a, activity("补录活动")).await.expect(201);
    let after = t.get(&path, &w.station_a).await.expect(200);
    assert_eq!(after["stats"]["activities"], 1);
    assert_eq!(after["stats"]["person_times"], 30);
    let admin = t
        .get(&format!("/api/admin/summaries/{}/{month}", w.station_a_id), &w.county_a)
        .await
        .expect(200);
    assert_eq!(admin["stats"], after["stats"]);
    // A month still open shows the live figure.
    let other = t.get(&path, &w.station_a2).await.expect(200);
    assert_eq!(other["stats"]["activities"], 0);
}

#[tokio::test]
async fn notifications_are_private_and_can_be_marked_read() {
    let w = world().await;
    let t = &w.t;
    let month = last_month();
    let path = summary_path(&month);
    t.put(&path, &w.station_b, json!({"text": "西兴本月小结", "version": 0})).await.expect(200);
    t.post(&format!("{path}/submit"), &w.station_b, json!({"version": 1})).await.expect(200);

    let notification =
        wait_for_notification(t, &w.county_b, "summary_submitted", "西兴街道社工站").await;
    assert_eq!(notification["title"], format!("西兴街道社工站提交了{}的月度总结", label(&month)));
    let id = notification["id"].as_str().unwrap();
    // Someone else's notification does not exist for them.
    assert_eq!(
        t.post(&format!("/api/notifications/{id}/read"), &w.county_a, json!({})).await.status,
        404
    );
    let unread = t.get("/api/notifications?unread=true", &w.county_b).await.expect(200);
    assert_eq!(unread["items"].as_array().unwrap().len(), 1);

    let read = t.post(&format!("/api/notifications/{id}/read"), &w.county_b, json!({})).await;
    assert_eq!(read.status, 204);
    assert_eq!(
        t.post(&format!("/api/notifications/{id}/read"), &w.county_b, json!({})).await.status,
        204
    );
    let unread = t.get("/api/notifications?unread=true", &w.county_b).await.expect(200);
    assert!(unread["items"].as_array().unwrap().is_empty());
    let all = t.get("/api/notifications", &w.county_b).await.expect(200);
    assert_eq!(all["items"][0]["read"], true);
    assert_eq!(t.get("/api/notifications?unread=maybe", &w.county_b).await.status, 400);
    // Stations and agencies have notifications too (none yet).
    let none = t.get("/api/notifications", &w.agency).await.expect(200);
    assert!(none["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_stream_record_delivered_twice_makes_one_notification() {
    use aws_lambda_events::event::dynamodb::{Event, EventRecord};

    let w = world().await;
    let t = &w.t;
    let month = last_month();
    let path = summary_path(&month);
    t.put(&path, &w.station_b, json!({"text": "小结", "version": 0})).await.expect(200);
    t.post(&format!("{path}/submit"), &w.station_b, json!({"version": 1})).await.expect(200);
    // The poller delivers it once.
    wait_for_notification(t, &w.county_b, "summary_submitted", &label(&month)).await;

    // The same change delivered again, twice, in one batch and in another.
    let (pk, sk) = swz_shared::store::keys::summary(&w.station_b_id, &month);
    let item = t
        .app
        .store
        .client
        .get_item()
        .table_name(&t.app.store.table)
        .key("pk", aws_sdk_dynamodb::types::AttributeValue::S(pk))
        .key("sk", aws_sdk_dynamodb::types::AttributeValue::S(sk))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let mut record = EventRecord::default();
    record.event_name = "MODIFY".into();
    record.change.sequence_number = Some("100".into());
    record.change.new_image = item.into();
    let mut event = Event::default();
    event.records = vec![record.clone(), record.clone()];
    let response = swz_notifier::handle(&t.app, event.clone()).await.unwrap();
    assert!(response.batch_item_failures.is_empty());
    swz_notifier::handle(&t.app, event).await.unwrap();
    assert_eq!(count_notifications(t, &w.county_b, "summary_submitted").await, 1);

    // A record that cannot be read is reported by its sequence number, alone.
    let mut broken = EventRecord::default();
    broken.change.sequence_number = Some("101".into());
    broken.change.new_image = std::collections::HashMap::from([(
        "kind".to_string(),
        aws_sdk_dynamodb::types::AttributeValue::S("summary".into()),
    )])
    .into();
    let mut event = Event::default();
    event.records = vec![broken, record];
    let response = swz_notifier::handle(&t.app, event).await.unwrap();
    let failed: Vec<_> =
        response.batch_item_failures.iter().filter_map(|f| f.item_identifier.clone()).collect();
    assert_eq!(failed, ["101"]);
}
