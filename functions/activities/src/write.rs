//! One activity write (create, update or delete) as ONE DynamoDB transaction: the
//! activity, its audit entry, its dashboard copy, the recipients' links (and the touch of
//! each recipient that the people module asks for), the served-reference counts, the
//! statistics counters and a check of every newly named worker.
//!
//! The counters move by the difference between what the activity counted before and
//! after. The served-reference items are read first and written under conditions; when
//! another write got there in between, the transaction fails and the whole operation is
//! run again from its reads (see [`retrying`]).

use std::collections::BTreeSet;
use std::future::Future;

use swz_shared::activities::ActivityRecord;
use swz_shared::auth::Actor;
use swz_shared::people::ClientActivityLink;
use swz_shared::stats::{counter_changes, served_changes};
use swz_shared::store::{TxError, backoff, keys};
use swz_shared::{ApiError, ApiResult, App};

/// DynamoDB's limit on the items of one transaction.
const MAX_TRANSACTION_ITEMS: usize = 100;

/// How often an operation is tried before a concurrent-change conflict is answered.
const MAX_ATTEMPTS: u32 = 12;

/// Why one attempt of a write did not happen.
pub enum Attempt {
    /// Another write touched the same items: read again and retry.
    Retry,
    /// A final answer (validation, not found, stale version...).
    Fail(ApiError),
}

impl From<ApiError> for Attempt {
    fn from(error: ApiError) -> Self {
        Self::Fail(error)
    }
}

impl From<anyhow::Error> for Attempt {
    fn from(error: anyhow::Error) -> Self {
        Self::Fail(ApiError::Internal(error))
    }
}

/// Runs `attempt` until it succeeds or fails for good; after a few conflicts in a row
/// answers 409. Each retry waits a little longer, with jitter, so two writers that
/// collided do not collide again.
pub async fn retrying<T, F, Fut>(mut attempt: F) -> ApiResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Attempt>>,
{
    for n in 0..MAX_ATTEMPTS {
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(Attempt::Fail(error)) => return Err(error),
            Err(Attempt::Retry) => {
                tracing::info!(attempt = n + 1, "activity write met a concurrent change; retrying");
                backoff(n).await;
            }
        }
    }
    Err(ApiError::conflict("记录正被同时修改，请稍后重试"))
}

/// Writes the change from `old` to `new` (either may be absent: create, delete) with
/// everything that depends on it, in one transaction.
pub async fn write(
    app: &App,
    actor: &Actor,
    old: Option<&ActivityRecord>,
    new: Option<&ActivityRecord>,
) -> Result<(), Attempt> {
    let Some(any) = new.or(old) else { return Ok(()) };
    let station_id = any.station_id.as_str();
    let store = &app.store;
    let old_figures = old.map(ActivityRecord::figures).transpose()?;
    let new_figures = new.map(ActivityRecord::figures).transpose()?;
    // The population types this write read, for recipients not yet counted anywhere.
    let types_read =
        old_figures.iter().chain(&new_figures).flat_map(|f| f.clients.clone()).collect();
    let served = store
        .plan_served(
            station_id,
            &served_changes(old_figures.as_ref(), new_figures.as_ref()),
            &types_read,
        )
        .await?;
    let counters = store.counter_writes(
        station_id,
        counter_changes(old_figures.as_ref(), new_figures.as_ref()),
        &served,
    )?;

    let mut writes = Vec::new();
    let action = match (old, new) {
        (None, Some(new)) => {
            writes.push(store.put_new(new)?);
            "create"
        }
        (Some(old), Some(new)) => {
            writes.push(store.put_versioned(new, old.version)?);
            "update"
        }
        (Some(old), None) => {
            writes.push(store.delete_versioned(&old.pk, &old.sk, old.version)?);
            "delete"
        }
        (None, None) => return Ok(()),
    };
    writes.push(store.audit(actor, action, "activity", &any.id, Some(station_id))?);

    // The dashboard copy: its key holds the start date, so a moved date is a new item.
    let old_copy = old.and_then(ActivityRecord::underway);
    let new_copy = new.and_then(ActivityRecord::underway);
    match (&old_copy, &new_copy) {
        (Some(o), Some(n)) if o.sk == n.sk => {
            if o != n {
                writes.push(store.put(n)?);
            }
        }
        _ => {
            if let Some(o) = &old_copy {
                writes.push(store.delete(&o.pk, &o.sk)?);
            }
            if let Some(n) = &new_copy {
                writes.push(store.put(n)?);
            }
        }
    }

    // Links: created, rewritten when what they show changed, deleted; a created or
    // deleted link moves the recipient's version (the people module's contract).
    let old_clients: BTreeSet<&str> =
        old.map(|o| o.client_ids.iter().map(String::as_str).collect()).unwrap_or_default();
    let new_clients: BTreeSet<&str> =
        new.map(|n| n.client_ids.iter().map(String::as_str).collect()).unwrap_or_default();
    let summary_changed = match (old, new) {
        (Some(o), Some(n)) => o.link_summary() != n.link_summary(),
        _ => true,
    };
    // A link's key holds the start date: a moved date moves every kept link.
    let date_moved = matches!((old, new), (Some(o), Some(n)) if o.start_date != n.start_date);
    if let Some(new) = new {
        for client in &new_clients {
            let linking = !old_clients.contains(client);
            if !linking
                && date_moved
                && let Some(old) = old
            {
                let (pk, sk) = keys::client_activity(station_id, client, &old.start_date, &old.id);
                writes.push(store.delete(&pk, &sk)?);
            }
            if linking || summary_changed {
                writes.push(store.put(&ClientActivityLink::new(
                    station_id,
                    client,
                    new.link_summary(),
                ))?);
            }
            if linking {
                writes.push(store.touch_client_for_link(station_id, client, true)?);
            }
        }
    }
    if let Some(old) = old {
        for client in old_clients.difference(&new_clients) {
            let (pk, sk) = keys::client_activity(station_id, client, &old.start_date, &old.id);
            writes.push(store.delete(&pk, &sk)?);
            writes.push(store.touch_client_for_link(station_id, client, false)?);
        }
    }

    writes.extend(served.writes);
    writes.extend(counters);

    // Workers newly put on the activity must still be current when it is written.
    if let Some(new) = new {
        let before: BTreeSet<&str> = old.map(|o| o.all_worker_ids()).unwrap_or_default();
        for worker in new.all_worker_ids().difference(&before) {
            writes.push(store.check_current_worker(station_id, worker)?);
        }
    }

    if writes.len() > MAX_TRANSACTION_ITEMS {
        return Err(Attempt::Fail(ApiError::field(
            "client_ids",
            "一次调整的服务对象过多，请分几次修改后再保存",
        )));
    }
    match store.transact(writes).await {
        Ok(()) => Ok(()),
        Err(TxError::ConditionFailed(_) | TxError::Conflict) => Err(Attempt::Retry),
        Err(TxError::Other(error)) => Err(Attempt::Fail(ApiError::Internal(error))),
    }
}
