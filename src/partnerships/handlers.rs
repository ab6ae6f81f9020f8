use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::rules::{self, PartnerRole, PartnershipStatus, Transition};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::schema::{organizations as org, partnership_members as pm, partnerships as ps};
use crate::error::{ApiError, FieldError, responses, stored};
use crate::http::conditional::{check_if_match, etag, json_with_etag};
use crate::http::extract::double_option;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::{path_id, text_param};
use crate::organizations::model::OrganizationKind;
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ps)]
pub(crate) struct PartnershipRow {
    id: String,
    name: String,
    purpose: Option<String>,
    project_id: Option<String>,
    cross_sector: bool,
    status: String,
    agreement_signed_on: Option<NaiveDate>,
    agreement_reference: Option<String>,
    agreement_document_url: Option<String>,
    dissolution_reason: Option<String>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// The partnership agreement.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, Validate, Default)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    /// When the agreement was signed; required to activate the partnership.
    pub signed_on: Option<NaiveDate>,
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub reference: Option<String>,
    /// A link to the signed document.
    #[validate(
        custom(function = "crate::http::extract::validate_http_url"),
        length(max = 500)
    )]
    #[schema(
        format = "uri",
        max_length = 500,
        pattern = "^[Hh][Tt][Tt][Pp][Ss]?://"
    )]
    pub document_url: Option<String>,
}

/// A partnership.
#[derive(Debug, Serialize, ToSchema)]
pub struct Partnership {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(max_length = 300)]
    pub name: String,
    #[schema(max_length = 5000)]
    pub purpose: Option<String>,
    #[schema(format = Uuid)]
    pub project_id: Option<String>,
    /// Cross-sector partnerships need an NGO and a public-sector member to be active.
    pub cross_sector: bool,
    pub status: PartnershipStatus,
    /// The transitions the current status allows.
    #[schema(max_items = 4)]
    pub allowed_transitions: Vec<TransitionName>,
    pub agreement: Agreement,
    /// Why the partnership was dissolved.
    #[schema(max_length = 2000)]
    pub dissolution_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

/// The name of a status transition (its endpoint).
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TransitionName {
    Activate,
    Suspend,
    Resume,
    Dissolve,
}

impl From<Transition> for TransitionName {
    fn from(t: Transition) -> Self {
        match t {
            Transition::Activate => Self::Activate,
            Transition::Suspend => Self::Suspend,
            Transition::Resume => Self::Resume,
            Transition::Dissolve => Self::Dissolve,
        }
    }
}

/// 409 if the partnership is dissolved: its record is final.
pub(crate) fn ensure_not_dissolved(row: &PartnershipRow) -> Result<(), ApiError> {
    if status_of(row)? == PartnershipStatus::Dissolved {
        return Err(ApiError::invalid_transition(
            "dissolved",
            Vec::new(),
            "A dissolved partnership is final: it, its members and their responsibilities cannot be changed.",
        ));
    }
    Ok(())
}

pub(super) fn status_of(row: &PartnershipRow) -> Result<PartnershipStatus, ApiError> {
    stored(
        PartnershipStatus::parse(&row.status),
        "partnership status",
        &row.status,
    )
}

impl TryFrom<PartnershipRow> for Partnership {
    type Error = ApiError;

    fn try_from(r: PartnershipRow) -> Result<Self, ApiError> {
        let status = status_of(&r)?;
        Ok(Self {
            id: r.id,
            name: r.name,
            purpose: r.purpose,
            project_id: r.project_id,
            cross_sector: r.cross_sector,
            status,
            allowed_transitions: status.allowed().iter().map(|t| (*t).into()).collect(),
            agreement: Agreement {
                signed_on: r.agreement_signed_on,
                reference: r.agreement_reference,
                document_url: r.agreement_document_url,
            },
            dissolution_reason: r.dissolution_reason,
            created_at: r.created_at.and_utc(),
            updated_at: r.updated_at.and_utc(),
            version: r.version,
        })
    }
}

pub(super) fn load(conn: &mut DbConn, id: &str) -> Result<PartnershipRow, ApiError> {
    ps::table
        .find(id)
        .select(PartnershipRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("No partnership has the id `{id}`.")))
}

/// The lead organisation among current members, for access decisions.
fn lead_of(conn: &mut DbConn, id: &str) -> Result<Option<String>, ApiError> {
    Ok(pm::table
        .filter(pm::partnership_id.eq(id))
        .filter(pm::left_on.is_null())
        .filter(pm::role.eq("lead"))
        .select(pm::organization_id)
        .first(conn)
        .optional()?)
}

pub(super) fn may_manage(
    caller: &Caller,
    conn: &mut DbConn,
    row: &PartnershipRow,
) -> Result<(), ApiError> {
    let lead = lead_of(conn, &row.id)?;
    authorize(
        &caller.actor,
        Permission::ManagePartnership {
            project_id: row.project_id.as_deref(),
            lead_organization_id: lead.as_deref(),
        },
    )
}

fn respond(row: PartnershipRow) -> Result<HttpResponse, ApiError> {
    let p = Partnership::try_from(row)?;
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(etag(&p.id, p.version)))
        .json(p))
}

/// Locks the partnership's row for the transaction and reads it.
pub(crate) fn lock(conn: &mut DbConn, id: &str) -> Result<PartnershipRow, ApiError> {
    diesel::update(ps::table.find(id))
        .set(ps::version.eq(ps::version))
        .execute(conn)?;
    load(conn, id)
}

/// Filters of `GET /api/v1/partnerships`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnershipFilter {
    pub status: Option<PartnershipStatus>,
    #[param(format = Uuid, max_length = 36)]
    pub project_id: Option<String>,
    /// Partnerships this organisation is a current member of.
    #[param(format = Uuid, max_length = 36)]
    pub organization_id: Option<String>,
    /// Text in the name; case and diacritics are ignored.
    #[param(max_length = 200, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub q: Option<String>,
}

fn uuid_param(field: &str, value: &Option<String>) -> Result<(), ApiError> {
    match value {
        Some(v) if uuid::Uuid::try_parse(v).is_err() => {
            Err(ApiError::invalid_parameter(field, "uuid", "must be a UUID"))
        }
        _ => Ok(()),
    }
}

/// Lists partnerships, by id. Any signed-in user; API clients with `partnerships:read`.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, PartnershipFilter),
    responses(
        (status = 200, description = "A page of partnerships", body = PartnershipPage),
    )
)]
#[get("/partnerships")]
pub async fn list_partnerships(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<PartnershipFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    uuid_param("project_id", &filter.project_id)?;
    uuid_param("organization_id", &filter.organization_id)?;
    if let Some(q) = &filter.q {
        text_param("q", q, 200)?;
    }
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = ps::table
                .select(PartnershipRow::as_select())
                .order(ps::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(ps::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(ps::updated_at.ge(since));
            }
            if let Some(status) = filter.status {
                q = q.filter(ps::status.eq(status.as_str()));
            }
            if let Some(project) = filter.project_id {
                q = q.filter(ps::project_id.eq(project));
            }
            if let Some(o) = filter.organization_id {
                q = q.filter(
                    ps::id.eq_any(
                        pm::table
                            .filter(pm::organization_id.eq(o))
                            .filter(pm::left_on.is_null())
                            .select(pm::partnership_id),
                    ),
                );
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                q = q.filter(
                    ps::name_search
                        .like(crate::db::contains_pattern(text.trim()))
                        .escape('\\'),
                );
            }
            Ok(q.load::<PartnershipRow>(conn)?)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(page.try_map(Partnership::try_from)?))
}

/// A new partnership; it starts as a `draft`.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePartnership {
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: String,
    #[validate(length(max = 5000))]
    #[schema(max_length = 5000)]
    pub purpose: Option<String>,
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    #[schema(format = Uuid)]
    pub project_id: Option<String>,
    /// Default true: NGOs and public administration together.
    pub cross_sector: Option<bool>,
    #[validate(nested)]
    pub agreement: Option<Agreement>,
}

/// Creates a partnership in the `draft` state. Admins and project coordinators
/// (of its project, if it names one).
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreatePartnership,
    responses(
        (status = 201, description = "The partnership", body = Partnership, headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/partnerships")]
pub async fn create_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreatePartnership>,
) -> Result<HttpResponse, ApiError> {
    let b = body.into_inner();
    authorize(
        &caller.actor,
        Permission::CreatePartnership {
            project_id: b.project_id.as_deref(),
        },
    )?;
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                if let Some(project) = &b.project_id {
                    crate::db::references::ensure_project(conn, project, "project_id")?;
                }
                let id = crate::db::new_id();
                let now = crate::db::now();
                let agreement = b.agreement.clone().unwrap_or_default();
                let name = b.name.trim().to_owned();
                diesel::insert_into(ps::table)
                    .values((
                        ps::id.eq(&id),
                        ps::name.eq(&name),
                        ps::name_search.eq(crate::db::fold_for_search(&name)),
                        ps::purpose.eq(&b.purpose),
                        ps::project_id.eq(&b.project_id),
                        ps::cross_sector.eq(b.cross_sector.unwrap_or(true)),
                        ps::status.eq(PartnershipStatus::Draft.as_str()),
                        ps::agreement_signed_on.eq(agreement.signed_on),
                        ps::agreement_reference.eq(&agreement.reference),
                        ps::agreement_document_url.eq(&agreement.document_url),
                        ps::created_at.eq(now),
                        ps::updated_at.eq(now),
                        ps::version.eq(1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("partnership", &id, "create")
                        .value("name", &name)
                        .value("project_id", &b.project_id)
                        .value("cross_sector", b.cross_sector.unwrap_or(true))
                        .value("status", "draft")
                        .value("agreement", &agreement),
                )?;
                load(conn, &id)
            })
        })
        .await?;
    let p = Partnership::try_from(row)?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/partnerships/{}", p.id)))
        .insert_header(header::ETag(etag(&p.id, p.version)))
        .json(p))
}

/// Reads a partnership. Any signed-in user; API clients with `partnerships:read`.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The partnership", body = Partnership, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/partnerships/{id}")]
pub async fn get_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let row = state.db.run(move |conn| load(conn, &id)).await?;
    let p = Partnership::try_from(row)?;
    Ok(json_with_etag(&req, etag(&p.id, p.version), &p))
}

/// Changes to a partnership: an absent field is unchanged, `null` clears it.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePartnership {
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    #[validate(length(max = 5000))]
    #[schema(value_type = Option<String>, max_length = 5000)]
    pub purpose: Option<Option<String>>,
    pub cross_sector: Option<bool>,
    /// Replaces the agreement.
    #[validate(nested)]
    pub agreement: Option<Agreement>,
}

/// Changes a partnership's name, purpose, kind or agreement. Admins, coordinators
/// of its project, org admins of its lead member.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The partnership's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdatePartnership,
    responses(
        (status = 200, description = "The partnership", body = Partnership, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/partnerships/{id}")]
pub async fn update_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<UpdatePartnership>,
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
                let current = lock(conn, &id)?;
                may_manage(&caller, conn, &current)?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                let status = status_of(&current)?;
                if status == PartnershipStatus::Dissolved {
                    return Err(ApiError::invalid_transition(
                        status.as_str(),
                        Vec::new(),
                        "A dissolved partnership cannot be changed.",
                    ));
                }
                let name = b
                    .name
                    .as_deref()
                    .map(str::trim)
                    .map(str::to_owned)
                    .unwrap_or(current.name.clone());
                let purpose = b.purpose.clone().unwrap_or(current.purpose.clone());
                let cross_sector = b.cross_sector.unwrap_or(current.cross_sector);
                let agreement = b.agreement.clone().unwrap_or(Agreement {
                    signed_on: current.agreement_signed_on,
                    reference: current.agreement_reference.clone(),
                    document_url: current.agreement_document_url.clone(),
                });
                diesel::update(ps::table.find(&id))
                    .set((
                        ps::name.eq(&name),
                        ps::name_search.eq(crate::db::fold_for_search(&name)),
                        ps::purpose.eq(&purpose),
                        ps::cross_sector.eq(cross_sector),
                        ps::agreement_signed_on.eq(agreement.signed_on),
                        ps::agreement_reference.eq(&agreement.reference),
                        ps::agreement_document_url.eq(&agreement.document_url),
                        ps::updated_at.eq(crate::db::now()),
                        ps::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let mut change = Change::new("partnership", &id, "update");
                if b.name.is_some() {
                    change = change.value("name", &name);
                }
                if b.purpose.is_some() {
                    change = change.value("purpose", &purpose);
                }
                if b.cross_sector.is_some() {
                    change = change.value("cross_sector", cross_sector);
                }
                if b.agreement.is_some() {
                    change = change.value("agreement", &agreement);
                }
                audit::record(conn, &caller, change)?;
                keeps_activation_conditions(conn, &id)?;
                load(conn, &id)
            })
        })
        .await?;
    respond(row)
}

/// Why a partnership is dissolved.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DissolveRequest {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

fn facts(conn: &mut DbConn, row: &PartnershipRow) -> Result<rules::Facts, ApiError> {
    let members: Vec<(String, String)> = pm::table
        .inner_join(org::table)
        .filter(pm::partnership_id.eq(&row.id))
        .filter(pm::left_on.is_null())
        .select((org::kind, pm::role))
        .load(conn)?;
    Ok(rules::Facts {
        current_members: members
            .iter()
            .map(|(k, r)| {
                Ok((
                    stored(OrganizationKind::parse(k), "organisation kind", k)?,
                    stored(PartnerRole::parse(r), "partner role", r)?,
                ))
            })
            .collect::<Result<_, ApiError>>()?,
        agreement_signed: row.agreement_signed_on.is_some(),
        cross_sector: row.cross_sector,
    })
}

/// An active partnership keeps what activating it required (two current
/// members, a lead, the signed agreement, both sectors when cross-sector): a
/// change that would lose one is refused with 422 naming each condition, and
/// rolled back with the transaction. To make such a change, suspend the
/// partnership first; resuming checks the conditions again.
pub(super) fn keeps_activation_conditions(conn: &mut DbConn, id: &str) -> Result<(), ApiError> {
    let row = load(conn, id)?;
    let status = status_of(&row)?;
    if status != PartnershipStatus::Active {
        return Ok(());
    }
    let unmet = rules::unmet_for_activation(&facts(conn, &row)?);
    if unmet.is_empty() {
        return Ok(());
    }
    Err(ApiError::new(
        crate::error::ProblemCode::ValidationFailed,
        "An active partnership must keep what activating it required; suspend it first to make this change.",
    )
    .with_errors(
        unmet
            .into_iter()
            .map(|(field, code, message)| FieldError::new(field, code, message))
            .collect(),
    )
    .with_transition(
        status.as_str(),
        status.allowed().iter().map(|t| t.as_str().to_owned()).collect(),
    ))
}

async fn transition(
    state: &AppState,
    caller: Caller,
    id: String,
    req: &HttpRequest,
    t: Transition,
    reason: Option<String>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    path_id("id", &id)?;
    let headers = req.headers().clone();
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                let current = lock(conn, &id)?;
                may_manage(&caller, conn, &current)?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                let status = status_of(&current)?;
                let allowed: Vec<String> = status
                    .allowed()
                    .iter()
                    .map(|t| t.as_str().to_owned())
                    .collect();
                let Some(next) = status.apply(t) else {
                    return Err(ApiError::invalid_transition(
                        status.as_str(),
                        allowed,
                        format!(
                            "{} partnership cannot {}.",
                            crate::error::with_article(status.as_str()),
                            t.as_str()
                        ),
                    ));
                };
                if next == PartnershipStatus::Active {
                    let unmet = rules::unmet_for_activation(&facts(conn, &current)?);
                    if !unmet.is_empty() {
                        return Err(ApiError::validation(
                            unmet
                                .into_iter()
                                .map(|(field, code, message)| FieldError::new(field, code, message))
                                .collect(),
                        )
                        .with_transition(status.as_str(), allowed));
                    }
                }
                diesel::update(ps::table.find(&id))
                    .set((
                        ps::status.eq(next.as_str()),
                        ps::dissolution_reason
                            .eq(reason.as_deref().or(current.dissolution_reason.as_deref())),
                        ps::updated_at.eq(crate::db::now()),
                        ps::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                let mut change = Change::new("partnership", &id, t.as_str())
                    .value("from", status.as_str())
                    .value("to", next.as_str());
                if let Some(reason) = &reason {
                    change = change.value("reason", reason);
                }
                audit::record(conn, &caller, change)?;
                load(conn, &id)
            })
        })
        .await?;
    respond(row)
}

/// Activates a draft partnership (`draft` → `active`). Needs at least two current
/// members, a lead, a signed agreement and, if cross-sector, an NGO and a
/// public-sector member; each unmet condition is named in a 422.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id"), crate::http::conditional::IfMatch),
    responses(
        (status = 200, description = "The active partnership", body = Partnership, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/partnerships/{id}/activate")]
pub async fn activate_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    transition(
        &state,
        caller,
        id.into_inner(),
        &req,
        Transition::Activate,
        None,
    )
    .await
}

/// Suspends an active partnership (`active` → `suspended`).
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id"), crate::http::conditional::IfMatch),
    responses(
        (status = 200, description = "The suspended partnership", body = Partnership, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/suspend")]
pub async fn suspend_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    transition(
        &state,
        caller,
        id.into_inner(),
        &req,
        Transition::Suspend,
        None,
    )
    .await
}

/// Resumes a suspended partnership (`suspended` → `active`), with the same
/// conditions as activating.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id"), crate::http::conditional::IfMatch),
    responses(
        (status = 200, description = "The active partnership", body = Partnership, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
        (status = 422, response = responses::ValidationFailed),
    )
)]
#[post("/partnerships/{id}/resume")]
pub async fn resume_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    transition(
        &state,
        caller,
        id.into_inner(),
        &req,
        Transition::Resume,
        None,
    )
    .await
}

/// Dissolves a partnership (final); the reason is required.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id"), crate::http::conditional::IfMatch),
    request_body = DissolveRequest,
    responses(
        (status = 200, description = "The dissolved partnership", body = Partnership, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/partnerships/{id}/dissolve")]
pub async fn dissolve_partnership(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<DissolveRequest>,
) -> Result<HttpResponse, ApiError> {
    let reason = body.into_inner().reason.trim().to_owned();
    if reason.is_empty() {
        return Err(ApiError::validation(vec![FieldError::new(
            "reason",
            "required",
            "a reason is required to dissolve a partnership",
        )]));
    }
    transition(
        &state,
        caller,
        id.into_inner(),
        &req,
        Transition::Dissolve,
        Some(reason),
    )
    .await
}

/// The sector mix of a partnership's current members.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectorMix {
    #[schema(format = Uuid)]
    pub partnership_id: String,
    /// Current members by organisation kind.
    #[schema(max_items = 6)]
    pub by_kind: Vec<KindCount>,
    /// NGOs and informal groups.
    #[schema(minimum = 0, maximum = 200)]
    pub civil_society: i64,
    /// Local government, government administration, public institutions.
    #[schema(minimum = 0, maximum = 200)]
    pub public_sector: i64,
    #[schema(minimum = 0, maximum = 200)]
    pub business: i64,
    /// True when both civil society and the public sector take part.
    pub cross_sector: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KindCount {
    pub kind: OrganizationKind,
    #[schema(minimum = 0, maximum = 200)]
    pub members: i64,
}

/// The sector mix of a partnership's current members.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The partnership's id")),
    responses(
        (status = 200, description = "The sector mix", body = SectorMix),
    )
)]
#[get("/partnerships/{id}/sector-mix")]
pub async fn get_partnership_sector_mix(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let kinds: Vec<String> = state
        .db
        .run({
            let id = id.clone();
            move |conn| {
                load(conn, &id)?;
                Ok(pm::table
                    .inner_join(org::table)
                    .filter(pm::partnership_id.eq(&id))
                    .filter(pm::left_on.is_null())
                    .select(org::kind)
                    .load(conn)?)
            }
        })
        .await?;
    let kinds: Vec<OrganizationKind> = kinds
        .iter()
        .filter_map(|k| OrganizationKind::parse(k))
        .collect();
    let count =
        |f: &dyn Fn(OrganizationKind) -> bool| kinds.iter().filter(|k| f(**k)).count() as i64;
    let civil = count(&|k| matches!(k, OrganizationKind::Ngo | OrganizationKind::InformalGroup));
    let public = count(&|k| k.is_public_sector());
    Ok(HttpResponse::Ok().json(SectorMix {
        by_kind: OrganizationKind::ALL
            .into_iter()
            .map(|kind| KindCount {
                kind,
                members: count(&|k| k == kind),
            })
            .filter(|c| c.members > 0)
            .collect(),
        civil_society: civil,
        public_sector: public,
        business: count(&|k| k == OrganizationKind::Business),
        cross_sector: civil > 0 && public > 0,
        partnership_id: id,
    }))
}

/// Lists the partnerships an organisation is or was a member of, by id.
#[utoipa::path(
    tag = "partnerships",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The organisation's id"), ListParams),
    responses(
        (status = 200, description = "A page of partnerships", body = PartnershipPage),
    )
)]
#[get("/organizations/{id}/partnerships")]
pub async fn list_organization_partnerships(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("partnerships"))?;
    let id = id.into_inner();
    path_id("id", &id)?;
    let page = list.0.page()?;
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let exists: i64 = org::table
                .filter(org::id.eq(&id))
                .count()
                .get_result(conn)?;
            if exists == 0 {
                return Err(ApiError::not_found(format!(
                    "No organisation has the id `{id}`."
                )));
            }
            let mut q = ps::table
                .filter(
                    ps::id.eq_any(
                        pm::table
                            .filter(pm::organization_id.eq(&id))
                            .select(pm::partnership_id),
                    ),
                )
                .select(PartnershipRow::as_select())
                .order(ps::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(ps::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(ps::updated_at.ge(since));
            }
            Ok(q.load::<PartnershipRow>(conn)?)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(page.try_map(Partnership::try_from)?))
}

crate::http::pagination::page_schema!(PartnershipPage, Partnership, "A page of partnerships.");
