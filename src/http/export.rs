//! Exports: a list as JSON or as a CSV document to download.

use actix_web::http::header::CONTENT_DISPOSITION;
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use serde::Serialize;

use crate::error::ApiError;
use crate::http::pagination::{Page, PageRequest, decode_cursor};

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

crate::string_enum! {
    "export stream format"
    /// `ndjson` (one JSON record per line, as the list answers it) or `csv`
    /// (a header line, then a line per record; nested values as JSON text).
    #[derive(utoipa::ToSchema)]
    pub enum StreamFormat {
        Ndjson = "ndjson",
        Csv = "csv",
    }
}

/// The format of a streamed export.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StreamParams {
    /// `ndjson` if not given.
    #[param(inline)]
    pub format: Option<StreamFormat>,
    /// Only records changed at or after this instant (RFC 3339).
    #[serde(default, deserialize_with = "crate::http::dates::query_instant")]
    #[param(example = "2026-11-01T00:00:00Z")]
    pub updated_since: Option<chrono::DateTime<chrono::Utc>>,
}

/// An NDJSON document: one JSON record per line.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, max_length = 1099511627776)]
#[allow(dead_code)]
pub struct NdjsonDocument(String);

/// How many records an export reads at a time: what it holds in memory.
pub const STREAM_PAGE: i64 = 500;

/// The columns of `T` in a CSV export: its schema's properties, `id` first.
pub fn columns<T: utoipa::PartialSchema>() -> Vec<String> {
    let names: Vec<String> = match T::schema() {
        utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(object)) => {
            object.properties.keys().cloned().collect()
        }
        _ => Vec::new(),
    };
    let (id, rest): (Vec<String>, Vec<String>) = names.into_iter().partition(|n| n == "id");
    id.into_iter().chain(rest).collect()
}

/// One record as text in `format` (with its line end).
fn line<T: Serialize>(
    format: StreamFormat,
    columns: &[String],
    record: &T,
) -> Result<Vec<u8>, ApiError> {
    let value = serde_json::to_value(record).map_err(ApiError::internal)?;
    match format {
        StreamFormat::Ndjson => {
            let mut out = serde_json::to_vec(&value).map_err(ApiError::internal)?;
            out.push(b'\n');
            Ok(out)
        }
        StreamFormat::Csv => {
            let cells = columns.iter().map(|c| match value.get(c) {
                None | Some(serde_json::Value::Null) => String::new(),
                Some(serde_json::Value::String(s)) => cell(s).into_owned(),
                Some(other) => other.to_string(),
            });
            csv_line(cells)
        }
    }
}

fn csv_line(cells: impl IntoIterator<Item = String>) -> Result<Vec<u8>, ApiError> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(cells).map_err(ApiError::internal)?;
    out.into_inner()
        .map_err(|e| ApiError::internal(e.into_error()))
}

/// Streams a whole collection as an attachment `{name}.ndjson` or
/// `{name}.csv`, reading it [`STREAM_PAGE`] records at a time with `fetch`
/// (the list's own query, from the keyset position it is given): memory
/// stays that of one page, however large the collection. The first page is
/// read before the answer starts, so a failure then is a problem response; a
/// later one ends the transfer before its end (the client sees it cut).
pub async fn stream<T, F, Fut>(
    format: StreamFormat,
    name: &str,
    start: PageRequest,
    fetch: F,
) -> Result<HttpResponse, ApiError>
where
    T: Serialize + utoipa::PartialSchema + 'static,
    F: Fn(PageRequest) -> Fut + 'static,
    Fut: std::future::Future<Output = Result<Page<T>, ApiError>> + 'static,
{
    let start = PageRequest {
        limit: STREAM_PAGE,
        ..start
    };
    let first = fetch(start.clone()).await?;
    let columns = columns::<T>();
    let header = match format {
        StreamFormat::Csv => Some(web::Bytes::from(csv_line(columns.clone())?)),
        StreamFormat::Ndjson => None,
    };
    let chunks = futures_util::stream::unfold(
        (Some(first), start, fetch),
        move |(page, request, fetch)| {
            let columns = columns.clone();
            async move {
                let page = match page {
                    Some(page) => page,
                    None => return None,
                };
                let mut chunk = Vec::new();
                for record in &page.items {
                    match line(format, &columns, record) {
                        Ok(text) => chunk.extend(text),
                        Err(err) => return Some((Err(err), (None, request, fetch))),
                    }
                }
                let next = match page.next_cursor.as_deref().map(decode_cursor) {
                    None => None,
                    Some(Err(err)) => return Some((Err(err), (None, request, fetch))),
                    Some(Ok(after)) => {
                        let next = PageRequest {
                            after: Some(after),
                            ..request.clone()
                        };
                        match fetch(next).await {
                            Ok(page) => Some(page),
                            Err(err) => {
                                tracing::error!(error = %err, "an export stopped before its end");
                                return Some((Err(err), (None, request, fetch)));
                            }
                        }
                    }
                };
                Some((Ok(web::Bytes::from(chunk)), (next, request, fetch)))
            }
        },
    );
    let body = futures_util::stream::iter(header.map(Ok)).chain(chunks);
    let (content_type, ext) = match format {
        StreamFormat::Ndjson => ("application/x-ndjson", "ndjson"),
        StreamFormat::Csv => ("text/csv; charset=utf-8", "csv"),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}.{ext}\""),
        ))
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[derive(serde::Serialize, utoipa::ToSchema)]
    struct Item {
        name: String,
        id: String,
        tags: Vec<String>,
    }

    /// A collection of `n` items, read a page at a time as a list reads them.
    async fn export(n: usize, format: super::StreamFormat) -> (String, usize) {
        use super::{Page, PageRequest, stream};
        use std::sync::atomic::{AtomicUsize, Ordering};
        let reads = std::sync::Arc::new(AtomicUsize::new(0));
        let counter = reads.clone();
        let res = stream(
            format,
            "items",
            PageRequest::from_start(None),
            move |page| {
                counter.fetch_add(1, Ordering::Relaxed);
                async move {
                    let from = page
                        .after
                        .as_deref()
                        .map_or(0, |k| k.parse::<usize>().unwrap() + 1);
                    let rows: Vec<Item> = (from..n)
                        .take(usize::try_from(page.fetch()).unwrap())
                        .map(|i| Item {
                            name: if i == 3 {
                                "=cmd()".into()
                            } else {
                                format!("n{i}")
                            },
                            id: format!("{i:06}"),
                            tags: vec!["a".into()],
                        })
                        .collect();
                    Ok(Page::from_rows(rows, &page, |r| {
                        r.id.trim_start_matches('0')
                            .parse::<usize>()
                            .unwrap_or(0)
                            .to_string()
                    }))
                }
            },
        )
        .await
        .unwrap();
        let body = actix_web::body::to_bytes(res.into_body()).await.unwrap();
        (
            String::from_utf8(body.to_vec()).unwrap(),
            reads.load(Ordering::Relaxed),
        )
    }

    #[actix_web::test]
    async fn an_export_streams_every_record_once_a_page_at_a_time() {
        let (text, reads) = export(1234, super::StreamFormat::Ndjson).await;
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 1234);
        assert_eq!(lines[0]["id"], "000000");
        assert_eq!(lines[1233]["id"], "001233");
        assert!(
            lines
                .windows(2)
                .all(|w| w[0]["id"].as_str() < w[1]["id"].as_str())
        );
        // 500 a page: three reads, never the whole collection at once.
        assert_eq!(reads, 3);
        let (empty, _) = export(0, super::StreamFormat::Ndjson).await;
        assert_eq!(empty, "");
    }

    #[actix_web::test]
    async fn a_csv_export_has_the_schema_columns_id_first() {
        let (text, _) = export(5, super::StreamFormat::Csv).await;
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "id,name,tags");
        assert_eq!(lines[1], "000000,n0,\"[\"\"a\"\"]\"");
        assert_eq!(lines[4], "000003,'=cmd(),\"[\"\"a\"\"]\"");
        assert_eq!(lines.len(), 6);
    }

    #[test]
    fn cells_a_spreadsheet_would_run_stay_text() {
        assert_eq!(cell("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(cell("+48 600 000 000"), "'+48 600 000 000");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("Ana Pop"), "Ana Pop");
        assert_eq!(cell(""), "");
    }
}
