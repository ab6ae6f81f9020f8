//! The catalogue of problem codes. Each error body's `type` is `/problems/<code>`,
//! a path this service serves, so a developer who meets an error can read what it
//! means and what to do.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ProblemCode};

/// The description of one problem code.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "code": "not_found",
    "type": "/problems/not_found",
    "status": 404,
    "title": "Not found",
    "description": "The path or the record does not exist, or the caller may not know that it exists."
}))]
pub struct ProblemType {
    /// The stable code, as in a problem body's `code`.
    #[schema(max_length = 64, pattern = "^[a-z_]+$")]
    pub code: &'static str,
    /// The problem body's `type` for this code.
    #[serde(rename = "type")]
    #[schema(max_length = 128, pattern = "^/problems/[a-z_]+$")]
    pub type_: String,
    /// The HTTP status a response with this code carries.
    #[schema(minimum = 100, maximum = 599)]
    pub status: u16,
    /// The problem's title.
    #[schema(max_length = 128)]
    pub title: &'static str,
    /// What the problem means and what a client can do about it.
    #[schema(max_length = 2000)]
    pub description: &'static str,
}

impl From<ProblemCode> for ProblemType {
    fn from(code: ProblemCode) -> Self {
        Self {
            code: code.as_str(),
            type_: format!("/problems/{}", code.as_str()),
            status: code.status().as_u16(),
            title: code.title(),
            description: code.description(),
        }
    }
}

/// Every problem code, for clients that build their error handling from it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemTypeList {
    #[schema(max_items = 100)]
    pub items: Vec<ProblemType>,
}

/// Lists every problem code the service can answer with.
#[utoipa::path(
    tag = "problems",
    responses((status = 200, description = "Every problem code", body = ProblemTypeList))
)]
#[get("/problems")]
pub async fn list_problems() -> HttpResponse {
    let items = ProblemCode::ALL
        .iter()
        .copied()
        .map(ProblemType::from)
        .collect();
    HttpResponse::Ok().json(ProblemTypeList { items })
}

/// Describes one problem code.
#[utoipa::path(
    tag = "problems",
    params(("code" = String, Path, max_length = 64, description = "A problem code", example = "not_found")),
    responses(
        (status = 200, description = "The problem code", body = ProblemType),
    )
)]
#[get("/problems/{code}")]
pub async fn get_problem(code: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let code = ProblemCode::from_code(&code)
        .ok_or_else(|| ApiError::not_found(format!("There is no problem code `{code}`.")))?;
    Ok(HttpResponse::Ok().json(ProblemType::from(code)))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(list_problems).service(get_problem);
}
