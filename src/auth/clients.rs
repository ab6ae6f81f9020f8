//! API clients: machine credentials for partner organisations' systems. An
//! administrator creates one for an organisation with scopes; its secret is
//! returned once and stored only as a hash. Secrets can be rotated, and clients
//! revoked (a revoked client's tokens stop working at their expiry, within
//! minutes; new tokens are refused at once).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::policy::{Permission, SCOPES, authorize};
use super::secrets;
use crate::audit::{self, Caller, Change};
use crate::db::schema::api_clients as ac;
use crate::error::{ApiError, FieldError, responses};
use crate::http::conditional::{check_if_match, etag, json_with_etag};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::pagination::{ListParams, Page};
use crate::http::timestamp::Timestamp;
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ac)]
struct ClientRow {
    id: String,
    organization_id: String,
    name: String,
    scopes: String,
    revoked_at: Option<NaiveDateTime>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
    version: i64,
}

/// An API client. Its id is the OAuth2 `client_id`.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiClient {
    #[schema(format = Uuid)]
    pub id: String,
    /// The organisation the client acts for.
    #[schema(format = Uuid)]
    pub organization_id: String,
    #[schema(example = "CRM of Fundacja Razem")]
    #[schema(max_length = 200)]
    pub name: String,
    #[schema(value_type = Vec<ScopeName>, max_items = 20, example = json!(["organizations:read", "people:write"]))]
    pub scopes: Vec<String>,
    /// Set once the client is revoked; it can no longer obtain tokens.
    pub revoked_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl From<ClientRow> for ApiClient {
    fn from(r: ClientRow) -> Self {
        Self {
            id: r.id,
            organization_id: r.organization_id,
            name: r.name,
            scopes: r.scopes.split_whitespace().map(str::to_owned).collect(),
            revoked_at: r.revoked_at.map(Into::into),
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        }
    }
}

/// An API client with its secret, shown only in this response.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiClientWithSecret {
    pub client: ApiClient,
    /// Use with `client_id` = `client.id` at `POST /api/v1/auth/token`
    /// (`grant_type=client_credentials`). It cannot be read again.
    #[schema(max_length = 64)]
    pub client_secret: String,
}

/// A new API client.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiClient {
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub organization_id: String,
    #[validate(length(min = 1, max = 200))]
    #[schema(min_length = 1, max_length = 200)]
    pub name: String,
    /// What the client may do: each one a `ScopeName`, listed there.
    #[validate(length(min = 1, max = 20))]
    #[schema(value_type = Vec<ScopeName>, min_items = 1, max_items = 20)]
    pub scopes: Vec<String>,
}

/// A scope that can be granted to an API client (documentation of
/// [`SCOPES`]; a unit test keeps the two equal).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
pub enum ScopeName {
    #[serde(rename = "organizations:read")]
    OrganizationsRead,
    #[serde(rename = "organizations:write")]
    OrganizationsWrite,
    #[serde(rename = "people:read")]
    PeopleRead,
    #[serde(rename = "people:write")]
    PeopleWrite,
    #[serde(rename = "projects:read")]
    ProjectsRead,
    #[serde(rename = "projects:write")]
    ProjectsWrite,
    #[serde(rename = "partnerships:read")]
    PartnershipsRead,
    #[serde(rename = "good_practices:read")]
    GoodPracticesRead,
    /// Manage the webhook subscriptions of the client's organisation.
    #[serde(rename = "webhooks:write")]
    WebhooksWrite,
}

/// Filters of `GET /api/v1/api-clients`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApiClientFilter {
    #[param(format = Uuid)]
    pub organization_id: Option<String>,
}

fn check_scopes(scopes: &[String]) -> Result<String, ApiError> {
    let errors: Vec<FieldError> = scopes
        .iter()
        .enumerate()
        .filter(|(_, s)| !SCOPES.contains(&s.as_str()))
        .map(|(i, s)| {
            FieldError::new(
                format!("scopes[{i}]"),
                "unknown_scope",
                format!("`{s}` is not a scope; use one of {}", SCOPES.join(", ")),
            )
        })
        .collect();
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let mut unique: Vec<&str> = scopes.iter().map(String::as_str).collect();
    unique.sort_unstable();
    unique.dedup();
    Ok(unique.join(" "))
}

fn load(conn: &mut crate::db::DbConn, id: &str) -> Result<ClientRow, ApiError> {
    ac::table
        .find(id)
        .select(ClientRow::as_select())
        .first(conn)
        .optional()?
        .ok_or_else(|| ApiError::not_found(format!("No API client has the id `{id}`.")))
}

/// Creates an API client for an organisation. Admins only. The secret is in
/// this response and nowhere else.
#[utoipa::path(
    tag = "api_clients",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateApiClient,
    responses(
        (status = 201, description = "The client and its secret", body = ApiClientWithSecret,
            headers(("Location" = String))),
    )
)]
#[post("/api-clients")]
pub async fn create_api_client(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateApiClient>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageApiClients)?;
    let body = body.into_inner();
    let scopes = check_scopes(&body.scopes)?;
    let secret = secrets::generate("cs_");
    let secret_hash = secrets::hash(&secret);
    let row = state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                crate::db::references::ensure_organization(
                    conn,
                    &body.organization_id,
                    "organization_id",
                )?;
                let id = crate::db::new_id();
                let now = crate::db::now();
                diesel::insert_into(ac::table)
                    .values((
                        ac::id.eq(&id),
                        ac::organization_id.eq(&body.organization_id),
                        ac::name.eq(body.name.trim()),
                        ac::secret_hash.eq(&secret_hash),
                        ac::scopes.eq(&scopes),
                        ac::created_at.eq(now),
                        ac::updated_at.eq(now),
                        ac::version.eq(1),
                    ))
                    .execute(conn)?;
                audit::record(
                    conn,
                    &caller,
                    Change::new("api_client", &id, "create")
                        .value("organization_id", &body.organization_id)
                        .value("name", body.name.trim())
                        .value("scopes", &scopes),
                )?;
                load(conn, &id)
            })
        })
        .await?;
    let client = ApiClient::from(row);
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/api/v1/api-clients/{}", client.id),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ApiClientWithSecret {
            client,
            client_secret: secret,
        }))
}

/// Lists API clients. Admins only.
#[utoipa::path(
    tag = "api_clients",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, ApiClientFilter),
    responses(
        (status = 200, description = "A page of API clients", body = ApiClientPage),
    )
)]
#[get("/api-clients")]
pub async fn list_api_clients(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<ApiClientFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageApiClients)?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    if let Some(org) = &filter.organization_id
        && uuid::Uuid::try_parse(org).is_err()
    {
        return Err(ApiError::invalid_parameter(
            "organization_id",
            "uuid",
            "must be a UUID",
        ));
    }
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = ac::table
                .select(ClientRow::as_select())
                .order(ac::id.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(ac::id.gt(after));
            }
            if let Some(since) = request.updated_since {
                q = q.filter(ac::updated_at.ge(since));
            }
            if let Some(org) = filter.organization_id {
                q = q.filter(ac::organization_id.eq(org));
            }
            Ok(q.load::<ClientRow>(conn)?)
        })
        .await?;
    let page = Page::from_rows(rows, &page, |r| r.id.clone());
    Ok(HttpResponse::Ok().json(page.map(ApiClient::from)))
}

/// Reads an API client (never its secret). Admins only.
#[utoipa::path(
    tag = "api_clients",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The client's id")),
    responses(
        (status = 200, description = "The API client", body = ApiClient, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/api-clients/{id}")]
pub async fn get_api_client(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageApiClients)?;
    let id = id.into_inner();
    crate::http::path_id("id", &id)?;
    let row = state.db.run(move |conn| load(conn, &id)).await?;
    let client = ApiClient::from(row);
    Ok(json_with_etag(
        &req,
        etag(&client.id, client.version),
        &client,
    ))
}

/// Replaces an API client's secret; the old one stops working at once. Admins only.
#[utoipa::path(
    tag = "api_clients",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The client's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The client and its new secret", body = ApiClientWithSecret),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/api-clients/{id}/rotate-secret")]
pub async fn rotate_api_client_secret(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageApiClients)?;
    let secret = secrets::generate("cs_");
    let secret_hash = secrets::hash(&secret);
    let row = change_client(&state, caller, id.into_inner(), req, move |conn, id, _| {
        diesel::update(ac::table.find(id))
            .set(ac::secret_hash.eq(&secret_hash))
            .execute(conn)?;
        Ok(Change::new("api_client", id, "rotate_secret").personal("secret"))
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(ApiClientWithSecret {
            client: ApiClient::from(row),
            client_secret: secret,
        }))
}

/// Revokes an API client: it can no longer obtain tokens. Admins only.
#[utoipa::path(
    tag = "api_clients",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The client's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The revoked client", body = ApiClient, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/api-clients/{id}/revoke")]
pub async fn revoke_api_client(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageApiClients)?;
    let row = change_client(&state, caller, id.into_inner(), req, |conn, id, now| {
        diesel::update(ac::table.find(id))
            .set(ac::revoked_at.eq(now))
            .execute(conn)?;
        Ok(Change::new("api_client", id, "revoke").value("revoked_at", now.and_utc()))
    })
    .await?;
    let client = ApiClient::from(row);
    Ok(HttpResponse::Ok()
        .insert_header(header::ETag(etag(&client.id, client.version)))
        .json(client))
}

/// Applies `apply` to an active client under `If-Match`, bumping its version and
/// recording the change.
async fn change_client<F>(
    state: &AppState,
    caller: Caller,
    id: String,
    req: HttpRequest,
    apply: F,
) -> Result<ClientRow, ApiError>
where
    F: FnOnce(&mut crate::db::DbConn, &str, NaiveDateTime) -> Result<Change, ApiError>
        + Send
        + 'static,
{
    crate::http::path_id("id", &id)?;
    let headers = req.headers().clone();
    state
        .db
        .run(move |conn| {
            crate::db::write_transaction(conn, |conn| {
                // Lock the row first, so concurrent changes queue instead of failing.
                diesel::update(ac::table.find(&id))
                    .set(ac::version.eq(ac::version))
                    .execute(conn)?;
                let current = load(conn, &id)?;
                check_if_match(&headers, &etag(&current.id, current.version))?;
                if current.revoked_at.is_some() {
                    return Err(ApiError::invalid_transition(
                        "revoked",
                        Vec::new(),
                        "The API client has been revoked.",
                    ));
                }
                let now = crate::db::now();
                let change = apply(conn, &id, now)?;
                diesel::update(ac::table.find(&id))
                    .set((ac::updated_at.eq(now), ac::version.eq(current.version + 1)))
                    .execute(conn)?;
                audit::record(conn, &caller, change)?;
                load(conn, &id)
            })
        })
        .await
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(create_api_client)
        .service(list_api_clients)
        .service(get_api_client)
        .service(rotate_api_client_secret)
        .service(revoke_api_client);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_scopes_are_the_granted_ones() {
        let documented = [
            ScopeName::OrganizationsRead,
            ScopeName::OrganizationsWrite,
            ScopeName::PeopleRead,
            ScopeName::PeopleWrite,
            ScopeName::ProjectsRead,
            ScopeName::ProjectsWrite,
            ScopeName::PartnershipsRead,
            ScopeName::GoodPracticesRead,
            ScopeName::WebhooksWrite,
        ]
        .map(|s| {
            serde_json::to_value(s)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned()
        });
        assert_eq!(documented.to_vec(), SCOPES.to_vec());
    }
}

crate::http::pagination::page_schema!(ApiClientPage, ApiClient, "A page of API clients.");
