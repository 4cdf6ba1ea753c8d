//! The person of the social case record (docs/ARCHITECTURE.md §4): tenant-owned, special-category
//! data. `version` counts saves, so a save based on an old copy is refused instead of
//! silently overwriting someone else's change.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenant {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum District {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Person {
    Table,
    Id,
    TenantId,
    FirstName,
    LastName,
    TaxCode,
    BirthDate,
    BirthPlace,
    Sex,
    Citizenship,
    Country,
    Address,
    DistrictId,
    Phone,
    Email,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Person::Table)
                .col(ColumnDef::new(Person::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Person::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Person::FirstName).string_len(80).not_null())
                .col(ColumnDef::new(Person::LastName).string_len(80).not_null())
                .col(ColumnDef::new(Person::TaxCode).string_len(16))
                .col(ColumnDef::new(Person::BirthDate).date())
                .col(ColumnDef::new(Person::BirthPlace).string_len(80))
                .col(ColumnDef::new(Person::Sex).string_len(1))
                .col(ColumnDef::new(Person::Citizenship).string_len(12).not_null())
                .col(ColumnDef::new(Person::Country).string_len(60))
                .col(ColumnDef::new(Person::Address).string_len(200))
                .col(ColumnDef::new(Person::DistrictId).big_integer())
                .col(ColumnDef::new(Person::Phone).string_len(40))
                .col(ColumnDef::new(Person::Email).string_len(254))
                .col(ColumnDef::new(Person::Version).integer().not_null().default(1))
                .col(ColumnDef::new(Person::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Person::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(ForeignKey::create().from(Person::Table, Person::TenantId).to(Tenant::Table, Tenant::Id))
                .foreign_key(
                    ForeignKey::create()
                        .from(Person::Table, Person::DistrictId)
                        .to(District::Table, District::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        // The duplicate checks: same codice fiscale, or same name and birth date.
        m.create_index(
            Index::create()
                .name("person_tax_code")
                .table(Person::Table)
                .col(Person::TenantId)
                .col(Person::TaxCode)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("person_name")
                .table(Person::Table)
                .col(Person::TenantId)
                .col(Person::LastName)
                .col(Person::FirstName)
                .to_owned(),
        )
        .await?;
        if m.get_database_backend() == DbBackend::Postgres {
            let own = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint";
            m.get_connection()
                .execute_unprepared(&format!(
                    "ALTER TABLE person ENABLE ROW LEVEL SECURITY;
                     ALTER TABLE person FORCE ROW LEVEL SECURITY;
                     CREATE POLICY tenant_isolation ON person USING ({own}) WITH CHECK ({own});"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Person::Table).to_owned()).await
    }
}
