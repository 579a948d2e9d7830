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
use swz_shared::App;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes this function serves, with their OpenAPI description.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(admin::list, admin::publish))
        .routes(routes!(uploads::create))
        .routes(routes!(admin::get))
        .routes(routes!(admin::download))
        .routes(routes!(station::list))
        .routes(routes!(station::get))
        .routes(routes!(station::download))
}

/// The routes this function serves.
pub fn router() -> Router<App> {
    api().into()
}

/// True for strings that can be one of our ids (hex, bounded). Anything else cannot name
/// a record, and must not reach a key (DynamoDB refuses overlong keys with an error).
pub(crate) fn plausible_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric())
}
