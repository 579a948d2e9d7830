//! TODO(module): routes of the summaries function.

use axum::Router;
use swz_shared::App;

/// The routes this function serves.
pub fn router() -> Router<App> {
    Router::new()
}
