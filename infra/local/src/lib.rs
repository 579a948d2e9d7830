//! The local stack: every function's router in one process, exactly as API Gateway routes
//! them, plus what prepares an environment (table, bucket, first admin, demo data).

pub mod bootstrap;
pub mod demo;
pub mod inprocess;
pub mod streams;

use axum::Router;
use swz_shared::App;

/// The OpenAPI 3.1 document of every route, generated from the handlers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::Modify;
    let mut doc = utoipa::openapi::OpenApiBuilder::new()
        .info(
            utoipa::openapi::InfoBuilder::new()
                .title("社工站管理系统 API")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some("乡镇（街道）社工站管理系统的HTTP接口"))
                .build(),
        )
        .build();
    for api in [
        swz_shared::http::system_api(),
        swz_auth::api(),
        swz_admin::api(),
        swz_registry::api(),
        swz_workers::api(),
        swz_clients::api(),
        swz_summaries::api(),
        swz_notifications::api(),
        swz_activities::api(),
        swz_dashboard::api(),
        swz_notices::api(),
    ] {
        doc.merge(api.split_for_parts().1);
    }
    swz_shared::openapi::Conventions.modify(&mut doc);
    doc
}

async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(openapi())
}

/// Every function's routes, merged as API Gateway would route them.
pub fn router() -> Router<App> {
    Router::new()
        .route("/api/openapi.json", axum::routing::get(openapi_json))
        .merge(Router::from(swz_shared::http::system_api()))
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
