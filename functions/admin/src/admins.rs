//! Administrators for the caller's region and the regions under it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use swz_shared::accounts::{AccountLinks, AccountRecord, USERNAME_TAKEN, parse_username};
use swz_shared::auth::check_password_rules;
use swz_shared::domain::{PersonName, RegionCode, RegionLevel, clean_text};
use swz_shared::store::tx_error;
use swz_shared::{ApiResult, App, Caller, Role, Validator};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewAdmin {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    region_code: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AdminView {
    id: String,
    username: String,
    role: Role,
    display_name: String,
    region_code: RegionCode,
}

#[utoipa::path(post, path = "/api/admin/admins", tag = "admin", request_body = NewAdmin,
    responses((status = 201, description = "已创建下级管理员", body = AdminView)))]
pub async fn create(
    State(app): State<App>,
    caller: Caller,
    swz_shared::http::Body(request): swz_shared::http::Body<NewAdmin>,
) -> ApiResult<(StatusCode, Json<AdminView>)> {
    let own_region = caller.admin_region()?;

    let mut v = Validator::new();
    let username = v.check("username", parse_username(&request.username));
    v.check("password", check_password_rules(&request.password));
    let display_name = v.check("display_name", display_name(&request.display_name));
    let region = v.check("region_code", RegionCode::parse(&request.region_code));
    if let Some(region) = &region {
        if region.level() == RegionLevel::Township {
            v.add("region_code", "管理员的辖区应为省、市或区县代码");
        } else if !region.is_under(&own_region) {
            v.add("region_code", "只能为本辖区及下级辖区创建管理员");
        }
    }
    v.finish()?;
    let (Some(username), Some(display_name), Some(region)) = (username, display_name, region)
    else {
        unreachable!("the validator refused missing values")
    };

    let links = AccountLinks { region_code: Some(region.clone()), ..Default::default() };
    let account =
        AccountRecord::new(Role::Admin, &username, &request.password, &display_name, links).await?;
    let mut writes = app.store.create_account(&account)?;
    writes.push(app.store.audit(&caller.actor(), "create", "account", &account.id, None)?);
    app.store.transact(writes).await.map_err(|e| tx_error(e, &[(0, USERNAME_TAKEN)]))?;
    tracing::info!(region = %region, "admin created");

    let view = AdminView {
        id: account.id,
        username: account.username,
        role: Role::Admin,
        display_name: account.display_name,
        region_code: region,
    };
    Ok((StatusCode::CREATED, Json(view)))
}

/// A display name: the name of a person or of an office (民政局), 1 to 50 characters.
fn display_name(raw: &str) -> Result<String, String> {
    let text = clean_text(raw, "名称", 50)?;
    if text.is_empty() {
        return Err("请填写名称".into());
    }
    PersonName::parse(&text).map(String::from).map_err(str::to_string)
}
