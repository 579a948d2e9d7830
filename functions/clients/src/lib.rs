//! 服务对象管理: the people a station serves (clients). Added, edited, searched and
//! filtered; deleted for real unless activities name them, in which case they are hidden
//! and the activities keep naming them.

mod input;
mod routes;

use axum::Router;
use axum::routing::get;
use swz_shared::App;

/// The routes this function serves.
pub fn router() -> Router<App> {
    Router::new()
        .route("/api/clients", get(routes::list).post(routes::create))
        .route("/api/clients/{id}", get(routes::get).put(routes::update).delete(routes::delete))
        .route("/api/clients/{id}/records", get(routes::records))
}
