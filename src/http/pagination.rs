//! Keyset (cursor) pagination shared by every collection.
//!
//! A page is read with `limit + 1` rows ordered by a unique key; the extra row only
//! says whether another page exists. The cursor is the last key of the page,
//! wrapped so that clients treat it as opaque and a tampered one is refused.

use chrono::{DateTime, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use crate::error::{ApiError, ProblemCode};

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;
/// A cursor is `c` and the hex of the last key of the previous page: opaque to
/// clients, and any well-formed one is a position in the order (keys after it).
const CURSOR_PREFIX: char = 'c';

/// Parameters every collection accepts.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    #[param(pattern = "^c([0-9a-f]{2}){1,256}$", max_length = 513)]
    pub cursor: Option<String>,
    /// Only records changed at or after this instant (RFC 3339), for incremental sync.
    #[param(example = "2026-11-01T00:00:00Z")]
    #[serde(default, deserialize_with = "crate::http::dates::query_instant")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// Parameters of a collection ordered by a sequence number (the change log).
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeqListParams {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200, example = 50)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page; omit for the first page.
    #[param(pattern = "^s[0-9]{1,18}$", max_length = 19)]
    pub cursor: Option<String>,
    /// Only entries at or after this instant (RFC 3339).
    #[param(example = "2026-11-01T00:00:00Z")]
    #[serde(default, deserialize_with = "crate::http::dates::query_instant")]
    pub updated_since: Option<DateTime<Utc>>,
}

/// A validated page request over a sequence number.
#[derive(Debug, Clone)]
pub struct SeqPageRequest {
    pub limit: i64,
    pub after: Option<i64>,
    pub since: Option<NaiveDateTime>,
}

impl SeqPageRequest {
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

impl SeqListParams {
    pub fn page(&self) -> Result<SeqPageRequest, ApiError> {
        let limit = check_limit(self.limit)?;
        let after = self
            .cursor
            .as_deref()
            .map(|c| {
                c.strip_prefix('s')
                    .filter(|d| {
                        !d.is_empty() && d.len() <= 18 && d.bytes().all(|b| b.is_ascii_digit())
                    })
                    .and_then(|d| d.parse::<i64>().ok())
                    .ok_or_else(invalid_cursor)
            })
            .transpose()?;
        Ok(SeqPageRequest {
            limit,
            after,
            since: self.updated_since.map(|t| t.naive_utc()),
        })
    }
}

/// The cursor after sequence number `seq`.
pub fn encode_seq_cursor(seq: i64) -> String {
    format!("s{seq}")
}

fn check_limit(limit: Option<i64>) -> Result<i64, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid_parameter(
            "limit",
            "range",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    Ok(limit)
}

/// A validated page request.
#[derive(Debug, Clone)]
pub struct PageRequest {
    pub limit: i64,
    /// Rows strictly after this key.
    pub after: Option<String>,
    pub updated_since: Option<NaiveDateTime>,
}

impl PageRequest {
    /// The first page of records changed since `since` (all if `None`).
    pub fn from_start(since: Option<DateTime<Utc>>) -> Self {
        Self {
            limit: DEFAULT_LIMIT,
            after: None,
            updated_since: since.map(|t| t.naive_utc()),
        }
    }

    /// How many rows to read: one more than the page holds.
    pub fn fetch(&self) -> i64 {
        self.limit + 1
    }
}

impl ListParams {
    pub fn page(&self) -> Result<PageRequest, ApiError> {
        let limit = check_limit(self.limit)?;
        let after = self.cursor.as_deref().map(decode_cursor).transpose()?;
        Ok(PageRequest {
            limit,
            after,
            updated_since: self.updated_since.map(|t| t.naive_utc()),
        })
    }
}

pub fn encode_cursor(key: &str) -> String {
    format!("{CURSOR_PREFIX}{}", hex::encode(key.as_bytes()))
}

pub fn decode_cursor(cursor: &str) -> Result<String, ApiError> {
    cursor
        .strip_prefix(CURSOR_PREFIX)
        .filter(|h| !h.is_empty() && h.len() <= 512)
        .filter(|h| h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .and_then(|h| hex::decode(h).ok())
        // No key contains NUL (PostgreSQL cannot even compare with it), so "after
        // `a\0b`" is the same position as "after `a`".
        .map(|bytes| {
            let key = String::from_utf8_lossy(&bytes);
            key.split('\0').next().unwrap_or_default().to_owned()
        })
        .ok_or_else(invalid_cursor)
}

/// The error for a cursor this service did not issue.
pub fn invalid_cursor() -> ApiError {
    ApiError::new(
        ProblemCode::InvalidCursor,
        "The cursor is not one this service issued; use `next_cursor` unchanged.",
    )
    .with_errors(vec![crate::error::FieldError::new(
        "cursor",
        "invalid_cursor",
        "not a cursor issued by this service",
    )])
}

/// One page of a collection. The OpenAPI document describes each collection's
/// page by a concrete schema made with [`page_schema!`], which references the
/// item schema instead of copying it.
#[derive(Debug, Serialize)]
pub struct Page<T> {
    /// The records of this page.
    pub items: Vec<T>,
    /// Pass as `cursor` to read the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> Page<T> {
    /// Builds the page from up to `request.fetch()` rows, `key` giving each row's
    /// pagination key.
    pub fn from_rows(mut rows: Vec<T>, request: &PageRequest, key: impl Fn(&T) -> String) -> Self {
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|row| encode_cursor(&key(row)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    /// Builds a page over a sequence-numbered collection.
    pub fn from_seq_rows(
        mut rows: Vec<T>,
        request: &SeqPageRequest,
        seq: impl Fn(&T) -> i64,
    ) -> Self {
        let limit = usize::try_from(request.limit).unwrap_or(usize::MAX);
        let next_cursor = if rows.len() > limit {
            rows.truncate(limit);
            rows.last().map(|row| encode_seq_cursor(seq(row)))
        } else {
            None
        };
        Self {
            items: rows,
            next_cursor,
        }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_cursor: self.next_cursor,
        }
    }

    /// As [`Page::map`], for conversions that can fail (a stored value that
    /// does not parse).
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Page<U>, E> {
        Ok(Page {
            items: self.items.into_iter().map(f).collect::<Result<_, E>>()?,
            next_cursor: self.next_cursor,
        })
    }
}

impl<R: crate::db::record::Record> Page<R> {
    /// A page of records read by [`keyset_page!`](crate::keyset_page), each
    /// turned into what the API shows by `show`.
    pub fn of_records<T>(
        rows: Vec<R>,
        request: &PageRequest,
        show: impl FnMut(R) -> Result<T, ApiError>,
    ) -> Result<Page<T>, ApiError> {
        Page::from_rows(rows, request, |r| r.id().to_owned()).try_map(show)
    }
}

/// The keyset part of a list query over a table with `id` and `updated_at`:
/// ordered by id, the page's limit plus one, rows after the cursor and changed
/// since `updated_since`. Gives a boxed query to add the list's own filters to:
/// `let mut q = keyset_page!(pr::table.select(ProjectRow::as_select()), pr, page);`
#[macro_export]
macro_rules! keyset_page {
    ($query:expr, $table:ident, $page:expr) => {{
        let page: &$crate::http::pagination::PageRequest = &$page;
        let mut q = $query
            .order($table::id.asc())
            .limit(page.fetch())
            .into_boxed();
        if let Some(after) = &page.after {
            q = q.filter($table::id.gt(after.clone()));
        }
        if let Some(since) = page.updated_since {
            q = q.filter($table::updated_at.ge(since));
        }
        q
    }};
}

/// Declares the OpenAPI schema of a page of `$item`s, named `$name`.
macro_rules! page_schema {
    ($name:ident, $item:ty, $doc:literal) => {
        #[doc = $doc]
        #[derive(utoipa::ToSchema)]
        #[allow(dead_code)]
        pub struct $name {
            /// The records of this page.
            #[schema(max_items = 200)]
            pub items: Vec<$item>,
            /// Pass as `cursor` to read the next page; `null` on the last page.
            #[schema(
                required = true,
                max_length = 520,
                pattern = "^(c([0-9a-f]{2})+|s[0-9]{1,18})$"
            )]
            pub next_cursor: Option<String>,
        }
    };
}
pub(crate) use page_schema;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_refused() {
        let c = encode_cursor("RO-CJ");
        assert_eq!(decode_cursor(&c).unwrap(), "RO-CJ");
        for bad in ["", "c", "RO-CJ", "!!!", "c0", "cZZ", "C524f", "x524f2d434a"] {
            assert_eq!(
                decode_cursor(bad).unwrap_err().code(),
                ProblemCode::InvalidCursor
            );
        }
    }

    #[test]
    fn any_well_formed_cursor_is_a_position() {
        assert_eq!(decode_cursor("c41ff").unwrap(), "A\u{fffd}");
        // Found by fuzzing on PostgreSQL: a NUL in a cursor.
        assert_eq!(decode_cursor("c00").unwrap(), "");
        assert_eq!(decode_cursor("c410042").unwrap(), "A");
    }

    #[test]
    fn limit_out_of_range_is_refused() {
        for limit in [0, -1, 201] {
            let params = ListParams {
                limit: Some(limit),
                ..Default::default()
            };
            let err = params.page().unwrap_err();
            assert_eq!(err.field_errors()[0].field, "limit");
        }
    }

    #[test]
    fn the_extra_row_makes_a_next_cursor() {
        let request = ListParams {
            limit: Some(2),
            ..Default::default()
        }
        .page()
        .unwrap();
        let page = Page::from_rows(vec!["a", "b", "c"], &request, |s| s.to_string());
        assert_eq!(page.items, ["a", "b"]);
        assert_eq!(
            decode_cursor(page.next_cursor.as_deref().unwrap()).unwrap(),
            "b"
        );
        let last = Page::from_rows(vec!["a", "b"], &request, |s| s.to_string());
        assert!(last.next_cursor.is_none());
    }
}
