//! The reviewers' side: which stations under the administrator's region have submitted a
//! month, one station's summary, and the review (审核通过 / 打回). A station outside the
//! region is not found.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use swz_shared::domain::{Month, clean_text};
use swz_shared::http::{Body, List, PageParams, Params, PathParams};
use swz_shared::orgs::StationRecord;
use swz_shared::store::{CursorScope, Index, PageRequest, Query, keys, tx_error};
use swz_shared::summaries::{HistoryEntry, SummaryAction, SummaryRecord, SummaryStatus};
use swz_shared::{ApiError, ApiResult, App, Caller, Validator};

use crate::summary::{Loaded, StationMonthPath, SummaryView, parse_month};

/// The longest review comment, in characters.
const MAX_COMMENT_CHARS: usize = 500;

/// `GET /api/admin/summaries` query.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// The month, `YYYY-MM`; the current month in China when left out.
    #[serde(default)]
    #[param(value_type = Option<String>, pattern = "^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])$",
        example = "2026-11")]
    month: Option<String>,
    /// Only the stations whose summary stands so (a draft is `not_submitted`); all
    /// stations without it.
    #[serde(default)]
    #[param(value_type = Option<ReviewState>, inline)]
    status: Option<String>,
    /// 1 to 100, default 20.
    #[serde(default)]
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// The `next_cursor` of the previous page.
    #[serde(default)]
    cursor: Option<String>,
}

/// Where a station stands with a month, as reviewers see it: a draft is still
/// `not_submitted`, since only submission puts a summary in front of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    NotSubmitted,
    Submitted,
    Returned,
    Approved,
}

impl ReviewState {
    fn parse(raw: &str) -> Option<Self> {
        match raw.trim() {
            "not_submitted" => Some(Self::NotSubmitted),
            "submitted" => Some(Self::Submitted),
            "returned" => Some(Self::Returned),
            "approved" => Some(Self::Approved),
            _ => None,
        }
    }

    fn of(summary: Option<&SummaryRecord>) -> Self {
        match summary.map(|s| s.status) {
            None | Some(SummaryStatus::Draft) => Self::NotSubmitted,
            Some(SummaryStatus::Submitted) => Self::Submitted,
            Some(SummaryStatus::Returned) => Self::Returned,
            Some(SummaryStatus::Approved) => Self::Approved,
        }
    }

    fn code(self) -> &'static str {
        match self {
            Self::NotSubmitted => "not_submitted",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Approved => "approved",
        }
    }
}

/// One station's standing for the month.
#[derive(Serialize, utoipa::ToSchema)]
pub struct StationMonth {
    station_id: String,
    station_name: String,
    month: Month,
    status: ReviewState,
    /// RFC 3339, UTC: the last submission; null before the first.
    #[schema(required = true)]
    submitted_at: Option<String>,
    /// RFC 3339, UTC: the last change; null while the station saved nothing.
    #[schema(required = true)]
    updated_at: Option<String>,
}

/// `POST …/review`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReviewRequest {
    /// `approve` 审核通过 or `return` 打回.
    #[serde(default)]
    #[schema(schema_with = decision_schema, required = true)]
    decision: Option<String>,
    /// 审核意见, at most 500 characters; required to return.
    #[serde(default)]
    #[schema(max_length = 500)]
    comment: Option<String>,
}

/// The decisions a review accepts.
fn decision_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    swz_shared::openapi::enum_schema("审核结果：approve 通过、return 打回", &["approve", "return"])
}

/// `GET /api/admin/summaries?month=&status=`: every station under the region, with or
/// without a summary, in the region's station order.
///
/// Pages follow the stations: each step reads a page of stations and their summaries of
/// the month in one batch, keeps those the status filter wants, and continues until the
/// page is full. The cursor is the last listed station's key.
#[utoipa::path(get, path = "/api/admin/summaries", tag = "summaries", operation_id = "admin_summaries_list",
    params(ListParams),
    responses((status = 200, description = "辖区内各社工站该月的月度总结状态", body = List<StationMonth>)))]
pub async fn list(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<ListParams>,
) -> ApiResult<List<StationMonth>> {
    let region = caller.admin_region()?;
    let month = match params.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        None => Month::current(),
        Some(raw) => Month::parse(raw).map_err(ApiError::bad_request)?,
    };
    let filter = match params.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(raw) => Some(ReviewState::parse(raw).ok_or_else(|| {
            ApiError::bad_request(
                "status 取值不正确，可选：not_submitted、submitted、returned、approved",
            )
        })?),
    };
    let scope = CursorScope::new(
        caller.id(),
        None,
        &format!("admin/summaries?month={month}&status={}", filter.map_or("", ReviewState::code)),
    );
    let request =
        PageParams { limit: params.limit, cursor: params.cursor }.request(&app, &scope)?;

    let query =
        Query::new(Index::Gsi1, keys::stations_gsi1(region.as_str())).begins_with(region.as_str());
    let limit = request.limit;
    let mut after = request.after;
    let mut items = Vec::with_capacity(limit);
    loop {
        // Without a filter every station is listed, so a page of stations fills the page.
        let batch = if filter.is_some() { 100 } else { limit - items.len() };
        let page = app
            .store
            .query_page::<StationRecord>(
                &query,
                &PageRequest { limit: batch, after: after.take() },
                |_| true,
            )
            .await?;
        let keys: Vec<(String, String)> =
            page.items.iter().map(|s| keys::summary(&s.id, &month.to_string())).collect();
        let summaries: HashMap<String, SummaryRecord> = app
            .store
            .get_many::<SummaryRecord>(&keys)
            .await?
            .into_iter()
            .map(|s| (s.station_id.clone(), s))
            .collect();
        let read = page.items.len();
        for (index, station) in page.items.into_iter().enumerate() {
            let summary = summaries.get(&station.id);
            let status = ReviewState::of(summary);
            if filter.is_some_and(|wanted| wanted != status) {
                continue;
            }
            let cursor = station_key(&station);
            items.push(StationMonth {
                station_id: station.id,
                station_name: station.name,
                month,
                status,
                submitted_at: summary.and_then(|s| s.submitted_at.clone()),
                updated_at: summary.map(|s| s.updated_at.clone()),
            });
            if items.len() == limit {
                let more = index + 1 < read || page.last_key.is_some();
                let next_cursor = more.then(|| app.cursors.seal(&scope, &cursor));
                return Ok(List { items, next_cursor });
            }
        }
        match page.last_key {
            Some(key) => after = Some(key),
            None => return Ok(List { items, next_cursor: None }),
        }
    }
}

/// The key of a station in the region index, which is what the next page starts after.
fn station_key(station: &StationRecord) -> BTreeMap<String, String> {
    BTreeMap::from([
        ("pk".to_string(), station.pk.clone()),
        ("sk".to_string(), station.sk.clone()),
        ("gsi1pk".to_string(), station.gsi1pk.clone()),
        ("gsi1sk".to_string(), station.gsi1sk.clone()),
    ])
}

/// `GET /api/admin/summaries/{station_id}/{month}`: the summary as the station sees it.
#[utoipa::path(get, path = "/api/admin/summaries/{station_id}/{month}", tag = "summaries",
    operation_id = "admin_summaries_get",
    params(StationMonthPath),
    responses((status = 200, description = "该站该月的月度总结", body = SummaryView)))]
pub async fn get(
    State(app): State<App>,
    caller: Caller,
    PathParams(StationMonthPath(station_id, month)): PathParams<StationMonthPath>,
) -> ApiResult<Json<SummaryView>> {
    let region = caller.admin_region()?;
    let month = parse_month(&month)?;
    let station = app.store.station_in(&station_id, &region).await?.ok_or(ApiError::NotFound)?;
    let loaded = Loaded::read(&app, station, month).await?;
    Ok(Json(SummaryView::of(&app, loaded).await?))
}

/// `POST /api/admin/summaries/{station_id}/{month}/review`: approves or returns a
/// submitted summary; a comment is required to return it.
#[utoipa::path(post, path = "/api/admin/summaries/{station_id}/{month}/review", tag = "summaries",
    operation_id = "admin_summaries_review",
    params(StationMonthPath),
    request_body = ReviewRequest,
    responses((status = 200, description = "已审核", body = SummaryView)))]
pub async fn review(
    State(app): State<App>,
    caller: Caller,
    PathParams(StationMonthPath(station_id, month)): PathParams<StationMonthPath>,
    Body(request): Body<ReviewRequest>,
) -> ApiResult<Json<SummaryView>> {
    let region = caller.admin_region()?;
    let month = parse_month(&month)?;
    let mut v = Validator::new();
    let decision = match request.decision.as_deref().map(SummaryAction::parse) {
        Some(Ok(action @ (SummaryAction::Approve | SummaryAction::Return))) => Some(action),
        _ => {
            v.add("decision", "请选择审核结果：approve（通过）或 return（打回）");
            None
        }
    };
    let comment = v.check(
        "comment",
        clean_text(request.comment.as_deref().unwrap_or(""), "审核意见", MAX_COMMENT_CHARS),
    );
    if decision == Some(SummaryAction::Return) && comment.as_deref().is_some_and(str::is_empty) {
        v.add("comment", "打回时请填写审核意见");
    }
    v.finish()?;
    let (Some(decision), Some(comment)) = (decision, comment) else {
        unreachable!("the validator refused missing values")
    };

    let station = app.store.station_in(&station_id, &region).await?.ok_or(ApiError::NotFound)?;
    let mut loaded = Loaded::read(&app, station, month).await?;
    let Some(mut record) = loaded.summary.clone().filter(|s| s.status == SummaryStatus::Submitted)
    else {
        return Err(ApiError::conflict("只能审核已提交、待审核的月度总结"));
    };

    let now = jiff::Timestamp::now().to_string();
    let expected = record.version;
    record.status = match decision {
        SummaryAction::Return => SummaryStatus::Returned,
        _ => SummaryStatus::Approved,
    };
    record.history.push(HistoryEntry {
        action: decision,
        account_id: caller.id().to_string(),
        display_name: caller.account.display_name.clone(),
        role: caller.role.code().to_string(),
        at: now.clone(),
        comment: Some(comment).filter(|c| !c.is_empty()),
    });
    record.version += 1;
    record.updated_at = now;
    let writes = vec![
        app.store.put_versioned(&record, expected)?,
        app.store.audit(
            &caller.actor(),
            decision.code(),
            "summary",
            &loaded.summary_id(),
            Some(&loaded.station.id),
        )?,
    ];
    app.store
        .transact(writes)
        .await
        .map_err(|e| tx_error(e, &[(0, "月度总结已被他人审核或修改，请刷新后重试")]))?;
    tracing::info!(station_id = %loaded.station.id, month = %month, decision = decision.code(), "summary reviewed");

    loaded.summary = Some(record);
    Ok(Json(SummaryView::of(&app, loaded).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draft_is_not_yet_submitted_for_reviewers() {
        let mut summary = SummaryRecord::new("st", Month::parse("2026-11").unwrap());
        assert_eq!(ReviewState::of(None), ReviewState::NotSubmitted);
        assert_eq!(ReviewState::of(Some(&summary)), ReviewState::NotSubmitted);
        summary.status = SummaryStatus::Returned;
        assert_eq!(ReviewState::of(Some(&summary)), ReviewState::Returned);
    }

    #[test]
    fn status_filters_parse_their_codes_only() {
        for code in ["not_submitted", "submitted", "returned", "approved"] {
            assert_eq!(ReviewState::parse(code).map(ReviewState::code), Some(code));
        }
        assert_eq!(ReviewState::parse("draft"), None);
        assert_eq!(ReviewState::parse("lost"), None);
    }
}
