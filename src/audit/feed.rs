//! The change feed, `GET /api/v1/changes`: the change log as a partner
//! system follows it to keep its copy of Coopera's records up to date.
//!
//! An entry says which record changed (its type and id), how (`create`,
//! `update`, a transition, `archive`, `delete`) and which fields — never their
//! values: the client reads the record itself, with the permissions it has.
//! `archive` and `delete` are tombstones: the record has left its list (or is
//! gone), so a copy drops it.
//!
//! Nothing is skipped and nothing comes twice. The log's sequence numbers are
//! taken under a lock held until the appending transaction commits
//! ([`crate::db::serialize_appends`]), so they are in commit order on both
//! backends: once a reader has seen entry `n`, every entry before it is
//! committed (or was rolled back and never appears), and `after=n` is a safe
//! place to continue from.

use std::time::{Duration, Instant};

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::Caller;
use crate::auth::Actor;
use crate::auth::policy::{Permission, authorize};
use crate::db::DbConn;
use crate::db::schema::change_log::dsl as cl;
use crate::error::{ApiError, ProblemCode};
use crate::http::extract::ApiQuery;
use crate::http::pagination::encode_seq_cursor;
use crate::http::timestamp::Timestamp;
use crate::state::AppState;

/// What a caller who is not an administrator may follow: the records of the
/// shared directories, each under the permission that reads them. An
/// administrator follows every type.
pub const DIRECTORY_TYPES: &[(&str, &str)] = &[
    ("organization", "organizations"),
    ("person", "people"),
    ("project", "projects"),
    ("activity", "projects"),
    ("campaign", "projects"),
    ("result_indicator", "projects"),
];

/// Actions after which a copy drops the record.
pub const TOMBSTONES: &[&str] = &["archive", "delete"];

/// The longest a request waits for a change (`wait`).
pub const MAX_WAIT_SECS: u64 = 30;
const DEFAULT_LIMIT: i64 = 100;
const MAX_LIMIT: i64 = 1000;
/// How often a waiting request looks for new entries.
const POLL_EVERY: Duration = Duration::from_millis(200);

/// Parameters of `GET /api/v1/changes`. An unknown one is refused: a
/// misspelt `types` must not quietly follow everything.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChangeFeedParams {
    /// The `next_cursor` of the previous answer; omit it to start from the
    /// beginning of the log, or `now` to start from its end (before taking a
    /// full copy: nothing that changes during the copy is missed).
    #[param(pattern = "^(s[0-9]{1,18}|now)$", max_length = 19)]
    pub after: Option<String>,
    /// Only these entity types, comma-separated (`organization,person`). All
    /// the caller may follow if not given.
    #[param(pattern = "^[a-z_]{1,64}(,[a-z_]{1,64}){0,49}$", max_length = 3249)]
    pub types: Option<String>,
    /// Entries per answer, 1–1000 (default 100).
    #[param(minimum = 1, maximum = 1000, example = 100)]
    pub limit: Option<i64>,
    /// Seconds to wait for a change when there is none after the cursor yet,
    /// 0–30 (default 0: answer at once). The answer comes as soon as there is
    /// one.
    #[param(minimum = 0, maximum = 30)]
    pub wait: Option<u64>,
}

/// One change of a record.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "seq": 42, "occurred_at": "2026-11-26T10:00:00.000000Z",
    "entity_type": "organization", "entity_id": "019a1b2c-0000-7000-8000-000000000002",
    "action": "update", "changed_fields": ["name", "email"], "tombstone": false
}))]
pub struct ChangeEntry {
    /// Position in the log, in commit order.
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub seq: i64,
    pub occurred_at: Timestamp,
    #[schema(max_length = 64)]
    pub entity_type: String,
    #[schema(max_length = 64)]
    pub entity_id: String,
    /// `create`, `update`, a transition such as `activate`, `archive` or
    /// `delete`.
    #[schema(max_length = 64)]
    pub action: String,
    /// The fields the change touched (names only; read the record for the
    /// values).
    #[schema(max_items = 100)]
    pub changed_fields: Vec<String>,
    /// `archive` or `delete`: the record left its list or is gone; drop it.
    pub tombstone: bool,
}

/// An answer of the change feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeFeed {
    #[schema(max_items = 1000)]
    pub items: Vec<ChangeEntry>,
    /// Where to continue: pass it as `after` next time. Always present; it
    /// stays the same while nothing new has happened.
    #[schema(max_length = 19)]
    pub next_cursor: String,
}

#[derive(Debug, Queryable)]
struct Row {
    seq: i64,
    occurred_at: NaiveDateTime,
    entity_type: String,
    entity_id: String,
    action: String,
    changed_fields: String,
}

/// The entity types `actor` may follow among `wanted` (`None`: every type).
/// A type the caller may not follow is 403; a caller who may follow nothing
/// is 403 too.
pub fn followed_types(
    actor: &Actor,
    wanted: Option<Vec<String>>,
) -> Result<Option<Vec<String>>, ApiError> {
    if authorize(actor, Permission::ReadAudit).is_ok() {
        return Ok(wanted);
    }
    let may = |ty: &str| {
        DIRECTORY_TYPES.iter().any(|(t, module)| {
            *t == ty && authorize(actor, Permission::ReadDirectory(module)).is_ok()
        })
    };
    match wanted {
        Some(types) => match types.iter().find(|t| !may(t)) {
            Some(refused) => Err(ApiError::new(
                ProblemCode::Forbidden,
                format!("The caller may not follow the changes of `{refused}` records."),
            )),
            None => Ok(Some(types)),
        },
        None => {
            let types: Vec<String> = DIRECTORY_TYPES
                .iter()
                .map(|(t, _)| *t)
                .filter(|t| may(t))
                .map(str::to_owned)
                .collect();
            if types.is_empty() {
                // Refused as the log itself is.
                authorize(actor, Permission::ReadAudit)?;
            }
            Ok(Some(types))
        }
    }
}

fn parse_types(types: Option<&str>) -> Result<Option<Vec<String>>, ApiError> {
    let Some(types) = types else {
        return Ok(None);
    };
    let list: Vec<String> = types.split(',').map(str::to_owned).collect();
    let valid = |t: &String| {
        !t.is_empty() && t.len() <= 64 && t.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
    };
    if list.len() > 50 || !list.iter().all(valid) {
        return Err(ApiError::invalid_parameter(
            "types",
            "invalid_value",
            "must be up to 50 entity types (lowercase letters and `_`), comma-separated",
        ));
    }
    Ok(Some(list))
}

/// The position `after` names: `Some(seq)` (0 for the start), or `None` for
/// `now`, the end of the log.
fn parse_after(after: Option<&str>) -> Result<Option<i64>, ApiError> {
    match after {
        None => return Ok(Some(0)),
        Some("now") => return Ok(None),
        Some(_) => {}
    }
    after
        .unwrap_or_default()
        .strip_prefix('s')
        .filter(|d| !d.is_empty() && d.len() <= 18 && d.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|d| d.parse::<i64>().ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                ProblemCode::InvalidCursor,
                "`after` is not a cursor this service issued (or `now`); use `next_cursor` unchanged.",
            )
            .with_errors(vec![crate::error::FieldError::new(
                "after",
                "invalid_cursor",
                "not a cursor issued by this service",
            )])
        })
}

/// The position of the newest entry of the log (0 when it is empty).
pub fn last_seq(conn: &mut DbConn) -> Result<i64, ApiError> {
    Ok(cl::change_log
        .select(diesel::dsl::max(cl::seq))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// Reads up to `limit` entries after `after` of `types` (`None`: all), and
/// the cursor to continue from: the last entry's, or — when there is none —
/// the log's newest position, so that a filtered reader does not scan the
/// same unrelated entries again.
pub fn read(
    conn: &mut DbConn,
    after: i64,
    types: Option<&[String]>,
    limit: i64,
) -> Result<(Vec<ChangeEntry>, i64), ApiError> {
    let mut q = cl::change_log
        .select((
            cl::seq,
            cl::occurred_at,
            cl::entity_type,
            cl::entity_id,
            cl::action,
            cl::changed_fields,
        ))
        .filter(cl::seq.gt(after))
        .order(cl::seq.asc())
        .limit(limit)
        .into_boxed();
    if let Some(types) = types {
        q = q.filter(cl::entity_type.eq_any(types.to_vec()));
    }
    let rows: Vec<Row> = q.load(conn)?;
    let next = match rows.last() {
        Some(last) => last.seq,
        None => last_seq(conn)?.max(after),
    };
    let entries = rows
        .into_iter()
        .map(|r| ChangeEntry {
            seq: r.seq,
            occurred_at: r.occurred_at.into(),
            tombstone: TOMBSTONES.contains(&r.action.as_str()),
            entity_type: r.entity_type,
            entity_id: r.entity_id,
            action: r.action,
            changed_fields: serde_json::from_str(&r.changed_fields).unwrap_or_default(),
        })
        .collect();
    Ok((entries, next))
}

/// The changes of records after a cursor, oldest first, with long polling.
/// Administrators follow every record type; other callers the shared
/// directories they may read (organisations, people, projects and their
/// activities, campaigns and result indicators). Start without `after` for
/// the whole history (or take a full copy first and start from the cursor of
/// an empty answer), then pass `next_cursor` back as `after`, with `wait` to
/// be answered as soon as something changes.
#[utoipa::path(
    tag = "changes",
    params(ChangeFeedParams),
    security(("bearer" = []), ("oauth2" = [])),
    responses(
        (status = 200, description = "The changes after the cursor, and where to continue", body = ChangeFeed),
    )
)]
#[get("/changes")]
pub async fn list_changes(
    state: web::Data<AppState>,
    caller: Caller,
    params: ApiQuery<ChangeFeedParams>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let types = followed_types(&caller.actor, parse_types(params.types.as_deref())?)?;
    let after = parse_after(params.after.as_deref())?;
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid_parameter(
            "limit",
            "range",
            format!("must be between 1 and {MAX_LIMIT}"),
        ));
    }
    let wait = params.wait.unwrap_or(0);
    if wait > MAX_WAIT_SECS {
        return Err(ApiError::invalid_parameter(
            "wait",
            "range",
            format!("must be between 0 and {MAX_WAIT_SECS} seconds"),
        ));
    }
    let after = match after {
        Some(seq) => seq,
        None => state.db.run(last_seq).await?,
    };
    let deadline = Instant::now() + Duration::from_secs(wait);
    loop {
        let types = types.clone();
        let (items, next) = state
            .db
            .run(move |conn| read(conn, after, types.as_deref(), limit))
            .await?;
        if !items.is_empty() || Instant::now() + POLL_EVERY > deadline {
            return Ok(HttpResponse::Ok().json(ChangeFeed {
                items,
                next_cursor: encode_seq_cursor(next),
            }));
        }
        actix_web::rt::time::sleep(POLL_EVERY).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_and_cursors_are_checked() {
        assert_eq!(parse_types(None).unwrap(), None);
        assert_eq!(
            parse_types(Some("organization,person")).unwrap(),
            Some(vec!["organization".to_owned(), "person".to_owned()])
        );
        for bad in ["", "Organization", "a,,b", "x-y"] {
            assert!(parse_types(Some(bad)).is_err(), "{bad}");
        }
        assert_eq!(parse_after(None).unwrap(), Some(0));
        assert_eq!(parse_after(Some("s42")).unwrap(), Some(42));
        assert_eq!(parse_after(Some("now")).unwrap(), None);
        for bad in ["42", "s", "s-1", "s1234567890123456789"] {
            assert!(parse_after(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_caller_follows_what_it_may_read() {
        use crate::auth::{ClientActor, Role, UserActor};
        let admin = Actor::User(UserActor {
            id: "a".into(),
            person_id: None,
            roles: vec![Role::Admin],
            login: None,
        });
        assert_eq!(followed_types(&admin, None).unwrap(), None);
        let wanted = Some(vec!["user".to_owned()]);
        assert_eq!(followed_types(&admin, wanted.clone()).unwrap(), wanted);

        let member = Actor::User(UserActor {
            id: "m".into(),
            person_id: None,
            roles: vec![],
            login: None,
        });
        let all = followed_types(&member, None).unwrap().unwrap();
        assert_eq!(all.len(), DIRECTORY_TYPES.len());
        assert!(followed_types(&member, wanted).is_err());

        let client = Actor::Client(ClientActor {
            id: "c".into(),
            organization_id: "o".into(),
            scopes: vec!["people:read".into()],
        });
        assert_eq!(
            followed_types(&client, None).unwrap(),
            Some(vec!["person".to_owned()])
        );
        assert!(followed_types(&client, Some(vec!["organization".to_owned()])).is_err());
        assert!(followed_types(&Actor::Anonymous, None).is_err());
    }
}
