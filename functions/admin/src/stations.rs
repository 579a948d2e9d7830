//! Stations (社工站): set up by an admin at a township under the admin's region, each
//! with its own login and optionally run by an agency.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use swz_shared::accounts::{AccountLinks, AccountRecord, USERNAME_TAKEN, parse_username};
use swz_shared::auth::check_password_rules;
use swz_shared::domain::{OperationMode, PersonName, Phone, RegionCode, clean_text, mask_phone};
use swz_shared::http::{Body, List, PageParams, Params, PathParams, decode_over, decode_sent};
use swz_shared::orgs::StationRecord;
use swz_shared::people::patch;
use swz_shared::store::{CursorScope, Index, Query, keys, n, tx_error};
use swz_shared::{ApiError, ApiResult, App, Caller, Role, Validator};

use crate::agencies::{org_name, visible_agency};

/// The fields an admin sets both on create and on update.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EditableFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    contact_person: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    operation_mode: String,
    /// The agency that runs the station; `null` for none. Like every field, left out of
    /// an update it keeps its value (a rename must not end an agency's access).
    #[serde(default, deserialize_with = "patch")]
    #[schema(value_type = Option<String>)]
    agency_id: Option<Option<String>>,
}

/// The fields set on create only: where the station is and its login.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct StationLogin {
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// A new station: the fields an admin may later edit, and where it is and its login.
// Decoded part by part (`StationLogin`, `EditableFields`), not as one: serde names no
// field in its complaint about a flattened one, and a form needs the field.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewStation {
    #[serde(flatten)]
    fields: EditableFields,
    #[serde(flatten)]
    login: StationLogin,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct StationUpdate {
    #[serde(flatten)]
    fields: EditableFields,
    #[serde(flatten)]
    version: Version,
}

/// The `version` of the record the update was made on.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct Version {
    version: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct StationView {
    id: String,
    name: String,
    region_code: RegionCode,
    address: String,
    contact_person: String,
    phone: String,
    operation_mode: OperationMode,
    agency_id: Option<String>,
    username: String,
    version: u64,
    created_at: String,
    updated_at: String,
}

impl StationView {
    fn of(app: &App, station: StationRecord, full: bool) -> ApiResult<Self> {
        let phone = app.pii.open("phone", &station.phone_sealed)?;
        Ok(Self {
            id: station.id,
            name: station.name,
            region_code: station.region_code,
            address: station.address,
            contact_person: station.contact_person,
            phone: if full { phone } else { mask_phone(&phone) },
            operation_mode: station.operation_mode,
            agency_id: station.agency_id,
            username: station.username,
            version: station.version,
            created_at: station.created_at,
            updated_at: station.updated_at,
        })
    }
}

/// The fields an admin sets on create and update, checked together.
struct StationFields {
    name: String,
    address: String,
    contact_person: String,
    phone: Phone,
    operation_mode: OperationMode,
    agency_id: Option<String>,
}

async fn check_fields(
    app: &App,
    region: &RegionCode,
    v: &mut Validator,
    raw: &EditableFields,
    current_agency: Option<&str>,
) -> ApiResult<Option<StationFields>> {
    let name = v.check("name", org_name(&raw.name));
    let address = v.check("address", clean_text(&raw.address, "地址", 200));
    let contact = v.check("contact_person", PersonName::parse(&raw.contact_person));
    let phone = v.check("phone", Phone::parse_contact(&raw.phone));
    let mode = v.check("operation_mode", OperationMode::parse(&raw.operation_mode));
    let agency_id = match &raw.agency_id {
        None => current_agency,
        Some(sent) => {
            let sent = sent.as_deref().map(str::trim).filter(|id| !id.is_empty());
            if let Some(id) = sent
                && let Err(ApiError::NotFound) = visible_agency(app, id, region).await
            {
                v.add("agency_id", "承办机构不存在");
            }
            sent
        }
    };
    Ok(match (name, address, contact, phone, mode) {
        (Some(name), Some(address), Some(contact), Some(phone), Some(operation_mode)) => {
            Some(StationFields {
                name,
                address,
                contact_person: contact.to_string(),
                phone,
                operation_mode,
                agency_id: agency_id.map(str::to_string),
            })
        }
        _ => None,
    })
}

#[utoipa::path(get, path = "/api/admin/stations", tag = "admin", params(PageParams),
    responses((status = 200, description = "辖区内的社工站", body = List<StationView>)))]
pub async fn list(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<PageParams>,
) -> ApiResult<List<StationView>> {
    let region = caller.admin_region()?;
    let scope = CursorScope::new(caller.id(), None, &format!("admin/stations?{region}"));
    let page = params.request(&app, &scope)?;
    let query =
        Query::new(Index::Gsi1, keys::stations_gsi1(region.as_str())).begins_with(region.as_str());
    let page = app.store.query_page::<StationRecord>(&query, &page, |_| true).await?;
    let mut items = Vec::with_capacity(page.items.len());
    let next = page.last_key.map(|key| app.cursors.seal(&scope, &key));
    for station in page.items {
        items.push(StationView::of(&app, station, false)?);
    }
    Ok(List { items, next_cursor: next })
}

#[utoipa::path(post, path = "/api/admin/stations", tag = "admin", request_body = NewStation,
    responses((status = 201, description = "已创建社工站", body = StationView)))]
pub async fn create(
    State(app): State<App>,
    caller: Caller,
    Body(sent): Body<serde_json::Map<String, serde_json::Value>>,
) -> ApiResult<(StatusCode, Json<StationView>)> {
    let region = caller.admin_region()?;
    let request = NewStation { fields: decode_sent(&sent)?, login: decode_sent(&sent)? };

    let mut v = Validator::new();
    let township = v.check("region_code", RegionCode::parse_township(&request.login.region_code));
    if let Some(township) = &township
        && !township.is_under(&region)
    {
        v.add("region_code", "站点所在乡镇（街道）不在您的管辖范围内");
    }
    let fields = check_fields(&app, &region, &mut v, &request.fields, None).await?;
    let username = v.check("username", parse_username(&request.login.username));
    v.check("password", check_password_rules(&request.login.password));
    v.finish()?;
    let (Some(township), Some(fields), Some(username)) = (township, fields, username) else {
        unreachable!("the validator refused missing values")
    };

    let id = keys::new_id();
    let links = AccountLinks { station_id: Some(id.clone()), ..Default::default() };
    let account =
        AccountRecord::new(Role::Station, &username, &request.login.password, &fields.name, links)
            .await?;
    let now = jiff::Timestamp::now().to_string();
    let (pk, sk) = keys::station(&id);
    let mut station = StationRecord {
        pk,
        sk,
        gsi1pk: String::new(),
        gsi1sk: String::new(),
        gsi2pk: None,
        gsi2sk: None,
        kind: "station".into(),
        id: id.clone(),
        name: fields.name,
        region_code: township,
        address: fields.address,
        contact_person: fields.contact_person,
        phone_sealed: app.pii.seal("phone", fields.phone.as_str()),
        operation_mode: fields.operation_mode,
        agency_id: fields.agency_id,
        account_id: account.id.clone(),
        username: account.username.clone(),
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    station.index();

    let mut writes = app.store.create_account(&account)?;
    writes.push(app.store.put_new(&station)?);
    writes.push(app.store.audit(&caller.actor(), "create", "station", &id, Some(&id))?);
    if let Some(agency_id) = &station.agency_id {
        let (pk, sk) = keys::agency(agency_id);
        writes.push(app.store.check_exists(&pk, &sk)?);
    }
    app.store
        .transact(writes)
        .await
        .map_err(|e| tx_error(e, &[(0, USERNAME_TAKEN), (4, "承办机构不存在")]))?;
    tracing::info!(station_id = %id, "station created");
    Ok((StatusCode::CREATED, Json(StationView::of(&app, station, true)?)))
}

#[utoipa::path(get, path = "/api/admin/stations/{id}", tag = "admin", params(("id" = String, Path, description = "记录ID")), 
    responses((status = 200, description = "社工站", body = StationView)))]
pub async fn get(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<StationView>> {
    let region = caller.admin_region()?;
    let station = app.store.station_in(&id, &region).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(StationView::of(&app, station, true)?))
}

/// `PUT /api/admin/stations/{id}` with the `version` read: the fields sent replace the
/// station's, and those left out keep their values (`agency_id: null` removes the agency).
#[utoipa::path(put, path = "/api/admin/stations/{id}", tag = "admin", params(("id" = String, Path, description = "记录ID")), request_body = StationUpdate,
    responses((status = 200, description = "已修改", body = StationView)))]
pub async fn update(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    Body(sent): Body<serde_json::Map<String, serde_json::Value>>,
) -> ApiResult<Json<StationView>> {
    let region = caller.admin_region()?;
    let mut station = app.store.station_in(&id, &region).await?.ok_or(ApiError::NotFound)?;
    // The fields sent replace the station's; those left out keep their values. The
    // agency is not among the stored fields: left out, `check_fields` keeps it unchecked.
    let stored = serde_json::json!({
        "name": station.name,
        "address": station.address,
        "contact_person": station.contact_person,
        "phone": app.pii.open("phone", &station.phone_sealed)?,
        "operation_mode": station.operation_mode,
    });
    let request =
        StationUpdate { fields: decode_over(stored, &sent)?, version: decode_sent(&sent)? };

    let mut v = Validator::new();
    let fields =
        check_fields(&app, &region, &mut v, &request.fields, station.agency_id.as_deref()).await?;
    // Where a station is and its login are set on creation; an update that echoes them
    // back unchanged is fine, one that changes them is told so rather than ignored.
    let changes = |name: &str, stored: &str, same: fn(&str, &str) -> bool| {
        // `null` is as if left out, as for every other field.
        sent.get(name)
            .filter(|value| !value.is_null())
            .is_some_and(|value| !value.as_str().is_some_and(|sent| same(sent, stored)))
    };
    if changes("region_code", station.region_code.as_str(), |a, b| a.trim() == b) {
        v.add("region_code", "社工站设立后不能更改所在乡镇（街道）");
    }
    if changes("username", &station.username, |a, b| a.trim().eq_ignore_ascii_case(b)) {
        v.add("username", "社工站的登录用户名不能更改");
    }
    v.finish()?;
    let Some(fields) = fields else { unreachable!("the validator refused missing values") };
    if station.version != request.version.version {
        return Err(ApiError::conflict("记录已被他人修改，请刷新后重试"));
    }

    let expected = station.version;
    let previous_agency = station.agency_id.clone();
    station.name = fields.name;
    station.address = fields.address;
    station.contact_person = fields.contact_person;
    station.phone_sealed = app.pii.seal("phone", fields.phone.as_str());
    station.operation_mode = fields.operation_mode;
    station.agency_id = fields.agency_id;
    station.version += 1;
    station.updated_at = jiff::Timestamp::now().to_string();
    station.index();

    let mut writes = vec![
        app.store.put_versioned(&station, expected)?,
        app.store.audit(&caller.actor(), "update", "station", &id, Some(&id))?,
    ];
    // An agency that no longer runs the station must lose it at once: its tokens name
    // the station, so they are ended by moving the agency account's token epoch.
    if let Some(old) = previous_agency.filter(|old| station.agency_id.as_ref() != Some(old))
        && let Some(agency) = app.store.agency(&old).await?
    {
        let (pk, sk) = keys::account(&agency.account_id);
        let now = jiff::Timestamp::now().as_millisecond() + 1;
        writes.push(app.store.update(
            &pk,
            &sk,
            "SET token_epoch_ms = :now",
            &[],
            vec![(":now", n(now))],
        )?);
    }
    app.store.transact(writes).await.map_err(|e| tx_error(e, &[]))?;
    Ok(Json(StationView::of(&app, station, true)?))
}
