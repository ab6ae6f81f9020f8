//! People: contacts of organisations and projects. A person may belong to several
//! organisations; a user account may be linked to one person. Email and phone are
//! personal data, shown only to admins, the person, and org admins (or that
//! organisation's API clients with `people:read`) of the organisations the
//! person is an active member of. A person with a user account owns their
//! record; a contact without one is also kept by those org admins.

pub mod handlers;

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::people;
use crate::error::{ApiError, FieldError};

/// 422 naming `field` unless the person exists.
pub fn ensure_exists(conn: &mut DbConn, id: &str, field: &str) -> Result<(), ApiError> {
    let n: i64 = people::table
        .filter(people::id.eq(id))
        .count()
        .get_result(conn)?;
    if n == 0 {
        return Err(ApiError::validation(vec![FieldError::new(
            field,
            "not_found",
            format!("no person has the id `{id}`"),
        )]));
    }
    Ok(())
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_people)
        .service(handlers::create_person)
        .service(handlers::get_person)
        .service(handlers::update_person);
}
