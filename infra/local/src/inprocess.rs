//! Calls the API in-process, without a socket: demo data goes through the same handlers,
//! validation and transactions as any client's requests.

use anyhow::{Context, bail};
use axum::body::Body;
use axum::http::{Request, header};
use serde_json::Value;
use swz_shared::App;
use tower::ServiceExt;

/// The whole API, callable in-process.
#[derive(Clone)]
pub struct Api {
    service: axum::Router,
}

impl Api {
    pub fn new(app: App) -> Self {
        Self { service: crate::service(app) }
    }

    /// Sends a request; answers the status and the JSON body (`Null` when empty).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<(u16, Value)> {
        let mut request = Request::builder().method(method).uri(path);
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::to_vec(body)?))?,
            None => request.body(Body::empty())?,
        };
        let response = self.service.clone().oneshot(request).await.context("calling the API")?;
        let status = response.status().as_u16();
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes)? };
        Ok((status, json))
    }

    /// Like `call`, but a status of 300 or more is an error that names the path.
    pub async fn ok(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let (status, json) = self.call(method, path, token, body).await?;
        if status >= 300 {
            bail!("{method} {path} answered {status}: {json}");
        }
        Ok(json)
    }

    /// Logs in and answers the token.
    pub async fn login(&self, username: &str, password: &str) -> anyhow::Result<String> {
        let body = serde_json::json!({"username": username, "password": password});
        let session = self.ok("POST", "/api/auth/login", None, Some(&body)).await?;
        session["token"].as_str().map(str::to_string).context("login answered no token")
    }
}
