//! Opening the database: SQLite (embedded default) or PostgreSQL, from one URL, as a
//! [`Db`]: the pool and what the services share with it in one server — the SQLite
//! writers' queue, the directory's write generation and the clock.

use std::collections::HashSet;
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use migration::{Migrator, MigratorTrait, SchemaManager};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, ExecResult, QueryResult, Statement,
};

use crate::audit::AuditKey;
use crate::clock::{Clock, SystemClock};

/// The database handle every service takes: the connection pool (it derefs to it and
/// runs statements like it), plus the state that must be shared by everything using this
/// pool and by nothing else. Two servers in one process (or two test apps) each have
/// their own. Cloning is cheap.
#[derive(Clone)]
pub struct Db {
    conn: DatabaseConnection,
    shared: Arc<Shared>,
}

struct Shared {
    /// SQLite has one writer at a time, and every tenant transaction may write (reads of
    /// personal data append to the audit log). Left to SQLite's busy timeout, waiting
    /// transactions poll for the lock and some starve under load; queueing them here,
    /// first come first served, keeps the wait short and fair. Another process (the CLI)
    /// still meets the busy timeout.
    writer_turn: Arc<tokio::sync::Mutex<()>>,
    /// Counts committed writes of public directory data (facilities, organisations,
    /// districts, the tenant tree, the benefits catalogue) through this handle. The
    /// public directory and the cache of public answers key on it, so a change made on
    /// this node shows at once; other writes (case records, users) leave it alone and
    /// keep those warm.
    generation: AtomicU64,
    clock: Arc<dyn Clock>,
    /// Password hashing (argon2id: CPU and 19 MiB each) runs on at most one blocking
    /// thread per core, so a crowd of anonymous sign-ins queues instead of taking the
    /// machine's CPU and memory.
    hashing: Arc<tokio::sync::Semaphore>,
    /// The key of the audit chains (`audit::AuditKey`), from configuration.
    audit_key: AuditKey,
}

/// How long a password check waits for its turn before the answer is "try again later".
const HASHING_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

impl Db {
    /// A handle on `conn` with the system clock, chaining audit entries with `audit_key`.
    pub fn new(conn: DatabaseConnection, audit_key: AuditKey) -> Db {
        Db::with_clock(conn, Arc::new(SystemClock), audit_key)
    }

    pub fn with_clock(conn: DatabaseConnection, clock: Arc<dyn Clock>, audit_key: AuditKey) -> Db {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let hashing = Arc::new(tokio::sync::Semaphore::new(cores));
        let shared = Shared { writer_turn: Arc::default(), generation: AtomicU64::new(0), clock, hashing, audit_key };
        Db { conn, shared: Arc::new(shared) }
    }

    pub fn audit_key(&self) -> &AuditKey {
        &self.shared.audit_key
    }

    /// The pool itself (for the session store and other libraries that take one).
    pub fn conn(&self) -> &DatabaseConnection {
        &self.conn
    }

    pub fn clock(&self) -> &dyn Clock {
        self.shared.clock.as_ref()
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.shared.clock.now()
    }

    /// Today's date in Italy.
    pub fn today(&self) -> NaiveDate {
        self.shared.clock.today()
    }

    /// The current write generation of the public data (see `Shared::generation`).
    pub fn data_generation(&self) -> u64 {
        self.shared.generation.load(Ordering::Relaxed)
    }

    pub(crate) fn data_changed(&self) {
        self.shared.generation.fetch_add(1, Ordering::Relaxed);
    }

    /// SQLite: waits for this handle's turn to write (held until the guard is dropped).
    pub(crate) async fn writer_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match self.conn.get_database_backend() {
            DbBackend::Sqlite => Some(self.shared.writer_turn.clone().lock_owned().await),
            _ => None,
        }
    }

    /// Waits for a turn to hash or verify a password (see `Shared::hashing`); after
    /// `HASHING_WAIT` the caller is told to try again later.
    pub(crate) async fn hashing_turn(&self) -> crate::Result<tokio::sync::OwnedSemaphorePermit> {
        let turn = self.shared.hashing.clone().acquire_owned();
        match tokio::time::timeout(HASHING_WAIT, turn).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_)) => Err(crate::AppError::Internal("hashing semaphore closed".into())),
            Err(_) => Err(crate::AppError::TooManyRequests),
        }
    }
}

impl Deref for Db {
    type Target = DatabaseConnection;

    fn deref(&self) -> &DatabaseConnection {
        &self.conn
    }
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("backend", &self.conn.get_database_backend()).finish_non_exhaustive()
    }
}

// Queries on the global tables (tenants, users, reference data) run on the handle as on
// the pool.
#[async_trait::async_trait]
impl ConnectionTrait for Db {
    fn get_database_backend(&self) -> DbBackend {
        self.conn.get_database_backend()
    }

    async fn execute(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.conn.execute(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.conn.execute_unprepared(sql).await
    }

    async fn query_one(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.conn.query_one(stmt).await
    }

    async fn query_all(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.conn.query_all(stmt).await
    }
}

/// Opens a pool with the system clock (see [`open`]).
pub async fn connect(url: &str, audit_key: AuditKey) -> Result<Db, DbErr> {
    Ok(Db::new(open(url).await?, audit_key))
}

/// Opens a pool. For SQLite the file and its folder are created, WAL is on (readers do
/// not block the writer), commits sync at checkpoints and foreign keys are enforced.
pub async fn open(url: &str) -> Result<DatabaseConnection, DbErr> {
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| DbErr::Custom(e.to_string()))?;
            }
        }
    }
    let mut opts = ConnectOptions::new(url.to_string());
    opts.sqlx_logging(false).acquire_timeout(Duration::from_secs(5)).max_connections(if url.starts_with("sqlite") {
        8
    } else {
        16
    });
    opts.map_sqlx_sqlite_opts(|o| {
        o.create_if_missing(true)
            .foreign_keys(true)
            .journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
            // With WAL, NORMAL syncs at checkpoints rather than at every commit: a power
            // cut may lose the last commits but never corrupts the file (SQLite's own
            // advice). Every page view appends to the audit log, so this decides how
            // many views a second the embedded database serves.
            .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
            // Reads through the OS page cache without a system call per page, and a
            // larger page cache per connection: a caseload of 100 000 cases is ~200 MB.
            .pragma("mmap_size", "268435456")
            .pragma("cache_size", "-16384")
            // Statistics for the query planner, refreshed as each pooled connection opens
            // (SQLite's advice for short-lived connections), within a bounded effort.
            // Without them SQLite reads a 100 000-row tenant through the tenant index for
            // `tenant_id = ? AND id IN (…)` instead of looking the ids up.
            .pragma("analysis_limit", "1000")
            .pragma("optimize", "0x10002")
            .busy_timeout(Duration::from_secs(10))
    });
    Database::connect(opts).await
}

/// The file of a SQLite URL (`None` for PostgreSQL or an in-memory database).
pub fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Applies the pending migrations.
pub async fn migrate_up(db: &Db) -> Result<(), DbErr> {
    Migrator::up(db.conn(), None).await
}

/// Reverts the last migration.
pub async fn migrate_down_one(db: &Db) -> Result<(), DbErr> {
    Migrator::down(db.conn(), Some(1)).await
}

/// Every migration by name, in order, and whether it is applied.
pub async fn migration_status(db: &Db) -> Result<Vec<(String, bool)>, DbErr> {
    let applied = Migrator::get_applied_migrations(db.conn()).await?;
    let pending = Migrator::get_pending_migrations(db.conn()).await?;
    let mut all: Vec<(String, bool)> = applied.iter().map(|m| (m.name().to_string(), true)).collect();
    all.extend(pending.iter().map(|m| (m.name().to_string(), false)));
    Ok(all)
}

/// Names of migrations not yet applied (empty when the schema is current). Read-only:
/// the serving role may not create tables (sea-orm's own check would try to).
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    let applied: HashSet<String> = if SchemaManager::new(db).has_table("seaql_migrations").await? {
        let rows = db
            .query_all(Statement::from_string(db.get_database_backend(), "SELECT version FROM seaql_migrations"))
            .await?;
        rows.iter().filter_map(|r| r.try_get_by_index::<String>(0).ok()).collect()
    } else {
        HashSet::new()
    };
    Ok(Migrator::migrations().iter().map(|m| m.name().to_string()).filter(|n| !applied.contains(n)).collect())
}

#[cfg(test)]
mod tests {
    use super::sqlite_path;

    #[test]
    fn sqlite_paths() {
        assert_eq!(sqlite_path("sqlite://data/ow.sqlite?mode=rwc"), Some("data/ow.sqlite"));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x/y"), None);
    }
}
