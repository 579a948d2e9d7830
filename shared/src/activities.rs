//! 服务活动: the activity record and the small copies of it that other reads use. Written
//! by `functions/activities`; read by the dashboard and the benchmark.
//!
//! An activity lives at `STATION#<sid>` / `ACTIVITY#<id>`. It snapshots the population
//! types of each linked recipient when it is written, so the statistics it contributed
//! can be taken back exactly later (a recipient's types may change in between), and the
//! recount computes the same numbers the counters hold.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::categories::ActivityStatus;
use crate::domain::{Month, PopulationType, parse_date};
use crate::people::{ActivitySummary, WorkerRecord};
use crate::stats::{ActivityFigures, StatsPeriod};
use crate::store::{Item, Store, from_item, keys, s};

/// A service activity (服务活动) of one station.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActivityRecord {
    /// `STATION#<sid>` / `ACTIVITY#<id>`.
    pub pk: String,
    pub sk: String,
    /// `ACTIVITIES#<sid>` / `<start date>#<id>`: every activity, by start date.
    pub gsi1pk: String,
    pub gsi1sk: String,
    /// `ACTIVITIES#<sid>#<category>` / `<start date>#<id>`: one category, by start date.
    pub gsi2pk: String,
    pub gsi2sk: String,
    pub kind: String,
    pub id: String,
    pub station_id: String,
    pub title: String,
    /// The category code (see `categories`).
    pub category: String,
    pub status: ActivityStatus,
    pub start_date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    pub location: String,
    pub lead_worker_id: String,
    /// The lead's name when the activity was last written, for lists.
    #[serde(default)]
    pub lead_worker_name: String,
    /// Participating workers (参与社工), without repeats; may include the lead.
    #[serde(default)]
    pub worker_ids: Vec<String>,
    /// Linked recipients (服务对象), without repeats.
    #[serde(default)]
    pub client_ids: Vec<String>,
    /// 未登记参与人数.
    #[serde(default)]
    pub unregistered_participants: u64,
    #[serde(default)]
    pub description: String,
    /// 基本信息, checked against the category.
    #[serde(default)]
    pub details: Map<String, Value>,
    /// 总结记录: present exactly while the activity is finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Map<String, Value>>,
    /// Each linked recipient's population types when the activity was last written.
    #[serde(default)]
    pub client_population_types: BTreeMap<String, Vec<PopulationType>>,
    pub version: u64,
    pub created_at: String,
    pub updated_at: String,
}

impl ActivityRecord {
    /// Sets the keys and index keys from the station, id, category and start date.
    pub fn index(&mut self) {
        let (pk, sk) = keys::activity(&self.station_id, &self.id);
        self.pk = pk;
        self.sk = sk;
        self.gsi1pk = keys::activities_gsi1(&self.station_id);
        self.gsi1sk = format!("{}#{}", self.start_date, self.id);
        self.gsi2pk = keys::activities_category_gsi2(&self.station_id, &self.category);
        self.gsi2sk = self.gsi1sk.clone();
    }

    pub fn is_ongoing(&self) -> bool {
        self.status == ActivityStatus::Ongoing
    }

    /// The month of the start date, which the activity counts in.
    pub fn month(&self) -> anyhow::Result<Month> {
        let date = parse_date(&self.start_date)
            .map_err(|_| anyhow::anyhow!("stored activity has a malformed start date"))?;
        Ok(Month::of(date))
    }

    /// Every worker on the activity: the lead and the participants, without repeats.
    pub fn all_worker_ids(&self) -> BTreeSet<&str> {
        std::iter::once(self.lead_worker_id.as_str())
            .chain(self.worker_ids.iter().map(String::as_str))
            .collect()
    }

    /// What this activity counts in the statistics.
    pub fn figures(&self) -> anyhow::Result<ActivityFigures> {
        Ok(ActivityFigures {
            month: self.month()?,
            category: self.category.clone(),
            ongoing: self.is_ongoing(),
            workers: self.all_worker_ids().len() as u64,
            unregistered: self.unregistered_participants,
            clients: self
                .client_ids
                .iter()
                .map(|id| {
                    let types = self.client_population_types.get(id).cloned().unwrap_or_default();
                    (id.clone(), types)
                })
                .collect(),
        })
    }

    /// The summary a client's link to this activity carries.
    pub fn link_summary(&self) -> ActivitySummary {
        ActivitySummary {
            id: self.id.clone(),
            title: self.title.clone(),
            category: self.category.clone(),
            status: self.status.code().to_string(),
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
        }
    }

    /// The dashboard's copy of this activity, while it is ongoing.
    pub fn underway(&self) -> Option<UnderwayRecord> {
        if !self.is_ongoing() {
            return None;
        }
        let (pk, sk) = keys::underway(&self.station_id, &self.start_date, &self.id);
        Some(UnderwayRecord {
            pk,
            sk,
            kind: "activity_underway".into(),
            id: self.id.clone(),
            title: self.title.clone(),
            category: self.category.clone(),
            start_date: self.start_date.clone(),
            location: self.location.clone(),
            lead_worker_id: self.lead_worker_id.clone(),
            lead_worker_name: self.lead_worker_name.clone(),
        })
    }
}

/// `STATION#<sid>` / `UNDERWAY#<start date>#<id>`: an ongoing activity as the dashboard
/// shows it. Written with the activity while it is ongoing, deleted when it finishes or
/// is deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnderwayRecord {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub id: String,
    pub title: String,
    pub category: String,
    pub start_date: String,
    pub location: String,
    pub lead_worker_id: String,
    pub lead_worker_name: String,
}

/// What the dashboard reads from the station partition besides the counters.
#[derive(Debug, Default)]
pub struct Board {
    /// Ongoing activities, latest start first.
    pub underway: Vec<UnderwayRecord>,
    /// Current workers, in the order the partition keeps them (oldest record first).
    pub workers: Vec<WorkerRecord>,
}

impl Store {
    /// An activity of a station; `None` when it does not exist there.
    pub async fn activity(
        &self,
        station_id: &str,
        id: &str,
    ) -> anyhow::Result<Option<ActivityRecord>> {
        let (pk, sk) = keys::activity(station_id, id);
        self.get(&pk, &sk).await
    }

    /// The ongoing activities and the current workers of a station, with ONE query: the
    /// sort-key range from `UNDERWAY#` to just above `WORKER#…` holds exactly those two
    /// item types (and departed workers, left out here). Ongoing activities are few
    /// (they finish), workers are tens, so the answer is one page; a station with so many
    /// ongoing activities that it is not is still read whole, in more requests.
    pub async fn board(&self, station_id: &str) -> anyhow::Result<Board> {
        let (pk, _) = keys::station(station_id);
        let mut board = Board::default();
        let mut start: Option<Item> = None;
        loop {
            let response = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk BETWEEN :lo AND :hi")
                .expression_attribute_values(":pk", s(pk.clone()))
                .expression_attribute_values(":lo", s(keys::UNDERWAY_PREFIX))
                .expression_attribute_values(":hi", s(keys::DASHBOARD_RANGE_END))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .context("querying a station's board")?;
            for item in response.items.unwrap_or_default() {
                let sk = match item.get("sk") {
                    Some(AttributeValue::S(sk)) => sk.clone(),
                    _ => continue,
                };
                if sk.starts_with(keys::UNDERWAY_PREFIX) {
                    board.underway.push(from_item(item)?);
                } else if sk.starts_with(keys::WORKER_PREFIX) {
                    let worker: WorkerRecord = from_item(item)?;
                    if worker.is_current() {
                        board.workers.push(worker);
                    }
                }
            }
            match response.last_evaluated_key {
                Some(next) if !next.is_empty() => start = Some(next),
                _ => break,
            }
        }
        board.underway.reverse();
        Ok(board)
    }
}

/// The two periods the dashboard shows: all time and the current month in China.
pub fn dashboard_periods() -> [StatsPeriod; 2] {
    [StatsPeriod::AllTime, StatsPeriod::Month(Month::current())]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> ActivityRecord {
        let mut r = ActivityRecord {
            pk: String::new(),
            sk: String::new(),
            gsi1pk: String::new(),
            gsi1sk: String::new(),
            gsi2pk: String::new(),
            gsi2sk: String::new(),
            kind: "activity".into(),
            id: "a1".into(),
            station_id: "s1".into(),
            title: "长者健康讲座".into(),
            category: "community_activity".into(),
            status: ActivityStatus::Ongoing,
            start_date: "2026-11-05".into(),
            end_date: None,
            location: "北山社区".into(),
            lead_worker_id: "w1".into(),
            lead_worker_name: "李华".into(),
            worker_ids: vec!["w1".into(), "w2".into()],
            client_ids: vec!["c1".into(), "c2".into()],
            unregistered_participants: 12,
            description: String::new(),
            details: Map::new(),
            summary: None,
            client_population_types: BTreeMap::from([
                ("c1".into(), vec![PopulationType::Elderly]),
                ("c2".into(), vec![PopulationType::Elderly, PopulationType::Disabled]),
            ]),
            version: 1,
            created_at: String::new(),
            updated_at: String::new(),
        };
        r.index();
        r
    }

    #[test]
    fn figures_count_distinct_workers_and_snapshot_types() {
        let f = record().figures().unwrap();
        assert_eq!(f.workers, 2);
        assert_eq!(f.unregistered, 12);
        assert_eq!(f.month.to_string(), "2026-11");
        assert_eq!(f.clients["c2"], vec![PopulationType::Elderly, PopulationType::Disabled]);
    }

    #[test]
    fn keys_order_by_start_date() {
        let r = record();
        assert_eq!(r.pk, "STATION#s1");
        assert_eq!(r.sk, "ACTIVITY#a1");
        assert_eq!(r.gsi1sk, "2026-11-05#a1");
        assert_eq!(r.gsi2pk, "ACTIVITIES#s1#community_activity");
    }

    #[test]
    fn only_an_ongoing_activity_has_a_dashboard_copy() {
        let mut r = record();
        let copy = r.underway().unwrap();
        assert_eq!(copy.sk, "UNDERWAY#2026-11-05#a1");
        assert!(copy.sk.as_str() > keys::STATS_PREFIX && copy.sk.as_str() < keys::WORKER_PREFIX);
        r.status = ActivityStatus::Finished;
        assert!(r.underway().is_none());
    }

    #[test]
    fn a_record_round_trips_through_a_dynamodb_item() {
        let mut r = record();
        r.details.insert("theme".into(), Value::from("重阳"));
        r.details.insert("hours".into(), serde_json::json!(2.5));
        r.details.insert("count".into(), serde_json::json!(7));
        r.details.insert("follow".into(), Value::Bool(true));
        let item = crate::store::to_item(&r).unwrap();
        let back: ActivityRecord = from_item(item).unwrap();
        assert_eq!(back.details, r.details);
        assert_eq!(back.client_population_types, r.client_population_types);
    }
}
