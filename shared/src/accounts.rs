//! Accounts (账户): the logins of every role, and the guard that keeps usernames unique.

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::TransactWriteItem;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::auth::{Role, hash_password_off_runtime};
use crate::domain::RegionCode;
use crate::store::{Store, keys};

/// A login. Links to what it acts for: an admin's region, a station, an agency or a
/// registry profile.
#[derive(Clone, Serialize, Deserialize)]
pub struct AccountRecord {
    pub pk: String,
    pub sk: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gsi1sk: Option<String>,
    pub kind: String,
    pub id: String,
    pub username: String,
    pub role: Role,
    pub display_name: String,
    pub password_hash: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region_code: Option<RegionCode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub station_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry_id: Option<String>,
    /// Tokens issued before this instant (ms) no longer work.
    #[serde(default)]
    pub token_epoch_ms: i64,
    /// Logged-out token ids, with the second at which they would expire anyway.
    #[serde(default)]
    pub revoked: BTreeMap<String, i64>,
    #[serde(default)]
    pub disabled: bool,
    pub version: u64,
    pub created_at: String,
}

impl std::fmt::Debug for AccountRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountRecord")
            .field("id", &self.id)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// The guard item of a username; it holds the account id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct UsernameGuard {
    pub pk: String,
    pub sk: String,
    pub kind: String,
    pub account_id: String,
}

/// What a new account is linked to.
#[derive(Debug, Clone, Default)]
pub struct AccountLinks {
    pub region_code: Option<RegionCode>,
    pub station_id: Option<String>,
    pub agency_id: Option<String>,
    pub registry_id: Option<String>,
}

/// Normalises and checks a username: 3 to 32 letters, digits, `_ . @ -`.
pub fn parse_username(input: &str) -> Result<String, &'static str> {
    let value: String = input.nfkc().collect::<String>().trim().to_string();
    if value.is_empty() {
        return Err("请填写用户名");
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '@' | '-');
    if !(3..=32).contains(&value.chars().count()) || !value.chars().all(allowed) {
        return Err("用户名应为3到32位字母、数字或 _ . @ -");
    }
    Ok(value)
}

impl AccountRecord {
    /// A new account with a freshly hashed password.
    pub async fn new(
        role: Role,
        username: &str,
        password: &str,
        display_name: &str,
        links: AccountLinks,
    ) -> anyhow::Result<Self> {
        let id = keys::new_id();
        let (pk, sk) = keys::account(&id);
        let (gsi1pk, gsi1sk) = match (&role, &links.region_code) {
            (Role::Admin, Some(region)) => {
                (Some(keys::admins_gsi1(region.as_str())), Some(username.to_lowercase()))
            }
            _ => (None, None),
        };
        Ok(Self {
            pk,
            sk,
            gsi1pk,
            gsi1sk,
            kind: "account".into(),
            id,
            username: username.to_string(),
            role,
            display_name: display_name.to_string(),
            password_hash: hash_password_off_runtime(password).await?,
            region_code: links.region_code,
            station_id: links.station_id,
            agency_id: links.agency_id,
            registry_id: links.registry_id,
            token_epoch_ms: 0,
            revoked: BTreeMap::new(),
            disabled: false,
            version: 1,
            created_at: jiff::Timestamp::now().to_string(),
        })
    }
}

impl Store {
    pub async fn account(&self, id: &str) -> anyhow::Result<Option<AccountRecord>> {
        let (pk, sk) = keys::account(id);
        self.get(&pk, &sk).await
    }

    pub async fn account_by_username(
        &self,
        username: &str,
    ) -> anyhow::Result<Option<AccountRecord>> {
        let (pk, sk) = keys::username(username);
        match self.get::<UsernameGuard>(&pk, &sk).await? {
            Some(guard) => self.account(&guard.account_id).await,
            None => Ok(None),
        }
    }

    /// The two puts that create an account: the username guard first (so a taken
    /// username fails at position `offset`), then the account itself.
    pub fn create_account(
        &self,
        account: &AccountRecord,
    ) -> anyhow::Result<Vec<TransactWriteItem>> {
        let (pk, sk) = keys::username(&account.username);
        let guard =
            UsernameGuard { pk, sk, kind: "username".into(), account_id: account.id.clone() };
        Ok(vec![self.put_new(&guard)?, self.put_new(account)?])
    }
}

/// The message for a username that is taken.
pub const USERNAME_TAKEN: &str = "用户名已被使用";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_normalised_and_checked() {
        assert_eq!(parse_username(" ａｄｍｉｎ01 ").unwrap(), "admin01");
        assert!(parse_username("ab").is_err());
        assert!(parse_username("张三丰").is_err());
        assert!(parse_username("a b c").is_err());
    }
}
