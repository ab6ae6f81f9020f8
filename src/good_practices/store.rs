//! Writing good practices: the one place an entry is inserted, changed or
//! reviewed, used by the handlers (and, later, by the demo data). Each
//! function runs inside the caller's write transaction and records the change;
//! who may do it is the caller's business.

use std::collections::HashMap;

use diesel::prelude::*;

use super::model::{CreateGoodPractice, GoodPracticeRow, UpdateGoodPractice};
use super::rules::{Area, REVIEWED, Review, ReviewStatus, check_area, normalize_tags, search_text};
use crate::audit::{self, Caller, Change};
use crate::db::enums::StrEnum;
use crate::db::record::{self, Record};
use crate::db::schema::{good_practice_tags as gt, good_practices as gp};
use crate::db::{DbConn, now};
use crate::error::ApiError;
use crate::http::transition::{next_state, refuse_change_in};

/// The tags of the entries `ids`, by entry, each list in order.
pub fn tags_of(
    conn: &mut DbConn,
    ids: &[String],
) -> Result<HashMap<String, Vec<String>>, ApiError> {
    let rows: Vec<(String, String)> = gt::table
        .filter(gt::good_practice_id.eq_any(ids))
        .order((gt::good_practice_id.asc(), gt::tag.asc()))
        .select((gt::good_practice_id, gt::tag))
        .load(conn)?;
    let mut by = HashMap::<String, Vec<String>>::new();
    for (id, tag) in rows {
        by.entry(id).or_default().push(tag);
    }
    Ok(by)
}

/// The tags of one entry.
pub fn tags_of_one(conn: &mut DbConn, id: &str) -> Result<Vec<String>, ApiError> {
    Ok(tags_of(conn, &[id.to_owned()])?
        .remove(id)
        .unwrap_or_default())
}

fn write_tags(conn: &mut DbConn, id: &str, tags: &[String]) -> Result<(), ApiError> {
    diesel::delete(gt::table.filter(gt::good_practice_id.eq(id))).execute(conn)?;
    for tag in tags {
        diesel::insert_into(gt::table)
            .values((gt::good_practice_id.eq(id), gt::tag.eq(tag)))
            .execute(conn)?;
    }
    Ok(())
}

/// 422 unless the project and the organisation of `form` exist.
pub fn check_references(conn: &mut DbConn, form: &CreateGoodPractice) -> Result<(), ApiError> {
    crate::db::references::ensure_project(conn, &form.project_id, "project_id")?;
    crate::db::references::ensure_organization(conn, &form.organization_id, "organization_id")
}

/// Inserts a `proposed` entry (its references checked with
/// [`check_references`]): title and description trimmed, tags normalised.
pub fn insert(
    conn: &mut DbConn,
    caller: &Caller,
    mut form: CreateGoodPractice,
) -> Result<GoodPracticeRow, ApiError> {
    check_area(form.plane, form.area)?;
    form.tags = normalize_tags(&form.tags)?;
    form.title = form.title.trim().to_owned();
    form.description = form.description.trim().to_owned();
    let id = crate::db::new_id();
    let now = now();
    diesel::insert_into(gp::table)
        .values((
            gp::id.eq(&id),
            gp::project_id.eq(&form.project_id),
            gp::organization_id.eq(&form.organization_id),
            gp::title.eq(&form.title),
            gp::description.eq(&form.description),
            gp::plane.eq(form.plane),
            gp::area.eq(form.area.map(Area::as_str)),
            gp::status.eq(ReviewStatus::Proposed.as_str()),
            gp::search_text.eq(search_text(&form.title, &form.description, &form.tags)),
            gp::created_at.eq(now),
            gp::updated_at.eq(now),
            gp::version.eq(1),
        ))
        .execute(conn)?;
    write_tags(conn, &id, &form.tags)?;
    let change = Change::new("good_practice", &id, "create").form(&form, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Applies `changes` to `current` (read for a change, locked); a reviewed
/// entry cannot be changed.
pub fn update(
    conn: &mut DbConn,
    caller: &Caller,
    current: GoodPracticeRow,
    mut changes: UpdateGoodPractice,
) -> Result<GoodPracticeRow, ApiError> {
    refuse_change_in(ReviewStatus::stored(&current.status)?, REVIEWED)?;
    let plane = changes.plane.unwrap_or(current.plane);
    let area = match changes.area {
        Some(a) => a,
        None => current.stored_area()?,
    };
    check_area(plane, area)?;
    if let Some(tags) = &mut changes.tags {
        *tags = normalize_tags(tags)?;
    }
    if let Some(title) = &mut changes.title {
        *title = title.trim().to_owned();
    }
    if let Some(description) = &mut changes.description {
        *description = description.trim().to_owned();
    }
    let id = current.id.clone();
    let title = changes.title.clone().unwrap_or(current.title);
    let description = changes.description.clone().unwrap_or(current.description);
    let tags = match &changes.tags {
        Some(t) => t.clone(),
        None => tags_of_one(conn, &id)?,
    };
    diesel::update(gp::table.find(&id))
        .set((
            gp::title.eq(&title),
            gp::description.eq(&description),
            gp::plane.eq(plane),
            gp::area.eq(area.map(Area::as_str)),
            gp::search_text.eq(search_text(&title, &description, &tags)),
            gp::updated_at.eq(now()),
            gp::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    if changes.tags.is_some() {
        write_tags(conn, &id, &tags)?;
    }
    let change = Change::new("good_practice", &id, "update").form(&changes, &[]);
    audit::record(conn, caller, change)?;
    record::find(conn, &id)
}

/// Reviews `current` (409 unless it is `proposed`), with the reviewer's `note`.
pub fn review(
    conn: &mut DbConn,
    caller: &Caller,
    current: GoodPracticeRow,
    review: Review,
    note: Option<String>,
) -> Result<GoodPracticeRow, ApiError> {
    let status = ReviewStatus::stored(&current.status)?;
    let next = next_state(status, review)?;
    let now = now();
    diesel::update(gp::table.find(current.id()))
        .set((
            gp::status.eq(next.as_str()),
            gp::review_note.eq(&note),
            gp::reviewed_at.eq(now),
            gp::updated_at.eq(now),
            gp::version.eq(current.version + 1),
        ))
        .execute(conn)?;
    let change = Change::new("good_practice", current.id(), review.as_str())
        .value("from", status)
        .value("to", next)
        .value("note", &note);
    audit::record(conn, caller, change)?;
    record::find(conn, current.id())
}
