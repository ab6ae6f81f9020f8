//! Territorial units: the places organisations, calls and index rounds refer to.
//!
//! Polish units are keyed by their TERYT (TERC) code (`02` voivodeship, `0201`
//! county, `0201011` municipality); Romanian counties by ISO 3166-2 (`RO-CJ`; a
//! județ and Bucharest are counties) and Romanian municipalities, towns,
//! communes and Bucharest's sectors by `RO-` and their SIRUTA code
//! (`RO-55259`). The 16 voivodeships, Romania's 42 counties and its 3,187
//! municipalities and sectors ship in the migrations; `coopera import terc` and
//! `coopera import siruta` bring the rest and later editions. Reads are public.

pub mod handlers;
pub mod model;
pub mod register;
pub mod siruta;
pub mod terc;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_territorial_units)
        .service(handlers::get_territorial_unit);
}
