//! Import of Romania's SIRUTA register (Registrul Siruta of the National
//! Institute of Statistics), as published on data.gov.ro: a CSV with, among
//! others, the columns `SIRUTA`, `DENLOC`, `JUD`, `TIP` and `NIV`, separated by
//! `;` (or `,` with quoted text in some editions), names in upper case.
//!
//! Municipalities, towns and communes (`NIV` 2) and Bucharest's sectors
//! (`TIP` 6) become territorial units of level `municipality`, keyed `RO-`
//! followed by their SIRUTA code (`RO-55259`, Turda) so that they never meet a
//! Polish TERYT code, under their county's ISO 3166-2 code (`RO-CJ`), which the
//! `JUD` column gives. Counties (`NIV` 1) ship with the service and villages
//! (`NIV` 3) are not local government units: both are skipped. Names are
//! written as Romanian writes them: `MUNICIPIUL BAIA DE ARIEŞ` becomes
//! `Baia de Arieș` (comma-below ș and ț, no type prefix, linking words in
//! lower case), `BUCUREŞTI SECTORUL 1` becomes `Sector 1`.

use std::io::Read;

use super::register::{Parsed, Unit, open_csv};

/// The register as the service ships it: counties and UATs of the 2025
/// edition, from the `sirutalib` package (BSD-3-Clause).
pub const BUILT_IN: &str = include_str!("../../registers/siruta.csv");

/// The columns read, by name; an edition may add, drop or reorder others.
const COLUMNS: [&str; 5] = ["SIRUTA", "DENLOC", "JUD", "TIP", "NIV"];

/// The `JUD` numbers of the register and the counties' ISO 3166-2 codes.
const COUNTIES: [(u8, &str); 42] = [
    (1, "RO-AB"),
    (2, "RO-AR"),
    (3, "RO-AG"),
    (4, "RO-BC"),
    (5, "RO-BH"),
    (6, "RO-BN"),
    (7, "RO-BT"),
    (8, "RO-BV"),
    (9, "RO-BR"),
    (10, "RO-BZ"),
    (11, "RO-CS"),
    (12, "RO-CJ"),
    (13, "RO-CT"),
    (14, "RO-CV"),
    (15, "RO-DB"),
    (16, "RO-DJ"),
    (17, "RO-GL"),
    (18, "RO-GJ"),
    (19, "RO-HR"),
    (20, "RO-HD"),
    (21, "RO-IL"),
    (22, "RO-IS"),
    (23, "RO-IF"),
    (24, "RO-MM"),
    (25, "RO-MH"),
    (26, "RO-MS"),
    (27, "RO-NT"),
    (28, "RO-OT"),
    (29, "RO-PH"),
    (30, "RO-SM"),
    (31, "RO-SJ"),
    (32, "RO-SB"),
    (33, "RO-SV"),
    (34, "RO-TR"),
    (35, "RO-TM"),
    (36, "RO-TL"),
    (37, "RO-VS"),
    (38, "RO-VL"),
    (39, "RO-VN"),
    (40, "RO-B"),
    (51, "RO-CL"),
    (52, "RO-GR"),
];

/// Linking words written in lower case inside a name.
const PARTICLES: [&str; 15] = [
    "de", "din", "la", "lui", "cel", "cea", "pe", "sub", "cu", "și", "în", "peste", "dintre",
    "între", "lângă",
];

/// Reads the register. Fails only when the file as a whole is unusable (not
/// UTF-8 text, a column missing); bad rows are collected in `rejected`.
pub fn parse(input: impl Read) -> Result<Parsed, String> {
    let csv = open_csv(
        input,
        |first| if first.contains(';') { b';' } else { b',' },
        "the file is not UTF-8 text (some editions on data.gov.ro are spreadsheets named \
         .csv: save it as CSV, UTF-8)",
    )?;
    let mut at = [0; COLUMNS.len()];
    for (slot, name) in at.iter_mut().zip(COLUMNS) {
        *slot = csv.header.iter().position(|h| h == name).ok_or_else(|| {
            format!(
                "the header has no {name} column: `{}`",
                csv.header.join(";")
            )
        })?;
    }
    Ok(csv.rows(|line, record| {
        let [siruta, denloc, jud, tip, niv] = at.map(|i| &record[i]);
        read_row(line, siruta, denloc, jud, tip, niv)
    }))
}

/// A unit, `None` for a row that is not a local government unit, or why the
/// row cannot be used.
fn read_row(
    line: usize,
    siruta: &str,
    denloc: &str,
    jud: &str,
    tip: &str,
    niv: &str,
) -> Result<Option<Unit>, String> {
    if siruta.is_empty() || siruta.len() > 6 || !siruta.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("SIRUTA `{siruta}` is not a code of 1 to 6 digits"));
    }
    let county = jud
        .parse::<u8>()
        .ok()
        .and_then(|n| COUNTIES.iter().find(|(jud, _)| *jud == n))
        .map(|(_, iso)| *iso)
        .ok_or_else(|| format!("JUD `{jud}` is not a county of the register"))?;
    let sector = tip == "6";
    match niv {
        "2" => {}
        "3" if sector => {}
        "1" | "3" => return Ok(None),
        _ => return Err(format!("NIV `{niv}` is not 1, 2 or 3")),
    }
    let name = display_name(denloc);
    if name.is_empty() {
        return Err("DENLOC is empty".to_owned());
    }
    Ok(Some(Unit {
        line,
        code: format!("RO-{siruta}"),
        name,
        level: "municipality",
        parent: Some(county.to_owned()),
    }))
}

/// A register name as Romanian writes it: comma-below ș and ț, no type
/// prefix, each word and each part of a hyphenated word capitalised, linking
/// words in lower case.
pub fn display_name(denloc: &str) -> String {
    let upper: String = denloc
        .chars()
        .map(|c| match c {
            'Ş' => 'Ș',
            'Ţ' => 'Ț',
            'ş' => 'ș',
            'ţ' => 'ț',
            c => c,
        })
        .collect();
    let upper = upper.split_whitespace().collect::<Vec<_>>().join(" ");
    let upper = space_after_initials(&upper.replace(" - ", "-"));
    if let Some(n) = upper.strip_prefix("BUCUREȘTI SECTORUL ") {
        return format!("Sector {n}");
    }
    let bare = ["MUNICIPIUL ", "ORAȘ ", "JUDEȚUL "]
        .iter()
        .find_map(|p| upper.strip_prefix(p))
        .unwrap_or(&upper);
    let words: Vec<String> = bare
        .split(' ')
        .enumerate()
        .map(|(i, word)| {
            let lower = word.to_lowercase();
            if i > 0 && PARTICLES.contains(&lower.as_str()) {
                lower
            } else {
                capitalise_parts(&lower)
            }
        })
        .collect();
    words.join(" ")
}

/// `I.C.BRĂTIANU` → `I.C. BRĂTIANU`: a space after an initial's dot when a
/// whole word follows.
fn space_after_initials(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 2);
    for (i, &c) in chars.iter().enumerate() {
        out.push(c);
        let word_follows = chars
            .get(i + 1..i + 3)
            .is_some_and(|next| next.iter().all(|c| c.is_alphabetic()));
        if c == '.' && word_follows {
            out.push(' ');
        }
    }
    out
}

/// `cluj-napoca` → `Cluj-Napoca`, `i.c. brătianu` → `I.C. Brătianu`.
fn capitalise_parts(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for c in word.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        start = matches!(c, '-' | '.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_written_as_romanian_writes_them() {
        assert_eq!(display_name("MUNICIPIUL TURDA"), "Turda");
        assert_eq!(display_name("MUNICIPIUL CLUJ-NAPOCA"), "Cluj-Napoca");
        assert_eq!(display_name("MUNICIPIUL BISTRIŢA"), "Bistrița");
        assert_eq!(display_name("ORAŞ BAIA DE ARIEŞ"), "Baia de Arieș");
        assert_eq!(display_name("BUCUREŞTI SECTORUL 3"), "Sector 3");
        assert_eq!(display_name("SÂRBII - MĂGURA"), "Sârbii-Măgura");
        assert_eq!(display_name("MUNICIPIUL  MARGHITA"), "Marghita");
        assert_eq!(display_name("JUDEȚUL SATU MARE"), "Satu Mare");
        assert_eq!(display_name("I.C.BRĂTIANU"), "I.C. Brătianu");
    }

    #[test]
    fn uats_and_sectors_become_units_under_their_county() {
        let csv = "\u{feff}SIRUTA;DENLOC;CODP;JUD;SIRSUP;TIP;NIV;MED;REGIUNE;FSJ;FSL;NUTS\n\
                   127;JUDEŢUL CLUJ;0;12;1;40;1;0;6;13;1300000000000;RO113\n\
                   55259;MUNICIPIUL TURDA;0;12;127;4;2;1;6;13;1320000000000;RO113\n\
                   55268;TURDA;0;12;55259;9;3;1;6;13;1320000000000;RO113\n\
                   179141;BUCUREŞTI SECTORUL 1;0;40;179132;6;3;1;8;41;;RO321\n\
                   55X59;MUNICIPIUL DEJ;0;12;127;4;2;1;6;13;;RO113\n\
                   1017;MUNICIPIUL ALBA IULIA;0;99;10;1;2;1;7;1;;RO121\n\
                   1213;MUNICIPIUL AIUD;0;1\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        let units: Vec<_> = parsed
            .units
            .iter()
            .map(|u| (u.code.as_str(), u.name.as_str(), u.parent.as_deref()))
            .collect();
        assert_eq!(
            units,
            [
                ("RO-55259", "Turda", Some("RO-CJ")),
                ("RO-179141", "Sector 1", Some("RO-B")),
            ]
        );
        assert_eq!(parsed.skipped, 2, "the county and the village");
        let lines: Vec<_> = parsed.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [6, 7, 8]);
    }

    #[test]
    fn a_comma_separated_edition_with_quotes_reads_the_same() {
        let csv = "\"SIRUTA\",\"DENLOC\",\"CODP\",\"JUD\",\"SIRSUP\",\"TIP\",\"NIV\"\n\
                   54975,\"MUNICIPIUL CLUJ-NAPOCA\",0,12,127,1,2\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        assert_eq!(parsed.units[0].code, "RO-54975");
        assert_eq!(parsed.units[0].name, "Cluj-Napoca");
    }

    #[test]
    fn a_rejected_row_is_named_by_the_line_it_starts_on() {
        let csv = "\"SIRUTA\",\"DENLOC\",\"JUD\",\"TIP\",\"NIV\"\n\
                   54975,\"MUNICIPIUL\nCLUJ-NAPOCA\",12,1,2\n\
                   5X,\"DEJ\",12,4,2\n";
        let parsed = parse(csv.as_bytes()).unwrap();
        assert_eq!(parsed.units[0].name, "Cluj-Napoca");
        assert_eq!(parsed.rejected[0].line, 4, "{:?}", parsed.rejected);
    }

    #[test]
    fn a_file_without_the_columns_or_not_text_is_refused() {
        assert!(parse("A;B\n1;2\n".as_bytes()).is_err());
        assert!(parse(&b"PK\x03\x04\xff\xfe"[..]).is_err());
    }

    #[test]
    fn the_built_in_register_has_every_uat_of_romania() {
        let parsed = parse(BUILT_IN.as_bytes()).unwrap();
        assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected);
        // 3,181 UATs (Municipiul București among them) and Bucharest's 6 sectors.
        assert_eq!(parsed.units.len(), 3181 + 6);
        let turda = parsed.units.iter().find(|u| u.code == "RO-55259").unwrap();
        assert_eq!(
            (turda.name.as_str(), turda.parent.as_deref()),
            ("Turda", Some("RO-CJ"))
        );
    }
}
