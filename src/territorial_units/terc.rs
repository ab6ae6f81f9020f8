//! Import of the Polish TERYT TERC register, as GUS publishes it: a `;`-separated
//! CSV with the header `WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA`.
//!
//! Voivodeships (`WOJ`), counties (`WOJ`+`POW`) and municipalities — gminas,
//! `WOJ`+`POW`+`GMI`+`RODZ` with `RODZ` 1 (urban), 2 (rural) or 3 (urban-rural) —
//! become territorial units keyed by their code. The register's other rows (the
//! town and rural parts of urban-rural gminas, city districts, delegations) are
//! not local government units and are skipped. [`super::register::import`]
//! writes the units.

use std::io::Read;

use super::register::{Parsed, Unit, open_csv};

const HEADER: [&str; 7] = ["WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA"];

fn digits(value: &str, len: usize) -> bool {
    value.len() == len && value.bytes().all(|b| b.is_ascii_digit())
}

/// Reads the register. Fails only when the file as a whole is unusable (not
/// UTF-8, wrong header); bad rows are collected in `rejected`.
pub fn parse(input: impl Read) -> Result<Parsed, String> {
    let csv = open_csv(
        input,
        |_| b';',
        "the file is not UTF-8; download the TERC register in UTF-8 from eteryt.stat.gov.pl",
    )?;
    if csv.header != HEADER {
        return Err(format!(
            "the header is `{}`, not `{}`",
            csv.header.join(";"),
            HEADER.join(";")
        ));
    }
    Ok(csv.rows(read_row))
}

/// A unit; `None` for a part of a municipality (RODZ 4, 5, 8, 9), which is
/// not a unit of its own; or why the row cannot be used.
fn read_row(line: usize, record: &csv::StringRecord) -> Result<Option<Unit>, String> {
    let (woj, pow, gmi, rodz, name) = (&record[0], &record[1], &record[2], &record[3], &record[4]);
    if name.is_empty() {
        return Err("NAZWA is empty".to_owned());
    }
    let unit = |code: String, level: &'static str, parent: Option<String>, name: String| {
        Ok(Some(Unit {
            line,
            code,
            name,
            level,
            parent,
        }))
    };
    match (pow.is_empty(), gmi.is_empty(), rodz.is_empty()) {
        (true, true, true) if digits(woj, 2) => {
            unit(woj.to_owned(), "voivodeship", None, name.to_lowercase())
        }
        (false, true, true) if digits(woj, 2) && digits(pow, 2) => unit(
            format!("{woj}{pow}"),
            "county",
            Some(woj.to_owned()),
            name.to_owned(),
        ),
        (false, false, false)
            if digits(woj, 2) && digits(pow, 2) && digits(gmi, 2) && digits(rodz, 1) =>
        {
            if matches!(rodz, "1" | "2" | "3") {
                unit(
                    format!("{woj}{pow}{gmi}{rodz}"),
                    "municipality",
                    Some(format!("{woj}{pow}")),
                    name.to_owned(),
                )
            } else {
                Ok(None)
            }
        }
        _ => Err(format!(
            "the codes WOJ={woj} POW={pow} GMI={gmi} RODZ={rodz} do not form a TERC code"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_units_and_bad_rows_are_reported_by_line() {
        let csv = "\u{feff}WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n\
                   02;;;;DOLNOŚLĄSKIE;województwo;2025-01-01\n\
                   02;01;;;bolesławiecki;powiat;2025-01-01\n\
                   02;01;01;1;Bolesławiec;gmina miejska;2025-01-01\n\
                   02;01;02;4;Nowogrodziec;miasto;2025-01-01\n\
                   02;0X;;;zły;powiat;2025-01-01\n\
                   02;01;03\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        let codes: Vec<_> = parsed
            .units
            .iter()
            .map(|u| (u.code.as_str(), u.level))
            .collect();
        assert_eq!(
            codes,
            [
                ("02", "voivodeship"),
                ("0201", "county"),
                ("0201011", "municipality")
            ]
        );
        assert_eq!(parsed.units[0].name, "dolnośląskie");
        assert_eq!(parsed.units[2].parent.as_deref(), Some("0201"));
        assert_eq!(parsed.skipped, 1);
        let lines: Vec<_> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [6, 7]);
    }

    #[test]
    fn a_wrong_header_or_encoding_is_refused() {
        assert!(parse("A;B\n1;2\n".as_bytes()).is_err());
        assert!(parse(&[0xff, 0xfe, 0x00][..]).is_err());
    }
}
