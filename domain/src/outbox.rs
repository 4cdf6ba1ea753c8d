//! The outbox: e-mail the product decided to send. A message is queued with
//! [`enqueue`] in the same transaction as the decision (the reset token it carries, the
//! invitation it announces), so neither exists without the other. A sender (`serve`'s
//! mailer) claims due messages one at a time with a lease, sends them and marks them
//! sent; a failure is retried with growing waits, up to `MAX_ATTEMPTS`.
//!
//! Delivery is at least once: a sender that dies between the SMTP server's acceptance and
//! marking the message sent leaves it to be sent again when its lease ends, with the same
//! `Message-ID`, which receiving servers and mail clients use to drop the copy. Two
//! senders never hold the same message at once.

use chrono::{DateTime, Duration, Utc};
use entity::outbox_message;
use rand::RngCore;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};

use crate::{Db, Result};

/// Attempts before a message is given up (the waits add up to about two hours).
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a sender holds a claimed message before another may take it over.
const LEASE_SECS: i64 = 300;

/// A message to queue.
#[derive(Clone, Debug)]
pub struct Mail {
    /// What it is (`password_reset`, `invitation`, …).
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub text: String,
}

/// Queues `mail` on `conn` (the caller's transaction); returns its id.
pub async fn enqueue<C: ConnectionTrait>(conn: &C, now: DateTime<Utc>, mail: Mail) -> Result<i64> {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    let row = outbox_message::ActiveModel {
        kind: Set(mail.kind.to_string()),
        to_address: Set(mail.to),
        subject: Set(mail.subject),
        body_text: Set(mail.text),
        message_id: Set(format!("<{}@openwelfare>", hex::encode(bytes))),
        created_at: Set(now),
        attempts: Set(0),
        next_attempt_at: Set(now),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// Due, unsent, unclaimed (or whose claim lapsed), not given up.
fn due(now: DateTime<Utc>) -> Condition {
    use outbox_message::Column as C;
    Condition::all()
        .add(C::SentAt.is_null())
        .add(C::FailedAt.is_null())
        .add(C::NextAttemptAt.lte(now))
        .add(Condition::any().add(C::ClaimedUntil.is_null()).add(C::ClaimedUntil.lt(now)))
}

/// Claims up to `limit` due messages for this sender, oldest first, each counted as one
/// more attempt. A message another sender claimed in between is skipped.
pub async fn claim_due(db: &Db, limit: u64) -> Result<Vec<outbox_message::Model>> {
    use outbox_message::Column as C;
    let now = db.now();
    let candidates: Vec<i64> = outbox_message::Entity::find()
        .filter(due(now))
        .select_only()
        .column(C::Id)
        .order_by_asc(C::Id)
        .limit(limit)
        .into_tuple()
        .all(db)
        .await?;
    let mut claimed = Vec::new();
    for id in candidates {
        // One statement decides: of two senders, one sees a row changed.
        let taken = {
            let _turn = db.writer_turn().await;
            outbox_message::Entity::update_many()
                .col_expr(C::ClaimedUntil, Expr::value(now + Duration::seconds(LEASE_SECS)))
                .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
                .filter(C::Id.eq(id))
                .filter(due(now))
                .exec(db)
                .await?
        };
        if taken.rows_affected == 1 {
            if let Some(row) = outbox_message::Entity::find_by_id(id).one(db).await? {
                claimed.push(row);
            }
        }
    }
    Ok(claimed)
}

/// The claimed message `id` went out.
pub async fn mark_sent(db: &Db, id: i64) -> Result<()> {
    use outbox_message::Column as C;
    let _turn = db.writer_turn().await;
    outbox_message::Entity::update_many()
        .col_expr(C::SentAt, Expr::value(db.now()))
        .col_expr(C::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(C::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The claimed message `message` could not be sent: retried after [`backoff`], or given
/// up after `MAX_ATTEMPTS`. `error` is kept (shortened) for the operator.
pub async fn mark_failed(db: &Db, message: &outbox_message::Model, error: &str) -> Result<()> {
    use outbox_message::Column as C;
    let now = db.now();
    let error: String = error.chars().take(500).collect();
    let mut update = outbox_message::Entity::update_many()
        .col_expr(C::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(C::LastError, Expr::value(error))
        .filter(C::Id.eq(message.id));
    update = if message.attempts >= MAX_ATTEMPTS {
        update.col_expr(C::FailedAt, Expr::value(now))
    } else {
        update.col_expr(C::NextAttemptAt, Expr::value(now + backoff(message.attempts)))
    };
    let _turn = db.writer_turn().await;
    update.exec(db).await?;
    Ok(())
}

/// The wait after the `attempts`-th failed attempt: 30 s, doubling, at most an hour.
pub fn backoff(attempts: i32) -> Duration {
    let doublings = (attempts - 1).clamp(0, 10) as u32;
    Duration::seconds((30i64 << doublings).min(3600))
}

/// Messages to `to` of `kind` queued since `since` (to refuse sending the same again and again).
pub async fn recent<C: ConnectionTrait>(db: &C, kind: &str, to: &str, since: DateTime<Utc>) -> Result<u64> {
    use outbox_message::Column as C;
    use sea_orm::PaginatorTrait;
    Ok(outbox_message::Entity::find()
        .filter(C::Kind.eq(kind))
        .filter(C::ToAddress.eq(to))
        .filter(C::CreatedAt.gte(since))
        .count(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_and_are_capped() {
        let secs: Vec<i64> = (1..=9).map(|a| backoff(a).num_seconds()).collect();
        assert_eq!(secs, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(backoff(0).num_seconds(), 30);
    }
}
