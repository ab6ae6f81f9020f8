use actix_web::{HttpRequest, HttpResponse, get, web};
use diesel::prelude::*;

use super::model::{TerritorialUnit, TerritorialUnitFilter, TerritorialUnitRow};
use crate::db::schema::territorial_units::dsl as tu;
use crate::error::{ApiError, responses};
use crate::http::conditional::{etag, json_with_etag};
use crate::http::extract::ApiQuery;
use crate::http::pagination::{ListParams, Page};
use crate::state::AppState;

/// Lists territorial units, ordered by code.
#[utoipa::path(
    tag = "territorial_units",
    params(ListParams, TerritorialUnitFilter),
    responses(
        (status = 200, description = "A page of territorial units", body = TerritorialUnitPage),
    )
)]
#[get("/territorial-units")]
pub async fn list_territorial_units(
    state: web::Data<AppState>,
    list: ApiQuery<ListParams>,
    filter: ApiQuery<TerritorialUnitFilter>,
) -> Result<HttpResponse, ApiError> {
    let page = list.0.page()?;
    let filter = filter.into_inner();
    if let Some(q) = &filter.q {
        crate::http::text_param("q", q, 200)?;
    }
    if let Some(parent) = &filter.parent {
        crate::http::text_param("parent", parent, 32)?;
    }
    let country = filter
        .country
        .as_deref()
        .map(|c| crate::http::country_param("country", c))
        .transpose()?;

    let request = page.clone();
    let rows = state
        .db
        .run(move |conn| {
            let mut query = tu::territorial_units
                .select(TerritorialUnitRow::as_select())
                .order(tu::code.asc())
                .limit(request.fetch())
                .into_boxed();
            if let Some(after) = request.after {
                query = query.filter(tu::code.gt(after));
            }
            if let Some(since) = request.updated_since {
                query = query.filter(tu::updated_at.ge(since));
            }
            if let Some(country) = country {
                query = query.filter(tu::country.eq(country));
            }
            if let Some(level) = filter.level {
                query = query.filter(tu::level.eq(level.as_str()));
            }
            if let Some(parent) = filter.parent {
                query = query.filter(tu::parent_code.eq(parent));
            }
            if let Some(q) = filter.q.filter(|q| !q.trim().is_empty()) {
                query = query.filter(
                    tu::name_search
                        .like(crate::db::contains_pattern(q.trim()))
                        .escape('\\'),
                );
            }
            Ok(query.load::<TerritorialUnitRow>(conn)?)
        })
        .await?;

    let page = Page::from_rows(rows, &page, |row| row.code.clone());
    let items = page
        .items
        .into_iter()
        .map(TerritorialUnit::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// Reads one territorial unit by its code.
#[utoipa::path(
    tag = "territorial_units",
    params(
        ("code" = String, Path, max_length = 64, description = "TERYT code (`02`, `0201`) or ISO 3166-2 code (`RO-CJ`)", example = "RO-CJ"),
        crate::http::conditional::IfNoneMatch,
    ),
    responses(
        (status = 200, description = "The territorial unit", body = TerritorialUnit,
            headers(("ETag" = String, description = "Changes whenever the unit changes"))),
        (status = 304, response = responses::NotModified),
    )
)]
#[get("/territorial-units/{code}")]
pub async fn get_territorial_unit(
    state: web::Data<AppState>,
    code: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let code = code.into_inner();
    crate::http::path_code(&code)?;
    let lookup = code.clone();
    let row = state
        .db
        .run(move |conn| {
            Ok(tu::territorial_units
                .find(lookup)
                .select(TerritorialUnitRow::as_select())
                .first::<TerritorialUnitRow>(conn)
                .optional()?)
        })
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!("No territorial unit has the code `{code}`."))
        })?;
    let unit = TerritorialUnit::try_from(row)?;
    Ok(json_with_etag(&req, etag(&unit.code, unit.version), &unit))
}

crate::http::pagination::page_schema!(
    TerritorialUnitPage,
    TerritorialUnit,
    "A page of territorial units."
);
