//! 月度总结 (`MonthlySummary`): one summary per station and month, written by
//! `functions/summaries` and read back from the table's change stream by
//! `functions/notifier`, which is why the record types live here.
//!
//! Three item types sit in the station's partition:
//! - the summary itself, `SUMMARY#<month>`, with its text, status, history of transitions
//!   and, once submitted, the frozen statistics;
//! - each attachment, `SUMMARYATT#<month>#<id>`, kept apart so that adding or removing a
//!   file does not move the summary's `version` under a client that is editing the text;
//! - a counter, `SUMMARYATT#<month>`, that caps the attachments of a month atomically.
//!
//! A month whose summary was never saved has no summary item at all: it reads as
//! `not_created` (or as `draft` once it holds attachments) with version 0.

use serde::{Deserialize, Serialize};

use crate::attachments::AttachmentMeta;
use crate::domain::{Month, code_enum};
use crate::store::{Index, Query, Store, keys};

/// The `kind` of a summary item; the notifier's stream filter selects on it.
pub const SUMMARY_KIND: &str = "summary";
/// The `kind` of a summary attachment item.
pub const ATTACHMENT_KIND: &str = "summary_attachment";
/// The `kind` of a month's attachment counter.
pub const COUNTER_KIND: &str = "summary_attachment_count";

/// At most this many attachments per summary.
pub const MAX_ATTACHMENTS: i64 = 10;

code_enum!(
    /// 总结状态 as stored. `not_created` is what a month without a record reads as.
    SummaryStatus, "状态" {
        Draft = "draft": "草稿",
        Submitted = "submitted": "已提交",
        Returned = "returned": "已打回",
        Approved = "approved": "已通过",
    }
);

impl SummaryStatus {
    /// A draft or a returned summary can still be changed; a submitted or approved one
    /// cannot, by anyone.
    pub fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::Returned)
    }
}

code_enum!(
    /// A transition of a summary, as its history records it.
    SummaryAction, "操作" {
        Submit = "submit": "提交",
        Approve = "approve": "审核通过",
        Return = "return": "打回",
    }
);

/// One transition: who (account and display name), when, what, and the comment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub action: SummaryAction,
    pub account_id: String,
    pub display_name: String,
    /// The role of the account (`station`, `agency`, `admin`).
    pub role: String,
    /// RFC 3339, UTC.
    pub at: String,
    /// 审核意见; null when none was given.
    #[serde(default)]
    #[schema(required = true)]
    pub comment: Option<String>,
}

/// The summary item (`STATION#<sid>` / `SUMMARY#<month>`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryRecord {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub station_id: String,
    pub month: Month,
    pub status: SummaryStatus,
    /// 服务总结.
    #[serde(default)]
    pub text: String,
    /// The statistics copied at the last submission (API.md's stats object); absent on a
    /// summary that was never submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stats: Option<serde_json::Value>,
    /// Every transition, oldest first. Entries are only ever appended, so an entry's
    /// position identifies it (the notifier relies on that).
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    pub version: u64,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
}

impl SummaryRecord {
    /// A new, empty draft of `month` (not yet written).
    pub fn new(station_id: &str, month: Month) -> Self {
        let (pk, sk) = keys::summary(station_id, &month.to_string());
        let now = jiff::Timestamp::now().to_string();
        Self {
            pk,
            sk,
            kind: SUMMARY_KIND.into(),
            station_id: station_id.into(),
            month,
            status: SummaryStatus::Draft,
            text: String::new(),
            stats: None,
            history: Vec::new(),
            version: 0,
            created_at: now.clone(),
            updated_at: now,
            submitted_at: None,
        }
    }

    /// The identity of the summary in ids derived from it: `<station id>#<month>`.
    pub fn summary_id(&self) -> String {
        format!("{}#{}", self.station_id, self.month)
    }
}

/// One attachment of a summary (`STATION#<sid>` / `SUMMARYATT#<month>#<id>`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SummaryAttachmentRecord {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub station_id: String,
    pub month: Month,
    #[serde(flatten)]
    pub meta: AttachmentMeta,
    /// Set once the object was seen in S3 with the declared size (at submission); until
    /// then the upload is checked with a HEAD whenever it matters.
    #[serde(default)]
    pub uploaded: bool,
    pub version: u64,
    pub created_at: String,
}

/// The attachment counter of a month (`STATION#<sid>` / `SUMMARYATT#<month>`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AttachmentCounter {
    #[serde(default)]
    pub count: i64,
}

/// A month's attachments and their counter, as one query reads them.
#[derive(Debug, Clone, Default)]
pub struct MonthAttachments {
    pub items: Vec<SummaryAttachmentRecord>,
    pub count: i64,
}

impl Store {
    /// A station's summary of `month`, if one was ever saved.
    pub async fn summary(
        &self,
        station_id: &str,
        month: Month,
    ) -> anyhow::Result<Option<SummaryRecord>> {
        let (pk, sk) = keys::summary(station_id, &month.to_string());
        self.get(&pk, &sk).await
    }

    /// Every attachment of a station's month, oldest first, and the counter. The counter
    /// is read first: an attachment added in between then shows in the list but not in
    /// the count, which makes a submission based on the two fail its count check rather
    /// than miss the new file.
    pub async fn summary_attachments(
        &self,
        station_id: &str,
        month: Month,
    ) -> anyhow::Result<MonthAttachments> {
        let month = month.to_string();
        let (pk, sk) = keys::summary_attachment_counter(station_id, &month);
        let count = self.get::<AttachmentCounter>(&pk, &sk).await?.unwrap_or_default().count;
        let query =
            Query::new(Index::Table, pk).begins_with(keys::summary_attachments_prefix(&month));
        let items = self.query_all(&query).await?;
        Ok(MonthAttachments { items, count })
    }
}
