//! The deployment's shared catalogue of national measures is kept by named accounts
//! (`openwelfare catalogue-keeper`), not by every province admin: with several provinces on
//! one deployment, one province must not rewrite what every other one's comuni publish.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    KeepsSharedCatalogue,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(UserAccount::Table)
                .add_column(ColumnDef::new(UserAccount::KeepsSharedCatalogue).boolean().not_null().default(false))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter().table(UserAccount::Table).drop_column(UserAccount::KeepsSharedCatalogue).to_owned(),
        )
        .await
    }
}
