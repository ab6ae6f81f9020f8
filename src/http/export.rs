//! Exports: a list as JSON or as a CSV document to download.

use actix_web::HttpResponse;
use actix_web::http::header::CONTENT_DISPOSITION;

use crate::error::ApiError;

crate::string_enum! {
    "export format"
    /// `csv` (UTF-8, a header line, then one line per item) or `json`.
    #[derive(utoipa::ToSchema)]
    pub enum ExportFormat {
        Csv = "csv",
        Json = "json",
    }
}

/// The format of an export.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// `json` if not given.
    #[param(inline)]
    pub format: Option<ExportFormat>,
}

/// A CSV document (UTF-8, a header line, one line per item).
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, max_length = 1073741824)]
#[allow(dead_code)]
pub struct CsvDocument(String);

/// A cell as written: one a spreadsheet would take for a formula (starting
/// with `=`, `+`, `-`, `@`, a tab or a carriage return — text from public
/// forms can) gets a leading `'`, so it stays text.
fn cell(value: &str) -> std::borrow::Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}").into(),
        _ => value.into(),
    }
}

/// Writes `rows` (the first is the header) as a CSV attachment named
/// `filename`.
pub fn csv_attachment<R, F>(filename: &str, rows: R) -> Result<HttpResponse, ApiError>
where
    R: IntoIterator<Item = Vec<F>>,
    F: AsRef<str>,
{
    let mut out = csv::Writer::from_writer(Vec::new());
    for row in rows {
        out.write_record(row.iter().map(|f| cell(f.as_ref()).into_owned()))
            .map_err(ApiError::internal)?;
    }
    let body = out
        .into_inner()
        .map_err(|e| ApiError::internal(e.into_error()))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(body))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_a_spreadsheet_would_run_stay_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+48 600 000 000"), "'+48 600 000 000");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Ana Pop"), "Ana Pop");
        assert_eq!(cell(""), "");
    }
}
