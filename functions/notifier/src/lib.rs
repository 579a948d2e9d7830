//! The stream consumer: turns table changes into in-app notifications.

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use swz_shared::App;

/// Handles one batch of stream records, reporting the records that failed so that only
/// they are retried.
pub async fn handle(_app: &App, _event: Event) -> anyhow::Result<DynamoDbEventResponse> {
    Ok(DynamoDbEventResponse::default())
}
