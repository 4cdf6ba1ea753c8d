//! Audit entries of a list (or a check) name the objects it showed: `object_ids`, under
//! the entry's MAC like every other field. (From this migration on the chains are keyed,
//! HMAC-SHA256 with the deployment's audit key; the column change is all the schema needs.)

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    ObjectIds,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(AuditEntry::Table).add_column(ColumnDef::new(AuditEntry::ObjectIds).text()).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(AuditEntry::Table).drop_column(AuditEntry::ObjectIds).to_owned()).await
    }
}
