//! Consultations under the participation model: an organisation (usually a
//! public body) puts a subject to comment — a local act, the programme of
//! cooperation with NGOs, a plan, a strategy — with its document in
//! versions of numbered sections, over a comment period no shorter than the
//! configured minimum; organisations and individuals comment while it is
//! open; the initiator answers every submission and publishes the report.
//! Organisations also follow other bodies' drafts on a watch list, and ask
//! for the comment deadlines coming up in their region.

pub mod diff;
pub mod documents;
pub mod handlers;
pub mod meetings;
pub mod model;
pub mod report;
pub mod rules;
pub mod store;
pub mod submissions;
pub mod watch;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_consultations)
        .service(handlers::create_consultation)
        .service(handlers::get_consultation)
        .service(handlers::update_consultation)
        .service(handlers::announce_consultation)
        .service(handlers::open_consultation)
        .service(handlers::close_consultation)
        .service(handlers::publish_report)
        .service(handlers::cancel_consultation)
        .service(documents::list_versions)
        .service(documents::create_version)
        .service(documents::get_version)
        .service(documents::compare_versions)
        .service(submissions::create_submission)
        .service(submissions::list_submissions)
        .service(submissions::get_submission)
        .service(submissions::respond_to_submission)
        .service(report::get_report)
        .service(meetings::list_consultation_meetings)
        .service(meetings::create_consultation_meeting)
        .service(meetings::get_consultation_meeting)
        .service(meetings::update_consultation_meeting)
        .service(watch::list_watched_drafts)
        .service(watch::create_watched_draft)
        .service(watch::get_watched_draft)
        .service(watch::update_watched_draft)
        .service(watch::upcoming_deadlines);
}
