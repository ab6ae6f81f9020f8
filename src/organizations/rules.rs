//! The rules an organisation's fields must satisfy together, without the database.

use super::identifiers;
use super::model::OrganizationKind;
use crate::error::FieldError;

/// An organisation's complete set of fields, as it will be stored.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct OrganizationFields {
    pub name: String,
    pub kind: Option<OrganizationKind>,
    pub country: String,
    pub krs: Option<String>,
    pub nip: Option<String>,
    pub regon: Option<String>,
    pub teryt_code: Option<String>,
    pub cui: Option<String>,
    pub territorial_unit_code: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub postal_code: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

/// Normalises the fields (trimmed text, identifiers as bare digits, upper-case
/// country) and returns every broken rule.
pub fn normalize(fields: &mut OrganizationFields) -> Vec<FieldError> {
    let mut errors = Vec::new();
    fields.name = fields.name.trim().to_owned();
    if fields.name.is_empty() {
        errors.push(FieldError::new("name", "required", "must not be empty"));
    }
    fields.country = fields.country.trim().to_ascii_uppercase();
    if fields.country.len() != 2 || !fields.country.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.push(FieldError::new(
            "country",
            "iso_3166_1_alpha_2",
            "must be a two-letter ISO 3166-1 country code such as PL or RO",
        ));
    }
    for text in [
        &mut fields.street,
        &mut fields.city,
        &mut fields.postal_code,
        &mut fields.email,
        &mut fields.phone,
        &mut fields.website,
        &mut fields.teryt_code,
        &mut fields.territorial_unit_code,
    ] {
        *text = text
            .take()
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty());
    }

    check_identifiers(fields, &mut errors);
    if fields.kind == Some(OrganizationKind::LocalGovernment) && fields.teryt_code.is_none() {
        errors.push(FieldError::new(
            "teryt_code",
            "required_for_local_government",
            "is required for a local government unit",
        ));
    }
    // A local government sits in the unit it governs unless told otherwise.
    if fields.territorial_unit_code.is_none() {
        fields.territorial_unit_code = fields.teryt_code.clone();
    }
    errors
}

/// Checks and normalises the official identifiers: each by its algorithm, and
/// each only for an organisation of its country.
fn check_identifiers(fields: &mut OrganizationFields, errors: &mut Vec<FieldError>) {
    let polish = fields.country == "PL";
    let romanian = fields.country == "RO";
    type Check = fn(&str) -> Result<String, identifiers::Invalid>;
    let checks: [(&str, &mut Option<String>, Check, bool, &str); 4] = [
        ("krs", &mut fields.krs, identifiers::krs, polish, "a Polish"),
        ("nip", &mut fields.nip, identifiers::nip, polish, "a Polish"),
        (
            "regon",
            &mut fields.regon,
            identifiers::regon,
            polish,
            "a Polish",
        ),
        (
            "cui",
            &mut fields.cui,
            identifiers::cui,
            romanian,
            "a Romanian",
        ),
    ];
    for (field, value, check, country_ok, which) in checks {
        let Some(raw) = value.take().filter(|v| !v.trim().is_empty()) else {
            continue;
        };
        match check(&raw) {
            Ok(normalized) if country_ok => *value = Some(normalized),
            Ok(normalized) => {
                *value = Some(normalized);
                errors.push(FieldError::new(
                    field,
                    "wrong_country",
                    format!(
                        "is {which} identifier; the organisation's country is {}",
                        fields.country
                    ),
                ));
            }
            Err((code, message)) => {
                *value = Some(raw);
                errors.push(FieldError::new(field, code, message));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> OrganizationFields {
        OrganizationFields {
            name: " Fundacja Razem ".into(),
            kind: Some(OrganizationKind::Ngo),
            country: "pl".into(),
            ..Default::default()
        }
    }

    #[test]
    fn identifiers_are_normalised() {
        let mut f = fields();
        f.nip = Some("526-025-02-74".into());
        f.regon = Some("123 456 785".into());
        assert!(normalize(&mut f).is_empty());
        assert_eq!(f.name, "Fundacja Razem");
        assert_eq!(f.country, "PL");
        assert_eq!(f.nip.as_deref(), Some("5260250274"));
        assert_eq!(f.regon.as_deref(), Some("123456785"));
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        let mut f = fields();
        f.kind = Some(OrganizationKind::LocalGovernment);
        f.nip = Some("5260250275".into());
        f.cui = Some("18547290".into());
        let errors = normalize(&mut f);
        let got: Vec<_> = errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("nip", "nip_checksum"),
                ("cui", "wrong_country"),
                ("teryt_code", "required_for_local_government"),
            ]
        );
    }

    #[test]
    fn a_local_government_sits_in_the_unit_it_governs_unless_told_otherwise() {
        let mut f = fields();
        f.kind = Some(OrganizationKind::LocalGovernment);
        f.teryt_code = Some(" 0225 ".into());
        assert!(normalize(&mut f).is_empty());
        assert_eq!(f.territorial_unit_code.as_deref(), Some("0225"));
        f.territorial_unit_code = Some("02".into());
        assert!(normalize(&mut f).is_empty());
        assert_eq!(f.territorial_unit_code.as_deref(), Some("02"));
    }
}
