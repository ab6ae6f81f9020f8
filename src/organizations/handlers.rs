use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::prelude::*;

use super::model::*;
use super::rules::{OrganizationFields, normalize};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize, require_signed_in};
use crate::db::DbConn;
use crate::db::schema::{organizations as org, territorial_units};
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::http::conditional::{check_if_match, etag, json_with_etag};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::text_param;
use crate::state::AppState;

pub(super) fn load(conn: &mut DbConn, id: &str) -> Result<OrganizationRow, ApiError> {
    org::table
        .find(id)
        .select(OrganizationRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("No organisation has the id `{id}`.")))
}

/// The checks that need the database: referenced territorial units exist, and
/// identifiers are not used by another organisation.
fn check_against_database(
    conn: &mut DbConn,
    fields: &OrganizationFields,
    self_id: Option<&str>,
) -> Result<Vec<FieldError>, ApiError> {
    let mut errors = Vec::new();
    for (field, code) in [
        ("teryt_code", &fields.teryt_code),
        ("territorial_unit_code", &fields.territorial_unit_code),
    ] {
        let Some(code) = code else { continue };
        let country: Option<String> = territorial_units::table
            .find(code)
            .select(territorial_units::country)
            .first(conn)
            .optional()?;
        match country {
            None => errors.push(FieldError::new(
                field,
                "unknown_territorial_unit",
                format!("`{code}` is not a known territorial unit"),
            )),
            Some(c) if field == "teryt_code" && c != fields.country => {
                errors.push(FieldError::new(
                    field,
                    "wrong_country",
                    format!("`{code}` is in {c}, not in {}", fields.country),
                ))
            }
            Some(_) => {}
        }
    }
    let identifiers = [
        ("krs", &fields.krs),
        ("nip", &fields.nip),
        ("regon", &fields.regon),
        ("teryt_code", &fields.teryt_code),
        ("cui", &fields.cui),
    ];
    for (field, value) in identifiers {
        let Some(value) = value else { continue };
        if errors.iter().any(|e| e.field == field) {
            continue;
        }
        let mut q = org::table.select(org::id).into_boxed();
        q = match field {
            "krs" => q.filter(org::krs.eq(value)),
            "nip" => q.filter(org::nip.eq(value)),
            "regon" => q.filter(org::regon.eq(value)),
            "teryt_code" => q.filter(org::teryt_code.eq(value)),
            _ => q.filter(org::cui.eq(value)),
        };
        if let Some(id) = self_id {
            q = q.filter(org::id.ne(id));
        }
        if let Some(other) = q.first::<String>(conn).optional()? {
            errors.push(FieldError::new(
                field,
                "not_unique",
                format!("is already the identifier of organisation {other}"),
            ));
        }
    }
    Ok(errors)
}

fn invalid(errors: Vec<FieldError>) -> Result<(), ApiError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ApiError::validation(errors))
    }
}

fn with_etag(status: actix_web::http::StatusCode, o: &Organization) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header(header::ETag(etag(&o.id, o.version)))
        .json(o)
}

/// Lists organisations, by id (creation order). Any signed-in user; API clients
/// with `organizations:read`.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, OrganizationFilter),
    responses(
        (status = 200, description = "A page of organisations", body = OrganizationPage),
    )
)]
#[get("/organizations")]
pub async fn list_organizations(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<OrganizationFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("organizations"))?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    if let Some(q) = &filter.q {
        text_param("q", q, 200)?;
    }
    if let Some(unit) = &filter.territorial_unit {
        text_param("territorial_unit", unit, 32)?;
    }
    let country = filter
        .country
        .as_deref()
        .map(|c| crate::http::country_param("country", c))
        .transpose()?;
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = org::table
                .select(OrganizationRow::as_select())
                .order(org::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(org::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(org::updated_at.ge(since));
            }
            if !filter.include_archived.unwrap_or(false) {
                q = q.filter(org::archived_at.is_null());
            }
            if let Some(kind) = filter.kind {
                q = q.filter(org::kind.eq(kind.as_str()));
            }
            if let Some(country) = country {
                q = q.filter(org::country.eq(country));
            }
            if let Some(unit) = filter.territorial_unit {
                q = q.filter(
                    org::territorial_unit_code
                        .eq(unit.clone())
                        .or(org::teryt_code.eq(unit)),
                );
            }
            if let Some(text) = filter.q.filter(|t| !t.trim().is_empty()) {
                q = q.filter(
                    org::name_search
                        .like(crate::db::contains_pattern(text.trim()))
                        .escape('\\'),
                );
            }
            Ok(q.load::<OrganizationRow>(conn)?)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |r| r.id.clone());
    let items = page
        .items
        .into_iter()
        .map(Organization::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// Creates an organisation. Admins and project coordinators.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateOrganization,
    responses(
        (status = 201, description = "The organisation", body = Organization,
            headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/organizations")]
pub async fn create_organization(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateOrganization>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::CreateOrganization)?;
    let b = body.into_inner();
    let mut fields = OrganizationFields {
        name: b.name,
        kind: Some(b.kind),
        country: b.country,
        krs: b.krs,
        nip: b.nip,
        regon: b.regon,
        teryt_code: b.teryt_code,
        cui: b.cui,
        territorial_unit_code: b.territorial_unit_code,
        street: b.street,
        city: b.city,
        postal_code: b.postal_code,
        email: b.email,
        phone: b.phone,
        website: b.website,
    };
    invalid(normalize(&mut fields))?;
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                invalid(check_against_database(conn, &fields, None)?)?;
                let id = crate::db::new_id();
                let now = crate::db::now();
                let kind = fields.kind.unwrap_or(OrganizationKind::Ngo);
                diesel::insert_into(org::table)
                    .values((
                        org::id.eq(&id),
                        org::name.eq(&fields.name),
                        org::name_search.eq(crate::db::fold_for_search(&fields.name)),
                        org::kind.eq(kind.as_str()),
                        org::country.eq(&fields.country),
                        org::krs.eq(&fields.krs),
                        org::nip.eq(&fields.nip),
                        org::regon.eq(&fields.regon),
                        org::teryt_code.eq(&fields.teryt_code),
                        org::cui.eq(&fields.cui),
                        org::territorial_unit_code.eq(&fields.territorial_unit_code),
                        org::street.eq(&fields.street),
                        org::city.eq(&fields.city),
                        org::postal_code.eq(&fields.postal_code),
                        org::email.eq(&fields.email),
                        org::phone.eq(&fields.phone),
                        org::website.eq(&fields.website),
                        org::created_at.eq(now),
                        org::updated_at.eq(now),
                        org::version.eq(1),
                    ))
                    .execute(conn)?;
                audit::record(conn, &caller, change_of("create", &id, &fields))?;
                load(conn, &id)
            })
        })
        .await?;
    let o = Organization::try_from(row)?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/organizations/{}", o.id)))
        .insert_header(header::ETag(etag(&o.id, o.version)))
        .json(o))
}

fn change_of(action: &str, id: &str, f: &OrganizationFields) -> Change {
    Change::new("organization", id, action)
        .value("name", &f.name)
        .value("kind", f.kind)
        .value("country", &f.country)
        .value("krs", &f.krs)
        .value("nip", &f.nip)
        .value("regon", &f.regon)
        .value("teryt_code", &f.teryt_code)
        .value("cui", &f.cui)
        .value("territorial_unit_code", &f.territorial_unit_code)
        .value("street", &f.street)
        .value("city", &f.city)
        .value("postal_code", &f.postal_code)
        .value("email", &f.email)
        .value("phone", &f.phone)
        .value("website", &f.website)
}

/// Reads an organisation. Any signed-in user; API clients with `organizations:read`.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The organisation's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The organisation", body = Organization, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/organizations/{id}")]
pub async fn get_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("organizations"))?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let row = state.db.run(move |conn| load(conn, &id)).await?;
    let o = Organization::try_from(row)?;
    Ok(json_with_etag(&req, etag(&o.id, o.version), &o))
}

fn set<T: Clone>(target: &mut T, change: &Option<T>) {
    if let Some(v) = change {
        *target = v.clone();
    }
}

/// Changes an organisation. Admins, its org admins, and its own API clients with
/// `organizations:write`.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The organisation's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateOrganization,
    responses(
        (status = 200, description = "The changed organisation", body = Organization, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/organizations/{id}")]
pub async fn update_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
    body: ApiJson<UpdateOrganization>,
) -> Result<HttpResponse, ApiError> {
    require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let headers = req.headers().clone();
    let b = body.into_inner();
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                // Lock the row first, so concurrent changes queue instead of failing.
                diesel::update(org::table.find(&id))
                    .set(org::version.eq(org::version))
                    .execute(conn)?;
                let current = load(conn, &id)?;
                authorize(&caller.actor, Permission::UpdateOrganization { organization_id: &id })?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                if current.archived_at.is_some() {
                    return Err(ApiError::invalid_transition(
                        "archived",
                        Vec::new(),
                        "An archived organisation cannot be changed.",
                    ));
                }
                let mut f = OrganizationFields {
                    name: current.name.clone(),
                    kind: OrganizationKind::parse(&current.kind),
                    country: current.country.clone(),
                    krs: current.krs.clone(),
                    nip: current.nip.clone(),
                    regon: current.regon.clone(),
                    teryt_code: current.teryt_code.clone(),
                    cui: current.cui.clone(),
                    territorial_unit_code: current.territorial_unit_code.clone(),
                    street: current.street.clone(),
                    city: current.city.clone(),
                    postal_code: current.postal_code.clone(),
                    email: current.email.clone(),
                    phone: current.phone.clone(),
                    website: current.website.clone(),
                };
                set(&mut f.name, &b.name);
                if let Some(kind) = b.kind {
                    f.kind = Some(kind);
                }
                set(&mut f.country, &b.country);
                set(&mut f.krs, &b.krs);
                set(&mut f.nip, &b.nip);
                set(&mut f.regon, &b.regon);
                set(&mut f.teryt_code, &b.teryt_code);
                set(&mut f.cui, &b.cui);
                set(&mut f.territorial_unit_code, &b.territorial_unit_code);
                set(&mut f.street, &b.street);
                set(&mut f.city, &b.city);
                set(&mut f.postal_code, &b.postal_code);
                set(&mut f.email, &b.email);
                set(&mut f.phone, &b.phone);
                set(&mut f.website, &b.website);
                invalid(normalize(&mut f))?;
                invalid(check_against_database(conn, &f, Some(&id))?)?;
                let now = crate::db::now();
                let kind = f.kind.unwrap_or(OrganizationKind::Ngo);
                let updated = diesel::update(
                    org::table
                        .find(&id)
                        .filter(org::version.eq(current.version)),
                )
                .set((
                    org::name.eq(&f.name),
                    org::name_search.eq(crate::db::fold_for_search(&f.name)),
                    org::kind.eq(kind.as_str()),
                    org::country.eq(&f.country),
                    org::krs.eq(&f.krs),
                    org::nip.eq(&f.nip),
                    org::regon.eq(&f.regon),
                    org::teryt_code.eq(&f.teryt_code),
                    org::cui.eq(&f.cui),
                    org::territorial_unit_code.eq(&f.territorial_unit_code),
                    org::street.eq(&f.street),
                    org::city.eq(&f.city),
                    org::postal_code.eq(&f.postal_code),
                    org::email.eq(&f.email),
                    org::phone.eq(&f.phone),
                    org::website.eq(&f.website),
                    org::updated_at.eq(now),
                    org::version.eq(current.version + 1),
                ))
                .execute(conn)?;
                if updated == 0 {
                    return Err(ApiError::new(
                        ProblemCode::PreconditionFailed,
                        "The organisation changed while this request was processed; read it again and retry.",
                    ));
                }
                let mut change = Change::new("organization", &id, "update");
                let before = change_of("update", &id, &fields_of(&current));
                let after = change_of("update", &id, &f);
                for ((name, old), (_, new)) in before.fields.iter().zip(after.fields.iter()) {
                    if format!("{old:?}") != format!("{new:?}")
                        && let audit::Recorded::Value(v) = new
                    {
                        change = change.value(name.clone(), v);
                    }
                }
                audit::record(conn, &caller, change)?;
                load(conn, &id)
            })
        })
        .await?;
    let o = Organization::try_from(row)?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &o))
}

fn fields_of(r: &OrganizationRow) -> OrganizationFields {
    OrganizationFields {
        name: r.name.clone(),
        kind: OrganizationKind::parse(&r.kind),
        country: r.country.clone(),
        krs: r.krs.clone(),
        nip: r.nip.clone(),
        regon: r.regon.clone(),
        teryt_code: r.teryt_code.clone(),
        cui: r.cui.clone(),
        territorial_unit_code: r.territorial_unit_code.clone(),
        street: r.street.clone(),
        city: r.city.clone(),
        postal_code: r.postal_code.clone(),
        email: r.email.clone(),
        phone: r.phone.clone(),
        website: r.website.clone(),
    }
}

/// Archives an organisation: it stays readable and referable, but is hidden from
/// lists and can no longer be changed. Admins only.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The organisation's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The archived organisation", body = Organization, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/organizations/{id}/archive")]
pub async fn archive_organization(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ArchiveOrganization)?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let headers = req.headers().clone();
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                // Lock the row first, so concurrent changes queue instead of failing.
                diesel::update(org::table.find(&id))
                    .set(org::version.eq(org::version))
                    .execute(conn)?;
                let current = load(conn, &id)?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                if current.archived_at.is_some() {
                    return Err(ApiError::invalid_transition(
                        "archived",
                        Vec::new(),
                        "The organisation is already archived.",
                    ));
                }
                let now = crate::db::now();
                diesel::update(org::table.find(&id))
                    .set((
                        org::archived_at.eq(now),
                        org::updated_at.eq(now),
                        org::version.eq(current.version + 1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("organization", &id, "archive").value("archived_at", now.and_utc()),
                )?;
                load(conn, &id)
            })
        })
        .await?;
    let o = Organization::try_from(row)?;
    Ok(with_etag(actix_web::http::StatusCode::OK, &o))
}

crate::http::pagination::page_schema!(OrganizationPage, Organization, "A page of organisations.");
