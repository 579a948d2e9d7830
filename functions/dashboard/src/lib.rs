//! 工作台: a station's dashboard — the latest notices, the ongoing activities, the current
//! workers and the statistics for all time and for this month.
//!
//! Its storage cost does not grow with the number of activities or notices: besides the
//! token check (one GetItem), one BatchGetItem reads the two statistics items together
//! with the heads of the station's five notice feeds and its read set
//! (`swz_shared::notices::dashboard_notice_keys`), and one Query reads the station's
//! ongoing-activity copies and its workers together (`Store::board`). The two run
//! concurrently. The station's township, which names its notice feeds, comes from the
//! token; a token issued without it costs one GetItem of the station more.

use axum::extract::State;
use axum::{Json, Router};
use serde::Serialize;
use swz_shared::activities::dashboard_periods;
use swz_shared::categories::category;
use swz_shared::domain::{Position, QualificationLevel};
use swz_shared::notices::{DASHBOARD_NOTICES, dashboard_notice_keys, dashboard_notices};
use swz_shared::stats::{Stats, stats_keys, stats_of_items};
use swz_shared::{ApiResult, App, Caller};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// How many ongoing activities the dashboard lists (latest start first).
pub const ONGOING_SHOWN: usize = 10;

/// The routes this function serves, with their OpenAPI description.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(dashboard))
}

/// The routes this function serves.
pub fn router() -> Router<App> {
    api().into()
}

/// An ongoing activity on the dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct OngoingActivity {
    id: String,
    title: String,
    category: String,
    category_label: &'static str,
    #[schema(format = Date)]
    start_date: String,
    location: String,
    lead_worker_id: String,
    lead_worker_name: String,
}

/// A current worker on the dashboard.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardWorker {
    id: String,
    name: String,
    position: Position,
    qualification_level: QualificationLevel,
    #[schema(format = Date)]
    hired_on: String,
}

/// `{all_time, this_month}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct DashboardStats {
    all_time: Stats,
    this_month: Stats,
}

/// The answer of `GET /api/dashboard`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Dashboard {
    /// The latest notices with read flags (`swz_shared::notices`).
    notices: Vec<swz_shared::notices::NoticeSummary>,
    ongoing_activities: Vec<OngoingActivity>,
    /// How many activities are ongoing in all, of which `ongoing_activities` shows the
    /// latest few.
    ongoing_total: usize,
    workers: Vec<DashboardWorker>,
    stats: DashboardStats,
}

/// `GET /api/dashboard`.
#[utoipa::path(get, path = "/api/dashboard", tag = "dashboard",
    responses((status = 200, description = "工作台：最新通知、进行中的服务、任职社工、服务数据统计", body = Dashboard)))]
pub async fn dashboard(State(app): State<App>, caller: Caller) -> ApiResult<Json<Dashboard>> {
    let scope = caller.station()?;
    let station_id = scope.station_id();
    let township = match scope.township() {
        Some(township) => Some(township.clone()),
        None => app.store.station(station_id).await?.map(|s| s.region_code),
    };
    let periods = dashboard_periods();
    let mut keys = stats_keys(station_id, &periods);
    if let Some(township) = &township {
        keys.extend(dashboard_notice_keys(station_id, township));
    }
    // Two independent reads, at once: the latency is the slower of them.
    let (items, board) = tokio::try_join!(app.store.get_items(&keys), app.store.board(station_id))?;
    let notices = dashboard_notices(&items, DASHBOARD_NOTICES)?;
    let mut stats = stats_of_items(&items, &periods).into_iter();
    let all_time = stats.next().unwrap_or_default();
    let this_month = stats.next().unwrap_or_default();

    // The lead's name as the workers panel shows it now (a worker renamed after the
    // activity was saved), else the name saved with the activity.
    let current_names: std::collections::HashMap<&str, &str> =
        board.workers.iter().map(|w| (w.id.as_str(), w.name.as_str())).collect();
    let ongoing_total = board.underway.len();
    let ongoing_activities = board
        .underway
        .into_iter()
        .take(ONGOING_SHOWN)
        .map(|u| OngoingActivity {
            category_label: category(&u.category).map(|c| c.label).unwrap_or(""),
            id: u.id,
            title: u.title,
            category: u.category,
            start_date: u.start_date,
            location: u.location,
            lead_worker_name: current_names
                .get(u.lead_worker_id.as_str())
                .map_or(u.lead_worker_name, |name| name.to_string()),
            lead_worker_id: u.lead_worker_id,
        })
        .collect();
    let workers = board
        .workers
        .into_iter()
        .map(|w| DashboardWorker {
            id: w.id,
            name: w.name,
            position: w.position,
            qualification_level: w.qualification_level,
            hired_on: w.hired_on,
        })
        .collect();
    Ok(Json(Dashboard {
        notices,
        ongoing_activities,
        ongoing_total,
        workers,
        stats: DashboardStats { all_time, this_month },
    }))
}
