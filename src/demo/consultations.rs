//! The demo's consultation: the Zgorzelec county puts its annual programme
//! of cooperation with NGOs to comment for two weeks — a document of five
//! sections, a dozen submissions from the two foundations and from
//! residents, five of them answered, a collective opinion of the Regional
//! Social Platform of Lower Silesia and a public debate with its minutes;
//! and a bill on PROBUS's watch list.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::prelude::*;

use crate::audit::Caller;
use crate::consultations::documents::{CreateVersion, NewSection, add_version};
use crate::consultations::meetings::{
    self, CreateConsultationMeeting, MeetingKind, UpdateConsultationMeeting,
};
use crate::consultations::model::ConsultationRow;
use crate::consultations::model::{
    CreateConsultation, CreateConsultationSubmission, RespondToSubmission,
};
use crate::consultations::rules::{
    ConsultationForm, ConsultationKind, ConsultationTransition, MinimumPeriods, ResponseStatus,
};
use crate::consultations::{store, submissions};
use crate::db::DbConn;
use crate::db::record;
use crate::db::schema::consultations as co;
use crate::error::ApiError;
use crate::participation::{
    self,
    model::{CreateBodyMember, CreateParticipationBody},
    rules::{BodyKind, BodyMemberRole, Constituency},
};

pub const SUBJECT: &str =
    "Roczny program współpracy Powiatu Zgorzeleckiego z organizacjami pozarządowymi na 2027 rok";

const SECTIONS: &[(&str, &str, &str)] = &[
    (
        "§ 1",
        "Postanowienia ogólne",
        "Program określa cele, zasady, formy i zakres współpracy Powiatu Zgorzeleckiego z organizacjami pozarządowymi w 2027 roku.",
    ),
    (
        "§ 2",
        "Cele programu",
        "Celem głównym jest budowanie partnerstwa między administracją a organizacjami pozarządowymi w oparciu o model współpracy.",
    ),
    (
        "§ 3",
        "Formy współpracy",
        "Współpraca odbywa się w formie zlecania zadań publicznych, konsultowania projektów aktów prawa miejscowego oraz tworzenia zespołów doradczych.",
    ),
    (
        "§ 4",
        "Priorytetowe zadania",
        "Priorytetami są: integracja osób wykluczonych, aktywizacja seniorów, edukacja obywatelska.",
    ),
    (
        "§ 5",
        "Wysokość środków",
        "Na realizację programu przeznacza się kwotę 100 000 zł.",
    ),
];

/// (section index or none for the whole document, organisation key or a
/// resident's name, justification, proposed wording, response)
type Comment = (
    Option<usize>,
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<(ResponseStatus, Option<&'static str>)>,
);

const COMMENTS: &[Comment] = &[
    (
        Some(4),
        "probus",
        "Kwota nie pokrywa potrzeb zgłoszonych w poprzednim roku.",
        Some("Na realizację programu przeznacza się kwotę 150 000 zł."),
        Some((
            ResponseStatus::PartiallyAccepted,
            Some("Kwota zostanie zwiększona do 120 000 zł."),
        )),
    ),
    (
        Some(3),
        "abramis",
        "Brakuje wsparcia dla osób z niepełnosprawnościami.",
        Some(
            "Priorytetami są: integracja osób wykluczonych, w tym osób z niepełnosprawnościami, aktywizacja seniorów, edukacja obywatelska.",
        ),
        Some((ResponseStatus::Accepted, None)),
    ),
    (
        Some(2),
        "probus",
        "Warto dodać regranting jako formę współpracy.",
        None,
        Some((
            ResponseStatus::Rejected,
            Some("Regranting wymaga odrębnej uchwały; rozważymy go w 2028 roku."),
        )),
    ),
    (
        None,
        "abramis",
        "Program powinien zawierać harmonogram konsultacji.",
        None,
        None,
    ),
    (
        Some(1),
        "Maria Wiśniewska",
        "Cel jest zbyt ogólny.",
        Some(
            "Celem głównym jest wzmocnienie organizacji pozarządowych i ich udziału w decyzjach powiatu.",
        ),
        Some((
            ResponseStatus::NotConsidered,
            Some("Uwaga wniesiona po terminie sesji roboczej."),
        )),
    ),
    (
        Some(3),
        "Piotr Zieliński",
        "Proszę uwzględnić sport młodzieżowy.",
        None,
        None,
    ),
    (
        Some(4),
        "Anna Kowalczyk",
        "Środki powinny rosnąć co roku o inflację.",
        None,
        None,
    ),
    (
        None,
        "Józef Łuczak",
        "Dokument jest nieczytelny dla mieszkańców.",
        None,
        None,
    ),
    (
        Some(0),
        "Zofia Mazur",
        "Brak odniesienia do strategii powiatu.",
        None,
        None,
    ),
    (
        Some(2),
        "Tomasz Wójcik",
        "Zespoły doradcze powinny mieć przedstawicieli młodzieży.",
        None,
        None,
    ),
    (
        Some(3),
        "Ewa Kamińska",
        "Aktywizacja seniorów — proszę wskazać konkretne działania.",
        None,
        None,
    ),
    (
        Some(4),
        "Krzysztof Lewandowski",
        "Proszę podać podział środków na priorytety.",
        None,
        None,
    ),
];

/// Seeds the consultation of the county (`powiat`) once, with the
/// foundations' comments; returns how many records it wrote.
pub(super) fn seed(
    conn: &mut DbConn,
    caller: &Caller,
    powiat: &str,
    org_of: impl Fn(&str) -> Option<String>,
) -> Result<usize, ApiError> {
    let exists: i64 = co::table
        .filter(co::initiating_organization_id.eq(powiat))
        .filter(co::subject.eq(SUBJECT))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(0);
    }
    let now = Utc::now();
    let row = store::insert(
        conn,
        caller,
        CreateConsultation {
            subject: SUBJECT.to_owned(),
            kind: ConsultationKind::CooperationProgramme,
            initiating_organization_id: powiat.to_owned(),
            project_id: None,
            description: Some(
                "Konsultacje projektu uchwały Rady Powiatu w sprawie programu współpracy na 2027 rok."
                    .to_owned(),
            ),
            forms: vec![
                ConsultationForm::WrittenComments,
                ConsultationForm::PublicMeeting,
                ConsultationForm::BodyOpinion,
            ],
            opens_at: Some(now - Duration::days(3)),
            closes_at: Some(now + Duration::days(11)),
            report_due_at: Some(now + Duration::days(25)),
        },
    )?;
    let clock = crate::db::now();
    let (version, sections) = add_version(
        conn,
        caller,
        row,
        CreateVersion {
            title: "Projekt uchwały w sprawie programu współpracy na 2027 rok".to_owned(),
            note: None,
            sections: SECTIONS
                .iter()
                .map(|(number, heading, body)| NewSection {
                    id: None,
                    number: (*number).to_owned(),
                    heading: Some((*heading).to_owned()),
                    body: (*body).to_owned(),
                })
                .collect(),
        },
        clock,
    )?;
    let current = record::find(conn, &version.consultation_id)?;
    let consultation = store::transition(
        conn,
        caller,
        current,
        ConsultationTransition::Announce,
        &MinimumPeriods::default(),
        clock,
        None,
    )?;
    let mut created = 2 + sections.len();
    for (section, who, justification, wording, response) in COMMENTS {
        let organization_id = org_of(who);
        let (name, email) = match organization_id {
            Some(_) => (None, None),
            None => (
                Some((*who).to_owned()),
                Some(format!(
                    "{}@example.org",
                    crate::db::fold_for_search(who).replace(' ', ".")
                )),
            ),
        };
        let row = submissions::submit(
            conn,
            caller,
            &consultation,
            CreateConsultationSubmission {
                section_id: section.map(|i| sections[i].section_id.clone()),
                organization_id,
                body_id: None,
                name,
                email,
                proposed_wording: wording.map(str::to_owned),
                justification: (*justification).to_owned(),
            },
            clock,
        )?;
        created += 1;
        if let Some((status, why)) = response {
            submissions::respond(
                conn,
                caller,
                &consultation,
                row,
                RespondToSubmission {
                    status: *status,
                    justification: why.map(str::to_owned),
                },
                clock,
            )?;
        }
    }
    created += platform(conn, caller, &consultation, &org_of, clock)?;
    created += meeting(conn, caller, &consultation)?;
    created += watch(conn, caller, &org_of)?;
    Ok(created)
}

/// The Regional Social Platform of Lower Silesia, run by PROBUS: people
/// affected by exclusion, the two foundations and the county sit in it, and
/// it files a collective opinion on the programme.
fn platform(
    conn: &mut DbConn,
    caller: &Caller,
    consultation: &ConsultationRow,
    org_of: &impl Fn(&str) -> Option<String>,
    clock: NaiveDateTime,
) -> Result<usize, ApiError> {
    let Some(probus) = org_of("probus") else {
        return Ok(0);
    };
    let body = participation::store::insert_body(
        conn,
        caller,
        CreateParticipationBody {
            name: "Regionalna Platforma Społeczna Województwa Dolnośląskiego".to_owned(),
            kind: BodyKind::RegionalSocialPlatform,
            territorial_unit_code: "02".to_owned(),
            secretariat_organization_id: probus,
            description: Some(
                "Przedstawiciele osób zagrożonych wykluczeniem, organizacji pozarządowych i administracji analizują politykę społeczną regionu i biorą udział w konsultacjach."
                    .to_owned(),
            ),
        },
    )?;
    let joined_on = clock.date() - Duration::days(180);
    let members = [
        (
            Constituency::ExcludedPersons,
            "Janina Nowicka",
            None,
            BodyMemberRole::DeputyChair,
        ),
        (
            Constituency::ExcludedPersons,
            "Paweł Zieliński",
            None,
            BodyMemberRole::Member,
        ),
        (
            Constituency::Ngo,
            "Anna Kowalczyk",
            Some("probus"),
            BodyMemberRole::Chair,
        ),
        (
            Constituency::Ngo,
            "Marek Dąbrowski",
            Some("abramis"),
            BodyMemberRole::Member,
        ),
        (
            Constituency::Administration,
            "Beata Wiśniewska",
            Some("powiat"),
            BodyMemberRole::Member,
        ),
    ];
    for (constituency, name, organization, role) in members {
        participation::store::insert_member(
            conn,
            caller,
            &body,
            CreateBodyMember {
                constituency,
                name: name.to_owned(),
                organization_id: organization.and_then(org_of),
                role: Some(role),
                joined_on,
                left_on: None,
            },
        )?;
    }
    submissions::submit(
        conn,
        caller,
        consultation,
        CreateConsultationSubmission {
            section_id: None,
            organization_id: None,
            body_id: Some(body.id.clone()),
            name: None,
            email: None,
            proposed_wording: None,
            justification: "Platforma popiera program i wnosi o włączenie przedstawicieli osób zagrożonych wykluczeniem do zespołu monitorującego jego realizację."
                .to_owned(),
        },
        clock,
    )?;
    Ok(1 + members.len() + 1)
}

/// The public debate on the programme, held yesterday, with its minutes.
fn meeting(
    conn: &mut DbConn,
    caller: &Caller,
    consultation: &ConsultationRow,
) -> Result<usize, ApiError> {
    let row = meetings::insert(
        conn,
        caller,
        consultation,
        CreateConsultationMeeting {
            kind: MeetingKind::PublicDebate,
            title: "Debata publiczna nad programem współpracy na 2027 rok".to_owned(),
            starts_at: Utc::now() - Duration::days(1),
            place: Some("Starostwo Powiatowe w Zgorzelcu, sala sesyjna".to_owned()),
            online_url: None,
        },
    )?;
    meetings::update(
        conn,
        caller,
        consultation,
        row,
        UpdateConsultationMeeting {
            minutes: Some(Some(
                "Omówiono priorytety programu i wysokość środków. Organizacje wniosły o zwiększenie kwoty i o konsultowanie rocznego sprawozdania z realizacji programu."
                    .to_owned(),
            )),
            attendance: Some(Some(34)),
            ..Default::default()
        },
    )?;
    Ok(1)
}

/// PROBUS follows a bill on public benefit activity: on its watch list, with
/// its comment deadline.
fn watch(
    conn: &mut DbConn,
    caller: &Caller,
    org_of: &impl Fn(&str) -> Option<String>,
) -> Result<usize, ApiError> {
    let Some(probus) = org_of("probus") else {
        return Ok(0);
    };
    crate::consultations::watch::insert(
        conn,
        caller,
        crate::consultations::watch::CreateWatchedDraft {
            organization_id: probus,
            title: "Projekt ustawy o zmianie ustawy o działalności pożytku publicznego i o wolontariacie"
                .to_owned(),
            issuer: Some("Kancelaria Prezesa Rady Ministrów".to_owned()),
            source_url: "https://legislacja.gov.pl/".to_owned(),
            policy_area: Some("pożytek publiczny".to_owned()),
            territorial_unit_code: None,
            comment_deadline: Utc::now() + Duration::days(20),
            note: Some("Opinia wspólna z Fundacją ABRAMIS.".to_owned()),
        },
    )?;
    Ok(1)
}
