//! The people endpoints: list, create, read, change. Personal fields are shown
//! only to those allowed to see them.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::{CreatePerson, Person, PersonFilter, PersonPage, PersonRow, UpdatePerson};
use super::store::{self, active_org_ids, has_account, memberships, present, tag_of};
use crate::audit::Caller;
use crate::auth::Actor;
use crate::auth::policy::{Permission, authorize};
use crate::db::record;
use crate::db::schema::{organization_members as om, people};
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::http::archive::ArchiveRecord;
use crate::http::conditional::{IfMatch, created, etag, json_with_etag, saved};
use crate::http::export::{CsvDocument, NdjsonDocument, StreamFormat, StreamParams, stream};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::import::{self, CsvImport, ImportParams, ImportReport, ImportRow};
use crate::http::pagination::{ListParams, Page, PageRequest};
use crate::http::text_param;
use crate::keyset_page;
use crate::organizations::model::MemberRole;
use crate::state::AppState;

/// Lists people, by id. Any signed-in user; API clients with `people:read`.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, PersonFilter),
    responses(
        (status = 200, description = "A page of people", body = PersonPage),
    )
)]
#[get("/people")]
pub async fn list_people(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<PersonFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("people"))?;
    let page = list.0.page()?;
    let filter = checked(filter.into_inner())?;
    Ok(HttpResponse::Ok().json(people_page(state, caller.actor, page, filter).await?))
}

/// Exports every person the filters select, streamed as NDJSON or CSV, each
/// as the list shows them to the caller (personal fields only to those
/// allowed). Who may list them.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("oauth2" = [])),
    params(StreamParams, PersonFilter),
    responses(
        (status = 200, description = "The people, one per line",
            content(
                (NdjsonDocument = "application/x-ndjson"),
                (CsvDocument = "text/csv"),
            ),
            headers(("Content-Disposition" = String))),
    )
)]
#[get("/exports/people")]
pub async fn export_people(
    state: web::Data<AppState>,
    caller: Caller,
    params: ApiQuery<StreamParams>,
    filter: ApiQuery<PersonFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("people"))?;
    let params = params.into_inner();
    let filter = checked(filter.into_inner())?;
    let start = PageRequest::from_start(params.updated_since);
    let actor = caller.actor;
    stream(
        params.format.unwrap_or(StreamFormat::Ndjson),
        "people",
        start,
        move |page| people_page(state.clone(), actor.clone(), page, filter.clone()),
    )
    .await
}

fn checked(filter: PersonFilter) -> Result<PersonFilter, ApiError> {
    if let Some(q) = &filter.q {
        text_param("q", q, 200)?;
    }
    Ok(filter)
}

/// One page of the people `filter` selects, as `actor` may see them.
async fn people_page(
    state: web::Data<AppState>,
    actor: Actor,
    page: PageRequest,
    filter: PersonFilter,
) -> Result<Page<Person>, ApiError> {
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(
                people::table.select(PersonRow::as_select()),
                people,
                request
            );
            if let Some(org) = filter.organization_id {
                let members = om::table
                    .filter(om::organization_id.eq(org.into_inner()))
                    .select(om::person_id);
                q = q.filter(people::id.eq_any(members));
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                let pattern = crate::db::contains_pattern(text.trim());
                q = q.filter(people::name_search.like(pattern).escape('\\'));
            }
            if !filter.include_archived.unwrap_or(false) {
                q = q.filter(people::archived_at.is_null());
            }
            let rows = q.load::<PersonRow>(conn)?;
            rows.into_iter()
                .map(|row| Ok((memberships(conn, &row.id)?, row)))
                .collect::<Result<Vec<_>, ApiError>>()
        })
        .await?;
    let page = Page::from_rows(rows, &page, |(_, r)| r.id.clone());
    Ok(page.map(|(m, r)| present(&actor, r, m)))
}

/// What an API client may ask when it creates a person: it adds people to its
/// own organisation, as plain members (its admins appoint admins).
fn as_client(actor: &Actor, form: &mut CreatePerson) -> Result<(), ApiError> {
    let Actor::Client(client) = actor else {
        return Ok(());
    };
    if form.role.is_some_and(|r| r != MemberRole::OrgMember) {
        return Err(ApiError::new(
            ProblemCode::Forbidden,
            "An API client adds people as `org_member` only; an organisation's admins are appointed by its admins.",
        )
        .with_errors(vec![FieldError::new(
            "role",
            "forbidden",
            "an API client may only give the role `org_member`",
        )]));
    }
    form.organization_id = Some(client.organization_id.clone());
    Ok(())
}

/// What adding `form` needs beyond creating a person: an API client's person
/// joins the client's organisation; a user adding a person to an
/// organisation must manage its members.
fn admit(actor: &Actor, form: &mut CreatePerson) -> Result<(), ApiError> {
    as_client(actor, form)?;
    if let (Some(organization_id), Actor::User(_)) = (&form.organization_id, actor) {
        authorize(
            actor,
            Permission::ManageOrganizationMembers { organization_id },
        )?;
    }
    Ok(())
}

/// Imports people from a JSON array of the objects `POST /api/v1/people`
/// takes, or a CSV whose header names those fields: each row is created as
/// that create would, with its rules and permissions, and reported on.
/// `dry_run=true` checks every row and writes nothing; `mode` decides whether
/// an invalid row stops the others. Who may create people.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("oauth2" = [])),
    params(ImportParams),
    request_body(
        description = "At most 5,000 rows: a JSON array of `CreatePerson`, or a CSV with those fields as columns",
        content(
            (Vec<ImportRow> = "application/json"),
            (CsvImport = "text/csv"),
        ),
    ),
    responses(
        (status = 201, description = "The rows were written (all, or the valid ones): the report", body = ImportReport),
        (status = 200, description = "Nothing was written — a dry run, or an invalid row with `all_or_nothing`: the report", body = ImportReport),
    )
)]
#[post("/imports/people")]
pub async fn import_people(
    state: web::Data<AppState>,
    caller: Caller,
    params: ApiQuery<ImportParams>,
    req: HttpRequest,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::CreatePerson)?;
    let rows = import::read_rows::<CreatePerson>(&req, body).await?;
    let report = import::run(
        &state.db,
        rows,
        params.into_inner(),
        move |conn, mut form: CreatePerson| {
            admit(&caller.actor, &mut form)?;
            Ok(store::insert(conn, &caller, form)?.0.id)
        },
    )
    .await?;
    Ok(report.response())
}

/// Creates a person. Admins, coordinators, org admins; API clients with
/// `people:write` (the person joins the client's organisation).
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreatePerson,
    responses(
        (status = 201, description = "The person", body = Person, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/people")]
pub async fn create_person(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreatePerson>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::CreatePerson)?;
    let mut form = body.into_inner();
    admit(&caller.actor, &mut form)?;
    let actor = caller.actor.clone();
    let (row, m) = state
        .db
        .write(move |conn| store::insert(conn, &caller, form))
        .await?;
    let person = present(&actor, row, m);
    let location = format!("/api/v1/people/{}", person.id);
    Ok(created(location, etag(&person.id, person.version), &person))
}

/// Reads a person. Any signed-in user; API clients with `people:read`. Personal
/// fields only for those allowed to see them.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The person's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The person", body = Person, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/people/{id}")]
pub async fn get_person(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("people"))?;
    let id = id.into_inner();
    let (row, m) = state.db.run(move |conn| store::load(conn, &id)).await?;
    let person = present(&caller.actor, row, m);
    Ok(json_with_etag(&req, tag_of(&person), &person))
}

/// Changes a person. Admins and the person; for a contact without a user
/// account also the org admins of the organisations the person is an active
/// member of, and their API clients with `people:write`. 409 once archived.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The person's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdatePerson,
    responses(
        (status = 200, description = "The person", body = Person, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/people/{id}")]
pub async fn update_person(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdatePerson>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let actor = caller.actor.clone();
    let (row, m) = state
        .db
        .write(move |conn| {
            let current: PersonRow = record::locked(conn, &id)?;
            let organizations = active_org_ids(&memberships(conn, &id)?);
            let has_account = has_account(conn, &id)?;
            let person_id = &id;
            authorize(
                &caller.actor,
                Permission::UpdatePerson {
                    person_id,
                    organizations: &organizations,
                    has_account,
                },
            )?;
            // Either variant of the tag names this version.
            let visible = etag(&format!("{id}.p"), current.version);
            if if_match.check_tag(&visible).is_err() {
                if_match.check_tag(&etag(&format!("{id}.d"), current.version))?;
            }
            store::update(conn, &caller, current, changes)
        })
        .await?;
    let person = present(&actor, row, m);
    Ok(saved(tag_of(&person), &person))
}

/// Archives a person, with the reason (kept in the change log): the record
/// stays readable and referable, is hidden from the list unless
/// `include_archived=true`, and can no longer be changed; memberships and
/// a user account are left as they are. Admins only.
#[utoipa::path(
    tag = "people",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The person's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = ArchiveRecord,
    responses(
        (status = 200, description = "The archived person", body = Person, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/people/{id}/archive")]
pub async fn archive_person(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<ArchiveRecord>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::Archive)?;
    let id = id.into_inner();
    let reason = body.into_inner().reason;
    let actor = caller.actor.clone();
    let (row, m) = state
        .db
        .write(move |conn| {
            let current: PersonRow = record::locked(conn, &id)?;
            // An admin sees the personal data: the `.p` tag, or either.
            let visible = etag(&format!("{id}.p"), current.version);
            if if_match.check_tag(&visible).is_err() {
                if_match.check_tag(&etag(&format!("{id}.d"), current.version))?;
            }
            store::archive(conn, &caller, current, &reason)
        })
        .await?;
    let person = present(&actor, row, m);
    Ok(saved(tag_of(&person), &person))
}
