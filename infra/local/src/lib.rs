//! The local stack: every function's router in one process, exactly as API Gateway routes
//! them, plus what prepares an environment (table, bucket, first admin, demo data).

pub mod bootstrap;
pub mod demo;
pub mod inprocess;
pub mod streams;

use axum::Router;
use swz_shared::App;
use utoipa_axum::router::OpenApiRouter;

/// Every HTTP function, by its logical id in `template.yaml`, with its routes: the one
/// list that the local router, the OpenAPI document and the template check share.
pub fn functions() -> Vec<(&'static str, OpenApiRouter<App>)> {
    vec![
        ("AuthFunction", swz_auth::api()),
        ("RegistryFunction", swz_registry::api()),
        ("AdminFunction", swz_admin::api()),
        ("WorkersFunction", swz_workers::api()),
        ("ClientsFunction", swz_clients::api()),
        ("ActivitiesFunction", swz_activities::api()),
        ("NoticesFunction", swz_notices::api()),
        ("SummariesFunction", swz_summaries::api()),
        ("DashboardFunction", swz_dashboard::api()),
        ("NotificationsFunction", swz_notifications::api()),
    ]
}

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
    for (_, api) in functions() {
        doc.merge(api.split_for_parts().1);
    }
    swz_shared::openapi::Conventions.modify(&mut doc);
    doc
}

/// Locally the document is generated on each request, so it is never stale; deployed, the
/// notifications function serves the committed copy (`swz_notifications::openapi_router`).
async fn openapi_json() -> axum::Json<utoipa::openapi::OpenApi> {
    axum::Json(openapi())
}

/// Every function's routes, merged as API Gateway routes them.
pub fn router() -> Router<App> {
    functions().into_iter().fold(
        Router::new().route("/api/openapi.json", axum::routing::get(openapi_json)),
        |router, (_, api)| router.merge(Router::from(api)),
    )
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
