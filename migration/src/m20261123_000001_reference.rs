//! Reference data tables (ISTAT comuni). Loaded by `openwelfare load-reference`.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Comune {
    Table,
    IstatCode,
    Name,
    ProvinceCode,
    ProvinceName,
    ProvinceSigla,
    RegionCode,
    RegionName,
    CadastralCode,
    #[sea_orm(iden = "population_2023")]
    Population2023,
    Lat,
    Lon,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Comune::Table)
                    .col(ColumnDef::new(Comune::IstatCode).string_len(6).not_null().primary_key())
                    .col(ColumnDef::new(Comune::Name).string().not_null())
                    .col(ColumnDef::new(Comune::ProvinceCode).string_len(3).not_null())
                    .col(ColumnDef::new(Comune::ProvinceName).string().not_null())
                    .col(ColumnDef::new(Comune::ProvinceSigla).string_len(2).not_null())
                    .col(ColumnDef::new(Comune::RegionCode).string_len(2).not_null())
                    .col(ColumnDef::new(Comune::RegionName).string().not_null())
                    .col(ColumnDef::new(Comune::CadastralCode).string_len(4).not_null())
                    .col(ColumnDef::new(Comune::Population2023).integer())
                    .col(ColumnDef::new(Comune::Lat).double())
                    .col(ColumnDef::new(Comune::Lon).double())
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("comune_province_code_idx")
                    .table(Comune::Table)
                    .col(Comune::ProvinceCode)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Comune::Table).to_owned()).await
    }
}
