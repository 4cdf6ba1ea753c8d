//! Invitations: adding someone to a tenant sends an invitation to the address; nothing is
//! attached until its addressee accepts (a new account through the link in the e-mail,
//! an existing one after signing in). Only the token's SHA-256 is stored. On PostgreSQL the
//! addressee finds their invitations across tenants, so, as memberships, anyone reads and
//! only a transaction bound to the inviting tenant writes.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Invitation {
    Table,
    Id,
    TenantId,
    Email,
    DisplayName,
    Role,
    FacilityId,
    InvitedBy,
    FromAbove,
    TokenHash,
    CreatedAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum Tenant {
    Table,
    Id,
}

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    Id,
}

const OWN: &str = "tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::bigint";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use Invitation as I;
        m.create_table(
            Table::create()
                .table(I::Table)
                .col(ColumnDef::new(I::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(I::TenantId).big_integer().not_null())
                .col(ColumnDef::new(I::Email).string_len(254).not_null())
                .col(ColumnDef::new(I::DisplayName).string_len(120).not_null())
                .col(ColumnDef::new(I::Role).string_len(40).not_null())
                .col(ColumnDef::new(I::FacilityId).big_integer())
                .col(ColumnDef::new(I::InvitedBy).big_integer().not_null())
                .col(ColumnDef::new(I::FromAbove).boolean().not_null().default(false))
                .col(ColumnDef::new(I::TokenHash).string_len(64).not_null().unique_key())
                .col(ColumnDef::new(I::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(I::ExpiresAt).timestamp_with_time_zone().not_null())
                .foreign_key(ForeignKey::create().from(I::Table, I::TenantId).to(Tenant::Table, Tenant::Id))
                .foreign_key(ForeignKey::create().from(I::Table, I::InvitedBy).to(UserAccount::Table, UserAccount::Id))
                .to_owned(),
        )
        .await?;
        // One open invitation per address and tenant.
        m.create_index(
            Index::create()
                .name("invitation_tenant_email")
                .table(I::Table)
                .col(I::TenantId)
                .col(I::Email)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("invitation_email").table(I::Table).col(I::Email).to_owned()).await?;
        if m.get_database_backend() == DbBackend::Postgres {
            m.get_connection()
                .execute_unprepared(&format!(
                    "ALTER TABLE invitation ENABLE ROW LEVEL SECURITY;
                     ALTER TABLE invitation FORCE ROW LEVEL SECURITY;
                     CREATE POLICY readable ON invitation FOR SELECT USING (true);
                     CREATE POLICY owner_insert ON invitation FOR INSERT WITH CHECK ({OWN});
                     CREATE POLICY owner_update ON invitation FOR UPDATE USING ({OWN}) WITH CHECK ({OWN});
                     CREATE POLICY owner_delete ON invitation FOR DELETE USING ({OWN});"
                ))
                .await?;
        }
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(Invitation::Table).to_owned()).await
    }
}
