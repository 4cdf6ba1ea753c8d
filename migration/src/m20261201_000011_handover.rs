//! Handing a case on. `case_referral`: a third-sector operator of the tenant is given
//! access to named sections of a case once they accept. `case_transfer`: a case proposed
//! to another tenant; `payload` holds the person and the named sections until the
//! receiving tenant decides (then it is copied into a new case, or dropped).
//!
//! `case_transfer` is the one table two tenants share: its row belongs to the sending
//! tenant (`tenant_id`) and is visible to the receiving one (`to_tenant_id`), and to no
//! other — the PostgreSQL policy says so, and `domain::tenancy` reaches it only that way.

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
enum CaseReferral {
    Table,
    Id,
    TenantId,
    CaseId,
    OrganizationId,
    UserId,
    Sections,
    Reason,
    Status,
    SentBy,
    SentAt,
    DecidedBy,
    DecidedAt,
    DecisionNote,
}

#[derive(DeriveIden)]
enum CaseTransfer {
    Table,
    Id,
    TenantId,
    ToTenantId,
    CaseId,
    Area,
    Sections,
    Reason,
    Payload,
    Status,
    SentBy,
    SentAt,
    DecidedBy,
    DecidedAt,
    DecisionNote,
    NewCaseId,
}

fn tenant_fk<T: IntoIden + 'static>(table: T, column: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create().from(table, column).to(Tenant::Table, Tenant::Id).to_owned()
}

fn belongs_to_case<T: IntoIden + 'static>(table: T, column: impl IntoIden + 'static) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(SocialCase::Table, SocialCase::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(CaseReferral::Table)
                .col(ColumnDef::new(CaseReferral::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(CaseReferral::TenantId).big_integer().not_null())
                .col(ColumnDef::new(CaseReferral::CaseId).big_integer().not_null())
                .col(ColumnDef::new(CaseReferral::OrganizationId).big_integer().not_null())
                .col(ColumnDef::new(CaseReferral::UserId).big_integer().not_null())
                // Section codes, comma-separated.
                .col(ColumnDef::new(CaseReferral::Sections).string_len(200).not_null())
                .col(ColumnDef::new(CaseReferral::Reason).text().not_null())
                .col(ColumnDef::new(CaseReferral::Status).string_len(10).not_null())
                .col(ColumnDef::new(CaseReferral::SentBy).big_integer())
                .col(ColumnDef::new(CaseReferral::SentAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(CaseReferral::DecidedBy).big_integer())
                .col(ColumnDef::new(CaseReferral::DecidedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(CaseReferral::DecisionNote).text())
                .foreign_key(&mut tenant_fk(CaseReferral::Table, CaseReferral::TenantId))
                .foreign_key(&mut belongs_to_case(CaseReferral::Table, CaseReferral::CaseId))
                .to_owned(),
        )
        .await?;
        // `CaseGrant::open` for an operator, and the operator's list.
        m.create_index(
            Index::create()
                .name("case_referral_operator")
                .table(CaseReferral::Table)
                .col(CaseReferral::TenantId)
                .col(CaseReferral::UserId)
                .col(CaseReferral::CaseId)
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("case_referral_case").table(CaseReferral::Table).col(CaseReferral::CaseId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(CaseTransfer::Table)
                .col(ColumnDef::new(CaseTransfer::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(CaseTransfer::TenantId).big_integer().not_null())
                .col(ColumnDef::new(CaseTransfer::ToTenantId).big_integer().not_null())
                .col(ColumnDef::new(CaseTransfer::CaseId).big_integer().not_null())
                .col(ColumnDef::new(CaseTransfer::Area).string_len(20).not_null())
                .col(ColumnDef::new(CaseTransfer::Sections).string_len(200).not_null())
                .col(ColumnDef::new(CaseTransfer::Reason).text().not_null())
                .col(ColumnDef::new(CaseTransfer::Payload).text())
                .col(ColumnDef::new(CaseTransfer::Status).string_len(10).not_null())
                .col(ColumnDef::new(CaseTransfer::SentBy).big_integer())
                .col(ColumnDef::new(CaseTransfer::SentAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(CaseTransfer::DecidedBy).big_integer())
                .col(ColumnDef::new(CaseTransfer::DecidedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(CaseTransfer::DecisionNote).text())
                .col(ColumnDef::new(CaseTransfer::NewCaseId).big_integer())
                .foreign_key(&mut tenant_fk(CaseTransfer::Table, CaseTransfer::TenantId))
                .foreign_key(&mut tenant_fk(CaseTransfer::Table, CaseTransfer::ToTenantId))
                .foreign_key(&mut belongs_to_case(CaseTransfer::Table, CaseTransfer::CaseId))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("case_transfer_case").table(CaseTransfer::Table).col(CaseTransfer::CaseId).to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("case_transfer_incoming")
                .table(CaseTransfer::Table)
                .col(CaseTransfer::ToTenantId)
                .col(CaseTransfer::Status)
                .to_owned(),
        )
        .await?;

        if m.get_database_backend() == DbBackend::Postgres {
            let current = "NULLIF(current_setting('app.tenant_id', true), '')::bigint";
            let own = format!("tenant_id = {current}");
            let shared = format!("tenant_id = {current} OR to_tenant_id = {current}");
            for (table, policy) in [("case_referral", own), ("case_transfer", shared)] {
                m.get_connection()
                    .execute_unprepared(&format!(
                        "ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;
                         ALTER TABLE {table} FORCE ROW LEVEL SECURITY;
                         CREATE POLICY tenant_isolation ON {table} USING ({policy}) WITH CHECK ({policy});"
                    ))
                    .await?;
            }
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [CaseTransfer::Table.into_iden(), CaseReferral::Table.into_iden()] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
