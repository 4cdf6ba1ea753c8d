//! The benefits catalogue. `benefit_rulebook`: one per owner, the eligibility rules as
//! data (`eligibility::Rulebook` JSON) with their test cases — the draft being edited and
//! the published copy citizens are evaluated against. `benefit`: the catalogue entry a
//! citizen reads (name, who, amount, how to apply, legal reference), one per rule.
//!
//! The owner is a tenant, or nobody (`tenant_id` NULL): the deployment's shared catalogue
//! of national measures, kept by province admins and offered under every tenant. On
//! PostgreSQL a tenant's rows follow `tenant_isolation` and `directory_scope` (public
//! reads over the tenant and its ancestors); shared rows are readable by every
//! connection and writable only in a transaction that set `app.shared_catalogue`
//! (`domain::tenancy::CatalogueTx`).

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
enum BenefitRulebook {
    Table,
    Id,
    TenantId,
    Draft,
    Tests,
    Published,
    PublishedAt,
    PublishedBy,
    Version,
    UpdatedAt,
    UpdatedBy,
}

#[derive(DeriveIden)]
enum Benefit {
    Table,
    Id,
    TenantId,
    Code,
    Level,
    Category,
    Status,
    ToVerify,
    FiguresYear,
    NameIt,
    NameEn,
    SummaryIt,
    SummaryEn,
    WhoIt,
    WhoEn,
    AmountIt,
    AmountEn,
    HowToApplyIt,
    HowToApplyEn,
    ApplyUrl,
    LegalReference,
    Version,
    UpdatedAt,
    UpdatedBy,
}

const TABLES: [&str; 2] = ["benefit_rulebook", "benefit"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(BenefitRulebook::Table)
                .col(ColumnDef::new(BenefitRulebook::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(BenefitRulebook::TenantId).big_integer())
                .col(ColumnDef::new(BenefitRulebook::Draft).text().not_null())
                .col(ColumnDef::new(BenefitRulebook::Tests).text().not_null())
                .col(ColumnDef::new(BenefitRulebook::Published).text())
                .col(ColumnDef::new(BenefitRulebook::PublishedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(BenefitRulebook::PublishedBy).big_integer())
                .col(ColumnDef::new(BenefitRulebook::Version).integer().not_null())
                .col(ColumnDef::new(BenefitRulebook::UpdatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(BenefitRulebook::UpdatedBy).big_integer())
                .foreign_key(
                    ForeignKey::create()
                        .from(BenefitRulebook::Table, BenefitRulebook::TenantId)
                        .to(Tenant::Table, Tenant::Id),
                )
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(Benefit::Table)
                .col(ColumnDef::new(Benefit::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Benefit::TenantId).big_integer())
                // The benefit's id in the owner's rulebook.
                .col(ColumnDef::new(Benefit::Code).string_len(60).not_null())
                .col(ColumnDef::new(Benefit::Level).string_len(15).not_null())
                .col(ColumnDef::new(Benefit::Category).string_len(20).not_null())
                .col(ColumnDef::new(Benefit::Status).string_len(10).not_null())
                .col(ColumnDef::new(Benefit::ToVerify).boolean().not_null())
                .col(ColumnDef::new(Benefit::FiguresYear).integer())
                .col(ColumnDef::new(Benefit::NameIt).string_len(200).not_null())
                .col(ColumnDef::new(Benefit::NameEn).string_len(200))
                .col(ColumnDef::new(Benefit::SummaryIt).text().not_null())
                .col(ColumnDef::new(Benefit::SummaryEn).text())
                .col(ColumnDef::new(Benefit::WhoIt).text().not_null())
                .col(ColumnDef::new(Benefit::WhoEn).text())
                .col(ColumnDef::new(Benefit::AmountIt).text().not_null())
                .col(ColumnDef::new(Benefit::AmountEn).text())
                .col(ColumnDef::new(Benefit::HowToApplyIt).text().not_null())
                .col(ColumnDef::new(Benefit::HowToApplyEn).text())
                .col(ColumnDef::new(Benefit::ApplyUrl).string_len(500))
                .col(ColumnDef::new(Benefit::LegalReference).string_len(500).not_null())
                .col(ColumnDef::new(Benefit::Version).integer().not_null())
                .col(ColumnDef::new(Benefit::UpdatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Benefit::UpdatedBy).big_integer())
                .foreign_key(ForeignKey::create().from(Benefit::Table, Benefit::TenantId).to(Tenant::Table, Tenant::Id))
                .to_owned(),
        )
        .await?;
        // One rulebook per owner and one entry per rule; NULL (shared) counts as owner 0.
        // The expression index reads the same on SQLite and PostgreSQL.
        let db = m.get_connection();
        db.execute_unprepared(
            "CREATE UNIQUE INDEX benefit_rulebook_owner ON benefit_rulebook ((COALESCE(tenant_id, 0)))",
        )
        .await?;
        db.execute_unprepared("CREATE UNIQUE INDEX benefit_owner_code ON benefit ((COALESCE(tenant_id, 0)), code)")
            .await?;

        if m.get_database_backend() == DbBackend::Postgres {
            for table in TABLES {
                db.execute_unprepared(&format!(
                    "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                     ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                     CREATE POLICY tenant_isolation ON {table}
                       USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint)
                       WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint);
                     CREATE POLICY directory_scope ON {table} FOR SELECT
                       USING (tenant_id = ANY (string_to_array(
                         NULLIF(current_setting('app.tenant_scope', true), ''), ',')::bigint[]));
                     CREATE POLICY shared_read ON {table} FOR SELECT USING (tenant_id IS NULL);
                     CREATE POLICY shared_write ON {table}
                       USING (tenant_id IS NULL AND current_setting('app.shared_catalogue', true) = 'on')
                       WITH CHECK (tenant_id IS NULL AND current_setting('app.shared_catalogue', true) = 'on');"
                ))
                .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Benefit::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(BenefitRulebook::Table).to_owned()).await
    }
}
