//! Row-level security on the tenant tables that other tenants may read: memberships (the
//! resolver reads a user's memberships before any tenant context exists), logos and zone
//! composition (public by nature). Anyone may read them; only a transaction bound to the
//! owning tenant (`app.tenant_id`) may insert, change or delete a row, and never into
//! another tenant (`WITH CHECK` no wider than the owner).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

const TABLES: &[&str] = &["membership", "tenant_logo", "zone_comune"];
const OWN: &str = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for table in TABLES {
            m.get_connection()
                .execute_unprepared(&format!(
                    "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                     ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                     CREATE POLICY readable ON {table} FOR SELECT USING (true);
                     CREATE POLICY owner_insert ON {table} FOR INSERT WITH CHECK ({OWN});
                     CREATE POLICY owner_update ON {table} FOR UPDATE USING ({OWN}) WITH CHECK ({OWN});
                     CREATE POLICY owner_delete ON {table} FOR DELETE USING ({OWN});"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() != DbBackend::Postgres {
            return Ok(());
        }
        for table in TABLES {
            m.get_connection()
                .execute_unprepared(&format!(
                    "DROP POLICY IF EXISTS readable ON {table};
                     DROP POLICY IF EXISTS owner_insert ON {table};
                     DROP POLICY IF EXISTS owner_update ON {table};
                     DROP POLICY IF EXISTS owner_delete ON {table};
                     ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;
                     ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;"
                ))
                .await?;
        }
        Ok(())
    }
}
