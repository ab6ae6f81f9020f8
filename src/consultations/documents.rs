//! A consultation's document: versions of numbered sections. A version is
//! never changed: a new one is added (while the consultation is a draft,
//! announced or open), the old ones stay readable, and submissions keep
//! pointing at the version they were made on. A section keeps its id from
//! version to version, so it can be addressed, commented on and compared.

use std::collections::HashSet;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::diff::{SectionDiff, SectionText, compare};
use super::handlers::readable;
use super::model::ConsultationRow;
use super::rules::ConsultationStatus;
use crate::audit::{self, Caller, Change};
use crate::db::DbConn;
use crate::db::schema::{
    consultation_sections as sc, consultation_versions as cv, consultations as co,
};
use crate::error::{ApiError, FieldError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::timestamp::Timestamp;
use crate::http::transition::refuse_change_in;
use crate::state::AppState;

/// The most sections a version can have.
pub const MAX_SECTIONS: usize = 500;
/// The most versions a document can have.
pub const MAX_VERSIONS: i32 = 100;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cv)]
pub struct VersionRow {
    pub id: String,
    pub consultation_id: String,
    pub number: i32,
    pub title: String,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sc)]
pub struct SectionRow {
    pub version_id: String,
    pub section_id: String,
    pub position: i32,
    pub number: String,
    pub heading: Option<String>,
    pub body: String,
}

/// A numbered section of a version.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentSection {
    /// The section's id: the same in every version that keeps the section.
    #[schema(format = Uuid)]
    pub id: String,
    /// Its number as the document shows it: `§ 3`, `3.2`.
    #[schema(max_length = 50)]
    pub number: String,
    #[schema(max_length = 500)]
    pub heading: Option<String>,
    #[schema(max_length = 20000)]
    pub body: String,
}

/// A version of a consultation's document, with its sections in order.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentVersion {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub consultation_id: String,
    /// 1 for the first version, then 2, 3…
    #[schema(minimum = 1, maximum = 100)]
    pub number: i32,
    #[schema(max_length = 500)]
    pub title: String,
    /// What changed, in the author's words.
    #[schema(max_length = 5000)]
    pub note: Option<String>,
    pub created_at: Timestamp,
    #[schema(max_items = 500)]
    pub sections: Vec<DocumentSection>,
}

impl DocumentVersion {
    fn new(v: VersionRow, sections: Vec<SectionRow>) -> Self {
        Self {
            id: v.id,
            consultation_id: v.consultation_id,
            number: v.number,
            title: v.title,
            note: v.note,
            created_at: v.created_at.into(),
            sections: sections
                .into_iter()
                .map(|s| DocumentSection {
                    id: s.section_id,
                    number: s.number,
                    heading: s.heading,
                    body: s.body,
                })
                .collect(),
        }
    }
}

/// A section of a new version: `id` keeps a section of the latest version
/// (reworded, renumbered or as it was); without it the section is new.
/// Sections of the latest version not listed are removed.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSection {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub id: Option<String>,
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 50)]
    pub number: String,
    #[validate(length(min = 1, max = 500))]
    #[schema(min_length = 1, max_length = 500)]
    pub heading: Option<String>,
    #[validate(
        length(min = 1, max = 20000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 20000)]
    pub body: String,
}

/// A new version of the document.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateVersion {
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(min = 1, max = 5000))]
    #[schema(min_length = 1, max_length = 5000)]
    pub note: Option<String>,
    /// In the document's order; numbers distinct.
    #[validate(length(min = 1, max = 500), nested)]
    #[schema(min_items = 1, max_items = 500)]
    pub sections: Vec<NewSection>,
}

/// The sections of version `version_id`, in order.
pub fn sections_of(conn: &mut DbConn, version_id: &str) -> Result<Vec<SectionRow>, ApiError> {
    Ok(sc::table
        .filter(sc::version_id.eq(version_id))
        .order(sc::position.asc())
        .select(SectionRow::as_select())
        .load(conn)?)
}

/// Version `number` of consultation `id`, or 404.
pub fn version(conn: &mut DbConn, id: &str, number: i32) -> Result<VersionRow, ApiError> {
    cv::table
        .filter(cv::consultation_id.eq(id))
        .filter(cv::number.eq(number))
        .select(VersionRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "The consultation `{id}` has no document version {number}."
            ))
        })
}

/// A new version's sections against the latest version's section ids
/// (`kept`): each `id` one of those, once; numbers distinct.
fn check_sections(kept: &HashSet<String>, sections: &[NewSection]) -> Vec<FieldError> {
    let mut errors = Vec::new();
    let mut ids = HashSet::new();
    let mut numbers = HashSet::new();
    for (i, s) in sections.iter().enumerate() {
        if let Some(id) = &s.id {
            if !kept.contains(id) {
                errors.push(FieldError::new(
                    format!("sections[{i}].id"),
                    "not_found",
                    "is not a section of the latest version",
                ));
            } else if !ids.insert(id.as_str()) {
                errors.push(FieldError::new(
                    format!("sections[{i}].id"),
                    "not_unique",
                    "is listed twice",
                ));
            }
        }
        if !numbers.insert(s.number.trim()) {
            errors.push(FieldError::new(
                format!("sections[{i}].number"),
                "not_unique",
                "is the number of another section",
            ));
        }
    }
    errors
}

/// Adds a version to `current`'s document (read with
/// [`record::for_change`]): the consultation's `document_version` and
/// version move on with it.
pub fn add_version(
    conn: &mut DbConn,
    caller: &Caller,
    current: ConsultationRow,
    form: CreateVersion,
    now: NaiveDateTime,
) -> Result<(VersionRow, Vec<SectionRow>), ApiError> {
    use ConsultationStatus::*;
    refuse_change_in(
        current.status_at(now)?,
        &[Closed, ReportPublished, Cancelled],
    )?;
    if current.document_version >= MAX_VERSIONS {
        return Err(ApiError::validation(vec![FieldError::new(
            "sections",
            "too_many_versions",
            format!("a document has at most {MAX_VERSIONS} versions"),
        )]));
    }
    let kept: HashSet<String> = if current.document_version == 0 {
        HashSet::new()
    } else {
        let latest = version(conn, &current.id, current.document_version)?;
        sections_of(conn, &latest.id)?
            .into_iter()
            .map(|s| s.section_id)
            .collect()
    };
    crate::http::transition::guard(check_sections(&kept, &form.sections))?;
    let version_id = crate::db::new_id();
    let number = current.document_version + 1;
    diesel::insert_into(cv::table)
        .values((
            cv::id.eq(&version_id),
            cv::consultation_id.eq(&current.id),
            cv::number.eq(number),
            cv::title.eq(form.title.trim()),
            cv::note.eq(&form.note),
            cv::created_at.eq(now),
        ))
        .execute(conn)?;
    // One row at a time: the diesel connection that serves both backends
    // cannot insert a batch.
    for (position, s) in form.sections.iter().enumerate() {
        let section_id = s.id.clone().unwrap_or_else(crate::db::new_id);
        diesel::insert_into(sc::table)
            .values((
                sc::version_id.eq(&version_id),
                sc::section_id.eq(&section_id),
                sc::position.eq(position as i32),
                sc::number.eq(s.number.trim()),
                sc::heading.eq(&s.heading),
                sc::body.eq(&s.body),
            ))
            .execute(conn)?;
    }
    diesel::update(co::table.find(&current.id))
        .set((
            co::document_version.eq(number),
            co::updated_at.eq(now),
            co::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("consultation", &current.id, "add_document_version")
        .value("document_version", number)
        .value("title", form.title.trim())
        .value("sections", form.sections.len());
    audit::record(conn, caller, change)?;
    let row = version(conn, &current.id, number)?;
    let sections = sections_of(conn, &row.id)?;
    Ok((row, sections))
}

/// A version's summary in the list.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionSummary {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(minimum = 1, maximum = 100)]
    pub number: i32,
    #[schema(max_length = 500)]
    pub title: String,
    #[schema(max_length = 5000)]
    pub note: Option<String>,
    #[schema(minimum = 0, maximum = 500)]
    pub sections: i64,
    pub created_at: Timestamp,
}

/// A document's versions, oldest first (at most 100: not paged).
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionList {
    #[schema(max_items = 100)]
    pub items: Vec<VersionSummary>,
}

/// Adds a version of the document: a draft's first, or a new one while
/// announced or open (submissions made so far keep pointing at theirs). The
/// initiating organisation's admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = CreateVersion,
    responses(
        (status = 201, description = "The new version", body = DocumentVersion, headers(("Location" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/consultations/{id}/versions")]
pub async fn create_version(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<CreateVersion>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let form = body.into_inner();
    let (row, sections) = state
        .db
        .write(move |conn| {
            let current = super::handlers::for_change(conn, &caller, &id, &if_match)?;
            add_version(conn, &caller, current, form, crate::db::now())
        })
        .await?;
    let location = format!(
        "/api/v1/consultations/{}/versions/{}",
        row.consultation_id, row.number
    );
    let tag = crate::http::conditional::etag(&row.id, 1);
    Ok(created(location, tag, &DocumentVersion::new(row, sections)))
}

/// Lists the document's versions, oldest first. Anybody, once the
/// consultation is announced; a draft's, those who run it.
#[utoipa::path(
    tag = "consultations",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The consultation's id")),
    responses((status = 200, description = "The versions", body = VersionList))
)]
#[get("/consultations/{id}/versions")]
pub async fn list_versions(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let list = state
        .db
        .run(move |conn| {
            readable(conn, &caller, &id)?;
            let versions: Vec<VersionRow> = cv::table
                .filter(cv::consultation_id.eq(&id))
                .order(cv::number.asc())
                .select(VersionRow::as_select())
                .load(conn)?;
            let mut list = Vec::with_capacity(versions.len());
            for v in versions {
                let sections: i64 = sc::table
                    .filter(sc::version_id.eq(&v.id))
                    .count()
                    .get_result(conn)?;
                list.push(VersionSummary {
                    id: v.id,
                    number: v.number,
                    title: v.title,
                    note: v.note,
                    sections,
                    created_at: v.created_at.into(),
                });
            }
            Ok(list)
        })
        .await?;
    Ok(HttpResponse::Ok().json(VersionList { items: list }))
}

/// Reads a version of the document with its sections. Who may read the
/// consultation. A version never changes: its tag is its id.
#[utoipa::path(
    tag = "consultations",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        ("number" = i32, Path, minimum = 1, maximum = 100, description = "The version's number"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The version", body = DocumentVersion, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/consultations/{id}/versions/{number}")]
pub async fn get_version(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let (id, number) = path.into_inner();
    crate::http::path_id("id", &id)?;
    let number = parse_version_number(&number)?;
    let (row, sections) = state
        .db
        .run(move |conn| {
            readable(conn, &caller, &id)?;
            let row = version(conn, &id, number)?;
            let sections = sections_of(conn, &row.id)?;
            Ok((row, sections))
        })
        .await?;
    let tag = crate::http::conditional::etag(&row.id, 1);
    Ok(json_with_etag(
        &req,
        tag,
        &DocumentVersion::new(row, sections),
    ))
}

/// A version number in a path: 1–100, else 404 (no such version).
fn parse_version_number(raw: &str) -> Result<i32, ApiError> {
    raw.parse::<i32>()
        .ok()
        .filter(|n| (1..=MAX_VERSIONS).contains(n))
        .ok_or_else(|| ApiError::not_found(format!("No document version has the number `{raw}`.")))
}

/// The two versions to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// The earlier version's number.
    #[param(minimum = 1, maximum = 100)]
    pub from: i32,
    /// The later version's number.
    #[param(minimum = 1, maximum = 100)]
    pub to: i32,
}

/// The changes from one version to another.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionComparison {
    #[schema(minimum = 1, maximum = 100)]
    pub from: i32,
    #[schema(minimum = 1, maximum = 100)]
    pub to: i32,
    /// The sections of `to` in order, then those `from` had and `to` has not.
    #[schema(max_items = 1000)]
    pub sections: Vec<SectionDiff>,
}

/// Compares two versions of the document section by section: what was
/// added, removed, renumbered or reworded, and a reworded section's text
/// word by word. Who may read the consultation.
#[utoipa::path(
    tag = "consultations",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        CompareParams,
    ),
    responses((status = 200, description = "The changes", body = VersionComparison))
)]
#[get("/consultations/{id}/comparison")]
pub async fn compare_versions(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    params: ApiQuery<CompareParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let CompareParams { from, to } = params.into_inner();
    for (name, n) in [("from", from), ("to", to)] {
        if !(1..=MAX_VERSIONS).contains(&n) {
            return Err(ApiError::invalid_parameter(
                name,
                "out_of_range",
                format!("must be from 1 to {MAX_VERSIONS}"),
            ));
        }
    }
    let (before, after) = state
        .db
        .run(move |conn| {
            readable(conn, &caller, &id)?;
            let text = |conn: &mut DbConn, n: i32| -> Result<Vec<SectionText>, ApiError> {
                let v = version(conn, &id, n)?;
                Ok(sections_of(conn, &v.id)?
                    .into_iter()
                    .map(|s| SectionText {
                        section_id: s.section_id,
                        number: s.number,
                        heading: s.heading,
                        body: s.body,
                    })
                    .collect())
            };
            Ok((text(conn, from)?, text(conn, to)?))
        })
        .await?;
    // Word by word is quadratic at worst: off the request's worker.
    let sections = web::block(move || compare(&before, &after))
        .await
        .map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(VersionComparison { from, to, sections }))
}
