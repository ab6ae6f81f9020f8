//! Public meetings and debates held in a consultation (its `public_meeting`
//! form): planned with their time and place, and recorded — minutes and
//! attendance — once they have taken place, by the server's clock.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::handlers::readable;
use super::model::ConsultationRow;
use super::rules::{ConsultationForm, ConsultationStatus, check_instants, instant};
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize};
use crate::db::DbConn;
use crate::db::enums::StrEnum;
use crate::db::record::{self, Record};
use crate::db::schema::consultation_meetings as cm;
use crate::error::{ApiError, FieldError, ProblemCode, responses};
use crate::http::conditional::{IfMatch, created, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::http::timestamp::Timestamp;
use crate::http::transition::guard;
use crate::keyset_page;
use crate::state::AppState;

crate::string_enum! {
    "meeting kind"
    /// A public meeting (hearing the public on the draft) or a public
    /// debate.
    #[derive(ToSchema)]
    pub enum MeetingKind {
        PublicMeeting = "public_meeting",
        PublicDebate = "public_debate",
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cm)]
pub struct MeetingRow {
    pub id: String,
    pub consultation_id: String,
    pub kind: String,
    pub title: String,
    pub starts_at: NaiveDateTime,
    pub place: Option<String>,
    pub online_url: Option<String>,
    pub minutes: Option<String>,
    pub attendance: Option<i32>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(MeetingRow, cm, "meeting");

/// A public meeting or debate of a consultation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationMeeting {
    #[schema(format = Uuid)]
    pub id: String,
    #[schema(format = Uuid)]
    pub consultation_id: String,
    pub kind: MeetingKind,
    #[schema(max_length = 500)]
    pub title: String,
    pub starts_at: Timestamp,
    /// Where it is held (a hall, an address).
    #[schema(max_length = 300)]
    pub place: Option<String>,
    /// Where to follow it online.
    #[schema(format = "uri", max_length = 2000)]
    pub online_url: Option<String>,
    /// The minutes, once it has taken place.
    #[schema(max_length = 50000)]
    pub minutes: Option<String>,
    /// How many people attended, once it has taken place.
    #[schema(minimum = 0, maximum = 1000000)]
    pub attendance: Option<i32>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl TryFrom<MeetingRow> for ConsultationMeeting {
    type Error = ApiError;

    fn try_from(r: MeetingRow) -> Result<Self, ApiError> {
        Ok(Self {
            kind: MeetingKind::stored(&r.kind)?,
            id: r.id,
            consultation_id: r.consultation_id,
            title: r.title,
            starts_at: r.starts_at.into(),
            place: r.place,
            online_url: r.online_url,
            minutes: r.minutes,
            attendance: r.attendance,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        })
    }
}

/// A meeting to hold.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateConsultationMeeting {
    pub kind: MeetingKind,
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub title: String,
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub starts_at: DateTime<Utc>,
    #[validate(length(min = 1, max = 300))]
    #[schema(min_length = 1, max_length = 300)]
    pub place: Option<String>,
    #[validate(
        custom(function = "crate::http::extract::validate_http_url"),
        length(max = 2000)
    )]
    #[schema(
        format = "uri",
        max_length = 2000,
        pattern = "^[Hh][Tt][Tt][Pp][Ss]?://"
    )]
    pub online_url: Option<String>,
}

/// Changes to a meeting, and its record once held (`minutes`,
/// `attendance`): an absent field is unchanged, `null` clears it.
#[derive(Debug, Default, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateConsultationMeeting {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(
        length(min = 1, max = 500),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 500)]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[validate(custom(function = "crate::http::dates::validate_instant"))]
    pub starts_at: Option<DateTime<Utc>>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 300))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 300)]
    pub place: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(max = 2000))]
    #[schema(value_type = Option<String>, format = "uri", max_length = 2000, pattern = "^[Hh][Tt][Tt][Pp][Ss]?://")]
    pub online_url: Option<Option<String>>,
    /// Only once the meeting has started.
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(length(min = 1, max = 50000))]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 50000)]
    pub minutes: Option<Option<String>>,
    /// Only once the meeting has started.
    #[serde(
        default,
        deserialize_with = "crate::http::extract::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[validate(range(min = 0, max = 1000000))]
    #[schema(value_type = Option<i32>, minimum = 0, maximum = 1000000)]
    pub attendance: Option<Option<i32>>,
}

crate::http::pagination::page_schema!(
    ConsultationMeetingPage,
    ConsultationMeeting,
    "A page of meetings."
);

/// The faults of a meeting's record: minutes and attendance only for a
/// meeting that has started by `now` (`recorded`: the fields given).
pub fn check_record(
    starts_at: NaiveDateTime,
    now: NaiveDateTime,
    recorded: &[&str],
) -> Vec<FieldError> {
    if starts_at <= now {
        return Vec::new();
    }
    recorded
        .iter()
        .map(|field| {
            FieldError::new(
                *field,
                "not_yet_held",
                "is recorded once the meeting has taken place (it starts later)",
            )
        })
        .collect()
}

/// 409 unless `consultation` holds meetings now: `public_meeting` among
/// its forms, neither cancelled nor with its report published.
fn holding_meetings(consultation: &ConsultationRow, now: NaiveDateTime) -> Result<(), ApiError> {
    let status = consultation.status_at(now)?;
    if matches!(
        status,
        ConsultationStatus::Cancelled | ConsultationStatus::ReportPublished
    ) {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            format!("The consultation's meetings cannot change: it is {status}."),
        ));
    }
    if !consultation
        .form_list()?
        .contains(&ConsultationForm::PublicMeeting)
    {
        return Err(ApiError::new(
            ProblemCode::Conflict,
            "This consultation holds no public meetings (see its forms).",
        ));
    }
    Ok(())
}

fn authorize_manage(caller: &Caller, consultation: &ConsultationRow) -> Result<(), ApiError> {
    authorize(
        &caller.actor,
        Permission::ManageConsultation {
            organization_id: &consultation.initiating_organization_id,
        },
    )
}

/// Plans `form` in `consultation` (locked by the caller).
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    consultation: &ConsultationRow,
    form: CreateConsultationMeeting,
) -> Result<MeetingRow, ApiError> {
    let now = crate::db::now();
    holding_meetings(consultation, now)?;
    let starts_at = instant(form.starts_at);
    guard(check_instants(&[("starts_at", Some(starts_at))]))?;
    let id = crate::db::new_id();
    diesel::insert_into(cm::table)
        .values((
            cm::id.eq(&id),
            cm::consultation_id.eq(&consultation.id),
            cm::kind.eq(form.kind.as_str()),
            cm::title.eq(form.title.trim()),
            cm::starts_at.eq(starts_at),
            cm::place.eq(&form.place),
            cm::online_url.eq(&form.online_url),
            cm::created_at.eq(now),
            cm::updated_at.eq(now),
            cm::version.eq(1),
        ))
        .execute(conn)?;
    let change = Change::new("consultation_meeting", &id, "create")
        .form(&form, &[])
        .value("consultation_id", &consultation.id);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Changes `current` (read with [`record::for_change`]) of `consultation`.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    consultation: &ConsultationRow,
    current: MeetingRow,
    changes: UpdateConsultationMeeting,
) -> Result<MeetingRow, ApiError> {
    let now = crate::db::now();
    holding_meetings(consultation, now)?;
    let starts_at = changes.starts_at.map_or(current.starts_at, instant);
    let mut errors = check_instants(&[("starts_at", Some(starts_at))]);
    if let Some(Some(url)) = &changes.online_url
        && !crate::http::extract::is_http_url(url)
    {
        errors.push(FieldError::new(
            "online_url",
            "invalid_url",
            "must be an http or https URL",
        ));
    }
    let minutes = changes.minutes.clone().unwrap_or(current.minutes.clone());
    let attendance = changes.attendance.unwrap_or(current.attendance);
    let recorded: Vec<&str> = [
        ("minutes", minutes.is_some()),
        ("attendance", attendance.is_some()),
    ]
    .into_iter()
    .filter_map(|(field, set)| set.then_some(field))
    .collect();
    errors.extend(check_record(starts_at, now, &recorded));
    guard(errors)?;
    diesel::update(cm::table.find(current.id()))
        .set((
            cm::title.eq(changes
                .title
                .as_deref()
                .map_or(current.title.clone(), |t| t.trim().to_owned())),
            cm::starts_at.eq(starts_at),
            cm::place.eq(changes.place.clone().unwrap_or(current.place.clone())),
            cm::online_url.eq(changes
                .online_url
                .clone()
                .unwrap_or(current.online_url.clone())),
            cm::minutes.eq(minutes),
            cm::attendance.eq(attendance),
            cm::updated_at.eq(now),
            cm::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("consultation_meeting", current.id(), "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}

/// Lists a consultation's public meetings and debates, by id. Anybody once
/// it is announced; a draft's, those who run it.
#[utoipa::path(
    tag = "consultations",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        ListParams,
    ),
    responses((status = 200, description = "A page of meetings", body = ConsultationMeetingPage))
)]
#[get("/consultations/{id}/meetings")]
pub async fn list_consultation_meetings(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    let page = list.0.page()?;
    let id = id.into_inner();
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            readable(conn, &caller, &id)?;
            let mut q = keyset_page!(cm::table.select(MeetingRow::as_select()), cm, request);
            q = q.filter(cm::consultation_id.eq(&id));
            Ok(q.load::<MeetingRow>(conn)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(Page::of_records(
        rows,
        &page,
        ConsultationMeeting::try_from,
    )?))
}

/// Plans a public meeting or debate in a consultation that holds them
/// (`public_meeting` among its forms). 409 once it is cancelled or its
/// report published. The initiating organisation's admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The consultation's id")),
    request_body = CreateConsultationMeeting,
    responses(
        (status = 201, description = "The meeting", body = ConsultationMeeting, headers(("Location" = String), ("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/consultations/{id}/meetings")]
pub async fn create_consultation_meeting(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    body: ApiJson<CreateConsultationMeeting>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let form = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            readable(conn, &caller, &id)?;
            let consultation: ConsultationRow = record::locked(conn, &id)?;
            authorize_manage(&caller, &consultation)?;
            insert(conn, &caller, &consultation, form)
        })
        .await?;
    let location = format!("/api/v1/consultation-meetings/{}", row.id);
    Ok(created(
        location,
        row.etag(),
        &ConsultationMeeting::try_from(row)?,
    ))
}

/// Reads a meeting. Anybody once its consultation is announced; a draft's,
/// those who run it.
#[utoipa::path(
    tag = "consultations",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The meeting's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The meeting", body = ConsultationMeeting, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/consultation-meetings/{id}")]
pub async fn get_consultation_meeting(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = state
        .db
        .run(move |conn| {
            let row: MeetingRow = record::find(conn, &id)?;
            readable(conn, &caller, &row.consultation_id)
                .map_err(|_| ApiError::not_found(format!("No meeting has the id `{id}`.")))?;
            Ok(row)
        })
        .await?;
    Ok(json_with_etag(
        &req,
        row.etag(),
        &ConsultationMeeting::try_from(row)?,
    ))
}

/// Changes a meeting, and records its minutes and attendance once it has
/// taken place (422 naming them before). 409 once the consultation is
/// cancelled or its report published. The initiating organisation's
/// admins.
#[utoipa::path(
    tag = "consultations",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The meeting's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = UpdateConsultationMeeting,
    responses(
        (status = 200, description = "The meeting", body = ConsultationMeeting, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[patch("/consultation-meetings/{id}")]
pub async fn update_consultation_meeting(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<UpdateConsultationMeeting>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let changes = body.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let found: MeetingRow = record::find(conn, &id)?;
            readable(conn, &caller, &found.consultation_id)
                .map_err(|_| ApiError::not_found(format!("No meeting has the id `{id}`.")))?;
            let consultation: ConsultationRow = record::locked(conn, &found.consultation_id)?;
            let current = record::for_change(conn, &id, &if_match, |_, _: &MeetingRow| {
                authorize_manage(&caller, &consultation)
            })?;
            update(conn, &caller, &consultation, current, changes)
        })
        .await?;
    Ok(saved(row.etag(), &ConsultationMeeting::try_from(row)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_and_attendance_wait_for_the_meeting() {
        let at = |s: &str| s.parse::<NaiveDateTime>().unwrap();
        let starts = at("2026-05-10T17:00:00");
        assert!(check_record(starts, at("2026-05-10T17:00:00"), &["minutes"]).is_empty());
        assert!(
            check_record(
                starts,
                at("2026-06-01T00:00:00"),
                &["minutes", "attendance"]
            )
            .is_empty()
        );
        assert!(check_record(starts, at("2026-05-01T00:00:00"), &[]).is_empty());
        let early: Vec<_> = check_record(
            starts,
            at("2026-05-10T16:59:59"),
            &["minutes", "attendance"],
        )
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect();
        assert_eq!(
            early,
            [
                ("minutes".to_owned(), "not_yet_held".to_owned()),
                ("attendance".to_owned(), "not_yet_held".to_owned())
            ]
        );
    }
}
