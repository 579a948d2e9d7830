//! The station's side: its list of summaries, one month's summary, saving a draft and
//! submitting it.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use swz_shared::domain::{Month, clean_text};
use swz_shared::http::{Body, List, PageParams, Params, PathParams};
use swz_shared::store::{CursorScope, Index, Query, keys, n, tx_error};
use swz_shared::summaries::{
    HistoryEntry, SummaryAction, SummaryAttachmentRecord, SummaryRecord, SummaryStatus,
};
use swz_shared::{ApiError, ApiResult, App, Caller, Validator};

use crate::summary::{Loaded, MonthPath, STALE, SummaryView, arrivals, parse_month};
use crate::{stats, tx};

/// The longest 服务总结, in characters.
const MAX_TEXT_CHARS: usize = 10_000;

/// `PUT /api/summaries/{month}`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SaveRequest {
    /// 服务总结, at most 10000 characters; missing or null saves an empty text.
    #[serde(default)]
    #[schema(max_length = 10000)]
    text: Option<String>,
    /// The `version` last read; 0 creates the summary.
    #[serde(default)]
    #[schema(value_type = u64, required = true)]
    version: Option<u64>,
}

/// `POST /api/summaries/{month}/submit`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SubmitRequest {
    /// The `version` last read (0 for a month with attachments but no saved text).
    #[serde(default)]
    #[schema(value_type = u64, required = true)]
    version: Option<u64>,
}

/// A summary in the station's list.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SummaryListItem {
    month: Month,
    status: SummaryStatus,
    version: u64,
    /// RFC 3339, UTC: the last submission; null before the first.
    #[schema(required = true)]
    submitted_at: Option<String>,
    updated_at: String,
}

impl From<SummaryRecord> for SummaryListItem {
    fn from(s: SummaryRecord) -> Self {
        Self {
            month: s.month,
            status: s.status,
            version: s.version,
            submitted_at: s.submitted_at,
            updated_at: s.updated_at,
        }
    }
}

/// `GET /api/summaries`: the months with a saved summary, newest first.
#[utoipa::path(get, path = "/api/summaries", tag = "summaries", operation_id = "summaries_list",
    params(PageParams),
    responses((status = 200, description = "本站已保存的月度总结，最近的月份在前", body = List<SummaryListItem>)))]
pub async fn list(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<PageParams>,
) -> ApiResult<List<SummaryListItem>> {
    let station = caller.station()?;
    let scope = CursorScope::new(caller.id(), Some(station.station_id()), "summaries");
    let page = params.request(&app, &scope)?;
    let (pk, _) = keys::station(station.station_id());
    let query = Query::new(Index::Table, pk).begins_with(keys::SUMMARY_PREFIX).reversed();
    let page = app.store.query_page::<SummaryRecord>(&query, &page, |_| true).await?;
    Ok(List::from_page(&app, &scope, page, SummaryListItem::from))
}

/// `GET /api/summaries/{month}`.
#[utoipa::path(get, path = "/api/summaries/{month}", tag = "summaries", operation_id = "summaries_get",
    params(MonthPath),
    responses((status = 200, description = "本站该月的月度总结（未创建时为空白的 not_created）", body = SummaryView)))]
pub async fn get(
    State(app): State<App>,
    caller: Caller,
    PathParams(MonthPath(month)): PathParams<MonthPath>,
) -> ApiResult<Json<SummaryView>> {
    let station = caller.station()?;
    let month = parse_month(&month)?;
    let loaded = Loaded::of_station(&app, station.station_id(), month).await?;
    Ok(Json(SummaryView::of(&app, loaded).await?))
}

/// `PUT /api/summaries/{month}`: saves the text as a draft (version 0 creates it). A
/// returned summary stays `returned` while it is edited, until it is resubmitted.
#[utoipa::path(put, path = "/api/summaries/{month}", tag = "summaries", operation_id = "summaries_save",
    params(MonthPath),
    request_body = SaveRequest,
    responses((status = 200, description = "草稿已保存", body = SummaryView)))]
pub async fn save(
    State(app): State<App>,
    caller: Caller,
    PathParams(MonthPath(month)): PathParams<MonthPath>,
    Body(request): Body<SaveRequest>,
) -> ApiResult<Json<SummaryView>> {
    let station = caller.station()?;
    let month = parse_month(&month)?;
    let mut v = Validator::new();
    let text = v.check(
        "text",
        clean_text(request.text.as_deref().unwrap_or(""), "服务总结", MAX_TEXT_CHARS),
    );
    if request.version.is_none() {
        v.add("version", "缺少版本号");
    }
    v.finish()?;
    let (Some(text), Some(version)) = (text, request.version) else {
        unreachable!("the validator refused missing values")
    };

    let mut loaded = Loaded::of_station(&app, station.station_id(), month).await?;
    loaded.ensure_editable()?;
    if loaded.version() != version {
        return Err(ApiError::conflict(STALE));
    }
    let mut record = loaded.record();
    record.text = text;
    record.version = version + 1;
    record.updated_at = jiff::Timestamp::now().to_string();

    let (put, action) = if version == 0 {
        (app.store.put_new(&record)?, "create")
    } else {
        (app.store.put_versioned(&record, version)?, "update")
    };
    let summary_id = loaded.summary_id();
    let audit = app.store.audit(
        &caller.actor(),
        action,
        "summary",
        &summary_id,
        Some(station.station_id()),
    )?;
    app.store.transact(vec![put, audit]).await.map_err(|e| tx_error(e, &[(0, STALE)]))?;
    tracing::info!(month = %month, "summary draft saved");

    loaded.summary = Some(record);
    Ok(Json(SummaryView::of(&app, loaded).await?))
}

/// `POST /api/summaries/{month}/submit`: needs text or at least one attachment, and
/// every attachment fully uploaded; freezes the month's figures onto the summary.
#[utoipa::path(post, path = "/api/summaries/{month}/submit", tag = "summaries", operation_id = "summaries_submit",
    params(MonthPath),
    request_body = SubmitRequest,
    responses((status = 200, description = "已提交，统计数据已固定", body = SummaryView)))]
pub async fn submit(
    State(app): State<App>,
    caller: Caller,
    PathParams(MonthPath(month)): PathParams<MonthPath>,
    Body(request): Body<SubmitRequest>,
) -> ApiResult<Json<SummaryView>> {
    let station = caller.station()?;
    let month = parse_month(&month)?;
    let Some(version) = request.version else {
        return Err(ApiError::field("version", "缺少版本号"));
    };

    let mut loaded = Loaded::of_station(&app, station.station_id(), month).await?;
    loaded.ensure_editable()?;
    if loaded.version() != version {
        return Err(ApiError::conflict(STALE));
    }
    check_content(&app, &loaded).await?;

    let now = jiff::Timestamp::now().to_string();
    let mut record = loaded.record();
    record.status = SummaryStatus::Submitted;
    record.stats = Some(stats::live(&app, station.station_id(), month).await?);
    record.history.push(HistoryEntry {
        action: SummaryAction::Submit,
        account_id: caller.id().to_string(),
        display_name: caller.account.display_name.clone(),
        role: caller.role.code().to_string(),
        at: now.clone(),
        comment: None,
    });
    record.version = version + 1;
    record.submitted_at = Some(now.clone());
    record.updated_at = now;

    let mut writes = vec![if version == 0 {
        app.store.put_new(&record)?
    } else {
        app.store.put_versioned(&record, version)?
    }];
    // The attachments must be exactly those checked: a file added or removed meanwhile
    // fails the count check or its own version check.
    writes.push(counter_is(&app, &loaded)?);
    let mut confirmed: Vec<SummaryAttachmentRecord> = Vec::new();
    for attachment in &loaded.attachments.items {
        let mut attachment = attachment.clone();
        let expected = attachment.version;
        attachment.uploaded = true;
        attachment.version += 1;
        writes.push(app.store.put_versioned(&attachment, expected)?);
        confirmed.push(attachment);
    }
    writes.push(app.store.audit(
        &caller.actor(),
        "submit",
        "summary",
        &loaded.summary_id(),
        Some(station.station_id()),
    )?);
    let changed = "月度总结的附件已变化，请刷新后重试";
    let conflicts: Vec<(usize, &str)> =
        std::iter::once((0, STALE)).chain((1..writes.len()).map(|i| (i, changed))).collect();
    app.store.transact(writes).await.map_err(|e| tx_error(e, &conflicts))?;
    tracing::info!(month = %month, "summary submitted");

    loaded.summary = Some(record);
    loaded.attachments.items = confirmed;
    Ok(Json(SummaryView::of(&app, loaded).await?))
}

/// A summary needs text or at least one attachment, and every attachment must have
/// arrived with its declared size.
async fn check_content(app: &App, loaded: &Loaded) -> ApiResult<()> {
    let text = loaded.summary.as_ref().map_or("", |s| s.text.trim());
    let attachments = &loaded.attachments.items;
    if text.is_empty() && attachments.is_empty() {
        return Err(ApiError::field("text", "请填写服务总结或上传附件后再提交"));
    }
    let arrived = arrivals(app, attachments).await?;
    if let Some((missing, _)) = attachments.iter().zip(arrived).find(|(_, arrived)| !arrived) {
        return Err(ApiError::field(
            "attachments",
            format!("附件“{}”尚未上传完成，请重新上传或删除后再提交", missing.meta.file_name),
        ));
    }
    Ok(())
}

/// A check that the month's attachment count is still what was read.
fn counter_is(
    app: &App,
    loaded: &Loaded,
) -> anyhow::Result<aws_sdk_dynamodb::types::TransactWriteItem> {
    let (pk, sk) = keys::summary_attachment_counter(&loaded.station.id, &loaded.month.to_string());
    let count = loaded.attachments.count;
    // A month that never had an attachment has no counter item.
    let text =
        if count == 0 { "attribute_not_exists(pk) OR #count = :count" } else { "#count = :count" };
    tx::check(
        &app.store,
        &pk,
        &sk,
        tx::Expr { text, names: &[("#count", "count")], values: vec![(":count", n(count))] },
    )
}
