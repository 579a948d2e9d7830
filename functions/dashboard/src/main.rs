#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    swz_shared::lambda::run(swz_dashboard::router()).await
}
