//! The 9 November campaign of seed 000 (five locations, at least two actions in
//! each; three locations still short), the project's result indicators, and two
//! entries of the good-practice compendium. Created once, with the campaign.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::Ids;
use crate::activities::model::{CreateActivity, CreateCampaign};
use crate::activities::rules::ActivityType;
use crate::audit::Caller;
use crate::db::DbConn;
use crate::db::schema::campaigns as cp;
use crate::error::ApiError;
use crate::good_practices::model::CreateGoodPractice;
use crate::good_practices::rules::{Area, Review};
use crate::indicators::model::CreateIndicator;
use crate::indicators::rules::IndicatorKind;

const CAMPAIGN: &str = "9 noiembrie – Ziua nediscriminării";

/// The campaign's day.
fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 9).unwrap_or_default()
}

/// Creates the records unless the campaign exists; returns how many it created.
pub(super) fn seed(
    conn: &mut DbConn,
    caller: &Caller,
    project_ids: &Ids,
    org_ids: &Ids,
) -> Result<usize, ApiError> {
    let (Some(project), Some(model_project), Some(ngo), Some(probus)) = (
        project_ids.get("INCL-RO"),
        project_ids.get("MW-2014"),
        org_ids.get("incluziune"),
        org_ids.get("probus"),
    ) else {
        return Ok(0);
    };
    let exists: i64 = cp::table
        .filter(cp::project_id.eq(project))
        .filter(cp::name.eq(CAMPAIGN))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(0);
    }
    let campaign = seed_campaign(conn, caller, project)?;
    let actions = seed_campaign_actions(conn, caller, project, &campaign, ngo)?;
    let indicators = seed_indicators(conn, caller, project)?;
    let practices = seed_good_practices(conn, caller, (model_project, probus), (project, ngo))?;
    Ok(1 + actions + indicators + practices)
}

/// The campaign, one day in five towns of Cluj county; returns its id.
fn seed_campaign(conn: &mut DbConn, caller: &Caller, project: &str) -> Result<String, ApiError> {
    let form = CreateCampaign {
        name: CAMPAIGN.to_owned(),
        description: Some(
            "Non-discrimination day: street actions, debates in schools and five short films."
                .to_owned(),
        ),
        starts_on: day(),
        ends_on: day(),
        min_actions_per_location: 2,
        locations: ["Cluj-Napoca", "Dej", "Turda", "Gherla", "Câmpia Turzii"]
            .map(str::to_owned)
            .to_vec(),
    };
    Ok(crate::activities::store::insert_campaign(conn, caller, project, form)?.id)
}

/// The campaign's actions so far, organised by the NGO; returns how many.
fn seed_campaign_actions(
    conn: &mut DbConn,
    caller: &Caller,
    project: &str,
    campaign: &str,
    ngo: &str,
) -> Result<usize, ApiError> {
    let actions = [
        (
            ActivityType::CampaignAction,
            "Flash mob în Piața Unirii",
            "Cluj-Napoca",
            120,
        ),
        (
            ActivityType::PublicDebate,
            "Dezbatere la Colegiul Național",
            "Cluj-Napoca",
            60,
        ),
        (
            ActivityType::CampaignAction,
            "Marș pentru egalitate",
            "Dej",
            80,
        ),
        (
            ActivityType::Film,
            "Proiecția filmului „Vecinii”",
            "Dej",
            45,
        ),
        (
            ActivityType::CampaignAction,
            "Cort de informare",
            "Turda",
            35,
        ),
        (
            ActivityType::CampaignAction,
            "Atelier în școală",
            "Gherla",
            25,
        ),
    ];
    for (kind, title, place, attendance) in actions {
        let form = CreateActivity {
            kind,
            title: title.to_owned(),
            held_on: day(),
            place: Some(place.to_owned()),
            campaign_id: Some(campaign.to_owned()),
            organizer_organization_id: Some(ngo.to_owned()),
            description: None,
            attendance: Some(attendance),
            outputs: Vec::new(),
        };
        crate::activities::store::insert_activity(conn, caller, project, form)?;
    }
    Ok(actions.len())
}

/// The project's result indicators; returns how many.
fn seed_indicators(conn: &mut DbConn, caller: &Caller, project: &str) -> Result<usize, ApiError> {
    let indicators = [
        (
            "Campaign actions",
            "actions",
            10.0,
            IndicatorKind::ActivityCount,
            None,
            Some(ActivityType::CampaignAction),
        ),
        (
            "People reached by the campaign",
            "people",
            500.0,
            IndicatorKind::ActivityAttendance,
            None,
            None,
        ),
        (
            "Civil servants trained",
            "people",
            20.0,
            IndicatorKind::Manual,
            Some(12.0),
            None,
        ),
    ];
    for (name, unit, target, kind, value, activity_type) in indicators {
        let form = CreateIndicator {
            name: name.to_owned(),
            unit: unit.to_owned(),
            target,
            kind,
            activity_type,
            category: None,
            value,
        };
        crate::indicators::store::insert(conn, caller, project, form)?;
    }
    Ok(indicators.len())
}

/// Two entries of the compendium, each `(project, organisation)`'s: the model
/// project's, proposed and then accepted; the Romanian one, still proposed.
/// Returns how many.
fn seed_good_practices(
    conn: &mut DbConn,
    caller: &Caller,
    model: (&str, &str),
    inclusion: (&str, &str),
) -> Result<usize, ApiError> {
    use crate::good_practices::store;
    let practices = [
        (
            model,
            "Wspólne konsultacje programu współpracy",
            "Gmina i organizacje pozarządowe wspólnie piszą roczny program współpracy: warsztaty diagnozy, otwarte spotkanie, raport z uwag.",
            1,
            Area::ConsultingDraftActs,
            &["konsultacje", "program współpracy"][..],
            Some(Review::Accept),
        ),
        (
            inclusion,
            "Voluntari care aplică chestionare",
            "Voluntarii asociației aplică chestionarele PALIS în cartiere, cu sprijinul primăriei.",
            2,
            Area::ProjectPartnerships,
            &["voluntariat", "PALIS"][..],
            None,
        ),
    ];
    for ((project, organization), title, description, plane, area, tags, review) in practices {
        let form = CreateGoodPractice {
            project_id: project.to_owned(),
            organization_id: organization.to_owned(),
            title: title.to_owned(),
            description: description.to_owned(),
            plane,
            area: Some(area),
            tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        };
        store::check_references(conn, &form)?;
        let row = store::insert(conn, caller, form)?;
        if let Some(review) = review {
            store::review(conn, caller, row, review, None)?;
        }
    }
    Ok(practices.len())
}
