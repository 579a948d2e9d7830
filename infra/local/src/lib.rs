//! The local stack: every function's router in one process, exactly as API Gateway routes
//! them, plus what prepares an environment (table, bucket, first admin, demo data).

pub mod bootstrap;
pub mod demo;
pub mod inprocess;
pub mod streams;

use axum::Router;
use swz_shared::App;

/// Every function's routes, merged as API Gateway would route them.
pub fn router() -> Router<App> {
    Router::new()
        .merge(swz_auth::router())
        .merge(swz_registry::router())
        .merge(swz_admin::router())
        .merge(swz_workers::router())
        .merge(swz_clients::router())
        .merge(swz_activities::router())
        .merge(swz_notices::router())
        .merge(swz_summaries::router())
        .merge(swz_dashboard::router())
        .merge(swz_notifications::router())
}

/// The whole API as one service.
pub fn service(app: App) -> axum::Router {
    swz_shared::http::service(router(), app)
}

/// Creates the table and the bucket unless they exist.
pub async fn prepare(app: &App) -> anyhow::Result<()> {
    app.store.ensure_table().await?;
    app.files.ensure_bucket().await?;
    Ok(())
}
