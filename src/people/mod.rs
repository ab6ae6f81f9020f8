//! People: contacts of organisations and projects. A person may belong to several
//! organisations; a user account may be linked to one person. Email and phone are
//! personal data, shown only to admins, the person, and org admins (or that
//! organisation's API clients with `people:read`) of the organisations the
//! person is an active member of. A person with a user account owns their
//! record; a contact without one is also kept by those org admins.

pub mod handlers;
pub mod model;
pub mod store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_people)
        .service(handlers::export_people)
        .service(handlers::create_person)
        .service(handlers::import_people)
        .service(handlers::get_person)
        .service(handlers::update_person)
        .service(handlers::archive_person);
}
