//! The consultation report: built from the submissions and their responses
//! — counts by response, by section and by submitter kind, and the full
//! table — as JSON or CSV. Those who run the consultation read it at any
//! time as a working copy; once published it is public, without the names
//! of individual submitters (their personal data stays with the initiator).

use std::collections::HashMap;

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::handlers::{manages, readable};
use super::model::{ConsultationRow, SubmissionRow};
use super::rules::{ConsultationStatus, ResponseStatus, SubmitterKind};
use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::enums::StrEnum;
use crate::db::schema::{
    consultation_sections as sc, consultation_submissions as cs, consultation_versions as cv,
    organizations, participation_bodies as pb,
};
use crate::error::{ApiError, ProblemCode};
use crate::http::export::{CsvDocument, ExportFormat, ExportParams, csv_attachment};
use crate::http::extract::ApiQuery;
use crate::http::ids::PathId;
use crate::http::timestamp::Timestamp;
use crate::state::AppState;

/// How many submissions got each response (`unanswered`: none yet).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct ResponseTally {
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub total: i64,
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub accepted: i64,
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub partially_accepted: i64,
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub rejected: i64,
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub not_considered: i64,
    #[schema(minimum = 0, maximum = 9007199254740991_f64)]
    pub unanswered: i64,
}

impl ResponseTally {
    fn add(&mut self, response: Option<ResponseStatus>) {
        self.total += 1;
        *match response {
            Some(ResponseStatus::Accepted) => &mut self.accepted,
            Some(ResponseStatus::PartiallyAccepted) => &mut self.partially_accepted,
            Some(ResponseStatus::Rejected) => &mut self.rejected,
            Some(ResponseStatus::NotConsidered) => &mut self.not_considered,
            None => &mut self.unanswered,
        } += 1;
    }
}

/// The submissions on one section (or on the whole document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SectionTally {
    /// `null`: comments on the whole document.
    #[schema(format = Uuid)]
    pub section_id: Option<String>,
    /// The section's number in the latest version (or the last one that
    /// had it).
    #[schema(max_length = 50)]
    pub number: Option<String>,
    #[serde(flatten)]
    pub tally: ResponseTally,
}

/// The submissions of one kind of submitter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct SubmitterTally {
    pub submitter_kind: SubmitterKind,
    #[serde(flatten)]
    pub tally: ResponseTally,
}

/// A line of the report's table.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ConsultationReportLine {
    #[schema(format = Uuid)]
    pub submission_id: String,
    /// The document version it was made on.
    #[schema(minimum = 1, maximum = 100)]
    pub version_number: i32,
    #[schema(format = Uuid)]
    pub section_id: Option<String>,
    #[schema(max_length = 50)]
    pub section_number: Option<String>,
    pub submitter_kind: SubmitterKind,
    /// The organisation's name; an individual's name only in the copy of
    /// those who run the consultation (`null` in the public report).
    #[schema(max_length = 500)]
    pub submitter: Option<String>,
    #[schema(max_length = 20000)]
    pub proposed_wording: Option<String>,
    #[schema(max_length = 20000)]
    pub justification: String,
    pub response_status: Option<ResponseStatus>,
    #[schema(max_length = 20000)]
    pub response_justification: Option<String>,
    pub submitted_at: Timestamp,
}

/// A consultation's report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsultationReport {
    #[schema(format = Uuid)]
    pub consultation_id: String,
    #[schema(max_length = 500)]
    pub subject: String,
    pub status: ConsultationStatus,
    /// When it was published; `null` for a working copy.
    pub published_at: Option<Timestamp>,
    pub generated_at: Timestamp,
    /// Every submission, by response.
    pub totals: ResponseTally,
    /// The whole document first, then the sections in the latest version's
    /// order, then sections later versions removed.
    #[schema(max_items = 10000)]
    pub by_section: Vec<SectionTally>,
    #[schema(max_items = 3)]
    pub by_submitter_kind: Vec<SubmitterTally>,
    /// Every submission, oldest first.
    #[schema(max_items = 1000000)]
    pub submissions: Vec<ConsultationReportLine>,
}

/// The counts of `lines`: in all, per section (in `order`, then any other
/// section, by number), and per submitter kind.
pub fn tally(
    lines: &[ConsultationReportLine],
    order: &[String],
) -> (ResponseTally, Vec<SectionTally>, Vec<SubmitterTally>) {
    let mut totals = ResponseTally::default();
    let mut sections: HashMap<Option<&str>, SectionTally> = HashMap::new();
    let mut kinds: HashMap<SubmitterKind, ResponseTally> = HashMap::new();
    for line in lines {
        totals.add(line.response_status);
        sections
            .entry(line.section_id.as_deref())
            .or_insert_with(|| SectionTally {
                section_id: line.section_id.clone(),
                number: line.section_number.clone(),
                tally: ResponseTally::default(),
            })
            .tally
            .add(line.response_status);
        kinds
            .entry(line.submitter_kind)
            .or_default()
            .add(line.response_status);
    }
    let mut by_section: Vec<SectionTally> = Vec::with_capacity(sections.len());
    if let Some(whole) = sections.remove(&None) {
        by_section.push(whole);
    }
    for id in order {
        if let Some(s) = sections.remove(&Some(id.as_str())) {
            by_section.push(s);
        }
    }
    let mut rest: Vec<SectionTally> = sections.into_values().collect();
    rest.sort_by(|a, b| {
        a.number
            .cmp(&b.number)
            .then(a.section_id.cmp(&b.section_id))
    });
    by_section.extend(rest);
    let by_kind = SubmitterKind::ALL
        .iter()
        .filter_map(|k| {
            kinds.remove(k).map(|tally| SubmitterTally {
                submitter_kind: *k,
                tally,
            })
        })
        .collect();
    (totals, by_section, by_kind)
}

/// The document's versions and their sections' numbers: a submission shows
/// the number its section had in the version it was made on.
struct Numbering {
    /// Version ids, oldest first, with their numbers.
    versions: Vec<(String, i32)>,
    /// The number of (version id, section id).
    numbers: HashMap<(String, String), String>,
    /// The latest version's section ids, in order.
    order: Vec<String>,
}

impl Numbering {
    fn load(conn: &mut DbConn, consultation_id: &str) -> Result<Self, ApiError> {
        let versions: Vec<(String, i32)> = cv::table
            .filter(cv::consultation_id.eq(consultation_id))
            .order(cv::number.asc())
            .select((cv::id, cv::number))
            .load(conn)?;
        let ids: Vec<&str> = versions.iter().map(|(id, _)| id.as_str()).collect();
        let sections: Vec<(String, String, String, i32)> = sc::table
            .filter(sc::version_id.eq_any(ids))
            .select((sc::version_id, sc::section_id, sc::number, sc::position))
            .load(conn)?;
        let latest = versions.last().map(|(id, _)| id.clone());
        let mut order: Vec<(i32, String)> = sections
            .iter()
            .filter(|(v, ..)| Some(v) == latest.as_ref())
            .map(|(_, s, _, p)| (*p, s.clone()))
            .collect();
        order.sort();
        Ok(Self {
            versions,
            numbers: sections
                .into_iter()
                .map(|(v, s, n, _)| ((v, s), n))
                .collect(),
            order: order.into_iter().map(|(_, s)| s).collect(),
        })
    }

    fn number(&self, version_id: &str, section_id: &str) -> Option<String> {
        self.numbers
            .get(&(version_id.to_owned(), section_id.to_owned()))
            .cloned()
    }

    fn version_number(&self, version_id: &str) -> i32 {
        self.versions
            .iter()
            .find(|(id, _)| id == version_id)
            .map_or(0, |(_, n)| *n)
    }

    /// The section's number in the latest version that has it.
    fn latest_number(&self, section_id: &str) -> Option<String> {
        self.versions
            .iter()
            .rev()
            .find_map(|(v, _)| self.number(v, section_id))
    }
}

/// The report of `consultation` at `now`; `private`: with individual
/// submitters' names.
pub fn build(
    conn: &mut DbConn,
    consultation: &ConsultationRow,
    private: bool,
    now: NaiveDateTime,
) -> Result<ConsultationReport, ApiError> {
    let numbering = Numbering::load(conn, &consultation.id)?;
    type Line = (SubmissionRow, Option<String>, Option<String>);
    let rows: Vec<Line> = cs::table
        .left_join(organizations::table.on(organizations::id.nullable().eq(cs::organization_id)))
        .left_join(pb::table.on(pb::id.nullable().eq(cs::body_id)))
        .filter(cs::consultation_id.eq(&consultation.id))
        .order(cs::id.asc())
        .select((
            SubmissionRow::as_select(),
            organizations::name.nullable(),
            pb::name.nullable(),
        ))
        .load(conn)?;
    let mut lines = Vec::with_capacity(rows.len());
    for (row, organization, body) in rows {
        let kind = SubmitterKind::stored(&row.submitter_kind)?;
        let submitter = match kind {
            SubmitterKind::Organization => organization,
            SubmitterKind::Body => body,
            SubmitterKind::Individual if private => row.individual_name.clone(),
            SubmitterKind::Individual => None,
        };
        lines.push(ConsultationReportLine {
            version_number: numbering.version_number(&row.version_id),
            section_number: row
                .section_id
                .as_deref()
                .and_then(|s| numbering.number(&row.version_id, s)),
            submitter_kind: kind,
            submitter,
            response_status: row.response()?,
            submission_id: row.id,
            section_id: row.section_id,
            proposed_wording: row.proposed_wording,
            justification: row.justification,
            response_justification: row.response_justification,
            submitted_at: row.created_at.into(),
        });
    }
    let (totals, mut by_section, by_submitter_kind) = tally(&lines, &numbering.order);
    for s in &mut by_section {
        if let Some(n) = s
            .section_id
            .as_deref()
            .and_then(|id| numbering.latest_number(id))
        {
            s.number = Some(n);
        }
    }
    Ok(ConsultationReport {
        consultation_id: consultation.id.clone(),
        subject: consultation.subject.clone(),
        status: consultation.status_at(now)?,
        published_at: consultation.report_published_at.map(Into::into),
        generated_at: now.into(),
        totals,
        by_section,
        by_submitter_kind,
        submissions: lines,
    })
}

/// The consultation's report, as JSON or CSV (the table). Those who run the
/// consultation, at any time after it is announced (a working copy, with
/// individual submitters' names); anybody once the report is published
/// (without them). 409 to others before it is published.
#[utoipa::path(
    tag = "consultations",
    security((), ("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The consultation's id"),
        ExportParams,
    ),
    responses(
        (status = 200, description = "The report",
            content((ConsultationReport = "application/json"), (CsvDocument = "text/csv"))),
        (status = 409, response = crate::error::responses::Conflict),
    )
)]
#[get("/consultations/{id}/report")]
pub async fn get_report(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    params: ApiQuery<ExportParams>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let report = state
        .db
        .run(move |conn| {
            let consultation = readable(conn, &caller, &id)?;
            let private = manages(&caller.actor, &consultation.initiating_organization_id);
            if !private && consultation.report_published_at.is_none() {
                return Err(ApiError::new(
                    ProblemCode::Conflict,
                    "The report of this consultation is not published yet.",
                ));
            }
            build(conn, &consultation, private, crate::db::now())
        })
        .await?;
    match params.into_inner().format {
        Some(ExportFormat::Csv) => csv(&report),
        _ => Ok(HttpResponse::Ok().json(report)),
    }
}

fn csv(report: &ConsultationReport) -> Result<HttpResponse, ApiError> {
    let header = [
        "submission_id",
        "version_number",
        "section_number",
        "submitter_kind",
        "submitter",
        "proposed_wording",
        "justification",
        "response_status",
        "response_justification",
        "submitted_at",
    ]
    .map(String::from)
    .to_vec();
    let lines = report.submissions.iter().map(|l| {
        vec![
            l.submission_id.clone(),
            l.version_number.to_string(),
            l.section_number.clone().unwrap_or_default(),
            l.submitter_kind.as_str().to_owned(),
            l.submitter.clone().unwrap_or_default(),
            l.proposed_wording.clone().unwrap_or_default(),
            l.justification.clone(),
            l.response_status
                .map(|s| s.as_str().to_owned())
                .unwrap_or_default(),
            l.response_justification.clone().unwrap_or_default(),
            l.submitted_at
                .0
                .format(crate::http::timestamp::FORMAT)
                .to_string(),
        ]
    });
    csv_attachment(
        &format!("consultation-{}-report.csv", report.consultation_id),
        std::iter::once(header).chain(lines),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(
        section: Option<&str>,
        kind: SubmitterKind,
        r: Option<ResponseStatus>,
    ) -> ConsultationReportLine {
        ConsultationReportLine {
            submission_id: "x".into(),
            version_number: 1,
            section_id: section.map(str::to_owned),
            section_number: section.map(|s| format!("§ {s}")),
            submitter_kind: kind,
            submitter: None,
            proposed_wording: None,
            justification: "j".into(),
            response_status: r,
            response_justification: None,
            submitted_at: crate::db::now().into(),
        }
    }

    #[test]
    fn counts_by_response_section_and_submitter() {
        use ResponseStatus::*;
        use SubmitterKind::*;
        let lines = [
            line(Some("2"), Organization, Some(Accepted)),
            line(Some("1"), Individual, Some(Rejected)),
            line(None, Individual, None),
            line(Some("2"), Organization, Some(PartiallyAccepted)),
            line(Some("9"), Organization, Some(NotConsidered)),
        ];
        let (totals, by_section, by_kind) = tally(&lines, &["1".into(), "2".into()]);
        assert_eq!(
            totals,
            ResponseTally {
                total: 5,
                accepted: 1,
                partially_accepted: 1,
                rejected: 1,
                not_considered: 1,
                unanswered: 1
            }
        );
        let order: Vec<_> = by_section
            .iter()
            .map(|s| (s.section_id.as_deref(), s.tally.total))
            .collect();
        assert_eq!(
            order,
            [(None, 1), (Some("1"), 1), (Some("2"), 2), (Some("9"), 1)]
        );
        assert_eq!(by_kind[0].submitter_kind, Organization);
        assert_eq!(by_kind[0].tally.total, 3);
        assert_eq!(by_kind[1].tally.unanswered, 1);
    }
}
