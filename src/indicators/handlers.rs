//! Result indicators of a project: name, unit, target, and the achieved value
//! (entered, or computed when read); the project report lists them all with
//! their percentage of the target.

use actix_web::http::header::{self, EntityTag};
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::rules::{IndicatorKind, percent};
use crate::activities::handlers::project_exists;
use crate::activities::rules::ActivityType;
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::schema::{activities as act, projects as pr, result_indicators as ri};
use crate::error::{ApiError, FieldError, responses, stored};
use crate::http::conditional::{check_if_match_version, json_with_etag};
use crate::http::extract::double_option;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::path_id;
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ri)]
struct IndicatorRow {
    id: String,
    project_id: String,
    name: String,
    unit: String,
    target: f64,
    kind: String,
    manual_value: Option<f64>,
    activity_type: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// A result indicator of a project.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000030", "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "name": "Campaign actions", "unit": "actions", "target": 10, "kind": "activity_count",
    "activity_type": "campaign_action", "value": null, "achieved": 7, "percent": 70.0,
    "created_at": "2026-11-26T10:00:00Z", "updated_at": "2026-11-26T10:00:00Z", "version": 1
}))]
pub struct Indicator {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub project_id: String,
    #[schema(max_length = 300)]
    pub name: String,
    /// What is counted: people, actions, trainings, documents, ...
    #[schema(max_length = 50)]
    pub unit: String,
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub target: f64,
    pub kind: IndicatorKind,
    /// For the activity kinds: only activities of this type count.
    pub activity_type: Option<ActivityType>,
    /// The entered value of a `manual` indicator.
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub value: Option<f64>,
    /// What has been achieved: the entered value, or the value computed now.
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub achieved: Option<f64>,
    /// `achieved` as a percentage of `target`, to one decimal.
    #[schema(minimum = 0)]
    pub percent: Option<f64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

fn kind_of(r: &IndicatorRow) -> Result<IndicatorKind, ApiError> {
    stored(IndicatorKind::parse(&r.kind), "indicator kind", &r.kind)
}

/// The achieved value of an indicator, computed now for the computed kinds.
fn achieved(conn: &mut DbConn, r: &IndicatorRow) -> Result<Option<f64>, ApiError> {
    let of_project = || {
        let mut q = act::table
            .filter(act::project_id.eq(r.project_id.clone()))
            .into_boxed();
        if let Some(t) = &r.activity_type {
            q = q.filter(act::kind.eq(t.clone()));
        }
        q
    };
    Ok(match kind_of(r)? {
        IndicatorKind::Manual => r.manual_value,
        IndicatorKind::ActivityCount => {
            let n: i64 = of_project().count().get_result(conn)?;
            Some(n as f64)
        }
        IndicatorKind::ActivityAttendance => {
            let total: Option<i64> = of_project()
                .select(diesel::dsl::sum(act::attendance))
                .first(conn)?;
            Some(total.unwrap_or(0) as f64)
        }
    })
}

fn present(conn: &mut DbConn, r: IndicatorRow) -> Result<Indicator, ApiError> {
    let achieved = achieved(conn, &r)?;
    let kind = kind_of(&r)?;
    Ok(Indicator {
        percent: percent(r.target, achieved),
        achieved,
        id: r.id,
        project_id: r.project_id,
        name: r.name,
        unit: r.unit,
        target: r.target,
        kind,
        activity_type: r
            .activity_type
            .as_deref()
            .map(|t| stored(ActivityType::parse(t), "activity type", t))
            .transpose()?,
        value: r.manual_value,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
        version: r.version,
    })
}

/// The tag names the computed value too, so that a cached computed indicator
/// is refreshed when its data change.
fn tag(i: &Indicator) -> EntityTag {
    let achieved = i.achieved.map_or(0, f64::to_bits);
    EntityTag::new_strong(format!("{}.v{}.{achieved:x}", i.id, i.version))
}

fn load_row(conn: &mut DbConn, id: &str) -> Result<IndicatorRow, ApiError> {
    ri::table
        .find(id)
        .select(IndicatorRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("No result indicator has the id `{id}`.")))
}

fn respond(status: actix_web::http::StatusCode, i: Indicator) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    if status == actix_web::http::StatusCode::CREATED {
        res.insert_header((header::LOCATION, format!("/api/v1/indicators/{}", i.id)));
    }
    res.insert_header(header::ETag(tag(&i))).json(i)
}

/// Refuses parameters the kind does not take.
fn check_kind(
    kind: IndicatorKind,
    value: Option<f64>,
    activity_type: Option<ActivityType>,
) -> Result<(), ApiError> {
    let mut errors = Vec::new();
    if kind != IndicatorKind::Manual && value.is_some() {
        errors.push(FieldError::new(
            "value",
            "computed",
            format!(
                "a `{}` indicator is computed; it takes no value",
                kind.as_str()
            ),
        ));
    }
    if !kind.counts_activities() && activity_type.is_some() {
        errors.push(FieldError::new(
            "activity_type",
            "not_applicable",
            format!("a `{}` indicator counts no activities", kind.as_str()),
        ));
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

/// Lists a project's result indicators, oldest first, with their achieved values.
#[utoipa::path(
    tag = "indicators",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id"), ListParams),
    responses(
        (status = 200, description = "A page of indicators", body = IndicatorPage),
    )
)]
#[get("/projects/{id}/indicators")]
pub async fn list_indicators(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let page = list.0.page()?;
    let request = page.clone();
    let page = state
        .db
        .run(move |conn| {
            project_exists(conn, &id)?;
            let mut q = ri::table
                .filter(ri::project_id.eq(&id))
                .select(IndicatorRow::as_select())
                .order(ri::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after.clone() {
                q = q.filter(ri::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(ri::updated_at.ge(since));
            }
            let rows = q.load::<IndicatorRow>(conn)?;
            let page = Page::from_rows(rows, &request, |r| r.id.clone());
            let items = page
                .items
                .into_iter()
                .map(|r| present(conn, r))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Page {
                items,
                next_cursor: page.next_cursor,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// A new result indicator.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "Civil servants trained", "unit": "people", "target": 20, "kind": "manual", "value": 0
}))]
pub struct CreateIndicator {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 50)]
    pub unit: String,
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub target: f64,
    pub kind: IndicatorKind,
    /// For the activity kinds: count only activities of this type.
    pub activity_type: Option<ActivityType>,
    /// For a `manual` indicator: the value achieved so far.
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub value: Option<f64>,
}

/// Adds a result indicator to a project. Admins and the project's coordinators.
#[utoipa::path(
    tag = "indicators",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    request_body = CreateIndicator,
    responses(
        (status = 201, description = "The indicator", body = Indicator, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/projects/{id}/indicators")]
pub async fn create_indicator(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<CreateIndicator>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let b = body.into_inner();
    let indicator = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                project_exists(conn, &id)?;
                authorize(&caller.actor, Permission::UpdateProject { project_id: &id })?;
                check_kind(b.kind, b.value, b.activity_type)?;
                let indicator = crate::db::new_id();
                let now = crate::db::now();
                let (name, unit) = (b.name.trim(), b.unit.trim());
                diesel::insert_into(ri::table)
                    .values((
                        ri::id.eq(&indicator),
                        ri::project_id.eq(&id),
                        ri::name.eq(name),
                        ri::unit.eq(unit),
                        ri::target.eq(b.target),
                        ri::kind.eq(b.kind.as_str()),
                        ri::manual_value.eq(b.value),
                        ri::activity_type.eq(b.activity_type.map(ActivityType::as_str)),
                        ri::created_at.eq(now),
                        ri::updated_at.eq(now),
                        ri::version.eq(1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("result_indicator", &indicator, "create")
                        .value("project_id", &id)
                        .value("name", name)
                        .value("unit", unit)
                        .value("target", b.target)
                        .value("kind", b.kind)
                        .value("activity_type", b.activity_type)
                        .value("value", b.value),
                )?;
                let row = load_row(conn, &indicator)?;
                present(conn, row)
            })
        })
        .await?;
    Ok(respond(actix_web::http::StatusCode::CREATED, indicator))
}

/// Reads a result indicator, its achieved value computed now.
#[utoipa::path(
    tag = "indicators",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The indicator's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The indicator", body = Indicator, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/indicators/{id}")]
pub async fn get_indicator(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let i = state
        .db
        .run(move |conn| {
            let row = load_row(conn, &id)?;
            present(conn, row)
        })
        .await?;
    Ok(json_with_etag(&req, tag(&i), &i))
}

/// Changes to an indicator: an absent field is unchanged, `null` clears it. The
/// kind cannot change; create another indicator instead.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateIndicator {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[validate(
        length(min = 1, max = 50),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 50)]
    pub unit: Option<String>,
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub target: Option<f64>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<ActivityType>)]
    pub activity_type: Option<Option<ActivityType>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(range(min = 0.0, max = 1e12))]
    #[schema(value_type = Option<f64>, minimum = 0, maximum = 1000000000000_f64)]
    pub value: Option<Option<f64>>,
}

/// Changes an indicator, e.g. enters the achieved value of a manual one.
/// Admins and the project's coordinators.
#[utoipa::path(
    tag = "indicators",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The indicator's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateIndicator,
    responses(
        (status = 200, description = "The indicator", body = Indicator, headers(("ETag" = String))),
    )
)]
#[patch("/indicators/{id}")]
pub async fn update_indicator(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<UpdateIndicator>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let headers = req.headers().clone();
    let b = body.into_inner();
    let indicator = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                diesel::update(ri::table.find(&id))
                    .set(ri::version.eq(ri::version))
                    .execute(conn)?;
                let current = load_row(conn, &id)?;
                authorize(
                    &caller.actor,
                    Permission::UpdateProject {
                        project_id: &current.project_id,
                    },
                )?;
                let shown = present(conn, current.clone())?;
                // A new activity changes a computed value, not the indicator.
                check_if_match_version(&headers, &current.id, current.version, &tag(&shown))?;
                let kind = kind_of(&current)?;
                check_kind(kind, b.value.flatten(), b.activity_type.flatten())?;
                let name = b
                    .name
                    .as_deref()
                    .map_or(current.name.clone(), |n| n.trim().to_owned());
                let unit = b
                    .unit
                    .as_deref()
                    .map_or(current.unit.clone(), |u| u.trim().to_owned());
                let target = b.target.unwrap_or(current.target);
                let value = b.value.unwrap_or(current.manual_value);
                let activity_type = match b.activity_type {
                    Some(t) => t.map(|t| t.as_str().to_owned()),
                    None => current.activity_type.clone(),
                };
                diesel::update(ri::table.find(&id))
                    .set((
                        ri::name.eq(&name),
                        ri::unit.eq(&unit),
                        ri::target.eq(target),
                        ri::manual_value.eq(value),
                        ri::activity_type.eq(&activity_type),
                        ri::updated_at.eq(crate::db::now()),
                        ri::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let mut change = Change::new("result_indicator", &id, "update");
                if b.name.is_some() {
                    change = change.value("name", &name);
                }
                if b.unit.is_some() {
                    change = change.value("unit", &unit);
                }
                if b.target.is_some() {
                    change = change.value("target", target);
                }
                if b.value.is_some() {
                    change = change.value("value", value);
                }
                if b.activity_type.is_some() {
                    change = change.value("activity_type", &activity_type);
                }
                audit::record(conn, &caller, change)?;
                let row = load_row(conn, &id)?;
                present(conn, row)
            })
        })
        .await?;
    Ok(respond(actix_web::http::StatusCode::OK, indicator))
}

/// One line of the project report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportLine {
    #[schema(format = Uuid)]
    pub indicator_id: String,
    #[schema(max_length = 300)]
    pub name: String,
    #[schema(max_length = 50)]
    pub unit: String,
    pub kind: IndicatorKind,
    #[schema(minimum = 0, maximum = 1000000000000_f64)]
    pub target: f64,
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub achieved: Option<f64>,
    #[schema(minimum = 0)]
    pub percent: Option<f64>,
}

/// A project's results: every indicator with target, achieved and percent, and
/// the activity totals.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProjectReport {
    #[schema(format = Uuid)]
    pub project_id: String,
    #[schema(max_length = 50)]
    pub code: String,
    #[schema(max_length = 500)]
    pub title: String,
    /// When the computed values were computed.
    pub generated_at: DateTime<Utc>,
    #[schema(max_items = 1000)]
    pub indicators: Vec<ReportLine>,
    /// The project's activities.
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub activities: i64,
    /// Their total attendance.
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub attendance: i64,
}

/// The project report: for each result indicator, target, achieved and percent.
#[utoipa::path(
    tag = "indicators",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    responses(
        (status = 200, description = "The report", body = ProjectReport),
    )
)]
#[get("/projects/{id}/report")]
pub async fn get_project_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let report = state
        .db
        .run(move |conn| {
            let (code, title): (String, String) = pr::table
                .find(&id)
                .select((pr::code, pr::title))
                .first(conn)
                .optional()?
                .ok_or_else(|| ApiError::not_found(format!("No project has the id `{id}`.")))?;
            let generated_at = crate::db::now().and_utc();
            let rows: Vec<IndicatorRow> = ri::table
                .filter(ri::project_id.eq(&id))
                .select(IndicatorRow::as_select())
                .order(ri::id.asc())
                .load(conn)?;
            let mut indicators = Vec::with_capacity(rows.len());
            for r in rows {
                let i = present(conn, r)?;
                indicators.push(ReportLine {
                    indicator_id: i.id,
                    name: i.name,
                    unit: i.unit,
                    kind: i.kind,
                    target: i.target,
                    achieved: i.achieved,
                    percent: i.percent,
                });
            }
            let (activities, attendance): (i64, Option<i64>) = act::table
                .filter(act::project_id.eq(&id))
                .select((diesel::dsl::count_star(), diesel::dsl::sum(act::attendance)))
                .first(conn)?;
            Ok(ProjectReport {
                project_id: id,
                code,
                title,
                generated_at,
                indicators,
                activities,
                attendance: attendance.unwrap_or(0),
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

crate::http::pagination::page_schema!(IndicatorPage, Indicator, "A page of result indicators.");
