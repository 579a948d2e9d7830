//! 社工人员管理: a station's full-time social workers. Added from the registry (their
//! certificate fields then stay read-only here) or by hand; edited; marked departed
//! (离职) but never deleted, so past activities still name them.

mod input;
mod routes;

use axum::Router;
use axum::routing::{get, post};
use swz_shared::App;

/// The routes this function serves.
pub fn router() -> Router<App> {
    Router::new()
        .route("/api/workers", get(routes::list).post(routes::create))
        .route("/api/workers/{id}", get(routes::get).put(routes::update).delete(routes::depart))
        .route("/api/workers/{id}/resync", post(routes::resync))
}
