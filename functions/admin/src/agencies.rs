//! Undertaking agencies (承办机构): registered by an admin, with their own login.
//!
//! An agency belongs to the region of the admin who registered it. An admin sees the
//! agencies under their region and those registered above it (a city-level agency may
//! run stations in every county of the city).

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use swz_shared::accounts::{AccountLinks, AccountRecord, USERNAME_TAKEN, parse_username};
use swz_shared::auth::check_password_rules;
use swz_shared::domain::{CreditCode, PersonName, Phone, RegionCode, clean_text, mask_phone};
use swz_shared::http::{Body, List, PageParams, Params, PathParams};
use swz_shared::orgs::AgencyRecord;
use swz_shared::store::{CursorScope, Index, Query, invalid_cursor, keys, tx_error};
use swz_shared::{ApiError, ApiResult, App, Caller, Role, Validator};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewAgency {
    #[serde(default)]
    name: String,
    #[serde(default)]
    credit_code: String,
    #[serde(default)]
    contact_person: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AgencyUpdate {
    #[serde(default)]
    name: String,
    #[serde(default)]
    contact_person: String,
    #[serde(default)]
    phone: String,
    version: u64,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AgencyView {
    id: String,
    name: String,
    credit_code: String,
    contact_person: String,
    phone: String,
    region_code: RegionCode,
    username: String,
    version: u64,
    created_at: String,
    updated_at: String,
}

impl AgencyView {
    fn of(app: &App, agency: AgencyRecord, full: bool) -> ApiResult<Self> {
        let phone = app.pii.open("phone", &agency.phone_sealed)?;
        Ok(Self {
            id: agency.id,
            name: agency.name,
            credit_code: agency.credit_code,
            contact_person: agency.contact_person,
            phone: if full { phone } else { mask_phone(&phone) },
            region_code: agency.region_code,
            username: agency.username,
            version: agency.version,
            created_at: agency.created_at,
            updated_at: agency.updated_at,
        })
    }
}

/// True when an admin of `admin_region` may see and use `agency`.
pub fn visible(agency: &AgencyRecord, admin_region: &RegionCode) -> bool {
    agency.region_code.is_under(admin_region) || admin_region.is_under(&agency.region_code)
}

#[utoipa::path(get, path = "/api/admin/agencies", tag = "admin", params(PageParams),
    responses((status = 200, description = "辖区内的承办机构，按名称排序", body = List<AgencyView>)))]
pub async fn list(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<PageParams>,
) -> ApiResult<List<AgencyView>> {
    let region = caller.admin_region()?;
    let scope = CursorScope::new(caller.id(), None, &format!("admin/agencies?{region}"));
    let page = params.request(&app, &scope)?;
    let partition = keys::agencies_gsi1(region.as_str());
    let mut agencies: Vec<AgencyRecord> = app
        .store
        .query_all(&Query::new(Index::Gsi1, partition.clone()).begins_with(region.as_str()))
        .await?;
    // Agencies registered above the caller's region serve it too.
    for ancestor in region.lineage().into_iter().filter(|r| r != &region) {
        let query = Query::new(Index::Gsi1, partition.clone()).begins_with(format!("{ancestor}#"));
        agencies.extend(app.store.query_all::<AgencyRecord>(&query).await?);
    }
    // A region holds tens of agencies from several partitions' prefixes: they are read
    // whole, ordered by name, and paged here, the cursor holding the last one shown.
    agencies.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    if let Some(after) = &page.after {
        let (name, id) = (after.get("name"), after.get("id"));
        let (Some(name), Some(id)) = (name, id) else {
            return Err(invalid_cursor());
        };
        agencies.retain(|a| (&a.name, &a.id) > (name, id));
    }
    let next_cursor = (agencies.len() > page.limit).then(|| {
        let last = &agencies[page.limit - 1];
        let key = BTreeMap::from([
            ("name".to_string(), last.name.clone()),
            ("id".into(), last.id.clone()),
        ]);
        app.cursors.seal(&scope, &key)
    });
    agencies.truncate(page.limit);
    let items =
        agencies.into_iter().map(|a| AgencyView::of(&app, a, false)).collect::<ApiResult<_>>()?;
    Ok(List { items, next_cursor })
}

#[utoipa::path(post, path = "/api/admin/agencies", tag = "admin", request_body = NewAgency,
    responses((status = 201, description = "已登记承办机构", body = AgencyView)))]
pub async fn create(
    State(app): State<App>,
    caller: Caller,
    Body(request): Body<NewAgency>,
) -> ApiResult<(StatusCode, Json<AgencyView>)> {
    let region = caller.admin_region()?;

    let mut v = Validator::new();
    let name = v.check("name", org_name(&request.name));
    let credit_code = v.check("credit_code", CreditCode::parse(&request.credit_code));
    let contact = v.check("contact_person", PersonName::parse(&request.contact_person));
    let phone = v.check("phone", Phone::parse_contact(&request.phone));
    let username = v.check("username", parse_username(&request.username));
    v.check("password", check_password_rules(&request.password));
    v.finish()?;
    let (Some(name), Some(credit_code), Some(contact), Some(phone), Some(username)) =
        (name, credit_code, contact, phone, username)
    else {
        unreachable!("the validator refused missing values")
    };

    let id = keys::new_id();
    let links = AccountLinks { agency_id: Some(id.clone()), ..Default::default() };
    let account =
        AccountRecord::new(Role::Agency, &username, &request.password, &name, links).await?;
    let now = jiff::Timestamp::now().to_string();
    let (pk, sk) = keys::agency(&id);
    let agency = AgencyRecord {
        pk,
        sk,
        gsi1pk: keys::agencies_gsi1(region.as_str()),
        gsi1sk: format!("{region}#{id}"),
        kind: "agency".into(),
        id: id.clone(),
        name,
        credit_code: credit_code.as_str().to_string(),
        contact_person: contact.to_string(),
        phone_sealed: app.pii.seal("phone", phone.as_str()),
        region_code: region,
        account_id: account.id.clone(),
        username: account.username.clone(),
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    let (guard_pk, guard_sk) = keys::credit_code(credit_code.as_str());
    let guard = serde_json::json!({"pk": guard_pk, "sk": guard_sk, "kind": "credit_guard", "agency_id": id});

    let mut writes = vec![app.store.put_new(&guard)?];
    writes.extend(app.store.create_account(&account)?);
    writes.push(app.store.put_new(&agency)?);
    writes.push(app.store.audit(&caller.actor(), "create", "agency", &id, None)?);
    app.store
        .transact(writes)
        .await
        .map_err(|e| tx_error(e, &[(0, "该统一社会信用代码已登记"), (1, USERNAME_TAKEN)]))?;
    tracing::info!(agency_id = %id, "agency created");
    Ok((StatusCode::CREATED, Json(AgencyView::of(&app, agency, true)?)))
}

#[utoipa::path(get, path = "/api/admin/agencies/{id}", tag = "admin", params(("id" = String, Path, description = "记录ID")), 
    responses((status = 200, description = "承办机构", body = AgencyView)))]
pub async fn get(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
) -> ApiResult<Json<AgencyView>> {
    let region = caller.admin_region()?;
    let agency = visible_agency(&app, &id, &region).await?;
    Ok(Json(AgencyView::of(&app, agency, true)?))
}

#[utoipa::path(put, path = "/api/admin/agencies/{id}", tag = "admin", params(("id" = String, Path, description = "记录ID")), request_body = AgencyUpdate,
    responses((status = 200, description = "已修改", body = AgencyView)))]
pub async fn update(
    State(app): State<App>,
    caller: Caller,
    PathParams(id): PathParams<String>,
    Body(request): Body<AgencyUpdate>,
) -> ApiResult<Json<AgencyView>> {
    let region = caller.admin_region()?;
    let mut agency = visible_agency(&app, &id, &region).await?;
    // Only the region that registered it (or above) may change it.
    if !agency.region_code.is_under(&region) {
        return Err(ApiError::forbidden("该机构由上级登记，无权修改"));
    }

    let mut v = Validator::new();
    let name = v.check("name", org_name(&request.name));
    let contact = v.check("contact_person", PersonName::parse(&request.contact_person));
    let phone = v.check("phone", Phone::parse_contact(&request.phone));
    v.finish()?;
    let (Some(name), Some(contact), Some(phone)) = (name, contact, phone) else {
        unreachable!("the validator refused missing values")
    };
    if agency.version != request.version {
        return Err(ApiError::conflict("记录已被他人修改，请刷新后重试"));
    }

    let expected = agency.version;
    agency.name = name;
    agency.contact_person = contact.to_string();
    agency.phone_sealed = app.pii.seal("phone", phone.as_str());
    agency.version += 1;
    agency.updated_at = jiff::Timestamp::now().to_string();
    let writes = vec![
        app.store.put_versioned(&agency, expected)?,
        app.store.audit(&caller.actor(), "update", "agency", &id, None)?,
    ];
    app.store.transact(writes).await.map_err(|e| tx_error(e, &[]))?;
    Ok(Json(AgencyView::of(&app, agency, true)?))
}

/// The agency, if the admin may see it; otherwise 404 as if it did not exist.
pub async fn visible_agency(app: &App, id: &str, region: &RegionCode) -> ApiResult<AgencyRecord> {
    app.store.agency(id).await?.filter(|agency| visible(agency, region)).ok_or(ApiError::NotFound)
}

/// The name of an organisation: 1 to 100 characters.
pub fn org_name(raw: &str) -> Result<String, String> {
    let name = clean_text(raw, "名称", 100)?;
    if name.is_empty() { Err("请填写名称".into()) } else { Ok(name) }
}
