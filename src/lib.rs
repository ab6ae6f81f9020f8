//! Coopera: an HTTP/JSON API for running cooperation between NGOs and public
//! administration. [`build_app`] is the one place that assembles the service.

pub mod activities;
pub mod audit;
pub mod auth;
pub mod config;
pub mod consultations;
pub mod cooperation_model;
pub mod db;
pub mod demo;
pub mod error;
pub mod good_practices;
pub mod health;
pub mod http;
pub mod indicators;
pub mod notifications;
pub mod openapi;
pub mod organizations;
pub mod participation;
pub mod partnerships;
pub mod people;
pub mod problems;
pub mod projects;
pub mod quality;
pub mod recruitment;
pub mod state;
pub mod territorial_units;
pub mod training;
pub mod webhooks;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Condition, ErrorHandlers, from_fn};
use actix_web::{App, HttpResponse, http::header, web};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use crate::config::CorsOrigins;

pub use state::AppState;

/// Registers every documented route. Used by [`build_app`] and [`openapi_document`],
/// so the served API and its document cannot differ.
fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.configure(health::configure)
        .configure(problems::configure)
        .service(
            utoipa_actix_web::scope("/api/v1")
                .configure(auth::tokens::configure)
                .configure(auth::users::configure)
                .configure(auth::clients::configure)
                .configure(organizations::configure)
                .configure(people::configure)
                .configure(projects::configure)
                .configure(partnerships::configure)
                .configure(activities::configure)
                .configure(indicators::configure)
                .configure(good_practices::configure)
                .configure(recruitment::configure)
                .configure(training::configure)
                .configure(consultations::configure)
                .configure(participation::configure)
                .configure(quality::configure)
                .configure(cooperation_model::configure)
                .configure(audit::configure)
                .configure(webhooks::configure)
                .configure(territorial_units::configure),
        );
}

/// The OpenAPI document of the service.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, mut api) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .configure(routes)
        .split_for_parts();
    openapi::finish(&mut api);
    api
}

/// The document as committed in `openapi/openapi.json`.
pub fn openapi_json() -> String {
    let mut json = openapi_document()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}

pub fn build_app(
    state: AppState,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let body_limit = state.body_limit;
    let cors = cors(&state.cors);
    let (app, mut api) = App::new()
        .into_utoipa_app()
        .openapi(openapi::ApiDoc::openapi())
        .app_data(web::Data::new(state))
        .app_data(http::extract::BodyLimit(body_limit))
        .app_data(http::extract::path_config())
        .app_data(http::extract::query_config())
        .app_data(http::extract::json_config(body_limit))
        .app_data(http::extract::form_config(body_limit))
        .configure(routes)
        .split_for_parts();
    openapi::finish(&mut api);

    let known_paths = web::Data::new(http::KnownPaths::from_openapi(&api));
    app.app_data(known_paths)
        .service(
            SwaggerUi::new("/swagger-ui/{_:.*}")
                .url("/api-docs/openapi.json", api)
                .config(
                    utoipa_swagger_ui::Config::default()
                        .validator_url("none")
                        .persist_authorization(true)
                        .try_it_out_enabled(true),
                ),
        )
        .route("/swagger-ui", web::get().to(redirect_to_swagger_ui))
        .route("/", web::get().to(redirect_to_swagger_ui))
        .default_service(web::to(http::unknown_route))
        .wrap(from_fn(http::idempotency::middleware))
        .wrap(from_fn(http::require_token))
        .wrap(Condition::new(cors.is_some(), cors.unwrap_or_default()))
        .wrap(ErrorHandlers::new().default_handler(http::problem_for_plain_errors))
        .wrap(from_fn(http::head_as_get))
        .wrap(from_fn(http::security_headers::middleware))
        .wrap(from_fn(http::request_id::middleware))
}

async fn redirect_to_swagger_ui() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/swagger-ui/"))
        .finish()
}

fn cors(origins: &CorsOrigins) -> Option<Cors> {
    let base = || {
        Cors::default()
            .allowed_methods(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
            .allowed_headers([
                header::AUTHORIZATION,
                header::CONTENT_TYPE,
                header::ACCEPT,
                header::IF_MATCH,
                header::IF_NONE_MATCH,
                header::HeaderName::from_static("idempotency-key"),
                header::HeaderName::from_static("application-token"),
                http::request_id::REQUEST_ID,
            ])
            .expose_headers([
                header::ETAG,
                header::LOCATION,
                header::RETRY_AFTER,
                http::request_id::REQUEST_ID,
            ])
            .max_age(3600)
    };
    match origins {
        CorsOrigins::None => None,
        CorsOrigins::Any => Some(base().allow_any_origin()),
        CorsOrigins::List(list) => Some(
            list.iter()
                .fold(base(), |cors, origin| cors.allowed_origin(origin)),
        ),
    }
}
