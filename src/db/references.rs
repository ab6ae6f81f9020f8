//! Checks that a record a request body refers to exists: 422 naming the
//! body's field otherwise (a path id that names no record is a 404 instead).
//! Kept here, beside the schema, so that modules need not import each other
//! to check a reference.

use diesel::prelude::*;

use super::DbConn;
use super::schema::{organizations, people, projects};
use crate::error::{ApiError, FieldError};

fn missing(field: &str, what: &str, id: &str) -> ApiError {
    ApiError::validation(vec![FieldError::new(
        field,
        "not_found",
        format!("no {what} has the id `{id}`"),
    )])
}

/// 422 naming `field` unless the organisation exists.
pub fn ensure_organization(conn: &mut DbConn, id: &str, field: &str) -> Result<(), ApiError> {
    let n: i64 = organizations::table
        .filter(organizations::id.eq(id))
        .count()
        .get_result(conn)?;
    if n == 0 {
        return Err(missing(field, "organisation", id));
    }
    Ok(())
}

/// The kind of organisation `id` (`ngo`, `local_government`, …), or 422
/// naming `field` if there is none.
pub fn organization_kind(conn: &mut DbConn, id: &str, field: &str) -> Result<String, ApiError> {
    organizations::table
        .find(id)
        .select(organizations::kind)
        .first(conn)
        .optional()?
        .ok_or_else(|| missing(field, "organisation", id))
}

/// 422 naming `field` unless the person exists.
pub fn ensure_person(conn: &mut DbConn, id: &str, field: &str) -> Result<(), ApiError> {
    let n: i64 = people::table
        .filter(people::id.eq(id))
        .count()
        .get_result(conn)?;
    if n == 0 {
        return Err(missing(field, "person", id));
    }
    Ok(())
}

/// 422 naming `field` unless the project exists.
pub fn ensure_project(conn: &mut DbConn, id: &str, field: &str) -> Result<(), ApiError> {
    let n: i64 = projects::table
        .filter(projects::id.eq(id))
        .count()
        .get_result(conn)?;
    if n == 0 {
        return Err(missing(field, "project", id));
    }
    Ok(())
}

/// 404 unless the organisation a path names exists.
pub fn ensure_organization_exists(conn: &mut DbConn, id: &str) -> Result<(), ApiError> {
    ensure_organization(conn, id, "id")
        .map_err(|_| ApiError::not_found(format!("No organisation has the id `{id}`.")))
}
