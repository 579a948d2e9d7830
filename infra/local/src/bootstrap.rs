//! Creating the first administrator: a command-line step, never an open endpoint.

use anyhow::{Context, bail};
use swz_shared::App;
use swz_shared::accounts::{AccountLinks, AccountRecord, parse_username};
use swz_shared::auth::{Actor, Role, check_password_rules};
use swz_shared::domain::RegionCode;
use swz_shared::store::TxError;

/// What happened to the requested administrator.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Created,
    AlreadyExists,
}

/// Creates an administrator of `region` unless the username is taken.
pub async fn create_admin_if_absent(
    app: &App,
    username: &str,
    password: &str,
    region: &str,
    display_name: &str,
) -> anyhow::Result<Outcome> {
    let username = parse_username(username).map_err(anyhow::Error::msg)?;
    let region = RegionCode::parse(region).map_err(anyhow::Error::msg)?;
    if region.level() == swz_shared::domain::RegionLevel::Township {
        bail!("an administrator's region is a province, city or county code");
    }
    check_password_rules(password).map_err(anyhow::Error::msg)?;
    if app.store.account_by_username(&username).await?.is_some() {
        return Ok(Outcome::AlreadyExists);
    }
    let links = AccountLinks { region_code: Some(region), ..Default::default() };
    let account = AccountRecord::new(Role::Admin, &username, password, display_name, links).await?;
    let mut writes = app.store.create_account(&account)?;
    writes.push(app.store.audit(
        &Actor::system("bootstrap"),
        "create",
        "account",
        &account.id,
        None,
    )?);
    match app.store.transact(writes).await {
        Ok(()) => Ok(Outcome::Created),
        Err(TxError::ConditionFailed(0)) => Ok(Outcome::AlreadyExists),
        Err(TxError::ConditionFailed(_)) | Err(TxError::Conflict) => {
            bail!("the account changed meanwhile; try again")
        }
        Err(TxError::Other(error)) => Err(error).context("creating the administrator"),
    }
}
