//! 服务活动管理: the station's activities — create, read, update, delete, list with
//! filters, and the per-category overview.

use std::collections::{BTreeMap, HashMap};

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use swz_shared::activities::{ActivityRecord, UnderwayRecord};
use swz_shared::categories::{ActivityStatus, CATEGORIES, category, parse_category};
use swz_shared::domain::{Month, PopulationType};
use swz_shared::http::{Body, List, PageParams, Params, PathParams};
use swz_shared::stats::{StatsPeriod, attr};
use swz_shared::store::{CursorScope, Index, Page, Query, keys};
use swz_shared::{ApiError, ApiResult, App, Caller, StationScope, Validator};
use utoipa::{IntoParams, ToSchema};

use crate::input::{ActivityFields, ActivityInput, People, check_people};
use crate::write::{Attempt, retrying, write};

/// `{id, name}` of a worker or recipient an activity names.
#[derive(Debug, Serialize, ToSchema)]
pub struct PersonRef {
    id: String,
    name: String,
}

/// An activity as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ActivityView {
    id: String,
    title: String,
    category: String,
    category_label: &'static str,
    status: ActivityStatus,
    #[schema(format = Date)]
    start_date: String,
    #[schema(format = Date)]
    end_date: Option<String>,
    location: String,
    lead_worker_id: String,
    lead_worker_name: String,
    worker_ids: Vec<String>,
    client_ids: Vec<String>,
    unregistered_participants: u64,
    description: String,
    /// 基本信息: the category's fields (see `GET /api/meta`).
    #[schema(value_type = Object)]
    details: Map<String, Value>,
    /// 总结记录; `null` while ongoing.
    #[schema(value_type = Option<Object>)]
    summary: Option<Map<String, Value>>,
    /// The named workers with their current names (single-record answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    workers: Option<Vec<PersonRef>>,
    /// The linked recipients with their current names (single-record answers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    clients: Option<Vec<PersonRef>>,
    version: u64,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

impl ActivityView {
    fn of(record: ActivityRecord) -> Self {
        Self {
            category_label: category(&record.category).map(|c| c.label).unwrap_or(""),
            id: record.id,
            title: record.title,
            category: record.category,
            status: record.status,
            start_date: record.start_date,
            end_date: record.end_date,
            location: record.location,
            lead_worker_id: record.lead_worker_id,
            lead_worker_name: record.lead_worker_name,
            worker_ids: record.worker_ids,
            client_ids: record.client_ids,
            unregistered_participants: record.unregistered_participants,
            description: record.description,
            details: record.details,
            summary: record.summary,
            workers: None,
            clients: None,
            version: record.version,
            created_at: record.created_at,
            updated_at: record.updated_at,
        }
    }

    /// The view with every named person's name, from the records at hand.
    fn with_people(record: ActivityRecord, people: &People) -> Self {
        let workers = record
            .all_worker_ids()
            .into_iter()
            .map(|id| PersonRef {
                id: id.to_string(),
                name: people.workers.get(id).map(|w| w.name.clone()).unwrap_or_default(),
            })
            .collect();
        let clients = record
            .client_ids
            .iter()
            .map(|id| PersonRef {
                id: id.clone(),
                name: people.clients.get(id).map(|c| c.name.clone()).unwrap_or_default(),
            })
            .collect();
        // The lead's current name too, so the answer never names one person twice
        // differently; lists show the name saved with the activity.
        let lead_name = people.workers.get(&record.lead_worker_id).map(|w| w.name.clone());
        let mut view = Self::of(record);
        if let Some(name) = lead_name {
            view.lead_worker_name = name;
        }
        view.workers = Some(workers);
        view.clients = Some(clients);
        view
    }
}

/// Builds the record to store from checked fields, the people read and the record
/// being replaced (if any).
fn record_of(
    scope: &StationScope,
    id: &str,
    fields: &ActivityFields,
    people: &People,
    old: Option<&ActivityRecord>,
) -> ActivityRecord {
    let now = jiff::Timestamp::now().to_string();
    let client_population_types: BTreeMap<String, Vec<PopulationType>> = fields
        .client_ids
        .iter()
        .map(|id| {
            let types =
                people.clients.get(id).map(|c| c.population_types.clone()).unwrap_or_default();
            (id.clone(), types)
        })
        .collect();
    let mut record = ActivityRecord {
        pk: String::new(),
        sk: String::new(),
        gsi1pk: String::new(),
        gsi1sk: String::new(),
        gsi2pk: String::new(),
        gsi2sk: String::new(),
        kind: "activity".into(),
        id: id.to_string(),
        station_id: scope.station_id().to_string(),
        title: fields.title.clone(),
        category: fields.category.code.to_string(),
        status: fields.status,
        start_date: fields.start_date.to_string(),
        end_date: fields.end_date.map(|d| d.to_string()),
        location: fields.location.clone(),
        lead_worker_id: fields.lead_worker_id.clone(),
        lead_worker_name: people
            .workers
            .get(&fields.lead_worker_id)
            .map(|w| w.name.clone())
            .unwrap_or_default(),
        worker_ids: fields.worker_ids.clone(),
        client_ids: fields.client_ids.clone(),
        unregistered_participants: fields.unregistered_participants,
        description: fields.description.clone(),
        details: fields.details.clone(),
        summary: fields.summary.clone(),
        client_population_types,
        version: old.map_or(1, |o| o.version + 1),
        created_at: old.map_or_else(|| now.clone(), |o| o.created_at.clone()),
        updated_at: now,
    };
    record.index();
    record
}

/// Checks a body completely: every field, then what its ids point at.
async fn check(
    app: &App,
    scope: &StationScope,
    input: &ActivityInput,
    old: Option<&ActivityRecord>,
) -> ApiResult<(ActivityFields, People)> {
    let mut v = Validator::new();
    let fields = input.check(&mut v);
    let people = match &fields {
        Some(fields) => check_people(app, scope, fields, old, &mut v).await?,
        None => None,
    };
    v.finish()?;
    match (fields, people) {
        (Some(fields), Some(people)) => Ok((fields, people)),
        _ => Err(ApiError::internal(anyhow::anyhow!("checks passed without values"))),
    }
}

/// `POST /api/activities`.
#[utoipa::path(post, path = "/api/activities", tag = "activities", request_body = ActivityInput,
    responses((status = 201, description = "已创建服务活动", body = ActivityView)))]
pub async fn create(
    State(app): State<App>,
    caller: Caller,
    Body(input): Body<ActivityInput>,
) -> ApiResult<(StatusCode, Json<ActivityView>)> {
    let scope = &caller.station()?;
    let id = &keys::new_id();
    let (app, actor, input) = (&app, &caller.actor(), &input);
    let view = retrying(|| async move {
        let (fields, people) = check(app, scope, input, None).await?;
        let record = record_of(scope, id, &fields, &people, None);
        write(app, actor, None, Some(&record)).await?;
        Ok(ActivityView::with_people(record, &people))
    })
    .await?;
    tracing::info!(activity_id = %id, category = %view.category, "activity created");
    Ok((StatusCode::CREATED, Json(view)))
}

/// `GET /api/activities/{id}`.
#[utoipa::path(get, path = "/api/activities/{id}", tag = "activities",
    params(("id" = String, Path, description = "活动ID")),
    responses((status = 200, description = "服务活动", body = ActivityView)))]
pub async fn get(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<ActivityView>> {
    let scope = caller.station()?;
    let record = app.store.activity(scope.station_id(), &id).await?.ok_or(ApiError::NotFound)?;
    let ids: Vec<String> = record.all_worker_ids().into_iter().map(str::to_string).collect();
    let workers = app.store.workers_by_ids(&scope, &ids).await?;
    let clients = app.store.clients_by_ids(&scope, &record.client_ids).await?;
    let people = People {
        workers: workers.into_iter().map(|w| (w.id.clone(), w)).collect(),
        clients: clients.into_iter().map(|c| (c.id.clone(), c)).collect(),
    };
    Ok(Json(ActivityView::with_people(record, &people)))
}

/// `PUT /api/activities/{id}` with the `version` read: the fields sent replace the
/// activity's, and a field left out keeps its value (`null` clears an end date). So the
/// whole activity may be sent again, or only what changed, such as a status with its
/// end date and summary.
#[utoipa::path(put, path = "/api/activities/{id}", tag = "activities",
    params(("id" = String, Path, description = "活动ID")), request_body = ActivityInput,
    responses((status = 200, description = "已修改", body = ActivityView)))]
pub async fn update(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    Body(sent): Body<Map<String, Value>>,
) -> ApiResult<Json<ActivityView>> {
    let scope = &caller.station()?;
    let (app, actor, sent, id) = (&app, &caller.actor(), &sent, &id);
    let view = retrying(|| async move {
        let old = app.store.activity(scope.station_id(), id).await?.ok_or(ApiError::NotFound)?;
        let input = &ActivityInput::over(&old, sent)?;
        let Some(version) = input.version else {
            return Err(Attempt::Fail(ApiError::field("version", "缺少版本号，请刷新后重试")));
        };
        let (fields, people) = check(app, scope, input, Some(&old)).await?;
        if version != old.version {
            return Err(Attempt::Fail(ApiError::conflict("记录已被他人修改，请刷新后重试")));
        }
        let record = record_of(scope, id, &fields, &people, Some(&old));
        write(app, actor, Some(&old), Some(&record)).await?;
        Ok(ActivityView::with_people(record, &people))
    })
    .await?;
    Ok(Json(view))
}

/// `DELETE /api/activities/{id}`: the activity and its links go, the statistics drop it.
#[utoipa::path(delete, path = "/api/activities/{id}", tag = "activities",
    params(("id" = String, Path, description = "活动ID")),
    responses((status = 204, description = "已删除")))]
pub async fn delete(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<StatusCode> {
    let scope = &caller.station()?;
    let (app_ref, actor, id_ref) = (&app, &caller.actor(), &id);
    retrying(|| async move {
        let old =
            app_ref.store.activity(scope.station_id(), id_ref).await?.ok_or(ApiError::NotFound)?;
        write(app_ref, actor, Some(&old), None).await
    })
    .await?;
    tracing::info!(activity_id = %id, "activity deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The list's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A category code (`case_management`, ...; see `GET /api/meta`).
    category: Option<String>,
    /// `ongoing` or `finished`.
    status: Option<String>,
    /// `YYYY-MM`: activities that start in that month.
    month: Option<String>,
    /// A part of the title (活动名称).
    q: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    page: PageParams,
}

/// Filters that parsed; an unknown value answers 400.
struct Filters {
    category: Option<&'static str>,
    status: Option<ActivityStatus>,
    month: Option<Month>,
    q: Option<String>,
}

impl Filters {
    fn parse(params: &ListParams) -> ApiResult<Self> {
        fn given(v: &Option<String>) -> Option<&str> {
            v.as_deref().map(str::trim).filter(|v| !v.is_empty())
        }
        let category = given(&params.category)
            .map(|c| parse_category(c).map(|c| c.code))
            .transpose()
            .map_err(|_| ApiError::bad_request("category 不是已知的活动类别"))?;
        let status = given(&params.status)
            .map(ActivityStatus::parse)
            .transpose()
            .map_err(|_| ApiError::bad_request("status 应为 ongoing 或 finished"))?;
        let month = given(&params.month)
            .map(Month::parse)
            .transpose()
            .map_err(|_| ApiError::bad_request("month 应为YYYY-MM格式"))?;
        let q = given(&params.q).map(str::to_lowercase);
        Ok(Self { category, status, month, q })
    }

    /// The route and normal form of the filters, which a cursor is bound to.
    fn scope_key(&self) -> String {
        format!(
            "activities?category={}&status={}&month={}&q={}",
            self.category.unwrap_or(""),
            self.status.map(|s| s.code()).unwrap_or(""),
            self.month.map(|m| m.to_string()).unwrap_or_default(),
            self.q.as_deref().unwrap_or("")
        )
    }

    fn keeps(&self, category: &str, status: Option<ActivityStatus>, title: &str) -> bool {
        self.category.is_none_or(|c| c == category)
            && status.is_none_or(|s| self.status.is_none_or(|want| want == s))
            && self.q.as_deref().is_none_or(|q| title.to_lowercase().contains(q))
    }
}

/// `GET /api/activities`: latest start date first, filtered by category, status, month
/// (of the start date) and a part of the title.
#[utoipa::path(get, path = "/api/activities", tag = "activities", params(ListParams, PageParams),
    responses((status = 200, description = "本站服务活动，开始日期新的在前", body = List<ActivityView>)))]
pub async fn list(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<ListParams>,
) -> ApiResult<List<ActivityView>> {
    let scope = caller.station()?;
    let filters = Filters::parse(&params)?;
    let cursor_scope =
        CursorScope::new(caller.id(), Some(scope.station_id()), &filters.scope_key());
    let page = params.page.request(&app, &cursor_scope)?;
    let month_prefix = filters.month.map(|m| format!("{m}-"));

    if filters.status == Some(ActivityStatus::Ongoing) {
        // Ongoing activities have their own small copies, in start-date order: page over
        // those, then read the pages' activities with one batch.
        let (pk, _) = keys::station(scope.station_id());
        let prefix = format!("{}{}", keys::UNDERWAY_PREFIX, month_prefix.as_deref().unwrap_or(""));
        let query = Query::new(Index::Table, pk).begins_with(prefix).reversed();
        let copies: Page<UnderwayRecord> = app
            .store
            .query_page(&query, &page, |u: &UnderwayRecord| {
                filters.keeps(&u.category, None, &u.title)
            })
            .await?;
        let item_keys: Vec<_> =
            copies.items.iter().map(|u| keys::activity(scope.station_id(), &u.id)).collect();
        let mut records: HashMap<String, ActivityRecord> = app
            .store
            .get_many::<ActivityRecord>(&item_keys)
            .await?
            .into_iter()
            .map(|r| (r.id.clone(), r))
            .collect();
        let items: Vec<ActivityView> = copies
            .items
            .iter()
            .filter_map(|u| records.remove(&u.id))
            .map(ActivityView::of)
            .collect();
        let next_cursor = copies.last_key.map(|key| app.cursors.seal(&cursor_scope, &key));
        return Ok(List { items, next_cursor });
    }

    let mut query = match filters.category {
        Some(category) => {
            Query::new(Index::Gsi2, keys::activities_category_gsi2(scope.station_id(), category))
        }
        None => Query::new(Index::Gsi1, keys::activities_gsi1(scope.station_id())),
    };
    if let Some(prefix) = month_prefix {
        query = query.begins_with(prefix);
    }
    let query = query.reversed();
    let found = app
        .store
        .query_page(&query, &page, |r: &ActivityRecord| {
            filters.keeps(&r.category, Some(r.status), &r.title)
        })
        .await?;
    Ok(List::from_page(&app, &cursor_scope, found, ActivityView::of))
}

/// One category of the overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryOverview {
    code: &'static str,
    label: &'static str,
    total: u64,
    ongoing: u64,
    finished: u64,
    this_month: u64,
}

/// `{categories: [...]}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Overview {
    categories: Vec<CategoryOverview>,
}

/// `GET /api/activities/overview`: per category, from the counters (one batch read).
#[utoipa::path(get, path = "/api/activities/overview", tag = "activities",
    responses((status = 200, description = "各类别活动数", body = Overview)))]
pub async fn overview(State(app): State<App>, caller: Caller) -> ApiResult<Json<Overview>> {
    let scope = caller.station()?;
    let this_month = StatsPeriod::Month(Month::current());
    let items =
        app.store.stats_items(scope.station_id(), &[StatsPeriod::AllTime, this_month]).await?;
    let all = items.get(&StatsPeriod::AllTime).cloned().unwrap_or_default();
    let month = items.get(&this_month).cloned().unwrap_or_default();
    let categories = CATEGORIES
        .iter()
        .map(|c| {
            let total = all.get(&attr::category(c.code));
            let ongoing = all.get(&attr::category_ongoing(c.code)).min(total);
            CategoryOverview {
                code: c.code,
                label: c.label,
                total,
                ongoing,
                finished: total - ongoing,
                this_month: month.get(&attr::category(c.code)),
            }
        })
        .collect();
    Ok(Json(Overview { categories }))
}
