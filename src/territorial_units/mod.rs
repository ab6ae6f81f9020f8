//! Territorial units: the places organisations, calls and index rounds refer to.
//!
//! Polish units are keyed by their TERYT (TERC) code (`02` voivodeship, `0201`
//! county, `0201011` municipality), Romanian ones by ISO 3166-2 (`RO-CJ`; a județ
//! and Bucharest are counties). The 16 voivodeships and Romania's 42 counties ship
//! in the migrations. Reads are public.

pub mod handlers;
pub mod model;
pub mod terc;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_territorial_units)
        .service(handlers::get_territorial_unit);
}
