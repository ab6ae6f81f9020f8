//! Campaigns: a group of a project's activities with a rule "at least N actions
//! in each of these locations" between two dates (seed 000: the 9 November
//! non-discrimination day, at least 2 actions in each of 5 locations). The
//! report says, location by location, how many actions took place and which
//! locations fall short.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    Campaign, CampaignPage, CampaignReport, CampaignRow, CreateCampaign, UpdateCampaign,
};
use super::rules::tally;
use super::store;
use crate::activities::handlers::project_for_change;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::record;
use crate::db::schema::{activities as act, campaigns as cp};
use crate::error::{ApiError, responses};
use crate::http::conditional::{IfMatch, created, etag, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::projects::model::ProjectRow;
use crate::state::AppState;

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
    id: PathId,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let page = list.0.page()?;
    let request = page.clone();
    let (rows, mut locations) = state
        .db
        .run(move |conn| {
            record::find::<ProjectRow>(conn, &id)?;
            let mut q = keyset_page!(cp::table.select(CampaignRow::as_select()), cp, request);
            q = q.filter(cp::project_id.eq(id));
            let rows = q.load::<CampaignRow>(conn)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            Ok((rows, store::locations_of(conn, &ids)?))
        })
        .await?;
    let page = Page::of_records(rows, &page, |r| {
        let names = locations.remove(&r.id).unwrap_or_default();
        Ok(Campaign::of(r, names.into_iter().map(|l| l.name).collect()))
    })?;
    Ok(HttpResponse::Ok().json(page))
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
    id: PathId,
    body: ApiJson<CreateCampaign>,
) -> Result<HttpResponse, ApiError> {
    let project = id.into_inner();
    let form = body.into_inner();
    let campaign = state
        .db
        .write(move |conn| {
            project_for_change(conn, &caller, &project)?;
            let row = store::insert_campaign(conn, &caller, &project, form)?;
            store::show_campaign(conn, row)
        })
        .await?;
    let location = format!("/api/v1/campaigns/{}", campaign.id);
    Ok(created(
        location,
        etag(&campaign.id, campaign.version),
        &campaign,
    ))
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
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let campaign = state
        .db
        .run(move |conn| {
            let row = record::find(conn, &id)?;
            store::show_campaign(conn, row)
        })
        .await?;
    let tag = etag(&campaign.id, campaign.version);
    Ok(json_with_etag(&req, tag, &campaign))
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
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateCampaign>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let campaign = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |_, c: &CampaignRow| {
                let project_id = &c.project_id;
                authorize(&caller.actor, Permission::UpdateProject { project_id })
            })?;
            let row = store::update_campaign(conn, &caller, current, changes)?;
            store::show_campaign(conn, row)
        })
        .await?;
    Ok(saved(etag(&campaign.id, campaign.version), &campaign))
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
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let (row, locations, counts) = state
        .db
        .run(move |conn| {
            let row: CampaignRow = record::find(conn, &id)?;
            let locations = store::locations(conn, &id)?;
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
            .map(|l| {
                let n = counts.get(&l.key).copied().unwrap_or(0);
                (l.name, n)
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
