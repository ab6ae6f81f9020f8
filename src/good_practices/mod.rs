//! The good-practice compendium (SPEC §4.1): partners propose examples of good
//! practice, tagged and placed on a plane (and area) of the cooperation model;
//! the project's coordinators accept or reject them; everyone signed in can
//! search the accepted ones, diacritics ignored.

pub mod handlers;
pub mod model;
pub mod rules;
pub mod store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_good_practices)
        .service(handlers::create_good_practice)
        .service(handlers::get_good_practice)
        .service(handlers::update_good_practice)
        .service(handlers::accept_good_practice)
        .service(handlers::reject_good_practice);
}
