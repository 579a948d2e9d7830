//! What every route shares: the month in the path, loading a station's summary with its
//! attachments, and the summary as both the station and its reviewers see it.

use futures::future::join_all;
use serde::Serialize;
use swz_shared::attachments::AttachmentMeta;
use swz_shared::domain::Month;
use swz_shared::orgs::StationRecord;
use swz_shared::summaries::{
    HistoryEntry, MonthAttachments, SummaryAttachmentRecord, SummaryRecord,
};
use swz_shared::{ApiError, ApiResult, App};

use crate::stats;

/// The answer to any change of a submitted or approved summary.
pub const LOCKED: &str = "月度总结已提交，不能再修改";

/// The answer to a stale `version`.
pub const STALE: &str = "月度总结已被他人修改，请刷新后重试";

/// Parses the `{month}` of a path: `YYYY-MM`, not after the current month in China.
/// Both failures are 422 naming `month`.
pub fn parse_month(raw: &str) -> ApiResult<Month> {
    let month = Month::parse(raw).map_err(|message| ApiError::field("month", message))?;
    if month.is_after(Month::current()) {
        return Err(ApiError::field("month", "不能填写未来月份的月度总结"));
    }
    Ok(month)
}

/// `{month}` of a path; [`parse_month`] checks it.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(names("month"), parameter_in = Path)]
pub struct MonthPath(
    /// 月份 YYYY-MM，不晚于本月
    #[param(pattern = "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$", example = "2026-11")]
    pub String,
);

/// `{station_id}/{month}` of an administrator's path.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(names("station_id", "month"), parameter_in = Path)]
pub struct StationMonthPath(
    /// 社工站ID
    pub String,
    /// 月份 YYYY-MM，不晚于本月
    #[param(pattern = "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$", example = "2026-11")]
    pub String,
);

/// A station's month: the station, its summary if saved, and its attachments.
pub struct Loaded {
    pub station: StationRecord,
    pub month: Month,
    pub summary: Option<SummaryRecord>,
    pub attachments: MonthAttachments,
}

impl Loaded {
    /// Reads everything about `month` of `station`.
    pub async fn read(app: &App, station: StationRecord, month: Month) -> ApiResult<Self> {
        let (summary, attachments) = tokio::try_join!(
            app.store.summary(&station.id, month),
            app.store.summary_attachments(&station.id, month),
        )?;
        Ok(Self { station, month, summary, attachments })
    }

    /// Reads the month of the caller's own station.
    pub async fn of_station(app: &App, station_id: &str, month: Month) -> ApiResult<Self> {
        let station = app.store.station(station_id).await?.ok_or(ApiError::NotFound)?;
        Self::read(app, station, month).await
    }

    /// The `version` a client must send: 0 while nothing was saved.
    pub fn version(&self) -> u64 {
        self.summary.as_ref().map_or(0, |s| s.version)
    }

    /// Refuses every change to a submitted or approved summary (409, whoever asks).
    pub fn ensure_editable(&self) -> ApiResult<()> {
        match &self.summary {
            Some(summary) if !summary.status.is_editable() => Err(ApiError::conflict(LOCKED)),
            _ => Ok(()),
        }
    }

    /// The summary to change: the stored one, or a new draft.
    pub fn record(&self) -> SummaryRecord {
        self.summary.clone().unwrap_or_else(|| SummaryRecord::new(&self.station.id, self.month))
    }

    /// `<station id>#<month>`: the summary's id in the audit trail.
    pub fn summary_id(&self) -> String {
        format!("{}#{}", self.station.id, self.month)
    }
}

/// An attachment as a summary lists it. `uploaded` says whether the file has arrived in
/// full; only those count for submission.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = SummaryAttachmentView)]
pub struct AttachmentView {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    pub uploaded: bool,
    pub created_at: String,
}

/// `{month, status, text, stats, attachments, history, version}` and a few more fields
/// a client finds useful.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SummaryView {
    pub station_id: String,
    pub station_name: String,
    pub month: Month,
    /// `not_created`, `draft`, `submitted`, `returned` or `approved`.
    #[schema(schema_with = status_schema)]
    pub status: &'static str,
    pub text: String,
    /// API.md's stats object of the month.
    #[schema(value_type = swz_shared::stats::Stats)]
    pub stats: serde_json::Value,
    /// True when `stats` are the figures frozen at submission, false when live.
    pub stats_frozen: bool,
    pub attachments: Vec<AttachmentView>,
    pub history: Vec<HistoryEntry>,
    pub version: u64,
    /// RFC 3339, UTC: the last submission; null before the first.
    #[schema(required = true)]
    pub submitted_at: Option<String>,
    /// RFC 3339, UTC: the last save; null while nothing was saved.
    #[schema(required = true)]
    pub updated_at: Option<String>,
}

/// The statuses a month reads as, [`status_of`]'s codes.
fn status_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    swz_shared::openapi::enum_schema(
        "状态：not_created 未创建、draft 草稿、submitted 已提交、returned 已打回、approved 已通过",
        &["not_created", "draft", "submitted", "returned", "approved"],
    )
}

/// The status a month reads as: the stored one, or, with nothing stored, `draft` once
/// files were attached and `not_created` before.
pub fn status_of(summary: Option<&SummaryRecord>, attachments: &MonthAttachments) -> &'static str {
    match summary {
        Some(summary) => summary.status.code(),
        None if attachments.items.is_empty() => "not_created",
        None => "draft",
    }
}

/// Whether the object of an attachment exists with the declared size (one HEAD).
pub async fn has_arrived(app: &App, meta: &AttachmentMeta) -> anyhow::Result<bool> {
    Ok(app.files.size_of(&meta.object_key).await? == Some(meta.size))
}

/// Each attachment with whether it has arrived: confirmed ones without asking S3, the
/// others with a HEAD each, all at once.
pub async fn arrivals(
    app: &App,
    attachments: &[SummaryAttachmentRecord],
) -> anyhow::Result<Vec<bool>> {
    join_all(attachments.iter().map(|a| async move {
        if a.uploaded { Ok(true) } else { has_arrived(app, &a.meta).await }
    }))
    .await
    .into_iter()
    .collect()
}

impl SummaryView {
    /// The summary of a loaded month: frozen figures once submitted, live ones while it
    /// can still change (a returned summary will be frozen again when resubmitted).
    pub async fn of(app: &App, loaded: Loaded) -> ApiResult<Self> {
        let status = status_of(loaded.summary.as_ref(), &loaded.attachments);
        let frozen = loaded
            .summary
            .as_ref()
            .filter(|s| !s.status.is_editable())
            .and_then(|s| s.stats.clone());
        let stats_frozen = frozen.is_some();
        let stats = match frozen {
            Some(stats) => stats,
            None => stats::live(app, &loaded.station.id, loaded.month).await?,
        };
        let arrived = arrivals(app, &loaded.attachments.items).await?;
        let attachments = loaded
            .attachments
            .items
            .into_iter()
            .zip(arrived)
            .map(|(a, uploaded)| AttachmentView {
                id: a.meta.id,
                file_name: a.meta.file_name,
                content_type: a.meta.content_type,
                size: a.meta.size,
                uploaded,
                created_at: a.created_at,
            })
            .collect();
        let version = loaded.summary.as_ref().map_or(0, |s| s.version);
        let (text, history, submitted_at, updated_at) = match loaded.summary {
            Some(s) => (s.text, s.history, s.submitted_at, Some(s.updated_at)),
            None => (String::new(), Vec::new(), None, None),
        };
        Ok(Self {
            station_id: loaded.station.id,
            station_name: loaded.station.name,
            month: loaded.month,
            status,
            text,
            stats,
            stats_frozen,
            attachments,
            history,
            version,
            submitted_at,
            updated_at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_current_and_past_months_are_accepted() {
        let current = Month::current();
        assert_eq!(parse_month(&current.to_string()).unwrap(), current);
        assert!(parse_month(&current.previous().to_string()).is_ok());
    }

    #[test]
    fn a_future_or_malformed_month_is_a_validation_failure_naming_month() {
        for bad in [Month::current().next().to_string(), "2026-13".into(), "2026-1".into()] {
            match parse_month(&bad) {
                Err(ApiError::Validation(fields)) => assert!(fields.contains_key("month"), "{bad}"),
                other => panic!("{bad}: {other:?}"),
            }
        }
    }
}
