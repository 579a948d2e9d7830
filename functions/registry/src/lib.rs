//! 社工登记库: certified social workers register themselves and keep their own profile;
//! stations search the registry (masked results) before adding someone as a worker.

mod profile;
mod search;

use axum::Router;
use swz_shared::App;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes this function serves, with their OpenAPI description.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(profile::register))
        .routes(routes!(profile::me, profile::update))
        .routes(routes!(search::search))
}

/// The routes this function serves.
pub fn router() -> Router<App> {
    api().into()
}
