//! The stream consumer: turns monthly-summary transitions into in-app notifications.
//!
//! Deployed, Lambda delivers the table's change stream here, filtered to summary items
//! (`template.yaml`); locally `swz_local::streams` polls the stream and calls the same
//! [`handle`] with the same event type.
//!
//! A record's new history entries (those beyond the old image's) are the transitions it
//! carries: a submission notifies every administrator whose region covers the station;
//! an approval or a return notifies the station's account and its agency's account.
//!
//! Delivery is at least once, so every write is idempotent: a notification's id is
//! derived from the summary, the history entry's position and the recipient, and it is
//! written only if absent. A record that fails is reported as a batch item failure and
//! delivered again; the ones that succeeded around it are harmless to repeat.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use swz_shared::App;
use swz_shared::accounts::AccountRecord;
use swz_shared::auth::{Actor, Role};
use swz_shared::domain::Month;
use swz_shared::notifications::{
    NotificationLink, NotificationRecord, NotificationTopic, deterministic_id,
};
use swz_shared::orgs::StationRecord;
use swz_shared::store::{Index, Query, TxError, keys};
use swz_shared::summaries::{HistoryEntry, SUMMARY_KIND, SummaryAction, SummaryRecord};

/// Handles one batch of stream records, reporting the records that failed so that only
/// they are retried.
pub async fn handle(app: &App, event: Event) -> anyhow::Result<DynamoDbEventResponse> {
    let mut response = DynamoDbEventResponse::default();
    for record in event.records {
        if let Err(error) = handle_record(app, &record).await {
            let sequence = record.change.sequence_number.clone();
            tracing::error!(
                error = format!("{error:#}"),
                sequence = sequence.as_deref().unwrap_or(""),
                "stream record failed"
            );
            // Without a sequence number Lambda cannot retry one record: fail the batch.
            let sequence = sequence.ok_or(error)?;
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = Some(sequence);
            response.batch_item_failures.push(failure);
        }
    }
    Ok(response)
}

/// Notifies about every transition a record adds to a summary's history.
async fn handle_record(app: &App, record: &EventRecord) -> anyhow::Result<()> {
    let new_image = &record.change.new_image;
    let is_summary = matches!(
        new_image.get("kind"),
        Some(serde_dynamo::AttributeValue::S(kind)) if kind == SUMMARY_KIND
    );
    if !is_summary {
        return Ok(());
    }
    let summary: SummaryRecord = serde_dynamo::from_item(new_image.clone())?;
    let seen = transitions_before(record);
    if summary.history.len() <= seen {
        return Ok(());
    }
    let Some(station) = app.store.station(&summary.station_id).await? else {
        tracing::warn!(station_id = %summary.station_id, "summary of an unknown station");
        return Ok(());
    };
    for (index, entry) in summary.history.iter().enumerate().skip(seen) {
        let recipients = match entry.action {
            SummaryAction::Submit => reviewers(app, &station).await?,
            SummaryAction::Approve | SummaryAction::Return => {
                station_accounts(app, &station).await?
            }
        };
        let (topic, title, body) = message(&station.name, summary.month, entry);
        let at: jiff::Timestamp = entry.at.parse()?;
        for account_id in recipients {
            let source = format!("{}#{index}#{account_id}", summary.summary_id());
            let id = deterministic_id(at, &source);
            let mut notification = NotificationRecord::new(
                &account_id,
                &id,
                topic,
                title.clone(),
                body.clone(),
                &entry.at,
            );
            notification.link = Some(NotificationLink {
                station_id: station.id.clone(),
                month: summary.month.to_string(),
            });
            deliver(app, &notification, &station.id).await?;
        }
        tracing::info!(
            station_id = %station.id,
            month = %summary.month,
            action = entry.action.code(),
            "summary transition notified"
        );
    }
    Ok(())
}

/// How many history entries the summary had before this change (0 for a new one): the
/// entries after them are the transitions this record carries.
fn transitions_before(record: &EventRecord) -> usize {
    match record.change.old_image.get("history") {
        Some(serde_dynamo::AttributeValue::L(entries)) => entries.len(),
        _ => 0,
    }
}

/// Writes a notification unless it exists: a redelivered record changes nothing.
async fn deliver(
    app: &App,
    notification: &NotificationRecord,
    station_id: &str,
) -> anyhow::Result<()> {
    let writes = vec![
        app.store.put_new(notification)?,
        app.store.audit(
            &Actor::system("notifier"),
            "create",
            "notification",
            &notification.id,
            Some(station_id),
        )?,
    ];
    match app.store.transact(writes).await {
        Ok(()) | Err(TxError::ConditionFailed(0)) => Ok(()),
        Err(TxError::ConditionFailed(_)) | Err(TxError::Conflict) => {
            anyhow::bail!("writing a notification conflicted; retrying the record")
        }
        Err(TxError::Other(error)) => Err(error),
    }
}

/// Every administrator whose region covers the station (province, city, county...),
/// from the admins' index partition of each region above the station.
async fn reviewers(app: &App, station: &StationRecord) -> anyhow::Result<Vec<String>> {
    let mut ids = Vec::new();
    for region in station.region_code.lineage() {
        let query = Query::new(Index::Gsi1, keys::admins_gsi1(region.as_str()));
        let admins: Vec<AccountRecord> = app.store.query_all(&query).await?;
        ids.extend(
            admins.into_iter().filter(|a| a.role == Role::Admin && !a.disabled).map(|a| a.id),
        );
    }
    Ok(ids)
}

/// The station's own account and, for a station an agency runs, the agency's account.
async fn station_accounts(app: &App, station: &StationRecord) -> anyhow::Result<Vec<String>> {
    let mut ids = vec![station.account_id.clone()];
    if let Some(agency_id) = &station.agency_id {
        match app.store.agency(agency_id).await? {
            Some(agency) => ids.push(agency.account_id),
            None => tracing::warn!(agency_id = %agency_id, "station names an unknown agency"),
        }
    }
    Ok(ids)
}

/// The topic, title and body of the notification for one transition.
fn message(
    station_name: &str,
    month: Month,
    entry: &HistoryEntry,
) -> (NotificationTopic, String, String) {
    let by = entry.display_name.as_str();
    let month = month.label();
    match entry.action {
        SummaryAction::Submit => (
            NotificationTopic::SummarySubmitted,
            format!("{station_name}提交了{month}的月度总结"),
            if by == station_name {
                format!("{station_name}提交了{month}的月度总结，请及时审核。")
            } else {
                // An agency submitting for the station it runs.
                format!("{station_name}{month}的月度总结已由{by}提交，请及时审核。")
            },
        ),
        SummaryAction::Approve => (
            NotificationTopic::SummaryApproved,
            format!("{station_name}{month}的月度总结已审核通过"),
            match entry.comment.as_deref() {
                Some(comment) => {
                    format!("{by}审核通过了{station_name}{month}的月度总结。审核意见：{comment}")
                }
                None => format!("{by}审核通过了{station_name}{month}的月度总结。"),
            },
        ),
        SummaryAction::Return => (
            NotificationTopic::SummaryReturned,
            format!("{station_name}{month}的月度总结被打回"),
            format!(
                "{by}打回了{station_name}{month}的月度总结，请修改后重新提交。审核意见：{}",
                entry.comment.as_deref().unwrap_or("")
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: SummaryAction, by: &str, comment: Option<&str>) -> HistoryEntry {
        HistoryEntry {
            action,
            account_id: "acc".into(),
            display_name: by.into(),
            role: "admin".into(),
            at: "2026-12-01T08:00:00Z".into(),
            comment: comment.map(str::to_string),
        }
    }

    fn month() -> Month {
        Month::parse("2026-11").unwrap()
    }

    #[test]
    fn a_submission_names_the_station_and_the_month() {
        let (topic, title, body) = message(
            "北山街道社工站",
            month(),
            &entry(SummaryAction::Submit, "北山街道社工站", None),
        );
        assert_eq!(topic, NotificationTopic::SummarySubmitted);
        assert_eq!(title, "北山街道社工站提交了2026年11月的月度总结");
        assert_eq!(body, "北山街道社工站提交了2026年11月的月度总结，请及时审核。");
        let (_, _, body) = message(
            "北山街道社工站",
            month(),
            &entry(SummaryAction::Submit, "阳光社工服务中心", None),
        );
        assert!(body.contains("已由阳光社工服务中心提交"), "{body}");
    }

    #[test]
    fn a_return_carries_the_reviewers_comment() {
        let returned = entry(SummaryAction::Return, "西湖区民政局", Some("请补充活动照片"));
        let (topic, title, body) = message("北山街道社工站", month(), &returned);
        assert_eq!(topic, NotificationTopic::SummaryReturned);
        assert_eq!(title, "北山街道社工站2026年11月的月度总结被打回");
        assert!(
            body.contains("西湖区民政局") && body.ends_with("审核意见：请补充活动照片"),
            "{body}"
        );
        let (topic, title, _) = message(
            "北山街道社工站",
            month(),
            &entry(SummaryAction::Approve, "西湖区民政局", None),
        );
        assert_eq!(topic, NotificationTopic::SummaryApproved);
        assert_eq!(title, "北山街道社工站2026年11月的月度总结已审核通过");
    }

    #[test]
    fn only_entries_beyond_the_old_image_are_new() {
        let mut record = EventRecord::default();
        assert_eq!(transitions_before(&record), 0);
        let history = serde_dynamo::AttributeValue::L(vec![
            serde_dynamo::AttributeValue::M(Default::default()),
            serde_dynamo::AttributeValue::M(Default::default()),
        ]);
        record.change.old_image.insert("history".into(), history);
        assert_eq!(transitions_before(&record), 2);
    }
}
