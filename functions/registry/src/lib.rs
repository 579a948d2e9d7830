//! 社工登记库: certified social workers register themselves and keep their own profile;
//! stations search the registry (masked results) before adding someone as a worker.

mod profile;
mod search;

use axum::Router;
use axum::routing::{get, post};
use swz_shared::App;

/// The routes this function serves.
pub fn router() -> Router<App> {
    Router::new()
        .route("/api/registry/register", post(profile::register))
        .route("/api/registry/me", get(profile::me).put(profile::update))
        .route("/api/registry/social-workers", get(search::search))
}
