//! The month's figures of a summary (服务活动, 服务人员, 累计人次, 社工参与人次 and the
//! rest of API.md's stats object), from the activities module's shared statistics: live
//! on a summary that can still change, frozen at submission.
//!
//! Frozen figures are kept on the summary as the JSON of the stats object, so a summary
//! submitted today reads the same after the stats type gains a field.

use anyhow::Context;
use swz_shared::App;
use swz_shared::domain::Month;
use swz_shared::stats::StatsPeriod;

/// The station's statistics for `month`, as they stand now (one BatchGet).
pub async fn live(app: &App, station_id: &str, month: Month) -> anyhow::Result<serde_json::Value> {
    let stats = app
        .store
        .station_stats(station_id, &[StatsPeriod::Month(month)])
        .await?
        .into_iter()
        .next()
        .context("the statistics of one period")?;
    serde_json::to_value(stats).context("serialising statistics")
}
