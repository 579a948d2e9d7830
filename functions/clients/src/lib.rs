//! 服务对象管理: the people a station serves (clients). Added, edited, searched and
//! filtered; deleted for real unless activities name them, in which case they are hidden
//! and the activities keep naming them.

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
        .routes(routes!(routes::get, routes::update, routes::delete))
        .routes(routes!(routes::records))
}

/// The routes this function serves.
pub fn router() -> Router<App> {
    api().into()
}
