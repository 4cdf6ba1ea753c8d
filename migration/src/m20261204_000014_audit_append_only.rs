//! The audit log is append-only on SQLite too. On PostgreSQL row-level security already
//! lets the application insert and read audit entries, never update or delete them
//! (`m20261127_000007_front_desk_audit`); SQLite has no such policies, so triggers refuse
//! both, for every connection of the application. (Whoever holds the database file can
//! still drop them: what detects that is the hash chain, `domain::audit::verify`.)

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Sqlite {
            m.get_connection()
                .execute_unprepared(
                    "CREATE TRIGGER audit_entry_no_update BEFORE UPDATE ON audit_entry
                     BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;
                     CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry
                     BEGIN SELECT RAISE(ABORT, 'audit entries are append-only'); END;",
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Sqlite {
            m.get_connection()
                .execute_unprepared(
                    "DROP TRIGGER IF EXISTS audit_entry_no_update; DROP TRIGGER IF EXISTS audit_entry_no_delete;",
                )
                .await?;
        }
        Ok(())
    }
}
