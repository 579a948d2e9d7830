//! Runs one function's router under the Lambda runtime. Each function's `main.rs` is a
//! call to [`run`].

use axum::Router;

use crate::app::App;

/// Sets up logging, builds the shared state from the environment and serves `router`
/// as a Lambda behind API Gateway's HTTP API.
pub async fn run(router: Router<App>) -> Result<(), lambda_http::Error> {
    crate::telemetry::init();
    let app = App::from_env().await?;
    lambda_http::run(crate::http::service(router, app)).await
}
