//! The domain crate of 社工站管理系统: types that hold only valid values, authorisation,
//! personal-data protection, the DynamoDB and S3 adapters and the HTTP plumbing that every
//! function shares.

pub mod accounts;
pub mod activities;
pub mod app;
pub mod attachments;
pub mod audit;
pub mod auth;
pub mod categories;
pub mod config;
pub mod domain;
pub mod error;
pub mod files;
pub mod http;
pub mod lambda;
pub mod notices;
pub mod notifications;
pub mod openapi;
pub mod orgs;
pub mod people;
pub mod pii;
pub mod registry;
pub mod stats;
pub mod store;
pub mod summaries;
pub mod telemetry;

pub use app::App;
pub use auth::{Caller, Role, StationScope};
pub use error::{ApiError, ApiResult, Validator};
