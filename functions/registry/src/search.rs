//! Stations search the registry by exact ID number or by the start of a name, and see a
//! masked summary of each profile: enough to pick the right person, nothing more.

use axum::extract::State;
use serde::{Deserialize, Serialize};
use swz_shared::domain::{Gender, IdNumber, PersonName, QualificationLevel};
use swz_shared::http::{List, PageParams, Params};
use swz_shared::people::id_hash;
use swz_shared::registry::RegistryProfileRecord;
use swz_shared::store::{CursorScope, Index, Query, keys};
use swz_shared::{ApiError, ApiResult, App, Caller};

/// One of `id_number` and `name` is required.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// 身份证号, exact (18 characters).
    id_number: Option<String>,
    /// 姓名 or its beginning.
    name: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    page: PageParams,
}

/// What a station sees of a registry profile.
#[derive(Serialize, utoipa::ToSchema)]
pub struct RegistryHit {
    registry_id: String,
    name: String,
    gender: Gender,
    /// Masked: `330106********1234`.
    id_number: String,
    qualification_level: QualificationLevel,
    certificate_number: String,
}

impl From<RegistryProfileRecord> for RegistryHit {
    fn from(profile: RegistryProfileRecord) -> Self {
        Self {
            registry_id: profile.id,
            name: profile.name,
            gender: profile.gender,
            id_number: profile.id_number_masked,
            qualification_level: profile.qualification_level,
            certificate_number: profile.certificate_number,
        }
    }
}

/// `GET /api/registry/social-workers?id_number=` or `?name=`: one of them is required,
/// so that the registry cannot be listed whole. With both, the ID number decides and the
/// name must also match.
#[utoipa::path(get, path = "/api/registry/social-workers", tag = "registry",
    params(SearchParams, PageParams),
    responses((status = 200, description = "匹配的持证社工（身份证号已脱敏）", body = List<RegistryHit>)))]
pub async fn search(
    State(app): State<App>,
    caller: Caller,
    Params(params): Params<SearchParams>,
) -> ApiResult<List<RegistryHit>> {
    let station = caller.station()?;
    let given = |value: &Option<String>| {
        value.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_string)
    };
    let name = match given(&params.name) {
        Some(raw) => Some(
            PersonName::parse(&raw)
                .map_err(|m| ApiError::bad_request(format!("姓名不正确：{m}")))?
                .to_string(),
        ),
        None => None,
    };
    let (query, filter) = match (given(&params.id_number), &name) {
        (Some(raw), _) => {
            let id = IdNumber::parse(&raw)
                .map_err(|m| ApiError::bad_request(format!("身份证号码不正确：{m}")))?;
            let hash = id_hash(&app.pii, &id);
            let query = Query::new(Index::Gsi2, keys::registry_id_gsi2(&hash));
            (query, format!("id:{hash};name:{}", name.as_deref().unwrap_or("")))
        }
        (None, Some(name)) => {
            let query = Query::new(Index::Gsi1, keys::REGISTRY_GSI1).begins_with(name.as_str());
            (query, format!("name:{name}"))
        }
        (None, None) => return Err(ApiError::bad_request("请按身份证号码或姓名查询")),
    };

    let scope = CursorScope::new(
        caller.id(),
        Some(station.station_id()),
        &format!("registry/social-workers?{filter}"),
    );
    let page = params.page.request(&app, &scope)?;
    let page = app
        .store
        .query_page(&query, &page, |p: &RegistryProfileRecord| {
            name.as_deref().is_none_or(|n| p.name.starts_with(n))
        })
        .await?;
    Ok(List::from_page(&app, &scope, page, RegistryHit::from))
}
