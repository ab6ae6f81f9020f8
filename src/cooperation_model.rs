//! The cooperation model's vocabulary: three planes of cooperation between a
//! local government (JST) and NGOs, each with two areas. Good practices are
//! placed on it, and training modules and quality-index methodologies are
//! built on it; `GET /api/v1/cooperation-model` serves it so that a client can
//! build its choices from it.

use actix_web::{HttpRequest, HttpResponse, get};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, responses};
use crate::http::conditional::json_with_etag;

crate::string_enum! {
    "cooperation-model area"
    /// An area of a plane of the cooperation model; `GET
    /// /api/v1/cooperation-model` names and describes each.
    #[derive(ToSchema)]
    pub enum Area {
        ConsultingDraftActs = "consulting_draft_acts",
        DiagnosingLocalProblems = "diagnosing_local_problems",
        FinancialCooperation = "financial_cooperation",
        ProjectPartnerships = "project_partnerships",
        CivicInitiativeSupport = "civic_initiative_support",
        LocalPartnerships = "local_partnerships",
    }
}

impl Area {
    /// The plane (1, 2 or 3) the area belongs to.
    pub fn plane(self) -> i32 {
        PLANES
            .iter()
            .find(|p| p.areas.iter().any(|a| a.code == self))
            .map_or(0, |p| p.number)
    }
}

/// A plane of the cooperation model.
#[derive(Debug, Serialize, ToSchema)]
pub struct Plane {
    /// 1, 2 or 3: the value of a good practice's `plane`.
    #[schema(minimum = 1, maximum = 3)]
    pub number: i32,
    #[schema(max_length = 200)]
    pub name: &'static str,
    #[schema(max_length = 1000)]
    pub description: &'static str,
    /// Its two areas, `a` then `b`.
    #[schema(max_items = 2)]
    pub areas: &'static [AreaInfo],
}

/// An area of a plane.
#[derive(Debug, Serialize, ToSchema)]
pub struct AreaInfo {
    /// The value of a good practice's `area`.
    pub code: Area,
    /// `a` or `b`, as the model numbers them within the plane.
    #[schema(max_length = 1, pattern = "^[ab]$")]
    pub letter: &'static str,
    #[schema(max_length = 200)]
    pub name: &'static str,
    #[schema(max_length = 1000)]
    pub description: &'static str,
}

/// The whole vocabulary.
#[derive(Debug, Serialize, ToSchema)]
pub struct CooperationModel {
    #[schema(max_items = 3)]
    pub planes: &'static [Plane],
}

pub const PLANES: &[Plane] = &[
    Plane {
        number: 1,
        name: "Making public policy together",
        description: "NGOs take part in shaping local policy: the local government consults \
                      its draft acts with them and they diagnose local problems together.",
        areas: &[
            AreaInfo {
                code: Area::ConsultingDraftActs,
                letter: "a",
                name: "Consulting draft acts",
                description: "Draft resolutions, programmes and strategies are consulted \
                              with NGOs before they are adopted.",
            },
            AreaInfo {
                code: Area::DiagnosingLocalProblems,
                letter: "b",
                name: "Diagnosing local problems",
                description: "The local government and NGOs identify and describe local \
                              needs and problems together.",
            },
        ],
    },
    Plane {
        number: 2,
        name: "Carrying out public tasks together",
        description: "NGOs carry out public tasks with the local government's support or \
                      on its behalf.",
        areas: &[
            AreaInfo {
                code: Area::FinancialCooperation,
                letter: "a",
                name: "Financial cooperation",
                description: "Grants and other financial forms: calls, project management, \
                              settlement, risk and communication.",
            },
            AreaInfo {
                code: Area::ProjectPartnerships,
                letter: "b",
                name: "Project partnerships",
                description: "The local government and NGOs run projects together as partners.",
            },
        ],
    },
    Plane {
        number: 3,
        name: "Infrastructure of cooperation",
        description: "What keeps cooperation going: support for civic initiatives and NGOs, \
                      and local partnerships.",
        areas: &[
            AreaInfo {
                code: Area::CivicInitiativeSupport,
                letter: "a",
                name: "Support for civic initiatives and NGOs",
                description: "A local system of support for civic initiatives and NGOs: \
                              premises, advice, training, small grants.",
            },
            AreaInfo {
                code: Area::LocalPartnerships,
                letter: "b",
                name: "Local partnerships",
                description: "Cross-sector local partnerships: forming, managing and \
                              dissolving them.",
            },
        ],
    },
];

/// The cooperation model's planes and areas, with their codes, names and
/// descriptions. Public: no account needed.
#[utoipa::path(
    tag = "cooperation_model",
    params(crate::http::conditional::IfNoneMatch),
    responses(
        (status = 200, description = "The planes and their areas", body = CooperationModel,
            headers(("ETag" = String))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/cooperation-model")]
pub async fn get_cooperation_model(req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let tag = actix_web::http::header::EntityTag::new_strong(format!(
        "cooperation-model.{}",
        env!("CARGO_PKG_VERSION")
    ));
    Ok(json_with_etag(
        &req,
        tag,
        &CooperationModel { planes: PLANES },
    ))
}

pub fn configure(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(get_cooperation_model);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_area_is_on_exactly_one_plane_in_order() {
        let listed: Vec<Area> = PLANES
            .iter()
            .flat_map(|p| p.areas.iter().map(|a| a.code))
            .collect();
        assert_eq!(listed, Area::ALL);
        let planes: Vec<i32> = Area::ALL.iter().map(|a| a.plane()).collect();
        assert_eq!(planes, [1, 1, 2, 2, 3, 3]);
    }
}
