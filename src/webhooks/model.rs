//! What a webhook subscription and a delivery are, as stored and as the API
//! shows and takes them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use crate::db::enums::StrEnum;
use crate::db::schema::webhook_deliveries as wd;
use crate::db::schema::webhook_subscriptions as ws;
use crate::error::ApiError;
use crate::http::extract::double_option;
use crate::http::ids::RecordId;
use crate::http::timestamp::Timestamp;

crate::string_enum! {
    "webhook subscription status"
    #[derive(ToSchema)]
    pub enum SubscriptionStatus {
        /// Changes are delivered.
        Active = "active",
        /// Nothing is sent (turned off by a user, or after repeated
        /// failures); changes keep queueing and go out once it is active
        /// again.
        Disabled = "disabled",
    }
}

crate::string_enum! {
    "webhook delivery status"
    #[derive(ToSchema)]
    pub enum DeliveryStatus {
        /// Waiting for its first or next try.
        Pending = "pending",
        /// The receiver answered 2xx.
        Delivered = "delivered",
        /// Given up after every try failed; can be redelivered by hand.
        Failed = "failed",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ws)]
pub struct SubscriptionRow {
    pub id: String,
    pub organization_id: String,
    pub api_client_id: Option<String>,
    pub url: String,
    pub event_types: Option<String>,
    pub secret: String,
    pub status: String,
    pub disabled_reason: Option<String>,
    pub consecutive_failures: i32,
    pub failing_since: Option<NaiveDateTime>,
    pub log_position: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(SubscriptionRow, ws, "webhook subscription");

impl SubscriptionRow {
    /// The entity types it follows (`None`: every type).
    pub fn types(&self) -> Option<Vec<String>> {
        self.event_types
            .as_deref()
            .map(|t| t.split(',').map(str::to_owned).collect())
    }
}

/// A webhook subscription: where changes of records are sent.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "id": "019a1b2c-0000-7000-8000-00000000000a",
    "organization_id": "019a1b2c-0000-7000-8000-000000000002", "api_client_id": null,
    "url": "https://crm.example.org/coopera-hooks", "event_types": ["organization", "person"],
    "status": "active", "disabled_reason": null, "consecutive_failures": 0,
    "created_at": "2026-11-26T10:00:00.000000Z", "updated_at": "2026-11-26T10:00:00.000000Z", "version": 1
}))]
pub struct WebhookSubscription {
    #[schema(format = Uuid)]
    pub id: String,
    /// The organisation the subscription belongs to: its admins manage it.
    #[schema(format = Uuid)]
    pub organization_id: String,
    /// The API client that created it, if one did: revoking the client
    /// disables it.
    #[schema(format = Uuid)]
    pub api_client_id: Option<String>,
    #[schema(max_length = 2000)]
    pub url: String,
    /// The entity types whose changes are sent (`organization`, `person`,
    /// …); `null`: every type (a platform administrator's subscription).
    #[schema(max_items = 50, value_type = Option<Vec<String>>)]
    pub event_types: Option<Vec<String>>,
    pub status: SubscriptionStatus,
    /// Why it is disabled.
    #[schema(max_length = 500)]
    pub disabled_reason: Option<String>,
    /// Tries that failed since the last that succeeded.
    #[schema(minimum = 0, maximum = 2147483647)]
    pub consecutive_failures: i32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<SubscriptionRow> for WebhookSubscription {
    type Error = ApiError;

    fn try_from(r: SubscriptionRow) -> Result<Self, ApiError> {
        Ok(Self {
            event_types: r.types(),
            status: SubscriptionStatus::stored(&r.status)?,
            id: r.id,
            organization_id: r.organization_id,
            api_client_id: r.api_client_id,
            url: r.url,
            disabled_reason: r.disabled_reason,
            consecutive_failures: r.consecutive_failures,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A new subscription and its signing secret, shown only in this response.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookSubscriptionWithSecret {
    pub subscription: WebhookSubscription,
    /// The key of the `Coopera-Signature` HMAC. It cannot be read again.
    #[schema(max_length = 64)]
    pub secret: String,
}

/// A new webhook subscription. It receives the changes committed after it
/// is created.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhookSubscription {
    /// The organisation it belongs to; an API client's own organisation
    /// when a client leaves it out. Users must give it.
    #[schema(value_type = Option<String>, format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub organization_id: Option<String>,
    /// Where deliveries are POSTed: an `https://` URL of a public host.
    #[validate(length(min = 1, max = 2000))]
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "https://crm.example.org/coopera-hooks"
    )]
    pub url: String,
    /// Entity types to receive (`organization`, `person`, `project`, …);
    /// every type the caller may follow if left out.
    #[validate(length(min = 1, max = 50), custom(function = "validate_types"))]
    #[schema(min_items = 1, max_items = 50, value_type = Option<Vec<String>>)]
    pub event_types: Option<Vec<String>>,
}

/// Changes to a subscription; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhookSubscription {
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `null`: every type the caller may follow.
    #[serde(
        default,
        deserialize_with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 50), custom(function = "validate_types"))]
    #[schema(min_items = 1, max_items = 50, value_type = Option<Vec<String>>)]
    pub event_types: Option<Option<Vec<String>>>,
    /// `false` turns deliveries off; `true` turns them on again (also after
    /// an automatic disable), clears the failure count and sends what waits
    /// at once.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub active: Option<bool>,
}

fn validate_types(types: &[String]) -> Result<(), validator::ValidationError> {
    let valid = |t: &String| {
        !t.is_empty() && t.len() <= 64 && t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    };
    if types.iter().all(valid) {
        Ok(())
    } else {
        let mut err = validator::ValidationError::new("invalid_value");
        err.message = Some("entity types are lowercase letters and `_`, at most 64".into());
        Err(err)
    }
}

/// Filters of `GET /api/v1/webhooks`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SubscriptionFilter {
    #[param(value_type = Option<String>, format = Uuid)]
    pub organization_id: Option<RecordId>,
    pub status: Option<SubscriptionStatus>,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = wd)]
pub struct DeliveryRow {
    pub id: String,
    pub subscription_id: String,
    pub change_seq: i64,
    pub event_type: String,
    pub payload: String,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub claimed_until: Option<NaiveDateTime>,
    pub last_status_code: Option<i32>,
    pub last_error: Option<String>,
    pub delivered_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(DeliveryRow, wd, "webhook delivery");

/// One change sent (or to be sent) to a subscription, with its tries.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookDelivery {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub subscription_id: String,
    /// The change's position in the change feed.
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub change_seq: i64,
    /// `<entity type>.<action>`: `organization.update`.
    #[schema(max_length = 129, example = "organization.update")]
    pub event_type: String,
    pub status: DeliveryStatus,
    /// Tries so far.
    #[schema(minimum = 0, maximum = 2147483647)]
    pub attempts: i32,
    /// When the next try is due (pending deliveries).
    pub next_attempt_at: Option<Timestamp>,
    /// The receiver's HTTP status at the last try, if it answered.
    #[schema(minimum = 100, maximum = 599)]
    pub last_status_code: Option<i32>,
    /// What went wrong at the last try.
    #[schema(max_length = 500)]
    pub last_error: Option<String>,
    pub delivered_at: Option<Timestamp>,
    /// The body the receiver gets.
    pub payload: DeliveryPayload,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<DeliveryRow> for WebhookDelivery {
    type Error = ApiError;

    fn try_from(r: DeliveryRow) -> Result<Self, ApiError> {
        let status = DeliveryStatus::stored(&r.status)?;
        let payload = serde_json::from_str(&r.payload).map_err(|e| {
            ApiError::internal(format!("webhook delivery {} has a bad payload: {e}", r.id))
        })?;
        Ok(Self {
            next_attempt_at: (status == DeliveryStatus::Pending).then(|| r.next_attempt_at.into()),
            status,
            id: r.id,
            subscription_id: r.subscription_id,
            change_seq: r.change_seq,
            event_type: r.event_type,
            attempts: r.attempts,
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            delivered_at: r.delivered_at.map(Into::into),
            payload,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// What a receiver gets: a JSON object POSTed to the subscription's URL,
/// with the headers `Coopera-Delivery` (the delivery id, the same on every
/// try: use it to ignore repeats), `Coopera-Event` and `Coopera-Signature`.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeliveryPayload {
    #[schema(format = Uuid)]
    pub delivery_id: String,
    #[schema(format = Uuid)]
    pub subscription_id: String,
    #[schema(max_length = 129, example = "organization.update")]
    pub event_type: String,
    /// The change, as the change feed shows it: read the record for its
    /// values.
    pub change: crate::audit::feed::ChangeEntry,
}

/// Filters of `GET /api/v1/webhooks/{id}/deliveries`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryFilter {
    pub status: Option<DeliveryStatus>,
}

crate::http::pagination::page_schema!(
    WebhookSubscriptionPage,
    WebhookSubscription,
    "A page of webhook subscriptions."
);
crate::http::pagination::page_schema!(
    WebhookDeliveryPage,
    WebhookDelivery,
    "A page of webhook deliveries."
);
