//! Participation bodies: Regional Social Platforms and public-benefit
//! councils — standing bodies of a region in which people affected by
//! social exclusion, NGOs and administration sit together, debate social
//! policy and take part in consultations. A body has a region, a
//! secretariat organisation that runs it, and members per constituency;
//! it reports its constituency balance, and files collective opinions in
//! consultations (a submission whose submitter is the body).

pub mod handlers;
pub mod model;
pub mod rules;
pub mod store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_participation_bodies)
        .service(handlers::export_participation_bodies)
        .service(handlers::create_participation_body)
        .service(handlers::get_participation_body)
        .service(handlers::update_participation_body)
        .service(handlers::get_body_balance)
        .service(handlers::list_body_members)
        .service(handlers::add_body_member)
        .service(handlers::get_body_member)
        .service(handlers::update_body_member);
}
