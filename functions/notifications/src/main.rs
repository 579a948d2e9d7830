#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    let router = swz_notifications::router().merge(swz_notifications::openapi_router());
    swz_shared::lambda::run(router).await
}
