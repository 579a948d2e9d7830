//! 系统管理: administrators set up the structure below them — admins for sub-regions,
//! undertaking agencies with their logins, and stations with theirs. Everything an admin
//! reads or changes lies under the admin's region; anything else is "not found".

mod admins;
mod agencies;
mod stations;

use axum::Router;
use swz_shared::App;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes this function serves, with their OpenAPI description.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(admins::create))
        .routes(routes!(agencies::list, agencies::create))
        .routes(routes!(agencies::get, agencies::update))
        .routes(routes!(stations::list, stations::create))
        .routes(routes!(stations::get, stations::update))
}

/// The routes this function serves.
pub fn router() -> Router<App> {
    api().into()
}
