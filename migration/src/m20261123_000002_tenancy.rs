//! Tenants, users, memberships, districts, password-reset tokens and sign-in throttling.
//! `tenant_id` comes first in every tenant table's keys and indexes (docs/ARCHITECTURE.md §8).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Tenant {
    Table,
    Id,
    ParentId,
    Kind,
    Slug,
    Name,
    IstatCode,
    ContactEmail,
    Website,
    CreatedAt,
}

#[derive(DeriveIden)]
enum ZoneComune {
    Table,
    TenantId,
    IstatCode,
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
    Email,
    DisplayName,
    PasswordHash,
    Lang,
    Active,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Membership {
    Table,
    Id,
    TenantId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden)]
enum District {
    Table,
    Id,
    TenantId,
    Name,
    Code,
    CreatedAt,
}

#[derive(DeriveIden)]
enum PasswordReset {
    Table,
    Id,
    UserId,
    TokenHash,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum LoginThrottle {
    Table,
    EmailKey,
    Failures,
    LockedUntil,
    UpdatedAt,
}

fn id_col<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).big_integer().not_null().auto_increment().primary_key().to_owned()
}

fn created_at<T: IntoIden>(col: T) -> ColumnDef {
    ColumnDef::new(col).timestamp_with_time_zone().not_null().default(Expr::current_timestamp()).to_owned()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Tenant::Table)
                .col(id_col(Tenant::Id))
                .col(ColumnDef::new(Tenant::ParentId).big_integer())
                .col(ColumnDef::new(Tenant::Kind).string_len(16).not_null())
                .col(ColumnDef::new(Tenant::Slug).string_len(64).not_null().unique_key())
                .col(ColumnDef::new(Tenant::Name).string_len(200).not_null())
                .col(ColumnDef::new(Tenant::IstatCode).string_len(6))
                .col(ColumnDef::new(Tenant::ContactEmail).string_len(254))
                .col(ColumnDef::new(Tenant::Website).string_len(300))
                .col(created_at(Tenant::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Tenant::Table, Tenant::ParentId)
                        .to(Tenant::Table, Tenant::Id)
                        .on_delete(ForeignKeyAction::Restrict),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(Index::create().name("tenant_parent_idx").table(Tenant::Table).col(Tenant::ParentId).to_owned())
            .await?;
        // One municipality tenant per comune.
        m.create_index(
            Index::create()
                .name("tenant_kind_istat_uq")
                .table(Tenant::Table)
                .col(Tenant::Kind)
                .col(Tenant::IstatCode)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(ZoneComune::Table)
                .col(ColumnDef::new(ZoneComune::TenantId).big_integer().not_null())
                .col(ColumnDef::new(ZoneComune::IstatCode).string_len(6).not_null())
                .primary_key(Index::create().col(ZoneComune::TenantId).col(ZoneComune::IstatCode))
                .foreign_key(
                    ForeignKey::create()
                        .from(ZoneComune::Table, ZoneComune::TenantId)
                        .to(Tenant::Table, Tenant::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(ZoneComune::Table, ZoneComune::IstatCode)
                        .to(Comune::Table, Comune::IstatCode),
                )
                .to_owned(),
        )
        .await?;
        // A comune belongs to at most one zone.
        m.create_index(
            Index::create()
                .name("zone_comune_istat_uq")
                .table(ZoneComune::Table)
                .col(ZoneComune::IstatCode)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(UserAccount::Table)
                .col(id_col(UserAccount::Id))
                .col(ColumnDef::new(UserAccount::Email).string_len(254).not_null().unique_key())
                .col(ColumnDef::new(UserAccount::DisplayName).string_len(120).not_null())
                .col(ColumnDef::new(UserAccount::PasswordHash).string_len(200))
                .col(ColumnDef::new(UserAccount::Lang).string_len(5).not_null().default("it"))
                .col(ColumnDef::new(UserAccount::Active).boolean().not_null().default(true))
                .col(created_at(UserAccount::CreatedAt))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Membership::Table)
                .col(id_col(Membership::Id))
                .col(ColumnDef::new(Membership::TenantId).big_integer().not_null())
                .col(ColumnDef::new(Membership::UserId).big_integer().not_null())
                .col(ColumnDef::new(Membership::Role).string_len(32).not_null())
                .col(created_at(Membership::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(Membership::Table, Membership::TenantId)
                        .to(Tenant::Table, Tenant::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Membership::Table, Membership::UserId)
                        .to(UserAccount::Table, UserAccount::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("membership_tenant_user_uq")
                .table(Membership::Table)
                .col(Membership::TenantId)
                .col(Membership::UserId)
                .unique()
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("membership_user_idx").table(Membership::Table).col(Membership::UserId).to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(District::Table)
                .col(id_col(District::Id))
                .col(ColumnDef::new(District::TenantId).big_integer().not_null())
                .col(ColumnDef::new(District::Name).string_len(120).not_null())
                .col(ColumnDef::new(District::Code).string_len(20))
                .col(created_at(District::CreatedAt))
                .foreign_key(
                    ForeignKey::create()
                        .from(District::Table, District::TenantId)
                        .to(Tenant::Table, Tenant::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("district_tenant_name_uq")
                .table(District::Table)
                .col(District::TenantId)
                .col(District::Name)
                .unique()
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(PasswordReset::Table)
                .col(id_col(PasswordReset::Id))
                .col(ColumnDef::new(PasswordReset::UserId).big_integer().not_null())
                .col(ColumnDef::new(PasswordReset::TokenHash).string_len(64).not_null().unique_key())
                .col(ColumnDef::new(PasswordReset::ExpiresAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(PasswordReset::UsedAt).timestamp_with_time_zone())
                .foreign_key(
                    ForeignKey::create()
                        .from(PasswordReset::Table, PasswordReset::UserId)
                        .to(UserAccount::Table, UserAccount::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(LoginThrottle::Table)
                .col(ColumnDef::new(LoginThrottle::EmailKey).string_len(64).not_null().primary_key())
                .col(ColumnDef::new(LoginThrottle::Failures).integer().not_null().default(0))
                .col(ColumnDef::new(LoginThrottle::LockedUntil).timestamp_with_time_zone())
                .col(created_at(LoginThrottle::UpdatedAt))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            LoginThrottle::Table.into_iden(),
            PasswordReset::Table.into_iden(),
            District::Table.into_iden(),
            Membership::Table.into_iden(),
            UserAccount::Table.into_iden(),
            ZoneComune::Table.into_iden(),
            Tenant::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
