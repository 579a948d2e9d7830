//! 社工登记库: registration, the social worker's own profile, and station search.

use serde_json::{Value, json};

use crate::support::*;

/// A complete registration body.
pub fn registration(username: &str, name: &str, id_number: &str) -> Value {
    json!({
        "username": username, "password": PASSWORD, "name": name,
        "gender": null, "id_number": id_number, "phone": "13812345678",
        "education": "bachelor", "major": "社会工作", "qualification_level": "intermediate",
        "certificate_number": "ZS2021330100123",
    })
}

/// Registers a social worker and answers the profile.
pub async fn register(t: &TestApp, username: &str, name: &str, id_number: &str) -> Value {
    let body = registration(username, name, id_number);
    t.request(reqwest::Method::POST, "/api/registry/register", None, Some(&body)).await.expect(201)
}

async fn try_register(t: &TestApp, body: &Value) -> Answer {
    t.request(reqwest::Method::POST, "/api/registry/register", None, Some(body)).await
}

#[tokio::test]
async fn a_social_worker_registers_and_keeps_their_own_profile() {
    let t = spawn_app().await;
    let mut body = registration("sw_wang", "王芳", &id_number("330106", "19900315", 22));
    // What a Chinese input method produces: full-width digits, a lower-case x.
    body["id_number"] = json!("１１０１０５１９４９１２３１００２ｘ");
    body["phone"] = json!("１３８ ００１３ ８０００");
    body["gender"] = json!("female");
    let profile = try_register(&t, &body).await.expect(201);
    assert_eq!(profile["id_number"], "11010519491231002X");
    assert_eq!(profile["phone"], "13800138000");
    assert_eq!(profile["birth_date"], "1949-12-31");
    assert_eq!(profile["gender"], "female");
    assert_eq!(profile["qualification_level"], "intermediate");
    assert_eq!(profile["version"], 1);
    let registry_id = profile["registry_id"].as_str().unwrap().to_string();

    let token = t.login("sw_wang", PASSWORD).await;
    let me = t.get("/api/auth/me", &token).await.expect(200);
    assert_eq!(me["account"]["role"], "social_worker");
    let mine = t.get("/api/registry/me", &token).await.expect(200);
    assert_eq!(mine["registry_id"], registry_id.as_str());
    assert_eq!(mine["id_number"], "11010519491231002X");

    let edit = json!({"version": 1, "phone": "13900001111", "qualification_level": "senior",
                      "certificate_number": "gs2024001"});
    let edited = t.put("/api/registry/me", &token, edit).await.expect(200);
    assert_eq!(edited["phone"], "13900001111");
    assert_eq!(edited["qualification_level"], "senior");
    assert_eq!(edited["certificate_number"], "GS2024001");
    assert_eq!(edited["name"], "王芳");
    assert_eq!(edited["version"], 2);

    let stale = t.put("/api/registry/me", &token, json!({"version": 1, "major": "心理学"})).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.code(), "conflict");
    let no_version = t.put("/api/registry/me", &token, json!({"major": "心理学"})).await;
    assert_eq!(no_version.status, 422);
    assert!(no_version.field("version").is_some());
    let other_id = json!({"version": 2, "id_number": id_number("330106", "19900315", 22)});
    let refused = t.put("/api/registry/me", &token, other_id).await;
    assert_eq!(refused.status, 422);
    assert!(refused.field("id_number").is_some());

    // Only social workers have a profile.
    let root = t.root().await;
    assert_eq!(t.get("/api/registry/me", &root).await.status, 403);
}

#[tokio::test]
async fn registration_names_every_bad_field() {
    let t = spawn_app().await;
    let body = json!({
        "username": "a", "password": "short", "name": "  ", "id_number": "12345",
        "phone": "2345", "education": "kindergarten", "major": "社会工作",
        "qualification_level": "master", "certificate_number": "",
    });
    let answer = try_register(&t, &body).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.code(), "validation_failed");
    for field in
        ["username", "password", "name", "id_number", "phone", "education", "qualification_level"]
    {
        assert!(answer.field(field).is_some(), "{field} not named: {}", answer.body);
    }

    let id = id_number("330106", "19900315", 21);
    let mut wrong_gender = registration("sw_a", "赵强", &id);
    wrong_gender["gender"] = json!("female");
    let answer = try_register(&t, &wrong_gender).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("gender").is_some());

    let mut legacy = registration("sw_b", "赵强", "330106900315211");
    legacy["gender"] = json!(null);
    let answer = try_register(&t, &legacy).await;
    assert_eq!(answer.field("id_number"), Some("不支持15位旧身份证号码，请使用18位身份证号码"));

    let mut no_certificate = registration("sw_c", "赵强", &id);
    no_certificate["certificate_number"] = json!("");
    let answer = try_register(&t, &no_certificate).await;
    assert!(answer.field("certificate_number").is_some());

    let answer = t.post_raw("/api/registry/register", None, "{\"username\": ").await;
    assert_eq!(answer.status, 400);
}

#[tokio::test]
async fn one_profile_per_id_number_and_one_account_per_username() {
    let t = spawn_app().await;
    let id = id_number("330106", "19881201", 31);
    register(&t, "sw_zhao", "赵强", &id).await;
    // The same person again, typed with a lower-case x would not differ: the same number.
    let again = try_register(&t, &registration("sw_zhao2", "赵强", &id)).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), "conflict");
    let other = id_number("330106", "19881201", 33);
    let taken = try_register(&t, &registration("SW_Zhao", "赵强", &other)).await;
    assert_eq!(taken.status, 409);
    // The failed attempts left nothing behind: the free username and number still work.
    register(&t, "sw_zhao3", "赵强", &other).await;
}

#[tokio::test]
async fn stations_search_the_registry_and_see_masked_summaries() {
    let w = world().await;
    let t = &w.t;
    let lihua = id_number("330106", "19920101", 42);
    register(t, "sw_lihua", "李华", &lihua).await;
    register(t, "sw_lihuaming", "李华明", &id_number("330106", "19850505", 11)).await;
    register(t, "sw_lixiao", "李晓", &id_number("330106", "19870606", 13)).await;
    register(t, "sw_wangfang", "王芳", &id_number("330108", "19900909", 24)).await;

    let found = t.get("/api/registry/social-workers?name=李华", &w.station_a).await.expect(200);
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    for item in items {
        let masked = item["id_number"].as_str().unwrap();
        assert!(masked.contains("********"), "{masked}");
        assert!(item.get("phone").is_none());
        assert!(item["registry_id"].is_string());
        assert_eq!(item["qualification_level"], "intermediate");
        assert_eq!(item["certificate_number"], "ZS2021330100123");
    }
    assert_eq!(found["next_cursor"], Value::Null);

    let by_id = format!("/api/registry/social-workers?id_number={}", lihua.to_lowercase());
    let found = t.get(&by_id, &w.station_b).await.expect(200);
    let items = found["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["name"], "李华");
    assert_eq!(items[0]["id_number"], format!("330106********{}", &lihua[14..]));
    assert!(!found.to_string().contains(&lihua));

    // The agency searches on its current station too.
    t.get("/api/registry/social-workers?name=王", &w.agency).await.expect(200);

    // Paging a name search: one at a time, three of them.
    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/api/registry/social-workers?name=李&limit=1".to_string();
        if let Some(c) = &cursor {
            path.push_str(&format!("&cursor={c}"));
        }
        let page = t.get(&path, &w.station_a).await.expect(200);
        names.extend(page["items"].as_array().unwrap().iter().map(|i| i["name"].clone()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert_eq!(names, ["李华", "李华明", "李晓"]);

    let first =
        t.get("/api/registry/social-workers?name=李&limit=1", &w.station_a).await.expect(200);
    let cursor = first["next_cursor"].as_str().unwrap();
    let stolen = format!("/api/registry/social-workers?name=李&limit=1&cursor={cursor}");
    assert_eq!(t.get(&stolen, &w.station_b).await.status, 400);

    for bad in ["", "?id_number=12345", "?limit=0&name=李"] {
        let answer = t.get(&format!("/api/registry/social-workers{bad}"), &w.station_a).await;
        assert_eq!(answer.status, 400, "{bad}");
    }
    let sw = t.login("sw_lihua", PASSWORD).await;
    assert_eq!(t.get("/api/registry/social-workers?name=李", &sw).await.status, 403);
    assert_eq!(t.get("/api/registry/social-workers?name=李", &w.county_a).await.status, 403);
}
