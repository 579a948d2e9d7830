//! 站内通知 (in-app notifications): written by `functions/notifier` from the table's
//! change stream, listed and marked read by `functions/notifications`.
//!
//! A notification lives in its recipient's account partition (`ACCOUNT#<id>` /
//! `NOTIF#<id>`), so every role has them and nobody reaches another account's. While it
//! is unread it is also in the sparse GSI1 partition `UNREAD#<account>`, which is what
//! `?unread=true` queries.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::domain::code_enum;
use crate::store::keys;

/// The `kind` of a notification item.
pub const NOTIFICATION_KIND: &str = "notification";

code_enum!(
    /// What a notification is about (its `kind` in the API).
    NotificationTopic, "通知类型" {
        SummarySubmitted = "summary_submitted": "月度总结待审核",
        SummaryApproved = "summary_approved": "月度总结已通过",
        SummaryReturned = "summary_returned": "月度总结被打回",
    }
);

/// What a notification points at, so a client can open it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NotificationLink {
    pub station_id: String,
    /// The summary's month, `YYYY-MM`.
    #[schema(pattern = "^[0-9]{4}-[0-9]{2}$")]
    pub month: String,
}

/// A notification item.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NotificationRecord {
    pub pk: String,
    pub sk: String,
    /// `UNREAD#<account>` / `<id>` while unread; absent once read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1sk: Option<String>,
    pub kind: String,
    pub id: String,
    pub account_id: String,
    pub topic: NotificationTopic,
    pub title: String,
    pub body: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<NotificationLink>,
    /// RFC 3339, UTC: when the event it reports happened.
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_at: Option<String>,
    pub version: u64,
}

impl NotificationRecord {
    /// A new, unread notification for `account_id` with the id `id`.
    pub fn new(
        account_id: &str,
        id: &str,
        topic: NotificationTopic,
        title: String,
        body: String,
        created_at: &str,
    ) -> Self {
        let (pk, sk) = keys::notification(account_id, id);
        Self {
            pk,
            sk,
            gsi1pk: Some(keys::unread_notifications_gsi1(account_id)),
            gsi1sk: Some(id.to_string()),
            kind: NOTIFICATION_KIND.into(),
            id: id.to_string(),
            account_id: account_id.to_string(),
            topic,
            title,
            body,
            link: None,
            created_at: created_at.to_string(),
            read_at: None,
            version: 1,
        }
    }

    /// Marks it read and takes it out of the unread index.
    pub fn mark_read(&mut self, at: &str) {
        self.read_at = Some(at.to_string());
        self.gsi1pk = None;
        self.gsi1sk = None;
        self.version += 1;
    }
}

/// A notification id derived from what it reports, so the same event delivered twice
/// yields the same id (and the second write is refused by `attribute_not_exists`).
/// Shaped like `keys::new_id`: 12 hex digits of the event's milliseconds, then 16 of a
/// hash of `source`, so ids sort by the time of the event.
pub fn deterministic_id(at: jiff::Timestamp, source: &str) -> String {
    let millis = at.as_millisecond().max(0) as u64;
    let digest = Sha256::digest(source.as_bytes());
    format!("{:012x}{}", millis & 0xffff_ffff_ffff, hex::encode(&digest[..8]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_event_gives_the_same_id_and_ids_sort_by_time() {
        let at: jiff::Timestamp = "2026-11-30T16:30:00Z".parse().unwrap();
        let later: jiff::Timestamp = "2026-12-01T08:00:00Z".parse().unwrap();
        let a = deterministic_id(at, "st#2026-11#0#acc");
        assert_eq!(a, deterministic_id(at, "st#2026-11#0#acc"));
        assert_ne!(a, deterministic_id(at, "st#2026-11#1#acc"));
        assert_eq!(a.len(), 28);
        assert!(deterministic_id(later, "x") > a);
    }

    #[test]
    fn reading_takes_a_notification_out_of_the_unread_index() {
        let mut n = NotificationRecord::new(
            "acc",
            "id1",
            NotificationTopic::SummaryApproved,
            "标题".into(),
            "内容".into(),
            "2026-12-01T08:00:00Z",
        );
        assert_eq!(n.gsi1pk.as_deref(), Some("UNREAD#acc"));
        n.mark_read("2026-12-02T08:00:00Z");
        assert!(n.gsi1pk.is_none() && n.gsi1sk.is_none());
        assert_eq!(n.version, 2);
    }
}
