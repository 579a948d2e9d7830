//! 月度总结: a station writes one summary per month (text and/or attachments), submits
//! it, and an administrator covering the station approves or returns it. Submission
//! freezes the month's statistics onto the summary; a submitted or approved summary
//! cannot be changed by anyone. Every transition is kept in the summary's history, and
//! the notifier turns those transitions into notifications from the table's stream.
//!
//! Station routes (`/api/summaries…`) act on the caller's current station; the
//! administrator routes (`/api/admin/summaries…`) on any station under the admin's
//! region, and answer 404 for any other.

mod admin;
mod attachments;
mod station;
mod stats;
mod summary;
mod tx;

use axum::Router;
use swz_shared::App;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes this function serves, with their OpenAPI description.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(station::list))
        .routes(routes!(station::get, station::save))
        .routes(routes!(station::submit))
        .routes(routes!(attachments::create))
        .routes(routes!(attachments::download, attachments::delete))
        .routes(routes!(admin::list))
        .routes(routes!(admin::get))
        .routes(routes!(admin::review))
        .routes(routes!(attachments::admin_download))
}

/// The routes this function serves.
pub fn router() -> Router<App> {
    api().into()
}
