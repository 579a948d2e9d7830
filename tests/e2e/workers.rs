//! 社工人员管理: adding workers both ways, editing, departing, search, paging and the walls
//! between stations.

use serde_json::{Value, json};

use crate::registry::register;
use crate::support::*;

/// A manual worker body.
pub fn manual(name: &str, id_number: &str) -> Value {
    json!({
        "source": "manual", "name": name, "id_number": id_number, "phone": "13700001234",
        "education": "college", "major": "护理", "position": "assistant", "hired_on": "2024-03-01",
    })
}

/// Adds a manual worker and answers it.
pub async fn add_manual(t: &TestApp, token: &str, name: &str, id_number: &str) -> Value {
    t.post("/api/workers", token, manual(name, id_number)).await.expect(201)
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_string()
}

fn names(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().into()).collect()
}

#[tokio::test]
async fn workers_are_added_from_the_registry_and_by_hand() {
    let w = world().await;
    let t = &w.t;
    let lihua_id = id_number("330106", "19920101", 42);
    let profile = register(t, "sw_lihua", "李华", &lihua_id).await;

    // 从系统中选择: search the registry, pick the person.
    let hits = t.get("/api/registry/social-workers?name=李华", &w.station_a).await.expect(200);
    let registry_id = hits["items"][0]["registry_id"].as_str().unwrap().to_string();
    assert_eq!(registry_id, profile["registry_id"].as_str().unwrap());
    let body = json!({"source": "registry", "registry_id": registry_id, "position": "head",
                      "hired_on": "2023-05-01"});
    let worker = t.post("/api/workers", &w.station_a, body).await.expect(201);
    assert_eq!(worker["source"], "registry");
    assert_eq!(worker["registry_id"], registry_id.as_str());
    assert_eq!(worker["name"], "李华");
    assert_eq!(worker["gender"], "female");
    assert_eq!(worker["id_number"], lihua_id.as_str());
    assert_eq!(worker["birth_date"], "1992-01-01");
    assert_eq!(worker["phone"], "13812345678");
    assert_eq!(worker["education"], "bachelor");
    assert_eq!(worker["major"], "社会工作");
    assert_eq!(worker["qualification_level"], "intermediate");
    assert_eq!(worker["certificate_number"], "ZS2021330100123");
    assert_eq!(worker["position"], "head");
    assert_eq!(worker["status"], "current");

    // 手动输入: no qualification.
    let manual_id = id_number("330106", "19950707", 13);
    let hand = add_manual(t, &w.station_a, "张伟", &manual_id).await;
    assert_eq!(hand["source"], "manual");
    assert_eq!(hand["qualification_level"], "none");
    assert_eq!(hand["certificate_number"], "");
    assert_eq!(hand["gender"], "male");
    assert_eq!(hand["birth_date"], "1995-07-07");

    let list = t.get("/api/workers", &w.station_a).await.expect(200);
    assert_eq!(names(&list), ["李华", "张伟"]);
    let first = &list["items"][0];
    assert_eq!(first["id_number"], format!("330106********{}", &lihua_id[14..]));
    assert_eq!(first["phone"], "138****5678");
    assert!(first.get("birth_date").is_none());
    assert!(!list.to_string().contains(&manual_id));

    let one = t.get(&format!("/api/workers/{}", id_of(&hand)), &w.station_a).await.expect(200);
    assert_eq!(one["id_number"], manual_id.as_str());
    assert_eq!(one["phone"], "13700001234");

    let unknown = json!({"source": "registry", "registry_id": "nobody", "position": "head",
                         "hired_on": "2023-05-01"});
    let answer = t.post("/api/workers", &w.station_a, unknown).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("registry_id").is_some());
}

#[tokio::test]
async fn registry_fields_stay_read_only_and_resync_copies_them_again() {
    let w = world().await;
    let t = &w.t;
    let profile = register(t, "sw_lihua", "李华", &id_number("330106", "19920101", 42)).await;
    let body = json!({"source": "registry", "registry_id": profile["registry_id"],
                      "position": "resident", "hired_on": "2023-05-01"});
    let worker = t.post("/api/workers", &w.station_a, body).await.expect(201);
    let path = format!("/api/workers/{}", id_of(&worker));

    for (field, value) in [
        ("qualification_level", json!("senior")),
        ("certificate_number", json!("GS999")),
        ("name", json!("李小华")),
        ("id_number", json!(id_number("330106", "19920101", 44))),
        ("gender", json!("male")),
    ] {
        let mut edit = json!({"version": 1});
        edit[field] = value;
        let answer = t.put(&path, &w.station_a, edit).await;
        assert_eq!(answer.status, 422, "{field}: {}", answer.body);
        assert!(answer.field(field).is_some(), "{field}: {}", answer.body);
    }

    // The record sent back as read, with a new phone and position: fine.
    let mut edit = t.get(&path, &w.station_a).await.expect(200);
    edit["phone"] = json!("13988887777");
    edit["position"] = json!("head");
    let edited = t.put(&path, &w.station_a, edit).await.expect(200);
    assert_eq!(edited["phone"], "13988887777");
    assert_eq!(edited["position"], "head");
    assert_eq!(edited["qualification_level"], "intermediate");
    assert_eq!(edited["version"], 2);

    // The social worker earns a higher qualification; the station copies it again.
    let sw = t.login("sw_lihua", PASSWORD).await;
    let update = json!({"version": 1, "qualification_level": "senior",
                        "certificate_number": "GS2026001", "name": "李 华"});
    t.put("/api/registry/me", &sw, update).await.expect(200);
    let synced = t.post(&format!("{path}/resync"), &w.station_a, json!({})).await.expect(200);
    assert_eq!(synced["qualification_level"], "senior");
    assert_eq!(synced["certificate_number"], "GS2026001");
    // The space typed inside a Chinese name is not kept.
    assert_eq!(synced["name"], "李华");
    assert_eq!(synced["phone"], "13988887777");
    assert_eq!(synced["version"], 3);

    let hand = add_manual(t, &w.station_a, "张伟", &id_number("330106", "19950707", 13)).await;
    let answer =
        t.post(&format!("/api/workers/{}/resync", id_of(&hand)), &w.station_a, json!({})).await;
    assert_eq!(answer.status, 409);

    // A manual worker is never given a qualification by hand.
    let edit = json!({"version": 1, "qualification_level": "assistant"});
    let answer = t.put(&format!("/api/workers/{}", id_of(&hand)), &w.station_a, edit).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("qualification_level").is_some());
}

#[tokio::test]
async fn workers_are_found_by_part_of_a_name_or_the_exact_id_number() {
    let w = world().await;
    let t = &w.t;
    let x_id = id_number("110105", "19491231", 2);
    assert!(x_id.ends_with('X'));
    add_manual(t, &w.station_a, "欧阳娜娜", &x_id).await;
    add_manual(t, &w.station_a, "娜仁·其其格", &id_number("150102", "19800808", 24)).await;
    add_manual(t, &w.station_a, "王强", &id_number("330106", "19750505", 17)).await;

    let found = t.get("/api/workers?q=娜", &w.station_a).await.expect(200);
    assert_eq!(names(&found), ["欧阳娜娜", "娜仁·其其格"]);
    let found = t.get("/api/workers?q=娜仁•其", &w.station_a).await.expect(200);
    assert_eq!(names(&found), ["娜仁·其其格"]);

    // The exact number, however it was typed.
    let lower = x_id.to_lowercase();
    let full_width: String = x_id
        .chars()
        .map(|c| match c {
            '0'..='9' => char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap(),
            _ => 'ｘ',
        })
        .collect();
    for q in [x_id.as_str(), lower.as_str(), full_width.as_str()] {
        let found = t.get(&format!("/api/workers?q={q}"), &w.station_a).await.expect(200);
        assert_eq!(names(&found), ["欧阳娜娜"], "{q}");
    }
    // A part of an ID number is not a search by number.
    let part = &x_id[..10];
    let found = t.get(&format!("/api/workers?q={part}"), &w.station_a).await.expect(200);
    assert!(names(&found).is_empty());
}

#[tokio::test]
async fn a_departed_worker_is_kept_and_listed_only_on_request() {
    let w = world().await;
    let t = &w.t;
    let stays = add_manual(t, &w.station_a, "王强", &id_number("330106", "19750505", 17)).await;
    let leaves = add_manual(t, &w.station_a, "刘洋", &id_number("330106", "19880808", 19)).await;
    let path = format!("/api/workers/{}", id_of(&leaves));

    let before_hire = t.delete(&format!("{path}?left_on=2024-02-01"), &w.station_a).await;
    assert_eq!(before_hire.status, 422);
    assert!(before_hire.field("left_on").is_some());
    assert_eq!(t.delete(&format!("{path}?left_on=2025-13-01"), &w.station_a).await.status, 400);
    assert_eq!(t.delete(&format!("{path}?version=7"), &w.station_a).await.status, 409);

    t.delete(&format!("{path}?left_on=2025-06-30"), &w.station_a).await.expect(204);
    let departed = t.get(&path, &w.station_a).await.expect(200);
    assert_eq!(departed["left_on"], "2025-06-30");
    assert_eq!(departed["status"], "departed");
    assert_eq!(departed["version"], 2);
    assert_eq!(t.delete(&path, &w.station_a).await.status, 409);

    let current = t.get("/api/workers", &w.station_a).await.expect(200);
    assert_eq!(names(&current), ["王强"]);
    let all = t.get("/api/workers?include_departed=true", &w.station_a).await.expect(200);
    assert_eq!(names(&all), ["王强", "刘洋"]);
    assert_eq!(all["items"][1]["left_on"], "2025-06-30");
    let answer = t.get("/api/workers?include_departed=maybe", &w.station_a).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.code(), "bad_request");

    // The leave date can be corrected, not removed.
    let fixed = t.put(&path, &w.station_a, json!({"version": 2, "left_on": "2025-07-01"})).await;
    assert_eq!(fixed.expect(200)["left_on"], "2025-07-01");
    let answer = t.put(&path, &w.station_a, json!({"version": 3, "left_on": null})).await;
    assert_eq!(answer.status, 422);

    // Without a date the worker leaves today (China time).
    let stays_path = format!("/api/workers/{}", id_of(&stays));
    t.delete(&stays_path, &w.station_a).await.expect(204);
    let today =
        jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Asia/Shanghai").unwrap()).date();
    assert_eq!(t.get(&stays_path, &w.station_a).await.expect(200)["left_on"], today.to_string());
}

#[tokio::test]
async fn one_id_number_is_a_current_worker_at_one_station_only() {
    let w = world().await;
    let t = &w.t;
    let id = id_number("330106", "19900315", 21);
    let at_a = add_manual(t, &w.station_a, "赵强", &id).await;

    let here = t.post("/api/workers", &w.station_a, manual("赵强", &id.to_lowercase())).await;
    assert_eq!(here.status, 409);
    assert_eq!(here.code(), "conflict");
    let elsewhere = t.post("/api/workers", &w.station_b, manual("赵强", &id)).await;
    assert_eq!(elsewhere.status, 409);
    let message = elsewhere.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("其他社工站"), "{message}");
    assert!(!message.contains("北山") && !message.contains(&w.station_a_id), "{message}");

    // From the registry too: the same person, whichever way they are added.
    let profile = register(t, "sw_zhao", "赵强", &id).await;
    let body = json!({"source": "registry", "registry_id": profile["registry_id"],
                      "position": "resident", "hired_on": "2025-01-01"});
    assert_eq!(t.post("/api/workers", &w.station_b, body.clone()).await.status, 409);

    // Once they leave A, B may take them on.
    t.delete(&format!("/api/workers/{}?left_on=2024-12-31", id_of(&at_a)), &w.station_a)
        .await
        .expect(204);
    t.post("/api/workers", &w.station_b, body).await.expect(201);
    // And now A cannot have them back while B does.
    assert_eq!(t.post("/api/workers", &w.station_a, manual("赵强", &id)).await.status, 409);

    // An edit that gives a worker someone else's current ID number is refused too.
    let other = add_manual(t, &w.station_a, "钱多", &id_number("330106", "19930303", 15)).await;
    let edit = json!({"version": 1, "id_number": id, "gender": null});
    let answer = t.put(&format!("/api/workers/{}", id_of(&other)), &w.station_a, edit).await;
    assert_eq!(answer.status, 409);
}

#[tokio::test]
async fn stations_never_see_each_others_workers() {
    let w = world().await;
    let t = &w.t;
    let a_id = id_number("330106", "19900315", 21);
    let worker = add_manual(t, &w.station_a, "赵强", &a_id).await;
    let path = format!("/api/workers/{}", id_of(&worker));

    assert_eq!(t.get(&path, &w.station_b).await.status, 404);
    let edit = json!({"version": 1, "major": "社工"});
    assert_eq!(t.put(&path, &w.station_b, edit).await.status, 404);
    assert_eq!(t.delete(&path, &w.station_b).await.status, 404);
    assert_eq!(t.post(&format!("{path}/resync"), &w.station_b, json!({})).await.status, 404);
    let answer = t.get(&path, &w.station_b).await;
    assert_eq!(answer.code(), "not_found");
    // Untouched by B's attempts.
    assert_eq!(t.get(&path, &w.station_a).await.expect(200)["version"], 1);

    for query in ["", "?q=赵", "?include_departed=true", &format!("?q={a_id}")] {
        let list = t.get(&format!("/api/workers{query}"), &w.station_b).await.expect(200);
        assert!(names(&list).is_empty(), "{query}");
    }

    // The agency works on one station at a time: A first (its login's current station).
    add_manual(t, &w.station_a2, "孙丽", &id_number("330106", "19960606", 26)).await;
    assert_eq!(names(&t.get("/api/workers", &w.agency).await.expect(200)), ["赵强"]);
    let switched = t
        .post("/api/auth/switch-station", &w.agency, json!({"station_id": w.station_a2_id}))
        .await
        .expect(200);
    let on_a2 = switched["token"].as_str().unwrap();
    assert_eq!(names(&t.get("/api/workers", on_a2).await.expect(200)), ["孙丽"]);
    assert_eq!(t.get(&path, on_a2).await.status, 404);

    // Administrators and social workers have no station workspace.
    assert_eq!(t.get("/api/workers", &w.county_a).await.status, 403);
}

#[tokio::test]
async fn edits_need_the_version_they_read() {
    let w = world().await;
    let t = &w.t;
    let worker = add_manual(t, &w.station_a, "赵强", &id_number("330106", "19900315", 21)).await;
    let path = format!("/api/workers/{}", id_of(&worker));
    t.put(&path, &w.station_a, json!({"version": 1, "major": "社会学"})).await.expect(200);
    let stale = t.put(&path, &w.station_a, json!({"version": 1, "major": "心理学"})).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.code(), "conflict");
    let missing = t.put(&path, &w.station_a, json!({"major": "心理学"})).await;
    assert_eq!(missing.status, 422);
    assert!(missing.field("version").is_some());
    let current = t.get(&path, &w.station_a).await.expect(200);
    assert_eq!(current["major"], "社会学");

    // A manual worker's ID number may be corrected; gender and birth date follow it.
    let corrected = id_number("330106", "19900316", 22);
    let edit = json!({"version": 2, "id_number": corrected});
    let edited = t.put(&path, &w.station_a, edit).await.expect(200);
    assert_eq!(edited["gender"], "female");
    assert_eq!(edited["birth_date"], "1990-03-16");
    // The old number is free again, the new one taken.
    add_manual(t, &w.station_b, "赵强", &id_number("330106", "19900315", 21)).await;
    assert_eq!(t.post("/api/workers", &w.station_b, manual("赵强", &corrected)).await.status, 409);
}

#[tokio::test]
async fn each_invalid_field_is_named() {
    let w = world().await;
    let t = &w.t;
    let body = json!({
        "source": "manual", "name": "", "id_number": "110105194912310021", "phone": "1380013800",
        "education": "kindergarten", "major": "社工", "position": "boss", "hired_on": "2024-02-30",
    });
    let answer = t.post("/api/workers", &w.station_a, body).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.code(), "validation_failed");
    for field in ["name", "id_number", "phone", "education", "position", "hired_on"] {
        assert!(answer.field(field).is_some(), "{field}: {}", answer.body);
    }

    let id = id_number("330106", "19900315", 21);
    let mut wrong = manual("赵强", &id);
    wrong["gender"] = json!("female");
    wrong["birth_date"] = json!("1990-03-16");
    let answer = t.post("/api/workers", &w.station_a, wrong).await;
    assert!(answer.field("gender").is_some() && answer.field("birth_date").is_some());

    let mut no_source = manual("赵强", &id);
    no_source["source"] = json!("elsewhere");
    assert!(t.post("/api/workers", &w.station_a, no_source).await.field("source").is_some());

    let mut certified = manual("赵强", &id);
    certified["qualification_level"] = json!("senior");
    let answer = t.post("/api/workers", &w.station_a, certified).await;
    assert!(answer.field("qualification_level").is_some());

    let answer = t.post("/api/workers", &w.station_a, json!({"source": "registry"})).await;
    for field in ["registry_id", "position", "hired_on"] {
        assert!(answer.field(field).is_some(), "{field}: {}", answer.body);
    }

    let mut long = manual(&"𠇔".repeat(51), &id);
    long["phone"] = json!(13800138000u64);
    let answer = t.post("/api/workers", &w.station_a, long).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("phone").is_some());
    assert_eq!(t.post_raw("/api/workers", Some(&w.station_a), "[1, 2]").await.status, 400);
}

#[tokio::test]
async fn full_width_input_is_stored_in_normal_form() {
    let w = world().await;
    let t = &w.t;
    let body = json!({
        "source": "manual", "name": " 买买提•艾力 ", "id_number": "１１０１０５１９４９１２３１００２ｘ",
        "phone": "＋８６ １３９ ００００ １１１１", "education": "本科", "major": "",
        "position": "驻站社工", "hired_on": "2024-03-01",
    });
    let worker = t.post("/api/workers", &w.station_a, body).await.expect(201);
    assert_eq!(worker["name"], "买买提·艾力");
    assert_eq!(worker["id_number"], "11010519491231002X");
    assert_eq!(worker["phone"], "13900001111");
    assert_eq!(worker["education"], "bachelor");
    assert_eq!(worker["position"], "resident");
    let list = t.get("/api/workers", &w.station_a).await.expect(200);
    assert_eq!(list["items"][0]["id_number"], "110105********002X");
    assert_eq!(list["items"][0]["phone"], "139****1111");
}

#[tokio::test]
async fn lists_page_without_gaps_or_repeats() {
    let w = world().await;
    let t = &w.t;
    let mut added = Vec::new();
    for seq in 1..=7u32 {
        let worker = add_manual(
            t,
            &w.station_a,
            &format!("社工{seq}号"),
            &id_number("330106", "19900101", seq),
        )
        .await;
        added.push(id_of(&worker));
    }
    // Two leave: the default list skips them, and its pages stay full.
    for gone in [&added[1], &added[4]] {
        t.delete(&format!("/api/workers/{gone}?left_on=2025-01-01"), &w.station_a)
            .await
            .expect(204);
    }
    add_manual(t, &w.station_b, "别站的人", &id_number("330108", "19900101", 99)).await;

    for (query, expected) in [("", 5), ("&include_departed=true", 7), ("&q=社工", 5)] {
        let (seen, sizes) = walk(t, &w.station_a, &format!("/api/workers?limit=2{query}")).await;
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(seen.len(), expected, "{query}");
        assert_eq!(unique.len(), expected, "{query}: repeats");
        assert!(sizes[..sizes.len() - 1].iter().all(|&n| n == 2), "{query}: {sizes:?}");
    }

    let first = t.get("/api/workers?limit=2", &w.station_a).await.expect(200);
    let cursor = first["next_cursor"].as_str().unwrap();
    let stolen = t.get(&format!("/api/workers?limit=2&cursor={cursor}"), &w.station_b).await;
    assert_eq!(stolen.status, 400);
    assert_eq!(stolen.code(), "bad_request");
    // Nor does it fit another query of the same station.
    let other = format!("/api/workers?limit=2&include_departed=true&cursor={cursor}");
    assert_eq!(t.get(&other, &w.station_a).await.status, 400);
    for bad in ["?limit=0", "?limit=101", "?limit=two", "?cursor=forged"] {
        assert_eq!(t.get(&format!("/api/workers{bad}"), &w.station_a).await.status, 400, "{bad}");
    }
}

/// Follows `next_cursor` to the end; answers the ids seen and each page's size.
pub async fn walk(t: &TestApp, token: &str, first: &str) -> (Vec<String>, Vec<usize>) {
    let mut seen = Vec::new();
    let mut sizes = Vec::new();
    let mut path = first.to_string();
    loop {
        let page = t.get(&path, token).await.expect(200);
        let items = page["items"].as_array().unwrap();
        sizes.push(items.len());
        seen.extend(items.iter().map(|i| i["id"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(cursor) => path = format!("{first}&cursor={cursor}"),
            None => break,
        }
        assert!(sizes.len() < 50, "paging does not end");
    }
    (seen, sizes)
}

#[tokio::test]
async fn an_id_that_does_not_decode_answers_400_json() {
    let w = world().await;
    for path in ["/api/workers/%FF", "/api/workers/%FF/resync"] {
        let method =
            if path.ends_with("resync") { reqwest::Method::POST } else { reqwest::Method::GET };
        let answer = w.t.request(method, path, Some(&w.station_a), None).await;
        assert_eq!((answer.status, answer.code()), (400, "bad_request"), "{path}");
    }
}

#[tokio::test]
async fn a_workers_corrected_id_number_brings_its_own_birth_date_and_gender() {
    let w = world().await;
    let t = &w.t;
    let hand = add_manual(t, &w.station_a, "张伟", &id_number("330106", "19900101", 22)).await;
    let path = format!("/api/workers/{}", id_of(&hand));
    let mut form = t.get(&path, &w.station_a).await.expect(200);
    assert_eq!(form["birth_date"], "1990-01-01");
    form["id_number"] = json!(id_number("330106", "19920315", 23));
    let saved = t.put(&path, &w.station_a, form).await.expect(200);
    assert_eq!(saved["birth_date"], "1992-03-15");
    assert_eq!(saved["gender"], "male");
    // Only the number, too.
    let only =
        json!({"version": saved["version"], "id_number": id_number("330106", "19930405", 24)});
    let saved = t.put(&path, &w.station_a, only).await.expect(200);
    assert_eq!(saved["birth_date"], "1993-04-05");
    assert_eq!(saved["gender"], "female");
}

#[tokio::test]
async fn a_worker_cannot_be_hired_after_today() {
    let w = world().await;
    let t = &w.t;
    let tomorrow = swz_shared::domain::china_today().tomorrow().unwrap().to_string();
    let mut body = manual("赵敏", &id_number("330106", "19910101", 31));
    body["hired_on"] = json!(tomorrow);
    let answer = t.post("/api/workers", &w.station_a, body).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.field("hired_on"), Some("入职日期不能晚于今天"));
}
