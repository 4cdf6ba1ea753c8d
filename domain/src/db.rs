//! Opening the database: SQLite (embedded default) or PostgreSQL, from one URL.

use std::time::Duration;

use std::collections::HashSet;

use migration::{Migrator, MigratorTrait, SchemaManager};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};

/// Opens a pool. For SQLite the file and its folder are created, WAL is on (readers do
/// not block the writer), commits sync at checkpoints and foreign keys are enforced.
pub async fn connect(url: &str) -> Result<DatabaseConnection, sea_orm::DbErr> {
    if let Some(path) = sqlite_path(url) {
        if let Some(dir) = std::path::Path::new(path).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir).map_err(|e| sea_orm::DbErr::Custom(e.to_string()))?;
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

fn sqlite_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && path != ":memory:").then_some(path)
}

/// Names of migrations not yet applied (empty when the schema is current). Read-only:
/// the serving role may not create tables (sea-orm's own check would try to).
pub async fn pending_migrations(db: &DatabaseConnection) -> Result<Vec<String>, sea_orm::DbErr> {
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
