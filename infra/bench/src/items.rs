//! Counts the items DynamoDB read for each response: a query's `ScannedCount`, a get's
//! item, a batch get's items. Writes count none.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_sdk_dynamodb::config::interceptors::AfterDeserializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::operation::batch_get_item::BatchGetItemOutput;
use aws_sdk_dynamodb::operation::get_item::GetItemOutput;
use aws_sdk_dynamodb::operation::query::QueryOutput;

/// The running total.
#[derive(Debug, Default)]
pub struct ItemCounter(AtomicU64);

impl ItemCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    pub fn interceptor(self: &Arc<Self>) -> ItemInterceptor {
        ItemInterceptor(self.clone())
    }
}

/// The interceptor that feeds an [`ItemCounter`].
#[derive(Debug, Clone)]
pub struct ItemInterceptor(Arc<ItemCounter>);

impl Intercept for ItemInterceptor {
    fn name(&self) -> &'static str {
        "swz-bench-items"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Ok(output) = context.output_or_error() else { return Ok(()) };
        let n = if let Some(q) = output.downcast_ref::<QueryOutput>() {
            q.scanned_count().max(q.count()) as u64
        } else if let Some(g) = output.downcast_ref::<GetItemOutput>() {
            u64::from(g.item().is_some())
        } else if let Some(b) = output.downcast_ref::<BatchGetItemOutput>() {
            b.responses().map(|r| r.values().map(|items| items.len() as u64).sum()).unwrap_or(0)
        } else {
            0
        };
        self.0.0.fetch_add(n, Ordering::Relaxed);
        Ok(())
    }
}
