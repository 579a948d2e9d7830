use aws_lambda_events::event::dynamodb::Event;
use lambda_runtime::{LambdaEvent, service_fn};
use swz_shared::App;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    swz_shared::telemetry::init();
    let app = App::from_env().await?;
    lambda_runtime::run(service_fn(|event: LambdaEvent<Event>| {
        let app = app.clone();
        async move {
            swz_notifier::handle(&app, event.payload).await.map_err(lambda_runtime::Error::from)
        }
    }))
    .await
}
