//! 社工人员管理: a station's full-time social workers. Added from the registry (their
//! certificate fields then stay read-only here) or by hand; edited; marked departed
//! (离职) but never deleted, so past activities still name them.

mod input;
mod routes;

use axum::Router;
use swz_shared::App;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes this function serves, with their OpenAPI description.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(routes::list, routes::create))
        .routes(routes!(routes::get, routes::update, routes::depart))
        .routes(routes!(routes::resync))
}

/// The routes this function serves.
pub fn router() -> Router<App> {
    api().into()
}
