//! Webhooks: an organisation's (or its API client's) URL subscribed to the
//! changes of records. Every change of the change log that a subscription
//! follows becomes a delivery: a JSON body POSTed to the URL, signed with
//! `Coopera-Signature` (an HMAC-SHA256 of a timestamp and the body, keyed
//! with the subscription's secret), retried with a growing pause until the
//! receiver answers 2xx, and logged with every try. A subscription that keeps
//! failing is disabled; any delivery can be sent again by hand.
//!
//! Deliveries are rows ([`store`]), made from the change log and sent by a
//! background task of every instance ([`sender`]); only `https` URLs of
//! public hosts are reached ([`rules`]), unless the development switch
//! `COOPERA_WEBHOOKS_ALLOW_INSECURE` is on.

pub mod handlers;
pub mod model;
pub mod rules;
pub mod sender;
pub mod store;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_webhooks)
        .service(handlers::create_webhook)
        .service(handlers::get_webhook)
        .service(handlers::update_webhook)
        .service(handlers::delete_webhook)
        .service(handlers::list_webhook_deliveries)
        .service(handlers::get_webhook_delivery)
        .service(handlers::redeliver_webhook_delivery);
}
