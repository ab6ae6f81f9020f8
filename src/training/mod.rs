//! Training: a project's programmes with their modules (by default the
//! cooperation model's six areas, two per plane), groups with a capacity and
//! composition targets per category, sessions planned against the schedule's
//! rules (a group, a trainer, a participant in one session at a time, within
//! the project's period), and participants — a person in at most one group
//! of a programme, moved between groups within its capacity.

pub mod assignment;
pub mod attendance;
pub mod auto_assign;
pub mod calendar;
pub mod certificates;
pub mod completion;
pub mod enrolment;
pub mod handlers;
pub mod model;
pub mod participants;
pub mod pdf;
pub mod results;
pub mod rules;
pub mod sessions;
pub mod store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_programmes)
        .service(handlers::export_programmes)
        .service(handlers::create_programme)
        .service(handlers::get_programme)
        .service(handlers::update_programme)
        .service(handlers::list_groups)
        .service(handlers::create_group)
        .service(handlers::get_group)
        .service(handlers::update_group)
        .service(sessions::list_sessions)
        .service(sessions::create_session)
        .service(sessions::get_session)
        .service(sessions::update_session)
        .service(sessions::delete_session)
        .service(participants::list_participants)
        .service(participants::enrol)
        .service(participants::get_participant)
        .service(participants::move_participant)
        .service(participants::remove_participant)
        .service(auto_assign::assign_applicants)
        .service(attendance::get_attendance)
        .service(attendance::put_attendance)
        .service(results::get_completion)
        .service(certificates::issue_certificates)
        .service(certificates::list_certificates)
        .service(certificates::get_certificate)
        .service(certificates::certificate_pdf)
        .service(certificates::revoke_certificate)
        .service(certificates::check_certificate)
        .service(calendar::group_calendar)
        .service(calendar::participant_calendar);
}
