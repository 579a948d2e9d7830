//! The load test's HTTP client: one connection pool shared by every simulated user, JSON
//! in and out, bearer tokens.

use anyhow::{Context, bail};
use reqwest::Method;
use serde_json::Value;
use std::time::Duration;

/// The server under load.
#[derive(Clone)]
pub struct Http {
    client: reqwest::Client,
    base: String,
}

/// A response: its status and JSON body (`Null` when empty or not JSON).
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

impl Answer {
    /// `code: message` of an API error body, for the report (never a request body).
    pub fn error_summary(&self) -> String {
        let error = &self.body["error"];
        match (error["code"].as_str(), error["message"].as_str()) {
            (Some(code), Some(message)) => format!("{code}: {message}"),
            _ => "no error body".to_string(),
        }
    }
}

impl Http {
    pub fn new(base: &str) -> anyhow::Result<Self> {
        // Generous: moto serves one request at a time, so under load a request can queue
        // for seconds; a timeout still counts as a transport error rather than hanging.
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(120))
            .build()
            .context("building the HTTP client")?;
        Ok(Self { client, base: base.trim_end_matches('/').to_string() })
    }

    /// Sends one request. Only a transport failure is an `Err`; any status is an answer.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Result<Answer, reqwest::Error> {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let bytes = response.bytes().await?;
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(Answer { status, body })
    }

    /// Like `send`, for the setup: anything but 2xx is an error naming the path.
    pub async fn ok(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let answer = self
            .send(method.clone(), path, token, body)
            .await
            .with_context(|| format!("{method} {path}"))?;
        if !(200..300).contains(&answer.status) {
            bail!("{method} {path} answered {}: {}", answer.status, answer.error_summary());
        }
        Ok(answer.body)
    }

    /// Logs in; answers the login's body (token, account, station).
    pub async fn login(&self, username: &str, password: &str) -> anyhow::Result<Value> {
        let body = serde_json::json!({"username": username, "password": password});
        self.ok(Method::POST, "/api/auth/login", None, Some(&body))
            .await
            .with_context(|| format!("logging in as {username}"))
    }
}

/// The `token` of a login's body.
pub fn token_of(login: &Value) -> anyhow::Result<String> {
    login["token"].as_str().map(str::to_string).context("login answered no token")
}

/// The `id` of a created record.
pub fn id_of(record: &Value) -> anyhow::Result<String> {
    record["id"].as_str().map(str::to_string).context("the answer has no id")
}
