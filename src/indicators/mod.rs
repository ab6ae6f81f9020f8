//! Result indicators of a project and the project report (SPEC §4.1).

pub mod handlers;
pub mod model;
pub mod rules;
pub mod store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_indicators)
        .service(handlers::create_indicator)
        .service(handlers::get_indicator)
        .service(handlers::update_indicator)
        .service(handlers::get_project_report);
}
