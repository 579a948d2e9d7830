//! The DynamoDB adapter: one table, single-table design (see `docs/data-model.md`).
//!
//! Every request path reads with GetItem, BatchGetItem or Query; nothing here scans.
//! Writes that touch more than one item go through one `TransactWriteItems`.

pub mod cursor;
pub mod keys;
pub mod probe;
pub mod schema;

use std::collections::{BTreeMap, HashMap};

use anyhow::Context;
use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, ConditionCheck, Delete, KeysAndAttributes, Put, Update,
};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::error::ApiError;
/// One item of a transaction, as the modules assemble them.
pub use aws_sdk_dynamodb::types::TransactWriteItem;
pub use cursor::{CursorCodec, CursorScope, invalid_cursor};

pub type Item = HashMap<String, AttributeValue>;

/// Names of the key attributes. Every item has `pk` and `sk`; `gsi1*` and `gsi2*` are
/// present only on items that an index must find (sparse indexes).
pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const GSI1: &str = "gsi1";
pub const GSI2: &str = "gsi2";

/// Which key to query: the table's own or one of its two global secondary indexes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Index {
    Table,
    Gsi1,
    Gsi2,
}

impl Index {
    fn names(self) -> (&'static str, &'static str, Option<&'static str>) {
        match self {
            Index::Table => (PK, SK, None),
            Index::Gsi1 => ("gsi1pk", "gsi1sk", Some(GSI1)),
            Index::Gsi2 => ("gsi2pk", "gsi2sk", Some(GSI2)),
        }
    }
}

/// The sort-key condition of a query.
#[derive(Debug, Clone)]
pub enum SortKey {
    Any,
    BeginsWith(String),
    Between(String, String),
}

/// One partition to read, in key order or reversed.
#[derive(Debug, Clone)]
pub struct Query {
    pub index: Index,
    pub partition: String,
    pub sort: SortKey,
    pub newest_first: bool,
}

impl Query {
    pub fn new(index: Index, partition: impl Into<String>) -> Self {
        Self { index, partition: partition.into(), sort: SortKey::Any, newest_first: false }
    }

    pub fn begins_with(mut self, prefix: impl Into<String>) -> Self {
        self.sort = SortKey::BeginsWith(prefix.into());
        self
    }

    pub fn between(mut self, low: impl Into<String>, high: impl Into<String>) -> Self {
        self.sort = SortKey::Between(low.into(), high.into());
        self
    }

    /// Descending sort-key order.
    pub fn reversed(mut self) -> Self {
        self.newest_first = true;
        self
    }
}

/// What a page request asks for: how many, and after which item.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: usize,
    /// The opened cursor: the key of the last item of the previous page.
    pub after: Option<BTreeMap<String, String>>,
}

/// One page of items and the key after which the next one starts.
#[derive(Debug)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub last_key: Option<BTreeMap<String, String>>,
}

/// Why a transaction did not happen.
#[derive(Debug)]
pub enum TxError {
    /// The condition of the item at this position in the transaction failed.
    ConditionFailed(usize),
    /// Another transaction touched the same items at the same time.
    Conflict,
    Other(anyhow::Error),
}

/// The table and the client that reaches it.
#[derive(Clone)]
pub struct Store {
    pub client: Client,
    pub table: String,
    /// Request counts and injected faults of `client` (see `probe`).
    pub probe: std::sync::Arc<probe::Probe>,
}

/// Serialises a record into a DynamoDB item.
pub fn to_item<T: Serialize>(record: &T) -> anyhow::Result<Item> {
    serde_dynamo::to_item(record).context("serialising a record")
}

/// Deserialises a DynamoDB item into a record.
pub fn from_item<T: DeserializeOwned>(item: Item) -> anyhow::Result<T> {
    serde_dynamo::from_item(item).context("deserialising a record")
}

pub fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub fn n(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub fn key(pk: impl Into<String>, sk: impl Into<String>) -> Item {
    HashMap::from([(PK.to_string(), s(pk)), (SK.to_string(), s(sk))])
}

impl Store {
    /// A store over `client`, whose probe is not attached to it (requests are not
    /// counted). `App` builds its client with [`Store::connect`] instead.
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Self { client, table: table.into(), probe: Default::default() }
    }

    /// Builds the client from the SDK configuration with a probe attached.
    pub fn connect(sdk: &aws_config::SdkConfig, table: impl Into<String>) -> Self {
        let probe = std::sync::Arc::new(probe::Probe::default());
        let config = aws_sdk_dynamodb::config::Builder::from(sdk)
            .interceptor(probe::ProbeInterceptor(probe.clone()))
            .build();
        Self { client: Client::from_conf(config), table: table.into(), probe }
    }

    /// Reads one item by key, strongly consistent.
    pub async fn get<T: DeserializeOwned>(&self, pk: &str, sk: &str) -> anyhow::Result<Option<T>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .consistent_read(true)
            .send()
            .await
            .with_context(|| format!("reading item {}", key_kind(pk)))?;
        out.item.map(from_item).transpose()
    }

    /// Reads up to 100 items by key in one request (retrying what DynamoDB leaves
    /// unprocessed). Missing items are absent from the answer; order is not kept.
    pub async fn get_many<T: DeserializeOwned>(
        &self,
        keys: &[(String, String)],
    ) -> anyhow::Result<Vec<T>> {
        self.get_items(keys).await?.into_iter().map(from_item).collect()
    }

    /// [`Store::get_many`] for items of different kinds, left raw for the caller to sort
    /// out (the dashboard reads counters and notice heads together).
    pub async fn get_items(&self, keys: &[(String, String)]) -> anyhow::Result<Vec<Item>> {
        let mut out = Vec::with_capacity(keys.len());
        let mut unique: Vec<&(String, String)> = Vec::new();
        for k in keys {
            if !unique.contains(&k) {
                unique.push(k);
            }
        }
        for chunk in unique.chunks(100) {
            let mut pending: Vec<Item> = chunk.iter().map(|(p, s)| key(p, s)).collect();
            let mut attempts = 0;
            while !pending.is_empty() {
                attempts += 1;
                let request = KeysAndAttributes::builder()
                    .set_keys(Some(pending.clone()))
                    .consistent_read(true)
                    .build()
                    .context("building a batch read")?;
                let response = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .context("batch reading items")?;
                out.extend(
                    response.responses.unwrap_or_default().remove(&self.table).unwrap_or_default(),
                );
                pending = response
                    .unprocessed_keys
                    .and_then(|mut m| m.remove(&self.table))
                    .map(|k| k.keys)
                    .unwrap_or_default();
                if attempts > 8 {
                    anyhow::bail!("batch read left keys unprocessed after retries");
                }
                if !pending.is_empty() {
                    tokio::time::sleep(std::time::Duration::from_millis(20 << attempts)).await;
                }
            }
        }
        Ok(out)
    }

    /// Reads one page of a query. `keep` filters items in memory; the page is filled
    /// until it holds `limit` kept items or the partition ends, so filters never produce
    /// short pages with a cursor. The returned `last_key` is the key of the last item
    /// on the page, present only when more items may follow.
    pub async fn query_page<T: DeserializeOwned>(
        &self,
        query: &Query,
        page: &PageRequest,
        mut keep: impl FnMut(&T) -> bool,
    ) -> anyhow::Result<Page<T>> {
        let (pk_name, sk_name, index_name) = query.index.names();
        let mut start: Option<Item> = page
            .after
            .as_ref()
            .map(|k| k.iter().map(|(name, value)| (name.clone(), s(value.clone()))).collect());
        let mut items = Vec::new();
        let mut last_key = None;
        let mut batch = (page.limit + 1).min(1000);
        loop {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(index_name.map(str::to_string))
                .scan_index_forward(!query.newest_first)
                .set_exclusive_start_key(start.take())
                .expression_attribute_names("#pk", pk_name)
                .expression_attribute_values(":pk", s(query.partition.clone()))
                // One more than asked shows whether another page follows.
                .limit(batch as i32);
            request = match &query.sort {
                SortKey::Any => request.key_condition_expression("#pk = :pk"),
                SortKey::BeginsWith(prefix) => request
                    .key_condition_expression("#pk = :pk AND begins_with(#sk, :sk)")
                    .expression_attribute_names("#sk", sk_name)
                    .expression_attribute_values(":sk", s(prefix.clone())),
                SortKey::Between(low, high) => request
                    .key_condition_expression("#pk = :pk AND #sk BETWEEN :lo AND :hi")
                    .expression_attribute_names("#sk", sk_name)
                    .expression_attribute_values(":lo", s(low.clone()))
                    .expression_attribute_values(":hi", s(high.clone())),
            };
            if index_name.is_none() {
                request = request.consistent_read(true);
            }
            let response = request.send().await.with_context(|| {
                format!("querying {} in {:?}", key_kind(&query.partition), query.index)
            })?;
            for raw in response.items.unwrap_or_default() {
                let item_key = key_of(&raw, query.index);
                let record: T = from_item(raw)?;
                if !keep(&record) {
                    continue;
                }
                if items.len() == page.limit {
                    // A kept item beyond the page exists: the page ends at the previous one.
                    return Ok(Page { items, last_key });
                }
                items.push(record);
                last_key = Some(item_key);
            }
            // A filter that drops items needs more reads; later ones fetch more at once.
            batch = batch.saturating_mul(4).min(1000);
            match response.last_evaluated_key {
                Some(next) if !next.is_empty() => start = Some(next),
                _ => return Ok(Page { items, last_key: None }),
            }
        }
    }

    /// Reads a whole partition (or the part a sort condition selects). For small,
    /// bounded partitions only: a station's workers, its statistics rows.
    pub async fn query_all<T: DeserializeOwned>(&self, query: &Query) -> anyhow::Result<Vec<T>> {
        let page = PageRequest { limit: usize::MAX - 1, after: None };
        Ok(self.query_page(query, &page, |_| true).await?.items)
    }

    /// Writes all of `items` or none of them.
    pub async fn transact(&self, items: Vec<TransactWriteItem>) -> Result<(), TxError> {
        if items.is_empty() {
            return Ok(());
        }
        let result =
            self.client.transact_write_items().set_transact_items(Some(items)).send().await;
        match result {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(service)) => match service.err() {
                TransactWriteItemsError::TransactionCanceledException(cancelled) => {
                    let reasons = cancelled.cancellation_reasons();
                    if let Some(index) =
                        reasons.iter().position(|r| r.code() == Some("ConditionalCheckFailed"))
                    {
                        return Err(TxError::ConditionFailed(index));
                    }
                    if reasons.iter().any(|r| r.code() == Some("TransactionConflict")) {
                        return Err(TxError::Conflict);
                    }
                    Err(TxError::Other(anyhow::anyhow!(
                        "transaction cancelled: {:?}",
                        reasons.iter().filter_map(|r| r.code()).collect::<Vec<_>>()
                    )))
                }
                other => Err(TxError::Other(anyhow::anyhow!("transaction failed: {other}"))),
            },
            Err(other) => {
                Err(TxError::Other(anyhow::Error::new(other).context("writing a transaction")))
            }
        }
    }

    /// A Put of a record.
    pub fn put<T: Serialize>(&self, record: &T) -> anyhow::Result<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(record)?))
            .build()
            .context("building a put")?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A Put that fails if an item with the same key exists: creations and guard items.
    pub fn put_new<T: Serialize>(&self, record: &T) -> anyhow::Result<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(record)?))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .context("building a put")?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A Put that replaces a record only while it still has `expected_version`
    /// (optimistic locking). The record passed in carries the new version.
    pub fn put_versioned<T: Serialize>(
        &self,
        record: &T,
        expected_version: u64,
    ) -> anyhow::Result<TransactWriteItem> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(record)?))
            .condition_expression("attribute_exists(pk) AND #version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(expected_version))
            .build()
            .context("building a put")?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// A Delete, unconditional.
    pub fn delete(&self, pk: &str, sk: &str) -> anyhow::Result<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .build()
            .context("building a delete")?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// A Delete that only happens while the item has `expected_version`.
    pub fn delete_versioned(
        &self,
        pk: &str,
        sk: &str,
        expected_version: u64,
    ) -> anyhow::Result<TransactWriteItem> {
        let delete = Delete::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .condition_expression("#version = :expected")
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", n(expected_version))
            .build()
            .context("building a delete")?;
        Ok(TransactWriteItem::builder().delete(delete).build())
    }

    /// A check that an item exists, without writing it.
    pub fn check_exists(&self, pk: &str, sk: &str) -> anyhow::Result<TransactWriteItem> {
        let check = ConditionCheck::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .condition_expression("attribute_exists(pk)")
            .build()
            .context("building a condition check")?;
        Ok(TransactWriteItem::builder().condition_check(check).build())
    }

    /// An Update with a raw expression, for counters (`ADD`).
    pub fn update(
        &self,
        pk: &str,
        sk: &str,
        expression: &str,
        names: &[(&str, &str)],
        values: Vec<(&str, AttributeValue)>,
    ) -> anyhow::Result<TransactWriteItem> {
        let mut update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(pk, sk)))
            .update_expression(expression);
        for (placeholder, name) in names {
            update = update.expression_attribute_names(*placeholder, *name);
        }
        for (placeholder, value) in values {
            update = update.expression_attribute_values(placeholder, value);
        }
        Ok(TransactWriteItem::builder()
            .update(update.build().context("building an update")?)
            .build())
    }
}

/// Waits before retry number `attempt` (from 0) of a write that met a concurrent change:
/// exponential, capped at a second, with jitter of up to half the step, so that writers
/// that collided do not collide again (twenty writers on one station's counters all get
/// through in time).
pub async fn backoff(attempt: u32) {
    let step = (20u64 << attempt.min(10)).min(1000);
    let jitter = u64::from(rand::random::<u8>()) * step / 2 / 255;
    tokio::time::sleep(std::time::Duration::from_millis(step / 2 + jitter)).await;
}

/// Maps a failed transaction to the API's answer. `conflicts` gives, by position in the
/// transaction, the Chinese message for a failed condition there; a condition failure at
/// any other position is taken as a stale version.
pub fn tx_error(error: TxError, conflicts: &[(usize, &str)]) -> ApiError {
    match error {
        TxError::ConditionFailed(index) => {
            let message = conflicts
                .iter()
                .find(|(i, _)| *i == index)
                .map(|(_, m)| *m)
                .unwrap_or("记录已被他人修改，请刷新后重试");
            ApiError::conflict(message)
        }
        TxError::Conflict => ApiError::conflict("记录正被同时修改，请稍后重试"),
        TxError::Other(error) => ApiError::Internal(error),
    }
}

/// The key attributes of an item for `index`, which is what a cursor carries.
fn key_of(item: &Item, index: Index) -> BTreeMap<String, String> {
    let (pk_name, sk_name, _) = index.names();
    let mut names = vec![PK, SK];
    if index != Index::Table {
        names.extend([pk_name, sk_name]);
    }
    names
        .into_iter()
        .filter_map(|name| match item.get(name) {
            Some(AttributeValue::S(value)) => Some((name.to_string(), value.clone())),
            _ => None,
        })
        .collect()
}

/// The item type of a key, for log and error context: never the key itself, which may
/// name a person's hashed ID number.
fn key_kind(pk: &str) -> &str {
    pk.split('#').next().unwrap_or("?")
}
