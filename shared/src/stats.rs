//! A station's running totals (服务数据统计), kept as counters on one item per station
//! (`STATION#<sid>` / `STATS#ALL`) and moved with `ADD` in the same transaction as the
//! change they count, so the dashboard reads them with one GetItem.

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};

use crate::store::{Store, keys, n, s};

/// The totals item. Counters that were never moved are absent and read as 0.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct StationTotals {
    /// 服务对象人数: the station's registered (not hidden) clients now.
    #[serde(default)]
    pub clients: i64,
}

/// The Update that moves a station's client count by `delta` (+1 on create, -1 on delete
/// or hide). Creates the totals item on first use.
pub fn clients_delta(
    store: &Store,
    station_id: &str,
    delta: i64,
) -> anyhow::Result<TransactWriteItem> {
    let (pk, sk) = keys::station_stats(station_id);
    store.update(
        &pk,
        &sk,
        "SET #kind = :kind ADD clients :d",
        &[("#kind", "kind")],
        vec![(":kind", s("station_totals")), (":d", n(delta))],
    )
}

impl Store {
    /// A station's totals; all zero before anything was counted.
    pub async fn station_totals(&self, station_id: &str) -> anyhow::Result<StationTotals> {
        let (pk, sk) = keys::station_stats(station_id);
        Ok(self.get(&pk, &sk).await?.unwrap_or_default())
    }
}
