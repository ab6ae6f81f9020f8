//! Writing activities and campaigns: the one place they are inserted, changed
//! or deleted, used by the handlers and by the demo data alike. Each function
//! runs inside the caller's write transaction, checks the rules that need no
//! permission, and records the change.

use std::collections::HashMap;

use chrono::NaiveDate;
use diesel::prelude::*;

use super::model::{
    ActivityRow, Campaign, CampaignRow, CreateActivity, CreateCampaign, UpdateActivity,
    UpdateCampaign,
};
use super::rules::{self, Action, CampaignFacts, Location};
use crate::audit::{self, Caller, Change};
use crate::db::record::{self, Record};
use crate::db::schema::{activities as act, campaign_locations as cl, campaigns as cp};
use crate::db::{DbConn, new_id, now};
use crate::error::{ApiError, FieldError};
use crate::projects::rules::check_period;

/// Inserts an activity of project `project_id` (which exists).
pub fn insert_activity(
    conn: &mut DbConn,
    caller: &Caller,
    project_id: &str,
    mut form: CreateActivity,
) -> Result<ActivityRow, ApiError> {
    form.title = form.title.trim().to_owned();
    if let Some(org) = &form.organizer_organization_id {
        crate::db::references::ensure_organization(conn, org, "organizer_organization_id")?;
    }
    let campaign = form.campaign_id.as_deref();
    let place = place_activity(
        conn,
        project_id,
        campaign,
        form.held_on,
        form.place.as_deref(),
    )?;
    form.place = place.as_ref().map(|l| l.name.clone());
    let id = new_id();
    let now = now();
    let outputs = serde_json::to_string(&form.outputs).map_err(ApiError::internal)?;
    diesel::insert_into(act::table)
        .values((
            act::id.eq(&id),
            act::project_id.eq(project_id),
            act::campaign_id.eq(&form.campaign_id),
            act::kind.eq(form.kind.as_str()),
            act::title.eq(&form.title),
            act::held_on.eq(form.held_on),
            act::place.eq(&form.place),
            act::place_key.eq(place.map(|l| l.key)),
            act::organizer_organization_id.eq(&form.organizer_organization_id),
            act::description.eq(&form.description),
            act::attendance.eq(form.attendance),
            act::outputs.eq(&outputs),
            act::created_at.eq(now),
            act::updated_at.eq(now),
            act::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("activity", &id, "create")
        .value("project_id", project_id)
        .form(&form, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Applies `changes` to `current` (locked, and the caller allowed to change
/// it as it is and as it will be).
pub fn update_activity(
    conn: &mut DbConn,
    caller: &Caller,
    current: ActivityRow,
    mut changes: UpdateActivity,
) -> Result<ActivityRow, ApiError> {
    let id = current.id.clone();
    let organizer = changes
        .organizer_organization_id
        .clone()
        .unwrap_or(current.organizer_organization_id);
    if let Some(org) = &organizer {
        crate::db::references::ensure_organization(conn, org, "organizer_organization_id")?;
    }
    if let Some(title) = &mut changes.title {
        *title = title.trim().to_owned();
    }
    let kind = changes.kind.map_or(current.kind, |k| k.as_str().to_owned());
    let title = changes.title.clone().unwrap_or(current.title);
    let held_on = changes.held_on.unwrap_or(current.held_on);
    let campaign = changes.campaign_id.clone().unwrap_or(current.campaign_id);
    let place_in = changes.place.clone().unwrap_or(current.place.clone());
    let project = &current.project_id;
    let placed = place_activity(
        conn,
        project,
        campaign.as_deref(),
        held_on,
        place_in.as_deref(),
    )?;
    let (place, place_key) = placed.map_or((None, None), |l| (Some(l.name), Some(l.key)));
    // The log names the place as stored, also when only the campaign moved it.
    if changes.place.is_some() || place != current.place {
        changes.place = Some(place.clone());
    }
    let description = changes.description.clone().unwrap_or(current.description);
    let attendance = changes.attendance.unwrap_or(current.attendance);
    let outputs = match &changes.outputs {
        Some(o) => serde_json::to_string(o).map_err(ApiError::internal)?,
        None => current.outputs,
    };
    diesel::update(act::table.find(&id))
        .set((
            act::kind.eq(&kind),
            act::title.eq(&title),
            act::held_on.eq(held_on),
            act::campaign_id.eq(&campaign),
            act::place.eq(&place),
            act::place_key.eq(&place_key),
            act::organizer_organization_id.eq(&organizer),
            act::description.eq(&description),
            act::attendance.eq(attendance),
            act::outputs.eq(&outputs),
            act::updated_at.eq(now()),
            act::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("activity", &id, "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Deletes `current` (locked); the change log keeps what it was.
pub fn delete_activity(
    conn: &mut DbConn,
    caller: &Caller,
    current: ActivityRow,
) -> Result<(), ApiError> {
    diesel::delete(act::table.find(&current.id)).execute(conn)?;
    let change = Change::new("activity", &current.id, "delete")
        .value("project_id", &current.project_id)
        .value("campaign_id", &current.campaign_id)
        .value("type", &current.kind)
        .value("title", &current.title)
        .value("held_on", current.held_on)
        .value("place", &current.place)
        .value(
            "organizer_organization_id",
            &current.organizer_organization_id,
        )
        .value("description", &current.description)
        .value("attendance", current.attendance)
        .value("outputs", &current.outputs);
    audit::record(conn, caller, change)
}

/// The place to store for an activity: outside a campaign the place as
/// entered; in a campaign (of `project`, locked so that a concurrent change of
/// its dates or locations waits for this action) one of its locations.
fn place_activity(
    conn: &mut DbConn,
    project: &str,
    campaign: Option<&str>,
    held_on: NaiveDate,
    place: Option<&str>,
) -> Result<Option<Location>, ApiError> {
    let Some(campaign) = campaign else {
        return Ok(rules::free_place(place));
    };
    CampaignRow::lock_row(conn, campaign)?;
    let Some(row) = CampaignRow::find_row(conn, campaign)?.filter(|c| c.project_id == project)
    else {
        return Err(ApiError::validation(vec![FieldError::new(
            "campaign_id",
            "not_found",
            "no campaign of this project has this id",
        )]));
    };
    let facts = CampaignFacts {
        starts_on: row.starts_on,
        ends_on: row.ends_on,
        locations: locations(conn, campaign)?,
    };
    rules::place_action(&facts, held_on, place)
        .map(Some)
        .map_err(ApiError::validation)
}

/// Inserts a campaign of project `project_id` (which exists).
pub fn insert_campaign(
    conn: &mut DbConn,
    caller: &Caller,
    project_id: &str,
    mut form: CreateCampaign,
) -> Result<CampaignRow, ApiError> {
    check_period(
        Some(form.starts_on),
        Some(form.ends_on),
        "ends_on",
        "starts_on",
    )?;
    let locations = rules::normalize_locations(&form.locations).map_err(ApiError::validation)?;
    form.name = form.name.trim().to_owned();
    form.locations = locations.iter().map(|l| l.name.clone()).collect();
    let id = new_id();
    let now = now();
    diesel::insert_into(cp::table)
        .values((
            cp::id.eq(&id),
            cp::project_id.eq(project_id),
            cp::name.eq(&form.name),
            cp::description.eq(&form.description),
            cp::starts_on.eq(form.starts_on),
            cp::ends_on.eq(form.ends_on),
            cp::min_actions_per_location.eq(form.min_actions_per_location),
            cp::created_at.eq(now),
            cp::updated_at.eq(now),
            cp::version.eq(1),
        ))
        .execute(conn)?;
    write_locations(conn, &id, &locations)?;
    let change = Change::new("campaign", &id, "create")
        .value("project_id", project_id)
        .form(&form, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Applies `changes` to `current` (locked): the dates may not leave an action
/// outside them, a location with actions may not be dropped, and a respelt
/// location respells its actions' place.
pub fn update_campaign(
    conn: &mut DbConn,
    caller: &Caller,
    current: CampaignRow,
    mut changes: UpdateCampaign,
) -> Result<CampaignRow, ApiError> {
    let id = current.id.clone();
    let starts = changes.starts_on.unwrap_or(current.starts_on);
    let ends = changes.ends_on.unwrap_or(current.ends_on);
    check_period(Some(starts), Some(ends), "ends_on", "starts_on")?;
    let moved = if changes.starts_on.is_some() {
        "starts_on"
    } else {
        "ends_on"
    };
    let actions = actions(conn, &id)?;
    let known = locations(conn, &id)?;
    let new = rules::check_campaign_change(
        (starts, ends),
        moved,
        &known,
        changes.locations.as_deref(),
        &actions,
    )
    .map_err(ApiError::validation)?;
    if let Some(name) = &mut changes.name {
        *name = name.trim().to_owned();
    }
    diesel::update(cp::table.find(&id))
        .set((
            cp::name.eq(changes.name.as_ref().unwrap_or(&current.name)),
            cp::description.eq(changes.description.as_ref().unwrap_or(&current.description)),
            cp::starts_on.eq(starts),
            cp::ends_on.eq(ends),
            cp::min_actions_per_location.eq(changes
                .min_actions_per_location
                .unwrap_or(current.min_actions_per_location)),
            cp::updated_at.eq(now()),
            cp::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    if let Some(new) = &new {
        write_locations(conn, &id, new)?;
        respell_actions(conn, caller, &actions, new)?;
        changes.locations = Some(new.iter().map(|l| l.name.clone()).collect());
    }
    let change = Change::new("campaign", &id, "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Actions keep the campaign's spelling of their location: a respelt location
/// changes them (a new version, logged).
fn respell_actions(
    conn: &mut DbConn,
    caller: &Caller,
    actions: &[Action],
    locations: &[Location],
) -> Result<(), ApiError> {
    let now = now();
    for (activity, name) in rules::respelt_actions(actions, locations) {
        diesel::update(act::table.find(activity))
            .set((
                act::place.eq(name),
                act::updated_at.eq(now),
                act::version.eq(act::version + 1),
            ))
            .execute(conn)?;
        let change = Change::new("activity", activity, "update").value("place", name);
        audit::record(conn, caller, change)?;
    }
    Ok(())
}

fn write_locations(
    conn: &mut DbConn,
    campaign: &str,
    locations: &[Location],
) -> Result<(), ApiError> {
    diesel::delete(cl::table.filter(cl::campaign_id.eq(campaign))).execute(conn)?;
    for (position, l) in locations.iter().enumerate() {
        diesel::insert_into(cl::table)
            .values((
                cl::campaign_id.eq(campaign),
                cl::name_key.eq(&l.key),
                cl::name.eq(&l.name),
                cl::position.eq(i32::try_from(position).unwrap_or(i32::MAX)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// The recorded actions of a campaign.
fn actions(conn: &mut DbConn, campaign: &str) -> Result<Vec<Action>, ApiError> {
    let rows: Vec<(String, NaiveDate, Option<String>, Option<String>)> = act::table
        .filter(act::campaign_id.eq(campaign))
        .select((act::id, act::held_on, act::place_key, act::place))
        .order(act::id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, held_on, place_key, place)| Action {
            id,
            held_on,
            place_key,
            place,
        })
        .collect())
}

/// The campaigns' locations, in order, by campaign.
pub fn locations_of(
    conn: &mut DbConn,
    ids: &[String],
) -> Result<HashMap<String, Vec<Location>>, ApiError> {
    let rows: Vec<(String, String, String)> = cl::table
        .filter(cl::campaign_id.eq_any(ids))
        .order((cl::campaign_id.asc(), cl::position.asc()))
        .select((cl::campaign_id, cl::name_key, cl::name))
        .load(conn)?;
    let mut by = HashMap::<String, Vec<Location>>::new();
    for (campaign, key, name) in rows {
        by.entry(campaign).or_default().push(Location { key, name });
    }
    Ok(by)
}

/// One campaign's locations, in order.
pub fn locations(conn: &mut DbConn, campaign: &str) -> Result<Vec<Location>, ApiError> {
    let ids = [campaign.to_owned()];
    Ok(locations_of(conn, &ids)?
        .remove(campaign)
        .unwrap_or_default())
}

/// The campaign as the API shows it, with its locations.
pub fn show_campaign(conn: &mut DbConn, row: CampaignRow) -> Result<Campaign, ApiError> {
    let names = locations(conn, &row.id)?
        .into_iter()
        .map(|l| l.name)
        .collect();
    Ok(Campaign::of(row, names))
}
