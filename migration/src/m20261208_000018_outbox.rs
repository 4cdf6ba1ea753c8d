//! The outbox: e-mail the product decided to send, written in the same transaction as the
//! decision (a reset token, an invitation), and sent by `serve` over SMTP with retries. Not
//! a tenant table: the messages are about accounts, and only the sender reads them.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum OutboxMessage {
    Table,
    Id,
    Kind,
    ToAddress,
    Subject,
    BodyText,
    MessageId,
    CreatedAt,
    Attempts,
    NextAttemptAt,
    ClaimedUntil,
    SentAt,
    FailedAt,
    LastError,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        use OutboxMessage as O;
        m.create_table(
            Table::create()
                .table(O::Table)
                .col(ColumnDef::new(O::Id).big_integer().not_null().auto_increment().primary_key())
                .col(ColumnDef::new(O::Kind).string_len(40).not_null())
                .col(ColumnDef::new(O::ToAddress).string_len(254).not_null())
                .col(ColumnDef::new(O::Subject).string_len(300).not_null())
                .col(ColumnDef::new(O::BodyText).text().not_null())
                .col(ColumnDef::new(O::MessageId).string_len(200).not_null().unique_key())
                .col(ColumnDef::new(O::CreatedAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(O::Attempts).integer().not_null().default(0))
                .col(ColumnDef::new(O::NextAttemptAt).timestamp_with_time_zone().not_null())
                .col(ColumnDef::new(O::ClaimedUntil).timestamp_with_time_zone())
                .col(ColumnDef::new(O::SentAt).timestamp_with_time_zone())
                .col(ColumnDef::new(O::FailedAt).timestamp_with_time_zone())
                .col(ColumnDef::new(O::LastError).string_len(500))
                .to_owned(),
        )
        .await?;
        m.create_index(
            Index::create().name("outbox_message_due").table(O::Table).col(O::SentAt).col(O::NextAttemptAt).to_owned(),
        )
        .await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.drop_table(Table::drop().table(OutboxMessage::Table).to_owned()).await
    }
}
