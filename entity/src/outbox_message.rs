//! One e-mail to send (see `domain::outbox`): queued with the decision that sends it,
//! claimed by one sender at a time, retried with backoff, never deleted by the sender.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_message")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// What it is (`password_reset`, `invitation`, …), for the operator.
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    /// The `Message-ID` header, fixed when queued: a retry after a crash carries the same,
    /// so a receiving server that already has it can drop the copy.
    pub message_id: String,
    pub created_at: DateTimeUtc,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// A sender holds it until then; after, another may take it over.
    pub claimed_until: Option<DateTimeUtc>,
    pub sent_at: Option<DateTimeUtc>,
    /// Given up after the last attempt.
    pub failed_at: Option<DateTimeUtc>,
    pub last_error: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
