//! Good practices: proposed by a project partner, accepted or rejected by the
//! project's coordinators, searched by text (case and diacritics ignored), tag,
//! plane and area. Accepted entries are visible to every reader; the others
//! only to the project's coordinators and the proposing organisation.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{Area, Review, ReviewStatus, normalize_tag};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{
    GoodPracticeVisibility, Permission, authorize, good_practice_visibility, require_signed_in,
};
use crate::db::DbConn;
use crate::db::schema::{good_practice_tags as gt, good_practices as gp};
use crate::error::{ApiError, FieldError, responses, stored};
use crate::http::conditional::{check_if_match, etag, json_with_etag};
use crate::http::extract::double_option;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::{path_id, text_param, uuid_param};
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = gp)]
struct PracticeRow {
    id: String,
    project_id: String,
    organization_id: String,
    title: String,
    description: String,
    plane: i32,
    area: Option<String>,
    status: String,
    review_note: Option<String>,
    reviewed_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// An entry of the good-practice compendium.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000040", "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "organization_id": "019a1b2c-0000-7000-8000-000000000001",
    "title": "Współpraca przy konsultacjach programu", "description": "Jak gmina i NGO wspólnie...",
    "plane": 1, "area": "consulting_draft_acts", "tags": ["konsultacje", "program współpracy"],
    "status": "accepted", "allowed_transitions": [], "review_note": null,
    "reviewed_at": "2026-11-26T10:00:00Z",
    "created_at": "2026-11-26T10:00:00Z", "updated_at": "2026-11-26T10:00:00Z", "version": 2
}))]
pub struct GoodPractice {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub project_id: String,
    /// The organisation whose practice it is.
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(max_length = 300)]
    pub title: String,
    #[schema(max_length = 20000)]
    pub description: String,
    /// The plane of the cooperation model: 1 public policy, 2 public tasks,
    /// 3 infrastructure of cooperation.
    #[schema(minimum = 1, maximum = 3)]
    pub plane: i32,
    pub area: Option<Area>,
    #[schema(max_items = 20, value_type = Vec<Tag>)]
    pub tags: Vec<String>,
    pub status: ReviewStatus,
    /// The reviews still possible: `accept`, `reject`.
    #[schema(max_items = 2, value_type = Vec<ReviewName>)]
    pub allowed_transitions: Vec<String>,
    /// The reviewer's note; the reason of a rejection.
    #[schema(max_length = 2000)]
    pub review_note: Option<String>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

/// A tag (stored in lower case).
#[derive(ToSchema)]
#[schema(value_type = String, min_length = 1, max_length = 50)]
#[allow(dead_code)]
pub struct Tag(String);

/// A review of a proposed good practice.
#[derive(ToSchema)]
#[schema(value_type = String, pattern = "^(accept|reject)$", max_length = 6)]
#[allow(dead_code)]
pub struct ReviewName(String);

fn present(r: PracticeRow, tags: Vec<String>) -> Result<GoodPractice, ApiError> {
    let status = stored(ReviewStatus::parse(&r.status), "review status", &r.status)?;
    Ok(GoodPractice {
        id: r.id,
        project_id: r.project_id,
        organization_id: r.organization_id,
        title: r.title,
        description: r.description,
        plane: r.plane,
        area: r
            .area
            .as_deref()
            .map(|a| stored(Area::parse(a), "good-practice area", a))
            .transpose()?,
        tags,
        allowed_transitions: status
            .allowed()
            .iter()
            .map(|t| t.as_str().to_owned())
            .collect(),
        status,
        review_note: r.review_note,
        reviewed_at: r.reviewed_at.map(|t| t.and_utc()),
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
        version: r.version,
    })
}

fn tags_of(conn: &mut DbConn, ids: &[String]) -> Result<HashMap<String, Vec<String>>, ApiError> {
    let rows: Vec<(String, String)> = gt::table
        .filter(gt::good_practice_id.eq_any(ids))
        .order((gt::good_practice_id.asc(), gt::tag.asc()))
        .select((gt::good_practice_id, gt::tag))
        .load(conn)?;
    let mut by = HashMap::<String, Vec<String>>::new();
    for (id, tag) in rows {
        by.entry(id).or_default().push(tag);
    }
    Ok(by)
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No good practice has the id `{id}`."))
}

/// The row, if the caller may see it (others get the same 404 as for no row).
fn load_visible(
    conn: &mut DbConn,
    visibility: &GoodPracticeVisibility,
    id: &str,
) -> Result<PracticeRow, ApiError> {
    gp::table
        .find(id)
        .select(PracticeRow::as_select())
        .first(conn)
        .optional()?
        .filter(|r| visibility.sees(&r.project_id, &r.organization_id, r.status == "accepted"))
        .ok_or_else(|| not_found(id))
}

fn load(
    conn: &mut DbConn,
    visibility: &GoodPracticeVisibility,
    id: &str,
) -> Result<GoodPractice, ApiError> {
    let row = load_visible(conn, visibility, id)?;
    let tags = tags_of(conn, std::slice::from_ref(&row.id))?
        .remove(&row.id)
        .unwrap_or_default();
    present(row, tags)
}

fn respond(status: actix_web::http::StatusCode, g: GoodPractice) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    if status == actix_web::http::StatusCode::CREATED {
        res.insert_header((header::LOCATION, format!("/api/v1/good-practices/{}", g.id)));
    }
    res.insert_header(header::ETag(etag(&g.id, g.version)))
        .json(g)
}

/// Every tag has 1 to 50 characters once trimmed (checked before anything is read).
fn validate_tags(tags: &[String]) -> Result<(), validator::ValidationError> {
    match tags.iter().position(|t| {
        let n = normalize_tag(t).chars().count();
        n == 0 || n > 50
    }) {
        Some(i) => Err(validator::ValidationError::new("length")
            .with_message(format!("every tag has 1 to 50 characters; tags[{i}] does not").into())),
        None => Ok(()),
    }
}

/// Distinct normalised tags; a blank or overlong one is refused by index.
fn normalize_tags(tags: &[String]) -> Result<Vec<String>, ApiError> {
    let mut out: Vec<String> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in tags.iter().enumerate() {
        let tag = normalize_tag(raw);
        if tag.is_empty() || tag.chars().count() > 50 {
            errors.push(FieldError::new(
                format!("tags[{i}]"),
                "length",
                "a tag has 1 to 50 characters",
            ));
        } else if !out.contains(&tag) {
            out.push(tag);
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ApiError::validation(errors))
    }
}

fn check_area(plane: i32, area: Option<Area>) -> Result<(), ApiError> {
    match area {
        Some(a) if a.plane() != plane => Err(ApiError::validation(vec![FieldError::new(
            "area",
            "not_in_plane",
            format!("`{}` is an area of plane {}", a.as_str(), a.plane()),
        )])),
        _ => Ok(()),
    }
}

pub(crate) fn search_text(title: &str, description: &str, tags: &[String]) -> String {
    // Words joined by single spaces: deunicode drops line breaks, which would
    // glue the last word of a line to the first of the next.
    let text = format!("{title} {description} {}", tags.join(" "));
    crate::db::fold_for_search(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn write_tags(conn: &mut DbConn, id: &str, tags: &[String]) -> Result<(), ApiError> {
    diesel::delete(gt::table.filter(gt::good_practice_id.eq(id))).execute(conn)?;
    for tag in tags {
        diesel::insert_into(gt::table)
            .values((gt::good_practice_id.eq(id), gt::tag.eq(tag)))
            .execute(conn)?;
    }
    Ok(())
}

/// Filters of the compendium.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GoodPracticeFilter {
    /// Text in the title, description or tags; case and diacritics are ignored
    /// (`wspolpraca` finds `współpraca`).
    #[param(max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub q: Option<String>,
    pub status: Option<ReviewStatus>,
    #[param(minimum = 1, maximum = 3)]
    pub plane: Option<i32>,
    pub area: Option<Area>,
    /// Entries with this tag (case is ignored).
    #[param(max_length = 50, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub tag: Option<String>,
    #[param(format = Uuid, max_length = 36)]
    pub project_id: Option<String>,
    #[param(format = Uuid, max_length = 36)]
    pub organization_id: Option<String>,
}

/// Searches the compendium, by id. Everyone signed in sees the accepted
/// entries; the others are seen by the project's coordinators and the
/// proposing organisation.
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, GoodPracticeFilter),
    responses(
        (status = 200, description = "A page of good practices", body = GoodPracticePage),
    )
)]
#[get("/good-practices")]
pub async fn list_good_practices(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<GoodPracticeFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("good_practices"))?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    if let Some(q) = &filter.q {
        text_param("q", q, 200)?;
    }
    if let Some(t) = &filter.tag {
        text_param("tag", t, 50)?;
    }
    if let Some(p) = filter.plane
        && !(1..=3).contains(&p)
    {
        return Err(ApiError::invalid_parameter(
            "plane",
            "range",
            "must be 1, 2 or 3",
        ));
    }
    if let Some(p) = &filter.project_id {
        uuid_param("project_id", p)?;
    }
    if let Some(o) = &filter.organization_id {
        uuid_param("organization_id", o)?;
    }
    let visibility = good_practice_visibility(&caller.actor);
    let request = page.clone();
    let (rows, mut tags) = state
        .db
        .run(move |conn| {
            let mut q = gp::table
                .select(PracticeRow::as_select())
                .order(gp::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let GoodPracticeVisibility::AcceptedAnd {
                projects,
                organizations,
            } = visibility
            {
                q = q.filter(
                    gp::status
                        .eq("accepted")
                        .or(gp::project_id.eq_any(projects))
                        .or(gp::organization_id.eq_any(organizations)),
                );
            }
            if let Some(after) = request.after {
                q = q.filter(gp::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(gp::updated_at.ge(since));
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                q = q.filter(
                    gp::search_text
                        .like(crate::db::contains_pattern(text.trim()))
                        .escape('\\'),
                );
            }
            if let Some(s) = filter.status {
                q = q.filter(gp::status.eq(s.as_str()));
            }
            if let Some(p) = filter.plane {
                q = q.filter(gp::plane.eq(p));
            }
            if let Some(a) = filter.area {
                q = q.filter(gp::area.eq(a.as_str()));
            }
            if let Some(t) = filter.tag {
                let tagged = gt::table
                    .filter(gt::tag.eq(normalize_tag(&t)))
                    .select(gt::good_practice_id);
                q = q.filter(gp::id.eq_any(tagged));
            }
            if let Some(p) = filter.project_id {
                q = q.filter(gp::project_id.eq(p));
            }
            if let Some(o) = filter.organization_id {
                q = q.filter(gp::organization_id.eq(o));
            }
            let rows = q.load::<PracticeRow>(conn)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            Ok((rows, tags_of(conn, &ids)?))
        })
        .await?;
    let page = Page::from_rows(rows, &page, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(page.try_map(|r| {
        let t = tags.remove(&r.id).unwrap_or_default();
        present(r, t)
    })?))
}

/// A proposed good practice.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "organization_id": "019a1b2c-0000-7000-8000-000000000001",
    "title": "Współpraca przy konsultacjach programu", "description": "Jak gmina i NGO wspólnie...",
    "plane": 1, "area": "consulting_draft_acts", "tags": ["konsultacje"]
}))]
pub struct CreateGoodPractice {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub project_id: String,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[validate(
        length(min = 1, max = 20000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 20000)]
    pub description: String,
    #[serde(deserialize_with = "crate::http::extract::integer")]
    #[validate(range(min = 1, max = 3))]
    #[schema(minimum = 1, maximum = 3)]
    pub plane: i32,
    /// An area of that plane.
    pub area: Option<Area>,
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "validate_tags"))]
    #[schema(max_items = 20, value_type = Vec<Tag>)]
    pub tags: Vec<String>,
}

/// Proposes a good practice of an organisation. The project's coordinators (for
/// any organisation), and the admins and members of an organisation that is a
/// current partner in the project (for their own).
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateGoodPractice,
    responses(
        (status = 201, description = "The proposal", body = GoodPractice, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/good-practices")]
pub async fn create_good_practice(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateGoodPractice>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let b = body.into_inner();
    let practice = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                crate::db::references::ensure_project(conn, &b.project_id, "project_id")?;
                crate::db::references::ensure_organization(
                    conn,
                    &b.organization_id,
                    "organization_id",
                )?;
                let organization_is_partner = crate::partnerships::is_project_partner(
                    conn,
                    &b.project_id,
                    &b.organization_id,
                )?;
                authorize(
                    &caller.actor,
                    Permission::ProposeGoodPractice {
                        project_id: &b.project_id,
                        organization_id: &b.organization_id,
                        organization_is_partner,
                    },
                )?;
                check_area(b.plane, b.area)?;
                let tags = normalize_tags(&b.tags)?;
                let (title, description) = (b.title.trim(), b.description.trim());
                let id = crate::db::new_id();
                let now = crate::db::now();
                diesel::insert_into(gp::table)
                    .values((
                        gp::id.eq(&id),
                        gp::project_id.eq(&b.project_id),
                        gp::organization_id.eq(&b.organization_id),
                        gp::title.eq(title),
                        gp::description.eq(description),
                        gp::plane.eq(b.plane),
                        gp::area.eq(b.area.map(Area::as_str)),
                        gp::status.eq(ReviewStatus::Proposed.as_str()),
                        gp::search_text.eq(search_text(title, description, &tags)),
                        gp::created_at.eq(now),
                        gp::updated_at.eq(now),
                        gp::version.eq(1),
                    ))
                    .execute(conn)?;
                write_tags(conn, &id, &tags)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("good_practice", &id, "create")
                        .value("project_id", &b.project_id)
                        .value("organization_id", &b.organization_id)
                        .value("title", title)
                        .value("plane", b.plane)
                        .value("area", b.area)
                        .value("tags", &tags),
                )?;
                load(conn, &GoodPracticeVisibility::All, &id)
            })
        })
        .await?;
    Ok(respond(actix_web::http::StatusCode::CREATED, practice))
}

/// Reads a good practice (404 for one the caller may not see).
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The good practice's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The good practice", body = GoodPractice, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/good-practices/{id}")]
pub async fn get_good_practice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("good_practices"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let visibility = good_practice_visibility(&caller.actor);
    let g = state
        .db
        .run(move |conn| load(conn, &visibility, &id))
        .await?;
    Ok(json_with_etag(&req, etag(&g.id, g.version), &g))
}

/// Changes to a proposal: an absent field is unchanged, `null` clears it;
/// `tags` replaces the list.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGoodPractice {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub title: Option<String>,
    #[validate(
        length(min = 1, max = 20000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 20000)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[validate(range(min = 1, max = 3))]
    #[schema(minimum = 1, maximum = 3)]
    pub plane: Option<i32>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Area>)]
    pub area: Option<Option<Area>>,
    #[validate(length(max = 20), custom(function = "validate_tags"))]
    #[schema(max_items = 20, value_type = Option<Vec<Tag>>)]
    pub tags: Option<Vec<String>>,
}

/// Loads a row for a write, locked, after the caller's checks.
fn lock_for_write(conn: &mut DbConn, caller: &Caller, id: &str) -> Result<PracticeRow, ApiError> {
    diesel::update(gp::table.find(id))
        .set(gp::version.eq(gp::version))
        .execute(conn)?;
    load_visible(conn, &good_practice_visibility(&caller.actor), id)
}

/// Changes a proposal (only while `proposed`). The project's coordinators and
/// the proposing organisation's admins and members.
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The good practice's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateGoodPractice,
    responses(
        (status = 200, description = "The good practice", body = GoodPractice, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/good-practices/{id}")]
pub async fn update_good_practice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<UpdateGoodPractice>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let headers = req.headers().clone();
    let b = body.into_inner();
    let practice = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let current = lock_for_write(conn, &caller, &id)?;
                let organization_is_partner = crate::partnerships::is_project_partner(
                    conn,
                    &current.project_id,
                    &current.organization_id,
                )?;
                authorize(
                    &caller.actor,
                    Permission::ProposeGoodPractice {
                        project_id: &current.project_id,
                        organization_id: &current.organization_id,
                        organization_is_partner,
                    },
                )?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                if current.status != ReviewStatus::Proposed.as_str() {
                    return Err(ApiError::invalid_transition(
                        current.status.clone(),
                        Vec::new(),
                        "A reviewed good practice cannot be changed.",
                    ));
                }
                let title = b
                    .title
                    .as_deref()
                    .map_or(current.title.clone(), |t| t.trim().to_owned());
                let description = b
                    .description
                    .as_deref()
                    .map_or(current.description.clone(), |d| d.trim().to_owned());
                let plane = b.plane.unwrap_or(current.plane);
                let area = match b.area {
                    Some(a) => a,
                    None => current.area.as_deref().and_then(Area::parse),
                };
                check_area(plane, area)?;
                let tags = match &b.tags {
                    Some(t) => normalize_tags(t)?,
                    None => tags_of(conn, std::slice::from_ref(&id))?
                        .remove(&id)
                        .unwrap_or_default(),
                };
                diesel::update(gp::table.find(&id))
                    .set((
                        gp::title.eq(&title),
                        gp::description.eq(&description),
                        gp::plane.eq(plane),
                        gp::area.eq(area.map(Area::as_str)),
                        gp::search_text.eq(search_text(&title, &description, &tags)),
                        gp::updated_at.eq(crate::db::now()),
                        gp::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let mut change = Change::new("good_practice", &id, "update");
                if b.title.is_some() {
                    change = change.value("title", &title);
                }
                if b.description.is_some() {
                    change = change.value("description", &description);
                }
                if b.plane.is_some() {
                    change = change.value("plane", plane);
                }
                if b.area.is_some() {
                    change = change.value("area", area);
                }
                if b.tags.is_some() {
                    write_tags(conn, &id, &tags)?;
                    change = change.value("tags", &tags);
                }
                audit::record(conn, &caller, change)?;
                load(conn, &GoodPracticeVisibility::All, &id)
            })
        })
        .await?;
    Ok(respond(actix_web::http::StatusCode::OK, practice))
}

async fn review(
    state: &AppState,
    caller: Caller,
    id: String,
    headers: actix_web::http::header::HeaderMap,
    review: Review,
    note: Option<String>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    path_id("id", &id)?;
    let practice = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let current = lock_for_write(conn, &caller, &id)?;
                authorize(
                    &caller.actor,
                    Permission::ReviewGoodPractice {
                        project_id: &current.project_id,
                    },
                )?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                let status = stored(
                    ReviewStatus::parse(&current.status),
                    "review status",
                    &current.status,
                )?;
                let Some(next) = status.apply(review) else {
                    return Err(ApiError::invalid_transition(
                        status.as_str(),
                        status
                            .allowed()
                            .iter()
                            .map(|r| r.as_str().to_owned())
                            .collect(),
                        format!(
                            "A {} good practice cannot be reviewed again.",
                            status.as_str()
                        ),
                    ));
                };
                let now = crate::db::now();
                diesel::update(gp::table.find(&id))
                    .set((
                        gp::status.eq(next.as_str()),
                        gp::review_note.eq(&note),
                        gp::reviewed_at.eq(now),
                        gp::updated_at.eq(now),
                        gp::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("good_practice", &id, review.as_str())
                        .value("from", status.as_str())
                        .value("to", next.as_str())
                        .value("note", &note),
                )?;
                load(conn, &GoodPracticeVisibility::All, &id)
            })
        })
        .await?;
    Ok(respond(actix_web::http::StatusCode::OK, practice))
}

/// Accepts a proposed good practice into the compendium (`proposed` →
/// `accepted`). The project's coordinators.
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The good practice's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The good practice", body = GoodPractice, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/good-practices/{id}/accept")]
pub async fn accept_good_practice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    review(
        &state,
        caller,
        id.into_inner(),
        req.headers().clone(),
        Review::Accept,
        None,
    )
    .await
}

/// Why a proposal is rejected.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectGoodPractice {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// Rejects a proposed good practice (`proposed` → `rejected`); a reason is
/// required. The project's coordinators.
#[utoipa::path(
    tag = "good_practices",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The good practice's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = RejectGoodPractice,
    responses(
        (status = 200, description = "The good practice", body = GoodPractice, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/good-practices/{id}/reject")]
pub async fn reject_good_practice(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<RejectGoodPractice>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.into_inner().reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "a rejection needs a reason",
        )]));
    }
    review(
        &state,
        caller,
        id.into_inner(),
        req.headers().clone(),
        Review::Reject,
        Some(reason),
    )
    .await
}

crate::http::pagination::page_schema!(GoodPracticePage, GoodPractice, "A page of good practices.");
