//! 通知公告 (notices): what an administrator publishes to every station of a region or to
//! chosen stations, the copies that let each reader find it with a bounded query, and the
//! stations' read receipts. The routes live in `functions/notices`; the dashboard reads
//! the latest notices through [`dashboard_notice_keys`] and [`dashboard_notices`].
//!
//! Where a notice lives (read-time fan-in, see `docs/data-model.md`):
//! - the notice itself at `NOTICE#<id>` / `NOTICE`;
//! - a notice to every station of a region: one copy in that region's feed
//!   `NOTICES#<region>`, so stations created later see it too and publishing costs the
//!   same for a county as for a province;
//! - a notice to chosen stations: one copy in each chosen station's feed
//!   `NOTICES#STATION#<sid>` (at most [`MAX_CHOSEN_STATIONS`], one transaction);
//! - one copy in the admin list of every level of the publisher's region
//!   `ADMINNOTICES#<region>`;
//! - read receipts at `NOTICE#<id>` / `READ#<sid>`, and the notice's id in the station's
//!   read set `STATION#<sid>` / `NOTICEREADS`, written together;
//! - the head of every feed it is copied to, `NOTICEHEAD#<feed>` / `HEAD`: that feed's
//!   latest [`DASHBOARD_NOTICES`] notices, rewritten in the publishing transaction.
//!
//! Every copy sorts by [`NoticeRecord::feed_key`] (`<published ms>#<id>`). A station's
//! list reads the feeds of its four lineage regions and its own feed newest first, each
//! with `limit + 1` items, merges them, and finds the page's receipts with one batch read.
//! The dashboard needs only the latest few: the newest of the union of the feeds' heads
//! are the newest of the union of the feeds, so it reads the five heads and the read set
//! by key, in the batch read that fetches the statistics ([`dashboard_notice_keys`]).
//! Notices are never edited, so the copies cannot drift apart.

use std::collections::{HashMap, HashSet, VecDeque};

use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::attachments::AttachmentMeta;
use crate::domain::{RegionCode, china_tz};
use crate::orgs::StationRecord;
use crate::store::{Index, Item, PageRequest, Query, Store, keys};

/// The most stations one notice may name: the notice, a copy and a head per station, the
/// publisher's three list copies, five consumed uploads and the audit entry must fit in
/// one transaction (100 items).
pub const MAX_CHOSEN_STATIONS: usize = 45;

/// The most attachments of one notice.
pub const MAX_ATTACHMENTS: usize = 5;

/// The longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 100;

/// The longest body, in characters (copies are written per chosen station, so the whole
/// publish must stay well inside DynamoDB's 4 MB transaction limit).
pub const MAX_BODY_CHARS: usize = 10_000;

/// Whom a notice is for: every station under the publisher's region (also those created
/// later), or the chosen stations. JSON: `{"all": true}` or `{"station_ids": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "TargetRepr", into = "TargetRepr")]
pub enum NoticeTarget {
    All,
    Stations(Vec<String>),
}

#[derive(Serialize, Deserialize)]
struct TargetRepr {
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    all: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    station_ids: Vec<String>,
}

impl From<TargetRepr> for NoticeTarget {
    fn from(repr: TargetRepr) -> Self {
        if repr.all { Self::All } else { Self::Stations(repr.station_ids) }
    }
}

/// On the wire the target is one of two objects, not the Rust enum's shape.
impl utoipa::PartialSchema for NoticeTarget {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
        use utoipa::openapi::{ArrayBuilder, ObjectBuilder, OneOfBuilder, Type};
        let all = ObjectBuilder::new()
            .description(Some("发送给发布者辖区内的全部站点（含以后新建的站点）"))
            .property(
                "all",
                ObjectBuilder::new().schema_type(Type::Boolean).enum_values(Some([true])),
            )
            .required("all");
        let chosen = ObjectBuilder::new()
            .description(Some("发送给指定的站点"))
            .property(
                "station_ids",
                ArrayBuilder::new()
                    .items(ObjectBuilder::new().schema_type(Type::String))
                    .min_items(Some(1))
                    .max_items(Some(MAX_CHOSEN_STATIONS)),
            )
            .required("station_ids");
        OneOfBuilder::new()
            .item(all)
            .item(chosen)
            .description(Some("发送范围：{\"all\": true} 或 {\"station_ids\": [...]}"))
            .into()
    }
}

impl utoipa::ToSchema for NoticeTarget {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("NoticeTarget")
    }
}

impl From<NoticeTarget> for TargetRepr {
    fn from(target: NoticeTarget) -> Self {
        match target {
            NoticeTarget::All => Self { all: true, station_ids: Vec::new() },
            NoticeTarget::Stations(station_ids) => Self { all: false, station_ids },
        }
    }
}

/// A notice (通知公告). The same shape serves the notice item and each of its copies;
/// only the keys and `kind` differ.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoticeRecord {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub id: String,
    pub title: String,
    pub body: String,
    pub target: NoticeTarget,
    /// The publisher's region: a notice to all reaches every station under it.
    pub region_code: RegionCode,
    pub publisher_id: String,
    pub publisher_name: String,
    #[serde(default)]
    pub attachments: Vec<AttachmentMeta>,
    /// RFC 3339, UTC.
    pub published_at: String,
    /// `<published ms, 13 digits>#<id>`: the sort key of every copy.
    pub feed_key: String,
    pub version: u64,
}

/// What a notice says, before it is stored.
#[derive(Debug, Clone)]
pub struct NewNotice {
    pub title: String,
    pub body: String,
    pub target: NoticeTarget,
    pub region_code: RegionCode,
    pub publisher_id: String,
    pub publisher_name: String,
    pub attachments: Vec<AttachmentMeta>,
}

impl NoticeRecord {
    /// The notice item of a new notice published now.
    pub fn publish(new: NewNotice) -> Self {
        let id = keys::new_id();
        let now = jiff::Timestamp::now();
        let (pk, sk) = keys::notice(&id);
        Self {
            pk,
            sk,
            kind: "notice".into(),
            feed_key: feed_key(now.as_millisecond(), &id),
            id,
            title: new.title,
            body: new.body,
            target: new.target,
            region_code: new.region_code,
            publisher_id: new.publisher_id,
            publisher_name: new.publisher_name,
            attachments: new.attachments,
            published_at: now.to_string(),
            version: 1,
        }
    }

    /// Every copy to write with the notice: the feed copies its readers query and the
    /// admin-list copies of each level of the publisher's region.
    pub fn copies(&self) -> Vec<NoticeRecord> {
        let copy = |pk: String, kind: &str| NoticeRecord {
            pk,
            sk: self.feed_key.clone(),
            kind: kind.into(),
            ..self.clone()
        };
        let mut copies: Vec<NoticeRecord> =
            self.feeds().into_iter().map(|feed| copy(feed, "notice_feed")).collect();
        copies.extend(
            self.region_code
                .lineage()
                .iter()
                .map(|region| copy(keys::notice_admin_list(region.as_str()), "notice_admin_list")),
        );
        copies
    }

    /// The feed partitions stations read it from: its region's feed for a notice to all,
    /// each chosen station's feed otherwise.
    pub fn feeds(&self) -> Vec<String> {
        match &self.target {
            NoticeTarget::All => vec![keys::notice_region_feed(self.region_code.as_str())],
            NoticeTarget::Stations(ids) => {
                ids.iter().map(|id| keys::notice_station_feed(id)).collect()
            }
        }
    }

    /// True when the notice is for `station`.
    pub fn is_addressed_to(&self, station: &StationRecord) -> bool {
        match &self.target {
            NoticeTarget::All => station.region_code.is_under(&self.region_code),
            NoticeTarget::Stations(ids) => ids.contains(&station.id),
        }
    }

    /// The attachment with this id.
    pub fn attachment(&self, id: &str) -> Option<&AttachmentMeta> {
        self.attachments.iter().find(|a| a.id == id)
    }
}

/// The sort key of a notice's copies: zero-padded milliseconds, so keys sort by time.
fn feed_key(millis: i64, id: &str) -> String {
    format!("{:013}#{id}", millis.clamp(0, MAX_MILLIS))
}

/// The largest instant a 13-digit key holds (the year 2286).
const MAX_MILLIS: i64 = 9_999_999_999_999;

/// A station's read receipt of a notice.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoticeReadRecord {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub notice_id: String,
    pub station_id: String,
    /// RFC 3339, UTC: the first time the station opened the notice.
    pub read_at: String,
}

impl NoticeReadRecord {
    pub fn now(notice_id: &str, station_id: &str) -> Self {
        let (pk, sk) = keys::notice_read(notice_id, station_id);
        Self {
            pk,
            sk,
            kind: "notice_read".into(),
            notice_id: notice_id.into(),
            station_id: station_id.into(),
            read_at: jiff::Timestamp::now().to_string(),
        }
    }
}

/// A notice as a feed's head lists it: what the dashboard shows, and its feed key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadEntry {
    pub id: String,
    pub title: String,
    pub published_at: String,
    pub publisher_name: String,
    pub feed_key: String,
}

/// The latest [`DASHBOARD_NOTICES`] notices of one feed, newest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoticeHeadRecord {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub latest: Vec<HeadEntry>,
    /// 0 for a head not stored yet.
    pub version: u64,
}

const HEAD_KIND: &str = "notice_head";
const READS_KIND: &str = "notice_reads";
/// The string-set attribute of a station's read set.
const READ_IDS: &str = "ids";

impl NoticeHeadRecord {
    /// The head of a feed nothing was published to yet.
    pub fn empty(feed: &str) -> Self {
        let (pk, sk) = keys::notice_head(feed);
        Self { pk, sk, kind: HEAD_KIND.into(), latest: Vec::new(), version: 0 }
    }

    /// This head with `notice` among its entries: newest first, the latest few kept.
    pub fn with(mut self, notice: &NoticeRecord) -> Self {
        self.latest.retain(|e| e.id != notice.id);
        self.latest.push(HeadEntry {
            id: notice.id.clone(),
            title: notice.title.clone(),
            published_at: notice.published_at.clone(),
            publisher_name: notice.publisher_name.clone(),
            feed_key: notice.feed_key.clone(),
        });
        self.latest.sort_by(|a, b| b.feed_key.cmp(&a.feed_key));
        self.latest.truncate(DASHBOARD_NOTICES);
        self
    }
}

/// The keys of what the dashboard's notice panel reads for a station in `township`: the
/// heads of its five feeds (the four lineage regions' and its own) and its read set. They
/// are read by key, so they go into the batch read that fetches the statistics.
pub fn dashboard_notice_keys(station_id: &str, township: &RegionCode) -> Vec<(String, String)> {
    let mut keys: Vec<(String, String)> =
        station_feeds(station_id, township).iter().map(|feed| keys::notice_head(feed)).collect();
    keys.push(keys::notice_reads(station_id));
    keys
}

/// The dashboard's latest `limit` notices, with read flags, from the items that
/// [`dashboard_notice_keys`] named (other items among them are ignored).
pub fn dashboard_notices(items: &[Item], limit: usize) -> anyhow::Result<Vec<NoticeSummary>> {
    let kind = |item: &Item| match item.get("kind") {
        Some(AttributeValue::S(kind)) => kind.clone(),
        _ => String::new(),
    };
    let mut entries: Vec<HeadEntry> = Vec::new();
    let mut read: HashSet<String> = HashSet::new();
    for item in items {
        match kind(item).as_str() {
            HEAD_KIND => {
                let head: NoticeHeadRecord = crate::store::from_item(item.clone())?;
                entries.extend(head.latest);
            }
            READS_KIND => {
                if let Some(AttributeValue::Ss(ids)) = item.get(READ_IDS) {
                    read.extend(ids.iter().cloned());
                }
            }
            _ => {}
        }
    }
    entries.sort_by(|a, b| b.feed_key.cmp(&a.feed_key));
    entries.dedup_by(|a, b| a.id == b.id);
    Ok(entries
        .into_iter()
        .take(limit)
        .map(|e| NoticeSummary {
            read: read.contains(&e.id),
            id: e.id,
            title: e.title,
            published_at: e.published_at,
            publisher_name: e.publisher_name,
        })
        .collect())
}

/// The feed partitions a station in `township` reads: the feeds of its lineage regions
/// (notices to all) and its own feed (notices to chosen stations).
fn station_feeds(station_id: &str, township: &RegionCode) -> Vec<String> {
    let mut feeds: Vec<String> =
        township.lineage().iter().map(|region| keys::notice_region_feed(region.as_str())).collect();
    feeds.push(keys::notice_station_feed(station_id));
    feeds
}

/// What a station's list is narrowed to. Dates are China dates of publication.
#[derive(Debug, Clone, Default)]
pub struct NoticeFilter {
    /// A substring of the title or the body (compared after NFKC and lower-casing).
    pub q: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub unread_only: bool,
}

impl NoticeFilter {
    /// The normal form of a keyword, as matching compares it.
    pub fn normalise(text: &str) -> String {
        text.nfkc().collect::<String>().to_lowercase()
    }

    fn matches(&self, notice: &NoticeRecord) -> bool {
        match &self.q {
            None => true,
            Some(q) => {
                Self::normalise(&notice.title).contains(q.as_str())
                    || Self::normalise(&notice.body).contains(q.as_str())
            }
        }
    }

    /// The feed-key range of the date filter (inclusive; "~" sorts after every digit).
    fn key_range(&self) -> anyhow::Result<(String, String)> {
        let start_of = |date: Date| -> anyhow::Result<i64> {
            Ok(date.to_zoned(china_tz())?.timestamp().as_millisecond().clamp(0, MAX_MILLIS))
        };
        let low = match self.from {
            Some(from) => format!("{:013}", start_of(from)?),
            None => "0".into(),
        };
        // Everything before the next day's first millisecond: "<next>" sorts before any
        // "<next>#<id>".
        let high = match self.to {
            Some(to) => match to.tomorrow() {
                Ok(next) => format!("{:013}", start_of(next)?),
                Err(_) => "~".into(),
            },
            None => "~".into(),
        };
        Ok((low, high))
    }
}

/// A notice on a station's list, with the station's receipt.
#[derive(Debug, Clone)]
pub struct StationNotice {
    pub notice: NoticeRecord,
    pub read_at: Option<String>,
}

/// One page of a station's list. `next_before` is the feed key the next page starts
/// below, present only when more notices follow.
#[derive(Debug)]
pub struct StationNoticePage {
    pub items: Vec<StationNotice>,
    pub next_before: Option<String>,
}

/// `{id, title, published_at, publisher_name, read}`: a notice on the dashboard.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NoticeSummary {
    pub id: String,
    pub title: String,
    pub published_at: String,
    pub publisher_name: String,
    pub read: bool,
}

/// One feed of a station's merge: its partition, what was read and not yet used, and
/// where its next read starts.
struct Feed {
    query: Query,
    buffer: VecDeque<NoticeRecord>,
    after: Option<std::collections::BTreeMap<String, String>>,
    done: bool,
}

impl Store {
    /// A notice by id (the notice item, not a copy).
    pub async fn notice(&self, id: &str) -> anyhow::Result<Option<NoticeRecord>> {
        let (pk, sk) = keys::notice(id);
        self.get(&pk, &sk).await
    }

    /// The station's receipt of a notice, if it opened it.
    pub async fn notice_receipt(
        &self,
        notice_id: &str,
        station_id: &str,
    ) -> anyhow::Result<Option<NoticeReadRecord>> {
        let (pk, sk) = keys::notice_read(notice_id, station_id);
        self.get(&pk, &sk).await
    }

    /// Every receipt of a notice: one query of the notice's partition.
    pub async fn notice_receipts(&self, notice_id: &str) -> anyhow::Result<Vec<NoticeReadRecord>> {
        let (pk, _) = keys::notice(notice_id);
        let query = Query::new(Index::Table, pk).begins_with(keys::NOTICE_READ_PREFIX);
        self.query_all(&query).await
    }

    /// The stations a notice is addressed to now, in region order: for a notice to all,
    /// every station under its region (also those created after it was published).
    pub async fn notice_stations(
        &self,
        notice: &NoticeRecord,
    ) -> anyhow::Result<Vec<StationRecord>> {
        let mut stations = match &notice.target {
            NoticeTarget::All => self.stations_under(&notice.region_code).await?,
            NoticeTarget::Stations(ids) => {
                let keys: Vec<(String, String)> = ids.iter().map(|id| keys::station(id)).collect();
                self.get_many::<StationRecord>(&keys).await?
            }
        };
        stations.sort_by(|a, b| a.gsi1sk.cmp(&b.gsi1sk));
        Ok(stations)
    }

    /// One page of the notices addressed to `station`, newest first, below the feed key
    /// `before` (from the previous page's cursor). Reads at most `limit + 1` items from
    /// each of the five feeds (more only when `filter` drops items) and the receipts of
    /// the candidates in batches; never anything of other stations or regions.
    pub async fn station_notices(
        &self,
        station: &StationRecord,
        filter: &NoticeFilter,
        limit: usize,
        before: Option<&str>,
    ) -> anyhow::Result<StationNoticePage> {
        let (low, mut high) = filter.key_range()?;
        if let Some(before) = before
            && before < high.as_str()
        {
            high = before.to_string();
        }
        let mut feeds: Vec<Feed> = station_feeds(&station.id, &station.region_code)
            .into_iter()
            .map(|pk| Feed {
                query: Query::new(Index::Table, pk).between(low.clone(), high.clone()).reversed(),
                buffer: VecDeque::new(),
                after: None,
                done: false,
            })
            .collect();

        // One more than the page shows whether another page follows.
        let want = limit + 1;
        let mut items: Vec<StationNotice> = Vec::with_capacity(want);
        let mut seen = HashSet::new();
        loop {
            let mut candidates = Vec::new();
            while candidates.len() < want - items.len() {
                match self.next_newest(&mut feeds, filter, before, want).await? {
                    Some(notice) if seen.insert(notice.id.clone()) => candidates.push(notice),
                    Some(_) => {}
                    None => break,
                }
            }
            if candidates.is_empty() {
                break;
            }
            let keys: Vec<(String, String)> =
                candidates.iter().map(|n| keys::notice_read(&n.id, &station.id)).collect();
            let mut receipts: HashMap<String, String> = self
                .get_many::<NoticeReadRecord>(&keys)
                .await?
                .into_iter()
                .map(|r| (r.notice_id, r.read_at))
                .collect();
            for notice in candidates {
                let read_at = receipts.remove(&notice.id);
                if filter.unread_only && read_at.is_some() {
                    continue;
                }
                items.push(StationNotice { notice, read_at });
            }
            if items.len() >= want {
                break;
            }
        }

        let next_before = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|i| i.notice.feed_key.clone())
        } else {
            None
        };
        Ok(StationNoticePage { items, next_before })
    }

    /// The newest notice not yet taken from any feed, reading a feed again only when its
    /// buffer ran out.
    async fn next_newest(
        &self,
        feeds: &mut [Feed],
        filter: &NoticeFilter,
        before: Option<&str>,
        batch: usize,
    ) -> anyhow::Result<Option<NoticeRecord>> {
        // The feeds that ran dry are read again together: a station has five feeds, and
        // one round of concurrent queries costs no more latency than one query.
        let refills = feeds.iter_mut().filter(|feed| feed.buffer.is_empty() && !feed.done).map(
            |feed| async move {
                let request = PageRequest { limit: batch, after: feed.after.take() };
                let page = self
                    .query_page::<NoticeRecord>(&feed.query, &request, |n| {
                        before.is_none_or(|b| n.feed_key.as_str() < b) && filter.matches(n)
                    })
                    .await?;
                feed.buffer.extend(page.items);
                feed.done = page.last_key.is_none();
                feed.after = page.last_key;
                anyhow::Ok(())
            },
        );
        futures::future::try_join_all(refills).await?;
        let newest = feeds.iter_mut().filter(|f| !f.buffer.is_empty()).max_by(|a, b| {
            let key = |f: &Feed| f.buffer.front().map(|n| n.feed_key.clone());
            key(a).cmp(&key(b))
        });
        Ok(newest.and_then(|feed| feed.buffer.pop_front()))
    }

    /// The heads of `feeds`, in that order; an empty head (version 0) for a feed that
    /// has none yet. One batch read (at most [`MAX_CHOSEN_STATIONS`] feeds).
    pub async fn notice_heads(&self, feeds: &[String]) -> anyhow::Result<Vec<NoticeHeadRecord>> {
        let keys: Vec<(String, String)> =
            feeds.iter().map(|feed| keys::notice_head(feed)).collect();
        let mut found: HashMap<String, NoticeHeadRecord> = self
            .get_many::<NoticeHeadRecord>(&keys)
            .await?
            .into_iter()
            .map(|head| (head.pk.clone(), head))
            .collect();
        Ok(feeds
            .iter()
            .map(|feed| {
                found
                    .remove(&keys::notice_head(feed).0)
                    .unwrap_or_else(|| NoticeHeadRecord::empty(feed))
            })
            .collect())
    }

    /// The write of `head` as read (version `head.version`) with `notice` added: created
    /// if it was absent, otherwise replaced only if nobody rewrote it meanwhile.
    pub fn notice_head_write(
        &self,
        head: NoticeHeadRecord,
        notice: &NoticeRecord,
    ) -> anyhow::Result<TransactWriteItem> {
        let expected = head.version;
        let mut next = head.with(notice);
        next.version = expected + 1;
        if expected == 0 { self.put_new(&next) } else { self.put_versioned(&next, expected) }
    }

    /// The write that adds `notice_id` to the station's read set (created on first use);
    /// it goes in the transaction of the station's read receipt.
    pub fn notice_read_mark(
        &self,
        station_id: &str,
        notice_id: &str,
    ) -> anyhow::Result<TransactWriteItem> {
        let (pk, sk) = keys::notice_reads(station_id);
        self.update(
            &pk,
            &sk,
            "SET #kind = :kind ADD #ids :id",
            &[("#kind", "kind"), ("#ids", READ_IDS)],
            vec![
                (":kind", AttributeValue::S(READS_KIND.into())),
                (":id", AttributeValue::Ss(vec![notice_id.to_string()])),
            ],
        )
    }
}

/// How many notices the dashboard shows.
pub const DASHBOARD_NOTICES: usize = 5;

#[cfg(test)]
mod tests {
    use super::*;

    fn notice(target: NoticeTarget, region: &str) -> NoticeRecord {
        NoticeRecord::publish(NewNotice {
            title: "关于开展2026年度社工站评估的通知".into(),
            body: "请各站于月底前提交材料。".into(),
            target,
            region_code: RegionCode::parse(region).unwrap(),
            publisher_id: "acc".into(),
            publisher_name: "西湖区民政局".into(),
            attachments: Vec::new(),
        })
    }

    #[test]
    fn targets_serialise_as_the_contract_writes_them() {
        assert_eq!(
            serde_json::to_value(NoticeTarget::All).unwrap(),
            serde_json::json!({"all": true})
        );
        assert_eq!(
            serde_json::to_value(NoticeTarget::Stations(vec!["s1".into()])).unwrap(),
            serde_json::json!({"station_ids": ["s1"]})
        );
        let back: NoticeTarget = serde_json::from_value(serde_json::json!({"all": true})).unwrap();
        assert_eq!(back, NoticeTarget::All);
    }

    #[test]
    fn a_notice_to_all_has_one_feed_copy_and_a_list_copy_per_level() {
        let copies = notice(NoticeTarget::All, "330106").copies();
        let pks: Vec<&str> = copies.iter().map(|c| c.pk.as_str()).collect();
        assert_eq!(
            pks,
            ["NOTICES#330106", "ADMINNOTICES#33", "ADMINNOTICES#3301", "ADMINNOTICES#330106"]
        );
        assert!(copies.iter().all(|c| c.sk == c.feed_key));
    }

    #[test]
    fn a_notice_to_chosen_stations_has_a_copy_per_station() {
        let target = NoticeTarget::Stations(vec!["a".into(), "b".into()]);
        let copies = notice(target, "3301").copies();
        assert_eq!(copies[0].pk, "NOTICES#STATION#a");
        assert_eq!(copies[1].pk, "NOTICES#STATION#b");
        assert_eq!(copies.len(), 4);
    }

    #[test]
    fn a_head_keeps_the_latest_five_newest_first() {
        let notices: Vec<NoticeRecord> = (0..7)
            .map(|n| {
                let mut record = notice(NoticeTarget::All, "330106");
                record.feed_key = feed_key(1_700_000_000_000 + n, &record.id);
                record
            })
            .collect();
        // Published out of order, and one twice (a retried publish).
        let mut head = NoticeHeadRecord::empty("NOTICES#330106");
        for i in [3, 0, 6, 1, 5, 2, 4, 6] {
            head = head.with(&notices[i]);
        }
        let ids: Vec<&str> = head.latest.iter().map(|e| e.id.as_str()).collect();
        let newest: Vec<&str> = notices.iter().rev().take(5).map(|n| n.id.as_str()).collect();
        assert_eq!(ids, newest);
        assert_eq!(head.pk, "NOTICEHEAD#NOTICES#330106");
    }

    #[test]
    fn the_dashboard_merges_the_heads_and_marks_what_was_read() {
        let notices: Vec<NoticeRecord> = (0..4)
            .map(|n| {
                let mut record = notice(NoticeTarget::All, "33");
                record.feed_key = feed_key(1_700_000_000_000 + n, &record.id);
                record
            })
            .collect();
        let province = NoticeHeadRecord::empty("NOTICES#33").with(&notices[0]).with(&notices[2]);
        let own = NoticeHeadRecord::empty("NOTICES#STATION#s").with(&notices[1]).with(&notices[3]);
        let mut reads = crate::store::key("STATION#s", "NOTICEREADS");
        reads.insert("kind".into(), AttributeValue::S(READS_KIND.into()));
        reads.insert(READ_IDS.into(), AttributeValue::Ss(vec![notices[2].id.clone()]));
        let items = vec![
            serde_dynamo::to_item(&province).unwrap(),
            reads,
            serde_dynamo::to_item(&own).unwrap(),
            crate::store::key("STATION#s", "STATS#ALL"),
        ];
        let shown = dashboard_notices(&items, 3).unwrap();
        let ids: Vec<&str> = shown.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, [&notices[3].id, &notices[2].id, &notices[1].id]);
        let read: Vec<bool> = shown.iter().map(|n| n.read).collect();
        assert_eq!(read, [false, true, false]);
    }

    #[test]
    fn a_station_reads_five_heads_and_its_read_set() {
        let township = RegionCode::parse("330106001").unwrap();
        let keys = dashboard_notice_keys("s", &township);
        let pks: Vec<&str> = keys.iter().map(|(pk, _)| pk.as_str()).collect();
        assert_eq!(
            pks,
            [
                "NOTICEHEAD#NOTICES#33",
                "NOTICEHEAD#NOTICES#3301",
                "NOTICEHEAD#NOTICES#330106",
                "NOTICEHEAD#NOTICES#330106001",
                "NOTICEHEAD#NOTICES#STATION#s",
                "STATION#s",
            ]
        );
    }

    #[test]
    fn feed_keys_sort_by_time() {
        assert!(feed_key(999, "b") < feed_key(1000, "a"));
        assert_eq!(feed_key(1_700_000_000_000, "x"), "1700000000000#x");
    }

    #[test]
    fn date_ranges_are_china_days() {
        let filter = NoticeFilter {
            from: Some(jiff::civil::date(2026, 3, 1)),
            to: Some(jiff::civil::date(2026, 3, 1)),
            ..Default::default()
        };
        let (low, high) = filter.key_range().unwrap();
        // 2026-03-01T00:00+08:00 is 2026-02-28T16:00Z.
        let start: jiff::Timestamp = "2026-02-28T16:00:00Z".parse().unwrap();
        let end: jiff::Timestamp = "2026-03-01T16:00:00Z".parse().unwrap();
        assert_eq!(low, format!("{:013}", start.as_millisecond()));
        assert_eq!(high, format!("{:013}", end.as_millisecond()));
        let last_ms = feed_key(end.as_millisecond() - 1, "z");
        let next_day = feed_key(end.as_millisecond(), "0");
        assert!(low <= last_ms && last_ms <= high);
        assert!(next_day > high);
    }

    #[test]
    fn keywords_match_title_or_body_ignoring_width_and_case() {
        let n = notice(NoticeTarget::All, "33");
        let filter =
            |q: &str| NoticeFilter { q: Some(NoticeFilter::normalise(q)), ..Default::default() };
        assert!(filter("评估").matches(&n));
        assert!(filter("月底").matches(&n));
        assert!(filter("２０２６").matches(&n));
        assert!(!filter("培训").matches(&n));
    }
}
