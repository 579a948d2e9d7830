//! 通知公告: administrators publish notices, with attachments, to every station of their
//! region or to chosen stations and see who has read them; stations list, filter and open
//! the notices addressed to them (opening marks them read) and download attachments.
//!
//! Storage and costs are described in `swz_shared::notices` and `docs/data-model.md`.

mod admin;
mod station;
mod uploads;
mod views;

use axum::Router;
use axum::routing::{get, post};
use swz_shared::App;

/// The routes this function serves.
pub fn router() -> Router<App> {
    Router::new()
        .route("/api/admin/notices", get(admin::list).post(admin::publish))
        .route("/api/admin/notices/attachments", post(uploads::create))
        .route("/api/admin/notices/{id}", get(admin::get))
        .route("/api/admin/notices/{id}/attachments/{attachment_id}", get(admin::download))
        .route("/api/notices", get(station::list))
        .route("/api/notices/{id}", get(station::get))
        .route("/api/notices/{id}/attachments/{attachment_id}", get(station::download))
}

/// True for strings that can be one of our ids (hex, bounded). Anything else cannot name
/// a record, and must not reach a key (DynamoDB refuses overlong keys with an error).
pub(crate) fn plausible_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}
