//! Failed-login throttling per username: each failure slows the answer a little; after
//! `LOGIN_MAX_FAILURES` failures the username is refused with 429 for
//! `LOGIN_LOCK_SECONDS`, and then it recovers. The counter item expires by TTL.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use swz_shared::store::keys;
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
    let previous = app.store.get::<Throttle>(&pk, &sk).await?;
    let failures = match &previous {
        Some(t) if t.expires_at > now && t.locked_until <= now => t.failures + 1,
        _ => 1,
    };
    let lock = failures >= app.config.login_max_failures;
    let locked_until = if lock { now + app.config.login_lock_seconds } else { 0 };
    let throttle = Throttle {
        pk,
        sk,
        kind: "login_throttle".into(),
        failures: if lock { 0 } else { failures },
        locked_until,
        expires_at: now + WINDOW_SECONDS.max(app.config.login_lock_seconds),
    };
    let item = swz_shared::store::to_item(&throttle)?;
    app.store
        .client
        .put_item()
        .table_name(&app.store.table)
        .set_item(Some(item))
        .send()
        .await
        .map_err(|e| {
            ApiError::internal(anyhow::Error::new(e).context("recording a failed login"))
        })?;
    tracing::info!(failures, locked = lock, "login failed");
    // Slow down guessing: each failure in a row costs a little more time.
    tokio::time::sleep(Duration::from_millis(150 * u64::from(failures.min(4)))).await;
    Ok(())
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
