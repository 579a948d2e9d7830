//! The OpenAPI 3.1 document is generated from the code: each function's handlers carry
//! `#[utoipa::path]`, its router is built with `utoipa_axum`, and what every route shares
//! (bearer auth, the error answers) is added here once.

use std::borrow::Cow;
use std::collections::BTreeMap;

use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{
    ContentBuilder, ObjectBuilder, OpenApi, Ref, RefOr, ResponseBuilder, Schema, Type,
};
use utoipa::{Modify, PartialSchema, ToSchema};

/// The error answer: `{"error": {"code", "message", "fields"?}}`.
#[derive(serde::Serialize, ToSchema)]
pub struct ErrorResponse {
    pub error: ErrorDetailSchema,
}

/// The error itself.
#[derive(serde::Serialize, ToSchema)]
pub struct ErrorDetailSchema {
    /// One of bad_request, unauthenticated, forbidden, not_found, conflict,
    /// payload_too_large, validation_failed, rate_limited, internal.
    pub code: String,
    /// A Chinese explanation.
    pub message: String,
    /// Field → Chinese explanation, for validation_failed only.
    #[schema(required = false)]
    pub fields: Option<std::collections::BTreeMap<String, String>>,
}

/// Routes that need no token.
const PUBLIC: &[&str] = &["/api/auth/login", "/api/registry/register", "/api/health"];

/// Adds bearer authentication and the contract's error answers to every operation.
pub struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build(),
            ),
        );
        components.schemas.insert("ErrorResponse".into(), ErrorResponse::schema());
        components.schemas.insert("ErrorDetailSchema".into(), ErrorDetailSchema::schema());

        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for item in openapi.paths.paths.values_mut() {
            for operation in operations(item) {
                if let Some(id) = &operation.operation_id {
                    *seen.entry(id.clone()).or_default() += 1;
                }
            }
        }
        for (path, item) in openapi.paths.paths.iter_mut() {
            let public = PUBLIC.contains(&path.as_str());
            for operation in operations(item) {
                add_errors(operation, public);
                // A handler's name (`list`, `get`) is unique in its module, not in the
                // document: such ids get the path's words in front.
                if let Some(id) = &operation.operation_id
                    && seen.get(id).is_some_and(|n| *n > 1)
                {
                    operation.operation_id = Some(qualified_id(path, id));
                }
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut Operation> {
    [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch]
        .into_iter()
        .flatten()
}

/// `admin_stations_get` for `get` at `/api/admin/stations/{id}`; `auth_me` for `me` at
/// `/api/auth/me`.
fn qualified_id(path: &str, id: &str) -> String {
    let mut words: Vec<String> = path
        .split('/')
        .filter(|w| !w.is_empty() && *w != "api" && !w.starts_with('{'))
        .map(|w| w.replace('-', "_"))
        .collect();
    if words.last().is_none_or(|last| last != id) {
        words.push(id.to_string());
    }
    words.join("_")
}

fn add_errors(operation: &mut Operation, public: bool) {
    // Login answers 401 to wrong credentials, so every operation may.
    let mut codes = vec![
        ("400", "请求格式不正确"),
        ("401", "未登录、登录已失效或用户名密码不正确"),
        ("422", "字段校验失败"),
        ("429", "请求过于频繁"),
        ("500", "服务器内部错误"),
    ];
    if !public {
        operation.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);
        codes.extend([("403", "无权访问"), ("404", "记录不存在"), ("409", "冲突")]);
    }
    if operation.request_body.is_some() {
        codes.extend([("409", "冲突"), ("413", "请求内容过大")]);
    }
    for (status, description) in codes {
        operation.responses.responses.entry(status.into()).or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorResponse")))
                            .build(),
                    )
                    .build(),
            )
        });
    }
}

/// A string schema, for the domain types that travel as strings (codes, months).
pub fn string_schema(description: &str, pattern: Option<&str>) -> RefOr<Schema> {
    let mut builder = ObjectBuilder::new().schema_type(Type::String).description(Some(description));
    if let Some(pattern) = pattern {
        builder = builder.pattern(Some(pattern));
    }
    RefOr::T(Schema::Object(builder.build()))
}

/// A string schema limited to `codes`.
pub fn enum_schema(description: &str, codes: &[&'static str]) -> RefOr<Schema> {
    RefOr::T(Schema::Object(
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(description))
            .enum_values(Some(codes.iter().copied()))
            .build(),
    ))
}

impl PartialSchema for crate::domain::RegionCode {
    fn schema() -> RefOr<Schema> {
        string_schema(
            "行政区划代码（2、4、6或9位）",
            Some("^[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{3})?)?)?$"),
        )
    }
}

impl ToSchema for crate::domain::RegionCode {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("RegionCode")
    }
}

impl PartialSchema for crate::domain::Month {
    fn schema() -> RefOr<Schema> {
        string_schema("月份 YYYY-MM", Some("^[0-9]{4}-[0-9]{2}$"))
    }
}

impl ToSchema for crate::domain::Month {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("Month")
    }
}

impl PartialSchema for crate::domain::PersonName {
    fn schema() -> RefOr<Schema> {
        string_schema("姓名", None)
    }
}

impl ToSchema for crate::domain::PersonName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("PersonName")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_names_get_the_paths_words_in_front() {
        assert_eq!(qualified_id("/api/admin/stations/{id}", "get"), "admin_stations_get");
        assert_eq!(qualified_id("/api/admin/agencies", "list"), "admin_agencies_list");
        assert_eq!(qualified_id("/api/auth/me", "me"), "auth_me");
        assert_eq!(qualified_id("/api/registry/me", "update"), "registry_me_update");
    }
}
