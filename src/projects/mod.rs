//! Projects: title, code, funding programme, period, lead organisation, status
//! (`planned` → `active` → `closed`) and coordinators (people who run it and get
//! the `coordinator` role for it).

pub mod coordinators;
pub mod handlers;
pub mod model;
pub mod rules;
pub mod store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_projects)
        .service(handlers::export_projects)
        .service(handlers::create_project)
        .service(handlers::get_project)
        .service(handlers::update_project)
        .service(handlers::activate_project)
        .service(handlers::close_project)
        .service(handlers::archive_project)
        .service(coordinators::list_project_coordinators)
        .service(coordinators::add_project_coordinator)
        .service(coordinators::remove_project_coordinator);
}
