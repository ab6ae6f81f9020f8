//! Activities and campaigns of a project (SPEC §4.1): what took place, where and
//! with how many people, and campaigns whose rule asks for a number of actions
//! in each of their locations.

pub mod campaigns;
pub mod handlers;
pub mod model;
pub mod rules;
pub mod store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_activities)
        .service(handlers::create_activity)
        .service(handlers::get_activity)
        .service(handlers::update_activity)
        .service(handlers::delete_activity)
        .service(campaigns::list_campaigns)
        .service(campaigns::create_campaign)
        .service(campaigns::get_campaign)
        .service(campaigns::update_campaign)
        .service(campaigns::get_campaign_report);
}
