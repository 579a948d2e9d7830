//! The handlers: list, add (from the registry or by hand), read, edit, depart and resync.
//!
//! One ID number is a current worker at one station at a time. That is kept by a global
//! guard item, `WORKER_ACTIVE#<id hash>`, created with the worker (or with a new ID number)
//! and deleted when the worker departs, always in the same transaction as the worker.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use swz_shared::domain::{
    Education, Gender, Position, QualificationLevel, china_today, parse_date,
};
use swz_shared::http::{Body, List, PageParams, Params, PathParams};
use swz_shared::people::{PersonQuery, WorkerRecord, WorkerSource};
use swz_shared::store::{CursorScope, Index, Query, keys, tx_error};
use swz_shared::{ApiError, ApiResult, App, Caller, StationScope, Validator};
use utoipa::{IntoParams, ToSchema};

use crate::input::{
    NewWorker, READ_ONLY, RawWorker, WorkerFields, check_fields, check_left_on,
    check_no_certificate, check_placement, check_source, code_form, enum_form, merge, name_form,
    unchanged,
};

/// A worker as the station sees it. In lists the ID number and phone are masked and the
/// birth date (which the masked ID number hides) is left out.
#[derive(Serialize, ToSchema)]
pub struct WorkerView {
    id: String,
    source: WorkerSource,
    /// The registry profile a registry worker was copied from; null for manual ones.
    #[schema(required = true)]
    registry_id: Option<String>,
    name: String,
    gender: Gender,
    /// Full on the worker's own page, masked (`330106********1234`) in lists.
    id_number: String,
    /// On the worker's own page only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, format = Date)]
    birth_date: Option<String>,
    /// Full on the worker's own page, masked (`138****5678`) in lists.
    phone: String,
    education: Education,
    major: String,
    qualification_level: QualificationLevel,
    certificate_number: String,
    position: Position,
    /// 入职日期.
    #[schema(format = Date)]
    hired_on: String,
    /// 离职日期; null while the worker is current.
    #[schema(required = true, format = Date)]
    left_on: Option<String>,
    /// `current` 在职 or `departed` 离职.
    #[schema(schema_with = status_schema)]
    status: &'static str,
    version: u64,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

/// `status` in the OpenAPI document: a string of two codes (the field is a `&str`).
fn status_schema() -> utoipa::openapi::RefOr<utoipa::openapi::Schema> {
    swz_shared::openapi::enum_schema("`current` 在职 or `departed` 离职", &["current", "departed"])
}

impl WorkerView {
    fn full(app: &App, worker: WorkerRecord) -> ApiResult<Self> {
        let id_number = worker.id_number(&app.pii)?;
        let phone = worker.phone(&app.pii)?;
        let birth_date = Some(worker.birth_date.clone());
        Ok(Self { id_number, phone, birth_date, ..Self::masked(worker) })
    }

    fn masked(worker: WorkerRecord) -> Self {
        Self {
            status: if worker.is_current() { "current" } else { "departed" },
            id: worker.id,
            source: worker.source,
            registry_id: worker.registry_id,
            name: worker.name,
            gender: worker.gender,
            id_number: worker.id_number_masked,
            birth_date: None,
            phone: worker.phone_masked,
            education: worker.education,
            major: worker.major,
            qualification_level: worker.qualification_level,
            certificate_number: worker.certificate_number,
            position: worker.position,
            hired_on: worker.hired_on,
            left_on: worker.left_on,
            version: worker.version,
            created_at: worker.created_at,
            updated_at: worker.updated_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A part of the name (姓名), or an exact ID number (身份证号).
    q: Option<String>,
    /// `true` lists departed workers too; the default lists current workers only.
    #[param(value_type = Option<bool>)]
    include_departed: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    page: PageParams,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DepartParams {
    /// 离职日期 `YYYY-MM-DD`: not before the hire date, not after today; default today
    /// (China time).
    #[param(value_type = Option<String>, format = Date)]
    left_on: Option<String>,
    /// The version that was read; when sent, a stale one answers 409.
    #[param(value_type = Option<u64>)]
    version: Option<String>,
}

/// The guard that makes one ID number a current worker at one station only.
#[derive(Serialize, Deserialize)]
struct ActiveGuard {
    pk: String,
    sk: String,
    kind: String,
    station_id: String,
    worker_id: String,
}

impl ActiveGuard {
    fn new(worker: &WorkerRecord) -> Self {
        let (pk, sk) = keys::worker_active_guard(&worker.id_hash);
        Self {
            pk,
            sk,
            kind: "worker_active_guard".into(),
            station_id: worker.station_id.clone(),
            worker_id: worker.id.clone(),
        }
    }
}

const STALE: &str = "记录已被他人修改，请刷新后重试";

#[utoipa::path(get, path = "/api/workers", tag = "workers", params(ListParams, PageParams),
    responses((status = 200, description = "本站社工（身份证号、手机号已脱敏）", body = List<WorkerView>)))]
pub async fn list(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<ListParams>,
) -> ApiResult<List<WorkerView>> {
    let station = caller.station()?;
    let include_departed =
        swz_shared::http::flag("include_departed", params.include_departed.as_deref())?;
    let search = PersonQuery::parse(&app.pii, params.q.as_deref());

    let filters = format!(
        "workers?departed={include_departed}&q={}",
        search.as_ref().map(PersonQuery::scope_key).unwrap_or_default()
    );
    let scope = CursorScope::new(caller.id(), Some(station.station_id()), &filters);
    let page = params.page.request(&app, &scope)?;
    // A station has tens of workers: filtering its worker range in memory is cheap, and
    // unlike an index it sees a worker added a moment ago.
    let (pk, _) = keys::station(station.station_id());
    let query = Query::new(Index::Table, pk).begins_with(keys::WORKER_PREFIX);
    let page = app
        .store
        .query_page(&query, &page, |w: &WorkerRecord| {
            (include_departed || w.is_current())
                && search.as_ref().is_none_or(|s| s.matches(&w.name, &w.id_hash))
        })
        .await?;
    Ok(List::from_page(&app, &scope, page, WorkerView::masked))
}

#[utoipa::path(post, path = "/api/workers", tag = "workers", request_body = NewWorker,
    responses((status = 201, description = "已添加社工", body = WorkerView)))]
pub async fn create(
    State(app): State<App>,
    caller: Caller,
    Body(request): Body<RawWorker>,
) -> ApiResult<(StatusCode, Json<WorkerView>)> {
    let station = caller.station()?;
    let mut v = Validator::new();
    let worker = match check_source(&mut v, &request.source) {
        Some(WorkerSource::Registry) => from_registry(&app, &station, &mut v, &request).await?,
        Some(WorkerSource::Manual) => {
            let fields = check_fields(&mut v, &request);
            check_no_certificate(&mut v, &request);
            fields.map(|fields| manual(&app, &station, fields))
        }
        None => None,
    };
    v.finish()?;
    let Some(worker) = worker else { unreachable!("the validator refused missing values") };

    let writes = vec![
        app.store.put_new(&worker)?,
        app.store.put_new(&ActiveGuard::new(&worker))?,
        app.store.audit(
            &caller.actor(),
            "create",
            "worker",
            &worker.id,
            Some(&worker.station_id),
        )?,
    ];
    if let Err(error) = app.store.transact(writes).await {
        return Err(active_conflict(&app, &station, &worker.id_hash, error, 1).await);
    }
    tracing::info!(worker_id = %worker.id, source = worker.source.code(), "worker added");
    Ok((StatusCode::CREATED, Json(WorkerView::full(&app, worker)?)))
}

#[utoipa::path(get, path = "/api/workers/{id}", tag = "workers",
    params(("id" = String, Path, description = "记录ID")),
    responses((status = 200, description = "社工", body = WorkerView)))]
pub async fn get(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<WorkerView>> {
    let station = caller.station()?;
    let worker = app.store.worker(&station, &id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(WorkerView::full(&app, worker)?))
}

#[utoipa::path(put, path = "/api/workers/{id}", tag = "workers",
    params(("id" = String, Path, description = "记录ID")), request_body = RawWorker,
    responses((status = 200, description = "已修改", body = WorkerView)))]
pub async fn update(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    Body(request): Body<RawWorker>,
) -> ApiResult<Json<WorkerView>> {
    let station = caller.station()?;
    let mut worker = app.store.worker(&station, &id).await?.ok_or(ApiError::NotFound)?;
    let stored = stored_fields(&app, &worker)?;
    // Gender and birth date follow the ID number (see `merge`).
    let derived = stored.clone();

    let mut v = Validator::new();
    let version = v.check("version", request.version.ok_or("缺少此项"));
    if !unchanged(&request.source, worker.source.code(), code_form) {
        v.add("source", "来源不能修改");
    }
    if !unchanged(&request.registry_id, worker.registry_id.as_deref().unwrap_or(""), code_form) {
        v.add("registry_id", "来源不能修改");
    }
    let sent = &request;
    let fields = match worker.source {
        WorkerSource::Registry => {
            check_read_only(&mut v, sent, &stored);
            // Read-only fields keep their stored values; the rest merge as sent.
            let editable = RawWorker {
                phone: sent.phone.clone(),
                education: sent.education.clone(),
                major: sent.major.clone(),
                position: sent.position.clone(),
                hired_on: sent.hired_on.clone(),
                ..RawWorker::default()
            };
            check_fields(&mut v, &merge(&editable, derived))
        }
        WorkerSource::Manual => {
            check_no_certificate(&mut v, sent);
            check_fields(&mut v, &merge(sent, derived))
        }
    };
    let left_on = match (&request.left_on, worker.is_current()) {
        (None, _) | (Some(None), true) => worker.left_on.clone(),
        (Some(None), false) => {
            v.add("left_on", "已离职的社工不能恢复在职，请重新添加");
            None
        }
        (Some(Some(_)), true) => {
            v.add("left_on", "登记离职请使用离职操作");
            None
        }
        (Some(Some(raw)), false) => v
            .check("left_on", parse_date(raw))
            .and_then(|date| {
                let hired = fields.as_ref().map(|f| f.hired_on.to_string());
                v.check("left_on", check_left_on(date, hired.as_deref().unwrap_or("")))
            })
            .map(|date| date.to_string()),
    };
    v.finish()?;
    let (Some(version), Some(fields)) = (version, fields) else {
        unreachable!("the validator refused missing values")
    };
    if version != worker.version {
        return Err(ApiError::conflict(STALE));
    }

    let expected = worker.version;
    let old_hash = worker.id_hash.clone();
    apply(&app, &mut worker, fields);
    worker.left_on = left_on;
    worker.version += 1;
    worker.updated_at = jiff::Timestamp::now().to_string();
    let mut writes = vec![
        app.store.put_versioned(&worker, expected)?,
        app.store.audit(
            &caller.actor(),
            "update",
            "worker",
            &worker.id,
            Some(&worker.station_id),
        )?,
    ];
    // A current worker's new ID number moves the guard; the new one must be free.
    let moved = worker.is_current() && worker.id_hash != old_hash;
    if moved {
        let (pk, sk) = keys::worker_active_guard(&old_hash);
        writes.push(app.store.delete(&pk, &sk)?);
        writes.push(app.store.put_new(&ActiveGuard::new(&worker))?);
    }
    if let Err(error) = app.store.transact(writes).await {
        return Err(if moved {
            active_conflict(&app, &station, &worker.id_hash, error, 3).await
        } else {
            tx_error(error, &[])
        });
    }
    Ok(Json(WorkerView::full(&app, worker)?))
}

/// `DELETE /api/workers/{id}?left_on=&version=`: the worker leaves (离职). The record
/// stays, with its leave date; the ID number is free to be a worker elsewhere.
#[utoipa::path(delete, path = "/api/workers/{id}", tag = "workers",
    params(("id" = String, Path, description = "记录ID"), DepartParams),
    responses((status = 204, description = "已登记离职")))]
pub async fn depart(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    Params(params): Params<DepartParams>,
) -> ApiResult<StatusCode> {
    let station = caller.station()?;
    let left_on = match params.left_on.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(raw) => parse_date(raw).map_err(|m| ApiError::bad_request(format!("left_on：{m}")))?,
        None => china_today(),
    };
    let version = match params.version.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(raw) => {
            Some(raw.parse::<u64>().map_err(|_| ApiError::bad_request("version 应为整数"))?)
        }
        None => None,
    };
    let mut worker = app.store.worker(&station, &id).await?.ok_or(ApiError::NotFound)?;
    if !worker.is_current() {
        return Err(ApiError::conflict("该社工已离职"));
    }
    if version.is_some_and(|v| v != worker.version) {
        return Err(ApiError::conflict(STALE));
    }
    let left_on =
        check_left_on(left_on, &worker.hired_on).map_err(|m| ApiError::field("left_on", m))?;

    let expected = worker.version;
    worker.left_on = Some(left_on.to_string());
    worker.version += 1;
    worker.updated_at = jiff::Timestamp::now().to_string();
    let (pk, sk) = keys::worker_active_guard(&worker.id_hash);
    let writes = vec![
        app.store.put_versioned(&worker, expected)?,
        app.store.delete(&pk, &sk)?,
        app.store.audit(
            &caller.actor(),
            "depart",
            "worker",
            &worker.id,
            Some(&worker.station_id),
        )?,
    ];
    app.store.transact(writes).await.map_err(|e| tx_error(e, &[]))?;
    tracing::info!(worker_id = %worker.id, "worker departed");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/workers/{id}/resync`: copies the registry profile's identity and
/// certificate fields again, after the social worker updated their profile.
#[utoipa::path(post, path = "/api/workers/{id}/resync", tag = "workers",
    params(("id" = String, Path, description = "记录ID")),
    responses((status = 200, description = "已按社工登记库更新", body = WorkerView)))]
pub async fn resync(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<WorkerView>> {
    let station = caller.station()?;
    let mut worker = app.store.worker(&station, &id).await?.ok_or(ApiError::NotFound)?;
    let registry_id = match (&worker.source, &worker.registry_id) {
        (WorkerSource::Registry, Some(registry_id)) => registry_id.clone(),
        _ => return Err(ApiError::conflict("手动录入的社工没有登记库资料可同步")),
    };
    let profile = app
        .store
        .registry_profile(&registry_id)
        .await?
        .ok_or_else(|| ApiError::conflict("社工登记库中已没有该社工的资料"))?;
    // A registry profile's ID number never changes, so the guards stay as they are.
    if profile.id_hash != worker.id_hash {
        return Err(ApiError::conflict("登记库中该社工的身份证号码与本站记录不一致"));
    }

    let expected = worker.version;
    worker.name = profile.name;
    worker.gender = profile.gender;
    worker.qualification_level = profile.qualification_level;
    worker.certificate_number = profile.certificate_number;
    worker.version += 1;
    worker.updated_at = jiff::Timestamp::now().to_string();
    let writes = vec![
        app.store.put_versioned(&worker, expected)?,
        app.store.audit(
            &caller.actor(),
            "resync",
            "worker",
            &worker.id,
            Some(&worker.station_id),
        )?,
    ];
    app.store.transact(writes).await.map_err(|e| tx_error(e, &[]))?;
    Ok(Json(WorkerView::full(&app, worker)?))
}

/// A new worker copied from a registry profile, or `None` with the reasons recorded.
async fn from_registry(
    app: &App,
    station: &StationScope,
    v: &mut Validator,
    request: &RawWorker,
) -> ApiResult<Option<WorkerRecord>> {
    let Some(placement) = check_placement(v, &request.registry_id, request) else {
        return Ok(None);
    };
    let Some(profile) = app.store.registry_profile(&placement.registry_id).await? else {
        v.add("registry_id", "社工登记库中没有该社工");
        return Ok(None);
    };
    let phone = app.pii.open("phone", &profile.phone_sealed)?;
    let mut worker = blank(station, WorkerSource::Registry);
    worker.registry_id = Some(profile.id.clone());
    worker.name = profile.name;
    worker.gender = profile.gender;
    worker.id_number_sealed = profile.id_number_sealed;
    worker.id_number_masked = profile.id_number_masked;
    worker.id_hash = profile.id_hash;
    worker.birth_date = profile.birth_date;
    worker.phone_sealed = profile.phone_sealed;
    worker.phone_masked = swz_shared::domain::mask_phone(&phone);
    worker.education = profile.education;
    worker.major = profile.major;
    worker.qualification_level = profile.qualification_level;
    worker.certificate_number = profile.certificate_number;
    worker.position = placement.position;
    worker.hired_on = placement.hired_on.to_string();
    Ok(Some(worker))
}

/// A new worker entered by hand: no qualification.
fn manual(app: &App, station: &StationScope, fields: WorkerFields) -> WorkerRecord {
    let mut worker = blank(station, WorkerSource::Manual);
    apply(app, &mut worker, fields);
    worker
}

/// A worker record with a fresh id and every field still to be filled.
fn blank(station: &StationScope, source: WorkerSource) -> WorkerRecord {
    let id = keys::new_id();
    let (pk, sk) = keys::worker(station.station_id(), &id);
    let now = jiff::Timestamp::now().to_string();
    WorkerRecord {
        pk,
        sk,
        kind: "worker".into(),
        id,
        station_id: station.station_id().into(),
        source,
        registry_id: None,
        name: String::new(),
        gender: Gender::Female,
        id_number_sealed: String::new(),
        id_number_masked: String::new(),
        id_hash: String::new(),
        birth_date: String::new(),
        phone_sealed: String::new(),
        phone_masked: String::new(),
        education: Education::Bachelor,
        major: String::new(),
        qualification_level: QualificationLevel::None,
        certificate_number: String::new(),
        position: Position::Resident,
        hired_on: String::new(),
        left_on: None,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    }
}

/// Writes checked fields into a record. For a registry worker the identity fields are
/// the stored ones, so writing them again changes nothing.
fn apply(app: &App, worker: &mut WorkerRecord, fields: WorkerFields) {
    worker.name = fields.name.to_string();
    if worker.id_number_sealed.is_empty()
        || worker.id_hash != swz_shared::people::id_hash(&app.pii, &fields.identity.id_number)
    {
        worker.set_id_number(&app.pii, &fields.identity.id_number);
    }
    let phone_changed = worker.phone_sealed.is_empty()
        || worker.phone(&app.pii).ok().as_deref() != Some(fields.phone.as_str());
    if phone_changed {
        worker.set_phone(&app.pii, &fields.phone);
    }
    worker.education = fields.education;
    worker.major = fields.major;
    worker.position = fields.position;
    worker.hired_on = fields.hired_on.to_string();
}

/// The stored worker as raw fields, to fill what an edit leaves out.
fn stored_fields(app: &App, worker: &WorkerRecord) -> ApiResult<RawWorker> {
    Ok(RawWorker {
        source: None,
        registry_id: None,
        version: None,
        left_on: None,
        name: Some(worker.name.clone()),
        gender: Some(worker.gender.code().into()),
        id_number: Some(worker.id_number(&app.pii)?),
        birth_date: Some(worker.birth_date.clone()),
        phone: Some(worker.phone(&app.pii)?),
        education: Some(worker.education.code().into()),
        major: Some(worker.major.clone()),
        position: Some(worker.position.code().into()),
        hired_on: Some(worker.hired_on.clone()),
        qualification_level: Some(worker.qualification_level.code().into()),
        certificate_number: Some(worker.certificate_number.clone()),
    })
}

/// A registry worker's copied fields may be sent back as they are, never changed.
fn check_read_only(v: &mut Validator, sent: &RawWorker, stored: &RawWorker) {
    let mut check = |field: &str,
                     sent: &Option<String>,
                     stored: &Option<String>,
                     normal: &dyn Fn(&str) -> String| {
        if !unchanged(sent, stored.as_deref().unwrap_or(""), normal) {
            v.add(field, READ_ONLY);
        }
    };
    check("name", &sent.name, &stored.name, &name_form);
    check("gender", &sent.gender, &stored.gender, &enum_form(Gender::parse));
    check("id_number", &sent.id_number, &stored.id_number, &code_form);
    check("birth_date", &sent.birth_date, &stored.birth_date, &|d: &str| d.trim().to_string());
    let level = enum_form(QualificationLevel::parse);
    check("qualification_level", &sent.qualification_level, &stored.qualification_level, &level);
    check("certificate_number", &sent.certificate_number, &stored.certificate_number, &code_form);
}

/// The answer to a failed write that created or moved an active guard at `position`:
/// the ID number is a current worker here already, or at another station (which the
/// message does not name).
async fn active_conflict(
    app: &App,
    station: &StationScope,
    id_hash: &str,
    error: swz_shared::store::TxError,
    position: usize,
) -> ApiError {
    if !matches!(error, swz_shared::store::TxError::ConditionFailed(p) if p == position) {
        return tx_error(error, &[]);
    }
    let (pk, sk) = keys::worker_active_guard(id_hash);
    let here = match app.store.get::<ActiveGuard>(&pk, &sk).await {
        Ok(Some(guard)) => guard.station_id == station.station_id(),
        Ok(None) => false,
        Err(error) => return ApiError::Internal(error),
    };
    ApiError::conflict(if here {
        "本站已有该身份证号码的在职社工"
    } else {
        "该人员目前在其他社工站任职，需原社工站办理离职后才能添加"
    })
}
