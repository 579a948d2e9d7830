//! `POST /api/admin/recount`: an administrator rebuilds a station's statistics counters
//! from its activities, and sees the recomputed figures. The counters are kept exact on
//! every activity write; this is the repair and the proof.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use swz_shared::activities::ActivityRecord;
use swz_shared::domain::Month;
use swz_shared::people::ClientRecord;
use swz_shared::stats::{Stats, StatsPeriod, recount as recount_figures};
use swz_shared::store::{Index, Query, keys};
use swz_shared::{ApiError, ApiResult, App, Caller};

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct RecountRequest {
    #[serde(default)]
    station_id: Option<String>,
}

/// One month's recomputed figures.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MonthStats {
    #[schema(value_type = String)]
    month: Month,
    stats: Stats,
}

/// The answer: how many activities were counted, all-time figures and every month's.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecountView {
    station_id: String,
    activities_counted: usize,
    all_time: Stats,
    /// The current month in China, whether or not it has activities.
    this_month: Stats,
    months: Vec<MonthStats>,
}

/// `POST /api/admin/recount`.
#[utoipa::path(post, path = "/api/admin/recount", tag = "admin", request_body = RecountRequest,
    responses((status = 200, description = "重新计算后的统计数据", body = RecountView)))]
pub async fn recount(
    State(app): State<App>,
    caller: Caller,
    swz_shared::http::Body(request): swz_shared::http::Body<RecountRequest>,
) -> ApiResult<Json<RecountView>> {
    let region = caller.admin_region()?;
    let station_id = request.station_id.as_deref().map(str::trim).unwrap_or("");
    if station_id.is_empty() {
        return Err(ApiError::field("station_id", "请选择社工站"));
    }
    let station = app.store.station_in(station_id, &region).await?.ok_or(ApiError::NotFound)?;

    // The table's own partition, read consistently: an index could lag behind.
    let (pk, _) = keys::station(&station.id);
    let query = Query::new(Index::Table, pk).begins_with("ACTIVITY#");
    let activities: Vec<ActivityRecord> = app.store.query_all(&query).await?;
    let figures =
        activities.iter().map(ActivityRecord::figures).collect::<anyhow::Result<Vec<_>>>()?;
    // 各类型人群服务人次 counts recipients under their 人群类型 now.
    let query =
        Query::new(Index::Table, keys::station(&station.id).0).begins_with(keys::CLIENT_PREFIX);
    let clients: Vec<ClientRecord> = app.store.query_all(&query).await?;
    let current_types = clients.into_iter().map(|c| (c.id, c.population_types)).collect();
    let fresh = recount_figures(&figures, &current_types);
    app.store.rebuild_stats(&station.id, &fresh).await?;
    let audit =
        app.store.audit(&caller.actor(), "recount", "station", &station.id, Some(&station.id))?;
    app.store.transact(vec![audit]).await.map_err(|e| swz_shared::store::tx_error(e, &[]))?;

    let this_month = StatsPeriod::Month(Month::current());
    let mut periods: Vec<StatsPeriod> = vec![StatsPeriod::AllTime, this_month];
    let months: Vec<Month> = fresh
        .counters
        .keys()
        .filter_map(|p| match p {
            StatsPeriod::Month(m) => Some(*m),
            StatsPeriod::AllTime => None,
        })
        .collect();
    periods.extend(months.iter().map(|m| StatsPeriod::Month(*m)));
    let mut stats = Vec::new();
    // One batch read takes 100 keys; a station rarely has more than a few years of months.
    for chunk in periods.chunks(99) {
        stats.extend(app.store.station_stats(&station.id, chunk).await?);
    }
    let mut stats = stats.into_iter();
    let all_time = stats.next().unwrap_or_default();
    let this_month_stats = stats.next().unwrap_or_default();
    let months =
        months.into_iter().zip(stats).map(|(month, stats)| MonthStats { month, stats }).collect();
    tracing::info!(station_id = %station.id, activities = activities.len(), "stats recounted");
    Ok(Json(RecountView {
        station_id: station.id,
        activities_counted: activities.len(),
        all_time,
        this_month: this_month_stats,
        months,
    }))
}
