//! The facility directory (docs/ARCHITECTURE.md §6, Open Referral HSDS 3): facility types (a
//! deployment-wide vocabulary), organisations and facilities (tenant-owned), and the
//! field-level change history of facilities. Also the tenant's freshness window.
//!
//! On PostgreSQL the new tenant tables get the same `tenant_isolation` policy as
//! `district`, plus — for the directory, which is public by nature — a read-only
//! `directory_scope` policy over `app.tenant_scope`, the list of tenants a directory
//! search covers (a province or zone and everything beneath it).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenant {
    Table,
    Id,
    StaleAfterDays,
}

#[derive(DeriveIden)]
enum FacilityType {
    Table,
    Code,
    LabelIt,
    LabelEn,
    Area,
    Setting,
}

#[derive(DeriveIden)]
enum Organization {
    Table,
    Id,
    TenantId,
    Name,
    TaxCode,
    VatNumber,
    LegalStatus,
    Email,
    Phone,
    Website,
    SourceKey,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Facility {
    Table,
    Id,
    TenantId,
    OrganizationId,
    Name,
    FacilityType,
    Areas,
    Setting,
    Description,
    Eligibility,
    AgeMin,
    AgeMax,
    HowToAccess,
    Fees,
    Hours,
    Phone,
    Email,
    Website,
    Languages,
    Accessibility,
    Address,
    PostalCode,
    ComuneIstat,
    DistrictId,
    Latitude,
    Longitude,
    PlacesAuthorised,
    PlacesAccredited,
    PlacesFree,
    PlacesUpdatedAt,
    Accreditation,
    AccreditationAct,
    Published,
    ArchivedAt,
    VerifiedAt,
    SourceKey,
    SearchText,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum FacilityChange {
    Table,
    Id,
    TenantId,
    FacilityId,
    UserId,
    Field,
    OldValue,
    NewValue,
    ChangedAt,
}

#[derive(DeriveIden)]
enum Membership {
    Table,
    FacilityId,
}

#[derive(DeriveIden)]
enum District {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Comune {
    Table,
    IstatCode,
}

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    Id,
}

/// Tables with a `tenant_id` added here (listed in `TENANT_TABLES` too).
const DIRECTORY_TABLES: &[&str] = &["organization", "facility", "facility_change"];
/// The tables a directory search reads across a subtree (district names are public too).
const SCOPED_READ_TABLES: &[&str] = &["organization", "facility", "district"];

/// The facility types of docs/ARCHITECTURE.md §5 (Brescia's Sportello sociale) plus the home-care
/// and front-desk services every ambito runs: code, Italian and English label, area,
/// setting. A vocabulary, not demo data; a deployment adds its own rows.
const FACILITY_TYPES: &[(&str, &str, &str, &str, &str)] = &[
    ("centro_diurno_anziani", "Centro diurno anziani", "Day centre for older people", "anziani", "day"),
    ("cdi", "Centro diurno integrato (CDI)", "Integrated day centre (CDI)", "anziani", "day"),
    ("casa_albergo", "Casa albergo", "Sheltered housing for older people", "anziani", "residential"),
    ("rsa", "Residenza sanitaria assistenziale (RSA)", "Nursing home (RSA)", "anziani", "residential"),
    ("sad", "Servizio di assistenza domiciliare (SAD)", "Home care service (SAD)", "anziani", "home"),
    ("cdd", "Centro diurno disabili (CDD)", "Day centre for disabled people (CDD)", "disabili", "day"),
    ("cse", "Centro socio educativo (CSE)", "Social-educational centre (CSE)", "disabili", "day"),
    ("css", "Comunità socio sanitaria (CSS)", "Social-health community (CSS)", "disabili", "residential"),
    (
        "rsd",
        "Residenza sanitaria disabili (RSD)",
        "Residential care for disabled people (RSD)",
        "disabili",
        "residential",
    ),
    ("asilo_nido", "Asilo nido", "Nursery (0–3 years)", "famiglia_minori", "day"),
    ("centro_prima_infanzia", "Centro prima infanzia", "Early childhood centre", "famiglia_minori", "day"),
    (
        "alloggio_autonomia",
        "Alloggio per l'autonomia",
        "Supported housing for young people",
        "famiglia_minori",
        "residential",
    ),
    ("comunita_educativa", "Comunità educativa", "Residential educational community", "famiglia_minori", "residential"),
    ("comunita_familiare", "Comunità familiare", "Family-type community", "famiglia_minori", "residential"),
    ("sportello_sociale", "Sportello sociale", "Social services front desk", "multiutenza", "service_point"),
];

fn id_col<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().auto_increment().primary_key().to_owned()
}

fn timestamp<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().not_null().default(Expr::current_timestamp()).to_owned()
}

fn tenant_fk<T: IntoIden + 'static>(table: T) -> ForeignKeyCreateStatement {
    ForeignKey::create().from_tbl(table).from_col(Alias::new("tenant_id")).to(Tenant::Table, Tenant::Id).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.alter_table(
            Table::alter()
                .table(Tenant::Table)
                .add_column(ColumnDef::new(Tenant::StaleAfterDays).integer().not_null().default(180))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(FacilityType::Table)
                .col(ColumnDef::new(FacilityType::Code).string_len(40).not_null().primary_key())
                .col(ColumnDef::new(FacilityType::LabelIt).string_len(120).not_null())
                .col(ColumnDef::new(FacilityType::LabelEn).string_len(120).not_null())
                .col(ColumnDef::new(FacilityType::Area).string_len(40).not_null())
                .col(ColumnDef::new(FacilityType::Setting).string_len(20).not_null())
                .to_owned(),
        )
        .await?;

        let mut insert = Query::insert()
            .into_table(FacilityType::Table)
            .columns([
                FacilityType::Code,
                FacilityType::LabelIt,
                FacilityType::LabelEn,
                FacilityType::Area,
                FacilityType::Setting,
            ])
            .to_owned();
        for (code, it, en, area, setting) in FACILITY_TYPES {
            insert
                .values([(*code).into(), (*it).into(), (*en).into(), (*area).into(), (*setting).into()])
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        m.exec_stmt(insert).await?;

        m.create_table(
            Table::create()
                .table(Organization::Table)
                .col(id_col(Organization::Id))
                .col(ColumnDef::new(Organization::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Organization::Name).string_len(200).not_null())
                .col(ColumnDef::new(Organization::TaxCode).string_len(16))
                .col(ColumnDef::new(Organization::VatNumber).string_len(11))
                .col(ColumnDef::new(Organization::LegalStatus).string_len(10).not_null())
                .col(ColumnDef::new(Organization::Email).string_len(254))
                .col(ColumnDef::new(Organization::Phone).string_len(40))
                .col(ColumnDef::new(Organization::Website).string_len(300))
                .col(ColumnDef::new(Organization::SourceKey).string_len(80))
                .col(timestamp(Organization::CreatedAt))
                .col(timestamp(Organization::UpdatedAt))
                .foreign_key(&mut tenant_fk(Organization::Table))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("organization_tenant_source_uq")
                .table(Organization::Table)
                .col(Organization::TenantId)
                .col(Organization::SourceKey)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Facility::Table)
                .col(id_col(Facility::Id))
                .col(ColumnDef::new(Facility::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Facility::OrganizationId).big_integer())
                .col(ColumnDef::new(Facility::Name).string_len(200).not_null())
                .col(ColumnDef::new(Facility::FacilityType).string_len(40).not_null())
                // Codes between commas (",anziani,disabili,") so one LIKE finds an area.
                .col(ColumnDef::new(Facility::Areas).string_len(200).not_null())
                .col(ColumnDef::new(Facility::Setting).string_len(20).not_null())
                .col(ColumnDef::new(Facility::Description).text())
                .col(ColumnDef::new(Facility::Eligibility).text())
                .col(ColumnDef::new(Facility::AgeMin).integer())
                .col(ColumnDef::new(Facility::AgeMax).integer())
                .col(ColumnDef::new(Facility::HowToAccess).text())
                .col(ColumnDef::new(Facility::Fees).text())
                // JSON of `types::directory::OpeningHours`.
                .col(ColumnDef::new(Facility::Hours).text().not_null())
                .col(ColumnDef::new(Facility::Phone).string_len(40))
                .col(ColumnDef::new(Facility::Email).string_len(254))
                .col(ColumnDef::new(Facility::Website).string_len(300))
                .col(ColumnDef::new(Facility::Languages).string_len(100).not_null())
                .col(ColumnDef::new(Facility::Accessibility).text())
                .col(ColumnDef::new(Facility::Address).string_len(200).not_null())
                .col(ColumnDef::new(Facility::PostalCode).string_len(5))
                .col(ColumnDef::new(Facility::ComuneIstat).string_len(6).not_null())
                .col(ColumnDef::new(Facility::DistrictId).big_integer())
                .col(ColumnDef::new(Facility::Latitude).double())
                .col(ColumnDef::new(Facility::Longitude).double())
                .col(ColumnDef::new(Facility::PlacesAuthorised).integer())
                .col(ColumnDef::new(Facility::PlacesAccredited).integer())
                .col(ColumnDef::new(Facility::PlacesFree).integer())
                .col(ColumnDef::new(Facility::PlacesUpdatedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(Facility::Accreditation).string_len(12))
                .col(ColumnDef::new(Facility::AccreditationAct).string_len(200))
                .col(ColumnDef::new(Facility::Published).boolean().not_null().default(false))
                .col(ColumnDef::new(Facility::ArchivedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(Facility::VerifiedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(Facility::SourceKey).string_len(80))
                // Lower-case, accent-free name, organisation, type, address and comune.
                .col(ColumnDef::new(Facility::SearchText).text().not_null())
                .col(timestamp(Facility::CreatedAt))
                .col(timestamp(Facility::UpdatedAt))
                .foreign_key(&mut tenant_fk(Facility::Table))
                .foreign_key(
                    ForeignKey::create()
                        .from(Facility::Table, Facility::OrganizationId)
                        .to(Organization::Table, Organization::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Facility::Table, Facility::DistrictId)
                        .to(District::Table, District::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Facility::Table, Facility::FacilityType)
                        .to(FacilityType::Table, FacilityType::Code)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Facility::Table, Facility::ComuneIstat)
                        .to(Comune::Table, Comune::IstatCode)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("facility_tenant_source_uq")
                .table(Facility::Table)
                .col(Facility::TenantId)
                .col(Facility::SourceKey)
                .unique()
                .to_owned(),
        )
        .await?;
        // Lists and searches: by tenant, then name; by tenant, then position.
        m.create_index(
            Index::create()
                .name("facility_tenant_name_idx")
                .table(Facility::Table)
                .col(Facility::TenantId)
                .col(Facility::Name)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("facility_tenant_position_idx")
                .table(Facility::Table)
                .col(Facility::TenantId)
                .col(Facility::Latitude)
                .col(Facility::Longitude)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(FacilityChange::Table)
                .col(id_col(FacilityChange::Id))
                .col(ColumnDef::new(FacilityChange::TenantId).big_integer().not_null())
                .col(ColumnDef::new(FacilityChange::FacilityId).big_integer().not_null())
                .col(ColumnDef::new(FacilityChange::UserId).big_integer())
                .col(ColumnDef::new(FacilityChange::Field).string_len(40).not_null())
                .col(ColumnDef::new(FacilityChange::OldValue).text())
                .col(ColumnDef::new(FacilityChange::NewValue).text())
                .col(timestamp(FacilityChange::ChangedAt))
                .foreign_key(&mut tenant_fk(FacilityChange::Table))
                .foreign_key(
                    ForeignKey::create()
                        .from(FacilityChange::Table, FacilityChange::FacilityId)
                        .to(Facility::Table, Facility::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(FacilityChange::Table, FacilityChange::UserId)
                        .to(UserAccount::Table, UserAccount::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("facility_change_facility_idx")
                .table(FacilityChange::Table)
                .col(FacilityChange::TenantId)
                .col(FacilityChange::FacilityId)
                .to_owned(),
        )
        .await?;

        // A facility manager's membership names the one facility they keep up to date.
        // (No foreign key: SQLite cannot add one to an existing table; `domain::users` checks it.)
        m.alter_table(
            Table::alter()
                .table(Membership::Table)
                .add_column(ColumnDef::new(Membership::FacilityId).big_integer())
                .to_owned(),
        )
        .await?;

        if m.get_database_backend() == DbBackend::Postgres {
            let db = m.get_connection();
            for table in DIRECTORY_TABLES {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                     ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                     CREATE POLICY tenant_isolation ON {table}
                       USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint)
                       WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint);"
                ))
                .await?;
            }
            for table in SCOPED_READ_TABLES {
                db.execute_unprepared(&format!(
                    "CREATE POLICY directory_scope ON {table} FOR SELECT
                       USING (tenant_id = ANY (string_to_array(
                         NULLIF(current_setting('app.tenant_scope', true), ''), ',')::bigint[]));"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection().execute_unprepared("DROP POLICY IF EXISTS directory_scope ON district;").await?;
        }
        m.alter_table(Table::alter().table(Membership::Table).drop_column(Membership::FacilityId).to_owned()).await?;
        m.drop_table(Table::drop().table(FacilityChange::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Facility::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Organization::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(FacilityType::Table).to_owned()).await?;
        m.alter_table(Table::alter().table(Tenant::Table).drop_column(Tenant::StaleAfterDays).to_owned()).await
    }
}
