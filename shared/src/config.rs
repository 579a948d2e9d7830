//! Settings read once from the environment at start.

use anyhow::{Context, bail};
use base64::Engine;

/// Everything a function needs to know about where it runs.
#[derive(Clone)]
pub struct Config {
    /// The one DynamoDB table (`TABLE_NAME`).
    pub table_name: String,
    /// The attachments bucket (`BUCKET_NAME`).
    pub bucket_name: String,
    /// Signs and checks tokens (`JWT_SECRET`, at least 32 bytes).
    pub jwt_secret: Vec<u8>,
    /// Master key for personal data and cursors (`DATA_KEY`, 32 bytes in base64).
    pub data_key: [u8; 32],
    /// How long a token lives (`TOKEN_TTL_SECONDS`, default 12 hours).
    pub token_ttl_seconds: i64,
    /// Failed logins before a username is locked (`LOGIN_MAX_FAILURES`, default 5).
    pub login_max_failures: u32,
    /// How long the lock holds (`LOGIN_LOCK_SECONDS`, default 300).
    pub login_lock_seconds: i64,
    /// Path-style S3 addressing, for moto locally (`S3_FORCE_PATH_STYLE=true`).
    pub s3_force_path_style: bool,
    /// The address presigned URLs point at, when it differs from the SDK's endpoint
    /// (`S3_PUBLIC_ENDPOINT`).
    pub s3_public_endpoint: Option<String>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("table_name", &self.table_name)
            .field("bucket_name", &self.bucket_name)
            .finish_non_exhaustive()
    }
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let jwt_secret = required("JWT_SECRET")?.into_bytes();
        if jwt_secret.len() < 32 {
            bail!("JWT_SECRET must be at least 32 bytes");
        }
        let data_key = base64::engine::general_purpose::STANDARD
            .decode(required("DATA_KEY")?.trim())
            .context("DATA_KEY is not base64")?;
        let data_key: [u8; 32] =
            data_key.try_into().map_err(|_| anyhow::anyhow!("DATA_KEY must decode to 32 bytes"))?;
        Ok(Self {
            table_name: required("TABLE_NAME")?,
            bucket_name: required("BUCKET_NAME")?,
            jwt_secret,
            data_key,
            token_ttl_seconds: optional("TOKEN_TTL_SECONDS", 12 * 3600)?,
            login_max_failures: optional("LOGIN_MAX_FAILURES", 5)?,
            login_lock_seconds: optional("LOGIN_LOCK_SECONDS", 300)?,
            s3_force_path_style: optional("S3_FORCE_PATH_STYLE", false)?,
            s3_public_endpoint: std::env::var("S3_PUBLIC_ENDPOINT").ok().filter(|v| !v.is_empty()),
        })
    }
}

fn required(name: &str) -> anyhow::Result<String> {
    std::env::var(name).with_context(|| format!("{name} is not set"))
}

fn optional<T: std::str::FromStr>(name: &str, default: T) -> anyhow::Result<T> {
    match std::env::var(name) {
        Ok(raw) if !raw.is_empty() => {
            raw.parse().map_err(|_| anyhow::anyhow!("{name} has an invalid value"))
        }
        _ => Ok(default),
    }
}
