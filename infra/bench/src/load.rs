//! Loads the benchmark's stations through the in-process API: a few workers and
//! recipients each, then the activities, written by several concurrent writers.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Context;
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use serde_json::{Value, json};
use swz_local::inprocess::Api;
use swz_shared::App;
use swz_shared::activities::ActivityRecord;
use swz_shared::categories::{ActivityStatus, parse_category};
use swz_shared::domain::{Month, PopulationType};
use swz_shared::people::ClientActivityLink;
use swz_shared::stats::recount;
use swz_shared::store::probe::Probe;
use swz_shared::{Validator, store::keys};

const PASSWORD: &str = "Bench2026x";
const WORKERS: usize = 6;
const CLIENTS: usize = 40;
/// Ongoing activities per station, the same at every size: real stations finish what
/// they start, and the dashboard's cost follows the ongoing ones, not the total.
const ONGOING: usize = 12;
/// Months the finished activities spread over, back from the current one.
const MONTHS: usize = 24;

const CATEGORIES: [&str; 7] = [
    "case_management",
    "group_work",
    "community_activity",
    "home_visit",
    "policy_outreach",
    "resource_linkage",
    "volunteer_service",
];
/// Stations up to this many activities are loaded through the API; larger ones in bulk.
/// moto copies the whole table for every item of every transaction (its rollback), so
/// writing 10,000 activities one transaction at a time would take hours there, and it
/// fails when transactions on one table run concurrently. DynamoDB does neither.
pub const API_LOAD_LIMIT: usize = 1000;

/// A recipient's population types: one or two, spread over every type.
fn client_types(c: usize) -> Vec<PopulationType> {
    let all = PopulationType::ALL;
    let mut types = vec![all[c % all.len()]];
    let second = all[(c / 3) % all.len()];
    if second != types[0] {
        types.push(second);
    }
    types
}
const NAMES: [&str; 8] = ["李华", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏"];

/// A loaded station.
pub struct BenchStation {
    pub id: String,
    pub token: String,
    pub admin: String,
    pub activities: usize,
    /// DynamoDB requests of each `POST /api/activities` while loading (API loads only).
    pub write_requests: Vec<u64>,
}

fn id_number(region: &str, birth: &str, seq: usize) -> String {
    let body = format!("{region}{birth}{:03}", seq % 1000);
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = body.bytes().zip(W).map(|(d, w)| u32::from(d - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize] as char;
    format!("{body}{check}")
}

fn details(category: &str) -> Value {
    match category {
        "case_management" => json!({"source": "referral", "intake_date": "2025-01-05",
            "problem_type": "family", "risk_level": "medium", "goal": "改善家庭关系"}),
        "group_work" => {
            json!({"group_name": "长者互助小组", "group_type": "support", "planned_sessions": 6})
        }
        "community_activity" => json!({"theme": "邻里节", "format": "festival"}),
        "home_visit" => json!({"visit_method": "in_person", "visit_reason": "routine"}),
        "policy_outreach" => json!({"topic": "医保政策宣传", "format": "stall"}),
        "resource_linkage" => {
            json!({"need_description": "助学需求", "referral_agency": "区慈善总会",
            "resource_type": "funds"})
        }
        _ => json!({"team": "青年志愿者服务队", "content": "环境清扫"}),
    }
}

fn summary(category: &str) -> Value {
    match category {
        "case_management" => json!({"closed_on": "2025-02-01", "close_reason": "goal_achieved",
            "sessions": 5, "goal_achievement": "mostly", "evaluation": "家庭关系改善"}),
        "group_work" => json!({"actual_sessions": 6, "participant_times": 36,
            "goal_achievement": "fully", "reflection": "组员互助意识增强"}),
        "community_activity" => json!({"participant_times": 80, "outcome": "居民参与踊跃"}),
        "home_visit" => {
            json!({"client_condition": "稳定", "findings": "独居", "measures": "联系子女",
            "needs_follow_up": false})
        }
        "policy_outreach" => json!({"audience_times": 120, "materials_distributed": 200}),
        "resource_linkage" => json!({"result": "linked", "amount_yuan": 2000, "beneficiaries": 1}),
        _ => json!({"volunteers": 12, "hours": 3.5}),
    }
}

/// The `k`-th activity of a station of `n`: the last `ONGOING` are ongoing this month,
/// the others finished, spread over the past months.
fn activity(k: usize, n: usize, workers: &[String], clients: &[String]) -> Value {
    let category = CATEGORIES[k % CATEGORIES.len()];
    let ongoing = k + ONGOING >= n;
    let mut month = Month::current();
    if !ongoing {
        for _ in 0..(1 + k * MONTHS / n.max(1)).min(MONTHS) {
            month = month.previous();
        }
    }
    let day = (k % 28) as i8;
    let start = month
        .first_day()
        .saturating_add(jiff::ToSpan::days(day))
        .min(swz_shared::domain::china_today());
    let start = if ongoing { swz_shared::domain::china_today() } else { start };
    let client = |i: usize| clients[(k + i * 7) % clients.len()].clone();
    let linked: Vec<String> = match category {
        "case_management" => vec![client(0)],
        "group_work" | "home_visit" | "resource_linkage" => vec![client(0), client(1)],
        _ if k.is_multiple_of(2) => vec![client(3)],
        _ => vec![],
    };
    let unregistered = match category {
        "community_activity" | "policy_outreach" | "volunteer_service" => k % 30,
        _ => 0,
    };
    json!({
        "title": format!("{}（第{}期）", category, k + 1),
        "category": category,
        "status": if ongoing { "ongoing" } else { "finished" },
        "start_date": start.to_string(),
        "end_date": if ongoing { Value::Null } else { json!(start.to_string()) },
        "location": "社区服务中心",
        "lead_worker_id": workers[k % workers.len()],
        "worker_ids": [workers[(k + 1) % workers.len()]],
        "client_ids": linked,
        "unregistered_participants": unregistered,
        "description": "",
        "details": details(category),
        "summary": if ongoing { Value::Null } else { summary(category) },
    })
}

/// Creates the stations of `sizes` with their people and activities.
pub async fn stations(
    app: &App,
    api: &Api,
    sizes: &[(&str, usize)],
    probe: &Probe,
) -> anyhow::Result<Vec<BenchStation>> {
    swz_local::bootstrap::create_admin_if_absent(
        app,
        "bench_admin",
        PASSWORD,
        "33",
        "浙江省民政厅",
    )
    .await?;
    let admin = api.login("bench_admin", PASSWORD).await?;
    // Every station's people first, while the table is small: moto's transactions cost
    // in proportion to the table (see `API_LOAD_LIMIT`).
    let mut people = Vec::new();
    for (i, (label, _)) in sizes.iter().enumerate() {
        let username = format!("bench_{label}");
        let body = json!({
            "name": format!("基准测试社工站{}", i + 1), "region_code": format!("3301060{:02}", i + 1),
            "address": "测试路1号", "contact_person": "王敏", "phone": "13905710002",
            "operation_mode": "self_run", "username": username, "password": PASSWORD,
        });
        let station = api.ok("POST", "/api/admin/stations", Some(&admin), Some(&body)).await?;
        let id = station["id"].as_str().context("station id")?.to_string();
        let token = api.login(&username, PASSWORD).await?;

        let mut workers = Vec::new();
        for w in 0..WORKERS {
            let body = json!({
                "source": "manual", "name": NAMES[w % NAMES.len()],
                "id_number": id_number("330106", "19880101", i * 100 + w),
                "phone": "13905711234", "education": "bachelor", "major": "社会工作",
                "position": "resident", "hired_on": "2023-03-01",
            });
            let worker = api.ok("POST", "/api/workers", Some(&token), Some(&body)).await?;
            workers.push(worker["id"].as_str().context("worker id")?.to_string());
        }
        let mut clients = Vec::new();
        for c in 0..CLIENTS {
            let types: Vec<&str> = client_types(c).iter().map(|t| t.code()).collect();
            let body = json!({
                "name": format!("{}{}", NAMES[c % NAMES.len()], c),
                "id_number": id_number("330106", "19500101", c),
                "village": "北山社区", "address": "保俶路1号", "population_types": types,
            });
            let client = api.ok("POST", "/api/clients", Some(&token), Some(&body)).await?;
            clients.push(client["id"].as_str().context("client id")?.to_string());
        }
        people.push((id, token, workers, clients));
    }
    eprintln!(
        "created {} stations with {WORKERS} workers and {CLIENTS} recipients each",
        sizes.len()
    );

    // Then the activities: the API-loaded (small) stations before the bulk-loaded ones.
    let mut order: Vec<usize> = (0..sizes.len()).collect();
    order.sort_by_key(|&i| sizes[i].1 > API_LOAD_LIMIT);
    let mut out: Vec<Option<BenchStation>> = (0..sizes.len()).map(|_| None).collect();
    for i in order {
        let (label, n) = sizes[i];
        let (id, token, workers, clients) = &people[i];
        let started = Instant::now();
        let write_requests = if n <= API_LOAD_LIMIT {
            through_api(api, probe, token, n, workers, clients).await?
        } else {
            let types: Vec<Vec<PopulationType>> = (0..CLIENTS).map(client_types).collect();
            in_bulk(app, id, n, workers, clients, &types).await?;
            Vec::new()
        };
        let seconds = started.elapsed().as_secs_f64();
        eprintln!(
            "loaded station {label}: {n} activities in {seconds:.1} s ({:.0}/s, {})",
            n as f64 / seconds.max(0.001),
            if n <= API_LOAD_LIMIT { "through the API" } else { "in bulk" }
        );
        out[i] = Some(BenchStation {
            id: id.clone(),
            token: token.clone(),
            admin: admin.clone(),
            activities: n,
            write_requests,
        });
    }
    Ok(out.into_iter().flatten().collect())
}

/// True when an administrator's recount computes the figures the dashboard shows.
pub async fn recount_matches(api: &Api, station: &BenchStation) -> anyhow::Result<bool> {
    let dashboard = api.ok("GET", "/api/dashboard", Some(&station.token), None).await?;
    let body = json!({"station_id": station.id});
    let recount = api.ok("POST", "/api/admin/recount", Some(&station.admin), Some(&body)).await?;
    Ok(recount["all_time"] == dashboard["stats"]["all_time"]
        && recount["this_month"] == dashboard["stats"]["this_month"])
}

/// Writes `n` activities one `POST /api/activities` at a time; answers the DynamoDB
/// requests each one took.
async fn through_api(
    api: &Api,
    probe: &Probe,
    token: &str,
    n: usize,
    workers: &[String],
    clients: &[String],
) -> anyhow::Result<Vec<u64>> {
    let mut requests = Vec::with_capacity(n);
    for k in 0..n {
        let body = activity(k, n, workers, clients);
        let before = probe.requests();
        api.ok("POST", "/api/activities", Some(token), Some(&body)).await?;
        requests.push(probe.requests() - before);
    }
    Ok(requests)
}

/// Writes `n` activities straight into the table with BatchWriteItem: the same records,
/// dashboard copies and client links the API writes, built by the same domain code
/// (category checks, `ActivityRecord`, `ClientActivityLink`), and the counters and
/// served references from `stats::recount` over them (what the API's counters equal).
/// Audit entries are left out.
async fn in_bulk(
    app: &App,
    station_id: &str,
    n: usize,
    workers: &[String],
    clients: &[String],
    types: &[Vec<PopulationType>],
) -> anyhow::Result<()> {
    let client_types: BTreeMap<&str, &Vec<PopulationType>> =
        clients.iter().map(String::as_str).zip(types).collect();
    let now = jiff::Timestamp::now().to_string();
    let mut items = Vec::new();
    let mut figures = Vec::with_capacity(n);
    for k in 0..n {
        let body = activity(k, n, workers, clients);
        let text = |key: &str| body[key].as_str().unwrap_or_default().to_string();
        let category = parse_category(&text("category")).map_err(anyhow::Error::msg)?;
        let status = ActivityStatus::parse(&text("status")).map_err(anyhow::Error::msg)?;
        let mut v = Validator::new();
        let details = category.check_details(&body["details"], &mut v);
        let summary = (status == ActivityStatus::Finished)
            .then(|| category.check_summary(&body["summary"], &mut v));
        v.finish().map_err(|e| anyhow::anyhow!("generated activity {k} is invalid: {e:?}"))?;
        let ids = |key: &str| -> Vec<String> {
            body[key]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
                .map(str::to_string)
                .collect()
        };
        let client_ids = ids("client_ids");
        let mut record = ActivityRecord {
            pk: String::new(),
            sk: String::new(),
            gsi1pk: String::new(),
            gsi1sk: String::new(),
            gsi2pk: String::new(),
            gsi2sk: String::new(),
            kind: "activity".into(),
            id: keys::new_id(),
            station_id: station_id.to_string(),
            title: text("title"),
            category: category.code.to_string(),
            status,
            start_date: text("start_date"),
            end_date: body["end_date"].as_str().map(str::to_string),
            location: text("location"),
            lead_worker_id: text("lead_worker_id"),
            lead_worker_name: workers
                .iter()
                .position(|w| *w == text("lead_worker_id"))
                .map(|w| NAMES[w % NAMES.len()].to_string())
                .unwrap_or_default(),
            worker_ids: ids("worker_ids"),
            client_population_types: client_ids
                .iter()
                .map(|c| {
                    (
                        c.clone(),
                        client_types.get(c.as_str()).map(|t| t.to_vec()).unwrap_or_default(),
                    )
                })
                .collect(),
            client_ids,
            unregistered_participants: body["unregistered_participants"].as_u64().unwrap_or(0),
            description: String::new(),
            details,
            summary,
            version: 1,
            created_at: now.clone(),
            updated_at: now.clone(),
        };
        record.index();
        figures.push(record.figures()?);
        items.push(swz_shared::store::to_item(&record)?);
        if let Some(copy) = record.underway() {
            items.push(swz_shared::store::to_item(&copy)?);
        }
        for client in &record.client_ids {
            let link = ClientActivityLink::new(station_id, client, record.link_summary());
            items.push(swz_shared::store::to_item(&link)?);
        }
    }
    for (i, chunk) in items.chunks(25).enumerate() {
        let mut pending: Vec<WriteRequest> = chunk
            .iter()
            .map(|item| {
                let put = PutRequest::builder().set_item(Some(item.clone())).build()?;
                Ok(WriteRequest::builder().put_request(put).build())
            })
            .collect::<anyhow::Result<_>>()?;
        while !pending.is_empty() {
            let out = app
                .store
                .client
                .batch_write_item()
                .request_items(&app.store.table, pending)
                .send()
                .await
                .context("bulk writing activities")?;
            pending = out
                .unprocessed_items
                .and_then(|mut m| m.remove(&app.store.table))
                .unwrap_or_default();
        }
        if (i + 1) % 400 == 0 {
            eprintln!("  {} of {} items written", (i + 1) * 25, items.len());
        }
    }
    // The seeded clients keep the types the activities were given.
    app.store.rebuild_stats(station_id, &recount(&figures, &Default::default())).await?;
    Ok(())
}
