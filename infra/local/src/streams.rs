//! Locally, nothing invokes the notifier from the table's stream; this poller does, with
//! the same event type Lambda would deliver.
//!
//! It mirrors the deployed event source mapping (`template.yaml`, `SummaryChanges`):
//! records are read from every shard of the table's latest stream about every 300 ms,
//! filtered to summary items (`NewImage.kind = "summary"`), handed to
//! `swz_notifier::handle` in batches, and the records it reports as failed are retried
//! (three times, as `MaximumRetryAttempts`) before being logged and dropped, where
//! Lambda would send them to the dead-letter queue.
//!
//! Every shard is read from its start (TRIM_HORIZON), including those present when the
//! poller starts: a summary submitted just before (the demo data loads before the
//! server starts) is still notified, and the notifier's writes are idempotent, so a
//! restart that reads old records again adds nothing.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use anyhow::Context;
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_sdk_dynamodbstreams::Client;
use aws_sdk_dynamodbstreams::types::{Record, ShardIteratorType};
use swz_shared::App;
use swz_shared::summaries::SUMMARY_KIND;
use tokio::task::JoinHandle;

/// How often an idle poller asks for new records.
const POLL_INTERVAL: Duration = Duration::from_millis(300);
/// How often the shard list is read again (shards close and split over time).
const DISCOVERY_INTERVAL: Duration = Duration::from_secs(10);
/// Attempts after the first for records the notifier reports as failed.
const MAX_RETRIES: u32 = 3;
/// Records per GetRecords call (and so per notifier batch).
const BATCH_SIZE: i32 = 100;

/// Starts polling the table's stream in the background.
pub fn spawn(app: App) -> JoinHandle<()> {
    tokio::spawn(async move {
        let sdk = aws_config::load_from_env().await;
        let mut poller = Poller {
            app,
            client: Client::new(&sdk),
            // Its own table client: the poller's requests are infrastructure, not the
            // application's, and stay out of the store's request probe.
            tables: aws_sdk_dynamodb::Client::new(&sdk),
            stream_arn: None,
            shards: BTreeMap::new(),
            discovered_at: None,
        };
        loop {
            match poller.step().await {
                Ok(true) => {}
                Ok(false) => tokio::time::sleep(POLL_INTERVAL).await,
                Err(error) => {
                    tracing::warn!(error = format!("{error:#}"), "polling the table stream failed");
                    tokio::time::sleep(Duration::from_secs(2)).await;
                }
            }
        }
    })
}

/// Where reading one shard stands.
#[derive(Default)]
struct ShardState {
    /// The iterator for the next GetRecords; `None` when one must be (re)acquired.
    iterator: Option<String>,
    /// The last record read, to resume after it if the iterator is lost.
    last_sequence: Option<String>,
    /// The shard has been read to its end.
    closed: bool,
}

struct Poller {
    app: App,
    client: Client,
    tables: aws_sdk_dynamodb::Client,
    stream_arn: Option<String>,
    shards: BTreeMap<String, ShardState>,
    discovered_at: Option<Instant>,
}

impl Poller {
    /// Reads each open shard once; answers whether any record came.
    async fn step(&mut self) -> anyhow::Result<bool> {
        let Some(arn) = self.stream_arn().await? else { return Ok(false) };
        if self.discovered_at.is_none_or(|at| at.elapsed() >= DISCOVERY_INTERVAL) {
            self.discover(&arn).await?;
        }
        let mut any = false;
        let shard_ids: Vec<String> = self.shards.keys().cloned().collect();
        for shard_id in shard_ids {
            any |= self.read_shard(&arn, &shard_id).await?;
        }
        Ok(any)
    }

    async fn stream_arn(&mut self) -> anyhow::Result<Option<String>> {
        if self.stream_arn.is_none() {
            let table = self
                .tables
                .describe_table()
                .table_name(&self.app.store.table)
                .send()
                .await
                .context("describing the table")?;
            self.stream_arn = table.table.and_then(|t| t.latest_stream_arn);
        }
        Ok(self.stream_arn.clone())
    }

    /// Adds the shards not seen before.
    async fn discover(&mut self, arn: &str) -> anyhow::Result<()> {
        let mut start: Option<String> = None;
        loop {
            let out = self
                .client
                .describe_stream()
                .stream_arn(arn)
                .set_exclusive_start_shard_id(start.take())
                .send()
                .await
                .context("describing the stream")?;
            let Some(description) = out.stream_description else { break };
            for shard in description.shards.unwrap_or_default() {
                if let Some(id) = shard.shard_id {
                    self.shards.entry(id).or_default();
                }
            }
            match description.last_evaluated_shard_id {
                Some(last) => start = Some(last),
                None => break,
            }
        }
        self.discovered_at = Some(Instant::now());
        Ok(())
    }

    /// Reads one batch of a shard and hands its summary records to the notifier.
    async fn read_shard(&mut self, arn: &str, shard_id: &str) -> anyhow::Result<bool> {
        let Some(state) = self.shards.get_mut(shard_id) else { return Ok(false) };
        if state.closed {
            return Ok(false);
        }
        let iterator = match state.iterator.take() {
            Some(iterator) => iterator,
            None => {
                let request = self.client.get_shard_iterator().stream_arn(arn).shard_id(shard_id);
                let request = match &state.last_sequence {
                    Some(sequence) => request
                        .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                        .sequence_number(sequence),
                    None => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
                };
                let out = request.send().await.context("getting a shard iterator")?;
                match out.shard_iterator {
                    Some(iterator) => iterator,
                    None => {
                        state.closed = true;
                        return Ok(false);
                    }
                }
            }
        };
        let out =
            match self.client.get_records().shard_iterator(iterator).limit(BATCH_SIZE).send().await
            {
                Ok(out) => out,
                Err(error) => {
                    // The iterator is gone (expired or trimmed); the next step gets a new one
                    // after the last record read.
                    return Err(anyhow::Error::new(error).context("reading stream records"));
                }
            };
        match out.next_shard_iterator {
            Some(next) => state.iterator = Some(next),
            None => {
                // A closed shard read to its end; its children appear at the next discovery.
                state.closed = true;
                self.discovered_at = None;
            }
        }
        let records = out.records.unwrap_or_default();
        if let Some(last) =
            records.iter().rev().find_map(|r| r.dynamodb.as_ref()?.sequence_number.clone())
        {
            state.last_sequence = Some(last);
        }
        let any = !records.is_empty();
        let batch: Vec<EventRecord> = records
            .into_iter()
            .filter(is_summary_change)
            .map(|record| to_event_record(record, arn))
            .collect::<anyhow::Result<_>>()?;
        if !batch.is_empty() {
            deliver(&self.app, batch).await;
        }
        Ok(any)
    }
}

/// The template's filter: `{"dynamodb": {"NewImage": {"kind": {"S": ["summary"]}}}}`.
fn is_summary_change(record: &Record) -> bool {
    use aws_sdk_dynamodbstreams::types::AttributeValue;
    record
        .dynamodb
        .as_ref()
        .and_then(|change| change.new_image.as_ref())
        .and_then(|image| image.get("kind"))
        .is_some_and(|kind| matches!(kind, AttributeValue::S(k) if k == SUMMARY_KIND))
}

/// The record as Lambda's DynamoDB event carries it.
fn to_event_record(record: Record, stream_arn: &str) -> anyhow::Result<EventRecord> {
    let change = record.dynamodb.context("a stream record without its change")?;
    let created = change.approximate_creation_date_time.map_or(0.0, |t| t.as_secs_f64());
    let envelope = serde_json::json!({
        "awsRegion": record.aws_region.unwrap_or_default(),
        "eventID": record.event_id.unwrap_or_default(),
        "eventName": record.event_name.map(|n| n.as_str().to_string()).unwrap_or_default(),
        "eventSource": record.event_source,
        "eventVersion": record.event_version,
        "eventSourceARN": stream_arn,
        "dynamodb": {
            "ApproximateCreationDateTime": created,
            "SequenceNumber": change.sequence_number,
            "SizeBytes": change.size_bytes.unwrap_or(0),
            "StreamViewType": change.stream_view_type.map(|v| v.as_str().to_string()),
        },
    });
    let mut event: EventRecord =
        serde_json::from_value(envelope).context("building a stream event record")?;
    event.change.keys = change.keys.unwrap_or_default().into();
    event.change.new_image = change.new_image.unwrap_or_default().into();
    event.change.old_image = change.old_image.unwrap_or_default().into();
    Ok(event)
}

/// Calls the notifier, retrying the records it reports as failed with a growing pause.
async fn deliver(app: &App, records: Vec<EventRecord>) {
    let mut pending = records;
    for attempt in 0..=MAX_RETRIES {
        if attempt > 0 {
            tokio::time::sleep(Duration::from_millis(250 << attempt)).await;
        }
        let mut event = Event::default();
        event.records = pending.clone();
        match swz_notifier::handle(app, event).await {
            Ok(response) => {
                let failed: HashSet<String> = response
                    .batch_item_failures
                    .into_iter()
                    .filter_map(|failure| failure.item_identifier)
                    .collect();
                pending.retain(|r| {
                    r.change.sequence_number.as_ref().is_some_and(|s| failed.contains(s))
                });
            }
            // The whole batch failed: all of it is tried again.
            Err(error) => {
                tracing::warn!(error = format!("{error:#}"), "the notifier failed a batch");
            }
        }
        if pending.is_empty() {
            return;
        }
    }
    tracing::error!(records = pending.len(), "stream records dropped after retries");
}
