//! Records: rows a client reads by id and changes with `If-Match`. A row type
//! declared with [`record!`](crate::record) can be found (404 naming the
//! record), locked for a read-modify-write on both backends, and tagged.

use actix_web::http::header::EntityTag;

use super::DbConn;
use crate::error::ApiError;

pub trait Record: Sized {
    /// The record's name in problem details: `"project"`.
    const NAME: &'static str;

    fn find_row(conn: &mut DbConn, id: &str) -> diesel::QueryResult<Option<Self>>;

    /// Takes the row's write lock (an `UPDATE` that changes nothing: a row
    /// lock on PostgreSQL, the database lock on SQLite), so concurrent changes
    /// queue instead of failing. Returns how many rows it matched.
    fn lock_row(conn: &mut DbConn, id: &str) -> diesel::QueryResult<usize>;

    fn id(&self) -> &str;

    fn version(&self) -> i64;

    /// The strong `ETag` of this version.
    fn etag(&self) -> EntityTag {
        crate::http::conditional::etag(self.id(), self.version())
    }
}

/// The record with `id`, or 404 "No project has the id `…`."
pub fn find<R: Record>(conn: &mut DbConn, id: &str) -> Result<R, ApiError> {
    R::find_row(conn, id)?.ok_or_else(|| not_found::<R>(id))
}

/// The record with `id`, locked until the transaction ends (call inside
/// [`super::Db::write`]), or 404.
pub fn locked<R: Record>(conn: &mut DbConn, id: &str) -> Result<R, ApiError> {
    if R::lock_row(conn, id)? == 0 {
        return Err(not_found::<R>(id));
    }
    find(conn, id)
}

/// The prelude of every change to a record, in this order: lock and read it
/// (404), let `allowed` (given the connection and the record) decide whether the caller may change it (403), then
/// check `If-Match` (412) — so a caller who may not change the record learns
/// nothing of its version. Call inside [`super::Db::write`].
pub fn for_change<R: Record>(
    conn: &mut DbConn,
    id: &str,
    if_match: &crate::http::conditional::IfMatch,
    allowed: impl FnOnce(&mut DbConn, &R) -> Result<(), ApiError>,
) -> Result<R, ApiError> {
    let current = locked(conn, id)?;
    allowed(conn, &current)?;
    if_match.check(&current)?;
    Ok(current)
}

fn not_found<R: Record>(id: &str) -> ApiError {
    ApiError::not_found(format!("No {} has the id `{id}`.", R::NAME))
}

/// Makes a row type a [`Record`]: `record!(ProjectRow, projects, "project")`,
/// where `projects` is the schema module of a table with `id` and `version`.
#[macro_export]
macro_rules! record {
    ($row:ty, $table:ident, $name:literal) => {
        impl $crate::db::record::Record for $row {
            const NAME: &'static str = $name;

            fn find_row(
                conn: &mut $crate::db::DbConn,
                id: &str,
            ) -> diesel::QueryResult<Option<Self>> {
                use diesel::prelude::*;
                $table::table
                    .find(id)
                    .select(<$row>::as_select())
                    .first(conn)
                    .optional()
            }

            fn lock_row(conn: &mut $crate::db::DbConn, id: &str) -> diesel::QueryResult<usize> {
                use diesel::prelude::*;
                diesel::update($table::table.find(id))
                    .set($table::version.eq($table::version))
                    .execute(conn)
            }

            fn id(&self) -> &str {
                &self.id
            }

            fn version(&self) -> i64 {
                self.version
            }
        }
    };
}
