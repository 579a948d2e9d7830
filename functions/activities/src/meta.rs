//! `GET /api/meta`: the code lists a client needs to draw its forms — the seven activity
//! categories with their fields, and every enumeration with its Chinese labels. All of it
//! comes from the same data the server validates against.

use axum::Json;
use serde::Serialize;
use swz_shared::categories::{ActivityStatus, CATEGORIES, Category};
use swz_shared::domain::{
    CodeLabel, Education, Gender, OperationMode, PopulationType, Position, QualificationLevel,
};
use swz_shared::{ApiResult, Caller};

/// The answer of `GET /api/meta`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Meta {
    #[schema(value_type = Vec<Category>)]
    categories: &'static [Category],
    population_types: Vec<CodeLabel>,
    qualification_levels: Vec<CodeLabel>,
    positions: Vec<CodeLabel>,
    genders: Vec<CodeLabel>,
    educations: Vec<CodeLabel>,
    activity_statuses: Vec<CodeLabel>,
    operation_modes: Vec<CodeLabel>,
}

/// The metadata; any signed-in caller may read it (labels are not secret, and the
/// administrators' pages show the same codes).
#[utoipa::path(get, path = "/api/meta", tag = "meta",
    responses((status = 200, description = "活动类别与各代码表", body = Meta)))]
pub async fn meta(_caller: Caller) -> ApiResult<Json<Meta>> {
    Ok(Json(Meta {
        categories: CATEGORIES,
        population_types: PopulationType::options(),
        qualification_levels: QualificationLevel::options(),
        positions: Position::options(),
        genders: Gender::options(),
        educations: Education::options(),
        activity_statuses: ActivityStatus::options(),
        operation_modes: OperationMode::options(),
    }))
}
