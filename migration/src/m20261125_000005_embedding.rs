//! Embedding the widgets: the web origins a tenant lets embed them (one per line).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenant {
    Table,
    EmbedOrigins,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Tenant::Table)
                .add_column(ColumnDef::new(Tenant::EmbedOrigins).text().not_null().default(""))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(Table::alter().table(Tenant::Table).drop_column(Tenant::EmbedOrigins).to_owned()).await
    }
}
