//! Who is calling: token issuing and checking, password hashing, and the `Caller`
//! extractor through which every function authorises a request.
//!
//! Tokens are HS256 JWTs signed with a secret from configuration. API Gateway cannot
//! check such tokens, so they are checked here, in one place, locally and deployed alike.
//! A token also stops working when its account's password changes (the account's token
//! epoch moves past the token's issue time) or when it was logged out (its id is on the
//! account's revoked list until it would have expired anyway).

use argon2::password_hash::SaltString;
use argon2::password_hash::rand_core::OsRng;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::accounts::AccountRecord;
use crate::app::App;
use crate::domain::{RegionCode, code_enum};
use crate::error::ApiError;

code_enum!(
    /// 角色: what an account is.
    Role, "角色" {
        Station = "station": "社工站账户",
        Agency = "agency": "机构账户",
        Admin = "admin": "民政管理人员",
        SocialWorker = "social_worker": "持证社工",
    }
);

/// The claims inside a token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// Account id.
    pub sub: String,
    pub role: Role,
    /// The current station, for station and agency accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The current station's township code (a station's township never changes), so
    /// that reads keyed by region (the dashboard's notice feeds) need no station lookup.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sreg: Option<String>,
    /// Issued at, in milliseconds, compared with the account's token epoch.
    pub iat_ms: i64,
    /// Expiry, in seconds since the epoch.
    pub exp: i64,
    /// Token id, for logout.
    pub jti: String,
}

/// Signs and checks tokens.
#[derive(Clone)]
pub struct Tokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    ttl_seconds: i64,
}

/// A freshly issued token.
pub struct IssuedToken {
    pub token: String,
    pub claims: Claims,
}

impl Tokens {
    pub fn new(secret: &[u8], ttl_seconds: i64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl_seconds,
        }
    }

    pub fn issue(
        &self,
        account_id: &str,
        role: Role,
        station: Option<(&str, &RegionCode)>,
    ) -> anyhow::Result<IssuedToken> {
        let now = jiff::Timestamp::now();
        let claims = Claims {
            sub: account_id.to_string(),
            role,
            sid: station.map(|(id, _)| id.to_string()),
            sreg: station.map(|(_, township)| township.as_str().to_string()),
            iat_ms: now.as_millisecond(),
            exp: now.as_second() + self.ttl_seconds,
            jti: crate::store::keys::new_id(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(IssuedToken { token, claims })
    }

    /// Checks signature, algorithm and expiry; nothing about the account.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 0;
        validation.set_required_spec_claims(&["exp", "sub"]);
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation).ok().map(|d| d.claims)
    }
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// True when `password` matches the stored argon2 hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false)
}

/// [`hash_password`] on tokio's blocking pool: argon2 spends tens of milliseconds of CPU
/// by design, which must not hold up the async workers serving other requests.
pub async fn hash_password_off_runtime(password: &str) -> anyhow::Result<String> {
    let password = password.to_string();
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

/// [`verify_password`] on tokio's blocking pool (see [`hash_password_off_runtime`]).
pub async fn verify_password_off_runtime(password: &str, stored: &str) -> bool {
    let (password, stored) = (password.to_string(), stored.to_string());
    tokio::task::spawn_blocking(move || verify_password(&password, &stored)).await.unwrap_or(false)
}

/// A hash to verify against when the username does not exist, so that a wrong username
/// takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password("not a real password 0").unwrap_or_default())
}

/// Checks a new password: 8 to 64 characters with at least one letter and one digit.
pub fn check_password_rules(password: &str) -> Result<(), &'static str> {
    let count = password.chars().count();
    if !(8..=64).contains(&count) {
        return Err("密码长度应为8到64位");
    }
    if !password.chars().any(|c| c.is_ascii_alphabetic())
        || !password.chars().any(|c| c.is_ascii_digit())
    {
        return Err("密码须同时包含字母和数字");
    }
    Ok(())
}

/// Who made a change, as the audit trail records it.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: String,
    pub role: String,
}

impl Actor {
    /// Changes made by a command-line tool, not by a logged-in account.
    pub fn system(tool: &str) -> Self {
        Self { id: format!("system:{tool}"), role: "system".into() }
    }
}

/// An authenticated caller, produced only from a checked token and the live account.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: AccountRecord,
    pub role: Role,
    /// The current station: the station's own, or the one an agency switched to.
    pub station_id: Option<String>,
    /// The current station's township, when the token carries it.
    pub station_township: Option<RegionCode>,
    pub token_id: String,
    pub token_expires: i64,
}

/// Proof that the caller works in one station's workspace. Only `Caller::station` makes
/// one, so a handler that holds it cannot reach another station's data by mistake.
#[derive(Debug, Clone)]
pub struct StationScope {
    station_id: String,
    township: Option<RegionCode>,
}

impl StationScope {
    pub fn station_id(&self) -> &str {
        &self.station_id
    }

    /// The station's township, from the token (absent in tokens issued before it was
    /// carried; look the station up then).
    pub fn township(&self) -> Option<&RegionCode> {
        self.township.as_ref()
    }
}

impl Caller {
    pub fn id(&self) -> &str {
        &self.account.id
    }

    pub fn actor(&self) -> Actor {
        Actor { id: self.account.id.clone(), role: self.role.code().into() }
    }

    /// The station workspace of a station account, or of an agency's current station.
    pub fn station(&self) -> Result<StationScope, ApiError> {
        match (self.role, &self.station_id) {
            (Role::Station | Role::Agency, Some(id)) => {
                Ok(StationScope { station_id: id.clone(), township: self.station_township.clone() })
            }
            (Role::Agency, None) => Err(ApiError::forbidden("请先选择要管理的社工站")),
            _ => Err(ApiError::forbidden("只有社工站或机构账户可以使用此功能")),
        }
    }

    /// The region of an administrator.
    pub fn admin_region(&self) -> Result<RegionCode, ApiError> {
        match (self.role, &self.account.region_code) {
            (Role::Admin, Some(region)) => Ok(region.clone()),
            _ => Err(ApiError::forbidden("只有民政管理人员可以使用此功能")),
        }
    }

    /// Refuses with 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden("当前账户无权使用此功能"))
        }
    }
}

impl FromRequestParts<App> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let missing = || ApiError::unauthenticated("请先登录");
        let header = parts.headers.get(axum::http::header::AUTHORIZATION).ok_or_else(missing)?;
        let token = header
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
            .map(str::trim)
            .ok_or_else(missing)?;
        let expired = || ApiError::unauthenticated("登录已失效，请重新登录");
        let claims = app.tokens.verify(token).ok_or_else(expired)?;
        let account = app.store.account(&claims.sub).await?.ok_or_else(expired)?;
        if claims.iat_ms < account.token_epoch_ms
            || account.revoked.contains_key(&claims.jti)
            || account.role != claims.role
            || account.disabled
        {
            return Err(expired());
        }
        let station_id = match claims.role {
            Role::Station => account.station_id.clone(),
            Role::Agency => claims.sid.clone(),
            _ => None,
        };
        // The township travels with the station id it was issued for.
        let station_township = match (&station_id, &claims.sid, &claims.sreg) {
            (Some(current), Some(sid), Some(sreg)) if current == sid => {
                RegionCode::parse_township(sreg).ok()
            }
            _ => None,
        };
        tracing::Span::current().record("role", claims.role.code());
        if let Some(station) = &station_id {
            tracing::Span::current().record("station_id", station.as_str());
        }
        Ok(Caller {
            role: claims.role,
            station_id,
            station_township,
            token_id: claims.jti,
            token_expires: claims.exp,
            account,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_verifies_with_its_secret_only() {
        let tokens = Tokens::new(&[3u8; 32], 60);
        let issued = tokens.issue("acc", Role::Admin, None).unwrap();
        let claims = tokens.verify(&issued.token).unwrap();
        assert_eq!(claims.sub, "acc");
        assert_eq!(claims.role, Role::Admin);
        assert!(Tokens::new(&[4u8; 32], 60).verify(&issued.token).is_none());
    }

    #[test]
    fn an_expired_token_is_refused() {
        let tokens = Tokens::new(&[3u8; 32], -10);
        let issued = tokens
            .issue("acc", Role::Station, Some(("st", &RegionCode::parse("330106001").unwrap())))
            .unwrap();
        assert!(tokens.verify(&issued.token).is_none());
    }

    #[test]
    fn passwords_verify_against_their_hash() {
        let hash = hash_password("secret123").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("secret123", &hash));
        assert!(!verify_password("secret124", &hash));
        assert!(!verify_password("secret123", "not a hash"));
    }

    #[test]
    fn password_rules_want_length_letters_and_digits() {
        assert!(check_password_rules("abc12345").is_ok());
        assert!(check_password_rules("abc1234").is_err());
        assert!(check_password_rules("abcdefgh").is_err());
        assert!(check_password_rules("12345678").is_err());
    }
}
