//! Attachments of a summary (附件): the station declares a file, PUTs its bytes to a
//! presigned URL that signs the declared type and length, downloads it through a
//! short-lived presigned URL, and may delete it while the summary can still change.
//!
//! Adding or deleting a file does not move the summary's `version`: a client editing
//! the text keeps its version while it uploads. The month's counter item caps the files
//! at ten, and a condition on the summary refuses both changes once it is submitted.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use swz_shared::attachments::{AttachmentMeta, AttachmentSpec, NewAttachment, UploadTicket};
use swz_shared::domain::Month;
use swz_shared::http::{Body, PathParams};
use swz_shared::store::{TxError, keys, n, s, tx_error};
use swz_shared::summaries::{
    ATTACHMENT_KIND, COUNTER_KIND, MAX_ATTACHMENTS, SummaryAttachmentRecord, SummaryStatus,
};
use swz_shared::{ApiError, ApiResult, App, Caller, StationScope};

use crate::summary::{LOCKED, MonthPath, has_arrived, parse_month};
use crate::tx;

/// `{download_url}`: a short-lived link that saves the file under its original name.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = SummaryDownload)]
pub struct Download {
    download_url: String,
}

/// `{month}/{id}` of an attachment's path.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(names("month", "id"), parameter_in = Path)]
pub struct AttachmentPath(
    /// 月份 YYYY-MM，不晚于本月
    #[param(pattern = "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$", example = "2026-11")]
    String,
    /// 附件ID
    String,
);

const TOO_MANY: &str = "每份月度总结最多上传10个附件";

/// `POST /api/summaries/{month}/attachments`: records the declared file and answers
/// where to PUT it.
#[utoipa::path(post, path = "/api/summaries/{month}/attachments", tag = "summaries",
    operation_id = "summaries_attachment_create",
    params(MonthPath),
    request_body = NewAttachment,
    responses((status = 201, description = "已登记附件，请将文件 PUT 到 upload_url", body = UploadTicket)))]
pub async fn create(
    State(app): State<App>,
    caller: Caller,
    PathParams(MonthPath(month)): PathParams<MonthPath>,
    Body(request): Body<NewAttachment>,
) -> ApiResult<(StatusCode, Json<UploadTicket>)> {
    let station = caller.station()?;
    let month = parse_month(&month)?;
    let spec = AttachmentSpec::parse(&request)?;
    let station_id = station.station_id();

    // Friendly early answers; the transaction below enforces both again.
    let (summary, attachments) = tokio::try_join!(
        app.store.summary(station_id, month),
        app.store.summary_attachments(station_id, month),
    )?;
    if summary.is_some_and(|s| !s.status.is_editable()) {
        return Err(ApiError::conflict(LOCKED));
    }
    if attachments.count >= MAX_ATTACHMENTS {
        return Err(ApiError::field("attachments", TOO_MANY));
    }

    let id = keys::new_id();
    let (pk, sk) = keys::summary_attachment(station_id, &month.to_string(), &id);
    let record = SummaryAttachmentRecord {
        pk,
        sk,
        kind: ATTACHMENT_KIND.into(),
        station_id: station_id.to_string(),
        month,
        meta: AttachmentMeta {
            id: id.clone(),
            file_name: spec.file_name.clone(),
            content_type: spec.content_type.to_string(),
            size: spec.size,
            object_key: format!("summaries/{station_id}/{month}/{id}.{}", spec.extension),
        },
        uploaded: false,
        version: 1,
        created_at: jiff::Timestamp::now().to_string(),
    };
    let (counter_pk, counter_sk) = keys::summary_attachment_counter(station_id, &month.to_string());
    let writes = vec![
        summary_is_editable(&app, station_id, month)?,
        tx::update_if(
            &app.store,
            &counter_pk,
            &counter_sk,
            tx::Expr {
                text: "SET #kind = :kind ADD #count :one",
                names: &[("#kind", "kind"), ("#count", "count")],
                values: vec![
                    (":kind", s(COUNTER_KIND)),
                    (":one", n(1)),
                    (":max", n(MAX_ATTACHMENTS)),
                ],
            },
            "attribute_not_exists(#count) OR #count < :max",
        )?,
        app.store.put_new(&record)?,
        app.store.audit(
            &caller.actor(),
            "attach",
            "summary",
            &summary_id(&station, month),
            Some(station_id),
        )?,
    ];
    match app.store.transact(writes).await {
        Ok(()) => {}
        Err(TxError::ConditionFailed(0)) => return Err(ApiError::conflict(LOCKED)),
        Err(TxError::ConditionFailed(1)) => return Err(ApiError::field("attachments", TOO_MANY)),
        Err(other) => return Err(tx_error(other, &[])),
    }
    tracing::info!(month = %month, size = spec.size, "summary attachment declared");

    let upload =
        app.files.presign_upload(&record.meta.object_key, spec.content_type, spec.size).await?;
    Ok((
        StatusCode::CREATED,
        Json(UploadTicket { id, upload_url: upload.url, upload_headers: upload.headers }),
    ))
}

/// `GET /api/summaries/{month}/attachments/{id}`: a short-lived download URL, once the
/// file has arrived.
#[utoipa::path(get, path = "/api/summaries/{month}/attachments/{id}", tag = "summaries",
    operation_id = "summaries_attachment_download",
    params(AttachmentPath),
    responses((status = 200, description = "附件的临时下载链接", body = Download)))]
pub async fn download(
    State(app): State<App>,
    caller: Caller,
    PathParams(AttachmentPath(month, id)): PathParams<AttachmentPath>,
) -> ApiResult<Json<Download>> {
    let station = caller.station()?;
    let month = parse_month(&month)?;
    let attachment = find(&app, station.station_id(), month, &id).await?;
    link(&app, &attachment).await
}

/// `{station_id}/{month}/{id}` of an administrator's attachment path.
#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(names("station_id", "month", "id"), parameter_in = Path)]
pub struct AdminAttachmentPath(
    /// 社工站ID
    String,
    /// 月份 YYYY-MM，不晚于本月
    #[param(pattern = "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$", example = "2026-11")]
    String,
    /// 附件ID
    String,
);

/// `GET /api/admin/summaries/{station_id}/{month}/attachments/{id}`: the reviewer's
/// download link to a file of a station under the admin's region.
#[utoipa::path(get, path = "/api/admin/summaries/{station_id}/{month}/attachments/{id}", tag = "summaries",
    operation_id = "admin_summaries_attachment_download",
    params(AdminAttachmentPath),
    responses((status = 200, description = "附件的临时下载链接", body = Download)))]
pub async fn admin_download(
    State(app): State<App>,
    caller: Caller,
    PathParams(AdminAttachmentPath(station_id, month, id)): PathParams<AdminAttachmentPath>,
) -> ApiResult<Json<Download>> {
    let region = caller.admin_region()?;
    let month = parse_month(&month)?;
    let station = app.store.station_in(&station_id, &region).await?.ok_or(ApiError::NotFound)?;
    let attachment = find(&app, &station.id, month, &id).await?;
    link(&app, &attachment).await
}

/// A download link to an attachment whose bytes have arrived.
async fn link(app: &App, attachment: &SummaryAttachmentRecord) -> ApiResult<Json<Download>> {
    if !attachment.uploaded && !has_arrived(app, &attachment.meta).await? {
        return Err(ApiError::conflict("附件尚未上传完成，请重新上传后再下载"));
    }
    let url =
        app.files.presign_download(&attachment.meta.object_key, &attachment.meta.file_name).await?;
    Ok(Json(Download { download_url: url }))
}

/// `DELETE /api/summaries/{month}/attachments/{id}`: removes the record and the object.
#[utoipa::path(delete, path = "/api/summaries/{month}/attachments/{id}", tag = "summaries",
    operation_id = "summaries_attachment_delete",
    params(AttachmentPath),
    responses((status = 204, description = "附件已删除")))]
pub async fn delete(
    State(app): State<App>,
    caller: Caller,
    PathParams(AttachmentPath(month, id)): PathParams<AttachmentPath>,
) -> ApiResult<StatusCode> {
    let station = caller.station()?;
    let month = parse_month(&month)?;
    let station_id = station.station_id();
    let (summary, attachment) = tokio::try_join!(
        async { app.store.summary(station_id, month).await.map_err(ApiError::from) },
        find(&app, station.station_id(), month, &id),
    )?;
    if summary.is_some_and(|s| !s.status.is_editable()) {
        return Err(ApiError::conflict(LOCKED));
    }

    let (counter_pk, counter_sk) = keys::summary_attachment_counter(station_id, &month.to_string());
    let writes = vec![
        summary_is_editable(&app, station_id, month)?,
        tx::update_if(
            &app.store,
            &counter_pk,
            &counter_sk,
            tx::Expr {
                text: "ADD #count :minus",
                names: &[("#count", "count")],
                values: vec![(":minus", n(-1))],
            },
            "attribute_exists(pk)",
        )?,
        app.store.delete_versioned(&attachment.pk, &attachment.sk, attachment.version)?,
        app.store.audit(
            &caller.actor(),
            "detach",
            "summary",
            &summary_id(&station, month),
            Some(station_id),
        )?,
    ];
    match app.store.transact(writes).await {
        Ok(()) => {}
        Err(TxError::ConditionFailed(0)) => return Err(ApiError::conflict(LOCKED)),
        Err(TxError::ConditionFailed(2)) => return Err(ApiError::NotFound),
        Err(other) => return Err(tx_error(other, &[])),
    }
    // The record is gone, so the file is no longer part of the summary whatever happens
    // next. An object whose delete fails stays orphaned in the bucket (never reachable:
    // downloads are presigned from records only); the log line is how to find it.
    if let Err(error) = app.files.delete(&attachment.meta.object_key).await {
        tracing::error!(
            error = format!("{error:#}"),
            "deleting a summary attachment's object failed"
        );
    }
    tracing::info!(month = %month, "summary attachment deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The attachment `id` of the station's month, or 404.
async fn find(
    app: &App,
    station_id: &str,
    month: Month,
    id: &str,
) -> ApiResult<SummaryAttachmentRecord> {
    let (pk, sk) = keys::summary_attachment(station_id, &month.to_string(), id);
    app.store.get(&pk, &sk).await?.ok_or(ApiError::NotFound)
}

/// A check that the month's summary is absent or still a draft or returned.
fn summary_is_editable(
    app: &App,
    station_id: &str,
    month: Month,
) -> anyhow::Result<aws_sdk_dynamodb::types::TransactWriteItem> {
    let (pk, sk) = keys::summary(station_id, &month.to_string());
    tx::check(
        &app.store,
        &pk,
        &sk,
        tx::Expr {
            text: "attribute_not_exists(pk) OR #status IN (:draft, :returned)",
            names: &[("#status", "status")],
            values: vec![
                (":draft", s(SummaryStatus::Draft.code())),
                (":returned", s(SummaryStatus::Returned.code())),
            ],
        },
    )
}

fn summary_id(station: &StationScope, month: Month) -> String {
    format!("{}#{month}", station.station_id())
}
