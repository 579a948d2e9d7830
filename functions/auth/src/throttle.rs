//! Failed-login throttling per username: each failure slows the answer a little; after
//! `LOGIN_MAX_FAILURES` failures the username is refused with 429 for
//! `LOGIN_LOCK_SECONDS`, and then it recovers. The counter item expires by TTL.

use std::time::Duration;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::ReturnValue;
use serde::{Deserialize, Serialize};
use swz_shared::store::{keys, n, s};
use swz_shared::{ApiError, ApiResult, App};

#[derive(Debug, Serialize, Deserialize)]
struct Throttle {
    pk: String,
    sk: String,
    kind: String,
    failures: u32,
    #[serde(default)]
    locked_until: i64,
    /// TTL (seconds), so idle counters disappear.
    expires_at: i64,
}

/// How long failures are remembered when no lock follows.
const WINDOW_SECONDS: i64 = 15 * 60;

pub async fn refuse_if_locked(app: &App, username: &str) -> ApiResult<()> {
    let (pk, sk) = keys::login_throttle(username);
    let now = jiff::Timestamp::now().as_second();
    if let Some(throttle) = app.store.get::<Throttle>(&pk, &sk).await?
        && throttle.locked_until > now
    {
        let seconds = throttle.locked_until - now;
        let minutes = (seconds + 59) / 60;
        return Err(ApiError::RateLimited {
            message: format!("登录失败次数过多，请{minutes}分钟后再试"),
            retry_after: seconds as u64,
        });
    }
    Ok(())
}

pub async fn record_failure(app: &App, username: &str) -> ApiResult<()> {
    let (pk, sk) = keys::login_throttle(username);
    let now = jiff::Timestamp::now().as_second();
    let expires_at = now + WINDOW_SECONDS.max(app.config.login_lock_seconds);
    let failed = |e| ApiError::internal(anyhow::Error::new(e).context("recording a failed login"));
    // Each failure is one atomic ADD, so failures sent in parallel all count. A counter
    // whose window has passed starts again at this failure; of two failures that both
    // find it stale, one restarts it and the other counts on.
    let mut failures = None;
    for restart in [false, true, false] {
        let update = app
            .store
            .client
            .update_item()
            .table_name(&app.store.table)
            .set_key(Some(swz_shared::store::key(pk.clone(), sk.clone())))
            .expression_attribute_names("#kind", "kind")
            .expression_attribute_values(":kind", s("login_throttle"))
            .expression_attribute_values(":exp", n(expires_at))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew);
        let update = if restart {
            update
                .update_expression(
                    "SET #kind = :kind, expires_at = :exp, failures = :one, locked_until = :zero",
                )
                .condition_expression("expires_at <= :now")
                .expression_attribute_values(":zero", n(0))
        } else {
            update
                .update_expression("SET #kind = :kind, expires_at = :exp ADD failures :one")
                .condition_expression("attribute_not_exists(pk) OR expires_at > :now")
        };
        match update.send().await {
            Ok(out) => {
                failures = out
                    .attributes
                    .and_then(|a| a.get("failures").and_then(|f| f.as_n().ok()?.parse().ok()));
                break;
            }
            Err(e) if is_condition_failure(&e) => continue,
            Err(e) => return Err(failed(e)),
        }
    }
    let failures: u32 = failures.unwrap_or(1);
    let lock = failures >= app.config.login_max_failures;
    if lock {
        // The failure that reached the limit locks the username and starts counting
        // again; others that reached it at the same moment find the count reset.
        let locking = app
            .store
            .client
            .update_item()
            .table_name(&app.store.table)
            .set_key(Some(swz_shared::store::key(pk, sk)))
            .update_expression("SET locked_until = :until, failures = :zero")
            .condition_expression("failures >= :max")
            .expression_attribute_values(":until", n(now + app.config.login_lock_seconds))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":max", n(i64::from(app.config.login_max_failures)))
            .send()
            .await;
        match locking {
            Ok(_) => {}
            Err(e) if is_condition_failure(&e) => {}
            Err(e) => return Err(failed(e)),
        }
    }
    tracing::info!(failures, locked = lock, "login failed");
    // Slow down guessing: each failure in a row costs a little more time.
    tokio::time::sleep(Duration::from_millis(150 * u64::from(failures.min(4)))).await;
    Ok(())
}

fn is_condition_failure<R>(error: &SdkError<UpdateItemError, R>) -> bool {
    error.as_service_error().is_some_and(UpdateItemError::is_conditional_check_failed_exception)
}

pub async fn clear(app: &App, username: &str) -> ApiResult<()> {
    let (pk, sk) = keys::login_throttle(username);
    app.store
        .client
        .delete_item()
        .table_name(&app.store.table)
        .set_key(Some(swz_shared::store::key(pk, sk)))
        .send()
        .await
        .map_err(|e| ApiError::internal(anyhow::Error::new(e).context("clearing failed logins")))?;
    Ok(())
}
