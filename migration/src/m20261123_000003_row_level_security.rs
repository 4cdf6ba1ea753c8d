//! PostgreSQL backstop for tenancy: row-level security on every tenant table, keyed on
//! the per-transaction setting `app.tenant_id` that `domain::tenancy` sets. A query that
//! forgets its tenant filter sees no rows instead of another tenant's. FORCE applies it to
//! the table owner too; only superusers bypass it, so production connects as a plain role.
//! SQLite has no RLS: the scoped helpers are the guard there.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// The tenant tables that existed when this migration was written (later ones add their own).
const TENANT_TABLES: &[&str] = &["district"];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        for table in TENANT_TABLES {
            db.execute_unprepared(&format!(
                "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                 ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                 CREATE POLICY tenant_isolation ON {table}
                   USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint)
                   WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint);"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        let db = m.get_connection();
        for table in TENANT_TABLES {
            db.execute_unprepared(&format!(
                "DROP POLICY IF EXISTS tenant_isolation ON {table};
                 ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
                 ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;"
            ))
            .await?;
        }
        Ok(())
    }
}
