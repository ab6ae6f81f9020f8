//! The legislative watch list: drafts of other bodies — a ministry's bill, a
//! voivodeship's programme, a county council's resolution consulted
//! elsewhere — that an organisation follows, with their comment deadlines;
//! and the "upcoming deadlines" query over them and the consultations.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::model::ConsultationRow;
use super::rules::{ConsultationStatus, check_instants, instant};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize};
use crate::db::enums::StrEnum;
use crate::db::record::{self, Record};
use crate::db::schema::{consultations as co, organizations, watched_drafts as wd};
use crate::db::{DbConn, fold_for_search};
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::{PathId, RecordId};
use crate::http::pagination::{ListParams, Page};
use crate::http::timestamp::Timestamp;
use crate::keyset_page;
use crate::state::AppState;

crate::string_enum! {
    "watched draft status"
    /// `watching` until the organisation has commented (`commented`) or
    /// stops following the draft (`closed`).
    #[derive(ToSchema)]
    pub enum WatchStatus {
        Watching = "watching",
        Commented = "commented",
        Closed = "closed",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = wd)]
pub struct WatchedDraftRow {
    pub id: String,
    pub organization_id: String,
    pub title: String,
    pub title_search: String,
    pub issuer: Option<String>,
    pub source_url: String,
    pub policy_area: Option<String>,
    pub territorial_unit_code: Option<String>,
    pub comment_deadline: NaiveDateTime,
    pub status: String,
    pub note: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(WatchedDraftRow, wd, "watched draft");

/// A draft an organisation follows.
#[derive(Debug, Serialize, ToSchema)]
pub struct WatchedDraft {
    #[schema(format = Uuid)]
    pub id: String,
    /// The organisation that follows it.
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(max_length = 500)]
    pub title: String,
    /// Who drafts it: a ministry, a voivodeship, a council.
    #[schema(max_length = 300)]
    pub issuer: Option<String>,
    #[schema(format = "uri", max_length = 2000)]
    pub source_url: String,
    #[schema(max_length = 200)]
    pub policy_area: Option<String>,
    /// The territorial unit it concerns; `null` for the whole country.
    #[schema(max_length = 20)]
    pub territorial_unit_code: Option<String>,
    pub comment_deadline: Timestamp,
    pub status: WatchStatus,
    /// The following organisation's own note: for its admins and members
    /// (`null` to anybody else).
    #[schema(max_length = 5000)]
    pub note: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<WatchedDraftRow> for WatchedDraft {
    type Error = ApiError;

    fn try_from(r: WatchedDraftRow) -> Result<Self, ApiError> {
        Ok(Self {
            status: WatchStatus::stored(&r.status)?,
            id: r.id,
            organization_id: r.organization_id,
            title: r.title,
            issuer: r.issuer,
            source_url: r.source_url,
            policy_area: r.policy_area,
            territorial_unit_code: r.territorial_unit_code,
            comment_deadline: r.comment_deadline.into(),
            note: r.note,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// `row` as `actor` sees it: the note only if they follow it.
fn shown_to(actor: &crate::auth::Actor, row: WatchedDraftRow) -> Result<WatchedDraft, ApiError> {
    let own = crate::auth::policy::allows(
        actor,
        Permission::WatchDrafts {
            organization_id: &row.organization_id,
        },
    );
    let mut shown = WatchedDraft::try_from(row)?;
    if !own {
        shown.note = None;
    }
    Ok(shown)
}

/// A draft to follow; it starts `watching`.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWatchedDraft {
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub issuer: Option<String>,
    #[validate(
        custom(function = "crate::http::extract::validate_http_url"),
        length(max = 2000)
    )]
    #[schema(
        format = "uri",
        max_length = 2000,
        pattern = "^[Hh][Tt][Tt][Pp][Ss]?://"
    )]
    pub source_url: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub policy_area: Option<String>,
    #[validate(length(min = 1, max = 20))]
    #[schema(min_length = 1, max_length = 20)]
    pub territorial_unit_code: Option<String>,
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub comment_deadline: DateTime<Utc>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub note: Option<String>,
}

/// Changes to a watched draft: an absent field is unchanged, `null` clears
/// it.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWatchedDraft {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 300))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 300)]
    pub issuer: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        custom(function = "crate::http::extract::validate_http_url"),
        length(max = 2000)
    )]
    #[schema(
        format = "uri",
        max_length = 2000,
        pattern = "^[Hh][Tt][Tt][Pp][Ss]?://"
    )]
    pub source_url: Option<String>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 200))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub policy_area: Option<Option<String>>,
    /// `null`: the whole country.
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 20))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 20)]
    pub territorial_unit_code: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub comment_deadline: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<WatchStatus>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub note: Option<Option<String>>,
}

/// Filters of the watch list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WatchFilter {
    #[param(value_type = Option<String>, format = Uuid)]
    pub organization_id: Option<RecordId>,
    pub status: Option<WatchStatus>,
}

crate::http::pagination::page_schema!(WatchedDraftPage, WatchedDraft, "A page of watched drafts.");

/// 422 naming `territorial_unit_code` unless the unit exists.
fn check_unit(conn: &mut DbConn, code: Option<&str>) -> Result<(), ApiError> {
    if let Some(code) = code {
        crate::territorial_units::unit_and_parents(conn, code)?;
    }
    Ok(())
}

/// Puts `form` on its organisation's watch list, `watching`.
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    form: CreateWatchedDraft,
) -> Result<WatchedDraftRow, ApiError> {
    crate::db::references::ensure_organization(conn, &form.organization_id, "organization_id")?;
    check_unit(conn, form.territorial_unit_code.as_deref())?;
    let deadline = instant(form.comment_deadline);
    crate::http::transition::guard(check_instants(&[("comment_deadline", Some(deadline))]))?;
    let id = crate::db::new_id();
    let now = crate::db::now();
    let title = form.title.trim();
    diesel::insert_into(wd::table)
        .values((
            wd::id.eq(&id),
            wd::organization_id.eq(&form.organization_id),
            wd::title.eq(title),
            wd::title_search.eq(fold_for_search(title)),
            wd::issuer.eq(&form.issuer),
            wd::source_url.eq(&form.source_url),
            wd::policy_area.eq(&form.policy_area),
            wd::territorial_unit_code.eq(&form.territorial_unit_code),
            wd::comment_deadline.eq(deadline),
            wd::status.eq(WatchStatus::Watching.as_str()),
            wd::note.eq(&form.note),
            wd::created_at.eq(now),
            wd::updated_at.eq(now),
            wd::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("watched_draft", &id, "create").form(&form, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Lists the watch list, by id: every organisation's, or one's. Any
/// signed-in user.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, WatchFilter),
    responses((status = 200, description = "A page of watched drafts", body = WatchedDraftPage))
)]
#[get("/watched-drafts")]
pub async fn list_watched_drafts(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<WatchFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadWatchList)?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(wd::table.select(WatchedDraftRow::as_select()), wd, request);
            if let Some(org) = filter.organization_id {
                q = q.filter(wd::organization_id.eq(org.into_inner()));
            }
            if let Some(status) = filter.status {
                q = q.filter(wd::status.eq(status.as_str()));
            }
            Ok(q.load::<WatchedDraftRow>(conn)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::of_records(rows, &page, |r| {
        shown_to(&caller.actor, r)
    })?))
}

/// Adds a draft to an organisation's watch list. Its admins and members.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateWatchedDraft,
    responses(
        (status = 201, description = "The watched draft", body = WatchedDraft, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/watched-drafts")]
pub async fn create_watched_draft(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateWatchedDraft>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    authorize(
        &caller.actor,
        Permission::WatchDrafts {
            organization_id: &form.organization_id,
        },
    )?;
    let row = state
        .db
        .write(move |conn| insert(conn, &caller, form))
        .await?;
    let location = format!("/api/v1/watched-drafts/{}", row.id);
    Ok(created(location, row.etag(), &WatchedDraft::try_from(row)?))
}

/// Reads a watched draft. Any signed-in user.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The watched draft's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The watched draft", body = WatchedDraft, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/watched-drafts/{id}")]
pub async fn get_watched_draft(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadWatchList)?;
    let id = id.into_inner();
    let row: WatchedDraftRow = state.db.run(move |conn| record::find(conn, &id)).await?;
    Ok(json_with_etag(
        &req,
        row.etag(),
        &shown_to(&caller.actor, row)?,
    ))
}

/// Changes a watched draft: its title, issuer, source, policy area,
/// territorial unit, deadline, status or note. The following organisation's
/// admins and members.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The watched draft's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateWatchedDraft,
    responses(
        (status = 200, description = "The watched draft", body = WatchedDraft, headers(("ETag" = String))),
    )
)]
#[patch("/watched-drafts/{id}")]
pub async fn update_watched_draft(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateWatchedDraft>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |_, r: &WatchedDraftRow| {
                authorize(
                    &caller.actor,
                    Permission::WatchDrafts {
                        organization_id: &r.organization_id,
                    },
                )
            })?;
            let deadline = changes
                .comment_deadline
                .map_or(current.comment_deadline, instant);
            crate::http::transition::guard(check_instants(&[(
                "comment_deadline",
                Some(deadline),
            )]))?;
            if let Some(unit) = &changes.territorial_unit_code {
                check_unit(conn, unit.as_deref())?;
            }
            let title = changes
                .title
                .as_deref()
                .map_or(current.title.clone(), |t| t.trim().to_owned());
            diesel::update(wd::table.find(&id))
                .set((
                    wd::title_search.eq(fold_for_search(&title)),
                    wd::title.eq(&title),
                    wd::comment_deadline.eq(deadline),
                    wd::issuer.eq(changes.issuer.clone().unwrap_or(current.issuer.clone())),
                    wd::source_url.eq(changes
                        .source_url
                        .clone()
                        .unwrap_or(current.source_url.clone())),
                    wd::policy_area.eq(changes
                        .policy_area
                        .clone()
                        .unwrap_or(current.policy_area.clone())),
                    wd::territorial_unit_code.eq(changes
                        .territorial_unit_code
                        .clone()
                        .unwrap_or(current.territorial_unit_code.clone())),
                    wd::status.eq(changes
                        .status
                        .map_or(current.status.clone(), |s| s.as_str().to_owned())),
                    wd::note.eq(changes.note.clone().unwrap_or(current.note.clone())),
                    wd::updated_at.eq(crate::db::now()),
                    wd::version.eq(current.version + 1),
                ))
                .execute(conn)?;
            let change = Change::new("watched_draft", &id, "update").form(&changes, &[]);
            audit::record(conn, &caller, change)?;
            record::find::<WatchedDraftRow>(conn, &id)
        })
        .await?;
    Ok(saved(row.etag(), &WatchedDraft::try_from(row)?))
}

/// The window and place of the upcoming deadlines.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineParams {
    /// Deadlines from now to this many days ahead (1–366; 30 if not given).
    #[param(minimum = 1, maximum = 366)]
    pub days: Option<i64>,
    /// Only what concerns this territorial unit or a unit within it (a
    /// consultation by where its initiating organisation is; a draft by the
    /// unit it concerns; nationwide drafts always).
    #[param(max_length = 20, pattern = "^[A-Za-z0-9-]{1,20}$")]
    pub territorial_unit_code: Option<String>,
    /// Only this organisation's consultations and watched drafts.
    #[param(value_type = Option<String>, format = Uuid)]
    pub organization_id: Option<RecordId>,
}

crate::string_enum! {
    "deadline kind"
    /// A consultation's closing, or a watched draft's comment deadline.
    #[derive(ToSchema)]
    pub enum DeadlineKind {
        Consultation = "consultation",
        WatchedDraft = "watched_draft",
    }
}

/// A deadline to comment by.
#[derive(Debug, Serialize, ToSchema)]
pub struct Deadline {
    pub kind: DeadlineKind,
    /// The consultation's or the watched draft's id.
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(max_length = 500)]
    pub title: String,
    pub deadline: Timestamp,
    /// The initiating or the following organisation.
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(max_length = 20)]
    pub territorial_unit_code: Option<String>,
}

/// The upcoming deadlines, soonest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineList {
    #[schema(max_items = 500)]
    pub items: Vec<Deadline>,
}

/// The most deadlines one answer lists.
const MAX_DEADLINES: i64 = 500;

/// The upcoming deadlines — consultations that close (announced or open,
/// by the clock) and watched drafts still `watching` whose comment deadline
/// comes — within `days`, soonest first, for a territorial unit (and the
/// units within it) or an organisation. Any signed-in user.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(DeadlineParams),
    responses((status = 200, description = "The deadlines, soonest first", body = DeadlineList))
)]
#[get("/deadlines")]
pub async fn upcoming_deadlines(
    state: web::Data<AppState>,
    caller: Caller,
    params: ApiQuery<DeadlineParams>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadWatchList)?;
    let params = params.into_inner();
    let days = params.days.unwrap_or(30);
    if !(1..=366).contains(&days) {
        return Err(ApiError::invalid_parameter(
            "days",
            "out_of_range",
            "must be from 1 to 366",
        ));
    }
    if let Some(code) = &params.territorial_unit_code {
        crate::territorial_units::check_code_param("territorial_unit_code", code)?;
    }
    let items = state
        .db
        .run(move |conn| {
            if let Some(code) = &params.territorial_unit_code
                && crate::territorial_units::unit_and_parents(conn, code).is_err()
            {
                return Err(ApiError::invalid_parameter(
                    "territorial_unit_code",
                    "unknown",
                    format!("no territorial unit has the code `{code}`"),
                ));
            }
            deadlines(
                conn,
                days,
                params.territorial_unit_code,
                params.organization_id,
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(DeadlineList { items }))
}

fn upcoming_consultations(
    conn: &mut DbConn,
    (now, until): (NaiveDateTime, NaiveDateTime),
    organization: Option<&RecordId>,
    region: Option<&[String]>,
) -> Result<Vec<Deadline>, ApiError> {
    use ConsultationStatus::*;
    let mut q = co::table
        .inner_join(organizations::table.on(organizations::id.eq(co::initiating_organization_id)))
        .filter(co::announced_at.is_not_null())
        .filter(co::status.eq_any([Announced.as_str(), Open.as_str()]))
        .filter(co::closes_at.gt(now))
        .filter(co::closes_at.le(until))
        .select((
            ConsultationRow::as_select(),
            organizations::territorial_unit_code,
        ))
        .order((co::closes_at.asc(), co::id.asc()))
        .limit(MAX_DEADLINES)
        .into_boxed();
    if let Some(org) = organization {
        q = q.filter(co::initiating_organization_id.eq(org.as_str()));
    }
    if let Some(units) = region {
        q = q.filter(organizations::territorial_unit_code.eq_any(units));
    }
    let rows: Vec<(ConsultationRow, Option<String>)> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(row, unit)| {
            Some(Deadline {
                kind: DeadlineKind::Consultation,
                deadline: row.closes_at?.into(),
                id: row.id,
                title: row.subject,
                organization_id: row.initiating_organization_id,
                territorial_unit_code: unit,
            })
        })
        .collect())
}

/// Drafts a region follows: those of its units, and the nationwide ones.
fn upcoming_drafts(
    conn: &mut DbConn,
    (now, until): (NaiveDateTime, NaiveDateTime),
    organization: Option<&RecordId>,
    region: Option<&[String]>,
) -> Result<Vec<Deadline>, ApiError> {
    let mut q = wd::table
        .filter(wd::status.eq(WatchStatus::Watching.as_str()))
        .filter(wd::comment_deadline.gt(now))
        .filter(wd::comment_deadline.le(until))
        .select(WatchedDraftRow::as_select())
        .order((wd::comment_deadline.asc(), wd::id.asc()))
        .limit(MAX_DEADLINES)
        .into_boxed();
    if let Some(org) = organization {
        q = q.filter(wd::organization_id.eq(org.as_str()));
    }
    if let Some(units) = region {
        q = q.filter(
            wd::territorial_unit_code
                .is_null()
                .or(wd::territorial_unit_code.eq_any(units)),
        );
    }
    let rows: Vec<WatchedDraftRow> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|row| Deadline {
            kind: DeadlineKind::WatchedDraft,
            id: row.id,
            title: row.title,
            deadline: row.comment_deadline.into(),
            organization_id: row.organization_id,
            territorial_unit_code: row.territorial_unit_code,
        })
        .collect())
}

fn deadlines(
    conn: &mut DbConn,
    days: i64,
    region: Option<String>,
    organization: Option<RecordId>,
) -> Result<Vec<Deadline>, ApiError> {
    let now = crate::db::now();
    let window = (now, now + Duration::days(days));
    let units = region
        .map(|code| crate::territorial_units::within(conn, &code))
        .transpose()?;
    let mut items = upcoming_consultations(conn, window, organization.as_ref(), units.as_deref())?;
    items.extend(upcoming_drafts(
        conn,
        window,
        organization.as_ref(),
        units.as_deref(),
    )?);
    items.sort_by(|a, b| a.deadline.cmp(&b.deadline).then(a.id.cmp(&b.id)));
    items.truncate(MAX_DEADLINES as usize);
    Ok(items)
}
