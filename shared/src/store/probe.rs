//! A window into the DynamoDB client: it counts the requests sent (for the benchmark and
//! the cost tests) and can make the next call of a named operation fail before it is
//! sent (for fault-injection tests). Attached to every client `App` builds; its cost is
//! one atomic increment per request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// Counters and faults shared between the interceptor and whoever watches it.
#[derive(Debug, Default)]
pub struct Probe {
    requests: AtomicU64,
    fail_next: Mutex<Option<String>>,
}

impl Probe {
    /// Requests sent so far (retries included).
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::Relaxed)
    }

    /// Makes the next call of `operation` (say `TransactWriteItems`) fail before it is
    /// sent.
    pub fn fail_next(&self, operation: &str) {
        if let Ok(mut slot) = self.fail_next.lock() {
            *slot = Some(operation.to_string());
        }
    }
}

/// The interceptor that feeds a [`Probe`].
#[derive(Debug, Clone)]
pub struct ProbeInterceptor(pub Arc<Probe>);

impl Intercept for ProbeInterceptor {
    fn name(&self) -> &'static str {
        "swz-probe"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // DynamoDB names the operation in `x-amz-target: DynamoDB_20120810.<Operation>`.
        let operation = context
            .request()
            .headers()
            .get("x-amz-target")
            .and_then(|target| target.rsplit('.').next())
            .unwrap_or_default();
        let mut slot = self.0.fail_next.lock().map_err(|_| "probe lock poisoned")?;
        if slot.as_deref() == Some(operation) {
            *slot = None;
            return Err(format!("injected failure of {operation}").into());
        }
        drop(slot);
        self.0.requests.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}
