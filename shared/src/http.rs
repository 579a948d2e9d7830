//! Request plumbing every handler shares: JSON bodies and query strings that fail in the
//! contract's way, pagination, list answers, and the layers around every router.

use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::IntoResponse;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::app::App;
use crate::error::{ApiError, FieldErrors};
use crate::store::{CursorScope, Page, PageRequest};

/// Request bodies larger than this answer 413.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

/// A JSON body. Malformed JSON answers 400; JSON of the wrong shape answers 422 naming
/// the field, with a Chinese message.
pub struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(|e: BytesRejection| {
            if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge("请求内容过大".into())
            } else {
                ApiError::bad_request("无法读取请求内容")
            }
        })?;
        if bytes.len() > MAX_BODY_BYTES {
            return Err(ApiError::PayloadTooLarge("请求内容过大".into()));
        }
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|_| ApiError::bad_request("请求内容不是有效的JSON"))?;
        if !value.is_object() {
            return Err(ApiError::bad_request("请求内容应为JSON对象"));
        }
        decode(value).map(Body)
    }
}

/// An update's body laid over the stored fields (`stored`, a JSON object), read as `T`
/// with [`Body`]'s answers: each field sent replaces the stored one, `null` included, and
/// each field left out keeps its stored value.
pub fn decode_over<T: DeserializeOwned>(
    mut stored: serde_json::Value,
    sent: &serde_json::Map<String, serde_json::Value>,
) -> Result<T, ApiError> {
    let fields = stored.as_object_mut().expect("the stored fields are a JSON object");
    fields.extend(sent.iter().map(|(key, value)| (key.clone(), value.clone())));
    decode(stored)
}

/// A body already read as a JSON object, read again as `T` with [`Body`]'s answers: for a
/// body decoded in parts.
pub fn decode_sent<T: DeserializeOwned>(
    sent: &serde_json::Map<String, serde_json::Value>,
) -> Result<T, ApiError> {
    decode(serde_json::Value::Object(sent.clone()))
}

/// A JSON object as `T`, with [`Body`]'s answers: 422 naming the field that does not fit.
fn decode<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let inner = error.inner().to_string();
        let field = field_of(&error.path().to_string(), &inner);
        ApiError::Validation(FieldErrors::from([(field, shape_message(&inner))]))
    })
}

/// The field a complaint is about. serde reports a missing field at the object that
/// lacks it (`.` for the body itself) and names it only in its message.
fn field_of(path: &str, inner: &str) -> String {
    let missing = inner
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split_once('`'))
        .map(|(name, _)| name);
    match (path, missing) {
        (".", Some(name)) => name.to_string(),
        (".", None) => "body".to_string(),
        (path, Some(name)) => format!("{path}.{name}"),
        (path, None) => path.to_string(),
    }
}

/// Turns serde's English complaint into Chinese. A custom message from our own
/// validating types is Chinese already and passes through.
fn shape_message(inner: &str) -> String {
    let message = inner.split(" at line ").next().unwrap_or(inner);
    if message.starts_with("missing field") {
        "缺少此项".into()
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        expected(message)
            .unwrap_or(if message.starts_with("invalid type") {
                "格式不正确"
            } else {
                "取值不正确"
            })
            .into()
    } else if message.starts_with("unknown variant") {
        "取值不在可选范围内".into()
    } else if message.starts_with("invalid length") {
        "取值不正确".into()
    } else if message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
        message.to_string()
    } else {
        "格式不正确".into()
    }
}

/// What serde's "…, expected X" asked for, in words a form can show.
fn expected(message: &str) -> Option<&'static str> {
    let (_, wanted) = message.rsplit_once(", expected ")?;
    let wanted = wanted.trim_start_matches("an optional ").trim_start_matches("option ");
    Some(match wanted {
        w if w.starts_with("a string") || w.starts_with("a borrowed string") => "应为文字",
        w if w.starts_with('u') && w[1..].starts_with(|c: char| c.is_ascii_digit()) => {
            "应为不小于0的整数"
        }
        w if w.starts_with('i') && w[1..].starts_with(|c: char| c.is_ascii_digit()) => "应为整数",
        w if w.starts_with('f') && w[1..].starts_with(|c: char| c.is_ascii_digit()) => "应为数字",
        w if w.starts_with("a sequence") => "应为列表",
        w if w.starts_with("a boolean") => "应为 true 或 false",
        w if w.starts_with("struct") || w.starts_with("a map") => "应为对象",
        _ => return None,
    })
}

/// A yes/no query value (`?unread=true`): absent, empty, `false` or `0` is no, `true` or
/// `1` yes, and anything else answers 400 naming the parameter.
pub fn flag(name: &str, raw: Option<&str>) -> Result<bool, ApiError> {
    match raw.map(str::trim) {
        None | Some("" | "false" | "0") => Ok(false),
        Some("true" | "1") => Ok(true),
        Some(_) => Err(ApiError::bad_request(format!("{name} 只能为 true 或 false"))),
    }
}

/// A query string. A value that does not parse answers 400, as an unknown query value.
pub struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        serde_urlencoded::from_str(query)
            .map(Params)
            .map_err(|_| ApiError::bad_request("查询参数不正确"))
    }
}

/// Path parameters. A segment that does not decode (bad percent-encoding, not UTF-8)
/// answers 400 in the contract's JSON, not axum's plain-text rejection.
pub struct PathParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for PathParams<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        use axum::extract::rejection::PathRejection;
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(PathParams(value)),
            Err(PathRejection::FailedToDeserializePathParams(_)) => {
                Err(ApiError::bad_request("路径参数不正确"))
            }
            // A route without the parameters its handler reads: a bug, not the client's.
            Err(other) => Err(ApiError::Internal(anyhow::anyhow!("path parameters: {other}"))),
        }
    }
}

/// `limit` and `cursor` of a list request.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    /// 1 to 100, default 20.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    pub limit: Option<String>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

impl PageParams {
    /// Checks `limit` (1–100, default 20) and opens the cursor under `scope`.
    pub fn request(&self, app: &App, scope: &CursorScope) -> Result<PageRequest, ApiError> {
        let limit = match self.limit.as_deref().map(str::trim) {
            None | Some("") => 20,
            Some(raw) => match raw.parse::<usize>() {
                Ok(n) if (1..=100).contains(&n) => n,
                _ => return Err(ApiError::bad_request("limit 应为1到100之间的整数")),
            },
        };
        let after = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            Some(cursor) => Some(app.cursors.open(scope, cursor)?),
            None => None,
        };
        Ok(PageRequest { limit, after })
    }
}

/// `{"items": [...], "next_cursor": ...}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct List<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

impl<T: Serialize> IntoResponse for List<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self).into_response()
    }
}

impl<T> List<T> {
    /// A list answer from a page, mapping each record and sealing the next cursor.
    pub fn from_page<R>(
        app: &App,
        scope: &CursorScope,
        page: Page<R>,
        map: impl FnMut(R) -> T,
    ) -> Self {
        Self {
            items: page.items.into_iter().map(map).collect(),
            next_cursor: page.last_key.map(|key| app.cursors.seal(scope, &key)),
        }
    }

    /// A list that fits in one page.
    pub fn whole(items: Vec<T>) -> Self {
        Self { items, next_cursor: None }
    }
}

/// `{"status": "ok"}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    status: &'static str,
}

/// `GET /api/health`: no token, no storage.
#[utoipa::path(get, path = "/api/health", tag = "system",
    responses((status = 200, description = "服务正常", body = Health)))]
pub async fn health() -> axum::Json<Health> {
    axum::Json(Health { status: "ok" })
}

/// Routes every deployment has once: the health check.
pub fn system_api() -> utoipa_axum::router::OpenApiRouter<App> {
    utoipa_axum::router::OpenApiRouter::new().routes(utoipa_axum::routes!(health))
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}

/// The longest path segment worth looking up: ids are 28 characters, months 7. A longer
/// one names no record (and would be refused by DynamoDB as a key), so it is answered
/// 404 before any handler builds a key from it.
const MAX_SEGMENT_BYTES: usize = 128;

async fn no_overlong_segments(
    request: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    if request.uri().path().split('/').any(|segment| segment.len() > MAX_SEGMENT_BYTES) {
        return axum::response::IntoResponse::into_response(ApiError::NotFound);
    }
    next.run(request).await
}

/// Wraps the routers of one or more functions into the service that runs: request ids,
/// one log event per request (method, route, status, latency; never bodies, query
/// strings or headers), JSON 404 for unknown routes and overlong path segments, and the
/// body limit.
pub fn service(router: Router<App>, app: App) -> Router {
    let trace = TraceLayer::new_for_http()
        .make_span_with(|request: &Request| {
            let route = request
                .extensions()
                .get::<MatchedPath>()
                .map(|p| p.as_str().to_string())
                .unwrap_or_else(|| "unmatched".into());
            let request_id = request
                .headers()
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string();
            tracing::info_span!(
                "request",
                method = %request.method(),
                route,
                request_id,
                role = tracing::field::Empty,
                station_id = tracing::field::Empty,
            )
        })
        .on_request(())
        .on_response(
            |response: &axum::response::Response, latency: Duration, _span: &tracing::Span| {
                tracing::info!(
                    status = response.status().as_u16(),
                    latency_ms = latency.as_millis() as u64,
                    "answered"
                );
            },
        )
        .on_failure(());
    router
        .fallback(not_found)
        .method_not_allowed_fallback(not_found)
        .layer(axum::middleware::from_fn(no_overlong_segments))
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(trace)
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(app)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_field_is_named_where_it_is_missing() {
        assert_eq!(field_of(".", "missing field `password`"), "password");
        assert_eq!(
            field_of("emergency_contact", "missing field `phone`"),
            "emergency_contact.phone"
        );
        assert_eq!(field_of("version", "invalid type: string \"a\", expected u64"), "version");
        assert_eq!(field_of(".", "trailing characters"), "body");
    }

    #[test]
    fn a_value_of_the_wrong_type_says_what_was_expected() {
        use serde_json::json;
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Form {
            title: Option<String>,
            size: u64,
            ids: Vec<String>,
        }
        let complaint = |body: serde_json::Value| match decode::<Form>(body) {
            Err(ApiError::Validation(fields)) => fields.into_iter().next().unwrap(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            complaint(json!({"title": 1, "size": 1, "ids": []})),
            ("title".into(), "应为文字".into())
        );
        assert_eq!(
            complaint(json!({"size": "1", "ids": []})),
            ("size".into(), "应为不小于0的整数".into())
        );
        assert_eq!(
            complaint(json!({"size": -1, "ids": []})),
            ("size".into(), "应为不小于0的整数".into())
        );
        assert_eq!(complaint(json!({"size": 1, "ids": "a"})), ("ids".into(), "应为列表".into()));
        assert_eq!(complaint(json!({"size": 1})), ("ids".into(), "缺少此项".into()));
    }

    #[test]
    fn a_flag_is_true_false_1_0_or_absent() {
        assert!(!flag("unread", None).unwrap());
        assert!(!flag("unread", Some(" ")).unwrap());
        assert!(!flag("unread", Some("0")).unwrap());
        assert!(flag("unread", Some("true")).unwrap());
        assert!(flag("unread", Some("1")).unwrap());
        assert!(
            matches!(flag("unread", Some("yes")), Err(ApiError::BadRequest(m)) if m.contains("unread"))
        );
    }
}
