//! Campaigns: a group of a project's activities with a rule "at least N actions
//! in each of these locations" between two dates (seed 000: the 9 November
//! non-discrimination day, at least 2 actions in each of 5 locations). The
//! report says, location by location, how many actions took place and which
//! locations fall short.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::handlers::project_exists;
use super::rules::{LocationTally, location_key, tally};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::schema::{activities as act, campaign_locations as cl, campaigns as cp};
use crate::error::{ApiError, FieldError, responses};
use crate::http::conditional::{check_if_match, etag, json_with_etag};
use crate::http::extract::double_option;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::path_id;
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cp)]
struct CampaignRow {
    id: String,
    project_id: String,
    name: String,
    description: Option<String>,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    min_actions_per_location: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// A campaign of a project.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000020", "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "name": "9 noiembrie — Ziua nediscriminării", "description": null,
    "starts_on": "2026-11-09", "ends_on": "2026-11-09", "min_actions_per_location": 2,
    "locations": ["Cluj-Napoca", "Dej", "Turda", "Gherla", "Huedin"],
    "created_at": "2026-11-26T10:00:00Z", "updated_at": "2026-11-26T10:00:00Z", "version": 1
}))]
pub struct Campaign {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub project_id: String,
    #[schema(max_length = 300)]
    pub name: String,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// The rule: at least this many actions in each location.
    #[schema(minimum = 1, maximum = 1000)]
    pub min_actions_per_location: i32,
    /// The locations the rule names, in order.
    #[schema(max_items = 100, value_type = Vec<LocationName>)]
    pub locations: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

/// A campaign location (a town, a district); compared without case or diacritics.
#[derive(ToSchema)]
#[schema(value_type = String, min_length = 1, max_length = 200)]
#[allow(dead_code)]
pub struct LocationName(String);

fn present(r: CampaignRow, locations: Vec<String>) -> Campaign {
    Campaign {
        id: r.id,
        project_id: r.project_id,
        name: r.name,
        description: r.description,
        starts_on: r.starts_on,
        ends_on: r.ends_on,
        min_actions_per_location: r.min_actions_per_location,
        locations,
        created_at: r.created_at.and_utc(),
        updated_at: r.updated_at.and_utc(),
        version: r.version,
    }
}

fn load_row(conn: &mut DbConn, id: &str) -> Result<CampaignRow, ApiError> {
    cp::table
        .find(id)
        .select(CampaignRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("No campaign has the id `{id}`.")))
}

/// The campaigns' locations, `(key, name)` in order, by campaign.
fn locations_of(
    conn: &mut DbConn,
    ids: &[String],
) -> Result<HashMap<String, Vec<(String, String)>>, ApiError> {
    let rows: Vec<(String, String, String)> = cl::table
        .filter(cl::campaign_id.eq_any(ids))
        .order((cl::campaign_id.asc(), cl::position.asc()))
        .select((cl::campaign_id, cl::name_key, cl::name))
        .load(conn)?;
    let mut by = HashMap::<String, Vec<(String, String)>>::new();
    for (c, k, n) in rows {
        by.entry(c).or_default().push((k, n));
    }
    Ok(by)
}

fn load(conn: &mut DbConn, id: &str) -> Result<Campaign, ApiError> {
    let row = load_row(conn, id)?;
    let mut locations = locations_of(conn, std::slice::from_ref(&row.id))?;
    let names = locations
        .remove(&row.id)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    Ok(present(row, names))
}

fn respond(status: actix_web::http::StatusCode, c: Campaign) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    if status == actix_web::http::StatusCode::CREATED {
        res.insert_header((header::LOCATION, format!("/api/v1/campaigns/{}", c.id)));
    }
    res.insert_header(header::ETag(etag(&c.id, c.version)))
        .json(c)
}

/// Trimmed locations with their keys; a repeated location (ignoring case and
/// diacritics) or a blank one is refused, by index.
fn normalize_locations(locations: &[String]) -> Result<Vec<(String, String)>, ApiError> {
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut errors = Vec::new();
    for (i, raw) in locations.iter().enumerate() {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let key = location_key(&name);
        if name.is_empty() {
            errors.push(FieldError::new(
                format!("locations[{i}]"),
                "required",
                "a location needs a name",
            ));
        } else if seen.iter().any(|(k, _)| *k == key) {
            errors.push(FieldError::new(
                format!("locations[{i}]"),
                "duplicate",
                format!("`{name}` is already a location of this campaign"),
            ));
        } else {
            seen.push((key, name));
        }
    }
    if errors.is_empty() {
        Ok(seen)
    } else {
        Err(ApiError::validation(errors))
    }
}

fn check_period(starts: NaiveDate, ends: NaiveDate) -> Result<(), ApiError> {
    if ends < starts {
        return Err(ApiError::validation(vec![FieldError::new(
            "ends_on",
            "before_start",
            "must not be before starts_on",
        )]));
    }
    Ok(())
}

fn write_locations(
    conn: &mut DbConn,
    campaign: &str,
    locations: &[(String, String)],
) -> Result<(), ApiError> {
    diesel::delete(cl::table.filter(cl::campaign_id.eq(campaign))).execute(conn)?;
    for (position, (key, name)) in locations.iter().enumerate() {
        diesel::insert_into(cl::table)
            .values((
                cl::campaign_id.eq(campaign),
                cl::name_key.eq(key),
                cl::name.eq(name),
                cl::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Lists a project's campaigns, by id.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id"), ListParams),
    responses(
        (status = 200, description = "A page of campaigns", body = CampaignPage),
    )
)]
#[get("/projects/{id}/campaigns")]
pub async fn list_campaigns(
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
    let (rows, mut locations) = state
        .db
        .run(move |conn| {
            project_exists(conn, &id)?;
            let mut q = cp::table
                .filter(cp::project_id.eq(&id))
                .select(CampaignRow::as_select())
                .order(cp::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(cp::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(cp::updated_at.ge(since));
            }
            let rows = q.load::<CampaignRow>(conn)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            Ok((rows, locations_of(conn, &ids)?))
        })
        .await?;
    let page = Page::from_rows(rows, &page, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(page.map(|r| {
        let names = locations
            .remove(&r.id)
            .unwrap_or_default()
            .into_iter()
            .map(|(_, n)| n)
            .collect();
        present(r, names)
    })))
}

/// A new campaign.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "name": "9 noiembrie — Ziua nediscriminării", "starts_on": "2026-11-09", "ends_on": "2026-11-09",
    "min_actions_per_location": 2, "locations": ["Cluj-Napoca", "Dej", "Turda", "Gherla", "Huedin"]
}))]
pub struct CreateCampaign {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    #[serde(deserialize_with = "crate::http::extract::integer")]
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub min_actions_per_location: i32,
    /// Each distinct, ignoring case and diacritics.
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validate_location_names")
    )]
    #[schema(min_items = 1, max_items = 100, value_type = Vec<LocationName>)]
    pub locations: Vec<String>,
}

fn validate_location_names(names: &[String]) -> Result<(), validator::ValidationError> {
    match names
        .iter()
        .position(|n| n.trim().is_empty() || n.chars().count() > 200)
    {
        Some(i) => Err(validator::ValidationError::new("length").with_message(
            format!(
                "every location has 1 to 200 characters, not only blanks; locations[{i}] does not"
            )
            .into(),
        )),
        None => Ok(()),
    }
}

/// Creates a campaign of a project. Admins and the project's coordinators.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    request_body = CreateCampaign,
    responses(
        (status = 201, description = "The campaign", body = Campaign, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/projects/{id}/campaigns")]
pub async fn create_campaign(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<CreateCampaign>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let b = body.into_inner();
    let campaign = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                project_exists(conn, &id)?;
                authorize(&caller.actor, Permission::UpdateProject { project_id: &id })?;
                check_period(b.starts_on, b.ends_on)?;
                let locations = normalize_locations(&b.locations)?;
                let campaign = crate::db::new_id();
                let now = crate::db::now();
                let name = b.name.trim();
                diesel::insert_into(cp::table)
                    .values((
                        cp::id.eq(&campaign),
                        cp::project_id.eq(&id),
                        cp::name.eq(name),
                        cp::description.eq(&b.description),
                        cp::starts_on.eq(b.starts_on),
                        cp::ends_on.eq(b.ends_on),
                        cp::min_actions_per_location.eq(b.min_actions_per_location),
                        cp::created_at.eq(now),
                        cp::updated_at.eq(now),
                        cp::version.eq(1),
                    ))
                    .execute(conn)?;
                write_locations(conn, &campaign, &locations)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("campaign", &campaign, "create")
                        .value("project_id", &id)
                        .value("name", name)
                        .value("description", &b.description)
                        .value("starts_on", b.starts_on)
                        .value("ends_on", b.ends_on)
                        .value("min_actions_per_location", b.min_actions_per_location)
                        .value(
                            "locations",
                            locations.iter().map(|(_, n)| n).collect::<Vec<_>>(),
                        ),
                )?;
                load(conn, &campaign)
            })
        })
        .await?;
    Ok(respond(actix_web::http::StatusCode::CREATED, campaign))
}

/// Reads a campaign.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The campaign's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The campaign", body = Campaign, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/campaigns/{id}")]
pub async fn get_campaign(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let c = state.db.run(move |conn| load(conn, &id)).await?;
    Ok(json_with_etag(&req, etag(&c.id, c.version), &c))
}

/// Changes to a campaign: an absent field is unchanged, `null` clears it.
/// `locations` replaces the list; a location with actions cannot be dropped,
/// nor can the dates leave an action outside them.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCampaign {
    #[validate(
        length(min = 1, max = 300),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<String>>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[validate(range(min = 1, max = 1000))]
    #[schema(minimum = 1, maximum = 1000)]
    pub min_actions_per_location: Option<i32>,
    #[validate(
        length(min = 1, max = 100),
        custom(function = "validate_location_names")
    )]
    #[schema(min_items = 1, max_items = 100, value_type = Option<Vec<LocationName>>)]
    pub locations: Option<Vec<String>>,
}

/// Changes a campaign. Admins and the project's coordinators.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The campaign's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateCampaign,
    responses(
        (status = 200, description = "The campaign", body = Campaign, headers(("ETag" = String))),
    )
)]
#[patch("/campaigns/{id}")]
pub async fn update_campaign(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<UpdateCampaign>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let headers = req.headers().clone();
    let b = body.into_inner();
    let campaign = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                diesel::update(cp::table.find(&id))
                    .set(cp::version.eq(cp::version))
                    .execute(conn)?;
                let current = load_row(conn, &id)?;
                authorize(
                    &caller.actor,
                    Permission::UpdateProject {
                        project_id: &current.project_id,
                    },
                )?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                let starts = b.starts_on.unwrap_or(current.starts_on);
                let ends = b.ends_on.unwrap_or(current.ends_on);
                check_period(starts, ends)?;
                let mut errors = Vec::new();
                let outside: i64 = act::table
                    .filter(act::campaign_id.eq(&id))
                    .filter(act::held_on.lt(starts).or(act::held_on.gt(ends)))
                    .count()
                    .get_result(conn)?;
                if outside > 0 {
                    errors.push(FieldError::new(
                        if b.starts_on.is_some() { "starts_on" } else { "ends_on" },
                        "actions_outside_period",
                        format!("{outside} action(s) of the campaign would fall outside {starts}..{ends}"),
                    ));
                }
                let locations = match &b.locations {
                    Some(l) => {
                        let new = match normalize_locations(l) {
                            Ok(new) => new,
                            Err(e) => {
                                errors.extend(e.field_errors().iter().cloned());
                                return Err(ApiError::validation(errors));
                            }
                        };
                        let names: Vec<(String, String)> = cl::table
                            .filter(cl::campaign_id.eq(&id))
                            .select((cl::name_key, cl::name))
                            .load(conn)?;
                        let used: Vec<Option<String>> = act::table
                            .filter(act::campaign_id.eq(&id))
                            .select(act::place_key)
                            .distinct()
                            .load(conn)?;
                        for key in used.into_iter().flatten() {
                            if !new.iter().any(|(k, _)| *k == key) {
                                let name = names
                                    .iter()
                                    .find(|(k, _)| *k == key)
                                    .map_or(key.as_str(), |(_, n)| n.as_str());
                                errors.push(FieldError::new(
                                    "locations",
                                    "location_has_actions",
                                    format!("`{name}` has actions and cannot be removed; move or delete them first"),
                                ));
                            }
                        }
                        Some(new)
                    }
                    None => None,
                };
                if !errors.is_empty() {
                    return Err(ApiError::validation(errors));
                }
                let name = b.name.as_deref().map_or(current.name.clone(), |n| n.trim().to_owned());
                let description = b.description.clone().unwrap_or(current.description.clone());
                let min = b.min_actions_per_location.unwrap_or(current.min_actions_per_location);
                diesel::update(cp::table.find(&id))
                    .set((
                        cp::name.eq(&name),
                        cp::description.eq(&description),
                        cp::starts_on.eq(starts),
                        cp::ends_on.eq(ends),
                        cp::min_actions_per_location.eq(min),
                        cp::updated_at.eq(crate::db::now()),
                        cp::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let mut change = Change::new("campaign", &id, "update");
                if b.name.is_some() {
                    change = change.value("name", &name);
                }
                if b.description.is_some() {
                    change = change.value("description", &description);
                }
                if b.starts_on.is_some() {
                    change = change.value("starts_on", starts);
                }
                if b.ends_on.is_some() {
                    change = change.value("ends_on", ends);
                }
                if b.min_actions_per_location.is_some() {
                    change = change.value("min_actions_per_location", min);
                }
                if let Some(l) = &locations {
                    write_locations(conn, &id, l)?;
                    // Actions keep the campaign's spelling of their location: a
                    // respelt location changes them (a new version, logged).
                    let now = crate::db::now();
                    for (key, name) in l {
                        let respelt: Vec<String> = act::table
                            .filter(act::campaign_id.eq(&id))
                            .filter(act::place_key.eq(key))
                            .filter(act::place.ne(name))
                            .select(act::id)
                            .load(conn)?;
                        for activity in respelt {
                            diesel::update(act::table.find(&activity))
                                .set((
                                    act::place.eq(name),
                                    act::updated_at.eq(now),
                                    act::version.eq(act::version + 1),
                                ))
                                .execute(conn)?;
                            audit::record(
                                conn,
                                &caller,
                                Change::new("activity", &activity, "update").value("place", name),
                            )?;
                        }
                    }
                    change = change.value("locations", l.iter().map(|(_, n)| n).collect::<Vec<_>>());
                }
                audit::record(conn, &caller, change)?;
                load(conn, &id)
            })
        })
        .await?;
    Ok(respond(actix_web::http::StatusCode::OK, campaign))
}

/// How a campaign stands against its rule.
#[derive(Debug, Serialize, ToSchema)]
pub struct CampaignReport {
    #[schema(format = Uuid)]
    pub campaign_id: String,
    #[schema(minimum = 1, maximum = 1000)]
    pub min_actions_per_location: i32,
    /// Every location, in the campaign's order.
    #[schema(max_items = 100)]
    pub locations: Vec<LocationTally>,
    /// The locations that fall short of the rule.
    #[schema(max_items = 100, value_type = Vec<LocationName>)]
    pub short_locations: Vec<String>,
    /// Whether every location meets the rule.
    pub met: bool,
    /// All actions of the campaign.
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub total_actions: i64,
}

/// Reports, location by location, how many actions of the campaign took place
/// and which locations fall short of the rule.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The campaign's id")),
    responses(
        (status = 200, description = "The campaign report", body = CampaignReport),
    )
)]
#[get("/campaigns/{id}/report")]
pub async fn get_campaign_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let (row, locations, counts) = state
        .db
        .run(move |conn| {
            let row = load_row(conn, &id)?;
            let locations = locations_of(conn, std::slice::from_ref(&id))?
                .remove(&id)
                .unwrap_or_default();
            let counts: Vec<(Option<String>, i64)> = act::table
                .filter(act::campaign_id.eq(&id))
                .group_by(act::place_key)
                .select((act::place_key, diesel::dsl::count_star()))
                .load(conn)?;
            Ok((row, locations, counts))
        })
        .await?;
    let counts: HashMap<String, i64> = counts
        .into_iter()
        .filter_map(|(k, n)| k.map(|k| (k, n)))
        .collect();
    let min = i64::from(row.min_actions_per_location);
    let tallies = tally(
        min,
        locations
            .into_iter()
            .map(|(k, name)| {
                let n = counts.get(&k).copied().unwrap_or(0);
                (name, n)
            })
            .collect(),
    );
    let short_locations: Vec<String> = tallies
        .iter()
        .filter(|t| !t.met)
        .map(|t| t.name.clone())
        .collect();
    Ok(HttpResponse::Ok().json(CampaignReport {
        campaign_id: row.id,
        min_actions_per_location: row.min_actions_per_location,
        met: short_locations.is_empty(),
        total_actions: tallies.iter().map(|t| t.actions).sum(),
        short_locations,
        locations: tallies,
    }))
}

crate::http::pagination::page_schema!(CampaignPage, Campaign, "A page of campaigns.");
