//! The station's side: the notices addressed to the station, newest first and filtered;
//! opening one marks it read; attachments come down through short-lived links.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use swz_shared::domain::parse_date;
use swz_shared::http::{List, PageParams, Params, PathParams};
use swz_shared::notices::{NoticeFilter, NoticeReadRecord, NoticeRecord};
use swz_shared::orgs::StationRecord;
use swz_shared::store::{CursorScope, TxError, invalid_cursor, tx_error};
use swz_shared::{ApiError, ApiResult, App, Caller};

use crate::plausible_id;
use crate::views::{Download, StationNoticeView};

/// The longest keyword, in characters.
const MAX_QUERY_CHARS: usize = 100;

/// The cursor key: the feed key the next page starts below.
const BEFORE: &str = "before";

/// `GET /api/notices` query: `q`, `unread`, `from`, `to`, `limit`, `cursor`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// 1 to 100, default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    cursor: Option<String>,
    /// A word of the title or the body (at most 100 characters).
    #[param(max_length = 100)]
    q: Option<String>,
    /// `true` for the notices the station has not opened yet (also `1`; `false`, `0` or
    /// empty for all).
    #[param(value_type = Option<bool>)]
    unread: Option<String>,
    /// Published on or after this China date, `YYYY-MM-DD`.
    #[param(value_type = Option<String>, format = Date)]
    from: Option<String>,
    /// Published on or before this China date, `YYYY-MM-DD` (not before `from`).
    #[param(value_type = Option<String>, format = Date)]
    to: Option<String>,
}

impl ListParams {
    /// The filter, or 400 for a value that does not parse.
    fn filter(&self) -> ApiResult<NoticeFilter> {
        let q = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if q.is_some_and(|q| q.chars().count() > MAX_QUERY_CHARS) {
            return Err(ApiError::bad_request("关键词不能超过100个字"));
        }
        let unread_only = swz_shared::http::flag("unread", self.unread.as_deref())?;
        let date = |raw: &Option<String>| -> ApiResult<_> {
            match raw.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
                None => Ok(None),
                Some(raw) => parse_date(raw).map(Some).map_err(ApiError::bad_request),
            }
        };
        let (from, to) = (date(&self.from)?, date(&self.to)?);
        if let (Some(from), Some(to)) = (from, to)
            && from > to
        {
            return Err(ApiError::bad_request("开始日期不能晚于结束日期"));
        }
        Ok(NoticeFilter { q: q.map(NoticeFilter::normalise), from, to, unread_only })
    }

    /// What the cursor is bound to: the route and every filter, normalised.
    fn scope(&self, caller: &Caller, station_id: &str, filter: &NoticeFilter) -> CursorScope {
        let query = format!(
            "notices?q={}&unread={}&from={}&to={}",
            filter.q.as_deref().unwrap_or(""),
            filter.unread_only,
            filter.from.map(|d| d.to_string()).unwrap_or_default(),
            filter.to.map(|d| d.to_string()).unwrap_or_default(),
        );
        CursorScope::new(caller.id(), Some(station_id), &query)
    }
}

/// The caller's current station record.
async fn current_station(app: &App, caller: &Caller) -> ApiResult<StationRecord> {
    let scope = caller.station()?;
    app.store.station(scope.station_id()).await?.ok_or(ApiError::NotFound)
}

/// A notice addressed to `station`; any other is "not found".
async fn addressed_notice(app: &App, id: &str, station: &StationRecord) -> ApiResult<NoticeRecord> {
    if !plausible_id(id) {
        return Err(ApiError::NotFound);
    }
    app.store
        .notice(id)
        .await?
        .filter(|notice| notice.is_addressed_to(station))
        .ok_or(ApiError::NotFound)
}

/// `GET /api/notices`.
#[utoipa::path(get, path = "/api/notices", tag = "notices", operation_id = "notices_list",
    params(ListParams),
    responses((status = 200, description = "发给本站的通知，最新的在前", body = List<StationNoticeView>)))]
pub async fn list(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<ListParams>,
) -> ApiResult<List<StationNoticeView>> {
    let station = current_station(&app, &caller).await?;
    let filter = params.filter()?;
    let scope = params.scope(&caller, &station.id, &filter);
    let paging = PageParams { limit: params.limit.clone(), cursor: params.cursor.clone() };
    let page = paging.request(&app, &scope)?;
    let before = match &page.after {
        Some(cursor) => Some(cursor.get(BEFORE).cloned().ok_or_else(invalid_cursor)?),
        None => None,
    };

    let result =
        app.store.station_notices(&station, &filter, page.limit, before.as_deref()).await?;
    let next_cursor =
        result.next_before.map(|key| app.cursors.seal(&scope, &[(BEFORE.to_string(), key)].into()));
    let items = result
        .items
        .into_iter()
        .map(|item| StationNoticeView::of(item.notice, item.read_at))
        .collect();
    Ok(List { items, next_cursor })
}

/// `GET /api/notices/{id}`: the notice; the first opening records the station's receipt,
/// later ones keep its time.
#[utoipa::path(get, path = "/api/notices/{id}", tag = "notices", operation_id = "notices_get",
    params(("id" = String, Path, description = "通知ID")),
    responses((status = 200, description = "通知（首次打开时记为已读）", body = StationNoticeView)))]
pub async fn get(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<StationNoticeView>> {
    let station = current_station(&app, &caller).await?;
    let notice = addressed_notice(&app, &id, &station).await?;

    let read_at = match app.store.notice_receipt(&notice.id, &station.id).await? {
        Some(receipt) => receipt.read_at,
        None => {
            let receipt = NoticeReadRecord::now(&notice.id, &station.id);
            let writes = vec![
                app.store.put_new(&receipt)?,
                app.store.notice_read_mark(&station.id, &notice.id)?,
                app.store.audit(
                    &caller.actor(),
                    "read",
                    "notice",
                    &notice.id,
                    Some(&station.id),
                )?,
            ];
            match app.store.transact(writes).await {
                Ok(()) => receipt.read_at,
                // Opened twice at once: the other request's receipt stands.
                Err(TxError::ConditionFailed(0) | TxError::Conflict) => app
                    .store
                    .notice_receipt(&notice.id, &station.id)
                    .await?
                    .map(|r| r.read_at)
                    .unwrap_or(receipt.read_at),
                Err(other) => return Err(tx_error(other, &[])),
            }
        }
    };
    Ok(Json(StationNoticeView::of(notice, Some(read_at))))
}

/// `GET /api/notices/{id}/attachments/{attachment_id}` → `{download_url}`.
#[utoipa::path(get, path = "/api/notices/{id}/attachments/{attachment_id}", tag = "notices",
    operation_id = "notices_attachment",
    params(("id" = String, Path, description = "通知ID"), ("attachment_id" = String, Path, description = "附件ID")),
    responses((status = 200, description = "附件的临时下载链接", body = Download)))]
pub async fn download(
    State(app): State<App>,
    caller: Caller,
    PathParams((id, attachment_id)): PathParams<(String, String)>,
) -> ApiResult<Json<Download>> {
    let station = current_station(&app, &caller).await?;
    let notice = addressed_notice(&app, &id, &station).await?;
    let attachment = notice.attachment(&attachment_id).ok_or(ApiError::NotFound)?;
    let download_url =
        app.files.presign_download(&attachment.object_key, &attachment.file_name).await?;
    Ok(Json(Download { download_url }))
}
