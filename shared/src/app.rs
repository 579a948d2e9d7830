//! The state every handler shares: storage clients and keys, built once per process.

use std::ops::Deref;
use std::sync::Arc;

use crate::auth::Tokens;
use crate::config::Config;
use crate::files::Files;
use crate::pii::Pii;
use crate::store::{CursorCodec, Store};

/// Cheap to clone; built once in `main` and handed to the router.
#[derive(Clone)]
pub struct App(Arc<AppInner>);

pub struct AppInner {
    pub config: Config,
    pub store: Store,
    pub files: Files,
    pub tokens: Tokens,
    pub pii: Pii,
    pub cursors: CursorCodec,
}

impl Deref for App {
    type Target = AppInner;
    fn deref(&self) -> &AppInner {
        &self.0
    }
}

impl App {
    /// Builds the SDK clients from the environment (`AWS_ENDPOINT_URL` points them at
    /// moto locally) and the keys from `config`.
    pub async fn from_config(config: Config) -> Self {
        let sdk = aws_config::load_from_env().await;
        let store = Store::connect(&sdk, config.table_name.clone());
        let files = Files::new(&sdk, &config);
        Self::with_parts(config, store, files)
    }

    pub fn with_parts(config: Config, store: Store, files: Files) -> Self {
        Self(Arc::new(AppInner {
            tokens: Tokens::new(&config.jwt_secret, config.token_ttl_seconds),
            pii: Pii::new(&config.data_key),
            cursors: CursorCodec::new(&config.data_key),
            store,
            files,
            config,
        }))
    }

    pub async fn from_env() -> anyhow::Result<Self> {
        Ok(Self::from_config(Config::from_env()?).await)
    }
}
