//! Certificates: issued to the participants who have completed a programme,
//! each with a unique number that is hard to guess; kept as issued (the
//! holder's and the programme's names) and readable as a printable PDF;
//! revoked with a reason; and checked by anyone by their number, which
//! reveals nothing but whether it is valid, the holder's name and the
//! programme.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::handlers::may_manage;
use super::model::ProgrammeRow;
use super::results::measure;
use crate::audit::{self, Caller, Change};
use crate::db::record::{self, Record};
use crate::db::schema::{projects, training_certificates as tc};
use crate::db::{DbConn, new_id, now};
use crate::error::{ApiError, ProblemCode, responses};
use crate::http::conditional::{IfMatch, json_with_etag, saved};
use crate::http::extract::{ApiJson, ApiQuery};
use crate::http::ids::PathId;
use crate::http::pagination::{ListParams, Page};
use crate::http::timestamp::Timestamp;
use crate::keyset_page;
use crate::state::AppState;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tc)]
pub struct CertificateRow {
    pub id: String,
    pub number: String,
    pub programme_id: String,
    pub participant_id: String,
    pub person_id: String,
    pub holder_name: String,
    pub programme_name: String,
    pub issued_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub revoke_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub version: i64,
}

crate::record!(CertificateRow, tc, "certificate");

/// A certificate of completion.
#[derive(Debug, Serialize, ToSchema)]
pub struct Certificate {
    #[schema(format = Uuid)]
    pub id: String,
    /// Unique; anyone can check it at `GET /api/v1/public/certificates/{number}`.
    #[schema(max_length = 20, example = "CT-7KQ4-9XMB-2HRD")]
    pub number: String,
    #[schema(format = Uuid)]
    pub programme_id: String,
    #[schema(format = Uuid)]
    pub participant_id: String,
    #[schema(format = Uuid)]
    pub person_id: String,
    /// The holder's name as issued.
    #[schema(max_length = 200)]
    pub holder_name: String,
    /// The programme's name as issued.
    #[schema(max_length = 300)]
    pub programme_name: String,
    pub issued_at: Timestamp,
    /// `false` once revoked.
    pub valid: bool,
    pub revoked_at: Option<Timestamp>,
    #[schema(max_length = 2000)]
    pub revoke_reason: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    #[schema(minimum = 1, maximum = 9007199254740991_f64)]
    pub version: i64,
}

impl From<CertificateRow> for Certificate {
    fn from(r: CertificateRow) -> Self {
        Self {
            valid: r.revoked_at.is_none(),
            id: r.id,
            number: r.number,
            programme_id: r.programme_id,
            participant_id: r.participant_id,
            person_id: r.person_id,
            holder_name: r.holder_name,
            programme_name: r.programme_name,
            issued_at: r.issued_at.into(),
            revoked_at: r.revoked_at.map(Into::into),
            revoke_reason: r.revoke_reason,
            created_at: r.created_at.into(),
            updated_at: r.updated_at.into(),
            version: r.version,
        }
    }
}

crate::http::pagination::page_schema!(CertificatePage, Certificate, "A page of certificates.");

/// What issuing did.
#[derive(Debug, Serialize, ToSchema)]
pub struct IssuedCertificates {
    /// The certificates issued now.
    #[schema(max_items = 1000000)]
    pub issued: Vec<Certificate>,
    /// Participants who had a certificate already.
    #[schema(format = Int64, minimum = 0, maximum = 1000000)]
    pub already_certified: usize,
    /// Participants who have not completed the programme (yet).
    #[schema(format = Int64, minimum = 0, maximum = 1000000)]
    pub not_completed: usize,
}

/// Why a certificate is revoked.
#[derive(Debug, Deserialize, Serialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeCertificate {
    #[validate(
        length(min = 1, max = 2000),
        custom(function = "crate::http::extract::not_blank")
    )]
    #[schema(min_length = 1, max_length = 2000)]
    pub reason: String,
}

/// What anyone may learn of a certificate by its number.
#[derive(Debug, Serialize, ToSchema)]
pub struct CertificateCheck {
    #[schema(max_length = 20)]
    pub number: String,
    /// `false` once revoked.
    pub valid: bool,
    #[schema(max_length = 200)]
    pub holder_name: String,
    #[schema(max_length = 300)]
    pub programme_name: String,
}

/// A new certificate number: `CT-` and 12 characters of Crockford's base 32
/// (60 random bits), so numbers cannot be guessed from one another.
fn new_number() -> String {
    const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..12)
        .map(|_| char::from(ALPHABET[rng.random_range(0..32)]))
        .collect();
    let group = |i: usize| chars[i..i + 4].iter().collect::<String>();
    format!("CT-{}-{}-{}", group(0), group(4), group(8))
}

/// Issues a certificate to every participant of `programme` who has
/// completed it and has none yet.
fn issue(
    conn: &mut DbConn,
    caller: &Caller,
    programme: &ProgrammeRow,
) -> Result<IssuedCertificates, ApiError> {
    let lines = measure(conn, programme)?;
    let mut issued = Vec::new();
    let (mut already, mut not_completed) = (0, 0);
    let now = now();
    for line in lines {
        if !line.progress.completed {
            not_completed += 1;
            continue;
        }
        if line.certificate_number.is_some() {
            already += 1;
            continue;
        }
        let id = new_id();
        diesel::insert_into(tc::table)
            .values((
                tc::id.eq(&id),
                tc::number.eq(new_number()),
                tc::programme_id.eq(programme.id()),
                tc::participant_id.eq(&line.participant_id),
                tc::person_id.eq(&line.person_id),
                tc::holder_name.eq(&line.full_name),
                tc::programme_name.eq(&programme.name),
                tc::issued_at.eq(now),
                tc::created_at.eq(now),
                tc::updated_at.eq(now),
                tc::version.eq(1_i64),
            ))
            .execute(conn)?;
        let change = Change::new("training_certificate", &id, "issue")
            .value("programme_id", programme.id())
            .value("participant_id", &line.participant_id);
        audit::record(conn, caller, change)?;
        issued.push(Certificate::from(record::find::<CertificateRow>(
            conn, &id,
        )?));
    }
    Ok(IssuedCertificates {
        issued,
        already_certified: already,
        not_completed,
    })
}

/// 403 unless the caller manages the training `certificate` is of.
fn may_manage_certificate(
    conn: &mut DbConn,
    caller: &Caller,
    certificate: &CertificateRow,
) -> Result<(), ApiError> {
    let programme: ProgrammeRow = record::find(conn, &certificate.programme_id)?;
    may_manage(caller, &programme.project_id)
}

/// Issues certificates to every participant who has completed the programme
/// by its rule and has none yet (a person gets one certificate of a
/// programme); answers with those issued now and how many were left out.
/// Admins and the project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The programme's id")),
    responses((status = 200, description = "The certificates issued now", body = IssuedCertificates))
)]
#[post("/training-programmes/{id}/certificates")]
pub async fn issue_certificates(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let issued = state
        .db
        .write(move |conn| {
            let programme: ProgrammeRow = record::locked(conn, &id)?;
            may_manage(&caller, &programme.project_id)?;
            issue(conn, &caller, &programme)
        })
        .await?;
    Ok(HttpResponse::Ok().json(issued))
}

/// Lists a programme's certificates, by id. Admins and the project's
/// coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The programme's id"), ListParams),
    responses((status = 200, description = "A page of certificates", body = CertificatePage))
)]
#[get("/training-programmes/{id}/certificates")]
pub async fn list_certificates(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    list: ApiQuery<ListParams>,
) -> Result<HttpResponse, ApiError> {
    crate::auth::policy::require_signed_in(&caller.actor)?;
    let page = list.0.page()?;
    let id = id.into_inner();
    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let programme: ProgrammeRow = record::find(conn, &id)?;
            may_manage(&caller, &programme.project_id)?;
            let q = keyset_page!(tc::table.select(CertificateRow::as_select()), tc, request);
            Ok(q.filter(tc::programme_id.eq(&id))
                .load::<CertificateRow>(conn)?)
        })
        .await?;
    let page = Page::of_records(rows, &page, |r| Ok(Certificate::from(r)))?;
    Ok(HttpResponse::Ok().json(page))
}

/// Reads a certificate. Admins and the project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The certificate's id"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The certificate", body = Certificate, headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/training-certificates/{id}")]
pub async fn get_certificate(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    crate::auth::policy::require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let row = state
        .db
        .run(move |conn| {
            let row: CertificateRow = record::find(conn, &id)?;
            may_manage_certificate(conn, &caller, &row)?;
            Ok(row)
        })
        .await?;
    Ok(json_with_etag(&req, row.etag(), &Certificate::from(row)))
}

/// A PDF document.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary, max_length = 10485760)]
#[allow(dead_code)]
pub struct PdfDocument(Vec<u8>);

/// The certificate as a printable PDF (A4, landscape; a revoked one says
/// so across it). Admins and the project's coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The certificate's id")),
    responses(
        (status = 200, description = "The certificate", content((PdfDocument = "application/pdf"))),
    )
)]
#[get("/training-certificates/{id}/pdf")]
pub async fn certificate_pdf(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    crate::auth::policy::require_signed_in(&caller.actor)?;
    let id = id.into_inner();
    let (row, project) = state
        .db
        .run(move |conn| {
            let row: CertificateRow = record::find(conn, &id)?;
            may_manage_certificate(conn, &caller, &row)?;
            let programme: ProgrammeRow = record::find(conn, &row.programme_id)?;
            let project: String = projects::table
                .find(&programme.project_id)
                .select(projects::title)
                .first(conn)?;
            Ok((row, project))
        })
        .await?;
    let verify_at = format!(
        "{}/api/v1/public/certificates/{}",
        state.trusted_proxies.origin(&req),
        row.number
    );
    let issued_on = row.issued_at.format("%Y-%m-%d").to_string();
    let body = web::block(move || {
        super::pdf::render(&super::pdf::CertificateText {
            number: &row.number,
            holder_name: &row.holder_name,
            programme_name: &row.programme_name,
            project_name: &project,
            issued_on: &issued_on,
            verify_at: &verify_at,
            revoked: row.revoked_at.is_some(),
        })
        .map(|pdf| (row.number.clone(), pdf))
    })
    .await
    .map_err(ApiError::internal)??;
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("inline; filename=\"certificate-{}.pdf\"", body.0),
        ))
        .body(body.1))
}

/// Revokes a certificate, with the reason: checking its number then answers
/// `valid: false`. 409 when it is revoked already. Admins and the project's
/// coordinators.
#[utoipa::path(
    tag = "training",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The certificate's id"),
        crate::http::conditional::IfMatch,
    ),
    request_body = RevokeCertificate,
    responses(
        (status = 200, description = "The certificate", body = Certificate, headers(("ETag" = String))),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/training-certificates/{id}/revoke")]
pub async fn revoke_certificate(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    if_match: IfMatch,
    body: ApiJson<RevokeCertificate>,
) -> Result<HttpResponse, ApiError> {
    let form = body.into_inner();
    let id = id.into_inner();
    let row = state
        .db
        .write(move |conn| {
            let current = record::for_change(conn, &id, &if_match, |conn, row| {
                may_manage_certificate(conn, &caller, row)
            })?;
            if current.revoked_at.is_some() {
                return Err(ApiError::new(
                    ProblemCode::Conflict,
                    "The certificate is revoked already.",
                ));
            }
            let now = now();
            diesel::update(tc::table.find(current.id()))
                .set((
                    tc::revoked_at.eq(now),
                    tc::revoke_reason.eq(form.reason.trim()),
                    tc::updated_at.eq(now),
                    tc::version.eq(current.version + 1),
                ))
                .execute(conn)?;
            let change =
                Change::new("training_certificate", current.id(), "revoke").form(&form, &[]);
            audit::record(conn, &caller, change)?;
            record::find::<CertificateRow>(conn, current.id())
        })
        .await?;
    Ok(saved(row.etag(), &Certificate::from(row)))
}

/// Checks a certificate by its number — no account needed: whether it is
/// valid, the holder's name and the programme, nothing else. 404 for a
/// number never issued. Limited per client address as every public endpoint.
#[utoipa::path(
    tag = "training",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(("number" = String, Path, max_length = 20, description = "The certificate's number, e.g. `CT-7KQ4-9XMB-2HRD`")),
    responses(
        (status = 200, description = "The certificate's validity", body = CertificateCheck),
        (status = 429, response = responses::TooManyRequests),
    )
)]
#[get("/public/certificates/{number}")]
pub async fn check_certificate(
    state: web::Data<AppState>,
    number: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    crate::http::rate_limit::public(&state, &req).await?;
    let number = number.into_inner().trim().to_ascii_uppercase();
    let found = state
        .db
        .run(move |conn| {
            tc::table
                .filter(tc::number.eq(&number))
                .select(CertificateRow::as_select())
                .first::<CertificateRow>(conn)
                .optional()?
                .ok_or_else(|| {
                    ApiError::not_found(format!("No certificate has the number `{number}`."))
                })
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(CertificateCheck {
            valid: found.revoked_at.is_none(),
            number: found.number,
            holder_name: found.holder_name,
            programme_name: found.programme_name,
        }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_random_in_crockfords_alphabet() {
        let a = new_number();
        let b = new_number();
        assert_ne!(a, b);
        assert_eq!(a.len(), 17);
        assert!(a.starts_with("CT-"));
        assert!(
            a[3..]
                .chars()
                .all(|c| c == '-' || (c.is_ascii_alphanumeric() && !"ILOU".contains(c)))
        );
    }
}
