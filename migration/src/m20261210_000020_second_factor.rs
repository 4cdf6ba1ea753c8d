//! The second factor: a TOTP secret per account (RFC 6238), the one being enrolled, the
//! last time step a code was used in (no code works twice), and single-use recovery codes
//! (only their SHA-256 is stored).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum UserAccount {
    Table,
    Id,
    TotpSecret,
    TotpPendingSecret,
    TotpLastStep,
}

#[derive(DeriveIden)]
enum RecoveryCode {
    Table,
    Id,
    UserId,
    CodeHash,
    UsedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use UserAccount as U;
        // One column per statement: SQLite adds one at a time.
        for column in [
            ColumnDef::new(U::TotpSecret).string_len(64).to_owned(),
            ColumnDef::new(U::TotpPendingSecret).string_len(64).to_owned(),
            ColumnDef::new(U::TotpLastStep).big_integer().to_owned(),
        ] {
            m.alter_table(Table::alter().table(U::Table).add_column(column).to_owned()).await?;
        }
        m.create_table(
            Table::create()
                .table(RecoveryCode::Table)
                .col(ColumnDef::new(RecoveryCode::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(RecoveryCode::UserId).big_integer().not_null())
                .col(ColumnDef::new(RecoveryCode::CodeHash).string_len(64).not_null())
                .col(ColumnDef::new(RecoveryCode::UsedAt).timestamp_with_time_zone())
                .foreign_key(ForeignKey::create().from(RecoveryCode::Table, RecoveryCode::UserId).to(U::Table, U::Id))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create()
                .name("recovery_code_user")
                .table(RecoveryCode::Table)
                .col(RecoveryCode::UserId)
                .col(RecoveryCode::CodeHash)
                .to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use UserAccount as U;
        m.drop_table(Table::drop().table(RecoveryCode::Table).to_owned()).await?;
        for column in [U::TotpLastStep, U::TotpPendingSecret, U::TotpSecret] {
            m.alter_table(Table::alter().table(U::Table).drop_column(column).to_owned()).await?;
        }
        Ok(())
    }
}
