//! Conditional requests: every single resource has an `ETag` derived from its id
//! and version; `If-None-Match` gives 304 on reads, `If-Match` gives 412 on writes
//! to a record that changed since the client read it.

use actix_web::http::header::{self, EntityTag, HeaderMap};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

use crate::error::{ApiError, ProblemCode};

/// `If-None-Match`, documented on conditional reads.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfNoneMatch {
    /// An `ETag` of a copy the client holds; 304 Not Modified if it is still current.
    #[param(rename = "If-None-Match", nullable = false, max_length = 1024)]
    pub if_none_match: Option<String>,
}

/// `If-Match`, documented on writes.
#[derive(Debug, utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// The `ETag` the change is based on; 412 Precondition Failed if the record
    /// has changed since.
    #[param(rename = "If-Match", nullable = false, max_length = 1024)]
    pub if_match: Option<String>,
}

/// The strong entity tag of version `version` of record `id`.
pub fn etag(id: &str, version: i64) -> EntityTag {
    EntityTag::new_strong(format!("{id}.v{version}"))
}

/// 200 with the body and its `ETag`, or 304 when `If-None-Match` already names it.
pub fn json_with_etag<T: Serialize>(req: &HttpRequest, tag: EntityTag, body: &T) -> HttpResponse {
    if none_match_hits(req.headers(), &tag) {
        return HttpResponse::NotModified()
            .insert_header(header::ETag(tag))
            .finish();
    }
    HttpResponse::Ok()
        .insert_header(header::ETag(tag))
        .json(body)
}

/// 201 with the new record, its `Location` and its `ETag`.
pub fn created<T: Serialize>(location: String, tag: EntityTag, body: &T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .insert_header(header::ETag(tag))
        .json(body)
}

/// 200 with the record as a write left it, and its `ETag`.
pub fn saved<T: Serialize>(tag: EntityTag, body: &T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(header::ETag(tag))
        .json(body)
}

/// Refuses (412) a write whose `If-Match` does not name the current version. A
/// request without `If-Match` is allowed: the header is the client's opt-in.
pub fn check_if_match(headers: &HeaderMap, current: &EntityTag) -> Result<(), ApiError> {
    if_match_allows(&header_items(headers, &header::IF_MATCH), current)
}

fn if_match_allows(items: &[String], current: &EntityTag) -> Result<(), ApiError> {
    if items.is_empty()
        || items
            .iter()
            .any(|v| v == "*" || v.parse::<EntityTag>().is_ok_and(|t| t.strong_eq(current)))
    {
        return Ok(());
    }
    Err(ApiError::new(
        ProblemCode::PreconditionFailed,
        format!("The record has changed: its current ETag is {current}. Read it again and retry."),
    ))
}

/// `If-Match` as a handler argument: the request's tags, checked against the
/// record once it is loaded (and locked).
impl actix_web::FromRequest for IfMatch {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let items = header_items(req.headers(), &header::IF_MATCH);
        std::future::ready(Ok(IfMatch {
            if_match: (!items.is_empty()).then(|| items.join(", ")),
        }))
    }
}

impl IfMatch {
    /// 412 unless the request sent no `If-Match`, `*`, or `record`'s tag.
    pub fn check(&self, record: &impl crate::db::record::Record) -> Result<(), ApiError> {
        self.check_tag(&record.etag())
    }

    /// 412 unless the request sent no `If-Match`, `*`, or a tag of `record`'s
    /// version with derived parts after it (`{id}.v{version}.…`), for a record
    /// whose tag also changes with what it shows but a change needs only the
    /// version to be current. `current` is the tag named in the 412.
    pub fn check_version(
        &self,
        record: &impl crate::db::record::Record,
        current: &EntityTag,
    ) -> Result<(), ApiError> {
        let items: Vec<String> = self.items();
        if items.is_empty()
            || items
                .iter()
                .any(|v| names_version(v, record.id(), record.version()))
        {
            return Ok(());
        }
        if_match_allows(&items, current)
    }

    fn items(&self) -> Vec<String> {
        self.if_match
            .iter()
            .flat_map(|v| v.split(','))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// 412 unless the request sent no `If-Match`, `*`, or `current`.
    pub fn check_tag(&self, current: &EntityTag) -> Result<(), ApiError> {
        if_match_allows(&self.items(), current)
    }

    /// 412 if the request sent `If-Match` (even `*`) for a record that does
    /// not exist yet, which a `PUT` is about to create (RFC 9110 §13.1.1).
    pub fn check_absent(&self) -> Result<(), ApiError> {
        if self.items().is_empty() {
            return Ok(());
        }
        Err(ApiError::new(
            ProblemCode::PreconditionFailed,
            "The record does not exist yet: send no If-Match to create it.",
        ))
    }
}

/// [`check_if_match`] for a record whose tag adds derived parts after
/// `{id}.v{version}` (a computed value): the write needs only the version to
/// be current, so a tag with any derived part of that version matches.
pub fn check_if_match_version(
    headers: &HeaderMap,
    id: &str,
    version: i64,
    current: &EntityTag,
) -> Result<(), ApiError> {
    let values = header_items(headers, &header::IF_MATCH);
    if values.is_empty() || values.iter().any(|v| names_version(v, id, version)) {
        return Ok(());
    }
    check_if_match(headers, current)
}

/// Whether the `If-Match` item `v` is `*` or a strong tag of version `version`
/// of record `id`, with or without derived parts.
fn names_version(v: &str, id: &str, version: i64) -> bool {
    let stem = etag(id, version);
    let stem = stem.tag();
    v == "*"
        || v.parse::<EntityTag>().is_ok_and(|t| {
            !t.weak
                && (t.tag() == stem
                    || t.tag()
                        .strip_prefix(stem)
                        .is_some_and(|rest| rest.starts_with('.')))
        })
}

fn none_match_hits(headers: &HeaderMap, tag: &EntityTag) -> bool {
    header_items(headers, &header::IF_NONE_MATCH)
        .iter()
        .any(|v| v == "*" || v.parse::<EntityTag>().is_ok_and(|t| t.weak_eq(tag)))
}

/// The comma-separated items of every instance of a header.
fn header_items(headers: &HeaderMap, name: &header::HeaderName) -> Vec<String> {
    headers
        .get_all(name)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn if_none_match_with_the_current_tag_is_not_modified() {
        let tag = etag("02", 3);
        let req = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "\"x\", W/\"02.v3\""))
            .to_http_request();
        assert_eq!(json_with_etag(&req, tag.clone(), &1).status(), 304);
        let req = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "\"02.v2\""))
            .to_http_request();
        assert_eq!(json_with_etag(&req, tag, &1).status(), 200);
    }

    #[test]
    fn a_derived_tag_matches_by_its_version() {
        let current = EntityTag::new_strong("i.v2.3ff".into());
        let with = |v: &str| {
            let req = TestRequest::default()
                .insert_header((header::IF_MATCH, v))
                .to_http_request();
            check_if_match_version(req.headers(), "i", 2, &current).is_ok()
        };
        assert!(with("\"i.v2.400\""), "another computed value, same version");
        assert!(with("\"i.v2\""));
        assert!(!with("\"i.v1.3ff\""));
        assert!(!with("\"i.v21\""));
        assert!(!with("W/\"i.v2\""));
    }

    #[test]
    fn if_match_with_a_stale_tag_is_refused() {
        let current = etag("02", 3);
        let stale = TestRequest::default()
            .insert_header((header::IF_MATCH, "\"02.v2\""))
            .to_http_request();
        assert_eq!(
            check_if_match(stale.headers(), &current)
                .unwrap_err()
                .code(),
            ProblemCode::PreconditionFailed
        );
        for ok in ["\"02.v3\"", "*", "\"a\", \"02.v3\""] {
            let req = TestRequest::default()
                .insert_header((header::IF_MATCH, ok))
                .to_http_request();
            assert!(check_if_match(req.headers(), &current).is_ok(), "{ok}");
        }
        // A weak tag never satisfies If-Match (RFC 9110 §13.1.1).
        let weak = TestRequest::default()
            .insert_header((header::IF_MATCH, "W/\"02.v3\""))
            .to_http_request();
        assert!(check_if_match(weak.headers(), &current).is_err());
        assert!(
            check_if_match(TestRequest::default().to_http_request().headers(), &current).is_ok()
        );
    }
}
