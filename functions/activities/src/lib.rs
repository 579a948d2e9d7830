//! 服务活动管理: a station's service activities in seven categories, their per-category
//! overview, the metadata a client draws forms from, and an administrator's recount of a
//! station's statistics. Every activity write keeps the station's statistics counters in
//! the same transaction (see `write`).

mod input;
mod meta;
mod recount;
mod routes;
mod write;

use axum::Router;
use axum::routing::{get, post};
use swz_shared::App;

pub use input::{MAX_CLIENTS, MAX_WORKERS};

/// The routes this function serves.
pub fn router() -> Router<App> {
    Router::new()
        .route("/api/meta", get(meta::meta))
        .route("/api/activities/overview", get(routes::overview))
        .route("/api/activities", get(routes::list).post(routes::create))
        .route("/api/activities/{id}", get(routes::get).put(routes::update).delete(routes::delete))
        .route("/api/admin/recount", post(recount::recount))
}
