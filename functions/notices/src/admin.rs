//! The publisher's side: publish a notice, list the notices of the admin's region, and
//! see per notice which addressed stations have read it.

use std::collections::{BTreeSet, HashMap};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use swz_shared::attachments::AttachmentMeta;
use swz_shared::domain::{RegionCode, clean_text};
use swz_shared::http::{Body, List, PageParams, Params, PathParams};
use swz_shared::notices::{
    MAX_ATTACHMENTS, MAX_BODY_CHARS, MAX_CHOSEN_STATIONS, MAX_TITLE_CHARS, NewNotice, NoticeRecord,
    NoticeTarget,
};
use swz_shared::orgs::StationRecord;
use swz_shared::store::{CursorScope, Index, Query, TxError, backoff, keys, tx_error};
use swz_shared::{ApiError, ApiResult, App, Caller, Validator};

use crate::plausible_id;
use crate::uploads::NoticeUpload;
use crate::views::{AdminNoticeView, Download, ReceiptView};

/// `POST /api/admin/notices`. Fields default so that every missing one is reported with
/// the others (422); the schema documents what a valid request holds.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PublishRequest {
    /// 1 to 100 characters.
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 100)]
    title: String,
    /// 1 to 10000 characters.
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 10000)]
    body: String,
    #[serde(default)]
    #[schema(required = true, value_type = NoticeTarget)]
    target: Option<TargetRequest>,
    /// The `id`s of uploads announced through `POST /api/admin/notices/attachments` and
    /// uploaded; at most 5.
    #[serde(default)]
    #[schema(max_items = 5)]
    attachment_ids: Option<Vec<String>>,
}

/// `{"all": true}` or `{"station_ids": [...]}` (documented as [`NoticeTarget`]).
#[derive(Deserialize)]
pub struct TargetRequest {
    #[serde(default)]
    all: Option<bool>,
    #[serde(default)]
    station_ids: Option<Vec<String>>,
}

const STATION_IDS: &str = "target.station_ids";

/// `POST /api/admin/notices`: publishes a notice to every station of the caller's region
/// or to chosen stations under it, consuming the announced uploads.
#[utoipa::path(post, path = "/api/admin/notices", tag = "notices", operation_id = "admin_notices_publish",
    request_body = PublishRequest,
    responses((status = 201, description = "已发布通知", body = AdminNoticeView)))]
pub async fn publish(
    State(app): State<App>,
    caller: Caller,
    Body(request): Body<PublishRequest>,
) -> ApiResult<(StatusCode, Json<AdminNoticeView>)> {
    let region = caller.admin_region()?;

    let mut v = Validator::new();
    let title = v.check("title", required_text(&request.title, "标题", MAX_TITLE_CHARS));
    let body = v.check("body", required_text(&request.body, "正文", MAX_BODY_CHARS));
    let target = check_target(&app, &region, &mut v, request.target.as_ref()).await?;
    let uploads = check_uploads(&app, &caller, &mut v, request.attachment_ids.as_deref()).await?;
    v.finish()?;
    let (Some(title), Some(body), Some(target)) = (title, body, target) else {
        unreachable!("the validator refused missing values")
    };

    let notice = NoticeRecord::publish(NewNotice {
        title,
        body,
        target,
        region_code: region,
        publisher_id: caller.id().to_string(),
        publisher_name: caller.account.display_name.clone(),
        attachments: uploads.iter().map(|u| u.attachment.clone()).collect::<Vec<AttachmentMeta>>(),
    });
    // Each feed's head is rewritten from what was read; a publish to the same feed in
    // between fails its condition, and then this one reads the heads again.
    let feeds = notice.feeds();
    let mut attempt = 0;
    loop {
        attempt += 1;
        let heads = app.store.notice_heads(&feeds).await?;
        let mut writes = vec![app.store.put_new(&notice)?];
        for copy in notice.copies() {
            writes.push(app.store.put_new(&copy)?);
        }
        let first_head = writes.len();
        for head in heads {
            writes.push(app.store.notice_head_write(head, &notice)?);
        }
        let heads = first_head..writes.len();
        // Consuming the uploads in the same transaction means one upload serves one notice.
        let first_upload = writes.len();
        for upload in &uploads {
            writes.push(app.store.delete_versioned(&upload.pk, &upload.sk, upload.version)?);
        }
        writes.push(app.store.audit(&caller.actor(), "publish", "notice", &notice.id, None)?);
        let consumed: Vec<(usize, &str)> = (first_upload..first_upload + uploads.len())
            .map(|i| (i, "附件已被使用或已失效，请重新上传"))
            .collect();
        match app.store.transact(writes).await {
            Ok(()) => break,
            Err(TxError::ConditionFailed(i))
                if heads.contains(&i) && attempt < PUBLISH_ATTEMPTS => {}
            Err(TxError::Conflict) if attempt < PUBLISH_ATTEMPTS => {}
            Err(other) => return Err(tx_error(other, &consumed)),
        }
        backoff(attempt - 1).await;
    }
    tracing::info!(
        notice_id = %notice.id,
        to_all = matches!(notice.target, NoticeTarget::All),
        attachments = notice.attachments.len(),
        "notice published"
    );
    Ok((StatusCode::CREATED, Json(AdminNoticeView::of(notice, None))))
}

/// How often a publish is tried while other publishes to the same feeds get in between.
const PUBLISH_ATTEMPTS: u32 = 8;

/// Trimmed text of 1 to `max` characters.
fn required_text(input: &str, label: &str, max: usize) -> Result<String, String> {
    let text = clean_text(input, label, max)?;
    if text.is_empty() {
        return Err(format!("请填写{label}"));
    }
    Ok(text)
}

/// The target, with every chosen station checked to exist under `region`.
async fn check_target(
    app: &App,
    region: &RegionCode,
    v: &mut Validator,
    raw: Option<&TargetRequest>,
) -> ApiResult<Option<NoticeTarget>> {
    let Some(raw) = raw else {
        v.add("target", "请选择发送范围：全部站点或指定站点");
        return Ok(None);
    };
    let all = raw.all.unwrap_or(false);
    let chosen: BTreeSet<String> = raw
        .station_ids
        .iter()
        .flatten()
        .map(|id| id.trim().to_string())
        .filter(|id| !id.is_empty())
        .collect();
    match (all, chosen.is_empty()) {
        (true, true) => return Ok(Some(NoticeTarget::All)),
        (true, false) => {
            v.add("target", "发送范围只能是全部站点或指定站点之一");
            return Ok(None);
        }
        (false, true) if raw.station_ids.is_some() => {
            v.add(STATION_IDS, "请至少选择一个站点");
            return Ok(None);
        }
        (false, true) => {
            v.add("target", "请选择发送范围：全部站点或指定站点");
            return Ok(None);
        }
        (false, false) => {}
    }
    if chosen.len() > MAX_CHOSEN_STATIONS {
        v.add(STATION_IDS, format!("一次最多指定{MAX_CHOSEN_STATIONS}个站点，更多请选择全部站点"));
        return Ok(None);
    }
    if !chosen.iter().all(|id| plausible_id(id)) {
        v.add(STATION_IDS, "所选站点不存在或不在您的管辖范围内");
        return Ok(None);
    }
    let keys: Vec<(String, String)> = chosen.iter().map(|id| keys::station(id)).collect();
    let found = app.store.get_many::<StationRecord>(&keys).await?;
    let inside = found.iter().filter(|s| s.region_code.is_under(region)).count();
    if inside != chosen.len() {
        v.add(STATION_IDS, "所选站点不存在或不在您的管辖范围内");
        return Ok(None);
    }
    Ok(Some(NoticeTarget::Stations(chosen.into_iter().collect())))
}

/// The announced uploads, each the caller's own and uploaded with its declared size.
async fn check_uploads(
    app: &App,
    caller: &Caller,
    v: &mut Validator,
    ids: Option<&[String]>,
) -> ApiResult<Vec<NoticeUpload>> {
    let mut unique: Vec<&str> = Vec::new();
    for id in ids.unwrap_or_default().iter().map(|id| id.trim()) {
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    if unique.is_empty() {
        return Ok(Vec::new());
    }
    if unique.len() > MAX_ATTACHMENTS {
        v.add("attachment_ids", format!("附件最多{MAX_ATTACHMENTS}个"));
        return Ok(Vec::new());
    }
    let missing = "附件不存在或已失效，请重新上传";
    if !unique.iter().all(|id| plausible_id(id)) {
        v.add("attachment_ids", missing);
        return Ok(Vec::new());
    }
    let keys: Vec<(String, String)> = unique.iter().map(|id| keys::notice_upload(id)).collect();
    let mut found: HashMap<String, NoticeUpload> = app
        .store
        .get_many::<NoticeUpload>(&keys)
        .await?
        .into_iter()
        .filter(|u| u.usable_by(caller.id()))
        .map(|u| (u.id.clone(), u))
        .collect();
    let mut uploads = Vec::with_capacity(unique.len());
    for id in unique {
        let Some(upload) = found.remove(id) else {
            v.add("attachment_ids", missing);
            return Ok(Vec::new());
        };
        // The signed URL fixes the length, but the client may not have uploaded at all.
        let stored = app.files.size_of(&upload.attachment.object_key).await?;
        if stored != Some(upload.attachment.size) {
            v.add("attachment_ids", "附件尚未上传完成，请上传后再发布");
            return Ok(Vec::new());
        }
        uploads.push(upload);
    }
    Ok(uploads)
}

/// `GET /api/admin/notices`: the notices published by admins of the caller's region or
/// any region below it, newest first.
#[utoipa::path(get, path = "/api/admin/notices", tag = "notices", operation_id = "admin_notices_list",
    params(PageParams),
    responses((status = 200, description = "本辖区及下级发布的通知，最新的在前", body = List<AdminNoticeView>)))]
pub async fn list(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<PageParams>,
) -> ApiResult<List<AdminNoticeView>> {
    let region = caller.admin_region()?;
    let scope = CursorScope::new(caller.id(), None, &format!("admin/notices?{region}"));
    let page = params.request(&app, &scope)?;
    let query = Query::new(Index::Table, keys::notice_admin_list(region.as_str())).reversed();
    let page = app.store.query_page::<NoticeRecord>(&query, &page, |_| true).await?;
    Ok(List::from_page(&app, &scope, page, |notice| AdminNoticeView::of(notice, None)))
}

/// A notice published in the caller's region or below it; any other is "not found".
async fn visible_notice(app: &App, id: &str, region: &RegionCode) -> ApiResult<NoticeRecord> {
    if !plausible_id(id) {
        return Err(ApiError::NotFound);
    }
    app.store
        .notice(id)
        .await?
        .filter(|notice| notice.region_code.is_under(region))
        .ok_or(ApiError::NotFound)
}

/// `GET /api/admin/notices/{id}`: the notice with a receipt row per addressed station.
#[utoipa::path(get, path = "/api/admin/notices/{id}", tag = "notices", operation_id = "admin_notices_get",
    params(("id" = String, Path, description = "通知ID")),
    responses((status = 200, description = "通知及各站点的阅读情况", body = AdminNoticeView)))]
pub async fn get(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<AdminNoticeView>> {
    let region = caller.admin_region()?;
    let notice = visible_notice(&app, &id, &region).await?;

    let stations = app.store.notice_stations(&notice).await?;
    let mut read: HashMap<String, String> = app
        .store
        .notice_receipts(&notice.id)
        .await?
        .into_iter()
        .map(|r| (r.station_id, r.read_at))
        .collect();
    let receipts = stations
        .into_iter()
        .map(|station| ReceiptView {
            read_at: read.remove(&station.id),
            station_id: station.id,
            station_name: station.name,
        })
        .collect();
    Ok(Json(AdminNoticeView::of(notice, Some(receipts))))
}

/// `GET /api/admin/notices/{id}/attachments/{attachment_id}` → `{download_url}`.
#[utoipa::path(get, path = "/api/admin/notices/{id}/attachments/{attachment_id}", tag = "notices",
    operation_id = "admin_notices_attachment",
    params(("id" = String, Path, description = "通知ID"), ("attachment_id" = String, Path, description = "附件ID")),
    responses((status = 200, description = "附件的临时下载链接", body = Download)))]
pub async fn download(
    State(app): State<App>,
    caller: Caller,
    PathParams((id, attachment_id)): PathParams<(String, String)>,
) -> ApiResult<Json<Download>> {
    let region = caller.admin_region()?;
    let notice = visible_notice(&app, &id, &region).await?;
    let attachment = notice.attachment(&attachment_id).ok_or(ApiError::NotFound)?;
    let download_url =
        app.files.presign_download(&attachment.object_key, &attachment.file_name).await?;
    Ok(Json(Download { download_url }))
}
