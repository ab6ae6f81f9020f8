//! Official identifiers of organisations, checked with their real algorithms.
//!
//! - KRS (Polish National Court Register): 10 digits, no checksum.
//! - NIP (Polish tax id): 10 digits, weights 6 5 7 2 3 4 5 6 7, sum mod 11 is the
//!   last digit (a remainder of 10 is never issued).
//! - REGON (Polish statistical number): 9 digits (weights 8 9 2 3 4 5 6 7) or 14
//!   digits (weights 2 4 8 5 0 9 7 3 6 1 2 4 8, and its first 9 digits a valid
//!   REGON of the parent unit); sum mod 11, with 10 read as 0.
//! - CUI/CIF (Romanian fiscal code): 2–10 digits; the digits before the last,
//!   right-aligned under the key 7 5 3 2 1 7 5 3 2, give sum × 10 mod 11, with 10
//!   read as 0, as the last digit.
//!
//! Input may contain spaces and dashes, and NIP/CUI a `PL`/`RO` prefix; the
//! normalised digits are what is stored and compared.

/// Why an identifier is invalid: `(code, message)` for a field error.
pub type Invalid = (&'static str, String);

fn digits(raw: &str, prefix: &str) -> Result<String, Invalid> {
    let mut s: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if !prefix.is_empty()
        && s.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    {
        s = s[prefix.len()..].to_owned();
    }
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(("not_digits", "must contain only digits".to_owned()));
    }
    Ok(s)
}

fn weighted(digits: &[u32], weights: &[u32]) -> u32 {
    digits.iter().zip(weights).map(|(d, w)| d * w).sum()
}

fn to_digits(s: &str) -> Vec<u32> {
    s.bytes().map(|b| u32::from(b - b'0')).collect()
}

pub fn krs(raw: &str) -> Result<String, Invalid> {
    let s = digits(raw, "")?;
    if s.len() != 10 {
        return Err(("krs_length", "must be exactly 10 digits".to_owned()));
    }
    Ok(s)
}

pub fn nip(raw: &str) -> Result<String, Invalid> {
    let s = digits(raw, "PL")?;
    if s.len() != 10 {
        return Err(("nip_length", "must be exactly 10 digits".to_owned()));
    }
    let d = to_digits(&s);
    let check = weighted(&d[..9], &[6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11;
    if check == 10 || check != d[9] {
        return Err((
            "nip_checksum",
            "fails the NIP checksum (weights 6,5,7,2,3,4,5,6,7, mod 11)".to_owned(),
        ));
    }
    Ok(s)
}

fn regon_check(d: &[u32], weights: &[u32]) -> bool {
    let check = weighted(&d[..d.len() - 1], weights) % 11 % 10;
    check == d[d.len() - 1]
}

pub fn regon(raw: &str) -> Result<String, Invalid> {
    const W9: [u32; 8] = [8, 9, 2, 3, 4, 5, 6, 7];
    const W14: [u32; 13] = [2, 4, 8, 5, 0, 9, 7, 3, 6, 1, 2, 4, 8];
    let s = digits(raw, "")?;
    let d = to_digits(&s);
    let ok = match d.len() {
        9 => regon_check(&d, &W9),
        14 => regon_check(&d[..9], &W9) && regon_check(&d, &W14),
        _ => return Err(("regon_length", "must be 9 or 14 digits".to_owned())),
    };
    if !ok {
        return Err(("regon_checksum", "fails the REGON checksum".to_owned()));
    }
    Ok(s)
}

pub fn cui(raw: &str) -> Result<String, Invalid> {
    const KEY: [u32; 9] = [7, 5, 3, 2, 1, 7, 5, 3, 2];
    let s = digits(raw, "RO")?;
    if !(2..=10).contains(&s.len()) || s.starts_with('0') {
        return Err((
            "cui_length",
            "must be 2 to 10 digits, not starting with 0".to_owned(),
        ));
    }
    let d = to_digits(&s);
    let body = &d[..d.len() - 1];
    let key = &KEY[KEY.len() - body.len()..];
    let check = weighted(body, key) * 10 % 11 % 10;
    if check != d[d.len() - 1] {
        return Err((
            "cui_checksum",
            "fails the CUI checksum (key 753217532)".to_owned(),
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    #[test]
    fn nip() {
        assert_eq!(super::nip("526-025-02-74").unwrap(), "5260250274");
        assert_eq!(super::nip("PL 5260250274").unwrap(), "5260250274");
        assert_eq!(super::nip("5260250275").unwrap_err().0, "nip_checksum");
        assert_eq!(super::nip("526025027").unwrap_err().0, "nip_length");
        assert_eq!(super::nip("52602502x4").unwrap_err().0, "not_digits");
        // Found by fuzzing: a multi-byte character where a prefix could be.
        assert_eq!(super::nip("\u{cafb8}:@").unwrap_err().0, "not_digits");
        assert_eq!(super::cui("\u{800}").unwrap_err().0, "not_digits");
    }

    #[test]
    fn regon() {
        assert_eq!(super::regon("123456785").unwrap(), "123456785");
        assert_eq!(super::regon("123456786").unwrap_err().0, "regon_checksum");
        assert_eq!(super::regon("12345678512347").unwrap(), "12345678512347");
        assert_eq!(
            super::regon("12345678512348").unwrap_err().0,
            "regon_checksum"
        );
        // A 14-digit number whose own checksum holds but whose parent's does not.
        assert_eq!(
            super::regon("12345678612346").unwrap_err().0,
            "regon_checksum"
        );
        assert_eq!(super::regon("1234567").unwrap_err().0, "regon_length");
    }

    #[test]
    fn krs() {
        assert_eq!(super::krs("0000012345").unwrap(), "0000012345");
        assert_eq!(super::krs("12345").unwrap_err().0, "krs_length");
    }

    #[test]
    fn cui() {
        assert_eq!(super::cui("RO18547290").unwrap(), "18547290");
        assert_eq!(super::cui("14399840").unwrap(), "14399840");
        assert_eq!(super::cui("18547291").unwrap_err().0, "cui_checksum");
        assert_eq!(super::cui("1").unwrap_err().0, "cui_length");
    }
}
