//! The audit log of personal data (docs/ARCHITECTURE.md §4): every read and write of a contact,
//! person or case appends who, when, which object (and section), what. Entries are
//! hash-chained per tenant, in the same transaction as what they record: an action that
//! fails leaves no entry, and an entry cannot be written without its action.
//!
//! Each entry's `hash` is SHA-256 over its fields and the previous entry's hash, and `seq`
//! numbers a tenant's entries 1, 2, 3, … So a changed entry breaks its own hash, a removed
//! or inserted one breaks the numbering or the link. `verify` walks a chain and names the
//! first broken link. (Cutting the newest entries off the end leaves a valid shorter
//! chain: the `openwelfare audit verify` report prints each chain's head so that an
//! operator can keep it elsewhere and compare.)

use chrono::{DateTime, Utc};
use entity::{audit_entry, tenant};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use sha2::{Digest, Sha256};
use types::{TenantId, UserId};

use crate::tenancy::TenantTx;
use crate::Db;
use crate::{AppError, Result};

/// The `prev_hash` of a tenant's first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Read,
    List,
    Create,
    Update,
    Delete,
    Export,
}

impl Action {
    pub fn code(self) -> &'static str {
        match self {
            Action::Read => "read",
            Action::List => "list",
            Action::Create => "create",
            Action::Update => "update",
            Action::Delete => "delete",
            Action::Export => "export",
        }
    }
}

/// One thing to record: an action on an object (`contact` 12, `case` 3 section `housing`).
pub struct Event<'a> {
    pub action: Action,
    pub object_type: &'a str,
    pub object_id: Option<i64>,
    pub section: Option<&'a str>,
}

/// The hash of an entry: SHA-256 (hex) over its fields, one unit separator between each.
#[allow(clippy::too_many_arguments)]
fn entry_hash(
    prev: &str,
    tenant: i64,
    seq: i64,
    at: DateTime<Utc>,
    user: Option<i64>,
    action: &str,
    object_type: &str,
    object_id: Option<i64>,
    section: Option<&str>,
) -> String {
    let text = format!(
        "{prev}\u{1f}{tenant}\u{1f}{seq}\u{1f}{}\u{1f}{}\u{1f}{action}\u{1f}{object_type}\u{1f}{}\u{1f}{}",
        at.timestamp_micros(),
        user.map(|u| u.to_string()).unwrap_or_default(),
        object_id.map(|i| i.to_string()).unwrap_or_default(),
        section.unwrap_or_default(),
    );
    Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn hash_of(e: &audit_entry::Model) -> String {
    entry_hash(
        &e.prev_hash,
        e.tenant_id,
        e.seq,
        e.at,
        e.user_id,
        &e.action,
        &e.object_type,
        e.object_id,
        e.section.as_deref(),
    )
}

/// Appends `event` by `user` to the chain of the transaction's tenant.
pub async fn record(tx: &TenantTx, user: Option<UserId>, event: Event<'_>) -> Result<()> {
    let tenant = tx.tenant_id().0;
    if tx.conn().get_database_backend() == DbBackend::Postgres {
        // Appends to one chain take turns until their transactions end.
        tx.conn()
            .execute(Statement::from_sql_and_values(
                DbBackend::Postgres,
                "SELECT pg_advisory_xact_lock(1096107348, $1)",
                [sea_orm::Value::from((tenant % i64::from(i32::MAX)) as i32)],
            ))
            .await?;
    }
    let last: Option<(i64, String)> = tx
        .select::<audit_entry::Entity>()
        .select_only()
        .column(audit_entry::Column::Seq)
        .column(audit_entry::Column::Hash)
        .order_by_desc(audit_entry::Column::Seq)
        .into_tuple()
        .one(tx.conn())
        .await?;
    let (seq, prev) = last.map_or((1, GENESIS.to_string()), |(s, h)| (s + 1, h));
    // Microseconds: what both databases keep, so the hash reads back the same.
    let at = DateTime::from_timestamp_micros(tx.now().timestamp_micros()).unwrap_or_default();
    let user = user.map(|u| u.0);
    let action = event.action.code();
    let hash = entry_hash(&prev, tenant, seq, at, user, action, event.object_type, event.object_id, event.section);
    let row = audit_entry::ActiveModel {
        seq: Set(seq),
        at: Set(at),
        user_id: Set(user),
        action: Set(action.to_string()),
        object_type: Set(event.object_type.to_string()),
        object_id: Set(event.object_id),
        section: Set(event.section.map(str::to_string)),
        prev_hash: Set(prev),
        hash: Set(hash),
        ..Default::default()
    };
    tx.insert(row).await?;
    Ok(())
}

/// Where a chain breaks.
#[derive(Clone, Debug, PartialEq)]
pub struct Broken {
    /// The `seq` the entry should have had (its place in the chain).
    pub position: i64,
    /// Database id of the entry found there, if any.
    pub entry_id: Option<i64>,
    pub reason: BreakReason,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BreakReason {
    /// An entry is missing, or one was added out of turn.
    Numbering,
    /// The entry does not point at the one before it.
    Link,
    /// The entry's fields no longer match its hash: it was changed.
    Content,
}

impl BreakReason {
    pub fn describe(self) -> &'static str {
        match self {
            BreakReason::Numbering => "an entry is missing or was inserted",
            BreakReason::Link => "the entry does not follow the one before it",
            BreakReason::Content => "the entry was changed after it was written",
        }
    }
}

/// One tenant's chain, checked.
#[derive(Clone, Debug)]
pub struct ChainReport {
    pub tenant: String,
    pub entries: u64,
    /// The hash of the newest entry (keep it elsewhere to notice a cut-off tail).
    pub head: String,
    pub broken: Option<Broken>,
}

/// Entries read per query while verifying.
const BATCH: u64 = 5_000;

/// Checks the chain of `tenant_id` from its first entry to its newest.
pub async fn verify(db: &Db, tenant_id: TenantId) -> Result<ChainReport> {
    let t = tenant::Entity::find_by_id(tenant_id.0).one(db).await?.ok_or(AppError::NotFound)?;
    let tx = TenantTx::for_operator(db, tenant_id).await?;
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    let mut broken = None;
    loop {
        let batch = tx
            .select::<audit_entry::Entity>()
            .filter(audit_entry::Column::Seq.gte(expected_seq))
            .order_by_asc(audit_entry::Column::Seq)
            .order_by_asc(audit_entry::Column::Id)
            .limit(BATCH)
            .all(tx.conn())
            .await?;
        let done = (batch.len() as u64) < BATCH;
        for e in batch {
            let reason = if e.seq != expected_seq {
                Some(BreakReason::Numbering)
            } else if e.prev_hash != prev {
                Some(BreakReason::Link)
            } else if hash_of(&e) != e.hash {
                Some(BreakReason::Content)
            } else {
                None
            };
            if let Some(reason) = reason {
                broken = Some(Broken { position: expected_seq, entry_id: Some(e.id), reason });
                break;
            }
            prev = e.hash;
            expected_seq += 1;
        }
        if broken.is_some() || done {
            break;
        }
    }
    tx.commit().await?;
    Ok(ChainReport { tenant: t.slug, entries: (expected_seq - 1) as u64, head: prev, broken })
}

/// The chain of the tenant called `slug`.
pub async fn verify_slug(db: &Db, slug: &str) -> Result<ChainReport> {
    let t = tenant::Entity::find().filter(tenant::Column::Slug.eq(slug)).one(db).await?.ok_or(AppError::NotFound)?;
    verify(db, TenantId(t.id)).await
}

/// Every tenant's chain, in id order.
pub async fn verify_all(db: &Db) -> Result<Vec<ChainReport>> {
    let ids: Vec<i64> = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Id)
        .order_by_asc(tenant::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::new();
    for id in ids {
        out.push(verify(db, TenantId(id)).await?);
    }
    Ok(out)
}

/// The entries about one object, newest first (a tenant admin's view of who saw what).
pub async fn trail(tx: &TenantTx, object_type: &str, object_id: i64) -> Result<Vec<audit_entry::Model>> {
    Ok(tx
        .select::<audit_entry::Entity>()
        .filter(audit_entry::Column::ObjectType.eq(object_type))
        .filter(audit_entry::Column::ObjectId.eq(object_id))
        .order_by_desc(audit_entry::Column::Seq)
        .all(tx.conn())
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_has_a_label() {
        use Action::*;
        for a in [Read, List, Create, Update, Delete, Export] {
            assert!(types::cases::AUDIT_ACTIONS.contains(&a.code()), "{a:?}");
        }
    }

    #[test]
    fn every_field_is_in_the_hash() {
        let at = DateTime::from_timestamp_micros(1_790_000_000_000_000).unwrap();
        let base = entry_hash(GENESIS, 1, 1, at, Some(7), "read", "contact", Some(3), None);
        assert_eq!(base.len(), 64);
        let others = [
            entry_hash(GENESIS, 2, 1, at, Some(7), "read", "contact", Some(3), None),
            entry_hash(GENESIS, 1, 2, at, Some(7), "read", "contact", Some(3), None),
            entry_hash(
                GENESIS,
                1,
                1,
                at + chrono::Duration::microseconds(1),
                Some(7),
                "read",
                "contact",
                Some(3),
                None,
            ),
            entry_hash(GENESIS, 1, 1, at, Some(8), "read", "contact", Some(3), None),
            entry_hash(GENESIS, 1, 1, at, None, "read", "contact", Some(3), None),
            entry_hash(GENESIS, 1, 1, at, Some(7), "update", "contact", Some(3), None),
            entry_hash(GENESIS, 1, 1, at, Some(7), "read", "person", Some(3), None),
            entry_hash(GENESIS, 1, 1, at, Some(7), "read", "contact", Some(4), None),
            entry_hash(GENESIS, 1, 1, at, Some(7), "read", "contact", Some(3), Some("housing")),
            entry_hash(&base, 1, 1, at, Some(7), "read", "contact", Some(3), None),
        ];
        for other in others {
            assert_ne!(other, base);
        }
    }
}
