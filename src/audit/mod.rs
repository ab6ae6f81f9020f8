//! The change log: one append-only table, written in the same transaction as
//! every create, update, archive and state transition.
//!
//! It is the audit trail (`GET /api/v1/audit`, admins only) and the base of the
//! change feed and webhooks: `seq` increases with commit order on both backends
//! (SQLite has one writer; on PostgreSQL each writer takes a transaction-level
//! advisory lock before appending, so no reader can see seq N+1 before N).
//! Secrets are never recorded; personal data appears as field names only.

pub mod feed;
pub mod handlers;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use diesel::prelude::*;
use serde_json::{Map, Value};

use crate::auth::Actor;
use crate::db::DbConn;
use crate::db::schema::change_log;
use crate::error::ApiError;
use crate::http::request_id::RequestId;

/// Who made a request, for access decisions and for the change log.
#[derive(Debug, Clone)]
pub struct Caller {
    pub actor: Actor,
    pub request_id: Option<String>,
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = futures_util::future::LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let actor = Actor::from_request(req, payload);
        let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
        Box::pin(async move {
            Ok(Caller {
                actor: actor.await?,
                request_id,
            })
        })
    }
}

/// How a changed field is recorded.
#[derive(Debug, Clone)]
pub enum Recorded {
    /// The new value.
    Value(Value),
    /// Personal data: the field's name only.
    Personal,
}

/// One change to one record.
#[derive(Debug, Clone)]
pub struct Change {
    pub entity_type: &'static str,
    pub entity_id: String,
    /// `create`, `update`, `archive`, or a transition's name.
    pub action: String,
    pub fields: Vec<(std::borrow::Cow<'static, str>, Recorded)>,
}

impl Change {
    pub fn new(entity_type: &'static str, entity_id: &str, action: &str) -> Self {
        Self {
            entity_type,
            entity_id: entity_id.to_owned(),
            action: action.to_owned(),
            fields: Vec::new(),
        }
    }

    pub fn value(
        mut self,
        field: impl Into<std::borrow::Cow<'static, str>>,
        value: impl serde::Serialize,
    ) -> Self {
        let value = serde_json::to_value(value).unwrap_or(Value::Null);
        self.fields.push((field.into(), Recorded::Value(value)));
        self
    }

    pub fn personal(mut self, field: &'static str) -> Self {
        self.fields.push((field.into(), Recorded::Personal));
        self
    }

    /// Records the fields whose values differ between `before` and `after`
    /// (two serialisations of the same record's fields), with their new
    /// values; fields named in `personal` by name only.
    pub fn diff(
        mut self,
        before: &impl serde::Serialize,
        after: &impl serde::Serialize,
        personal: &[&str],
    ) -> Self {
        let (Ok(Value::Object(old)), Ok(Value::Object(new))) =
            (serde_json::to_value(before), serde_json::to_value(after))
        else {
            return self;
        };
        for (name, value) in new {
            if old.get(&name) == Some(&value) {
                continue;
            }
            let recorded = if personal.contains(&name.as_str()) {
                Recorded::Personal
            } else {
                Recorded::Value(value)
            };
            self.fields.push((name.into(), recorded));
        }
        self
    }

    /// Records every field `form` carries, as it serialises: an update form
    /// skips the fields a request left out (`skip_serializing_if =
    /// "Option::is_none"`) and carries a cleared one as `null`. Fields named in
    /// `personal` are recorded by name only.
    pub fn form(mut self, form: &impl serde::Serialize, personal: &[&str]) -> Self {
        if let Ok(Value::Object(fields)) = serde_json::to_value(form) {
            for (name, value) in fields {
                let recorded = if personal.contains(&name.as_str()) {
                    Recorded::Personal
                } else {
                    Recorded::Value(value)
                };
                self.fields.push((name.into(), recorded));
            }
        }
        self
    }
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(handlers::list_audit_entries)
        .service(feed::list_changes);
}

/// Appends `change`; call inside the transaction that makes the change.
pub fn record(conn: &mut DbConn, caller: &Caller, change: Change) -> Result<(), ApiError> {
    // Entries are numbered in commit order, so readers never skip one.
    crate::db::serialize_appends(conn, crate::db::CHANGE_LOG_APPENDS)?;
    let (actor_kind, actor_id) = caller.actor.audit_identity();
    let names: Vec<&str> = change
        .fields
        .iter()
        .map(|(name, _)| name.as_ref())
        .collect();
    let values: Map<String, Value> = change
        .fields
        .iter()
        .filter_map(|(name, recorded)| match recorded {
            Recorded::Value(v) => Some((name.to_string(), v.clone())),
            Recorded::Personal => None,
        })
        .collect();
    diesel::insert_into(change_log::table)
        .values((
            change_log::occurred_at.eq(crate::db::now()),
            change_log::actor_kind.eq(actor_kind),
            change_log::actor_id.eq(actor_id),
            change_log::entity_type.eq(change.entity_type),
            change_log::entity_id.eq(&change.entity_id),
            change_log::action.eq(&change.action),
            change_log::changed_fields.eq(serde_json::to_string(&names).unwrap_or_default()),
            change_log::changes.eq(Value::Object(values).to_string()),
            change_log::request_id.eq(caller.request_id.as_deref()),
        ))
        .execute(conn)?;
    Ok(())
}
