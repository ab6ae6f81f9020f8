use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Caller;
use crate::auth::policy::{Permission, authorize};
use crate::db::schema::change_log::dsl as cl;
use crate::error::ApiError;
use crate::http::extract::ApiQuery;
use crate::http::pagination::{Page, SeqListParams};
use crate::http::timestamp::Timestamp;
use crate::state::AppState;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = crate::db::schema::change_log)]
struct ChangeRow {
    seq: i64,
    occurred_at: NaiveDateTime,
    actor_kind: String,
    actor_id: Option<String>,
    entity_type: String,
    entity_id: String,
    action: String,
    changed_fields: String,
    changes: String,
    request_id: Option<String>,
}

/// One entry of the change log.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "seq": 42, "occurred_at": "2026-11-26T10:00:00.000000Z", "actor_kind": "user",
    "actor_id": "019a1b2c-0000-7000-8000-000000000001", "entity_type": "organization",
    "entity_id": "019a1b2c-0000-7000-8000-000000000002", "action": "update",
    "changed_fields": ["name", "email"], "changes": {"name": "Fundacja Razem"},
    "request_id": "01a216b8-8e10-7237-a7a0-b732f4057bab"
}))]
pub struct AuditEntry {
    /// Position in the log; increases with commit order.
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub seq: i64,
    pub occurred_at: Timestamp,
    /// `user`, `client` or `system`.
    #[schema(max_length = 16)]
    pub actor_kind: String,
    #[schema(max_length = 64)]
    pub actor_id: Option<String>,
    #[schema(max_length = 64)]
    pub entity_type: String,
    #[schema(max_length = 64)]
    pub entity_id: String,
    /// `create`, `update`, `archive`, or a transition such as `activate`.
    #[schema(max_length = 64)]
    pub action: String,
    /// Every field the change touched.
    #[schema(max_items = 100)]
    pub changed_fields: Vec<String>,
    /// New values of the fields that are neither personal data nor secrets.
    #[schema(value_type = Object)]
    pub changes: BTreeMap<String, serde_json::Value>,
    #[schema(max_length = 128)]
    pub request_id: Option<String>,
}

/// Filters of `GET /api/v1/audit`.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditFilter {
    /// `organization`, `person`, `project`, `user`, `api_client`, …
    #[param(max_length = 128, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub entity_type: Option<String>,
    #[param(max_length = 128, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub entity_id: Option<String>,
    #[param(max_length = 128, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub actor_id: Option<String>,
    #[param(max_length = 128, pattern = "^[^\\x00-\\x1f\\x7f-\\x9f]*$")]
    pub action: Option<String>,
}

/// Reads the change log, oldest first. Admins only.
#[utoipa::path(
    tag = "audit",
    params(SeqListParams, AuditFilter),
    security(("bearer" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "A page of the change log", body = AuditEntryPage),
    )
)]
#[get("/audit")]
pub async fn list_audit_entries(
    state: web::Data<AppState>,
    caller: Caller,
    list: ApiQuery<SeqListParams>,
    filter: ApiQuery<AuditFilter>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadAudit)?;
    let page = list.0.page()?;
    let filter = filter.into_inner();
    for (field, value) in [
        ("entity_type", &filter.entity_type),
        ("entity_id", &filter.entity_id),
        ("actor_id", &filter.actor_id),
        ("action", &filter.action),
    ] {
        if let Some(v) = value {
            crate::http::text_param(field, v, 128)?;
        }
    }
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut q = cl::change_log
                .select(ChangeRow::as_select())
                .order(cl::seq.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                q = q.filter(cl::seq.gt(after));
            }
            if let Some(since) = request.since {
                q = q.filter(cl::occurred_at.ge(since));
            }
            if let Some(v) = filter.entity_type {
                q = q.filter(cl::entity_type.eq(v));
            }
            if let Some(v) = filter.entity_id {
                q = q.filter(cl::entity_id.eq(v));
            }
            if let Some(v) = filter.actor_id {
                q = q.filter(cl::actor_id.eq(v));
            }
            if let Some(v) = filter.action {
                q = q.filter(cl::action.eq(v));
            }
            Ok(q.load::<ChangeRow>(conn)?)
        })
        .await?;
    let page = Page::from_seq_rows(rows, &page, |r| r.seq);
    Ok(HttpResponse::Ok().json(page.map(|r| AuditEntry {
        seq: r.seq,
        occurred_at: r.occurred_at.into(),
        actor_kind: r.actor_kind,
        actor_id: r.actor_id,
        entity_type: r.entity_type,
        entity_id: r.entity_id,
        action: r.action,
        changed_fields: serde_json::from_str(&r.changed_fields).unwrap_or_default(),
        changes: serde_json::from_str(&r.changes).unwrap_or_default(),
        request_id: r.request_id,
    })))
}

crate::http::pagination::page_schema!(AuditEntryPage, AuditEntry, "A page of the change log.");
