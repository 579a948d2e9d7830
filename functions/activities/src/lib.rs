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
use swz_shared::App;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub use input::{MAX_CLIENTS, MAX_WORKERS};

/// The routes this function serves, with their OpenAPI description.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(meta::meta))
        .routes(routes!(routes::overview))
        .routes(routes!(routes::list, routes::create))
        .routes(routes!(routes::get, routes::update, routes::delete))
        .routes(routes!(recount::recount))
}

/// The routes this function serves.
pub fn router() -> Router<App> {
    api().into()
}
