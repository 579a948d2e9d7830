//! Administration: admins, agencies and stations, always within the admin's region.

use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_county_admin_gets_404_for_a_station_of_another_county() {
    let w = world().await;
    let t = &w.t;
    assert_eq!(
        t.get(&format!("/api/admin/stations/{}", w.station_b_id), &w.county_a).await.status,
        404
    );
    let update = json!({"name": "改名", "address": "x", "contact_person": "王敏", "phone": "13905710002",
                        "operation_mode": "self_run", "version": 1});
    let answer =
        t.put(&format!("/api/admin/stations/{}", w.station_b_id), &w.county_a, update).await;
    assert_eq!(answer.status, 404);
    assert_eq!(answer.code(), "not_found");
    // The station's own county, the city and the province see it.
    for token in [&w.county_b, &w.city, &w.province] {
        t.get(&format!("/api/admin/stations/{}", w.station_b_id), token).await.expect(200);
    }
}

#[tokio::test]
async fn station_lists_hold_only_the_admins_region_and_page_correctly() {
    let w = world().await;
    let t = &w.t;
    let ids = |body: &serde_json::Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap().to_string())
            .collect()
    };
    let a = t.get("/api/admin/stations", &w.county_a).await.expect(200);
    let mut a_ids = ids(&a);
    a_ids.sort();
    let mut expected = vec![w.station_a_id.clone(), w.station_a2_id.clone()];
    expected.sort();
    assert_eq!(a_ids, expected);
    // Lists mask the contact phone.
    assert_eq!(a["items"][0]["phone"], "139****0002");

    let first = t.get("/api/admin/stations?limit=2", &w.province).await.expect(200);
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().expect("a second page").to_string();
    let second = t
        .get(&format!("/api/admin/stations?limit=2&cursor={cursor}"), &w.province)
        .await
        .expect(200);
    assert_eq!(second["items"].as_array().unwrap().len(), 1);
    assert!(second["next_cursor"].is_null());
    let mut all = ids(&first);
    all.extend(ids(&second));
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 3);

    // The cursor is the province admin's: another admin, or a tampered one, gets 400.
    let stolen = t.get(&format!("/api/admin/stations?limit=2&cursor={cursor}"), &w.city).await;
    assert_eq!(stolen.status, 400);
    let forged =
        t.get("/api/admin/stations?limit=2&cursor=eyJwayI6IlNUQVRJT04ifQ", &w.province).await;
    assert_eq!(forged.status, 400);
    assert_eq!(t.get("/api/admin/stations?limit=0", &w.province).await.status, 400);
    assert_eq!(t.get("/api/admin/stations?limit=abc", &w.province).await.status, 400);
}

#[tokio::test]
async fn a_wrong_check_character_gets_422_naming_the_field() {
    let t = spawn_app().await;
    let root = t.root().await;
    let answer = t
        .post(
            "/api/admin/agencies",
            &root,
            json!({"name": "某机构", "credit_code": "52330106MJ8800123A", "contact_person": "陈静",
                   "phone": "13905710001", "username": "agency1", "password": PASSWORD}),
        )
        .await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.code(), "validation_failed");
    assert!(answer.field("credit_code").unwrap().contains("校验位"));
}

#[tokio::test]
async fn every_bad_field_of_a_station_is_named() {
    let t = spawn_app().await;
    let root = t.root().await;
    let answer = t
        .post(
            "/api/admin/stations",
            &root,
            json!({"name": "", "region_code": "440106001", "address": "x", "contact_person": "王敏",
                   "phone": "12345", "operation_mode": "rented", "username": "s", "password": "short"}),
        )
        .await;
    assert_eq!(answer.status, 422);
    for field in ["name", "region_code", "phone", "operation_mode", "username", "password"] {
        assert!(answer.field(field).is_some(), "{field}: {}", answer.body);
    }
    // A county code is not a township.
    let answer = t
        .post(
            "/api/admin/stations",
            &root,
            json!({"name": "站", "region_code": "330106", "address": "x", "contact_person": "王敏",
                   "phone": "13905710002", "operation_mode": "self_run", "username": "st1", "password": PASSWORD}),
        )
        .await;
    assert!(answer.field("region_code").is_some());
}

/// A station's number is often the office landline; a field of the wrong JSON type is
/// named; where a station is and its login stay as created, and an update that tries to
/// change them is told so instead of answered 200 with nothing changed.
#[tokio::test]
async fn station_edits_take_landlines_name_bad_fields_and_refuse_a_move() {
    let w = world().await;
    let (t, admin) = (&w.t, &w.county_a);
    let path = format!("/api/admin/stations/{}", w.station_a_id);
    let station = t.get(&path, admin).await.expect(200);
    let version = &station["version"];

    let edit = json!({"phone": "(0571) 8765 4321", "version": version});
    let edited = t.put(&path, admin, edit).await.expect(200);
    assert_eq!(edited["phone"], "0571-87654321");
    let listed = t.get("/api/admin/stations", admin).await.expect(200);
    let row =
        listed["items"].as_array().unwrap().iter().find(|s| s["id"] == w.station_a_id.as_str());
    assert_eq!(row.unwrap()["phone"], "0571-****4321");

    let wrong_type = t.put(&path, admin, json!({"name": null, "version": edited["version"]})).await;
    assert_eq!(wrong_type.status, 422);
    assert!(wrong_type.field("name").is_some(), "{}", wrong_type.body);

    // Echoing the record back is fine; changing its township or its login is not.
    let mut echo = edited.clone();
    echo["name"] = json!("改名后的社工站");
    let echoed = t.put(&path, admin, echo).await.expect(200);
    let moved = json!({"region_code": "330106099", "username": "other_login", "version": echoed["version"]});
    let refused = t.put(&path, admin, moved).await;
    assert_eq!(refused.status, 422);
    assert!(refused.field("region_code").is_some() && refused.field("username").is_some());
    let after = t.get(&path, admin).await.expect(200);
    assert_eq!(after["version"], echoed["version"]);
    assert_eq!(after["region_code"], station["region_code"]);
}

#[tokio::test]
async fn admins_are_created_only_within_the_callers_region() {
    let w = world().await;
    let t = &w.t;
    let outside = json!({"username": "other", "password": PASSWORD, "display_name": "某区", "region_code": "330108"});
    let answer = t.post("/api/admin/admins", &w.county_a, outside).await;
    assert_eq!(answer.status, 422);
    assert!(answer.field("region_code").is_some());
    let inside = json!({"username": "sub", "password": PASSWORD, "display_name": "西湖区民政局", "region_code": "330106"});
    t.post("/api/admin/admins", &w.city, inside.clone()).await.expect(201);
    // Usernames are unique.
    let again = t.post("/api/admin/admins", &w.city, inside).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), "conflict");
    // Stations and agencies are not admins.
    let answer = t.post("/api/admin/admins", &w.station_a, json!({})).await;
    assert_eq!(answer.status, 403);
    assert_eq!(t.get("/api/admin/stations", &w.agency).await.status, 403);
}

#[tokio::test]
async fn agencies_are_seen_within_region_and_their_codes_are_unique() {
    let w = world().await;
    let t = &w.t;
    let a = t.get("/api/admin/agencies", &w.county_a).await.expect(200);
    assert_eq!(a["items"].as_array().unwrap().len(), 1);
    let b = t.get("/api/admin/agencies", &w.county_b).await.expect(200);
    assert!(b["items"].as_array().unwrap().is_empty());
    assert_eq!(
        t.get(&format!("/api/admin/agencies/{}", w.agency_id), &w.county_b).await.status,
        404
    );
    t.get(&format!("/api/admin/agencies/{}", w.agency_id), &w.city).await.expect(200);

    let duplicate = json!({"name": "另一机构", "credit_code": CREDIT_CODE, "contact_person": "陈静",
                           "phone": "13905710001", "username": "agency2", "password": PASSWORD});
    let answer = t.post("/api/admin/agencies", &w.county_a, duplicate).await;
    assert_eq!(answer.status, 409);
}

/// A valid unified social credit code ending `base`'s 17 characters (GB 32100).
fn credit_code(base: &str) -> String {
    "0123456789ABCDEFGHJKLMNPQRTUWXY"
        .chars()
        .map(|check| format!("{base}{check}"))
        .find(|code| swz_shared::domain::CreditCode::parse(code).is_ok())
        .expect("one check character fits")
}

#[tokio::test]
async fn agency_lists_page_by_name_and_bind_their_cursor() {
    let w = world().await;
    let t = &w.t;
    for (i, name) in
        ["西湖区乐龄社工事务所", "东方社会工作服务社", "北斗星社工中心", "春晖社会工作服务中心"]
            .into_iter()
            .enumerate()
    {
        let body = json!({"name": name, "credit_code": credit_code(&format!("52330106MJ880020{i}")),
            "contact_person": "陈静", "phone": "13905710001",
            "username": format!("agency_page_{i}"), "password": PASSWORD});
        t.post("/api/admin/agencies", &w.county_a, body).await.expect(201);
    }
    let names = |body: &serde_json::Value| -> Vec<String> {
        body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["name"].as_str().unwrap().into())
            .collect()
    };
    let mut seen = Vec::new();
    let mut path = "/api/admin/agencies?limit=2".to_string();
    let mut pages = 0;
    loop {
        let page = t.get(&path, &w.county_a).await.expect(200);
        assert!(names(&page).len() <= 2, "{page}");
        seen.extend(names(&page));
        pages += 1;
        match page["next_cursor"].as_str() {
            Some(cursor) => {
                // Another admin cannot continue it.
                let stolen = t
                    .get(&format!("/api/admin/agencies?limit=2&cursor={cursor}"), &w.county_b)
                    .await;
                assert_eq!(stolen.status, 400);
                path = format!("/api/admin/agencies?limit=2&cursor={cursor}");
            }
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(seen, sorted, "five agencies, each once, in name order");
    assert_eq!(seen.len(), 5);
    assert_eq!(names(&t.get("/api/admin/agencies", &w.county_a).await.expect(200)), seen);
    assert_eq!(t.get("/api/admin/agencies?limit=101", &w.county_a).await.status, 400);
    assert_eq!(t.get("/api/admin/agencies?limit=0", &w.county_a).await.status, 400);
}

#[tokio::test]
async fn moving_a_station_to_no_agency_ends_the_agencys_access_to_it() {
    let w = world().await;
    let t = &w.t;
    let path = format!("/api/admin/stations/{}", w.station_a2_id);
    let station = t.get(&path, &w.county_a).await.expect(200);
    assert_eq!(station["agency_id"], w.agency_id.as_str());
    // A rename sends the name: everything left out, the agency too, keeps its value.
    let rename = json!({"name": "北山街道社工站（新址）", "version": station["version"]});
    let renamed = t.put(&path, &w.county_a, rename).await.expect(200);
    assert_eq!(renamed["name"], "北山街道社工站（新址）");
    assert_eq!(renamed["agency_id"], w.agency_id.as_str());
    for kept in ["address", "contact_person", "phone", "operation_mode", "region_code"] {
        assert_eq!(renamed[kept], station[kept], "{kept}");
    }
    // A field sent empty is still refused, by name.
    let blank =
        t.put(&path, &w.county_a, json!({"name": " ", "version": renamed["version"]})).await;
    assert!(blank.field("name").is_some(), "{}", blank.body);
    t.get("/api/auth/me", &w.agency).await.expect(200);

    let update = json!({"name": renamed["name"], "address": station["address"],
        "contact_person": station["contact_person"], "phone": station["phone"],
        "operation_mode": "self_run", "agency_id": null, "version": renamed["version"]});
    let updated = t.put(&path, &w.county_a, update.clone()).await.expect(200);
    assert!(updated["agency_id"].is_null());
    assert_eq!(updated["version"], 3);
    // The stale version is refused.
    assert_eq!(t.put(&path, &w.county_a, update).await.status, 409);
    // The agency's old token stops; a new login lists only station A.
    assert_eq!(t.get("/api/auth/me", &w.agency).await.status, 401);
    let session = t.try_login("agency", PASSWORD).await.expect(200);
    assert_eq!(session["stations"].as_array().unwrap().len(), 1);
}
