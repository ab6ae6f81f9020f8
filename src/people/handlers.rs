use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::audit::{self, Caller, Change};
use crate::auth::Actor;
use crate::auth::policy::{Permission, allows, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::enums::StrEnum;
use crate::db::schema::{organization_members as om, people, users};
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::http::conditional::{check_if_match, etag, json_with_etag};
use crate::http::extract::double_option;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::text_param;
use crate::organizations::model::{MemberRole, MemberStatus};
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = people)]
struct PersonRow {
    id: String,
    full_name: String,
    email: Option<String>,
    phone: Option<String>,
    position: Option<String>,
    archived_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// A person's membership, as listed on the person.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PersonMembership {
    /// The membership's id (`/api/v1/organizations/{organization_id}/members/{id}`).
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub organization_id: String,
    pub role: MemberRole,
    /// `invited` memberships wait for the person's acceptance and grant nothing.
    pub status: MemberStatus,
}

/// A person (contact). `email` and `phone` are personal data: they are present
/// only for callers allowed to see them (admins, the person, org admins of the
/// organisations the person is an active member of), and
/// `personal_data_visible` says whether they were.
#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(example = "Ioana Popescu")]
    #[schema(max_length = 200)]
    pub full_name: String,
    #[schema(max_length = 200)]
    pub position: Option<String>,
    /// At most 100.
    #[schema(max_items = 100)]
    pub organizations: Vec<PersonMembership>,
    pub personal_data_visible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(format = Email)]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    pub archived_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

fn memberships(conn: &mut DbConn, person_id: &str) -> Result<Vec<PersonMembership>, ApiError> {
    let rows: Vec<(String, String, String, String)> = om::table
        .filter(om::person_id.eq(person_id))
        .select((om::id, om::organization_id, om::role, om::status))
        .order(om::organization_id.asc())
        .load(conn)?;
    rows.into_iter()
        .map(|(id, organization_id, role, status)| {
            Ok(PersonMembership {
                id,
                role: MemberRole::stored(&role)?,
                status: MemberStatus::stored(&status)?,
                organization_id,
            })
        })
        .collect()
}

/// The organisations the person is an active member of: the only ones whose
/// admins the person's record is open to.
fn active_org_ids(m: &[PersonMembership]) -> Vec<String> {
    m.iter()
        .filter(|m| m.status == MemberStatus::Active)
        .map(|m| m.organization_id.clone())
        .collect()
}

/// Whether a user account is linked to the person.
fn has_account(conn: &mut DbConn, person_id: &str) -> Result<bool, ApiError> {
    let n: i64 = users::table
        .filter(users::person_id.eq(person_id))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

fn present(actor: &Actor, row: PersonRow, organizations: Vec<PersonMembership>) -> Person {
    let ids = active_org_ids(&organizations);
    let visible = allows(
        actor,
        Permission::ReadPersonalData {
            person_id: &row.id,
            organizations: &ids,
        },
    );
    Person {
        id: row.id,
        full_name: row.full_name,
        position: row.position,
        organizations,
        personal_data_visible: visible,
        email: if visible { row.email } else { None },
        phone: if visible { row.phone } else { None },
        archived_at: row.archived_at.map(|t| t.and_utc()),
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        version: row.version,
    }
}

fn load(conn: &mut DbConn, id: &str) -> Result<(PersonRow, Vec<PersonMembership>), ApiError> {
    let row = people::table
        .find(id)
        .select(PersonRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("No person has the id `{id}`.")))?;
    let m = memberships(conn, id)?;
    Ok((row, m))
}

/// Filters of `GET /api/v1/people`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PersonFilter {
    /// Members of this organisation.
    #[param(max_length = 64, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub organization_id: Option<String>,
    /// Text in the name; case and diacritics are ignored.
    #[param(max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub q: Option<String>,
}

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
    let filter = filter.into_inner();
    if let Some(q) = &filter.q {
        text_param("q", q, 200)?;
    }
    if let Some(o) = &filter.organization_id {
        text_param("organization_id", o, 64)?;
    }
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = people::table
                .select(PersonRow::as_select())
                .order(people::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(people::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(people::updated_at.ge(since));
            }
            if let Some(org) = filter.organization_id {
                q = q.filter(
                    people::id.eq_any(
                        om::table
                            .filter(om::organization_id.eq(org))
                            .select(om::person_id),
                    ),
                );
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                q = q.filter(
                    people::name_search
                        .like(crate::db::contains_pattern(text.trim()))
                        .escape('\\'),
                );
            }
            let rows = q.load::<PersonRow>(conn)?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let m = memberships(conn, &row.id)?;
                out.push((row, m));
            }
            Ok(out)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |(r, _)| r.id.clone());
    Ok(HttpResponse::Ok().json(page.map(|(r, m)| present(&caller.actor, r, m))))
}

/// A new person.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePerson {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: String,
    #[validate(
        email(code = "invalid_email", message = "must be an email address"),
        length(max = 254)
    )]
    #[schema(format = Email)]
    pub email: Option<String>,
    #[validate(length(max = 50))]
    #[schema(max_length = 50)]
    pub phone: Option<String>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub position: Option<String>,
    /// Also make the person a member of this organisation.
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub organization_id: Option<String>,
    /// The membership role (default `org_member`).
    pub role: Option<MemberRole>,
}

/// Changes to a person: an absent field is unchanged, `null` clears it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePerson {
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub full_name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(format = Email, max_length = 254)]
    #[validate(
        email(code = "invalid_email", message = "must be an email address"),
        length(max = 254)
    )]
    pub email: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 50)]
    #[validate(length(max = 50))]
    pub phone: Option<Option<String>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    #[schema(max_length = 200)]
    #[validate(length(max = 200))]
    pub position: Option<Option<String>>,
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
    let mut b = body.into_inner();
    if let Actor::Client(client) = &caller.actor {
        // A client cannot manage members: the people it adds are plain members.
        if b.role.is_some_and(|r| r != MemberRole::OrgMember) {
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
        b.organization_id = Some(client.organization_id.clone());
    }
    if b.organization_id.is_some() {
        // Adding to an organisation needs the right to manage its members,
        // except for that organisation's own API client.
        if let (Some(org), Actor::User(_)) = (&b.organization_id, &caller.actor) {
            authorize(
                &caller.actor,
                Permission::ManageOrganizationMembers {
                    organization_id: org,
                },
            )?;
        }
    }
    let actor = caller.actor.clone();
    let (row, m) = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                if let Some(org) = &b.organization_id {
                    crate::db::references::ensure_organization(conn, org, "organization_id")?;
                }
                let id = crate::db::new_id();
                let now = crate::db::now();
                let trim = |s: &Option<String>| {
                    s.as_deref()
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                };
                diesel::insert_into(people::table)
                    .values((
                        people::id.eq(&id),
                        people::full_name.eq(b.full_name.trim()),
                        people::name_search.eq(crate::db::fold_for_search(b.full_name.trim())),
                        people::email.eq(trim(&b.email).map(|e| e.to_lowercase())),
                        people::phone.eq(trim(&b.phone)),
                        people::position.eq(trim(&b.position)),
                        people::created_at.eq(now),
                        people::updated_at.eq(now),
                        people::version.eq(1),
                    ))
                    .execute(conn)?;
                let mut change = Change::new("person", &id, "create")
                    .value("full_name", b.full_name.trim())
                    .value("position", trim(&b.position));
                if b.email.is_some() {
                    change = change.personal("email");
                }
                if b.phone.is_some() {
                    change = change.personal("phone");
                }
                audit::record(conn, &caller, change)?;
                if let Some(org) = &b.organization_id {
                    let member_id = crate::db::new_id();
                    let role = b.role.unwrap_or(MemberRole::OrgMember);
                    diesel::insert_into(om::table)
                        .values((
                            om::id.eq(&member_id),
                            om::organization_id.eq(org),
                            om::person_id.eq(&id),
                            om::role.eq(role.as_str()),
                            om::created_at.eq(now),
                            om::updated_at.eq(now),
                            om::version.eq(1),
                        ))
                        .execute(conn)?;
                    audit::record(
                        conn,
                        &caller,
                        Change::new("organization_member", &member_id, "create")
                            .value("organization_id", org)
                            .value("person_id", &id)
                            .value("role", role),
                    )?;
                }
                load(conn, &id)
            })
        })
        .await?;
    let person = present(&actor, row, m);
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/people/{}", person.id)))
        .insert_header(header::ETag(etag(&person.id, person.version)))
        .json(person))
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
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("people"))?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let (row, m) = state.db.run(move |conn| load(conn, &id)).await?;
    let person = present(&caller.actor, row, m);
    // Two callers see different bodies: the tag says which variant this is.
    let variant = if person.personal_data_visible {
        "p"
    } else {
        "d"
    };
    let tag = etag(&format!("{}.{variant}", person.id), person.version);
    Ok(json_with_etag(&req, tag, &person))
}

/// Changes a person. Admins and the person; for a contact without a user
/// account also the org admins of the organisations the person is an active
/// member of, and their API clients with `people:write`.
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
    )
)]
#[patch("/people/{id}")]
pub async fn update_person(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<UpdatePerson>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let headers = req.headers().clone();
    let b = body.into_inner();
    let actor = caller.actor.clone();
    let (row, m) = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
// Lock the row first, so concurrent changes queue instead of failing.
                diesel::update(people::table.find(&id))
                    .set(people::version.eq(people::version))
                    .execute(conn)?;
                let (current, m) = load(conn, &id)?;
                let ids = active_org_ids(&m);
                let has_account = has_account(conn, &id)?;
                authorize(
                    &caller.actor,
                    Permission::UpdatePerson {
                        person_id: &id,
                        organizations: &ids,
                        has_account,
                    },
                )?;
                let visible_tag = etag(&format!("{id}.p"), current.version);
                let directory_tag = etag(&format!("{id}.d"), current.version);
                if check_if_match(&headers, &visible_tag).is_err() {
                    check_if_match(&headers, &directory_tag)?;
                }
                let clean = |v: &Option<String>| {
                    v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned)
                };
                let full_name = b
                    .full_name
                    .as_deref()
                    .map(str::trim)
                    .map(str::to_owned)
                    .unwrap_or(current.full_name.clone());
                let email = b
                    .email
                    .as_ref()
                    .map_or(current.email.clone(), |e| clean(e).map(|e| e.to_lowercase()));
                let phone = b.phone.as_ref().map_or(current.phone.clone(), clean);
                let position = b.position.as_ref().map_or(current.position.clone(), clean);
                let updated = diesel::update(
                    people::table
                        .find(&id)
                        .filter(people::version.eq(current.version)),
                )
                .set((
                    people::full_name.eq(&full_name),
                    people::name_search.eq(crate::db::fold_for_search(&full_name)),
                    people::email.eq(&email),
                    people::phone.eq(&phone),
                    people::position.eq(&position),
                    people::updated_at.eq(crate::db::now()),
                    people::version.eq(current.version + 1),
                ))
                .execute(conn)?;
                if updated == 0 {
                    return Err(ApiError::new(
                        ProblemCode::PreconditionFailed,
                        "The person changed while this request was processed; read it again and retry.",
                    ));
                }
                let mut change = Change::new("person", &id, "update");
                if b.full_name.is_some() {
                    change = change.value("full_name", &full_name);
                }
                if b.position.is_some() {
                    change = change.value("position", &position);
                }
                if b.email.is_some() {
                    change = change.personal("email");
                }
                if b.phone.is_some() {
                    change = change.personal("phone");
                }
                audit::record(conn, &caller, change)?;
                load(conn, &id)
            })
        })
        .await?;
    let person = present(&actor, row, m);
    let variant = if person.personal_data_visible {
        "p"
    } else {
        "d"
    };
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(etag(
            &format!("{}.{variant}", person.id),
            person.version,
        )))
        .json(person))
}

crate::http::pagination::page_schema!(PersonPage, Person, "A page of people.");
