//! Organisations: NGOs, local government units (JST) and other bodies, with
//! their official identifiers (KRS, NIP, REGON, TERYT, CUI — validated by their
//! real algorithms, unique) and their members. Organisations are archived,
//! never deleted.

pub mod handlers;
pub mod identifiers;
pub mod members;
pub mod model;
pub mod rules;
pub mod store;

/// The most organisations a person can belong to.
pub const MAX_MEMBERSHIPS_PER_PERSON: i64 = 100;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_organizations)
        .service(handlers::export_organizations)
        .service(handlers::create_organization)
        .service(handlers::import_organizations)
        .service(handlers::get_organization)
        .service(handlers::update_organization)
        .service(handlers::archive_organization)
        .service(members::list_organization_members)
        .service(members::get_organization_member)
        .service(members::accept_organization_membership)
        .service(members::add_organization_member)
        .service(members::update_organization_member)
        .service(members::remove_organization_member);
}
