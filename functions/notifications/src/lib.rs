//! 站内通知: every account's in-app notifications, newest first, and marking one read.
//! The notifier writes them from the table's change stream; see
//! `swz_shared::notifications` for where they are kept.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use swz_shared::http::{List, PageParams, Params, PathParams};
use swz_shared::notifications::{NotificationRecord, NotificationTopic};
use swz_shared::store::{CursorScope, Index, Query, TxError, keys, tx_error};
use swz_shared::{ApiError, ApiResult, App, Caller};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes this function serves, with their OpenAPI description. It also carries the
/// routes that belong to no module: the health check.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(mark_read))
        .merge(swz_shared::http::system_api())
}

/// The routes this function serves.
pub fn router() -> Router<App> {
    api().into()
}

/// The committed OpenAPI document (`openapi.json` at the workspace root). A deployed
/// function cannot generate it, since that takes every function's handlers; the e2e suite
/// checks that the committed file equals the generated one, so this is the same document.
pub const OPENAPI_JSON: &str = include_str!("../../../openapi.json");

/// `GET /api/openapi.json` as deployed: the committed document.
pub fn openapi_router() -> Router<App> {
    Router::new().route(
        "/api/openapi.json",
        axum::routing::get(|| async {
            ([(axum::http::header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
        }),
    )
}

/// `GET /api/notifications` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct ListParams {
    /// `true` for the unread ones only; `false` or empty for all.
    #[serde(default)]
    #[param(value_type = Option<bool>)]
    unread: Option<String>,
    /// 1 to 100, default 20.
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// `{id, kind, title, body, created_at, read}`, and what it points at.
#[derive(Serialize, utoipa::ToSchema)]
struct NotificationView {
    id: String,
    kind: NotificationTopic,
    title: String,
    body: String,
    /// RFC 3339, UTC: when the event it reports happened.
    created_at: String,
    read: bool,
    /// RFC 3339, UTC; null while unread.
    #[schema(required = true)]
    read_at: Option<String>,
    /// The summary it is about; null when it points at nothing.
    #[schema(required = true)]
    link: Option<swz_shared::notifications::NotificationLink>,
}

impl From<NotificationRecord> for NotificationView {
    fn from(n: NotificationRecord) -> Self {
        Self {
            id: n.id,
            kind: n.topic,
            title: n.title,
            body: n.body,
            created_at: n.created_at,
            read: n.read_at.is_some(),
            read_at: n.read_at,
            link: n.link,
        }
    }
}

/// `GET /api/notifications[?unread=true]`: the caller's notifications, newest first.
/// Unread ones come from their own index partition, so the filter costs nothing; that
/// index is eventually consistent, so deployed, a notification read a moment ago may show
/// as unread there for a moment longer.
#[utoipa::path(get, path = "/api/notifications", tag = "notifications",
    operation_id = "notifications_list",
    params(ListParams),
    responses((status = 200, description = "本账户的站内通知，最新的在前", body = List<NotificationView>)))]
async fn list(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<ListParams>,
) -> ApiResult<List<NotificationView>> {
    let unread_only = swz_shared::http::flag("unread", params.unread.as_deref())?;
    let scope = CursorScope::new(caller.id(), None, &format!("notifications?unread={unread_only}"));
    let page = PageParams { limit: params.limit, cursor: params.cursor }.request(&app, &scope)?;
    let query = if unread_only {
        Query::new(Index::Gsi1, keys::unread_notifications_gsi1(caller.id()))
    } else {
        let (pk, _) = keys::account(caller.id());
        Query::new(Index::Table, pk).begins_with(keys::NOTIFICATION_PREFIX)
    }
    .reversed();
    let page = app.store.query_page::<NotificationRecord>(&query, &page, |_| true).await?;
    Ok(List::from_page(&app, &scope, page, NotificationView::from))
}

/// `POST /api/notifications/{id}/read`: 204, also when it was read before; 404 for an id
/// that is not the caller's.
#[utoipa::path(post, path = "/api/notifications/{id}/read", tag = "notifications",
    operation_id = "notifications_read",
    params(("id" = String, Path, description = "通知ID")),
    responses((status = 204, description = "已标记为已读（已读过的也是204）")))]
async fn mark_read(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    let (pk, sk) = keys::notification(caller.id(), &id);
    let mut notification: NotificationRecord =
        app.store.get(&pk, &sk).await?.ok_or(ApiError::NotFound)?;
    if notification.read_at.is_some() {
        return Ok(StatusCode::NO_CONTENT);
    }
    let expected = notification.version;
    notification.mark_read(&jiff::Timestamp::now().to_string());
    let writes = vec![
        app.store.put_versioned(&notification, expected)?,
        app.store.audit(&caller.actor(), "read", "notification", &id, None)?,
    ];
    match app.store.transact(writes).await {
        // The only change a notification ever sees is being read: someone (another tab
        // of the same account) just did it.
        Ok(()) | Err(TxError::ConditionFailed(0)) => Ok(StatusCode::NO_CONTENT),
        Err(other) => Err(tx_error(other, &[])),
    }
}
