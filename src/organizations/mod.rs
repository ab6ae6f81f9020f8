//! Organisations: NGOs, local government units (JST) and other bodies, with
//! their official identifiers (KRS, NIP, REGON, TERYT, CUI — validated by their
//! real algorithms, unique) and their members. Organisations are archived,
//! never deleted.

pub mod handlers;
pub mod identifiers;
pub mod model;
pub mod rules;

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::organizations;
use crate::error::{ApiError, FieldError};

/// The most organisations a person can belong to.
pub const MAX_MEMBERSHIPS_PER_PERSON: i64 = 100;

/// 422 naming `field` unless the organisation exists.
pub fn ensure_exists(conn: &mut DbConn, id: &str, field: &str) -> Result<(), ApiError> {
    let n: i64 = organizations::table
        .filter(organizations::id.eq(id))
        .count()
        .get_result(conn)?;
    if n == 0 {
        return Err(ApiError::validation(vec![FieldError::new(
            field,
            "not_found",
            format!("no organisation has the id `{id}`"),
        )]));
    }
    Ok(())
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_organizations)
        .service(handlers::create_organization)
        .service(handlers::get_organization)
        .service(handlers::update_organization)
        .service(handlers::archive_organization)
        .service(handlers::list_organization_members)
        .service(handlers::get_organization_member)
        .service(handlers::accept_organization_membership)
        .service(handlers::add_organization_member)
        .service(handlers::update_organization_member)
        .service(handlers::remove_organization_member);
}
