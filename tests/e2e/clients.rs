//! 服务对象管理: adding, viewing, editing, filtering and deleting clients, their activity
//! records, the station's client count, and the walls between stations.

use serde_json::{Value, json};
use swz_shared::people::{ActivitySummary, ClientActivityLink};

use crate::support::*;
use crate::workers::{add_manual, walk};

/// A complete client body.
pub fn client(name: &str, id_number: &str) -> Value {
    json!({
        "name": name, "gender": null, "id_number": id_number, "phone": "13612345678",
        "village": "桂花社区", "address": "北山街道桂花路8号2幢301室",
        "population_types": ["elderly", "low_income"], "note": "独居，低保户",
        "emergency_contact": {"name": "王建国", "phone": "13598765432"},
        "responsible_worker_id": null,
    })
}

pub async fn add_client(t: &TestApp, token: &str, body: Value) -> Value {
    t.post("/api/clients", token, body).await.expect(201)
}

fn id_of(value: &Value) -> String {
    value["id"].as_str().expect("an id").to_string()
}

fn names(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|i| i["name"].as_str().unwrap().into()).collect()
}

#[tokio::test]
async fn a_client_is_added_viewed_edited_and_deleted() {
    let w = world().await;
    let t = &w.t;
    let worker = add_manual(t, &w.station_a, "张伟", &id_number("330106", "19950707", 13)).await;
    let id = id_number("330106", "19450203", 12);
    let mut body = client("王秀英", &id);
    body["responsible_worker_id"] = worker["id"].clone();
    let created = add_client(t, &w.station_a, body).await;
    assert_eq!(created["name"], "王秀英");
    assert_eq!(created["gender"], "female");
    assert_eq!(created["birth_date"], "1945-02-03");
    assert_eq!(created["id_number"], id.as_str());
    assert_eq!(created["phone"], "13612345678");
    assert_eq!(created["address"], "北山街道桂花路8号2幢301室");
    assert_eq!(created["population_types"], json!(["elderly", "low_income"]));
    assert_eq!(created["emergency_contact"], json!({"name": "王建国", "phone": "13598765432"}));
    assert_eq!(created["responsible_worker_id"], worker["id"]);
    assert_eq!(created["version"], 1);
    let path = format!("/api/clients/{}", id_of(&created));

    let list = t.get("/api/clients", &w.station_a).await.expect(200);
    let item = &list["items"][0];
    assert_eq!(item["id_number"], format!("330106********{}", &id[14..]));
    assert_eq!(item["phone"], "136****5678");
    for hidden in ["address", "birth_date", "emergency_contact", "note"] {
        assert!(item.get(hidden).is_none(), "{hidden} in a list");
    }
    assert!(!list.to_string().contains("13598765432"));

    let one = t.get(&path, &w.station_a).await.expect(200);
    assert_eq!(one["id_number"], id.as_str());

    let edit = json!({"version": 1, "phone": null, "population_types": ["elderly", "disabled"],
                      "village": "３３０１０６００１００２"});
    let edited = t.put(&path, &w.station_a, edit).await.expect(200);
    assert_eq!(edited["phone"], Value::Null);
    assert_eq!(edited["population_types"], json!(["elderly", "disabled"]));
    assert_eq!(edited["village"], "330106001002");
    assert_eq!(edited["note"], "独居，低保户");
    assert_eq!(edited["version"], 2);
    let stale = t.put(&path, &w.station_a, json!({"version": 1, "note": "x"})).await;
    assert_eq!(stale.status, 409);
    assert_eq!(stale.code(), "conflict");

    assert_eq!(
        t.get(&format!("{path}/records"), &w.station_a).await.expect(200)["items"],
        json!([])
    );
    assert_eq!(t.get_totals(&w.station_a_id).await, 1);
    assert_eq!(t.delete(&format!("{path}?version=1"), &w.station_a).await.status, 409);
    t.delete(&path, &w.station_a).await.expect(204);
    assert_eq!(t.get(&path, &w.station_a).await.status, 404);
    assert_eq!(t.delete(&path, &w.station_a).await.status, 404);
    assert!(names(&t.get("/api/clients", &w.station_a).await.expect(200)).is_empty());
    assert_eq!(t.get_totals(&w.station_a_id).await, 0);
    // Deleted for real, guard and all: the same person can be added again.
    add_client(t, &w.station_a, client("王秀英", &id)).await;
    assert_eq!(t.get_totals(&w.station_a_id).await, 1);
}

#[tokio::test]
async fn a_client_linked_to_activities_is_hidden_not_deleted() {
    let w = world().await;
    let t = &w.t;
    let id = id_number("330106", "19400101", 24);
    let created = add_client(t, &w.station_a, client("李桂兰", &id)).await;
    let client_id = id_of(&created);
    // What the activities module writes when it puts the client on an activity.
    let activity = ActivitySummary {
        id: "act-1".into(),
        title: "重阳节敬老活动".into(),
        category: "community_activity".into(),
        status: "finished".into(),
        start_date: "2025-10-29".into(),
        end_date: Some("2025-10-29".into()),
    };
    let store = &t.app.store;
    let scope = swz_local_scope(&w).await;
    let before_link =
        store.clients_by_ids(&scope, std::slice::from_ref(&client_id)).await.unwrap().remove(0);
    let link = ClientActivityLink::new(&w.station_a_id, &client_id, activity);
    let writes = vec![
        store.put(&link).unwrap(),
        store.touch_client_for_link(&w.station_a_id, &client_id, true).unwrap(),
    ];
    store.transact(writes).await.unwrap();

    let path = format!("/api/clients/{client_id}");
    let records = t.get(&format!("{path}/records"), &w.station_a).await.expect(200);
    assert_eq!(
        records["items"],
        json!([{"id": "act-1", "title": "重阳节敬老活动", "category": "community_activity",
                "status": "finished", "start_date": "2025-10-29", "end_date": "2025-10-29"}])
    );
    assert_eq!(records["next_cursor"], Value::Null);
    // Being put on an activity is not an edit: the version stays, and an edit opened
    // before it still saves.
    assert_eq!(t.get(&path, &w.station_a).await.expect(200)["version"], 1);
    // But a delete that looked before the link (same version) cannot miss it.
    let stale_delete = store.delete_unlinked_client(&before_link).unwrap();
    assert!(store.transact(vec![stale_delete]).await.is_err());
    let edit = json!({"version": 1, "note": "家属陪同"});
    assert_eq!(t.put(&path, &w.station_a, edit).await.expect(200)["version"], 2);

    t.delete(&path, &w.station_a).await.expect(204);
    assert_eq!(t.get(&path, &w.station_a).await.status, 404);
    assert_eq!(t.get(&format!("{path}/records"), &w.station_a).await.status, 404);
    assert!(names(&t.get("/api/clients", &w.station_a).await.expect(200)).is_empty());
    assert_eq!(t.get_totals(&w.station_a_id).await, 0);
    // The record is still there for the activities that name it, and cannot be linked anew.
    let kept = store.clients_by_ids(&scope, std::slice::from_ref(&client_id)).await.unwrap();
    assert_eq!(kept.len(), 1);
    assert!(kept[0].hidden);
    let relink = store.touch_client_for_link(&w.station_a_id, &client_id, true).unwrap();
    assert!(store.transact(vec![relink]).await.is_err());

    // Added again by ID number, the person comes back as the same record, with the
    // fields sent, the records they had and a place in the count.
    let mut again = client("李桂兰", &id);
    again["village"] = json!("文新社区");
    let restored = t.post("/api/clients", &w.station_a, again).await.expect(201);
    assert_eq!(restored["id"], client_id.as_str());
    assert_eq!(restored["village"], "文新社区");
    let records = t.get(&format!("{path}/records"), &w.station_a).await.expect(200);
    assert_eq!(records["items"][0]["id"], "act-1");
    assert_eq!(t.get_totals(&w.station_a_id).await, 1);
    assert_eq!(names(&t.get("/api/clients", &w.station_a).await.expect(200)), ["李桂兰"]);
    // Once back, the number is taken again.
    let twice = t.post("/api/clients", &w.station_a, client("李桂兰", &id)).await;
    assert_eq!(twice.status, 409);
}

#[tokio::test]
async fn each_invalid_field_is_named() {
    let w = world().await;
    let t = &w.t;
    let body = json!({
        "name": "张\u{0007}三", "id_number": "33010619450203", "phone": "1361234567",
        "village": "", "address": "x".repeat(201), "population_types": [],
        "note": "ok", "emergency_contact": {"name": "王建国", "phone": "123"},
        "responsible_worker_id": "nobody",
    });
    let answer = t.post("/api/clients", &w.station_a, body).await;
    assert_eq!(answer.status, 422);
    assert_eq!(answer.code(), "validation_failed");
    for field in [
        "name",
        "id_number",
        "phone",
        "village",
        "address",
        "population_types",
        "emergency_contact.phone",
    ] {
        assert!(answer.field(field).is_some(), "{field}: {}", answer.body);
    }

    let id = id_number("330106", "19450203", 12);
    let mut body = client("王秀英", &id);
    body["gender"] = json!("male");
    body["birth_date"] = json!("1945-02-04");
    body["population_types"] = json!(["elderly", "aliens"]);
    let answer = t.post("/api/clients", &w.station_a, body).await;
    for field in ["gender", "birth_date", "population_types"] {
        assert!(answer.field(field).is_some(), "{field}: {}", answer.body);
    }

    // The responsible worker is a current worker of this station.
    let elsewhere =
        add_manual(t, &w.station_b, "外站社工", &id_number("330108", "19900101", 11)).await;
    let departed =
        add_manual(t, &w.station_a, "离职社工", &id_number("330106", "19900101", 13)).await;
    t.delete(&format!("/api/workers/{}", id_of(&departed)), &w.station_a).await.expect(204);
    for worker in [&elsewhere, &departed] {
        let mut body = client("王秀英", &id);
        body["responsible_worker_id"] = worker["id"].clone();
        let answer = t.post("/api/clients", &w.station_a, body).await;
        assert_eq!(answer.status, 422);
        assert!(answer.field("responsible_worker_id").is_some());
    }

    // A village code lies under the station's township (330106001).
    let mut body = client("王秀英", &id);
    body["village"] = json!("330106002001");
    assert!(t.post("/api/clients", &w.station_a, body).await.field("village").is_some());

    let created = add_client(t, &w.station_a, client("王秀英", &id)).await;
    let path = format!("/api/clients/{}", id_of(&created));
    let answer = t.put(&path, &w.station_a, json!({"population_types": ["nobody"]})).await;
    assert!(answer.field("version").is_some() && answer.field("population_types").is_some());
}

#[tokio::test]
async fn an_id_number_is_one_client_per_station() {
    let w = world().await;
    let t = &w.t;
    let id = id_number("110105", "19491231", 2);
    add_client(t, &w.station_a, client("刘淑珍", &id)).await;
    let again = t.post("/api/clients", &w.station_a, client("刘淑珍", &id.to_lowercase())).await;
    assert_eq!(again.status, 409);
    assert_eq!(again.code(), "conflict");
    // Another station may serve the same person.
    add_client(t, &w.station_b, client("刘淑珍", &id)).await;

    // Changing an ID number to one the station has is refused; to a free one, fine.
    let other =
        add_client(t, &w.station_a, client("陈大海", &id_number("330106", "19500505", 31))).await;
    let path = format!("/api/clients/{}", id_of(&other));
    let answer = t.put(&path, &w.station_a, json!({"version": 1, "id_number": id})).await;
    assert_eq!(answer.status, 409);
    let fresh = id_number("330106", "19500505", 33);
    let edited = t.put(&path, &w.station_a, json!({"version": 1, "id_number": fresh})).await;
    assert_eq!(edited.expect(200)["id_number"], fresh.as_str());
    // The old number is free again.
    add_client(t, &w.station_a, client("陈大海", &id_number("330106", "19500505", 31))).await;
    assert_eq!(t.get_totals(&w.station_a_id).await, 3);
}

#[tokio::test]
async fn clients_are_filtered_by_name_id_number_population_type_and_village() {
    let w = world().await;
    let t = &w.t;
    let mut people = Vec::new();
    for (name, seq, types, village) in [
        ("王秀英", 12, json!(["elderly"]), "桂花社区"),
        ("王小明", 11, json!(["children"]), "桂花社区"),
        ("阿依古丽·买买提", 22, json!(["women", "migrants"]), "330106001003"),
        ("赵刚", 33, json!(["disabled", "veterans"]), "玉泉社区"),
    ] {
        let mut body = client(name, &id_number("330106", "19600101", seq));
        body["population_types"] = types;
        body["village"] = json!(village);
        people.push(add_client(t, &w.station_a, body).await);
    }

    let get = |query: &str| format!("/api/clients{query}");
    assert_eq!(names(&t.get(&get("?q=王"), &w.station_a).await.expect(200)), ["王秀英", "王小明"]);
    assert_eq!(
        names(&t.get(&get("?q=古丽•买"), &w.station_a).await.expect(200)),
        ["阿依古丽·买买提"]
    );
    let id = id_number("330106", "19600101", 33);
    assert_eq!(names(&t.get(&get(&format!("?q={id}")), &w.station_a).await.expect(200)), ["赵刚"]);
    let by_type = t.get(&get("?population_type=veterans"), &w.station_a).await.expect(200);
    assert_eq!(names(&by_type), ["赵刚"]);
    let by_label = t.get(&get("?population_type=流动人口"), &w.station_a).await.expect(200);
    assert_eq!(names(&by_label), ["阿依古丽·买买提"]);
    let by_village = t.get(&get("?village=桂花社区&q=明"), &w.station_a).await.expect(200);
    assert_eq!(names(&by_village), ["王小明"]);
    let by_code = t.get(&get("?village=330106001003"), &w.station_a).await.expect(200);
    assert_eq!(names(&by_code), ["阿依古丽·买买提"]);
    let none = t.get(&get(&format!("?q={id}&population_type=elderly")), &w.station_a).await;
    assert!(names(&none.expect(200)).is_empty());

    let answer = t.get(&get("?population_type=aliens"), &w.station_a).await;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.code(), "bad_request");
}

#[tokio::test]
async fn stations_never_see_each_others_clients() {
    let w = world().await;
    let t = &w.t;
    let id = id_number("330106", "19450203", 12);
    let created = add_client(t, &w.station_a, client("王秀英", &id)).await;
    let path = format!("/api/clients/{}", id_of(&created));

    assert_eq!(t.get(&path, &w.station_b).await.status, 404);
    assert_eq!(t.put(&path, &w.station_b, json!({"version": 1, "note": "x"})).await.status, 404);
    assert_eq!(t.delete(&path, &w.station_b).await.status, 404);
    assert_eq!(t.get(&format!("{path}/records"), &w.station_b).await.status, 404);
    assert_eq!(t.get(&path, &w.station_a).await.expect(200)["note"], "独居，低保户");

    for query in ["", "?q=王", &format!("?q={id}"), "?population_type=elderly", "?village=桂花社区"]
    {
        let list = t.get(&format!("/api/clients{query}"), &w.station_b).await.expect(200);
        assert!(names(&list).is_empty(), "{query}");
    }

    add_client(t, &w.station_a2, client("孙桂芝", &id_number("330106", "19480808", 24))).await;
    assert_eq!(names(&t.get("/api/clients", &w.agency).await.expect(200)), ["王秀英"]);
    let switched = t
        .post("/api/auth/switch-station", &w.agency, json!({"station_id": w.station_a2_id}))
        .await
        .expect(200);
    let on_a2 = switched["token"].as_str().unwrap();
    assert_eq!(names(&t.get("/api/clients", on_a2).await.expect(200)), ["孙桂芝"]);
    assert_eq!(t.get(&path, on_a2).await.status, 404);
    assert_eq!(t.get("/api/clients", &w.county_a).await.status, 403);
}

#[tokio::test]
async fn full_width_input_is_stored_in_normal_form() {
    let w = world().await;
    let t = &w.t;
    let mut body = client("阿依古丽•买买提", "１１０１０５１９４９１２３１００２ｘ");
    body["phone"] = json!("１３６ １２３４ ５６７８");
    body["emergency_contact"] =
        json!({"name": "买买提・艾力", "phone": "＋８６１３５９８７６５４３２"});
    body["population_types"] = json!(["少数民族", "women"]);
    let answer = t.post("/api/clients", &w.station_a, body.clone()).await;
    assert!(answer.field("population_types").is_some());
    body["population_types"] = json!(["妇女", "老年人"]);
    let created = add_client(t, &w.station_a, body).await;
    assert_eq!(created["name"], "阿依古丽·买买提");
    assert_eq!(created["id_number"], "11010519491231002X");
    assert_eq!(created["phone"], "13612345678");
    assert_eq!(created["emergency_contact"]["name"], "买买提·艾力");
    assert_eq!(created["emergency_contact"]["phone"], "13598765432");
    assert_eq!(created["population_types"], json!(["elderly", "women"]));
}

#[tokio::test]
async fn lists_page_without_gaps_or_repeats() {
    let w = world().await;
    let t = &w.t;
    let mut added = Vec::new();
    for seq in 1..=7u32 {
        let mut body = client(&format!("居民{seq}"), &id_number("330106", "19500101", seq));
        if seq % 2 == 0 {
            body["population_types"] = json!(["children"]);
        }
        added.push(id_of(&add_client(t, &w.station_a, body).await));
    }
    t.delete(&format!("/api/clients/{}", added[2]), &w.station_a).await.expect(204);
    add_client(t, &w.station_b, client("别站居民", &id_number("330108", "19500101", 1))).await;

    for (query, expected) in [("", 6), ("&population_type=elderly", 3), ("&q=居民", 6)] {
        let (seen, sizes) = walk(t, &w.station_a, &format!("/api/clients?limit=2{query}")).await;
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(seen.len(), expected, "{query}");
        assert_eq!(unique.len(), expected, "{query}: repeats");
        assert!(!seen.contains(&added[2]));
        assert!(sizes[..sizes.len() - 1].iter().all(|&n| n == 2), "{query}: {sizes:?}");
    }

    let first = t.get("/api/clients?limit=2", &w.station_a).await.expect(200);
    let cursor = first["next_cursor"].as_str().unwrap();
    let stolen = t.get(&format!("/api/clients?limit=2&cursor={cursor}"), &w.station_b).await;
    assert_eq!(stolen.status, 400);
    let other = format!("/api/clients?limit=2&population_type=children&cursor={cursor}");
    assert_eq!(t.get(&other, &w.station_a).await.status, 400);
}

/// The station scope of station A, as only a caller can make it: through a station token.
async fn swz_local_scope(w: &World) -> swz_shared::StationScope {
    let claims = w.t.app.tokens.verify(&w.station_a).expect("a valid token");
    let account = w.t.app.store.account(&claims.sub).await.unwrap().unwrap();
    let caller = swz_shared::Caller {
        station_id: account.station_id.clone(),
        station_township: None,
        role: claims.role,
        token_id: claims.jti,
        token_expires: claims.exp,
        account,
    };
    caller.station().unwrap()
}

trait Totals {
    async fn get_totals(&self, station_id: &str) -> i64;
}

impl Totals for TestApp {
    /// The station's client count, as the dashboard reads it.
    async fn get_totals(&self, station_id: &str) -> i64 {
        self.app.store.station_totals(station_id).await.unwrap().clients
    }
}

#[tokio::test]
async fn an_id_that_does_not_decode_answers_400_json() {
    let w = world().await;
    for path in ["/api/clients/%FF", "/api/clients/%FF/records"] {
        let answer = w.t.get(path, &w.station_a).await;
        assert_eq!((answer.status, answer.code()), (400, "bad_request"), "{path}");
    }
}

#[tokio::test]
async fn a_corrected_id_number_brings_its_own_birth_date_and_gender() {
    let w = world().await;
    let t = &w.t;
    let created =
        add_client(t, &w.station_a, client("王秀英", &id_number("330106", "19450301", 4))).await;
    let path = format!("/api/clients/{}", id_of(&created));
    // The form sends back what it read, with the number corrected (a man born 1948).
    let mut form = t.get(&path, &w.station_a).await.expect(200);
    assert_eq!(form["birth_date"], "1945-03-01");
    let corrected = id_number("330106", "19480202", 5);
    form["id_number"] = json!(corrected);
    let saved = t.put(&path, &w.station_a, form).await.expect(200);
    assert_eq!(saved["birth_date"], "1948-02-02");
    assert_eq!(saved["gender"], "male");
    // A birth date that disagrees with the number, sent as a change, is still refused.
    let wrong = json!({"version": saved["version"], "birth_date": "1950-01-01"});
    assert!(t.put(&path, &w.station_a, wrong).await.field("birth_date").is_some());
}
