//! 登录与账户: login, the caller's own account, switching stations, password change and
//! logout. Every other function checks tokens through `swz_shared::auth::Caller`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use swz_shared::accounts::AccountRecord;
use swz_shared::auth::{
    check_password_rules, dummy_hash, hash_password_off_runtime, verify_password_off_runtime,
};
use swz_shared::http::Body;
use swz_shared::orgs::{StationRecord, StationRef};
use swz_shared::store::tx_error;
use swz_shared::{ApiError, ApiResult, App, Caller, Role};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

mod throttle;

/// The routes this function serves, with their OpenAPI description.
pub fn api() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(switch_station))
        .routes(routes!(me))
        .routes(routes!(change_password))
        .routes(routes!(logout))
}

/// The routes this function serves.
pub fn router() -> Router<App> {
    api().into()
}

#[derive(Deserialize, ToSchema)]
struct LoginRequest {
    username: String,
    password: String,
}

#[derive(Deserialize, ToSchema)]
struct SwitchRequest {
    station_id: String,
}

#[derive(Deserialize, ToSchema)]
struct PasswordRequest {
    old_password: String,
    new_password: String,
}

/// The account as login and `me` show it.
#[derive(Serialize, ToSchema)]
struct AccountView {
    id: String,
    username: String,
    role: Role,
    display_name: String,
}

/// The answer of login, switch-station and (without `token`) me.
#[derive(Serialize, ToSchema)]
struct Session {
    #[serde(skip_serializing_if = "Option::is_none")]
    token: Option<String>,
    expires_at: String,
    account: AccountView,
    station: Option<StationRef>,
    stations: Vec<StationRef>,
}

#[utoipa::path(post, path = "/api/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, description = "登录成功", body = Session)))]
async fn login(
    State(app): State<App>,
    Body(request): Body<LoginRequest>,
) -> ApiResult<Json<Session>> {
    let username = request.username.trim().to_string();
    if username.is_empty() || request.password.is_empty() {
        return Err(ApiError::unauthenticated("用户名或密码不正确"));
    }
    throttle::refuse_if_locked(&app, &username).await?;

    let account = app.store.account_by_username(&username).await?;
    let hash = account.as_ref().map(|a| a.password_hash.as_str()).unwrap_or(dummy_hash());
    let password_ok = verify_password_off_runtime(&request.password, hash).await;
    let account = match account {
        Some(account) if password_ok && !account.disabled => account,
        _ => {
            throttle::record_failure(&app, &username).await?;
            return Err(ApiError::unauthenticated("用户名或密码不正确"));
        }
    };
    throttle::clear(&app, &username).await?;

    let stations = stations_of(&app, &account).await?;
    let current = stations.first().map(|s| s.id.clone());
    tracing::info!(role = account.role.code(), "logged in");
    session(&app, &account, current.as_deref(), stations, true)
}

#[utoipa::path(post, path = "/api/auth/switch-station", tag = "auth", request_body = SwitchRequest,
    responses((status = 200, description = "已切换站点", body = Session)))]
async fn switch_station(
    State(app): State<App>,
    caller: Caller,
    Body(request): Body<SwitchRequest>,
) -> ApiResult<Json<Session>> {
    caller.require(&[Role::Agency])?;
    let stations = stations_of(&app, &caller.account).await?;
    if !stations.iter().any(|s| s.id == request.station_id) {
        return Err(ApiError::NotFound);
    }
    session(&app, &caller.account, Some(&request.station_id), stations, true)
}

#[utoipa::path(get, path = "/api/auth/me", tag = "auth",
    responses((status = 200, description = "当前账户", body = Session)))]
async fn me(State(app): State<App>, caller: Caller) -> ApiResult<Json<Session>> {
    let stations = stations_of(&app, &caller.account).await?;
    let mut answer = session(&app, &caller.account, caller.station_id.as_deref(), stations, false)?;
    answer.0.expires_at = timestamp(caller.token_expires);
    Ok(answer)
}

#[utoipa::path(post, path = "/api/auth/password", tag = "auth", request_body = PasswordRequest,
    responses((status = 204, description = "密码已修改，之前签发的令牌失效")))]
async fn change_password(
    State(app): State<App>,
    caller: Caller,
    Body(request): Body<PasswordRequest>,
) -> ApiResult<StatusCode> {
    if !verify_password_off_runtime(&request.old_password, &caller.account.password_hash).await {
        return Err(ApiError::field("old_password", "原密码不正确"));
    }
    check_password_rules(&request.new_password).map_err(|m| ApiError::field("new_password", m))?;

    let mut account = caller.account.clone();
    account.password_hash = hash_password_off_runtime(&request.new_password).await?;
    // Every token issued until now stops working, this one included.
    account.token_epoch_ms = jiff::Timestamp::now().as_millisecond() + 1;
    account.revoked.clear();
    save_account(&app, &caller, account, "change_password").await?;
    tracing::info!("password changed");
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/api/auth/logout", tag = "auth",
    responses((status = 204, description = "已退出，此令牌失效")))]
async fn logout(State(app): State<App>, caller: Caller) -> ApiResult<StatusCode> {
    let mut account = caller.account.clone();
    let now = jiff::Timestamp::now().as_second();
    account.revoked.retain(|_, expires| *expires > now);
    account.revoked.insert(caller.token_id.clone(), caller.token_expires);
    save_account(&app, &caller, account, "logout").await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Writes the changed account with its audit entry, if nobody changed it meanwhile.
async fn save_account(
    app: &App,
    caller: &Caller,
    mut account: AccountRecord,
    action: &str,
) -> ApiResult<()> {
    let expected = account.version;
    account.version += 1;
    let writes = vec![
        app.store.put_versioned(&account, expected)?,
        app.store.audit(&caller.actor(), action, "account", &account.id, None)?,
    ];
    app.store.transact(writes).await.map_err(|e| tx_error(e, &[]))
}

/// The stations an account may work in: its own, or those its agency undertakes.
async fn stations_of(app: &App, account: &AccountRecord) -> ApiResult<Vec<StationRecord>> {
    Ok(match (account.role, &account.station_id, &account.agency_id) {
        (Role::Station, Some(id), _) => app.store.station(id).await?.into_iter().collect(),
        (Role::Agency, _, Some(agency)) => app.store.stations_of_agency(agency).await?,
        _ => Vec::new(),
    })
}

fn session(
    app: &App,
    account: &AccountRecord,
    current: Option<&str>,
    stations: Vec<StationRecord>,
    with_token: bool,
) -> ApiResult<Json<Session>> {
    let current = current.and_then(|id| stations.iter().find(|s| s.id == id));
    let (token, expires) = if with_token {
        let station = current.map(|s| (s.id.as_str(), &s.region_code));
        let issued = app.tokens.issue(&account.id, account.role, station)?;
        (Some(issued.token), issued.claims.exp)
    } else {
        (None, 0)
    };
    Ok(Json(Session {
        token,
        expires_at: timestamp(expires),
        account: AccountView {
            id: account.id.clone(),
            username: account.username.clone(),
            role: account.role,
            display_name: account.display_name.clone(),
        },
        station: current.map(StationRef::from),
        stations: stations.iter().map(StationRef::from).collect(),
    }))
}

fn timestamp(seconds: i64) -> String {
    jiff::Timestamp::from_second(seconds).map(|t| t.to_string()).unwrap_or_default()
}
