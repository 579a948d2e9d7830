//! The isolation matrix: every route of the OpenAPI document, sent by every other tenant
//! at one tenant's records. A record of another station, or outside an admin's region,
//! must answer 404 (or 403 for a role that never may) — with no data, and exactly as a
//! record that does not exist at all. A route without a matrix entry fails the test, so
//! a route added later must say how it is isolated.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::activities::{activity, add_client, add_worker};
use crate::support::*;

/// A request one attacker sends.
struct Attack {
    who: &'static str,
    token: String,
    path: String,
    /// The same request with every victim id replaced by one that exists nowhere.
    ghost_path: String,
    body: Option<Value>,
}

/// How a route is isolated.
enum Case {
    /// The route holds no tenant's data: public, static or the caller's own account.
    Exempt(&'static str),
    /// Requests naming the victim's records: 403 or 404, identical to a ghost record.
    Foreign(Vec<Attack>),
    /// Requests scoped to the caller (lists, the caller's own month): any non-5xx answer,
    /// but never a trace of the victim's data.
    Scoped(Vec<Attack>),
}

const GHOST: &str = "0000000000000000000000000000";

/// Station A's records, which every attacker goes after.
struct Victim {
    ids: BTreeMap<&'static str, String>,
    /// Strings that only the victim's records contain.
    markers: Vec<String>,
}

async fn victim(w: &World) -> Victim {
    let t = &w.t;
    let a = &w.station_a;
    let worker = add_worker(t, a, "甲站社工", 901).await;
    let client = add_client(t, a, "甲站对象", 902, &["elderly"]).await;
    let today = swz_shared::domain::china_today().to_string();
    let mut body = activity("甲站活动", "home_visit", false, &today, &worker, &[], &[&client], 0);
    body["description"] = json!("甲站活动简介");
    let act = t.post("/api/activities", a, body).await.expect(201);

    let month = swz_shared::domain::Month::current().previous().to_string();
    let path = format!("/api/summaries/{month}");
    t.put(&path, a, json!({"text": "甲站总结正文", "version": 0})).await.expect(200);
    let bytes = b"%PDF-1.4 victim".to_vec();
    let ticket = t
        .post(
            &format!("{path}/attachments"),
            a,
            json!({"file_name": "甲站附件.pdf", "content_type": "application/pdf", "size": bytes.len()}),
        )
        .await
        .expect(201);
    assert!(t.upload(&ticket, &bytes).await < 300);
    let summary = t.get(&path, a).await.expect(200);
    t.post(&format!("{path}/submit"), a, json!({"version": summary["version"]})).await.expect(200);

    let notice_ticket = t
        .post(
            "/api/admin/notices/attachments",
            &w.county_a,
            json!({"file_name": "甲站通知附件.pdf", "content_type": "application/pdf", "size": bytes.len()}),
        )
        .await
        .expect(201);
    assert!(t.upload(&notice_ticket, &bytes).await < 300);
    let notice = t
        .post(
            "/api/admin/notices",
            &w.county_a,
            json!({"title": "甲站专属通知", "body": "甲站专属通知正文",
                   "target": {"station_ids": [w.station_a_id]},
                   "attachment_ids": [notice_ticket["id"]]}),
        )
        .await
        .expect(201);
    let opened =
        t.get(&format!("/api/notices/{}", notice["id"].as_str().unwrap()), a).await.expect(200);

    // The submission notifies the county admin, through the stream.
    let mut notification = None;
    for _ in 0..100 {
        let list = t.get("/api/notifications", &w.county_a).await.expect(200);
        if let Some(first) = list["items"].as_array().and_then(|items| items.first()) {
            notification = first["id"].as_str().map(str::to_string);
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    let ids = BTreeMap::from([
        ("worker", worker),
        ("client", client),
        ("activity", act["id"].as_str().unwrap().to_string()),
        ("month", month),
        ("summary_attachment", summary["attachments"][0]["id"].as_str().unwrap().to_string()),
        ("notice", notice["id"].as_str().unwrap().to_string()),
        ("notice_attachment", opened["attachments"][0]["id"].as_str().unwrap().to_string()),
        ("notification", notification.expect("the county admin is notified")),
        ("station", w.station_a_id.clone()),
        ("agency", w.agency_id.clone()),
    ]);
    let mut markers: Vec<String> =
        ["甲站社工", "甲站对象", "甲站活动", "甲站总结正文", "甲站附件", "甲站专属通知"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    markers.extend(ids.iter().filter(|(k, _)| **k != "month").map(|(_, v)| v.clone()));
    Victim { ids, markers }
}

/// Fills `{name}` segments of a documented path from `ids`.
fn fill(template: &str, ids: &BTreeMap<&'static str, String>, names: &[(&str, &str)]) -> String {
    let mut path = template.to_string();
    for (segment, key) in names {
        path = path.replace(&format!("{{{segment}}}"), &ids[key]);
    }
    path
}

fn ghost_ids(ids: &BTreeMap<&'static str, String>) -> BTreeMap<&'static str, String> {
    ids.iter()
        .map(|(k, v)| (*k, if *k == "month" { v.clone() } else { GHOST.to_string() }))
        .collect()
}

struct Attackers {
    /// Station B: another county.
    station_b: String,
    /// The agency that runs A, switched to its other station A2.
    agency_on_a2: String,
    /// The admin of the other county.
    county_b: String,
    /// A certified social worker.
    social_worker: String,
    /// The victim's own county admin: not a station, so no station workspace.
    county_a: String,
}

fn case_for(route: &str, v: &Victim, who: &Attackers) -> Option<Case> {
    let ghosts = ghost_ids(&v.ids);
    let attack = |name: &'static str,
                  token: &String,
                  template: &str,
                  names: &[(&str, &str)],
                  body: Option<Value>| Attack {
        who: name,
        token: token.clone(),
        path: fill(template, &v.ids, names),
        ghost_path: fill(template, &ghosts, names),
        body,
    };
    let (_method, template) = route.split_once(' ')?;
    let station_attackers = |names: &[(&str, &str)], body: Option<Value>| {
        vec![
            attack("station B", &who.station_b, template, names, body.clone()),
            attack("agency on A2", &who.agency_on_a2, template, names, body.clone()),
            attack("county A admin", &who.county_a, template, names, body.clone()),
            attack("social worker", &who.social_worker, template, names, body),
        ]
    };
    let admin_attackers = |names: &[(&str, &str)], body: Option<Value>| {
        vec![
            attack("county B admin", &who.county_b, template, names, body.clone()),
            attack("station B", &who.station_b, template, names, body.clone()),
            attack("agency on A2", &who.agency_on_a2, template, names, body.clone()),
            attack("social worker", &who.social_worker, template, names, body),
        ]
    };
    let everyone_else = |names: &[(&str, &str)], body: Option<Value>| {
        vec![
            attack("county B admin", &who.county_b, template, names, body.clone()),
            attack("station B", &who.station_b, template, names, body.clone()),
            attack("agency on A2", &who.agency_on_a2, template, names, body.clone()),
            attack("social worker", &who.social_worker, template, names, body),
        ]
    };
    let version = json!({"version": 1});
    let month = [("month", "month")];
    Some(match route {
        "GET /api/health" | "GET /api/openapi.json" => Case::Exempt("public, no tenant data"),
        "POST /api/auth/login" | "POST /api/registry/register" => Case::Exempt("public"),
        "GET /api/auth/me" | "POST /api/auth/password" | "POST /api/auth/logout" => {
            Case::Exempt("the caller's own account, taken from the token")
        }
        "GET /api/registry/me" | "PUT /api/registry/me" => {
            Case::Exempt("the caller's own registry profile, taken from the token")
        }
        "GET /api/meta" => Case::Exempt("the category table: the same for every station"),
        "POST /api/auth/switch-station" => Case::Foreign(vec![Attack {
            who: "agency to another county's station",
            token: who.agency_on_a2.clone(),
            path: template.into(),
            ghost_path: template.into(),
            body: Some(json!({"station_id": "PLACEHOLDER"})),
        }]),
        "GET /api/registry/social-workers" => Case::Scoped(vec![attack(
            "station B",
            &who.station_b,
            "/api/registry/social-workers?name=甲",
            &[],
            None,
        )]),

        // Station workspace lists and the caller's own month: scoped by the token.
        "GET /api/workers"
        | "GET /api/clients"
        | "GET /api/activities"
        | "GET /api/activities/overview"
        | "GET /api/dashboard"
        | "GET /api/notices"
        | "GET /api/summaries" => Case::Scoped(station_attackers(&[], None)),
        "GET /api/summaries/{month}" => Case::Scoped(station_attackers(&month, None)),
        "PUT /api/summaries/{month}" => {
            Case::Scoped(station_attackers(&month, Some(json!({"text": "乙站", "version": 0}))))
        }
        "POST /api/summaries/{month}/submit" => {
            Case::Scoped(station_attackers(&month, Some(json!({"version": 1}))))
        }
        "POST /api/summaries/{month}/attachments" => Case::Scoped(station_attackers(
            &month,
            Some(json!({"file_name": "乙.pdf", "content_type": "application/pdf", "size": 10})),
        )),
        "POST /api/workers" => Case::Scoped(station_attackers(
            &[],
            Some(
                json!({"source": "registry", "registry_id": GHOST, "position": "resident", "hired_on": "2024-01-01"}),
            ),
        )),
        "POST /api/clients" => Case::Scoped(station_attackers(
            &[],
            Some(json!({"name": "乙站对象", "id_number": id_number("330108", "19500101", 903),
                        "population_types": ["elderly"], "responsible_worker_id": v.ids["worker"]})),
        )),
        "POST /api/activities" => Case::Scoped(station_attackers(
            &[],
            Some(activity(
                "乙站活动",
                "home_visit",
                false,
                "2026-01-05",
                &v.ids["worker"],
                &[],
                &[&v.ids["client"]],
                0,
            )),
        )),

        // Station workspace records of station A.
        "GET /api/workers/{id}" | "DELETE /api/workers/{id}" | "POST /api/workers/{id}/resync" => {
            Case::Foreign(station_attackers(&[("id", "worker")], None))
        }
        "PUT /api/workers/{id}" => Case::Foreign(station_attackers(
            &[("id", "worker")],
            Some(json!({"phone": "13905710000", "version": 1})),
        )),
        "GET /api/clients/{id}" | "DELETE /api/clients/{id}" | "GET /api/clients/{id}/records" => {
            Case::Foreign(station_attackers(&[("id", "client")], None))
        }
        "PUT /api/clients/{id}" => {
            Case::Foreign(station_attackers(&[("id", "client")], Some(version.clone())))
        }
        "GET /api/activities/{id}" | "DELETE /api/activities/{id}" => {
            Case::Foreign(station_attackers(&[("id", "activity")], None))
        }
        "PUT /api/activities/{id}" => Case::Foreign(station_attackers(
            &[("id", "activity")],
            Some(activity(
                "改",
                "home_visit",
                false,
                "2026-01-05",
                &v.ids["worker"],
                &[],
                &[&v.ids["client"]],
                0,
            )),
        )),
        "GET /api/notices/{id}" => Case::Foreign(station_attackers(&[("id", "notice")], None)),
        "GET /api/notices/{id}/attachments/{attachment_id}" => Case::Foreign(station_attackers(
            &[("id", "notice"), ("attachment_id", "notice_attachment")],
            None,
        )),
        "GET /api/summaries/{month}/attachments/{id}"
        | "DELETE /api/summaries/{month}/attachments/{id}" => Case::Foreign(station_attackers(
            &[("month", "month"), ("id", "summary_attachment")],
            None,
        )),

        // Administration, within a region.
        "GET /api/admin/agencies" | "GET /api/admin/stations" | "GET /api/admin/notices" => {
            Case::Scoped(admin_attackers(&[], None))
        }
        "GET /api/admin/summaries" => Case::Scoped(
            admin_attackers(&[], None)
                .into_iter()
                .map(|mut a| {
                    a.path = format!("/api/admin/summaries?month={}", v.ids["month"]);
                    a.ghost_path = a.path.clone();
                    a
                })
                .collect(),
        ),
        "POST /api/admin/admins" => Case::Scoped(admin_attackers(
            &[],
            Some(
                json!({"username": "intruder", "password": PASSWORD, "display_name": "越权", "region_code": "330106"}),
            ),
        )),
        "POST /api/admin/agencies" => Case::Scoped(admin_attackers(&[], Some(json!({})))),
        "POST /api/admin/stations" => Case::Scoped(admin_attackers(
            &[],
            Some(
                json!({"name": "越权站", "region_code": "330106009", "address": "x", "contact_person": "王敏",
                        "phone": "13905710002", "operation_mode": "self_run", "agency_id": v.ids["agency"],
                        "username": "intruder_st", "password": PASSWORD}),
            ),
        )),
        "POST /api/admin/notices" => Case::Scoped(admin_attackers(
            &[],
            Some(
                json!({"title": "越权", "body": "x", "target": {"station_ids": [v.ids["station"]]}}),
            ),
        )),
        "POST /api/admin/notices/attachments" => Case::Scoped(admin_attackers(
            &[],
            Some(json!({"file_name": "x.pdf", "content_type": "application/pdf", "size": 10})),
        )),
        "GET /api/admin/agencies/{id}" => Case::Foreign(admin_attackers(&[("id", "agency")], None)),
        "PUT /api/admin/agencies/{id}" => Case::Foreign(admin_attackers(
            &[("id", "agency")],
            Some(
                json!({"name": "改", "contact_person": "王敏", "phone": "13905710002", "version": 1}),
            ),
        )),
        "GET /api/admin/stations/{id}" => {
            Case::Foreign(admin_attackers(&[("id", "station")], None))
        }
        "PUT /api/admin/stations/{id}" => Case::Foreign(admin_attackers(
            &[("id", "station")],
            Some(
                json!({"name": "改", "address": "x", "contact_person": "王敏", "phone": "13905710002",
                        "operation_mode": "self_run", "version": 1}),
            ),
        )),
        "GET /api/admin/notices/{id}" => Case::Foreign(admin_attackers(&[("id", "notice")], None)),
        "GET /api/admin/notices/{id}/attachments/{attachment_id}" => Case::Foreign(
            admin_attackers(&[("id", "notice"), ("attachment_id", "notice_attachment")], None),
        ),
        "GET /api/admin/summaries/{station_id}/{month}" => {
            Case::Foreign(admin_attackers(&[("station_id", "station"), ("month", "month")], None))
        }
        "GET /api/admin/summaries/{station_id}/{month}/attachments/{id}" => {
            Case::Foreign(admin_attackers(
                &[("station_id", "station"), ("month", "month"), ("id", "summary_attachment")],
                None,
            ))
        }
        "POST /api/admin/summaries/{station_id}/{month}/review" => Case::Foreign(admin_attackers(
            &[("station_id", "station"), ("month", "month")],
            Some(json!({"decision": "approve", "comment": ""})),
        )),
        "POST /api/admin/recount" => Case::Foreign(
            admin_attackers(&[], Some(json!({"station_id": v.ids["station"]})))
                .into_iter()
                .map(|mut a| {
                    a.ghost_path = a.path.clone();
                    a
                })
                .collect(),
        ),

        // Everyone's own notifications.
        "GET /api/notifications" => Case::Scoped(everyone_else(&[], None)),
        "POST /api/notifications/{id}/read" => {
            Case::Foreign(everyone_else(&[("id", "notification")], None))
        }
        _ => return None,
    })
}

fn contains_marker(body: &Value, markers: &[String]) -> Option<String> {
    let text = body.to_string();
    markers.iter().find(|m| text.contains(m.as_str())).cloned()
}

#[tokio::test]
async fn no_route_lets_one_tenant_reach_anothers_records() {
    let w = world().await;
    let t = &w.t;
    let v = victim(&w).await;

    let sw = json!({"username": "sw_attacker", "password": PASSWORD, "name": "乙社工", "gender": "female",
        "id_number": id_number("330108", "19900101", 904), "phone": "13905710009", "education": "bachelor",
        "major": "社会工作", "qualification_level": "intermediate", "certificate_number": "Z0001"});
    t.request(reqwest::Method::POST, "/api/registry/register", None, Some(&sw)).await.expect(201);
    let switched = t
        .post("/api/auth/switch-station", &w.agency, json!({"station_id": w.station_a2_id}))
        .await
        .expect(200);
    let who = Attackers {
        station_b: w.station_b.clone(),
        agency_on_a2: switched["token"].as_str().unwrap().to_string(),
        county_b: w.county_b.clone(),
        social_worker: t.login("sw_attacker", PASSWORD).await,
        county_a: w.county_a.clone(),
    };

    let before = snapshot(&w, &v).await;
    let doc = swz_local::openapi();
    let mut routes = Vec::new();
    for (path, item) in &doc.paths.paths {
        for (method, present) in [
            ("GET", item.get.is_some()),
            ("POST", item.post.is_some()),
            ("PUT", item.put.is_some()),
            ("DELETE", item.delete.is_some()),
            ("PATCH", item.patch.is_some()),
        ] {
            if present {
                routes.push(format!("{method} {path}"));
            }
        }
    }
    let missing: Vec<&String> = routes.iter().filter(|r| case_for(r, &v, &who).is_none()).collect();
    assert!(missing.is_empty(), "routes without an isolation-matrix entry: {missing:?}");

    let mut attacks = 0;
    for route in &routes {
        let method =
            reqwest::Method::from_bytes(route.split(' ').next().unwrap().as_bytes()).unwrap();
        match case_for(route, &v, &who).unwrap() {
            Case::Exempt(reason) => eprintln!("isolation matrix: {route} exempt: {reason}"),
            Case::Foreign(list) => {
                for mut a in list {
                    if route == "POST /api/auth/switch-station" {
                        a.body = Some(json!({"station_id": w.station_b_id}));
                    }
                    attacks += 1;
                    let real =
                        t.request(method.clone(), &a.path, Some(&a.token), a.body.as_ref()).await;
                    assert!(
                        [403, 404].contains(&real.status),
                        "{route} by {} answered {}: {}",
                        a.who,
                        real.status,
                        real.body
                    );
                    let ghost = t
                        .request(method.clone(), &a.ghost_path, Some(&a.token), a.body.as_ref())
                        .await;
                    assert_eq!(
                        (real.status, &real.body),
                        (ghost.status, &ghost.body),
                        "{route} by {}: another tenant's record must look exactly like no record",
                        a.who
                    );
                }
            }
            Case::Scoped(list) => {
                for a in list {
                    attacks += 1;
                    let answer =
                        t.request(method.clone(), &a.path, Some(&a.token), a.body.as_ref()).await;
                    assert!(answer.status < 500, "{route} by {} answered {}", a.who, answer.status);
                    if let Some(marker) = contains_marker(&answer.body, &v.markers) {
                        panic!(
                            "{route} by {} leaked victim data ({marker}): {}",
                            a.who, answer.body
                        );
                    }
                }
            }
        }
    }
    eprintln!("isolation matrix: {} routes, {attacks} attacks", routes.len());

    // Nothing the attackers sent changed the victim's records.
    assert_eq!(snapshot(&w, &v).await, before, "an attack changed the victim's records");
}

/// The victim's records as their owners see them.
async fn snapshot(w: &World, v: &Victim) -> Vec<Value> {
    let (t, a) = (&w.t, &w.station_a);
    let mut records = Vec::new();
    for path in [
        format!("/api/workers/{}", v.ids["worker"]),
        format!("/api/clients/{}", v.ids["client"]),
        format!("/api/activities/{}", v.ids["activity"]),
        format!("/api/summaries/{}", v.ids["month"]),
    ] {
        records.push(t.get(&path, a).await.expect(200));
    }
    for path in [
        format!("/api/admin/stations/{}", v.ids["station"]),
        format!("/api/admin/agencies/{}", v.ids["agency"]),
        format!("/api/admin/notices/{}", v.ids["notice"]),
    ] {
        records.push(t.get(&path, &w.county_a).await.expect(200));
    }
    records
}
