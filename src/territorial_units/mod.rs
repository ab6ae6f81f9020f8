//! Territorial units: the places organisations, calls and index rounds refer to.
//!
//! Polish units are keyed by their TERYT (TERC) code (`02` voivodeship, `0201`
//! county, `0201011` municipality); Romanian counties by ISO 3166-2 (`RO-CJ`; a
//! județ and Bucharest are counties) and Romanian municipalities, towns,
//! communes and Bucharest's sectors by `RO-` and their SIRUTA code
//! (`RO-55259`). The 16 voivodeships, Romania's 42 counties and its 3,187
//! municipalities and sectors ship in the migrations; `coopera import terc` and
//! `coopera import siruta` bring the rest and later editions. Reads are public.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::territorial_units as tu;
use crate::error::{ApiError, FieldError};

pub mod handlers;
pub mod model;
pub mod register;
pub mod siruta;
pub mod terc;

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_territorial_units)
        .service(handlers::get_territorial_unit);
}

/// The territorial unit `code` and every unit within it (its counties,
/// their municipalities, …), read level by level.
pub fn within(conn: &mut DbConn, code: &str) -> Result<Vec<String>, ApiError> {
    let mut all = vec![code.to_owned()];
    let mut level = all.clone();
    // The registers have at most four levels below a country.
    for _ in 0..4 {
        level = tu::table
            .filter(tu::parent_code.eq_any(&level))
            .select(tu::code)
            .load(conn)?;
        if level.is_empty() {
            break;
        }
        all.extend(level.iter().cloned());
    }
    Ok(all)
}

/// 400 naming the query parameter `name` unless `code` is written as the
/// registers write a unit's code (`02`, `RO-CJ`): 1 to 20 letters, digits
/// and hyphens.
pub fn check_code_param(name: &str, code: &str) -> Result<(), ApiError> {
    if (1..=20).contains(&code.len()) && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        Ok(())
    } else {
        Err(ApiError::invalid_parameter(
            name,
            "format",
            "is a territorial unit's code: 1 to 20 letters, digits and hyphens",
        ))
    }
}

/// The territorial unit `code` and every unit it lies within, or 422 naming
/// `territorial_unit_code` (a request body's field).
pub fn unit_and_parents(conn: &mut DbConn, code: &str) -> Result<Vec<String>, ApiError> {
    let mut chain = Vec::new();
    let mut next = Some(code.to_owned());
    while let Some(c) = next.take() {
        let parent: Option<Option<String>> = tu::table
            .find(&c)
            .select(tu::parent_code)
            .first(conn)
            .optional()?;
        match parent {
            Some(p) => {
                chain.push(c);
                next = p.filter(|_| chain.len() < 8);
            }
            None if chain.is_empty() => {
                return Err(ApiError::validation(vec![FieldError::new(
                    "territorial_unit_code",
                    "unknown",
                    format!("no territorial unit has the code `{code}`"),
                )]));
            }
            None => {}
        }
    }
    Ok(chain)
}
