//! The handlers: list, add, read, edit, delete (or hide) a client, and list the
//! activities a client took part in.
//!
//! An ID number names one visible client per station: the guard item
//! `STATION#<sid>#CLIENTID#<id hash>` is written, moved and deleted in the same
//! transaction as the client, and an exact ID-number search reads it. Every create,
//! delete and hide moves the station's client count in that transaction too.

use std::collections::BTreeSet;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use swz_shared::domain::{Gender, PopulationType, mask_phone};
use swz_shared::http::{Body, List, PageParams, Params, PathParams};
use swz_shared::people::{
    ActivitySummary, ClientActivityLink, ClientRecord, EmergencyContactRecord, PersonQuery, id_hash,
};
use swz_shared::stats::clients_delta;
use swz_shared::store::{
    CursorScope, Index, PageRequest, Query, TransactWriteItem, TxError, keys, tx_error,
};
use swz_shared::{ApiError, ApiResult, App, Caller, StationScope, Validator};
use utoipa::{IntoParams, ToSchema};

use crate::input::{
    ClientFields, ClientUpdate, RawClient, RawContact, check_client, parse_village,
};

/// A client as the station sees it. Lists mask the ID number and phone and leave out the
/// birth date, address, note and emergency contact.
#[derive(Serialize, ToSchema)]
pub struct ClientView {
    id: String,
    name: String,
    gender: Gender,
    /// Full on the client's own page, masked (`330106********1234`) in lists.
    id_number: String,
    /// On the client's own page only.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String, format = Date)]
    birth_date: Option<String>,
    /// Full on the client's own page, masked (`138****5678`) in lists; null when none.
    #[schema(required = true)]
    phone: Option<String>,
    /// 所属村（社区）: a 12-digit code or a name.
    village: String,
    /// On the client's own page only; empty when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    address: Option<String>,
    population_types: Vec<PopulationType>,
    /// On the client's own page only; empty when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = String)]
    note: Option<String>,
    /// On the client's own page only; null when none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<ContactView>)]
    emergency_contact: Option<Option<ContactView>>,
    /// 负责社工; null when none.
    #[schema(required = true)]
    responsible_worker_id: Option<String>,
    version: u64,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    updated_at: String,
}

/// 紧急联系人, phone in full.
#[derive(Serialize, ToSchema)]
pub struct ContactView {
    name: String,
    phone: String,
}

impl ClientView {
    fn full(app: &App, client: ClientRecord) -> ApiResult<Self> {
        let open = |context: &str, sealed: &Option<String>| -> ApiResult<Option<String>> {
            Ok(sealed.as_deref().map(|s| app.pii.open(context, s)).transpose()?)
        };
        let phone = open("phone", &client.phone_sealed)?;
        let address = open("address", &client.address_sealed)?.unwrap_or_default();
        let contact = match &client.emergency_contact {
            Some(contact) => Some(ContactView {
                name: contact.name.clone(),
                phone: app.pii.open("phone", &contact.phone_sealed)?,
            }),
            None => None,
        };
        let id_number = client.id_number(&app.pii)?;
        let birth_date = Some(client.birth_date.clone());
        let note = Some(client.note.clone());
        Ok(Self {
            id_number,
            birth_date,
            phone,
            address: Some(address),
            note,
            emergency_contact: Some(contact),
            ..Self::masked(client)
        })
    }

    fn masked(client: ClientRecord) -> Self {
        Self {
            id: client.id,
            name: client.name,
            gender: client.gender,
            id_number: client.id_number_masked,
            birth_date: None,
            phone: client.phone_masked,
            village: client.village,
            address: None,
            population_types: client.population_types,
            note: None,
            emergency_contact: None,
            responsible_worker_id: client.responsible_worker_id,
            version: client.version,
            created_at: client.created_at,
            updated_at: client.updated_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// A part of the name (姓名), or an exact ID number (身份证号).
    q: Option<String>,
    /// Clients of this 人群类型 only.
    #[param(value_type = Option<PopulationType>, inline)]
    population_type: Option<String>,
    /// 所属村（社区）, exact: a 12-digit code or a name.
    village: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    page: PageParams,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// The version that was read; when sent, a stale one answers 409.
    #[param(value_type = Option<u64>)]
    version: Option<String>,
}

/// The guard of an ID number at a station; it names the client.
#[derive(Serialize, Deserialize)]
struct ClientIdGuard {
    pk: String,
    sk: String,
    kind: String,
    client_id: String,
}

impl ClientIdGuard {
    fn new(client: &ClientRecord) -> Self {
        let (pk, sk) = keys::client_id_guard(&client.station_id, &client.id_hash);
        Self { pk, sk, kind: "client_id_guard".into(), client_id: client.id.clone() }
    }
}

const ID_TAKEN: &str = "本站已有该身份证号码的服务对象";
const WORKER_GONE: &str = "负责社工已离职或不存在，请重新选择";
const STALE: &str = "记录已被他人修改，请刷新后重试";
const BUSY: &str = "该服务对象的服务记录正在更新，请稍后重试";

#[utoipa::path(get, path = "/api/clients", tag = "clients", params(ListParams, PageParams),
    responses((status = 200, description = "本站服务对象（身份证号、手机号已脱敏）", body = List<ClientView>)))]
pub async fn list(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<ListParams>,
) -> ApiResult<List<ClientView>> {
    let station = caller.station()?;
    let population = match params.population_type.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => {
            Some(PopulationType::parse(raw).map_err(|m| ApiError::bad_request(m.to_string()))?)
        }
    };
    let village = match params.village.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(raw) => Some(parse_village(raw).map_err(ApiError::bad_request)?),
    };
    let search = PersonQuery::parse(&app.pii, params.q.as_deref());
    let filters = format!(
        "clients?q={}&population_type={}&village={}",
        search.as_ref().map(PersonQuery::scope_key).unwrap_or_default(),
        population.map(PopulationType::code).unwrap_or(""),
        village.as_deref().unwrap_or("")
    );
    let scope = CursorScope::new(caller.id(), Some(station.station_id()), &filters);
    let page = params.page.request(&app, &scope)?;
    let keep = |c: &ClientRecord| {
        !c.hidden
            && population.is_none_or(|p| c.population_types.contains(&p))
            && village.as_deref().is_none_or(|v| c.village == v)
            && search.as_ref().is_none_or(|s| s.matches(&c.name, &c.id_hash))
    };

    // An exact ID number names at most one client: its guard says which.
    if let Some(PersonQuery::IdHash(hash)) = &search {
        let found = match guarded(&app, &station, hash).await? {
            Some(client) if keep(&client) => vec![ClientView::masked(client)],
            _ => Vec::new(),
        };
        return Ok(List::whole(found));
    }
    let (pk, _) = keys::station(station.station_id());
    let query = Query::new(Index::Table, pk).begins_with(keys::CLIENT_PREFIX);
    let page = app.store.query_page(&query, &page, keep).await?;
    Ok(List::from_page(&app, &scope, page, ClientView::masked))
}

#[utoipa::path(post, path = "/api/clients", tag = "clients", request_body = RawClient,
    responses((status = 201, description = "已添加服务对象", body = ClientView)))]
pub async fn create(
    State(app): State<App>,
    caller: Caller,
    Body(raw): Body<RawClient>,
) -> ApiResult<(StatusCode, Json<ClientView>)> {
    let station = caller.station()?;
    let mut v = Validator::new();
    let fields = check_client(&mut v, &raw);
    if let Some(fields) = &fields {
        check_references(&app, &station, &mut v, fields, None).await?;
    }
    v.finish()?;
    let Some(fields) = fields else { unreachable!("the validator refused missing values") };

    let id = keys::new_id();
    let (pk, sk) = keys::client(station.station_id(), &id);
    let now = jiff::Timestamp::now().to_string();
    let mut client = ClientRecord {
        pk,
        sk,
        kind: "client".into(),
        id: id.clone(),
        station_id: station.station_id().into(),
        name: String::new(),
        gender: fields.identity.gender,
        id_number_sealed: String::new(),
        id_number_masked: String::new(),
        id_hash: String::new(),
        birth_date: String::new(),
        phone_sealed: None,
        phone_masked: None,
        village: String::new(),
        address_sealed: None,
        population_types: Vec::new(),
        note: String::new(),
        emergency_contact: None,
        responsible_worker_id: None,
        hidden: false,
        link_epoch: 0,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    apply(&app, &mut client, fields);

    // Positions matter: 1 is the ID-number guard, 4 the responsible worker's check.
    let mut writes = vec![
        app.store.put_new(&client)?,
        app.store.put_new(&ClientIdGuard::new(&client))?,
        clients_delta(&app.store, station.station_id(), 1)?,
        app.store.audit(&caller.actor(), "create", "client", &id, Some(station.station_id()))?,
    ];
    if let Some(worker_id) = &client.responsible_worker_id {
        writes.push(app.store.check_current_worker(station.station_id(), worker_id)?);
    }
    match app.store.transact(writes).await {
        Ok(()) => {}
        // The number is taken. By a person deleted while they had activities (hidden,
        // their guard kept), adding them again brings that record back.
        Err(TxError::ConditionFailed(1)) => {
            return match guarded(&app, &station, &client.id_hash).await? {
                Some(hidden) if hidden.hidden => {
                    restore(&app, &caller, &station, hidden, client).await
                }
                _ => Err(ApiError::conflict(ID_TAKEN)),
            };
        }
        Err(other) => return Err(tx_error(other, &[(4, WORKER_GONE)])),
    }
    tracing::info!(client_id = %id, "client added");
    Ok((StatusCode::CREATED, Json(ClientView::full(&app, client)?)))
}

#[utoipa::path(get, path = "/api/clients/{id}", tag = "clients",
    params(("id" = String, Path, description = "记录ID")),
    responses((status = 200, description = "服务对象", body = ClientView)))]
pub async fn get(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<ClientView>> {
    let station = caller.station()?;
    let client = app.store.client(&station, &id).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(ClientView::full(&app, client)?))
}

#[utoipa::path(put, path = "/api/clients/{id}", tag = "clients",
    params(("id" = String, Path, description = "记录ID")), request_body = ClientUpdate,
    responses((status = 200, description = "已修改", body = ClientView)))]
pub async fn update(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    Body(request): Body<ClientUpdate>,
) -> ApiResult<Json<ClientView>> {
    let station = caller.station()?;
    let mut client = app.store.client(&station, &id).await?.ok_or(ApiError::NotFound)?;

    let mut v = Validator::new();
    let version = v.check("version", request.version.ok_or("缺少此项"));
    let raw = request.over(stored(&app, &client)?);
    let fields = check_client(&mut v, &raw);
    let previous_worker = client.responsible_worker_id.clone();
    if let Some(fields) = &fields {
        check_references(&app, &station, &mut v, fields, previous_worker.as_deref()).await?;
    }
    v.finish()?;
    let (Some(version), Some(fields)) = (version, fields) else {
        unreachable!("the validator refused missing values")
    };
    if version != client.version {
        return Err(ApiError::conflict(STALE));
    }

    let expected = client.version;
    let old_hash = client.id_hash.clone();
    let old_types = client.population_types.clone();
    apply(&app, &mut client, fields);
    client.version += 1;
    client.updated_at = jiff::Timestamp::now().to_string();
    let mut writes = vec![
        app.store.put_versioned(&client, expected)?,
        app.store.audit(&caller.actor(), "update", "client", &id, Some(station.station_id()))?,
    ];
    let mut conflicts = Vec::new();
    retype(&app, &station, &client, &old_types, 0, &mut writes, &mut conflicts).await?;
    if client.id_hash != old_hash {
        let (pk, sk) = keys::client_id_guard(station.station_id(), &old_hash);
        writes.push(app.store.delete(&pk, &sk)?);
        conflicts.push((writes.len(), ID_TAKEN));
        writes.push(app.store.put_new(&ClientIdGuard::new(&client))?);
    }
    if let Some(worker_id) = &client.responsible_worker_id
        && client.responsible_worker_id != previous_worker
    {
        conflicts.push((writes.len(), WORKER_GONE));
        writes.push(app.store.check_current_worker(station.station_id(), worker_id)?);
    }
    app.store.transact(writes).await.map_err(|e| tx_error(e, &conflicts))?;
    Ok(Json(ClientView::full(&app, client)?))
}

/// `DELETE /api/clients/{id}?version=`: a client linked to activities is hidden, so the
/// activities keep naming them, and keeps their guard, so that adding the same person
/// again restores the record; any other client is deleted with their guard.
#[utoipa::path(delete, path = "/api/clients/{id}", tag = "clients",
    params(("id" = String, Path, description = "记录ID"), DeleteParams),
    responses((status = 204, description = "已删除（有服务记录的服务对象改为隐藏）")))]
pub async fn delete(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    Params(params): Params<DeleteParams>,
) -> ApiResult<StatusCode> {
    let station = caller.station()?;
    let version = match params.version.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        Some(raw) => {
            Some(raw.parse::<u64>().map_err(|_| ApiError::bad_request("version 应为整数"))?)
        }
        None => None,
    };
    let mut client = app.store.client(&station, &id).await?.ok_or(ApiError::NotFound)?;
    if version.is_some_and(|v| v != client.version) {
        return Err(ApiError::conflict(STALE));
    }

    // A link made after this look moves the client's `link_epoch` (see
    // `ClientActivityLink`), so the conditioned delete below fails rather than miss it.
    let (pk, _) = keys::station(station.station_id());
    let links = Query::new(Index::Table, pk).begins_with(keys::client_activities_prefix(&id));
    let first = PageRequest { limit: 1, after: None };
    let linked = !app
        .store
        .query_page::<ClientActivityLink>(&links, &first, |_| true)
        .await?
        .items
        .is_empty();

    let expected = client.version;
    let (guard_pk, guard_sk) = keys::client_id_guard(station.station_id(), &client.id_hash);
    let (action, write) = if linked {
        client.hidden = true;
        client.version += 1;
        client.updated_at = jiff::Timestamp::now().to_string();
        ("hide", app.store.put_versioned(&client, expected)?)
    } else {
        ("delete", app.store.delete_unlinked_client(&client)?)
    };
    let mut writes = vec![
        write,
        clients_delta(&app.store, station.station_id(), -1)?,
        app.store.audit(&caller.actor(), action, "client", &id, Some(station.station_id()))?,
    ];
    // A hidden client keeps their guard: adding the same person again restores them.
    if !linked {
        writes.push(app.store.delete(&guard_pk, &guard_sk)?);
    }
    app.store.transact(writes).await.map_err(|e| tx_error(e, &[]))?;
    tracing::info!(client_id = %id, action, "client removed");
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RecordsParams {
    #[serde(flatten)]
    #[param(ignore)]
    page: PageParams,
}

/// `GET /api/clients/{id}/records`: the activities the client took part in, newest
/// first, from the link items the activities module keeps.
#[utoipa::path(get, path = "/api/clients/{id}/records", tag = "clients",
    params(("id" = String, Path, description = "记录ID"), PageParams),
    responses((status = 200, description = "该服务对象参与的服务活动", body = List<ActivitySummary>)))]
pub async fn records(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    Params(params): Params<RecordsParams>,
) -> ApiResult<List<ActivitySummary>> {
    let station = caller.station()?;
    app.store.client(&station, &id).await?.ok_or(ApiError::NotFound)?;
    let scope =
        CursorScope::new(caller.id(), Some(station.station_id()), &format!("clients/{id}/records"));
    let page = params.page.request(&app, &scope)?;
    let (pk, _) = keys::station(station.station_id());
    let query =
        Query::new(Index::Table, pk).begins_with(keys::client_activities_prefix(&id)).reversed();
    let page = app.store.query_page::<ClientActivityLink>(&query, &page, |_| true).await?;
    Ok(List::from_page(&app, &scope, page, |link| link.activity))
}

/// `POST /api/clients` for a hidden client's ID number: the record comes back with the
/// fields sent (those of `sent`, the client the refused creation built), keeps its id
/// and its activities, and counts again.
async fn restore(
    app: &App,
    caller: &Caller,
    station: &StationScope,
    hidden: ClientRecord,
    sent: ClientRecord,
) -> ApiResult<(StatusCode, Json<ClientView>)> {
    let expected = hidden.version;
    let hidden_types = hidden.population_types.clone();
    let client = ClientRecord {
        pk: hidden.pk,
        sk: hidden.sk,
        id: hidden.id,
        hidden: false,
        link_epoch: hidden.link_epoch,
        version: hidden.version + 1,
        created_at: hidden.created_at,
        ..sent
    };
    // Position 0 is the hidden record as read.
    let mut writes = vec![
        app.store.put_versioned(&client, expected)?,
        app.store.audit(
            &caller.actor(),
            "restore",
            "client",
            &client.id,
            Some(station.station_id()),
        )?,
    ];
    let mut conflicts = vec![(0, ID_TAKEN)];
    if let Some(worker_id) = &client.responsible_worker_id {
        conflicts.push((writes.len(), WORKER_GONE));
        writes.push(app.store.check_current_worker(station.station_id(), worker_id)?);
    }
    // The client counts again: with the retyping when their types change (it updates the
    // same totals item, which a transaction may touch once), else alone.
    if !retype(app, station, &client, &hidden_types, 1, &mut writes, &mut conflicts).await? {
        writes.push(clients_delta(&app.store, station.station_id(), 1)?);
    }
    app.store.transact(writes).await.map_err(|e| tx_error(e, &conflicts))?;
    tracing::info!(client_id = %client.id, "hidden client restored");
    Ok((StatusCode::CREATED, Json(ClientView::full(app, client)?)))
}

/// When a client's population types change, the statistics that count them (各类型人群服务人次
/// of every activity they are linked to) move with them, in the client's transaction.
/// `clients` moves the station's client count along (see `Store::retype_served`).
/// Answers whether the types changed, and so whether anything was added to `writes`.
async fn retype(
    app: &App,
    station: &StationScope,
    client: &ClientRecord,
    old_types: &[PopulationType],
    clients: i64,
    writes: &mut Vec<TransactWriteItem>,
    conflicts: &mut Vec<(usize, &'static str)>,
) -> ApiResult<bool> {
    let set = |types: &[PopulationType]| types.iter().copied().collect::<BTreeSet<_>>();
    if set(old_types) == set(&client.population_types) {
        return Ok(false);
    }
    let moves = app
        .store
        .retype_served(station.station_id(), &client.id, &client.population_types, clients)
        .await?;
    conflicts.push((writes.len(), BUSY));
    writes.extend(moves);
    Ok(true)
}

/// The client whose ID number has this hash, through the station's guard: a visible one,
/// or one hidden because they had activities when deleted.
async fn guarded(app: &App, station: &StationScope, hash: &str) -> ApiResult<Option<ClientRecord>> {
    let (pk, sk) = keys::client_id_guard(station.station_id(), hash);
    let Some(guard) = app.store.get::<ClientIdGuard>(&pk, &sk).await? else { return Ok(None) };
    let found = app.store.clients_by_ids(station, std::slice::from_ref(&guard.client_id)).await?;
    Ok(found.into_iter().next())
}

/// Checks what the fields point at: a responsible worker who is a current worker here
/// (unless it is the one already stored), and a village code under the station's
/// township.
async fn check_references(
    app: &App,
    station: &StationScope,
    v: &mut Validator,
    fields: &ClientFields,
    previous_worker: Option<&str>,
) -> ApiResult<()> {
    if let Some(worker_id) = &fields.responsible_worker_id
        && previous_worker != Some(worker_id.as_str())
    {
        let current = app.store.worker(station, worker_id).await?.is_some_and(|w| w.is_current());
        if !current {
            v.add("responsible_worker_id", "负责社工应为本站在职社工");
        }
    }
    if fields.village.len() == 12 && fields.village.bytes().all(|b| b.is_ascii_digit()) {
        let township = app.store.station(station.station_id()).await?.map(|s| s.region_code);
        if township.is_some_and(|t| !fields.village.starts_with(t.as_str())) {
            v.add("village", "村（社区）代码不属于本站所在乡镇（街道）");
        }
    }
    Ok(())
}

/// Writes checked fields into a record, sealing what is personal.
fn apply(app: &App, client: &mut ClientRecord, fields: ClientFields) {
    client.name = fields.name.to_string();
    if client.id_hash != id_hash(&app.pii, &fields.identity.id_number) {
        client.set_id_number(&app.pii, &fields.identity.id_number);
    }
    client.set_phone(&app.pii, fields.phone.as_ref());
    client.village = fields.village;
    client.address_sealed =
        Some(fields.address).filter(|a| !a.is_empty()).map(|a| app.pii.seal("address", &a));
    client.population_types = fields.population_types;
    client.note = fields.note;
    client.emergency_contact =
        fields.emergency_contact.map(|(name, phone)| EmergencyContactRecord {
            name: name.to_string(),
            phone_sealed: app.pii.seal("phone", phone.as_str()),
            phone_masked: mask_phone(phone.as_str()),
        });
    client.responsible_worker_id = fields.responsible_worker_id;
}

/// The stored client as raw fields, for an edit to go over.
fn stored(app: &App, client: &ClientRecord) -> ApiResult<RawClient> {
    let open = |context: &str, sealed: &Option<String>| -> ApiResult<Option<String>> {
        Ok(sealed.as_deref().map(|s| app.pii.open(context, s)).transpose()?)
    };
    let contact = match &client.emergency_contact {
        Some(contact) => Some(RawContact {
            name: Some(contact.name.clone()),
            phone: Some(app.pii.open("phone", &contact.phone_sealed)?),
        }),
        None => None,
    };
    Ok(RawClient {
        name: Some(client.name.clone()),
        // Derived from the number: `ClientUpdate::over` only compares them.
        gender: Some(client.gender.code().into()),
        id_number: Some(client.id_number(&app.pii)?),
        birth_date: Some(client.birth_date.clone()),
        phone: open("phone", &client.phone_sealed)?,
        village: Some(client.village.clone()),
        address: open("address", &client.address_sealed)?,
        population_types: Some(client.population_types.iter().map(|p| p.code().into()).collect()),
        note: Some(client.note.clone()),
        emergency_contact: contact,
        responsible_worker_id: client.responsible_worker_id.clone(),
    })
}
