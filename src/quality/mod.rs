//! The local Cooperation Quality Index. A methodology — planes → areas →
//! indicators, as data, versioned, frozen once a round uses it — says what
//! is measured and how; a round assesses one local government for one year
//! on one methodology version, by a working group of the local government
//! and NGOs that agrees an answer per indicator; the scores follow (each
//! indicator, area and plane, and the index, on 0–100), compared with the
//! previous round and drawn as a radar chart. The service ships a default
//! methodology, a starting template on the cooperation model.

pub mod action_items;
pub mod actions;
pub mod aggregate;
pub mod assessments;
pub mod chart;
pub mod comparison;
pub mod methodologies;
pub mod methodology;
pub mod model;
pub mod report;
pub mod rounds;
pub mod rules;
pub mod store;
pub mod survey;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(methodologies::list_methodologies)
        .service(methodologies::import_methodology)
        .service(methodologies::get_methodology)
        .service(methodologies::replace_methodology)
        .service(rounds::list_quality_rounds)
        .service(rounds::create_quality_round)
        .service(rounds::get_quality_round)
        .service(rounds::update_quality_round)
        .service(rounds::start_quality_round)
        .service(rounds::complete_quality_round)
        .service(rounds::cancel_quality_round)
        .service(assessments::list_assessments)
        .service(assessments::get_assessment)
        .service(assessments::record_assessment)
        .service(assessments::get_round_scores)
        .service(assessments::get_round_chart)
        .service(report::get_round_report)
        .service(survey::open_survey)
        .service(survey::close_survey)
        .service(survey::submit_survey_answers)
        .service(survey::get_survey)
        .service(comparison::get_ranking)
        .service(comparison::get_series)
        .service(action_items::list_action_items)
        .service(action_items::create_action_item)
        .service(action_items::get_action_item)
        .service(action_items::update_action_item)
        .service(action_items::get_action_review);
}
