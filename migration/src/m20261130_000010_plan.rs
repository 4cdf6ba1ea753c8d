//! The work on a case: assessments, individual plans (PAI) with their status changes and
//! reviews (`plan_event`), and the interventions delivered with their cost. Tenant-owned,
//! under RLS; each row names its case, and is only reached through it.

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
enum SocialCase {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Assessment {
    Table,
    Id,
    TenantId,
    CaseId,
    AssessedOn,
    Problems,
    Resources,
    Summary,
    Proposals,
    AuthorId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum CarePlan {
    Table,
    Id,
    TenantId,
    CaseId,
    Goals,
    Planned,
    Responsibilities,
    StartedOn,
    NextReviewOn,
    Status,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum PlanEvent {
    Table,
    Id,
    TenantId,
    PlanId,
    Kind,
    On,
    Status,
    Note,
    ById,
    At,
}

#[derive(DeriveIden)]
enum Intervention {
    Table,
    Id,
    TenantId,
    CaseId,
    PlanId,
    Kind,
    Description,
    StartedOn,
    EndedOn,
    QuantityHundredths,
    Unit,
    CostCents,
    Funding,
    ProviderFacilityId,
    ProviderName,
    Version,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

fn belongs_to_case<T: IntoIden + 'static>(table: T, column: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(SocialCase::Table, SocialCase::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

fn tenant_fk<T: IntoIden + 'static>(table: T, column: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(Tenant::Table, Tenant::Id).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Assessment::Table)
                .col(ColumnDef::new(Assessment::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Assessment::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Assessment::CaseId).big_integer().not_null())
                .col(ColumnDef::new(Assessment::AssessedOn).date().not_null())
                .col(ColumnDef::new(Assessment::Problems).text().not_null())
                .col(ColumnDef::new(Assessment::Resources).text().not_null())
                .col(ColumnDef::new(Assessment::Summary).text().not_null())
                .col(ColumnDef::new(Assessment::Proposals).text().not_null())
                .col(ColumnDef::new(Assessment::AuthorId).big_integer())
                .col(ColumnDef::new(Assessment::CreatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut tenant_fk(Assessment::Table, Assessment::TenantId))
                .foreign_key(&mut belongs_to_case(Assessment::Table, Assessment::CaseId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("assessment_case").table(Assessment::Table).col(Assessment::CaseId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CarePlan::Table)
                .col(ColumnDef::new(CarePlan::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(CarePlan::TenantId).big_integer().not_null())
                .col(ColumnDef::new(CarePlan::CaseId).big_integer().not_null())
                .col(ColumnDef::new(CarePlan::Goals).text().not_null())
                .col(ColumnDef::new(CarePlan::Planned).text().not_null())
                .col(ColumnDef::new(CarePlan::Responsibilities).text().not_null())
                .col(ColumnDef::new(CarePlan::StartedOn).date().not_null())
                .col(ColumnDef::new(CarePlan::NextReviewOn).date())
                .col(ColumnDef::new(CarePlan::Status).string_len(12).not_null())
                .col(ColumnDef::new(CarePlan::Version).integer().not_null().default(1))
                .col(ColumnDef::new(CarePlan::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(CarePlan::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut tenant_fk(CarePlan::Table, CarePlan::TenantId))
                .foreign_key(&mut belongs_to_case(CarePlan::Table, CarePlan::CaseId))
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("care_plan_case").table(CarePlan::Table).col(CarePlan::CaseId).to_owned())
            .await?;
        // Reviews due: active plans by review date.
        m.create_index(
            Index::create()
                .name("care_plan_review")
                .table(CarePlan::Table)
                .col(CarePlan::TenantId)
                .col(CarePlan::Status)
                .col(CarePlan::NextReviewOn)
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PlanEvent::Table)
                .col(ColumnDef::new(PlanEvent::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(PlanEvent::TenantId).big_integer().not_null())
                .col(ColumnDef::new(PlanEvent::PlanId).big_integer().not_null())
                .col(ColumnDef::new(PlanEvent::Kind).string_len(10).not_null())
                .col(ColumnDef::new(PlanEvent::On).date().not_null())
                .col(ColumnDef::new(PlanEvent::Status).string_len(12))
                .col(ColumnDef::new(PlanEvent::Note).text())
                .col(ColumnDef::new(PlanEvent::ById).big_integer())
                .col(ColumnDef::new(PlanEvent::At).timestamp_with_time_zone().not_null())
                .foreign_key(&mut tenant_fk(PlanEvent::Table, PlanEvent::TenantId))
                .foreign_key(
                    ForeignKey::create()
                        .from(PlanEvent::Table, PlanEvent::PlanId)
                        .to(CarePlan::Table, CarePlan::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("plan_event_plan").table(PlanEvent::Table).col(PlanEvent::PlanId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Intervention::Table)
                .col(ColumnDef::new(Intervention::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Intervention::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Intervention::CaseId).big_integer().not_null())
                .col(ColumnDef::new(Intervention::PlanId).big_integer())
                .col(ColumnDef::new(Intervention::Kind).string_len(40).not_null())
                .col(ColumnDef::new(Intervention::Description).string_len(200))
                .col(ColumnDef::new(Intervention::StartedOn).date().not_null())
                .col(ColumnDef::new(Intervention::EndedOn).date())
                .col(ColumnDef::new(Intervention::QuantityHundredths).big_integer())
                .col(ColumnDef::new(Intervention::Unit).string_len(10))
                .col(ColumnDef::new(Intervention::CostCents).big_integer().not_null().default(0))
                .col(ColumnDef::new(Intervention::Funding).string_len(12))
                .col(ColumnDef::new(Intervention::ProviderFacilityId).big_integer())
                .col(ColumnDef::new(Intervention::ProviderName).string_len(200))
                .col(ColumnDef::new(Intervention::Version).integer().not_null().default(1))
                .col(ColumnDef::new(Intervention::CreatedBy).big_integer())
                .col(ColumnDef::new(Intervention::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Intervention::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut tenant_fk(Intervention::Table, Intervention::TenantId))
                .foreign_key(&mut belongs_to_case(Intervention::Table, Intervention::CaseId))
                .foreign_key(
                    ForeignKey::create()
                        .from(Intervention::Table, Intervention::PlanId)
                        .to(CarePlan::Table, CarePlan::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("intervention_case")
                .table(Intervention::Table)
                .col(Intervention::CaseId)
                .col(Intervention::StartedOn)
                .to_owned(),
        )
        .await?;

        if m.get_database_backend() == DbBackend::Postgres {
            let own = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint";
            for table in ["assessment", "care_plan", "plan_event", "intervention"] {
                m.get_connection()
                    .execute_unprepared(&format!(
                        "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                         ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                         CREATE POLICY tenant_isolation ON {table} USING ({own}) WITH CHECK ({own});"
                    ))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            Intervention::Table.into_iden(),
            PlanEvent::Table.into_iden(),
            CarePlan::Table.into_iden(),
            Assessment::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
