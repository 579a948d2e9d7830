//! Attachments of a notice not yet published: an admin announces each file, gets a
//! presigned URL and PUTs the bytes to S3; publishing then checks and consumes it.
//!
//! Known shortcoming: a file announced and uploaded but never published stays in S3 after
//! its item expires (TTL). The fix is to delete the object when the stream delivers the
//! TTL removal of a `notice_upload` item (the notifier already consumes the stream).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use swz_shared::attachments::{AttachmentMeta, AttachmentSpec, NewAttachment, UploadTicket};
use swz_shared::http::Body;
use swz_shared::store::{keys, tx_error};
use swz_shared::{ApiResult, App, Caller};

/// How long an announced upload may wait for its notice.
const UPLOAD_TTL_SECONDS: i64 = 24 * 3600;

/// An announced attachment, owned by the admin who announced it (TTL `expires_at`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NoticeUpload {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub id: String,
    pub owner_id: String,
    pub attachment: AttachmentMeta,
    pub version: u64,
    pub created_at: String,
    /// Seconds since the epoch; DynamoDB's TTL deletes the item some time after it.
    pub expires_at: i64,
}

impl NoticeUpload {
    /// Usable by `owner` to publish with: its own and not expired (TTL deletes late).
    pub fn usable_by(&self, owner: &str) -> bool {
        self.owner_id == owner && self.expires_at > jiff::Timestamp::now().as_second()
    }
}

/// `POST /api/admin/notices/attachments` `{file_name, content_type, size}` → 201
/// `{id, upload_url, upload_headers}`.
#[utoipa::path(post, path = "/api/admin/notices/attachments", tag = "notices",
    operation_id = "admin_notices_upload", request_body = NewAttachment,
    responses((status = 201, description = "已登记附件，请按 upload_url 与 upload_headers 上传文件", body = UploadTicket)))]
pub async fn create(
    State(app): State<App>,
    caller: Caller,
    Body(request): Body<NewAttachment>,
) -> ApiResult<(StatusCode, Json<UploadTicket>)> {
    caller.admin_region()?;
    let spec = AttachmentSpec::parse(&request)?;

    let id = keys::new_id();
    // The object key names no person or file: the name is kept in the record only.
    let object_key = format!("notices/{id}.{}", spec.extension);
    let presigned = app
        .files
        .presign_upload_named(&object_key, spec.content_type, spec.size, &spec.file_name)
        .await?;
    let now = jiff::Timestamp::now();
    let (pk, sk) = keys::notice_upload(&id);
    let upload = NoticeUpload {
        pk,
        sk,
        kind: "notice_upload".into(),
        id: id.clone(),
        owner_id: caller.id().to_string(),
        attachment: AttachmentMeta {
            id: id.clone(),
            file_name: spec.file_name,
            content_type: spec.content_type.to_string(),
            size: spec.size,
            object_key,
        },
        version: 1,
        created_at: now.to_string(),
        expires_at: now.as_second() + UPLOAD_TTL_SECONDS,
    };
    let writes = vec![
        app.store.put_new(&upload)?,
        app.store.audit(&caller.actor(), "create", "notice_upload", &id, None)?,
    ];
    app.store.transact(writes).await.map_err(|e| tx_error(e, &[]))?;
    tracing::info!(upload_id = %id, size = upload.attachment.size, "notice attachment announced");
    Ok((
        StatusCode::CREATED,
        Json(UploadTicket { id, upload_url: presigned.url, upload_headers: presigned.headers }),
    ))
}
