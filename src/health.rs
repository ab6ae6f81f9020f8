//! Liveness and readiness, for load balancers and orchestrators.

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, responses};
use crate::state::AppState;

/// The state a health check reports.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// The process serves HTTP.
    Ok,
    /// The service can serve requests: the database answers.
    Ready,
}

/// The answer of a health check.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: HealthStatus,
}

/// Answers as long as the process serves HTTP; it does not touch the database.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "The process is alive", body = Health))
)]
#[get("/health/live")]
pub async fn get_liveness() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: HealthStatus::Ok,
    })
}

/// Answers 200 when the database answers, 503 otherwise.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "The service can serve requests", body = Health),
        (status = 503, response = responses::ServiceUnavailable),
    )
)]
#[get("/health/ready")]
pub async fn get_readiness(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    state.db.run(crate::db::ping).await?;
    Ok(HttpResponse::Ok().json(Health {
        status: HealthStatus::Ready,
    }))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_liveness).service(get_readiness);
}
