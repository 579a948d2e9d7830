//! 系统管理: administrators set up the structure below them — admins for sub-regions,
//! undertaking agencies with their logins, and stations with theirs. Everything an admin
//! reads or changes lies under the admin's region; anything else is "not found".

mod admins;
mod agencies;
mod stations;

use axum::Router;
use axum::routing::{get, post};
use swz_shared::App;

/// The routes this function serves.
pub fn router() -> Router<App> {
    Router::new()
        .route("/api/admin/admins", post(admins::create))
        .route("/api/admin/agencies", get(agencies::list).post(agencies::create))
        .route("/api/admin/agencies/{id}", get(agencies::get).put(agencies::update))
        .route("/api/admin/stations", get(stations::list).post(stations::create))
        .route("/api/admin/stations/{id}", get(stations::get).put(stations::update))
}
