//! A project's coordinators: the people who run it and get the `coordinator`
//! role for it.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::model::ProjectRow;
use crate::audit::{self, Caller, Change};
use crate::auth::policy::{Permission, authorize};
use crate::db::DbConn;
use crate::db::record;
use crate::db::schema::{people, project_coordinators as pc};
use crate::error::{ApiError, responses};
use crate::http::extract::ApiJson;
use crate::http::ids::{PathId, PathIds};
use crate::http::timestamp::Timestamp;
use crate::state::AppState;

/// A project coordinator.
#[derive(Debug, Serialize, ToSchema)]
pub struct Coordinator {
    #[schema(format = Uuid)]
    pub project_id: String,
    #[schema(format = Uuid)]
    pub person_id: String,
    #[schema(max_length = 200)]
    pub full_name: String,
    pub created_at: Timestamp,
}

/// The coordinators of a project (at most 200).
#[derive(Debug, Serialize, ToSchema)]
pub struct CoordinatorList {
    #[schema(max_items = 200)]
    pub items: Vec<Coordinator>,
}

/// Names a coordinator.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddCoordinator {
    #[schema(format = Uuid)]
    #[validate(custom(function = "crate::http::extract::validate_uuid"))]
    pub person_id: String,
}

/// Lists a project's coordinators. Any signed-in user; API clients with `projects:read`.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    responses(
        (status = 200, description = "The coordinators", body = CoordinatorList),
    )
)]
#[get("/projects/{id}/coordinators")]
pub async fn list_project_coordinators(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ReadDirectory("projects"))?;
    let id = id.into_inner();
    let rows = state
        .db
        .run(move |conn| {
            record::find::<ProjectRow>(conn, &id)?;
            coordinators(conn, &id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CoordinatorList { items: rows }))
}

fn coordinators(conn: &mut DbConn, project: &str) -> Result<Vec<Coordinator>, ApiError> {
    let rows: Vec<(String, String, NaiveDateTime)> = pc::table
        .inner_join(people::table)
        .filter(pc::project_id.eq(project))
        .select((pc::person_id, people::full_name, pc::created_at))
        .order(pc::person_id.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(person_id, full_name, created_at)| Coordinator {
            project_id: project.to_owned(),
            person_id,
            full_name,
            created_at: created_at.into(),
        })
        .collect())
}

/// Makes a person a coordinator of the project. Admins only.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(("id" = String, Path, format = Uuid, description = "The project's id")),
    request_body = AddCoordinator,
    responses(
        (status = 201, description = "The coordinators after the change", body = CoordinatorList),
        (status = 409, response = responses::Conflict),
    )
)]
#[post("/projects/{id}/coordinators")]
pub async fn add_project_coordinator(
    state: web::Data<AppState>,
    caller: Caller,
    id: PathId,
    body: ApiJson<AddCoordinator>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageProjectCoordinators)?;
    let id = id.into_inner();
    let person = body.into_inner().person_id;
    let list = state
        .db
        .write(move |conn| {
            super::store::add_coordinator(conn, &caller, &id, &person)?;
            coordinators(conn, &id)
        })
        .await?;
    Ok(HttpResponse::Created().json(CoordinatorList { items: list }))
}

/// Removes a coordinator from the project. Admins only.
#[utoipa::path(
    tag = "projects",
    security(("bearer" = []), ("oauth2" = [])),
    params(
        ("id" = String, Path, format = Uuid, description = "The project's id"),
        ("person_id" = String, Path, format = Uuid, description = "The coordinator's person id"),
    ),
    responses(
        (status = 204, description = "The person no longer coordinates the project"),
    )
)]
#[delete("/projects/{id}/coordinators/{person_id}")]
pub async fn remove_project_coordinator(
    state: web::Data<AppState>,
    caller: Caller,
    ids: PathIds<2>,
) -> Result<HttpResponse, ApiError> {
    authorize(&caller.actor, Permission::ManageProjectCoordinators)?;
    let [id, person] = ids.0;
    state
        .db
        .write(move |conn| {
            record::find::<ProjectRow>(conn, &id)?;
            let removed = diesel::delete(
                pc::table
                    .filter(pc::project_id.eq(&id))
                    .filter(pc::person_id.eq(&person)),
            )
            .execute(conn)?;
            if removed == 0 {
                return Err(ApiError::not_found(format!(
                    "Person `{person}` does not coordinate project `{id}`."
                )));
            }
            audit::record(
                conn,
                &caller,
                Change::new("project", &id, "remove_coordinator").value("person_id", &person),
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
