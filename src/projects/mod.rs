//! Projects: title, code, funding programme, period, lead organisation, status
//! (`planned` → `active` → `closed`) and coordinators (people who run it and get
//! the `coordinator` role for it).

pub mod handlers;
pub mod rules;

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::projects;
use crate::error::{ApiError, FieldError};

/// 422 naming `field` unless the project exists.
pub fn ensure_exists(conn: &mut DbConn, id: &str, field: &str) -> Result<(), ApiError> {
    let n: i64 = projects::table
        .filter(projects::id.eq(id))
        .count()
        .get_result(conn)?;
    if n == 0 {
        return Err(ApiError::validation(vec![FieldError::new(
            field,
            "not_found",
            format!("no project has the id `{id}`"),
        )]));
    }
    Ok(())
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_projects)
        .service(handlers::create_project)
        .service(handlers::get_project)
        .service(handlers::update_project)
        .service(handlers::activate_project)
        .service(handlers::close_project)
        .service(handlers::list_project_coordinators)
        .service(handlers::add_project_coordinator)
        .service(handlers::remove_project_coordinator);
}
