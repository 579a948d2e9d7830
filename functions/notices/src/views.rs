//! What the notices routes answer.

use serde::Serialize;
use swz_shared::attachments::AttachmentView;
use swz_shared::domain::RegionCode;
use swz_shared::notices::{NoticeRecord, NoticeTarget};

/// A notice as its publisher and the admins above see it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AdminNoticeView {
    pub id: String,
    pub title: String,
    pub body: String,
    pub target: NoticeTarget,
    pub region_code: RegionCode,
    pub publisher_name: String,
    pub published_at: String,
    pub attachments: Vec<AttachmentView>,
    pub version: u64,
    /// Only on the notice's own page: every addressed station with its read time.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipts: Option<Vec<ReceiptView>>,
    /// Only on the notice's own page: how many addressed stations have read it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_count: Option<usize>,
    /// Only on the notice's own page: how many stations it is addressed to now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub station_count: Option<usize>,
}

/// `{station_id, station_name, read_at | null}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ReceiptView {
    pub station_id: String,
    pub station_name: String,
    /// RFC 3339, UTC; null while the station has not opened the notice.
    #[schema(required = true)]
    pub read_at: Option<String>,
}

impl AdminNoticeView {
    pub fn of(notice: NoticeRecord, receipts: Option<Vec<ReceiptView>>) -> Self {
        let read_count =
            receipts.as_ref().map(|r| r.iter().filter(|r| r.read_at.is_some()).count());
        let station_count = receipts.as_ref().map(Vec::len);
        Self {
            attachments: notice.attachments.iter().map(AttachmentView::from).collect(),
            id: notice.id,
            title: notice.title,
            body: notice.body,
            target: notice.target,
            region_code: notice.region_code,
            publisher_name: notice.publisher_name,
            published_at: notice.published_at,
            version: notice.version,
            receipts,
            read_count,
            station_count,
        }
    }
}

/// A notice as a station sees it: without the target, which may name other stations.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StationNoticeView {
    pub id: String,
    pub title: String,
    pub body: String,
    pub region_code: RegionCode,
    pub publisher_name: String,
    pub published_at: String,
    pub attachments: Vec<AttachmentView>,
    pub read: bool,
    /// RFC 3339, UTC: when the station first opened it; null while unread.
    #[schema(required = true)]
    pub read_at: Option<String>,
}

impl StationNoticeView {
    pub fn of(notice: NoticeRecord, read_at: Option<String>) -> Self {
        Self {
            attachments: notice.attachments.iter().map(AttachmentView::from).collect(),
            id: notice.id,
            title: notice.title,
            body: notice.body,
            region_code: notice.region_code,
            publisher_name: notice.publisher_name,
            published_at: notice.published_at,
            read: read_at.is_some(),
            read_at,
        }
    }
}

/// `{download_url}`: a short-lived link that saves the file under its original name.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Download {
    pub download_url: String,
}
