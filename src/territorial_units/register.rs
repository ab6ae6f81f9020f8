//! What the register imports share: a register's file is parsed into units
//! (and skipped and rejected rows), then written in one transaction. Importing
//! is idempotent: a unit whose name, level and parent are unchanged is left
//! alone; a changed one is updated and its version bumped; every change goes to
//! the change log.

use std::collections::HashMap;
use std::io::Read;

use diesel::prelude::*;

use crate::audit::{self, Caller, Change};
use crate::db::DbConn;
use crate::db::schema::territorial_units as tu;
use crate::error::ApiError;

/// One usable row of a register: a unit keyed by its code in this service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub line: usize,
    pub code: String,
    pub name: String,
    pub level: &'static str,
    pub parent: Option<String>,
}

/// A row that could not be used, with its line number (1 is the header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub units: Vec<Unit>,
    pub skipped: usize,
    pub rejected: Vec<Rejected>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub rejected: Vec<Rejected>,
}

/// Writes the parsed units in one transaction, parents before children.
/// `progress` is called after each unit.
pub fn import(
    conn: &mut DbConn,
    caller: &Caller,
    country: &'static str,
    parsed: Parsed,
    mut progress: impl FnMut(),
) -> Result<Summary, ApiError> {
    let mut units = parsed.units;
    units.sort_by_key(|u| (u.code.len(), u.line));
    let mut summary = Summary {
        skipped: parsed.skipped,
        rejected: parsed.rejected,
        ..Summary::default()
    };
    crate::db::write_transaction(conn, |conn| {
        let existing: HashMap<String, (String, Option<String>, String, i64)> = tu::table
            .filter(tu::country.eq(country))
            .select((tu::code, tu::name, tu::parent_code, tu::level, tu::version))
            .load::<(String, String, Option<String>, String, i64)>(conn)?
            .into_iter()
            .map(|(code, name, parent, level, version)| (code, (name, parent, level, version)))
            .collect();
        let mut known: std::collections::HashSet<String> = existing.keys().cloned().collect();
        for unit in units {
            progress();
            if let Some(parent) = &unit.parent
                && !known.contains(parent)
            {
                summary.rejected.push(Rejected {
                    line: unit.line,
                    reason: format!(
                        "its parent unit {parent} is neither in the file nor in the database"
                    ),
                });
                continue;
            }
            match existing.get(&unit.code) {
                Some((name, parent, level, _))
                    if *name == unit.name && *parent == unit.parent && level == unit.level =>
                {
                    summary.unchanged += 1;
                }
                Some((_, _, _, version)) => {
                    update_unit(conn, caller, &unit, version + 1)?;
                    summary.updated += 1;
                }
                None => {
                    insert_unit(conn, caller, country, &unit)?;
                    known.insert(unit.code.clone());
                    summary.added += 1;
                }
            }
        }
        Ok(())
    })?;
    summary.rejected.sort_by_key(|r| r.line);
    Ok(summary)
}

fn update_unit(
    conn: &mut DbConn,
    caller: &Caller,
    unit: &Unit,
    version: i64,
) -> Result<(), ApiError> {
    diesel::update(tu::table.find(&unit.code))
        .set((
            tu::name.eq(&unit.name),
            tu::name_search.eq(crate::db::fold_for_search(&unit.name)),
            tu::level.eq(unit.level),
            tu::parent_code.eq(&unit.parent),
            tu::updated_at.eq(crate::db::now()),
            tu::version.eq(version),
        ))
        .execute(conn)?;
    let change = Change::new("territorial_unit", &unit.code, "update")
        .value("name", &unit.name)
        .value("level", unit.level)
        .value("parent_code", &unit.parent);
    audit::record(conn, caller, change)
}

fn insert_unit(
    conn: &mut DbConn,
    caller: &Caller,
    country: &str,
    unit: &Unit,
) -> Result<(), ApiError> {
    let now = crate::db::now();
    diesel::insert_into(tu::table)
        .values((
            tu::code.eq(&unit.code),
            tu::name.eq(&unit.name),
            tu::name_search.eq(crate::db::fold_for_search(&unit.name)),
            tu::level.eq(unit.level),
            tu::parent_code.eq(&unit.parent),
            tu::country.eq(country),
            tu::created_at.eq(now),
            tu::updated_at.eq(now),
            tu::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("territorial_unit", &unit.code, "create")
        .value("name", &unit.name)
        .value("level", unit.level)
        .value("parent_code", &unit.parent)
        .value("country", country);
    audit::record(conn, caller, change)
}

/// A register's CSV text and its header (upper case): the file read whole, as
/// UTF-8 (`not_utf8` says what to do otherwise), a byte-order mark dropped.
pub struct RegisterCsv {
    pub reader: csv::Reader<std::io::Cursor<Vec<u8>>>,
    pub header: Vec<String>,
}

/// Opens a register's CSV separated by `delimiter`.
pub fn open_csv(
    mut input: impl Read,
    delimiter: impl FnOnce(&str) -> u8,
    not_utf8: &str,
) -> Result<RegisterCsv, String> {
    let mut bytes = Vec::new();
    input
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {e}"))?;
    let mut text = String::from_utf8(bytes).map_err(|_| not_utf8.to_owned())?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    let first = text.lines().next().unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(first))
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(std::io::Cursor::new(text.into_bytes()));
    let header = reader
        .headers()
        .map_err(|e| format!("cannot read the header: {e}"))?
        .iter()
        .map(|h| h.to_ascii_uppercase())
        .collect();
    Ok(RegisterCsv { reader, header })
}

impl RegisterCsv {
    /// Every row after the header, read by `read` (given its line number, 1
    /// being the header): a unit, `None` for a row skipped, or why the row
    /// cannot be used. A row with another number of fields than the header is
    /// rejected before `read` sees it.
    pub fn rows(
        mut self,
        mut read: impl FnMut(usize, &csv::StringRecord) -> Result<Option<Unit>, String>,
    ) -> Parsed {
        let mut parsed = Parsed::default();
        for (index, record) in self.reader.records().enumerate() {
            // Where the row starts (a quoted field may span lines).
            let line = match &record {
                Ok(r) => r.position().map_or(index + 2, |p| p.line() as usize),
                Err(e) => e.position().map_or(index + 2, |p| p.line() as usize),
            };
            let outcome = match record {
                Ok(record) if record.len() == self.header.len() => read(line, &record),
                Ok(record) => Err(format!(
                    "{} fields instead of {}",
                    record.len(),
                    self.header.len()
                )),
                Err(e) => Err(format!("unreadable row: {e}")),
            };
            match outcome {
                Ok(Some(unit)) => parsed.units.push(unit),
                Ok(None) => parsed.skipped += 1,
                Err(reason) => parsed.rejected.push(Rejected { line, reason }),
            }
        }
        parsed
    }
}
