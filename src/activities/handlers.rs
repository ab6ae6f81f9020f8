//! Activities of a project: what took place, when, where, organised by whom, how
//! many attended, and what it produced. An activity may belong to one of the
//! project's campaigns; it then takes place within the campaign's dates, at one
//! of its locations.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{ActivityType, location_key};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::schema::{activities as act, campaign_locations as cl, campaigns as cp};
use crate::error::{ApiError, FieldError, responses, stored};
use crate::http::conditional::{check_if_match, etag, json_with_etag};
use crate::http::extract::double_option;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::path_id;
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = act)]
struct ActivityRow {
    id: String,
    project_id: String,
    campaign_id: Option<String>,
    kind: String,
    title: String,
    held_on: NaiveDate,
    place: Option<String>,
    organizer_organization_id: Option<String>,
    description: Option<String>,
    attendance: Option<i32>,
    outputs: String,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// A link to something an activity produced (http or https).
#[derive(ToSchema)]
#[schema(value_type = String, format = "uri", max_length = 2000)]
#[allow(dead_code)]
pub struct OutputUrl(String);

/// An activity of a project.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-000000000010", "project_id": "019a1b2c-0000-7000-8000-000000000003",
    "campaign_id": null, "type": "public_debate", "title": "Dezbatere publică PALIS",
    "held_on": "2026-10-14", "place": "Cluj-Napoca", "organizer_organization_id": null,
    "description": null, "attendance": 42, "outputs": ["https://example.org/minutes.pdf"],
    "created_at": "2026-11-26T10:00:00Z", "updated_at": "2026-11-26T10:00:00Z", "version": 1
}))]
pub struct Activity {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub project_id: String,
    /// The campaign the activity is an action of.
    #[schema(format = Uuid)]
    pub campaign_id: Option<String>,
    #[serde(rename = "type")]
    pub kind: ActivityType,
    #[schema(max_length = 500)]
    pub title: String,
    /// The day it took place.
    pub held_on: NaiveDate,
    /// Where it took place (a town, a venue).
    #[schema(max_length = 200)]
    pub place: Option<String>,
    #[schema(format = Uuid)]
    pub organizer_organization_id: Option<String>,
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    /// How many people attended.
    #[schema(minimum = 0, maximum = 1000000)]
    pub attendance: Option<i32>,
    /// Links to what it produced: minutes, photos, films, publications.
    #[schema(max_items = 20, value_type = Vec<OutputUrl>)]
    pub outputs: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<ActivityRow> for Activity {
    type Error = ApiError;

    fn try_from(r: ActivityRow) -> Result<Self, ApiError> {
        Ok(Self {
            id: r.id,
            project_id: r.project_id,
            campaign_id: r.campaign_id,
            kind: stored(ActivityType::parse(&r.kind), "activity type", &r.kind)?,
            title: r.title,
            held_on: r.held_on,
            place: r.place,
            organizer_organization_id: r.organizer_organization_id,
            description: r.description,
            attendance: r.attendance,
            outputs: serde_json::from_str(&r.outputs).unwrap_or_default(),
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
            version: r.version,
        })
    }
}

fn load(conn: &mut DbConn, id: &str) -> Result<ActivityRow, ApiError> {
    act::table
        .find(id)
        .select(ActivityRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("No activity has the id `{id}`.")))
}

fn respond(status: actix_web::http::StatusCode, a: Activity) -> HttpResponse {
    let mut res = HttpResponse::build(status);
    if status == actix_web::http::StatusCode::CREATED {
        res.insert_header((header::LOCATION, format!("/api/v1/activities/{}", a.id)));
    }
    res.insert_header(header::ETag(etag(&a.id, a.version)))
        .json(a)
}

/// 404 unless the project exists.
pub(crate) fn project_exists(conn: &mut DbConn, id: &str) -> Result<(), ApiError> {
    use crate::db::schema::projects;
    let n: i64 = projects::table
        .filter(projects::id.eq(id))
        .count()
        .get_result(conn)?;
    if n == 0 {
        return Err(ApiError::not_found(format!(
            "No project has the id `{id}`."
        )));
    }
    Ok(())
}

fn authorize_record(
    conn: &mut DbConn,
    caller: &Caller,
    project: &str,
    organizer: Option<&str>,
) -> Result<(), ApiError> {
    let organizer_is_partner = match organizer {
        Some(org) => crate::partnerships::is_project_partner(conn, project, org)?,
        None => false,
    };
    authorize(
        &caller.actor,
        Permission::RecordActivity {
            project_id: project,
            organizer_organization_id: organizer,
            organizer_is_partner,
        },
    )
}

/// Each output must be an http(s) URL.
pub fn validate_outputs(outputs: &[String]) -> Result<(), validator::ValidationError> {
    for url in outputs {
        let ok = url.chars().count() <= 2000 && crate::http::extract::is_http_url(url);
        if !ok {
            return Err(validator::ValidationError::new("invalid_url").with_message(
                "every output must be an http(s) URL of at most 2000 characters".into(),
            ));
        }
    }
    Ok(())
}

/// The facts an activity must agree with when it belongs to a campaign.
struct Placement<'a> {
    project: &'a str,
    campaign: Option<&'a str>,
    held_on: NaiveDate,
    place: Option<&'a str>,
}

/// Checks the campaign rules and returns the place to store (a campaign's
/// location as the campaign spells it) with its comparison key.
fn place_activity(
    conn: &mut DbConn,
    p: Placement<'_>,
) -> Result<(Option<String>, Option<String>), ApiError> {
    let place = p.place.map(str::trim).filter(|s| !s.is_empty());
    let Some(campaign) = p.campaign else {
        return Ok((place.map(str::to_owned), place.map(location_key)));
    };
    // Lock the campaign, so that a concurrent change of its dates or locations
    // waits for this action (or this action for it).
    diesel::update(cp::table.find(campaign))
        .set(cp::version.eq(cp::version))
        .execute(conn)?;
    let found: Option<(String, NaiveDate, NaiveDate)> = cp::table
        .find(campaign)
        .select((cp::project_id, cp::starts_on, cp::ends_on))
        .first(conn)
        .optional()?;
    let Some((project, starts, ends)) = found.filter(|(project, ..)| project == p.project) else {
        return Err(ApiError::validation(vec![FieldError::new(
            "campaign_id",
            "not_found",
            "no campaign of this project has this id",
        )]));
    };
    let _ = project;
    let mut errors = Vec::new();
    if p.held_on < starts || p.held_on > ends {
        errors.push(FieldError::new(
            "held_on",
            "outside_campaign",
            format!("the campaign runs from {starts} to {ends}"),
        ));
    }
    let locations: Vec<(String, String)> = cl::table
        .filter(cl::campaign_id.eq(campaign))
        .order(cl::position.asc())
        .select((cl::name_key, cl::name))
        .load(conn)?;
    let stored = match place {
        None => {
            errors.push(FieldError::new(
                "place",
                "required",
                "a campaign action takes place at one of the campaign's locations",
            ));
            None
        }
        Some(place) => {
            let key = location_key(place);
            match locations.iter().find(|(k, _)| *k == key) {
                Some((k, name)) => Some((name.clone(), k.clone())),
                None => {
                    let names: Vec<&str> = locations.iter().map(|(_, n)| n.as_str()).collect();
                    errors.push(FieldError::new(
                        "place",
                        "not_a_campaign_location",
                        format!(
                            "must be one of the campaign's locations: {}",
                            names.join(", ")
                        ),
                    ));
                    None
                }
            }
        }
    };
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    Ok(stored.map_or((None, None), |(n, k)| (Some(n), Some(k))))
}

/// Filters of a project's activities.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ActivityFilter {
    #[serde(rename = "type")]
    #[param(rename = "type", inline)]
    pub kind: Option<ActivityType>,
    /// Only the actions of this campaign.
    #[param(format = Uuid, max_length = 36)]
    pub campaign_id: Option<String>,
    /// Only activities held on or after this day.
    pub held_from: Option<NaiveDate>,
    /// Only activities held on or before this day.
    pub held_to: Option<NaiveDate>,
}

/// Lists a project's activities, by id.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id"), ListParams, ActivityFilter),
    responses(
        (status = 200, description = "A page of activities", body = ActivityPage),
    )
)]
#[get("/projects/{id}/activities")]
pub async fn list_activities(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<ActivityFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    if let Some(c) = &filter.campaign_id {
        crate::http::uuid_param("campaign_id", c)?;
    }
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            project_exists(conn, &id)?;
            let mut q = act::table
                .filter(act::project_id.eq(&id))
                .select(ActivityRow::as_select())
                .order(act::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(act::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(act::updated_at.ge(since));
            }
            if let Some(kind) = filter.kind {
                q = q.filter(act::kind.eq(kind.as_str()));
            }
            if let Some(c) = filter.campaign_id {
                q = q.filter(act::campaign_id.eq(c));
            }
            if let Some(from) = filter.held_from {
                q = q.filter(act::held_on.ge(from));
            }
            if let Some(to) = filter.held_to {
                q = q.filter(act::held_on.le(to));
            }
            Ok(q.load::<ActivityRow>(conn)?)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(page.try_map(Activity::try_from)?))
}

/// A new activity.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({
    "type": "campaign_action", "title": "Flash mob 9 noiembrie", "held_on": "2026-11-09",
    "place": "Cluj-Napoca", "campaign_id": "019a1b2c-0000-7000-8000-000000000020",
    "attendance": 60, "outputs": ["https://example.org/photos"]
}))]
pub struct CreateActivity {
    #[serde(rename = "type")]
    pub kind: ActivityType,
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    pub held_on: NaiveDate,
    /// Required for a campaign action: one of the campaign's locations.
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub place: Option<String>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub campaign_id: Option<String>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub organizer_organization_id: Option<String>,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::optional_integer")]
    #[validate(range(min = 0, max = 1_000_000))]
    #[schema(minimum = 0, maximum = 1000000)]
    pub attendance: Option<i32>,
    #[serde(default)]
    #[validate(length(max = 20), custom(function = "validate_outputs"))]
    #[schema(max_items = 20, value_type = Vec<OutputUrl>)]
    pub outputs: Vec<String>,
}

/// Records an activity of a project. The project's coordinators, and the
/// admins of the organising organisation while it is a partner in the project.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    request_body = CreateActivity,
    responses(
        (status = 201, description = "The activity", body = Activity, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/projects/{id}/activities")]
pub async fn create_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: ApiJson<CreateActivity>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let b = body.into_inner();
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                project_exists(conn, &id)?;
                authorize_record(conn, &caller, &id, b.organizer_organization_id.as_deref())?;
                if let Some(org) = &b.organizer_organization_id {
                    crate::db::references::ensure_organization(
                        conn,
                        org,
                        "organizer_organization_id",
                    )?;
                }
                let (place, place_key) = place_activity(
                    conn,
                    Placement {
                        project: &id,
                        campaign: b.campaign_id.as_deref(),
                        held_on: b.held_on,
                        place: b.place.as_deref(),
                    },
                )?;
                let activity = crate::db::new_id();
                let now = crate::db::now();
                let title = b.title.trim();
                let outputs = serde_json::to_string(&b.outputs).map_err(ApiError::internal)?;
                diesel::insert_into(act::table)
                    .values((
                        act::id.eq(&activity),
                        act::project_id.eq(&id),
                        act::campaign_id.eq(&b.campaign_id),
                        act::kind.eq(b.kind.as_str()),
                        act::title.eq(title),
                        act::held_on.eq(b.held_on),
                        act::place.eq(&place),
                        act::place_key.eq(&place_key),
                        act::organizer_organization_id.eq(&b.organizer_organization_id),
                        act::description.eq(&b.description),
                        act::attendance.eq(b.attendance),
                        act::outputs.eq(&outputs),
                        act::created_at.eq(now),
                        act::updated_at.eq(now),
                        act::version.eq(1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("activity", &activity, "create")
                        .value("project_id", &id)
                        .value("campaign_id", &b.campaign_id)
                        .value("type", b.kind)
                        .value("title", title)
                        .value("held_on", b.held_on)
                        .value("place", &place)
                        .value("organizer_organization_id", &b.organizer_organization_id)
                        .value("description", &b.description)
                        .value("attendance", b.attendance)
                        .value("outputs", &b.outputs),
                )?;
                load(conn, &activity)
            })
        })
        .await?;
    Ok(respond(
        actix_web::http::StatusCode::CREATED,
        Activity::try_from(row)?,
    ))
}

/// Reads an activity.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The activity's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The activity", body = Activity, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/activities/{id}")]
pub async fn get_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let a = Activity::try_from(state.db.run(move |conn| load(conn, &id)).await?)?;
    Ok(json_with_etag(&req, etag(&a.id, a.version), &a))
}

/// Changes to an activity: an absent field is unchanged, `null` clears it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateActivity {
    #[serde(rename = "type")]
    pub kind: Option<ActivityType>,
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    pub held_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 200))]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub place: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub campaign_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub organizer_organization_id: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub description: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::http::extract::nullable_integer")]
    #[validate(range(min = 0, max = 1_000_000))]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 1000000)]
    pub attendance: Option<Option<i32>>,
    #[validate(length(max = 20), custom(function = "validate_outputs"))]
    #[schema(max_items = 20, value_type = Option<Vec<OutputUrl>>)]
    pub outputs: Option<Vec<String>>,
}

/// Changes an activity. The project's coordinators, and the organising
/// organisation's admins (for an activity it organises, while a partner).
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The activity's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateActivity,
    responses(
        (status = 200, description = "The activity", body = Activity, headers(("ETag" = String))),
    )
)]
#[patch("/activities/{id}")]
pub async fn update_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<UpdateActivity>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let headers = req.headers().clone();
    let b = body.into_inner();
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                diesel::update(act::table.find(&id))
                    .set(act::version.eq(act::version))
                    .execute(conn)?;
                let current = load(conn, &id)?;
                let organizer = b
                    .organizer_organization_id
                    .clone()
                    .unwrap_or(current.organizer_organization_id.clone());
                // Allowed for the activity as it is and as it will be.
                authorize_record(
                    conn,
                    &caller,
                    &current.project_id,
                    current.organizer_organization_id.as_deref(),
                )?;
                authorize_record(conn, &caller, &current.project_id, organizer.as_deref())?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                if let Some(org) = &organizer {
                    crate::db::references::ensure_organization(
                        conn,
                        org,
                        "organizer_organization_id",
                    )?;
                }
                let kind = b
                    .kind
                    .map_or(current.kind.clone(), |k| k.as_str().to_owned());
                let title = b
                    .title
                    .as_deref()
                    .map_or(current.title.clone(), |t| t.trim().to_owned());
                let held_on = b.held_on.unwrap_or(current.held_on);
                let campaign = b.campaign_id.clone().unwrap_or(current.campaign_id.clone());
                let place_in = b.place.clone().unwrap_or(current.place.clone());
                let (place, place_key) = place_activity(
                    conn,
                    Placement {
                        project: &current.project_id,
                        campaign: campaign.as_deref(),
                        held_on,
                        place: place_in.as_deref(),
                    },
                )?;
                let description = b.description.clone().unwrap_or(current.description.clone());
                let attendance = b.attendance.unwrap_or(current.attendance);
                let outputs = match &b.outputs {
                    Some(o) => serde_json::to_string(o).map_err(ApiError::internal)?,
                    None => current.outputs.clone(),
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
                        act::updated_at.eq(crate::db::now()),
                        act::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let mut change = Change::new("activity", &id, "update");
                if b.kind.is_some() {
                    change = change.value("type", &kind);
                }
                if b.title.is_some() {
                    change = change.value("title", &title);
                }
                if b.held_on.is_some() {
                    change = change.value("held_on", held_on);
                }
                if b.campaign_id.is_some() {
                    change = change.value("campaign_id", &campaign);
                }
                if b.place.is_some() || place != current.place {
                    change = change.value("place", &place);
                }
                if b.organizer_organization_id.is_some() {
                    change = change.value("organizer_organization_id", &organizer);
                }
                if b.description.is_some() {
                    change = change.value("description", &description);
                }
                if b.attendance.is_some() {
                    change = change.value("attendance", attendance);
                }
                if let Some(o) = &b.outputs {
                    change = change.value("outputs", o);
                }
                audit::record(conn, &caller, change)?;
                load(conn, &id)
            })
        })
        .await?;
    Ok(respond(
        actix_web::http::StatusCode::OK,
        Activity::try_from(row)?,
    ))
}

/// Deletes an activity recorded by mistake (the change log keeps what it was).
/// The project's coordinators, and the organising organisation's admins.
#[utoipa::path(
    tag = "activities",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The activity's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 204, description = "Deleted"),
    )
)]
#[delete("/activities/{id}")]
pub async fn delete_activity(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let headers = req.headers().clone();
    state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                diesel::update(act::table.find(&id))
                    .set(act::version.eq(act::version))
                    .execute(conn)?;
                let current = load(conn, &id)?;
                authorize_record(
                    conn,
                    &caller,
                    &current.project_id,
                    current.organizer_organization_id.as_deref(),
                )?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                diesel::delete(act::table.find(&id)).execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("activity", &id, "delete")
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
                        .value("outputs", &current.outputs),
                )
            })
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

crate::http::pagination::page_schema!(ActivityPage, Activity, "A page of activities.");
