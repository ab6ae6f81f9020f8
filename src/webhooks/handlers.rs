//! The webhook endpoints: subscriptions (create, list, read, change, delete)
//! and their deliveries (list, read, redeliver).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use diesel::prelude::*;

use super::model::{
    CreateWebhookSubscription, DeliveryFilter, DeliveryRow, SubscriptionFilter, SubscriptionRow,
    UpdateWebhookSubscription, WebhookDelivery, WebhookDeliveryPage, WebhookSubscription,
    WebhookSubscriptionPage, WebhookSubscriptionWithSecret,
};
use super::rules;
use super::store::{self, Owner};
use crate::audit::Caller;
use crate::audit::feed::followed_types;
use crate::auth::Actor;
use crate::auth::policy::{Permission, authorize, webhook_organizations};
use crate::db::record::{self, Record};
use crate::db::schema::webhook_deliveries as wd;
use crate::db::schema::webhook_subscriptions as ws;
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::{PathId, PathIds};
use crate::http::pagination::{ListParams, Page};
use crate::keyset_page;
use crate::state::AppState;

fn manage(actor: &Actor, row: &SubscriptionRow) -> Result<(), ApiError> {
    authorize(
        actor,
        Permission::ManageWebhooks {
            organization_id: &row.organization_id,
        },
    )
}

/// 403 for a caller who manages no organisation's webhooks, before anything
/// else is looked at.
fn manages_some(actor: &Actor) -> Result<(), ApiError> {
    match webhook_organizations(actor) {
        Some(orgs) if orgs.is_empty() => Err(ApiError::new(
            ProblemCode::Forbidden,
            "Only an organisation's admins (and its API clients with `webhooks:write`) manage its webhooks.",
        )),
        _ => Ok(()),
    }
}

fn check_url(url: &str, state: &AppState) -> Result<(), ApiError> {
    rules::check_url(url, state.webhooks_allow_insecure).map_err(|(code, message)| {
        ApiError::validation(vec![FieldError::new("url", code, message)])
    })
}

/// Subscribes a URL to the changes of records: each change committed from
/// now on, of the entity types chosen (among those the caller may follow in
/// the change feed), is POSTed to it as a signed delivery and retried until
/// the receiver answers 2xx. The signing secret is in this response and
/// nowhere else. An organisation's admins, and its API clients with
/// `webhooks:write` (for their own organisation).
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("oauth2" = [])),
    request_body = CreateWebhookSubscription,
    responses(
        (status = 201, description = "The subscription and its secret", body = WebhookSubscriptionWithSecret,
            headers(("Location" = String), ("ETag" = String))),
    )
)]
#[post("/webhooks")]
pub async fn create_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<CreateWebhookSubscription>,
) -> Result<HttpResponse, ApiError> {
    manages_some(&caller.actor)?;
    let form = body.into_inner();
    let owner = match (&caller.actor, form.organization_id) {
        (Actor::Client(client), org) => Owner {
            organization_id: org.unwrap_or_else(|| client.organization_id.clone()),
            api_client_id: Some(client.id.clone()),
        },
        (_, Some(org)) => Owner {
            organization_id: org,
            api_client_id: None,
        },
        (_, None) => {
            return Err(ApiError::validation(vec![FieldError::new(
                "organization_id",
                "required",
                "name the organisation the subscription belongs to",
            )]));
        }
    };
    authorize(
        &caller.actor,
        Permission::ManageWebhooks {
            organization_id: &owner.organization_id,
        },
    )?;
    check_url(&form.url, &state)?;
    let types = followed_types(&caller.actor, form.event_types)?;
    let secret = crate::auth::secrets::generate("whsec_");
    let url = form.url;
    let row = state
        .db
        .write({
            let secret = secret.clone();
            move |conn| store::insert(conn, &caller, owner, &url, types, &secret)
        })
        .await?;
    let location = format!("/api/v1/webhooks/{}", row.id);
    let tag = row.etag();
    let mut res = created(
        location,
        tag,
        &WebhookSubscriptionWithSecret {
            subscription: WebhookSubscription::try_from(row)?,
            secret,
        },
    );
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

/// Lists the webhook subscriptions the caller manages, by id.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("oauth2" = [])),
    params(ListParams, SubscriptionFilter),
    responses(
        (status = 200, description = "A page of subscriptions", body = WebhookSubscriptionPage),
    )
)]
#[get("/webhooks")]
pub async fn list_webhooks(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<SubscriptionFilter>,
) -> Result<HttpResponse, ApiError> {
    manages_some(&caller.actor)?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    let orgs = webhook_organizations(&caller.actor);
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = keyset_page!(ws::table.select(SubscriptionRow::as_select()), ws, request);
            if let Some(orgs) = orgs {
                q = q.filter(ws::organization_id.eq_any(orgs));
            }
            if let Some(org) = filter.organization_id {
                q = q.filter(ws::organization_id.eq(org.into_inner()));
            }
            if let Some(status) = filter.status {
                q = q.filter(ws::status.eq(status.as_str()));
            }
            Ok(q.load::<SubscriptionRow>(conn)?)
        })
        .await?;
    let page = Page::of_records(rows, &page, WebhookSubscription::try_from)?;
    Ok(HttpResponse::Ok().json(page))
}

/// Reads a webhook subscription (never its secret). Who manages it.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The subscription's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The subscription", body = WebhookSubscription, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/webhooks/{id}")]
pub async fn get_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row: SubscriptionRow = state.db.run(move |conn| record::find(conn, &id)).await?;
    manage(&caller.actor, &row)?;
    Ok(json_with_etag(
        &req,
        row.etag(),
        &WebhookSubscription::try_from(row)?,
    ))
}

/// Changes a subscription's URL or event types, or turns it off and on.
/// Turning it on clears its failures and sends what waits at once. Who
/// manages it.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The subscription's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateWebhookSubscription,
    responses(
        (status = 200, description = "The subscription", body = WebhookSubscription, headers(("ETag" = String))),
    )
)]
#[patch("/webhooks/{id}")]
pub async fn update_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateWebhookSubscription>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let mut form = body.into_inner();
    if let Some(url) = &form.url {
        check_url(url, &state)?;
    }
    let row = state
        .db
        .write(move |conn| {
            let current =
                record::for_change(conn, &id, &if_match, |_, row| manage(&caller.actor, row))?;
            if let Some(types) = form.event_types.take() {
                form.event_types = Some(followed_types(&caller.actor, types)?);
            }
            store::update(conn, &caller, current, form)
        })
        .await?;
    Ok(saved(row.etag(), &WebhookSubscription::try_from(row)?))
}

/// Deletes a subscription and its deliveries. Who manages it.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The subscription's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 204, description = "Deleted"),
    )
)]
#[delete("/webhooks/{id}")]
pub async fn delete_webhook(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    state
        .db
        .write(move |conn| {
            record::for_change(conn, &id, &if_match, |_, row: &SubscriptionRow| {
                manage(&caller.actor, row)
            })?;
            store::delete(conn, &caller, &id)
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lists a subscription's deliveries, oldest first, with their tries. Who
/// manages it.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The subscription's id"),
        ListParams,
        DeliveryFilter,
    ),
    responses(
        (status = 200, description = "A page of deliveries", body = WebhookDeliveryPage),
    )
)]
#[get("/webhooks/{id}/deliveries")]
pub async fn list_webhook_deliveries(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<DeliveryFilter>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let page = list.0.page()?;
    let filter = filter.into_inner();
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let sub: SubscriptionRow = record::find(conn, &id)?;
            manage(&caller.actor, &sub)?;
            let mut q = keyset_page!(wd::table.select(DeliveryRow::as_select()), wd, request)
                .filter(wd::subscription_id.eq(id));
            if let Some(status) = filter.status {
                q = q.filter(wd::status.eq(status.as_str()));
            }
            Ok(q.load::<DeliveryRow>(conn)?)
        })
        .await?;
    let page = Page::of_records(rows, &page, WebhookDelivery::try_from)?;
    Ok(HttpResponse::Ok().json(page))
}

/// Reads one delivery of a subscription, with its payload and tries. Who
/// manages the subscription.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The subscription's id"),
        ("delivery_id" = String, Path, format = Uuid, description = "The delivery's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The delivery", body = WebhookDelivery, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/webhooks/{id}/deliveries/{delivery_id}")]
pub async fn get_webhook_delivery(
    state: web::Data<AppState>,
    caller: Caller,
    ids: PathIds<2>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let [id, delivery_id] = ids.0;
    let row = state
        .db
        .run(move |conn| {
            let sub: SubscriptionRow = record::find(conn, &id)?;
            manage(&caller.actor, &sub)?;
            store::delivery_of(conn, &sub, &delivery_id, false)
        })
        .await?;
    Ok(json_with_etag(
        &req,
        row.etag(),
        &WebhookDelivery::try_from(row)?,
    ))
}

/// Sends a delivery again — one that was given up, or one the receiver lost —
/// with a fresh round of tries, as soon as the sender's next round (409 while
/// the subscription is disabled). Who manages the subscription.
#[utoipa::path(
    tag = "webhooks",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The subscription's id"),
        ("delivery_id" = String, Path, format = Uuid, description = "The delivery's id"),
        crate::http::conditional::IfMatch,
    ),
    responses(
        (status = 200, description = "The delivery, due again", body = WebhookDelivery, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver_webhook_delivery(
    state: web::Data<AppState>,
    caller: Caller,
    ids: PathIds<2>,
    if_match: IfMatch,
) -> Result<HttpResponse, ApiError> {
    let [id, delivery_id] = ids.0;
    let row = state
        .db
        .write(move |conn| {
            let sub: SubscriptionRow = record::locked(conn, &id)?;
            manage(&caller.actor, &sub)?;
            let delivery = store::delivery_of(conn, &sub, &delivery_id, true)?;
            if_match.check(&delivery)?;
            store::redeliver(conn, &caller, &sub, delivery)
        })
        .await?;
    Ok(saved(row.etag(), &WebhookDelivery::try_from(row)?))
}
