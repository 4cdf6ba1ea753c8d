//! The widgets' per-tenant look: a main colour on the tenant, and its logo in a table of
//! its own (so that the many reads of `tenant` never carry image bytes).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenant {
    Table,
    Id,
    BrandColour,
}

#[derive(DeriveIden)]
enum TenantLogo {
    Table,
    TenantId,
    ContentType,
    Bytes,
    Hash,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Tenant::Table)
                .add_column(ColumnDef::new(Tenant::BrandColour).text().null())
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(TenantLogo::Table)
                .col(ColumnDef::new(TenantLogo::TenantId).big_integer().not_null().primary_key())
                .col(ColumnDef::new(TenantLogo::ContentType).text().not_null())
                .col(ColumnDef::new(TenantLogo::Bytes).binary().not_null())
                .col(ColumnDef::new(TenantLogo::Hash).text().not_null())
                .col(ColumnDef::new(TenantLogo::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(
                    ForeignKey::create()
                        .from(TenantLogo::Table, TenantLogo::TenantId)
                        .to(Tenant::Table, Tenant::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(TenantLogo::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Tenant::Table).drop_column(Tenant::BrandColour).to_owned()).await
    }
}
