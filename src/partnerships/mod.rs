//! Partnerships (SPEC §4.2): organisations of different sectors running a project
//! or a standing local partnership together. Members join and leave (history is
//! kept: leaving sets `left_on`, never deletes), each designates a local
//! coordinator and a working team; the agreement is recorded; the status follows
//! the state machine in [`rules`], every transition checked and logged.

pub mod handlers;
pub mod members;
pub mod model;
pub mod responsibilities;
pub mod rules;
pub mod store;

/// Whether the organisation is a current member of a (not dissolved)
/// partnership of the project.
pub fn is_project_partner(
    conn: &mut crate::db::DbConn,
    project: &str,
    organization: &str,
) -> Result<bool, crate::error::ApiError> {
    use crate::db::schema::{partnership_members as pm, partnerships as ps};
    use diesel::prelude::*;
    let n: i64 = pm::table
        .inner_join(ps::table)
        .filter(ps::project_id.eq(project))
        .filter(ps::status.ne(rules::PartnershipStatus::Dissolved.as_str()))
        .filter(pm::organization_id.eq(organization))
        .filter(pm::left_on.is_null())
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_partnerships)
        .service(handlers::export_partnerships)
        .service(handlers::create_partnership)
        .service(handlers::get_partnership)
        .service(handlers::update_partnership)
        .service(handlers::activate_partnership)
        .service(handlers::suspend_partnership)
        .service(handlers::resume_partnership)
        .service(handlers::dissolve_partnership)
        .service(members::handlers::list_partnership_members)
        .service(members::handlers::add_partnership_member)
        .service(members::handlers::get_partnership_member)
        .service(members::handlers::update_partnership_member)
        .service(members::handlers::leave_partnership)
        .service(handlers::get_partnership_sector_mix)
        .service(handlers::list_organization_partnerships)
        .service(responsibilities::handlers::list_responsibilities)
        .service(responsibilities::handlers::create_responsibility)
        .service(responsibilities::handlers::apply_responsibility_template)
        .service(responsibilities::handlers::get_responsibility)
        .service(responsibilities::handlers::update_responsibility)
        .service(responsibilities::handlers::start_responsibility)
        .service(responsibilities::handlers::complete_responsibility)
        .service(responsibilities::handlers::cancel_responsibility);
}
