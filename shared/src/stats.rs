//! A station's running totals (服务数据统计), kept as counters on one item per station
//! (`STATION#<sid>` / `STATS#ALL`) and moved with `ADD` in the same transaction as the
//! change they count, so the dashboard reads them with one GetItem.

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};

use crate::store::{Item, Store, keys, n, s};

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

// ---------------------------------------------------------------------------------------
// Activity statistics (服务数据统计), as PRODUCT.md "Statistics: exact definitions" has them.
//
// Counters live on `STATION#<sid>` / `STATS#ALL` (all time, beside `clients` above) and on
// `STATION#<sid>` / `STATS#<YYYY-MM>` (the month of an activity's start date). Each activity
// write moves them with `ADD` by the difference between what the activity counted before
// and what it counts after, in the activity's own transaction. `served_people` (distinct
// recipients) needs to know whether a recipient was already counted in a period: one
// `STATION#<sid>` / `SERVED#<client id>` item per recipient holds, per period, how many
// activities link them, and its 0→1 and 1→0 transitions move `served_people`. The same item
// holds the population types the recipient is counted under (their current 人群类型), so
// `by_population_type` moves by the link counts: when an activity links or unlinks them,
// and when the people module changes their types. Those items are written under
// optimistic conditions, so a concurrent write makes the activity write retry rather than
// miscount.
// ---------------------------------------------------------------------------------------

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::Context;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::domain::{Month, PopulationType};

/// The `by_population_type` key of people served who are not registered recipients.
pub const UNREGISTERED: &str = "unregistered";

/// The statistics of one period, serialised exactly as API.md's `stats` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stats {
    /// 服务活动数量.
    pub activities: u64,
    /// 社工参与人次: per activity, its distinct workers (lead and participants), summed.
    pub worker_participations: u64,
    /// 服务人次 / 累计人次: per activity, linked recipients plus unregistered participants.
    pub person_times: u64,
    /// 服务人员: distinct recipients linked to the period's activities.
    pub served_people: u64,
    /// 服务对象人数: registered (not hidden) recipients at the station now.
    pub clients: u64,
    /// 各类型人群服务人次: every population code and `unregistered`, zeros included.
    pub by_population_type: BTreeMap<String, u64>,
}

impl Default for Stats {
    fn default() -> Self {
        let mut by_population_type: BTreeMap<String, u64> =
            PopulationType::ALL.iter().map(|p| (p.code().to_string(), 0)).collect();
        by_population_type.insert(UNREGISTERED.into(), 0);
        Self {
            activities: 0,
            worker_participations: 0,
            person_times: 0,
            served_people: 0,
            clients: 0,
            by_population_type,
        }
    }
}

/// A period statistics are kept for: all time, or the calendar month of start dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatsPeriod {
    AllTime,
    Month(Month),
}

impl StatsPeriod {
    /// The period's name in keys and in served-reference counts: `ALL` or `YYYY-MM`.
    pub fn key(self) -> String {
        match self {
            Self::AllTime => "ALL".into(),
            Self::Month(month) => month.to_string(),
        }
    }

    fn from_key(key: &str) -> Option<Self> {
        if key == "ALL" { Some(Self::AllTime) } else { Month::parse(key).ok().map(Self::Month) }
    }

    /// The key of the period's counter item.
    pub fn item_key(self, station_id: &str) -> (String, String) {
        match self {
            Self::AllTime => keys::station_stats(station_id),
            Self::Month(month) => keys::station_month_stats(station_id, &month.to_string()),
        }
    }
}

/// Counter attribute names on the stats items.
pub mod attr {
    pub const ACTIVITIES: &str = "activities";
    pub const WORKER_PARTICIPATIONS: &str = "worker_participations";
    pub const PERSON_TIMES: &str = "person_times";
    pub const SERVED_PEOPLE: &str = "served_people";
    pub const CLIENTS: &str = "clients";

    /// Person-times of a population type (or `unregistered`).
    pub fn population(code: &str) -> String {
        format!("pt_{code}")
    }

    /// Activities of a category.
    pub fn category(code: &str) -> String {
        format!("cat_{code}")
    }

    /// Ongoing activities of a category (only kept on the all-time item is meaningful,
    /// but kept on month items too, where it is harmless).
    pub fn category_ongoing(code: &str) -> String {
        format!("cat_{code}_ongoing")
    }
}

/// The raw counters of one stats item: attribute → value. Absent counters are 0.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters(pub BTreeMap<String, i64>);

impl Counters {
    pub fn get(&self, name: &str) -> u64 {
        self.0.get(name).copied().unwrap_or(0).max(0) as u64
    }

    fn from_item(item: &HashMap<String, AttributeValue>) -> Self {
        Self(
            item.iter()
                .filter_map(|(k, v)| match v {
                    AttributeValue::N(n) => n.parse::<i64>().ok().map(|n| (k.clone(), n)),
                    _ => None,
                })
                .collect(),
        )
    }

    /// The API's statistics from these counters, with `clients` from the all-time item.
    pub fn stats(&self, clients: u64) -> Stats {
        let mut stats = Stats {
            activities: self.get(attr::ACTIVITIES),
            worker_participations: self.get(attr::WORKER_PARTICIPATIONS),
            person_times: self.get(attr::PERSON_TIMES),
            served_people: self.get(attr::SERVED_PEOPLE),
            clients,
            ..Stats::default()
        };
        for (code, n) in stats.by_population_type.iter_mut() {
            *n = self.get(&attr::population(code));
        }
        stats
    }

    fn add(&mut self, name: impl Into<String>, delta: i64) {
        *self.0.entry(name.into()).or_insert(0) += delta;
    }
}

/// What one activity counts: the input of every statistic. Two of these (before and
/// after a write) give the counter changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityFigures {
    /// The month of the start date.
    pub month: Month,
    pub category: String,
    pub ongoing: bool,
    /// Distinct workers: the lead and the participants.
    pub workers: u64,
    /// 未登记参与人数.
    pub unregistered: u64,
    /// Linked recipients with their population types as read when the activity was
    /// saved: what a recipient is counted under when no served-reference item says.
    pub clients: BTreeMap<String, Vec<PopulationType>>,
}

impl ActivityFigures {
    /// The counters this activity adds to each period it belongs to, aside from those
    /// that depend on its recipients' served-reference items: `served_people` and the
    /// population types of registered recipients (see [`population_changes`]).
    pub fn counters(&self) -> Counters {
        let mut c = Counters::default();
        c.add(attr::ACTIVITIES, 1);
        c.add(attr::WORKER_PARTICIPATIONS, self.workers as i64);
        c.add(attr::PERSON_TIMES, (self.clients.len() as u64 + self.unregistered) as i64);
        c.add(attr::population(UNREGISTERED), self.unregistered as i64);
        c.add(attr::category(&self.category), 1);
        if self.ongoing {
            c.add(attr::category_ongoing(&self.category), 1);
        }
        c
    }

    fn periods(&self) -> [StatsPeriod; 2] {
        [StatsPeriod::AllTime, StatsPeriod::Month(self.month)]
    }
}

/// Per period, how each counter moves when an activity goes from `old` to `new` (`None`
/// for "did not exist" and "no longer exists"). Zero moves are left out.
pub fn counter_changes(
    old: Option<&ActivityFigures>,
    new: Option<&ActivityFigures>,
) -> BTreeMap<StatsPeriod, Counters> {
    let mut changes: BTreeMap<StatsPeriod, Counters> = BTreeMap::new();
    for (figures, sign) in [(old, -1), (new, 1)] {
        let Some(figures) = figures else { continue };
        let counters = figures.counters();
        for period in figures.periods() {
            let entry = changes.entry(period).or_default();
            for (name, value) in &counters.0 {
                entry.add(name.clone(), sign * value);
            }
        }
    }
    for counters in changes.values_mut() {
        counters.0.retain(|_, v| *v != 0);
    }
    changes.retain(|_, c| !c.0.is_empty());
    changes
}

/// Per recipient and period, how many more (or fewer) activities link them after the
/// write. Zero moves are left out.
pub fn served_changes(
    old: Option<&ActivityFigures>,
    new: Option<&ActivityFigures>,
) -> BTreeMap<String, BTreeMap<StatsPeriod, i64>> {
    let mut changes: BTreeMap<String, BTreeMap<StatsPeriod, i64>> = BTreeMap::new();
    for (figures, sign) in [(old, -1), (new, 1)] {
        let Some(figures) = figures else { continue };
        for client in figures.clients.keys() {
            for period in figures.periods() {
                *changes.entry(client.clone()).or_default().entry(period).or_insert(0) += sign;
            }
        }
    }
    for periods in changes.values_mut() {
        periods.retain(|_, d| *d != 0);
    }
    changes.retain(|_, p| !p.is_empty());
    changes
}

/// How the population counters move when a recipient counted under `types` is linked
/// `moves` more (or fewer) times per period: each link adds 1 to each of their types.
pub fn population_changes(
    types: &[PopulationType],
    moves: &BTreeMap<StatsPeriod, i64>,
) -> BTreeMap<StatsPeriod, Counters> {
    let distinct: BTreeSet<&PopulationType> = types.iter().collect();
    let mut changes: BTreeMap<StatsPeriod, Counters> = BTreeMap::new();
    for (period, delta) in moves {
        for t in &distinct {
            changes.entry(*period).or_default().add(attr::population(t.code()), *delta);
        }
    }
    changes
}

/// How the population counters move when a recipient linked `counts` times per period
/// (period key → links) changes from the types `old` to `new`.
pub fn retype_changes(
    counts: &BTreeMap<String, i64>,
    old: &[PopulationType],
    new: &[PopulationType],
) -> BTreeMap<StatsPeriod, Counters> {
    let links: BTreeMap<StatsPeriod, i64> =
        counts.iter().filter_map(|(k, c)| StatsPeriod::from_key(k).map(|p| (p, *c))).collect();
    let unlinks: BTreeMap<StatsPeriod, i64> = links.iter().map(|(p, c)| (*p, -c)).collect();
    let mut changes = population_changes(new, &links);
    merge(&mut changes, population_changes(old, &unlinks));
    changes
}

/// Adds counter moves to others, dropping the counters (and periods) they bring to zero.
fn merge(into: &mut BTreeMap<StatsPeriod, Counters>, moves: BTreeMap<StatsPeriod, Counters>) {
    for (period, counters) in moves {
        let entry = into.entry(period).or_default();
        for (name, value) in counters.0 {
            entry.add(name, value);
        }
        entry.0.retain(|_, v| *v != 0);
        if entry.0.is_empty() {
            into.remove(&period);
        }
    }
}

/// `STATION#<sid>` / `SERVED#<client id>`: per period, how many activities link the
/// recipient, and the population types they are counted under. Its version guards the
/// read-modify-write.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServedRecord {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub client_id: String,
    /// Period key (`ALL`, `YYYY-MM`) → activities linking the recipient in it (> 0).
    pub counts: BTreeMap<String, i64>,
    /// The recipient's population types as the counters have them.
    #[serde(default)]
    pub types: Vec<PopulationType>,
    pub version: u64,
}

/// The writes to the served-reference items of an activity write, and how
/// `served_people` and the population counters move per period as a result.
#[derive(Default)]
pub struct ServedPlan {
    pub writes: Vec<TransactWriteItem>,
    pub served_people: BTreeMap<StatsPeriod, i64>,
    pub population: BTreeMap<StatsPeriod, Counters>,
}

/// Applies per-period count moves to one recipient's counts; answers how
/// `served_people` moves per period (+1 for 0→n, -1 for n→0).
pub fn apply_served(
    counts: &mut BTreeMap<String, i64>,
    moves: &BTreeMap<StatsPeriod, i64>,
) -> BTreeMap<StatsPeriod, i64> {
    let mut served = BTreeMap::new();
    for (period, delta) in moves {
        let before = counts.get(&period.key()).copied().unwrap_or(0);
        let after = (before + delta).max(0);
        if before == 0 && after > 0 {
            served.insert(*period, 1);
        } else if before > 0 && after == 0 {
            served.insert(*period, -1);
        }
        if after == 0 {
            counts.remove(&period.key());
        } else {
            counts.insert(period.key(), after);
        }
    }
    served
}

impl Store {
    /// Reads the served-reference items of the recipients whose counts move, and plans
    /// their conditional writes. A concurrent change to any of them fails the
    /// transaction, and the caller retries the whole write. A recipient without an item
    /// is counted under the types in `types_read` (what the activity write read).
    pub async fn plan_served(
        &self,
        station_id: &str,
        changes: &BTreeMap<String, BTreeMap<StatsPeriod, i64>>,
        types_read: &BTreeMap<String, Vec<PopulationType>>,
    ) -> anyhow::Result<ServedPlan> {
        let mut plan = ServedPlan::default();
        if changes.is_empty() {
            return Ok(plan);
        }
        let item_keys: Vec<_> = changes.keys().map(|c| keys::served(station_id, c)).collect();
        let existing: Vec<ServedRecord> = self.get_many(&item_keys).await?;
        let existing: HashMap<String, ServedRecord> =
            existing.into_iter().map(|r| (r.client_id.clone(), r)).collect();
        for (client_id, moves) in changes {
            let before = existing.get(client_id);
            let mut counts = before.map(|r| r.counts.clone()).unwrap_or_default();
            for (period, delta) in apply_served(&mut counts, moves) {
                *plan.served_people.entry(period).or_insert(0) += delta;
            }
            let types = match before {
                Some(record) => record.types.clone(),
                None => types_read.get(client_id).cloned().unwrap_or_default(),
            };
            merge(&mut plan.population, population_changes(&types, moves));
            let (pk, sk) = keys::served(station_id, client_id);
            let write = match (before, counts.is_empty()) {
                (Some(before), true) => self.delete_versioned(&pk, &sk, before.version)?,
                (Some(before), false) => self.put_versioned(
                    &ServedRecord {
                        pk,
                        sk,
                        kind: "served_refs".into(),
                        client_id: client_id.clone(),
                        counts,
                        types,
                        version: before.version + 1,
                    },
                    before.version,
                )?,
                (None, false) => self.put_new(&ServedRecord {
                    pk,
                    sk,
                    kind: "served_refs".into(),
                    client_id: client_id.clone(),
                    counts,
                    types,
                    version: 1,
                })?,
                // Nothing was counted and nothing is: no write.
                (None, true) => continue,
            };
            plan.writes.push(write);
        }
        plan.served_people.retain(|_, d| *d != 0);
        Ok(plan)
    }

    /// The change of a recipient's population types to `new`, for the people
    /// module's transaction: their served-reference item takes the new types and the
    /// population counters move by their link counts. A recipient without one gets an
    /// item with no counts, so that an activity write that read the old types meets it
    /// and retries. `clients` moves the station's client count in the same update of the
    /// all-time item (a transaction may touch an item once). Position 0 of the answer is
    /// the conditional served-reference write.
    pub async fn retype_served(
        &self,
        station_id: &str,
        client_id: &str,
        new: &[PopulationType],
        clients: i64,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let (pk, sk) = keys::served(station_id, client_id);
        let (served, mut changes) = match self.get::<ServedRecord>(&pk, &sk).await? {
            Some(record) => {
                let changes = retype_changes(&record.counts, &record.types, new);
                let expected = record.version;
                let record = ServedRecord { types: new.to_vec(), version: expected + 1, ..record };
                (self.put_versioned(&record, expected)?, changes)
            }
            None => {
                let record = ServedRecord {
                    pk,
                    sk,
                    kind: "served_refs".into(),
                    client_id: client_id.into(),
                    counts: BTreeMap::new(),
                    types: new.to_vec(),
                    version: 1,
                };
                (self.put_new(&record)?, BTreeMap::new())
            }
        };
        changes.entry(StatsPeriod::AllTime).or_default().add(attr::CLIENTS, clients);
        let mut writes = vec![served];
        writes.extend(self.counter_writes(station_id, changes, &ServedPlan::default())?);
        Ok(writes)
    }

    /// The `ADD` updates of the stats items for counter moves plus the served-reference
    /// moves of `served`. One update per period item; none for a period that does not
    /// move.
    pub fn counter_writes(
        &self,
        station_id: &str,
        mut changes: BTreeMap<StatsPeriod, Counters>,
        served: &ServedPlan,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        for (period, delta) in &served.served_people {
            changes.entry(*period).or_default().add(attr::SERVED_PEOPLE, *delta);
        }
        merge(&mut changes, served.population.clone());
        let mut writes = Vec::new();
        for (period, counters) in changes {
            let moves: Vec<(&String, &i64)> = counters.0.iter().filter(|(_, v)| **v != 0).collect();
            if moves.is_empty() {
                continue;
            }
            let (pk, sk) = period.item_key(station_id);
            let mut names: Vec<(String, String)> = vec![("#kind".into(), "kind".into())];
            let mut values = vec![(":kind".to_string(), s(stats_kind(period)))];
            let mut adds = Vec::new();
            for (i, (name, value)) in moves.into_iter().enumerate() {
                names.push((format!("#c{i}"), name.clone()));
                values.push((format!(":c{i}"), n(*value)));
                adds.push(format!("#c{i} :c{i}"));
            }
            let expression = format!("SET #kind = :kind ADD {}", adds.join(", "));
            let names: Vec<(&str, &str)> =
                names.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let values: Vec<(&str, AttributeValue)> =
                values.iter().map(|(a, b)| (a.as_str(), b.clone())).collect();
            writes.push(self.update(&pk, &sk, &expression, &names, values)?);
        }
        Ok(writes)
    }

    /// The statistics of `periods` for a station, in the order asked, read with one
    /// BatchGetItem whatever the number of activities. `clients` always comes from the
    /// all-time item: it is "registered now" in every period.
    pub async fn station_stats(
        &self,
        station_id: &str,
        periods: &[StatsPeriod],
    ) -> anyhow::Result<Vec<Stats>> {
        let items = self.get_items(&stats_keys(station_id, periods)).await?;
        Ok(stats_of_items(&items, periods))
    }

    /// The raw counters of the periods' items (and always the all-time item), with one
    /// BatchGetItem. Items never written are absent.
    pub async fn stats_items(
        &self,
        station_id: &str,
        periods: &[StatsPeriod],
    ) -> anyhow::Result<BTreeMap<StatsPeriod, Counters>> {
        let items = self.get_items(&stats_keys(station_id, periods)).await?;
        Ok(counters_of_items(&items))
    }
}

/// The keys of the statistics items of `periods` (and always the all-time item, which
/// holds `clients`): at most 100, so that they fit one BatchGetItem with room to spare.
pub fn stats_keys(station_id: &str, periods: &[StatsPeriod]) -> Vec<(String, String)> {
    let mut wanted: BTreeSet<StatsPeriod> = periods.iter().copied().collect();
    wanted.insert(StatsPeriod::AllTime);
    wanted.iter().map(|p| p.item_key(station_id)).collect()
}

/// The counters among `items` (others are ignored), by period.
pub fn counters_of_items(items: &[Item]) -> BTreeMap<StatsPeriod, Counters> {
    items
        .iter()
        .filter_map(|item| {
            let Some(AttributeValue::S(sk)) = item.get(crate::store::SK) else { return None };
            let period = sk.strip_prefix("STATS#").and_then(StatsPeriod::from_key)?;
            Some((period, Counters::from_item(item)))
        })
        .collect()
}

/// The statistics of `periods`, in the order asked, from the items [`stats_keys`] named
/// (read along with others). A period without an item has only `clients`.
pub fn stats_of_items(items: &[Item], periods: &[StatsPeriod]) -> Vec<Stats> {
    let counters = counters_of_items(items);
    let clients = counters.get(&StatsPeriod::AllTime).map(|c| c.get(attr::CLIENTS)).unwrap_or(0);
    periods
        .iter()
        .map(|p| {
            counters
                .get(p)
                .map(|c| c.stats(clients))
                .unwrap_or_else(|| Stats { clients, ..Stats::default() })
        })
        .collect()
}

fn stats_kind(period: StatsPeriod) -> &'static str {
    match period {
        StatsPeriod::AllTime => "station_totals",
        StatsPeriod::Month(_) => "station_month_stats",
    }
}

/// Every counter recomputed from the activities themselves: what `POST
/// /api/admin/recount` writes, and what the counters kept on the way must equal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recount {
    /// Per period, every counter but `clients` (which counts recipients, not activities).
    pub counters: BTreeMap<StatsPeriod, Counters>,
    /// Per recipient, per period key, the activities that link them.
    pub served: BTreeMap<String, BTreeMap<String, i64>>,
    /// Per linked recipient, the population types they were counted under.
    pub served_types: BTreeMap<String, Vec<PopulationType>>,
}

/// Recomputes the counters of a station from all its activities, counting each linked
/// recipient under `current_types` (their 人群类型 now), or where it does not name them
/// under the types an activity read.
pub fn recount<'a>(
    activities: impl IntoIterator<Item = &'a ActivityFigures>,
    current_types: &BTreeMap<String, Vec<PopulationType>>,
) -> Recount {
    let mut out = Recount::default();
    for figures in activities {
        for (client, types) in &figures.clients {
            let types = current_types.get(client).unwrap_or(types);
            out.served_types.insert(client.clone(), types.clone());
        }
        merge(&mut out.counters, counter_changes(None, Some(figures)));
        for (client, moves) in served_changes(None, Some(figures)) {
            let counts = out.served.entry(client).or_default();
            for (period, delta) in moves {
                *counts.entry(period.key()).or_insert(0) += delta;
            }
        }
    }
    for (client, counts) in &out.served {
        for period in counts.keys().filter_map(|k| StatsPeriod::from_key(k)) {
            out.counters.entry(period).or_default().add(attr::SERVED_PEOPLE, 1);
        }
        let types = out.served_types.get(client).map(Vec::as_slice).unwrap_or_default();
        merge(&mut out.counters, retype_changes(counts, &[], types));
    }
    out
}

impl Store {
    /// Overwrites a station's activity counters and served-reference items with a
    /// recount. `clients` (kept by the people module) is left as it is. The writes are
    /// one request per item, so this is a repair for a quiet moment: an activity written
    /// while it runs may be counted twice or not at all, and a second recount fixes that.
    pub async fn rebuild_stats(&self, station_id: &str, recount: &Recount) -> anyhow::Result<()> {
        let (pk, _) = keys::station(station_id);
        let mut existing: BTreeMap<StatsPeriod, Counters> = BTreeMap::new();
        let mut start: Option<Item> = None;
        loop {
            let response = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
                .expression_attribute_values(":pk", s(pk.clone()))
                .expression_attribute_values(":prefix", s(keys::STATS_PREFIX))
                .consistent_read(true)
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .context("reading a station's stats items")?;
            for item in response.items.unwrap_or_default() {
                let Some(AttributeValue::S(sk)) = item.get(crate::store::SK) else { continue };
                if let Some(period) =
                    sk.strip_prefix(keys::STATS_PREFIX).and_then(StatsPeriod::from_key)
                {
                    existing.insert(period, Counters::from_item(&item));
                }
            }
            match response.last_evaluated_key {
                Some(next) if !next.is_empty() => start = Some(next),
                _ => break,
            }
        }
        let query = crate::store::Query::new(crate::store::Index::Table, pk.clone())
            .begins_with(keys::SERVED_PREFIX);
        let served: Vec<ServedRecord> = self.query_all(&query).await?;

        let mut writes = Vec::new();
        let periods: BTreeSet<StatsPeriod> =
            existing.keys().chain(recount.counters.keys()).copied().collect();
        let empty = Counters::default();
        for period in periods {
            let target = recount.counters.get(&period).unwrap_or(&empty);
            let before = existing.get(&period).unwrap_or(&empty);
            let mut names: Vec<(String, String)> = vec![("#kind".into(), "kind".into())];
            let mut values: Vec<(String, AttributeValue)> =
                vec![(":kind".into(), s(stats_kind(period)))];
            let mut sets = vec!["#kind = :kind".to_string()];
            let mut removes = Vec::new();
            for (i, (name, value)) in target.0.iter().enumerate() {
                names.push((format!("#s{i}"), name.clone()));
                values.push((format!(":s{i}"), n(*value)));
                sets.push(format!("#s{i} = :s{i}"));
            }
            for (i, name) in before
                .0
                .keys()
                .filter(|name| name.as_str() != attr::CLIENTS && !target.0.contains_key(*name))
                .enumerate()
            {
                names.push((format!("#r{i}"), name.clone()));
                removes.push(format!("#r{i}"));
            }
            let mut expression = format!("SET {}", sets.join(", "));
            if !removes.is_empty() {
                expression.push_str(&format!(" REMOVE {}", removes.join(", ")));
            }
            let (pk, sk) = period.item_key(station_id);
            let names: Vec<(&str, &str)> =
                names.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
            let values: Vec<(&str, AttributeValue)> =
                values.iter().map(|(a, b)| (a.as_str(), b.clone())).collect();
            writes.push(self.update(&pk, &sk, &expression, &names, values)?);
        }
        let versions: HashMap<&str, u64> =
            served.iter().map(|r| (r.client_id.as_str(), r.version)).collect();
        for record in &served {
            if !recount.served.contains_key(&record.client_id) {
                writes.push(self.delete(&record.pk, &record.sk)?);
            }
        }
        for (client_id, counts) in &recount.served {
            let (pk, sk) = keys::served(station_id, client_id);
            writes.push(self.put(&ServedRecord {
                pk,
                sk,
                kind: "served_refs".into(),
                client_id: client_id.clone(),
                counts: counts.clone(),
                types: recount.served_types.get(client_id).cloned().unwrap_or_default(),
                version: versions.get(client_id.as_str()).copied().unwrap_or(0) + 1,
            })?);
        }
        // One request per item, not transactions: the rebuild is not atomic anyway, and
        // single writes cost half a transactional write.
        for write in writes {
            self.write_one(write).await?;
        }
        Ok(())
    }

    /// Sends one transaction item as a plain PutItem, UpdateItem or DeleteItem.
    async fn write_one(&self, write: TransactWriteItem) -> anyhow::Result<()> {
        if let Some(put) = write.put() {
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(put.item().clone()))
                .send()
                .await
                .context("rebuilding stats: put")?;
        } else if let Some(update) = write.update() {
            self.client
                .update_item()
                .table_name(&self.table)
                .set_key(Some(update.key().clone()))
                .update_expression(update.update_expression())
                .set_expression_attribute_names(update.expression_attribute_names().cloned())
                .set_expression_attribute_values(update.expression_attribute_values().cloned())
                .send()
                .await
                .context("rebuilding stats: update")?;
        } else if let Some(delete) = write.delete() {
            self.client
                .delete_item()
                .table_name(&self.table)
                .set_key(Some(delete.key().clone()))
                .send()
                .await
                .context("rebuilding stats: delete")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod activity_stats_tests {
    use super::*;
    use PopulationType::*;

    fn month(m: &str) -> Month {
        Month::parse(m).unwrap()
    }

    fn figures(
        m: &str,
        category: &str,
        ongoing: bool,
        workers: u64,
        unregistered: u64,
        clients: &[(&str, &[PopulationType])],
    ) -> ActivityFigures {
        ActivityFigures {
            month: month(m),
            category: category.into(),
            ongoing,
            workers,
            unregistered,
            clients: clients.iter().map(|(id, t)| (id.to_string(), t.to_vec())).collect(),
        }
    }

    /// The counters as the write path keeps them: each write applies its changes.
    #[derive(Default)]
    struct Ledger {
        counters: BTreeMap<StatsPeriod, Counters>,
        served: BTreeMap<String, BTreeMap<String, i64>>,
        /// The types of the served-reference items.
        types: BTreeMap<String, Vec<PopulationType>>,
    }

    impl Ledger {
        fn write(&mut self, old: Option<&ActivityFigures>, new: Option<&ActivityFigures>) {
            let mut served_people: BTreeMap<StatsPeriod, i64> = BTreeMap::new();
            let mut changes = counter_changes(old, new);
            for (client, moves) in served_changes(old, new) {
                let read = new.or(old).and_then(|f| f.clients.get(&client)).cloned();
                let types = self.types.entry(client.clone()).or_insert(read.unwrap_or_default());
                merge(&mut changes, population_changes(types, &moves));
                let counts = self.served.entry(client.clone()).or_default();
                for (period, d) in apply_served(counts, &moves) {
                    *served_people.entry(period).or_insert(0) += d;
                }
                if counts.is_empty() {
                    self.served.remove(&client);
                    self.types.remove(&client);
                }
            }
            for (period, d) in served_people {
                changes.entry(period).or_default().add(attr::SERVED_PEOPLE, d);
            }
            merge(&mut self.counters, changes);
        }

        /// The people module changes a recipient's population types.
        fn retype(&mut self, client: &str, new: &[PopulationType]) {
            let old = self.types.insert(client.to_string(), new.to_vec()).unwrap_or_default();
            if let Some(counts) = self.served.get(client) {
                merge(&mut self.counters, retype_changes(counts, &old, new));
            }
        }

        fn stats(&self, period: StatsPeriod) -> Stats {
            self.counters.get(&period).cloned().unwrap_or_default().stats(0)
        }

        fn assert_matches_recount(&self, all: &[&ActivityFigures]) {
            let mut fresh = recount(all.iter().copied(), &self.types);
            for c in fresh.counters.values_mut() {
                c.0.retain(|_, v| *v != 0);
            }
            fresh.counters.retain(|_, c| !c.0.is_empty());
            assert_eq!(self.counters, fresh.counters);
            assert_eq!(self.served, fresh.served);
        }
    }

    fn expect(
        activities: u64,
        worker_participations: u64,
        person_times: u64,
        served_people: u64,
        by_type: &[(&str, u64)],
    ) -> Stats {
        let mut stats = Stats {
            activities,
            worker_participations,
            person_times,
            served_people,
            ..Stats::default()
        };
        for (code, n) in by_type {
            stats.by_population_type.insert(code.to_string(), *n);
        }
        stats
    }

    #[test]
    fn stats_serialise_with_every_population_type_and_unregistered() {
        let json = serde_json::to_value(Stats::default()).unwrap();
        assert_eq!(json["by_population_type"].as_object().unwrap().len(), 10);
        assert_eq!(json["by_population_type"]["unregistered"], 0);
        assert_eq!(json["by_population_type"]["low_income"], 0);
        for key in
            ["activities", "worker_participations", "person_times", "served_people", "clients"]
        {
            assert_eq!(json[key], 0, "{key}");
        }
    }

    /// A worked example; every expected number below was counted by hand from the
    /// definitions in PRODUCT.md.
    #[test]
    fn a_small_station_counts_as_the_definitions_say() {
        let c1: (&str, &[PopulationType]) = ("c1", &[Elderly, LowIncome]);
        let c2: (&str, &[PopulationType]) = ("c2", &[Children]);
        let c3: (&str, &[PopulationType]) = ("c3", &[Elderly, Disabled]);
        // A: 个案 in October, 1 worker, c1.
        let a = figures("2026-10", "case_management", true, 1, 0, &[c1]);
        // B: 小组 in October, lead + 2 participants, c1 and c2.
        let b = figures("2026-10", "group_work", false, 3, 0, &[c1, c2]);
        // C: 社区活动 in November, 2 workers, nobody registered, 30 unregistered.
        let c = figures("2026-11", "community_activity", true, 2, 30, &[]);
        // D: 探访 in November, 1 worker, c3 and c1.
        let d = figures("2026-11", "home_visit", false, 1, 0, &[c3, c1]);

        let mut ledger = Ledger::default();
        for f in [&a, &b, &c, &d] {
            ledger.write(None, Some(f));
        }
        let oct = StatsPeriod::Month(month("2026-10"));
        let nov = StatsPeriod::Month(month("2026-11"));
        assert_eq!(
            ledger.stats(StatsPeriod::AllTime),
            expect(
                4,
                7,
                35,
                3,
                &[
                    ("elderly", 4),
                    ("low_income", 3),
                    ("children", 1),
                    ("disabled", 1),
                    ("unregistered", 30)
                ]
            )
        );
        assert_eq!(
            ledger.stats(oct),
            expect(2, 4, 3, 2, &[("elderly", 2), ("low_income", 2), ("children", 1)])
        );
        assert_eq!(
            ledger.stats(nov),
            expect(
                2,
                3,
                32,
                2,
                &[("elderly", 2), ("low_income", 1), ("disabled", 1), ("unregistered", 30)]
            )
        );
        ledger.assert_matches_recount(&[&a, &b, &c, &d]);

        // D moves to October and drops c1.
        let d2 = figures("2026-10", "home_visit", false, 1, 0, &[c3]);
        ledger.write(Some(&d), Some(&d2));
        assert_eq!(
            ledger.stats(oct),
            expect(
                3,
                5,
                4,
                3,
                &[("elderly", 3), ("low_income", 2), ("children", 1), ("disabled", 1)]
            )
        );
        assert_eq!(ledger.stats(nov), expect(1, 2, 30, 0, &[("unregistered", 30)]));
        assert_eq!(
            ledger.stats(StatsPeriod::AllTime),
            expect(
                4,
                7,
                34,
                3,
                &[
                    ("elderly", 3),
                    ("low_income", 2),
                    ("children", 1),
                    ("disabled", 1),
                    ("unregistered", 30)
                ]
            )
        );
        ledger.assert_matches_recount(&[&a, &b, &c, &d2]);

        // B is deleted: c2 is no longer served by anything, c1 still is (through A).
        ledger.write(Some(&b), None);
        assert_eq!(
            ledger.stats(StatsPeriod::AllTime),
            expect(
                3,
                4,
                32,
                2,
                &[("elderly", 2), ("low_income", 1), ("disabled", 1), ("unregistered", 30)]
            )
        );
        assert_eq!(
            ledger.stats(oct),
            expect(2, 2, 2, 2, &[("elderly", 2), ("low_income", 1), ("disabled", 1)])
        );
        ledger.assert_matches_recount(&[&a, &c, &d2]);

        // A finishes, then goes back to ongoing: only the ongoing counts move.
        let all = |l: &Ledger, name: &str| {
            l.counters.get(&StatsPeriod::AllTime).map(|c| c.get(name)).unwrap_or(0)
        };
        assert_eq!(all(&ledger, &attr::category_ongoing("case_management")), 1);
        let a_done = ActivityFigures { ongoing: false, ..a.clone() };
        ledger.write(Some(&a), Some(&a_done));
        assert_eq!(all(&ledger, &attr::category_ongoing("case_management")), 0);
        assert_eq!(all(&ledger, &attr::category("case_management")), 1);
        ledger.write(Some(&a_done), Some(&a));
        assert_eq!(all(&ledger, &attr::category_ongoing("case_management")), 1);
        ledger.assert_matches_recount(&[&a, &c, &d2]);
    }

    #[test]
    fn a_recipient_with_a_repeated_population_type_counts_it_once() {
        let moves = BTreeMap::from([(StatsPeriod::AllTime, 1)]);
        let changes = population_changes(&[Elderly, Elderly], &moves);
        assert_eq!(changes[&StatsPeriod::AllTime].get(&attr::population("elderly")), 1);
    }

    /// 各类型人群服务人次 counts each linked recipient under their 人群类型 now: a change
    /// of types moves every period they were served in, and nothing else.
    #[test]
    fn a_recipient_whose_types_change_is_counted_under_the_new_types() {
        let c1: (&str, &[PopulationType]) = ("c1", &[Elderly]);
        let c2: (&str, &[PopulationType]) = ("c2", &[Children]);
        let a = figures("2026-10", "home_visit", false, 1, 0, &[c1]);
        let b = figures("2026-11", "group_work", false, 2, 4, &[c1, c2]);
        let mut ledger = Ledger::default();
        ledger.write(None, Some(&a));
        ledger.write(None, Some(&b));
        let nov = StatsPeriod::Month(month("2026-11"));
        let before = ledger.stats(StatsPeriod::AllTime);

        ledger.retype("c1", &[Elderly, Disabled]);
        let all = ledger.stats(StatsPeriod::AllTime);
        assert_eq!(all.by_population_type["elderly"], 2);
        assert_eq!(all.by_population_type["disabled"], 2);
        assert_eq!(ledger.stats(nov).by_population_type["disabled"], 1);
        assert_eq!(
            (all.person_times, all.served_people),
            (before.person_times, before.served_people)
        );
        ledger.assert_matches_recount(&[&a, &b]);

        // An activity saved later with the types it read before the change still counts
        // c1 under the new ones, and dropping c1 takes exactly those away.
        let b2 = figures("2026-11", "group_work", false, 2, 4, &[c2]);
        ledger.write(Some(&b), Some(&b2));
        assert_eq!(ledger.stats(nov).by_population_type["disabled"], 0);
        assert_eq!(ledger.stats(StatsPeriod::AllTime).by_population_type["disabled"], 1);
        ledger.assert_matches_recount(&[&a, &b2]);

        // Someone never served changes types: nothing moves.
        let counters = ledger.counters.clone();
        ledger.retype("c9", &[Women]);
        assert_eq!(ledger.counters, counters);
    }

    #[test]
    fn an_update_that_changes_nothing_moves_nothing() {
        let f = figures("2026-10", "group_work", false, 2, 3, &[("c1", &[Women])]);
        assert!(counter_changes(Some(&f), Some(&f)).is_empty());
        assert!(served_changes(Some(&f), Some(&f)).is_empty());
    }

    #[test]
    fn served_counts_move_served_people_only_at_zero() {
        let mut counts = BTreeMap::new();
        let all = StatsPeriod::AllTime;
        assert_eq!(
            apply_served(&mut counts, &BTreeMap::from([(all, 1)])),
            BTreeMap::from([(all, 1)])
        );
        assert!(apply_served(&mut counts, &BTreeMap::from([(all, 1)])).is_empty());
        assert!(apply_served(&mut counts, &BTreeMap::from([(all, -1)])).is_empty());
        assert_eq!(
            apply_served(&mut counts, &BTreeMap::from([(all, -1)])),
            BTreeMap::from([(all, -1)])
        );
        assert!(counts.is_empty());
    }
}
