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
use axum::routing::{get, post};
use swz_shared::App;

/// The routes this function serves.
pub fn router() -> Router<App> {
    Router::new()
        .route("/api/summaries", get(station::list))
        .route("/api/summaries/{month}", get(station::get).put(station::save))
        .route("/api/summaries/{month}/submit", post(station::submit))
        .route("/api/summaries/{month}/attachments", post(attachments::create))
        .route(
            "/api/summaries/{month}/attachments/{id}",
            get(attachments::download).delete(attachments::delete),
        )
        .route("/api/admin/summaries", get(admin::list))
        .route("/api/admin/summaries/{station_id}/{month}", get(admin::get))
        .route("/api/admin/summaries/{station_id}/{month}/review", post(admin::review))
}
