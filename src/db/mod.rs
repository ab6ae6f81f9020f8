//! Database access over SQLite or PostgreSQL, chosen by the URL scheme.
//!
//! One connection type ([`DbConn`], a diesel `MultiConnection`) and one `schema.rs`
//! serve both backends. Queries that only one backend can express live behind a
//! small named function that matches on the variant. Diesel is synchronous, so
//! every query runs on actix's blocking thread pool through [`Db::run`], never on
//! an async worker.

pub mod enums;
pub mod json;
pub mod private_files;
pub mod record;
pub mod references;
pub mod schema;

use std::path::PathBuf;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::ApiError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Postgres(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which backend a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// `postgres://…`/`postgresql://…`, or `sqlite://<path>`/`sqlite:<path>`.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() || path == ":memory:" {
                return Err(
                    "a SQLite URL needs a file path, e.g. sqlite://data/coopera.db (an in-memory database would differ per connection)"
                        .to_owned(),
                );
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        Err(format!(
            "`{url}` is neither a postgres:// nor a sqlite:// URL"
        ))
    }
}

/// Opens connections for the pool, keeping the backend's own error message (the
/// derived `MultiConnection::establish` replaces it with a generic one).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ConnectionManager {
    pub fn new(url: DatabaseUrl) -> Self {
        Self { url }
    }
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConn::Postgres)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let path = path.to_string_lossy();
                let mut conn =
                    SqliteConnection::establish(&path).map_err(r2d2::Error::ConnectionError)?;
                // WAL lets readers run beside the writer; NORMAL sync keeps every
                // committed transaction across a process crash. busy_timeout makes
                // a writer wait for the lock instead of failing at once.
                // busy_timeout first: switching to WAL needs a lock too.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 5000;
                     PRAGMA journal_mode = WAL;
                     PRAGMA synchronous = NORMAL;
                     PRAGMA foreign_keys = ON;",
                )
                .map_err(r2d2::Error::QueryError)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    /// A connection is dropped rather than reused if a panic interrupted its work
    /// or diesel marked its transaction state broken.
    fn has_broken(&self, conn: &mut DbConn) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

pub type Pool = r2d2::Pool<ConnectionManager>;

/// The connection pool and what the service knows about its backend.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
}

impl Db {
    /// Connects (failing if the database cannot be reached) and prepares the
    /// SQLite file's folder where needed.
    pub fn connect(url: &str, pool_size: u32, timeout: Duration) -> Result<Self, String> {
        let url = DatabaseUrl::parse(url)?;
        if let DatabaseUrl::Sqlite(path) = &url {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                private_files::create_dir(dir)
                    .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
            }
            private_files::ensure_file(path)
                .map_err(|e| format!("cannot create {}: {e}", path.display()))?;
            private_files::tighten_side_files(path)
                .map_err(|e| format!("cannot restrict {}'s side files: {e}", path.display()))?;
        }
        // PostgreSQL connections are pinged (`SELECT 1`) at every checkout, so
        // that after a database restart or failover no request is answered 503
        // for a connection the server dropped (without the ping, one request
        // per pooled connection is; with it, by-id reads are about a fifth
        // slower: benches/RESULTS.md). A SQLite file cannot drop a connection.
        let sqlite = matches!(url, DatabaseUrl::Sqlite(_));
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .test_on_check_out(!sqlite)
            .connection_timeout(timeout)
            .build(ConnectionManager::new(url))
            .map_err(|e| format!("cannot connect to the database: {e}"))?;
        Ok(Self { pool })
    }

    /// A pool that does not connect until it is used (for tests of an unreachable
    /// database).
    pub fn lazy(url: &str, timeout: Duration) -> Result<Self, String> {
        let url = DatabaseUrl::parse(url)?;
        let pool = r2d2::Pool::builder()
            .min_idle(Some(0))
            .connection_timeout(timeout)
            .build_unchecked(ConnectionManager::new(url));
        Ok(Self { pool })
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Runs `f` with a pooled connection on the blocking thread pool.
    pub async fn run<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let pool = self.pool.clone();
        // Keep the request's span (and its request id) on the blocking thread.
        let span = tracing::Span::current();
        actix_web::web::block(move || {
            let _entered = span.enter();
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs `f` in a write transaction (see [`write_transaction`]) with a
    /// pooled connection on the blocking thread pool: every change a request
    /// makes goes through here, and commits or rolls back as a whole.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.run(move |conn| write_transaction(conn, f)).await
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> Result<usize, String> {
        let mut conn = self
            .pool
            .get()
            .map_err(|e| format!("cannot connect to the database: {e}"))?;
        run_migrations(&mut conn)
    }
}

/// Applies the backend's embedded migrations. On PostgreSQL an advisory lock keeps
/// instances that start together from migrating at the same time.
pub fn run_migrations(conn: &mut DbConn) -> Result<usize, String> {
    const LOCK_KEY: i64 = 0x0063_6f6f_7065_7261; // "coopera"
    let applied = match conn {
        DbConn::Postgres(pg) => {
            pg.batch_execute(&format!("SELECT pg_advisory_lock({LOCK_KEY})"))
                .map_err(|e| format!("cannot lock for migrations: {e}"))?;
            let result = pg
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len());
            let unlock = pg.batch_execute(&format!("SELECT pg_advisory_unlock({LOCK_KEY})"));
            let applied = result.map_err(|e| format!("migration failed: {e}"))?;
            unlock.map_err(|e| format!("cannot unlock after migrations: {e}"))?;
            applied
        }
        DbConn::Sqlite(sqlite) => sqlite
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.len())
            .map_err(|e| format!("migration failed: {e}"))?,
    };
    Ok(applied)
}

/// The current time as stored: UTC, truncated to microseconds (PostgreSQL keeps
/// microseconds, SQLite whatever it is given; truncating makes both agree).
pub fn now() -> chrono::NaiveDateTime {
    use chrono::{SubsecRound, Utc};
    Utc::now().naive_utc().trunc_subsecs(6)
}

/// A new record id: a UUIDv7, time-ordered, so ids also order pages.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The append lock of the change log (`"clog"`).
pub const CHANGE_LOG_APPENDS: i64 = 0x0063_6c6f_6700;

/// Serialises the transactions that append to one sequence until they end: on
/// PostgreSQL a transaction-scoped advisory lock `key`; SQLite's write
/// transactions are serial already.
pub fn serialize_appends(conn: &mut DbConn, key: i64) -> Result<(), ApiError> {
    use diesel::connection::SimpleConnection;
    if let DbConn::Postgres(pg) = conn {
        pg.batch_execute(&format!("SELECT pg_advisory_xact_lock({key})"))?;
    }
    Ok(())
}

/// Runs `f` in a transaction that intends to write. On SQLite it begins with
/// `BEGIN IMMEDIATE`, taking the write lock first: a deferred transaction that
/// reads and then writes fails at once with SQLITE_BUSY (without waiting for
/// busy_timeout) whenever another connection committed in between. PostgreSQL
/// needs no such care.
pub fn write_transaction<T, F>(conn: &mut DbConn, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConn) -> Result<T, ApiError>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let outermost_on_sqlite = match conn {
        DbConn::Sqlite(c) => matches!(
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth(),
            Ok(None)
        ),
        DbConn::Postgres(_) => false,
    };
    // Nested calls become savepoints of the outer transaction.
    if !outermost_on_sqlite {
        return conn.transaction(f);
    }
    on_sqlite(conn, |c| {
        AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")
    })?;
    match f(conn) {
        Ok(value) => {
            on_sqlite(conn, AnsiTransactionManager::commit_transaction)?;
            Ok(value)
        }
        Err(err) => {
            if let Err(rollback) = on_sqlite(conn, AnsiTransactionManager::rollback_transaction) {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(err)
        }
    }
}

fn on_sqlite(
    conn: &mut DbConn,
    op: impl FnOnce(&mut SqliteConnection) -> diesel::QueryResult<()>,
) -> diesel::QueryResult<()> {
    match conn {
        DbConn::Sqlite(c) => op(c),
        DbConn::Postgres(_) => Ok(()),
    }
}

/// `SELECT 1`: is the database answering?
pub fn ping(conn: &mut DbConn) -> Result<(), ApiError> {
    conn.batch_execute("SELECT 1")
        .map_err(ApiError::unavailable)
}

/// Lowercases and strips diacritics (`Współpraca` → `wspolpraca`, `Năsăud` →
/// `nasaud`) so that text search matches the same way on both backends: each
/// searchable table stores this form of its text next to the text itself.
pub fn fold_for_search(text: &str) -> String {
    deunicode::deunicode(text).to_lowercase()
}

/// A `LIKE` pattern matching `needle` anywhere, with `\` escaping wildcards.
pub fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in fold_for_search(needle).chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/coopera.db"),
            Ok(DatabaseUrl::Sqlite("data/coopera.db".into()))
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite:///tmp/x.db"),
            Ok(DatabaseUrl::Sqlite("/tmp/x.db".into()))
        );
        assert!(matches!(
            DatabaseUrl::parse("postgresql://u@h/db"),
            Ok(DatabaseUrl::Postgres(_))
        ));
        assert!(DatabaseUrl::parse("sqlite://:memory:").is_err());
        assert!(DatabaseUrl::parse("data/coopera.db").is_err());
    }

    #[test]
    fn folding_removes_polish_and_romanian_diacritics() {
        assert_eq!(fold_for_search("Współpraca"), "wspolpraca");
        assert_eq!(fold_for_search("ŁÓDZKIE"), "lodzkie");
        assert_eq!(fold_for_search("Bistrița-Năsăud"), "bistrita-nasaud");
        assert_eq!(fold_for_search("Iași Ţara"), "iasi tara");
    }

    #[test]
    fn like_wildcards_in_the_needle_are_escaped() {
        assert_eq!(contains_pattern("50%_a\\"), "%50\\%\\_a\\\\%");
    }

    #[cfg(unix)]
    #[test]
    fn a_new_sqlite_database_and_its_folder_are_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().expect("tempdir");
        let path = tmp.path().join("data/coopera.db");
        let db = Db::connect(
            &format!("sqlite://{}", path.display()),
            1,
            Duration::from_secs(5),
        )
        .expect("connect");
        db.migrate().expect("migrate");
        let mode = |p: &std::path::Path| {
            std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777
        };
        assert_eq!(mode(&tmp.path().join("data")), 0o700);
        assert_eq!(mode(&path), 0o600);
        let wal = tmp.path().join("data/coopera.db-wal");
        if wal.exists() {
            assert_eq!(mode(&wal), 0o600);
        }
    }
}
