//! Recruitment (calls for participants): a project's call with regulations,
//! dates, categories with quotas, eligibility rules, its own questions and the
//! consents it asks; public applications without an account, decided in order
//! of arrival (`first_come`) or ranked by reviewers' weighted scores
//! (`review`), with a waitlist per category; the applicant's
//! management token to read and withdraw; the staff's view of applicants.

pub mod applications;
pub mod emails;
pub mod form;
pub mod handlers;
pub mod model;
pub mod places;
pub mod ranking;
pub mod review;
pub mod reviews;
pub mod rules;
pub mod store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_calls)
        .service(handlers::create_call)
        .service(handlers::get_call)
        .service(handlers::update_call)
        .service(handlers::open_call)
        .service(handlers::close_call)
        .service(handlers::finalize_call)
        .service(handlers::cancel_call)
        .service(handlers::anonymize_call)
        .service(reviews::set_reviewers)
        .service(reviews::put_review)
        .service(reviews::get_my_review)
        .service(reviews::list_reviews)
        .service(applications::apply)
        .service(applications::list_applications)
        .service(applications::export_applications)
        .service(applications::get_application)
        .service(applications::get_my_application)
        .service(applications::withdraw_my_application)
        .service(applications::confirm_my_application);
}
