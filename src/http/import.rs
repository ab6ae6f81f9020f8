//! Bulk import: many records in one request — a JSON array of the objects the
//! collection's single create takes, or a CSV whose header names those
//! fields — each created exactly as the single create would (the same form,
//! rules, permissions and change log), with a report per row.
//!
//! `dry_run=true` checks every row, the rows against each other included (a
//! duplicate identifier in the file is found), and writes nothing: the rows
//! are created in a transaction that is then rolled back. `mode` decides what
//! an invalid row does to the others: `all_or_nothing` (the default) writes
//! nothing unless every row is valid; `valid_rows` writes the valid ones. Each
//! row runs in a savepoint, so a row that fails half-way leaves nothing
//! behind.

use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::{Db, DbConn, write_transaction};
use crate::error::{ApiError, FieldError, ProblemCode};
use crate::http::extract::{BodyLimit, from_value};

/// The most rows one request takes.
pub const MAX_ROWS: usize = 5000;

crate::string_enum! {
    "import mode"
    #[derive(ToSchema)]
    pub enum ImportMode {
        /// Nothing is written unless every row is valid.
        AllOrNothing = "all_or_nothing",
        /// The valid rows are written; the invalid ones are reported.
        ValidRows = "valid_rows",
    }
}

crate::string_enum! {
    "import row status"
    #[derive(ToSchema)]
    pub enum RowStatus {
        /// The record was created (its `id` is given).
        Created = "created",
        /// The row is valid, but nothing was written: a dry run, or another
        /// row was invalid in `all_or_nothing` mode.
        Valid = "valid",
        /// The row breaks a rule (`errors`); it was not written.
        Invalid = "invalid",
    }
}

/// Parameters of an import.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ImportParams {
    /// Check every row and write nothing (default false).
    pub dry_run: Option<bool>,
    /// What an invalid row does to the others (default `all_or_nothing`).
    #[param(inline)]
    pub mode: Option<ImportMode>,
}

/// What happened to one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct RowResult {
    /// The row's number, from 1: the array's item, or the CSV's line after
    /// the header (line `row + 1` of the file).
    #[schema(minimum = 1, maximum = 5000)]
    pub row: u32,
    pub status: RowStatus,
    /// The created record's id.
    #[schema(format = Uuid)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Why the row is invalid: each field with the rule it breaks.
    #[schema(max_items = 100)]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The report of an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    pub mode: ImportMode,
    /// Whether the valid rows were written.
    pub committed: bool,
    #[schema(minimum = 0, maximum = 5000)]
    pub rows: u32,
    #[schema(minimum = 0, maximum = 5000)]
    pub created: u32,
    #[schema(minimum = 0, maximum = 5000)]
    pub invalid: u32,
    /// One result per row, in order.
    #[schema(max_items = 5000)]
    pub results: Vec<RowResult>,
}

impl ImportReport {
    /// 201 when rows were written, 200 otherwise; never kept by caches.
    pub fn response(&self) -> HttpResponse {
        let mut res = if self.committed {
            HttpResponse::Created()
        } else {
            HttpResponse::Ok()
        };
        res.insert_header((header::CACHE_CONTROL, "no-store"))
            .json(self)
    }
}

/// One record to import, as a JSON object: the fields the collection's
/// single create takes (`CreateOrganization`, `CreatePerson`). A row that
/// does not fit them is not refused: the report names its fields at fault.
#[derive(utoipa::ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct ImportRow(Map<String, Value>);

/// A CSV file to import: a header line naming the fields, one record per
/// line; an empty cell leaves its field out.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, max_length = 1073741824)]
#[allow(dead_code)]
pub struct CsvImport(String);

/// Reads the request's body (within the body limit) as the rows to import:
/// `application/json` (an array of objects) or `text/csv` whose columns are
/// fields of `T`, the create's form. Read after the caller is authorised. An
/// import without rows is refused (a file cut short, or the wrong file).
pub async fn read_rows<T: utoipa::PartialSchema>(
    req: &HttpRequest,
    mut payload: web::Payload,
) -> Result<Vec<Value>, ApiError> {
    let limit = req
        .app_data::<BodyLimit>()
        .map_or(crate::config::DEFAULT_BODY_LIMIT, |l| l.0);
    let kind = match req.mime_type() {
        Ok(Some(m)) if m.type_() == "application" && m.subtype() == "json" => Kind::Json,
        Ok(Some(m)) if m.type_() == "text" && m.subtype() == "csv" => Kind::Csv,
        _ => {
            return Err(ApiError::new(
                ProblemCode::UnsupportedMediaType,
                "Send the rows as `application/json` (an array of objects) or `text/csv`.",
            ));
        }
    };
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::new(
                ProblemCode::BadRequest,
                format!("The request body could not be read: {e}"),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(crate::http::extract::too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    let rows = match kind {
        Kind::Json => json_rows(&body)?,
        Kind::Csv => csv_rows(&body, &crate::http::export::columns::<T>())?,
    };
    if rows.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "",
            "no_rows",
            "the import holds no rows",
        )]));
    }
    if rows.len() > MAX_ROWS {
        return Err(ApiError::validation(vec![FieldError::new(
            "",
            "too_many_rows",
            format!("at most {MAX_ROWS} rows in one import; split the file"),
        )]));
    }
    Ok(rows)
}

enum Kind {
    Json,
    Csv,
}

fn json_rows(body: &[u8]) -> Result<Vec<Value>, ApiError> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            ProblemCode::MalformedJson,
            format!("The body is not valid JSON: {e}"),
        )
    })?;
    let Value::Array(rows) = value else {
        return Err(ApiError::validation(vec![FieldError::new(
            "",
            "not_an_array",
            "the body must be a JSON array of records",
        )]));
    };
    if let Some(i) = rows.iter().position(|r| !r.is_object()) {
        return Err(ApiError::validation(vec![FieldError::new(
            format!("[{i}]"),
            "not_an_object",
            "each row must be a JSON object",
        )]));
    }
    Ok(rows)
}

fn csv_rows(body: &[u8], fields: &[String]) -> Result<Vec<Value>, ApiError> {
    let malformed = |e: csv::Error| {
        ApiError::validation(vec![FieldError::new(
            "",
            "malformed_csv",
            format!("the CSV cannot be read: {e}"),
        )])
    };
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(body);
    let header: Vec<String> = reader
        .headers()
        .map_err(malformed)?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    if let Some(dup) = header
        .iter()
        .enumerate()
        .find(|(i, h)| header[..*i].contains(h))
        .map(|(_, h)| h)
    {
        return Err(ApiError::validation(vec![FieldError::new(
            dup.as_str(),
            "duplicate_column",
            "the header names this column twice",
        )]));
    }
    if let Some(unknown) = header.iter().find(|h| !fields.contains(h)) {
        return Err(ApiError::validation(vec![FieldError::new(
            unknown.as_str(),
            "unknown_column",
            format!(
                "not a field of the record; the columns are {}",
                fields.join(", ")
            ),
        )]));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(malformed)?;
        let object: Map<String, Value> = header
            .iter()
            .zip(record.iter())
            .filter(|(_, cell)| !cell.is_empty())
            .map(|(name, cell)| (name.clone(), Value::from(cell)))
            .collect();
        rows.push(Value::Object(object));
        if rows.len() > MAX_ROWS {
            break;
        }
    }
    Ok(rows)
}

/// One row's form: the row deserialised and validated as the single create's
/// body is, or the fields at fault.
fn form<T: DeserializeOwned + Validate>(row: Value) -> Result<T, Vec<FieldError>> {
    let form: T = from_value(row).map_err(|e| errors_of(&e))?;
    form.validate().map_err(|e| errors_of(&ApiError::from(e)))?;
    Ok(form)
}

/// A refusal as the fields a row report names: the problem's field errors,
/// or its code and detail.
fn errors_of(e: &ApiError) -> Vec<FieldError> {
    if !e.field_errors().is_empty() {
        return e.field_errors().to_vec();
    }
    let problem = e.problem();
    vec![FieldError::new("", problem.code, problem.detail)]
}

/// Creates each of `rows` with `insert` (given the connection and the row's
/// form; it answers the new record's id, or refuses the row with a 4xx), as
/// `params` say, and reports what happened to each row. A 5xx (the database
/// failing) ends the whole import with nothing written.
pub async fn run<T, F>(
    db: &Db,
    rows: Vec<Value>,
    params: ImportParams,
    insert: F,
) -> Result<ImportReport, ApiError>
where
    T: DeserializeOwned + Validate + 'static,
    F: Fn(&mut DbConn, T) -> Result<String, ApiError> + Send + 'static,
{
    let dry_run = params.dry_run.unwrap_or(false);
    let mode = params.mode.unwrap_or(ImportMode::AllOrNothing);
    db.run(move |conn| {
        let mut results = Vec::with_capacity(rows.len());
        let mut keep = false;
        let mut rolled_back = false;
        let outcome = write_transaction(conn, |conn| {
            for (i, row) in rows.into_iter().enumerate() {
                let n = count(i + 1);
                let result = match form::<T>(row) {
                    Err(errors) => invalid(n, errors),
                    // A savepoint: a row refused half-way leaves nothing.
                    Ok(form) => match write_transaction(conn, |conn| insert(conn, form)) {
                        Ok(id) => RowResult {
                            row: n,
                            status: RowStatus::Created,
                            id: Some(id),
                            errors: Vec::new(),
                        },
                        Err(e) if e.code().status().is_client_error() => invalid(n, errors_of(&e)),
                        Err(e) => return Err(e),
                    },
                };
                results.push(result);
            }
            let any_invalid = results.iter().any(|r| r.status == RowStatus::Invalid);
            keep = !dry_run && (mode == ImportMode::ValidRows || !any_invalid);
            if keep {
                Ok(())
            } else {
                // Rolls the transaction back; the report is kept below.
                rolled_back = true;
                Err(ApiError::new(ProblemCode::Conflict, "rolled back"))
            }
        });
        match outcome {
            Ok(()) => {}
            Err(_) if rolled_back => {}
            Err(e) => return Err(e),
        }
        if !keep {
            for r in &mut results {
                if r.status == RowStatus::Created {
                    r.status = RowStatus::Valid;
                    r.id = None;
                }
            }
        }
        let with = |status| count(results.iter().filter(|r| r.status == status).count());
        let (created, invalid) = (with(RowStatus::Created), with(RowStatus::Invalid));
        Ok(ImportReport {
            dry_run,
            mode,
            committed: keep,
            rows: count(results.len()),
            created,
            invalid,
            results,
        })
    })
    .await
}

/// A row count (at most [`MAX_ROWS`]) as the report gives it.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn invalid(row: u32, errors: Vec<FieldError>) -> RowResult {
    RowResult {
        row,
        status: RowStatus::Invalid,
        id: None,
        errors,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_row_holds_its_non_empty_cells_under_the_header_s_names() {
        let rows = csv_rows(
            "\u{feff}name,kind,city\nFundacja A,ngo,\n\"B, C\",ngo,Dej\n".as_bytes(),
            &fields(),
        )
        .unwrap();
        assert_eq!(
            rows,
            vec![
                serde_json::json!({"name": "Fundacja A", "kind": "ngo"}),
                serde_json::json!({"name": "B, C", "kind": "ngo", "city": "Dej"}),
            ]
        );
    }

    #[test]
    fn a_csv_with_a_short_line_or_a_repeated_or_unknown_column_is_refused() {
        let e = csv_rows(b"name,kind\nA\n", &fields()).unwrap_err();
        assert_eq!(e.field_errors()[0].code, "malformed_csv");
        let e = csv_rows(b"name,name\nA,B\n", &fields()).unwrap_err();
        assert_eq!(e.field_errors()[0].field, "name");
        assert_eq!(e.field_errors()[0].code, "duplicate_column");
        let e = csv_rows(b"name,nme\nA,B\n", &fields()).unwrap_err();
        assert_eq!(e.field_errors()[0].field, "nme");
        assert_eq!(e.field_errors()[0].code, "unknown_column");
    }

    fn fields() -> Vec<String> {
        ["name", "kind", "city"].map(String::from).to_vec()
    }

    #[test]
    fn a_json_import_is_an_array() {
        assert_eq!(json_rows(b"[{\"a\": 1}]").unwrap().len(), 1);
        let e = json_rows(b"{\"a\": 1}").unwrap_err();
        assert_eq!(e.field_errors()[0].code, "not_an_array");
        let e = json_rows(b"[{}, 2]").unwrap_err();
        assert_eq!(e.field_errors()[0].field, "[1]");
        assert_eq!(e.field_errors()[0].code, "not_an_object");
        assert_eq!(
            json_rows(b"[{").unwrap_err().code(),
            ProblemCode::MalformedJson
        );
    }
}
