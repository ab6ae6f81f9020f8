//! The programme and group endpoints: read by everyone signed in who reads
//! projects; created and changed by admins and the project's coordinators.

use actix_web::http::header::EntityTag;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    CreateGroup, CreateProgramme, Group, GroupPage, GroupRow, Programme, ProgrammeFilter,
    ProgrammePage, ProgrammeRow, UpdateGroup, UpdateProgramme,
};
use super::store;
use crate::audit::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::DbConn;
use crate::db::record::{self, Record};
use crate::db::schema::{training_groups as tg, training_programmes as tr};
use crate::error::ApiError;
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::export::{CsvDocument, NdjsonDocument, StreamFormat, StreamParams, stream};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page, PageRequest};
use crate::keyset_page;
use crate::state::AppState;

/// 403 unless the caller manages the training of `project`.
pub fn may_manage(caller: &Caller, project: &str) -> Result<(), ApiError> {
    authorize(
        &caller.actor,
        Permission::ManageTraining {
            project_id: project,
        },
    )
}

/// The project a group's programme belongs to.
pub fn project_of_group(conn: &mut DbConn, group: &GroupRow) -> Result<String, ApiError> {
    Ok(tr::table
        .find(&group.programme_id)
        .select(tr::project_id)
        .first(conn)?)
}

fn read(caller: &Caller) -> Result<(), ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))
}

/// A group's tag: its version, and its participants, which change without
/// one.
fn group_tag(id: &str, version: i64, participants: i64) -> EntityTag {
    EntityTag::new_strong(format!("{id}.v{version}.p{participants}"))
}

/// The group as the API shows it, with its tag.
pub fn shown_group(conn: &mut DbConn, row: GroupRow) -> Result<(EntityTag, Group), ApiError> {
    let n = store::participant_counts(conn, std::slice::from_ref(&row.id))?
        .remove(&row.id)
        .unwrap_or(0);
    Ok((group_tag(&row.id, row.version, n), Group::new(row, n)?))
}

/// Lists training programmes, by id.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, ProgrammeFilter),
    responses((status = 200, description = "A page of programmes", body = ProgrammePage))
)]
#[get("/training-programmes")]
pub async fn list_programmes(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<ProgrammeFilter>,
) -> Result<HttpResponse, ApiError> {
    read(&caller)?;
    let page = list.0.page()?;
    Ok(HttpResponse::Ok().json(programmes_page(state, page, filter.into_inner()).await?))
}

/// Exports every training programme the filters select, streamed as NDJSON
/// or CSV. Who may list them.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(StreamParams, ProgrammeFilter),
    responses(
        (status = 200, description = "The programmes, one per line",
            content(
                (NdjsonDocument = "application/x-ndjson"),
                (CsvDocument = "text/csv"),
            ),
            headers(("Content-Disposition" = String))),
    )
)]
#[get("/exports/training-programmes")]
pub async fn export_programmes(
    state: web::Data<AppState>,
    caller: Caller,
    params: ApiQuery<StreamParams>,
    filter: ApiQuery<ProgrammeFilter>,
) -> Result<HttpResponse, ApiError> {
    read(&caller)?;
    let params = params.into_inner();
    let filter = filter.into_inner();
    stream(
        params.format.unwrap_or(StreamFormat::Ndjson),
        "training-programmes",
        PageRequest::from_start(params.updated_since),
        move |page| programmes_page(state.clone(), page, filter.clone()),
    )
    .await
}

/// One page of the programmes `filter` selects.
async fn programmes_page(
    state: web::Data<AppState>,
    page: PageRequest,
    filter: ProgrammeFilter,
) -> Result<Page<Programme>, ApiError> {
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(tr::table.select(ProgrammeRow::as_select()), tr, request);
            if let Some(p) = filter.project_id {
                q = q.filter(tr::project_id.eq(p.into_inner()));
            }
            Ok(q.load::<ProgrammeRow>(conn)?)
        })
        .await?;
    Page::of_records(rows, &page, Programme::try_from)
}

/// Creates a training programme of a project; without `modules`, it has the
/// cooperation model's six areas, two per plane. Admins and the project's
/// coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateProgramme,
    responses(
        (status = 201, description = "The programme", body = Programme, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/training-programmes")]
pub async fn create_programme(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateProgramme>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    may_manage(&caller, &form.project_id)?;
    let row = state
        .db
        .write(move |conn| store::insert_programme(conn, &caller, form))
        .await?;
    let location = format!("/api/v1/training-programmes/{}", row.id);
    Ok(created(location, row.etag(), &Programme::try_from(row)?))
}

/// Reads a training programme.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The programme's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The programme", body = Programme, headers(("ETag" = String))),
        (status = 304, response = crate::error::responses::NotModified),
    )
)]
#[get("/training-programmes/{id}")]
pub async fn get_programme(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    read(&caller)?;
    let id = id.into_inner();
    let row: ProgrammeRow = state.db.run(move |conn| record::find(conn, &id)).await?;
    Ok(json_with_etag(&req, row.etag(), &Programme::try_from(row)?))
}

/// Changes a training programme; a module that sessions cover stays (422).
/// Admins and the project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The programme's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateProgramme,
    responses((status = 200, description = "The programme", body = Programme, headers(("ETag" = String))))
)]
#[patch("/training-programmes/{id}")]
pub async fn update_programme(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateProgramme>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner();
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |_, row: &ProgrammeRow| {
                may_manage(&caller, &row.project_id)
            })?;
            store::update_programme(conn, &caller, current, changes)
        })
        .await?;
    Ok(saved(row.etag(), &Programme::try_from(row)?))
}

/// Lists a programme's groups, by id, with how many participants each has.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The programme's id"), ListParams),
    responses((status = 200, description = "A page of groups", body = GroupPage))
)]
#[get("/training-programmes/{id}/groups")]
pub async fn list_groups(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    read(&caller)?;
    let page = list.0.page()?;
    let id = id.into_inner();
    let request = page.clone();
    let (rows, mut counts) = state
        .db
        .run(move |conn| {
            let _: ProgrammeRow = record::find(conn, &id)?;
            let q = keyset_page!(tg::table.select(GroupRow::as_select()), tg, request);
            let rows = q.filter(tg::programme_id.eq(&id)).load::<GroupRow>(conn)?;
            let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
            Ok((rows, store::participant_counts(conn, &ids)?))
        })
        .await?;
    let page = Page::of_records(rows, &page, |r| {
        let n = counts.remove(&r.id).unwrap_or(0);
        Group::new(r, n)
    })?;
    Ok(HttpResponse::Ok().json(page))
}

/// Creates a group of a programme, with its capacity and its composition
/// targets per category (their sum within the capacity). Admins and the
/// project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The programme's id")),
    request_body = CreateGroup,
    responses(
        (status = 201, description = "The group", body = Group, headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = crate::error::responses::Conflict),
    )
)]
#[post("/training-programmes/{id}/groups")]
pub async fn create_group(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    body: ApiJson<CreateGroup>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    let id = id.into_inner();
    let (tag, group) = state
        .db
        .write(move |conn| {
            let programme: ProgrammeRow = record::locked(conn, &id)?;
            may_manage(&caller, &programme.project_id)?;
            let row = store::insert_group(conn, &caller, &programme, form)?;
            shown_group(conn, row)
        })
        .await?;
    let location = format!("/api/v1/training-groups/{}", group.id);
    Ok(created(location, tag, &group))
}

/// Reads a training group.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The group's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The group", body = Group, headers(("ETag" = String))),
        (status = 304, response = crate::error::responses::NotModified),
    )
)]
#[get("/training-groups/{id}")]
pub async fn get_group(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    read(&caller)?;
    let id = id.into_inner();
    let (tag, group) = state
        .db
        .run(move |conn| {
            let row: GroupRow = record::find(conn, &id)?;
            shown_group(conn, row)
        })
        .await?;
    Ok(json_with_etag(&req, tag, &group))
}

/// Changes a training group: its capacity stays at least its participants
/// (422). Admins and the project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The group's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateGroup,
    responses(
        (status = 200, description = "The group", body = Group, headers(("ETag" = String))),
        (status = 409, response = crate::error::responses::Conflict),
    )
)]
#[patch("/training-groups/{id}")]
pub async fn update_group(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateGroup>,
) -> Result<HttpResponse, ApiError> {
    let changes = body.into_inner();
    let id = id.into_inner();
    let (tag, group) = state
        .db
        .write(move |conn| {
            let current: GroupRow = record::locked(conn, &id)?;
            may_manage(&caller, &project_of_group(conn, &current)?)?;
            let (tag, _) = shown_group(conn, current.clone())?;
            if_match.check_version(&current, &tag)?;
            let row = store::update_group(conn, &caller, current, changes)?;
            shown_group(conn, row)
        })
        .await?;
    Ok(saved(tag, &group))
}
