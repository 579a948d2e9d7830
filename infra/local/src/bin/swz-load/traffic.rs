//! The timed phase: simulated users, each bound to one station, loop over a weighted mix
//! of the workspace's reads and writes until the time is up, recording every request's
//! route kind, latency and outcome.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::{Value, json};
use swz_shared::domain::{Month, china_today};

use crate::http::{Answer, Http};
use crate::setup::{Setup, Station};

/// What a request was, for the per-route report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Dashboard,
    ListActivities,
    Workers,
    Clients,
    Notices,
    Summary,
    CreateActivity,
    ReadActivity,
    UpdateActivity,
}

impl Kind {
    pub const ALL: [Kind; 9] = [
        Kind::Dashboard,
        Kind::ListActivities,
        Kind::Workers,
        Kind::Clients,
        Kind::Notices,
        Kind::Summary,
        Kind::CreateActivity,
        Kind::ReadActivity,
        Kind::UpdateActivity,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Kind::Dashboard => "GET /api/dashboard",
            Kind::ListActivities => "GET /api/activities?limit=20",
            Kind::Workers => "GET /api/workers",
            Kind::Clients => "GET /api/clients",
            Kind::Notices => "GET /api/notices",
            Kind::Summary => "GET /api/summaries/{month}",
            Kind::CreateActivity => "POST /api/activities",
            Kind::ReadActivity => "GET /api/activities/{id}",
            Kind::UpdateActivity => "PUT /api/activities/{id}",
        }
    }
}

/// How a request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Ok,
    /// 409: a stale version or writes that kept colliding; expected under contention.
    Conflict,
    /// Any other 4xx: the load sends only valid requests, so each one is an error.
    UnexpectedClientError,
    ServerError,
    /// No HTTP answer at all (connection failure, timeout).
    Transport,
}

/// One request's record.
pub struct Sample {
    pub kind: Kind,
    pub latency: Duration,
    pub outcome: Outcome,
}

/// Everything the timed phase observed.
pub struct Run {
    pub clients: usize,
    pub elapsed: Duration,
    pub samples: Vec<Sample>,
    /// The first few distinct failures, as `route → status code: message`.
    pub failures: Vec<String>,
}

/// The weighted mix, out of 100: what a station's staff do most is look at the dashboard
/// and the activity list; every fifth or so action records or edits an activity. An
/// edit is a read of the activity followed by a PUT with the version it read.
const MIX: [(Action, u32); 8] = [
    (Action::Get(Kind::Dashboard), 20),
    (Action::Get(Kind::ListActivities), 20),
    (Action::Get(Kind::Workers), 8),
    (Action::Get(Kind::Clients), 8),
    (Action::Get(Kind::Notices), 8),
    (Action::Get(Kind::Summary), 6),
    (Action::Create, 18),
    (Action::Edit, 12),
];

#[derive(Debug, Clone, Copy)]
enum Action {
    Get(Kind),
    Create,
    Edit,
}

const CATEGORIES: [&str; 7] = [
    "case_management",
    "group_work",
    "community_activity",
    "home_visit",
    "policy_outreach",
    "resource_linkage",
    "volunteer_service",
];
/// Distinct failures kept per user for the report.
const FAILURES_KEPT: usize = 5;

/// Runs `clients` users for `duration`, user `i` on station `i % stations`.
pub async fn run(http: &Http, setup: &Arc<Setup>, clients: usize, duration: Duration) -> Run {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = Vec::new();
    for i in 0..clients {
        let user = User::new(http.clone(), setup.clone(), i, deadline);
        tasks.push(tokio::spawn(user.run()));
    }
    let mut samples = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for task in tasks {
        match task.await {
            Ok((mut own, own_failures)) => {
                samples.append(&mut own);
                for failure in own_failures {
                    if failures.len() < 20 && !failures.contains(&failure) {
                        failures.push(failure);
                    }
                }
            }
            Err(error) => failures.push(format!("a simulated user stopped: {error}")),
        }
    }
    Run { clients, elapsed: started.elapsed(), samples, failures }
}

/// An activity this user created, with the category it keeps.
struct Mine {
    id: String,
    category: &'static str,
}

struct User {
    http: Http,
    setup: Arc<Setup>,
    station: usize,
    deadline: Instant,
    rng: XorShift,
    mine: Vec<Mine>,
    samples: Vec<Sample>,
    failures: Vec<String>,
    /// Counts this user's activities, for their titles.
    created: usize,
    number: usize,
}

impl User {
    fn new(http: Http, setup: Arc<Setup>, number: usize, deadline: Instant) -> Self {
        let station = number % setup.stations.len();
        Self {
            http,
            setup,
            station,
            deadline,
            rng: XorShift::seeded(number as u64),
            mine: Vec::new(),
            samples: Vec::new(),
            failures: Vec::new(),
            created: 0,
            number,
        }
    }

    fn station(&self) -> &Station {
        &self.setup.stations[self.station]
    }

    async fn run(mut self) -> (Vec<Sample>, Vec<String>) {
        let month = Month::current().to_string();
        while Instant::now() < self.deadline {
            match self.pick() {
                Action::Get(kind) => {
                    let path = match kind {
                        Kind::Dashboard => "/api/dashboard".to_string(),
                        Kind::ListActivities => "/api/activities?limit=20".to_string(),
                        Kind::Workers => "/api/workers".to_string(),
                        Kind::Clients => "/api/clients".to_string(),
                        Kind::Notices => "/api/notices".to_string(),
                        _ => format!("/api/summaries/{month}"),
                    };
                    self.request(kind, Method::GET, &path, None).await;
                }
                Action::Create => self.create().await,
                Action::Edit if self.mine.is_empty() => self.create().await,
                Action::Edit => self.edit().await,
            }
        }
        (self.samples, self.failures)
    }

    fn pick(&mut self) -> Action {
        let total: u32 = MIX.iter().map(|(_, w)| w).sum();
        let mut roll = self.rng.below(total as u64) as u32;
        for (action, weight) in MIX {
            if roll < weight {
                return action;
            }
            roll -= weight;
        }
        Action::Get(Kind::Dashboard)
    }

    async fn create(&mut self) {
        let category = CATEGORIES[self.rng.below(CATEGORIES.len() as u64) as usize];
        let body = self.activity(category);
        let answer =
            self.request(Kind::CreateActivity, Method::POST, "/api/activities", Some(&body));
        if let Some(created) = answer.await
            && let Some(id) = created.body["id"].as_str()
        {
            self.mine.push(Mine { id: id.to_string(), category });
        }
    }

    /// Opens one of this user's activities and saves a changed version of it with the
    /// version it read: status, dates, people and counts all move, so do the counters.
    async fn edit(&mut self) {
        let pick = &self.mine[self.rng.below(self.mine.len() as u64) as usize];
        let (path, category) = (format!("/api/activities/{}", pick.id), pick.category);
        let Some(read) = self.request(Kind::ReadActivity, Method::GET, &path, None).await else {
            return;
        };
        let Some(version) = read.body["version"].as_u64() else { return };
        let mut body = self.activity(category);
        body["version"] = json!(version);
        self.request(Kind::UpdateActivity, Method::PUT, &path, Some(&body)).await;
    }

    /// A valid activity of `category` with random people, status, month and counts.
    fn activity(&mut self, category: &str) -> Value {
        self.created += 1;
        let title = format!("压测活动{}-{}", self.number, self.created);
        let station = self.station();
        let (workers, clients) = (station.workers.clone(), station.clients.clone());
        let finished = self.rng.below(2) == 0;
        // Most in this month, some in the last: edits then move counts between months.
        let start = if self.rng.below(4) == 0 {
            Month::current().previous().first_day().saturating_add(jiff::ToSpan::days(14))
        } else {
            china_today()
        }
        .to_string();
        let lead = self.rng.below(workers.len() as u64) as usize;
        let others: Vec<&String> = workers
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != lead && self.rng.below(2) == 0)
            .map(|(_, w)| w)
            .collect();
        let recipients = match category {
            "case_management" => 1,
            "group_work" | "home_visit" | "resource_linkage" => 1 + self.rng.below(3) as usize,
            _ => self.rng.below(3) as usize,
        };
        let first = self.rng.below(clients.len() as u64) as usize;
        let client_ids: Vec<&String> =
            (0..recipients).map(|k| &clients[(first + k) % clients.len()]).collect();
        json!({
            "title": title, "category": category,
            "status": if finished { "finished" } else { "ongoing" },
            "start_date": start, "end_date": if finished { Some(&start) } else { None },
            "location": "压测社区", "lead_worker_id": workers[lead], "worker_ids": others,
            "client_ids": client_ids, "unregistered_participants": self.rng.below(6),
            "description": "", "details": details(category),
            "summary": if finished { summary(category) } else { Value::Null },
        })
    }

    /// Sends one request and records it; answers the response when it was a 2xx.
    async fn request(
        &mut self,
        kind: Kind,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Option<Answer> {
        let token = self.station().token.clone();
        let sent = Instant::now();
        let result = self.http.send(method, path, Some(&token), body).await;
        let latency = sent.elapsed();
        let (outcome, ok) = match result {
            Ok(answer) if (200..300).contains(&answer.status) => (Outcome::Ok, Some(answer)),
            Ok(answer) => {
                let outcome = match answer.status {
                    409 => Outcome::Conflict,
                    500.. => Outcome::ServerError,
                    _ => Outcome::UnexpectedClientError,
                };
                if outcome != Outcome::Conflict {
                    let status = answer.status;
                    self.note(format!("{} → {status} {}", kind.label(), answer.error_summary()));
                }
                (outcome, None)
            }
            Err(error) => {
                let what = if error.is_timeout() { "timed out" } else { "transport error" };
                self.note(format!("{} → {what}: {}", kind.label(), error.without_url()));
                (Outcome::Transport, None)
            }
        };
        self.samples.push(Sample { kind, latency, outcome });
        ok
    }

    fn note(&mut self, failure: String) {
        if self.failures.len() < FAILURES_KEPT && !self.failures.contains(&failure) {
            self.failures.push(failure);
        }
    }
}

/// Valid 基本信息 of a category (the category table's field keys and option codes).
fn details(category: &str) -> Value {
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
        "resource_linkage" => json!({"need_description": "助学需求",
            "referral_agency": "区慈善总会", "resource_type": "funds"}),
        _ => json!({"team": "青年志愿者服务队", "content": "环境清扫"}),
    }
}

/// A valid 总结记录 of a category.
fn summary(category: &str) -> Value {
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
        _ => json!({"volunteers": 12, "hours": 3.5}),
    }
}

/// A small deterministic generator: each user's mix is reproducible from its number, and
/// the load needs no cryptographic randomness.
struct XorShift(u64);

impl XorShift {
    fn seeded(n: u64) -> Self {
        Self(0x9E37_79B9_7F4A_7C15 ^ (n.wrapping_add(1)).wrapping_mul(0xBF58_476D_1CE4_E5B9))
    }

    /// A number in `0..bound` (`bound` at least 1).
    fn below(&mut self, bound: u64) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x % bound.max(1)
    }
}
