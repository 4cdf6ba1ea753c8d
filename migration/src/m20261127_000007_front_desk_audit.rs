//! The front desk's contact log and the audit log of personal data.
//!
//! `audit_entry` is append-only: entries are hash-chained per tenant (`seq` counts them,
//! `hash` covers the entry and `prev_hash`). On PostgreSQL its row-level security has
//! policies to read and to append within the tenant and none to change or delete, so the
//! application's role cannot alter history; what the tables' owner might do, the chain
//! shows (`openwelfare audit verify`).

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
enum UserAccount {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum Contact {
    Table,
    Id,
    TenantId,
    ContactedOn,
    Channel,
    DistrictId,
    Area,
    AgeBand,
    Gender,
    Citizenship,
    Country,
    RequestType,
    Outcome,
    RecordedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuditEntry {
    Table,
    Id,
    TenantId,
    Seq,
    At,
    UserId,
    Action,
    ObjectType,
    ObjectId,
    Section,
    PrevHash,
    Hash,
}

fn tenant_fk<T: IntoIden + 'static>(table: T) -> ForeignKeyCreateStatement {
    ForeignKey::create().from_tbl(table).from_col(Alias::new("tenant_id")).to(Tenant::Table, Tenant::Id).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Contact::Table)
                .col(ColumnDef::new(Contact::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(Contact::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Contact::ContactedOn).date().not_null())
                .col(ColumnDef::new(Contact::Channel).string_len(20).not_null())
                .col(ColumnDef::new(Contact::DistrictId).big_integer())
                .col(ColumnDef::new(Contact::Area).string_len(30).not_null())
                .col(ColumnDef::new(Contact::AgeBand).string_len(10).not_null())
                .col(ColumnDef::new(Contact::Gender).string_len(12).not_null())
                .col(ColumnDef::new(Contact::Citizenship).string_len(12).not_null())
                .col(ColumnDef::new(Contact::Country).string_len(60))
                .col(ColumnDef::new(Contact::RequestType).string_len(40).not_null())
                .col(ColumnDef::new(Contact::Outcome).string_len(30).not_null())
                .col(ColumnDef::new(Contact::RecordedBy).big_integer())
                .col(ColumnDef::new(Contact::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(Contact::UpdatedAt).timestamp_with_time_zone().not_null())
                .foreign_key(&mut tenant_fk(Contact::Table))
                .foreign_key(
                    ForeignKey::create()
                        .from(Contact::Table, Contact::DistrictId)
                        .to(District::Table, District::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Contact::Table, Contact::RecordedBy)
                        .to(UserAccount::Table, UserAccount::Id)
                        .on_delete(ForeignKeyAction::SetNull),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("contact_tenant_day")
                .table(Contact::Table)
                .col(Contact::TenantId)
                .col(Contact::ContactedOn)
                .to_owned(),
        )
        .await?;
        m.create_table(
            Table::create()
                .table(AuditEntry::Table)
                .col(ColumnDef::new(AuditEntry::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(AuditEntry::TenantId).big_integer().not_null())
                .col(ColumnDef::new(AuditEntry::Seq).big_integer().not_null())
                .col(ColumnDef::new(AuditEntry::At).timestamp_with_time_zone().not_null())
                // No foreign key: history outlives the user it names.
                .col(ColumnDef::new(AuditEntry::UserId).big_integer())
                .col(ColumnDef::new(AuditEntry::Action).string_len(20).not_null())
                .col(ColumnDef::new(AuditEntry::ObjectType).string_len(30).not_null())
                .col(ColumnDef::new(AuditEntry::ObjectId).big_integer())
                .col(ColumnDef::new(AuditEntry::Section).string_len(40))
                .col(ColumnDef::new(AuditEntry::PrevHash).string_len(64).not_null())
                .col(ColumnDef::new(AuditEntry::Hash).string_len(64).not_null())
                .foreign_key(&mut tenant_fk(AuditEntry::Table))
                .to_owned(),
        )
        .await?;
        // One chain per tenant: two appends cannot take the same place.
        m.create_index(
            Index::create()
                .name("audit_entry_chain")
                .table(AuditEntry::Table)
                .col(AuditEntry::TenantId)
                .col(AuditEntry::Seq)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("audit_entry_object")
                .table(AuditEntry::Table)
                .col(AuditEntry::TenantId)
                .col(AuditEntry::ObjectType)
                .col(AuditEntry::ObjectId)
                .to_owned(),
        )
        .await?;

        if m.get_database_backend() == DbBackend::Postgres {
            let db = m.get_connection();
            let own = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint";
            db.execute_unprepared(&format!(
                "ALTER TABLE contact ENABLE ROW LEVEL SECURITY;
                 ALTER TABLE contact FORCE ROW LEVEL SECURITY;
                 CREATE POLICY tenant_isolation ON contact USING ({own}) WITH CHECK ({own});
                 ALTER TABLE audit_entry ENABLE ROW LEVEL SECURITY;
                 ALTER TABLE audit_entry FORCE ROW LEVEL SECURITY;
                 CREATE POLICY audit_read ON audit_entry FOR SELECT USING ({own});
                 CREATE POLICY audit_append ON audit_entry FOR INSERT WITH CHECK ({own});"
            ))
            .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(AuditEntry::Table).to_owned()).await?;
        m.drop_table(Table::drop().table(Contact::Table).to_owned()).await
    }
}
