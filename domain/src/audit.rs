//! The audit log of personal data (docs/ARCHITECTURE.md §4): every read and write of a contact,
//! person or case appends who, when, which object (and section), what; a list names the
//! ids it showed. Entries are chained per tenant, in the same transaction as what they
//! record: an action that fails leaves no entry, and an entry cannot be written without
//! its action. The exceptions are the entries that must stand whatever the transaction's
//! fate — a refused attempt on case data, a duplicate check that answered "this person
//! exists" — kept with [`keep`] and written even when the transaction rolls back.
//!
//! Each entry's `hash` is HMAC-SHA256, under the deployment's [`AuditKey`] (a file outside
//! the database), over its fields and the previous entry's hash; `seq` numbers a tenant's
//! entries 1, 2, 3, … So a changed entry breaks its own hash, a removed or inserted one
//! breaks the numbering or the link, and nobody without the key can forge a chain that
//! verifies. Signed [`Checkpoint`]s of every chain's head, written outside the database,
//! catch what the chain alone cannot: a cut-off tail, or a whole chain gone.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use entity::{audit_entry, tenant};
use hmac::{Hmac, Mac};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set, Statement,
};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use types::{TenantId, UserId};

use crate::tenancy::TenantTx;
use crate::Db;
use crate::{AppError, Result};

/// The `prev_hash` of a tenant's first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The key of the chains' HMAC and of the checkpoints' signatures: 32 random bytes, read
/// from configuration at start (`openwelfare audit new-key`), never stored in the
/// database nor logged.
#[derive(Clone)]
pub struct AuditKey(Arc<[u8; 32]>);

impl AuditKey {
    pub fn generate() -> AuditKey {
        use rand::RngCore;
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        AuditKey(Arc::new(bytes))
    }

    /// A key written as 64 hexadecimal digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> std::result::Result<AuditKey, String> {
        let bytes = hex::decode(text.trim()).map_err(|_| "the audit key is not hexadecimal".to_string())?;
        let bytes: [u8; 32] =
            bytes.try_into().map_err(|_| "the audit key must be 32 bytes (64 hexadecimal digits)".to_string())?;
        Ok(AuditKey(Arc::new(bytes)))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(*self.0)
    }

    fn mac(&self, text: &str) -> String {
        #[allow(clippy::expect_used)]
        let mut mac = Hmac::<Sha256>::new_from_slice(&*self.0).expect("HMAC takes a key of any length");
        mac.update(text.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    fn mac_matches(&self, text: &str, expected: &str) -> bool {
        let Ok(expected) = hex::decode(expected) else { return false };
        #[allow(clippy::expect_used)]
        let mut mac = Hmac::<Sha256>::new_from_slice(&*self.0).expect("HMAC takes a key of any length");
        mac.update(text.as_bytes());
        mac.verify_slice(&expected).is_ok()
    }
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

/// What was done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Read,
    List,
    Create,
    Update,
    Delete,
    Export,
    /// A check whose answer reveals data (the duplicate-person warning), with the ids it matched.
    Check,
    /// An attempt on case data that was refused (not found or forbidden for the caller).
    Refused,
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
            Action::Check => "check",
            Action::Refused => "refused",
        }
    }
}

/// One thing to record: an action on an object (`contact` 12, `case` 3 section `housing`),
/// or on the objects a list showed (`listed`).
#[derive(Clone, Debug)]
pub struct Event<'a> {
    pub action: Action,
    pub object_type: &'a str,
    pub object_id: Option<i64>,
    pub section: Option<&'a str>,
    pub listed: &'a [i64],
}

impl<'a> Event<'a> {
    /// `action` on object `id` of `object_type`.
    pub fn on(action: Action, object_type: &'a str, id: i64) -> Event<'a> {
        Event { action, object_type, object_id: Some(id), section: None, listed: &[] }
    }

    /// A list of `object_type` that showed the objects `listed`.
    pub fn list(object_type: &'a str, listed: &'a [i64]) -> Event<'a> {
        Event { action: Action::List, object_type, object_id: None, section: None, listed }
    }

    pub fn in_section(self, section: &'a str) -> Event<'a> {
        Event { section: Some(section), ..self }
    }
}

/// The stored form of `listed`: ids joined by commas (empty: none).
fn listed_text(ids: &[i64]) -> Option<String> {
    (!ids.is_empty()).then(|| ids.iter().map(i64::to_string).collect::<Vec<_>>().join(","))
}

/// The text an entry's MAC is computed over: its fields, one unit separator between each.
#[allow(clippy::too_many_arguments)]
fn entry_text(
    prev: &str,
    tenant: i64,
    seq: i64,
    at: DateTime<Utc>,
    user: Option<i64>,
    action: &str,
    object_type: &str,
    object_id: Option<i64>,
    section: Option<&str>,
    listed: Option<&str>,
) -> String {
    format!(
        "{prev}\u{1f}{tenant}\u{1f}{seq}\u{1f}{}\u{1f}{}\u{1f}{action}\u{1f}{object_type}\u{1f}{}\u{1f}{}\u{1f}{}",
        at.timestamp_micros(),
        user.map(|u| u.to_string()).unwrap_or_default(),
        object_id.map(|i| i.to_string()).unwrap_or_default(),
        section.unwrap_or_default(),
        listed.unwrap_or_default(),
    )
}

fn text_of(e: &audit_entry::Model) -> String {
    entry_text(
        &e.prev_hash,
        e.tenant_id,
        e.seq,
        e.at,
        e.user_id,
        &e.action,
        &e.object_type,
        e.object_id,
        e.section.as_deref(),
        e.object_ids.as_deref(),
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
    let (seq, prev) = head_of(tx).await?.map_or((1, GENESIS.to_string()), |(s, h)| (s + 1, h));
    // Microseconds: what both databases keep, so the MAC reads back the same.
    let at = DateTime::from_timestamp_micros(tx.now().timestamp_micros()).unwrap_or_default();
    let user = user.map(|u| u.0);
    let action = event.action.code();
    let listed = listed_text(event.listed);
    let text = entry_text(
        &prev,
        tenant,
        seq,
        at,
        user,
        action,
        event.object_type,
        event.object_id,
        event.section,
        listed.as_deref(),
    );
    let row = audit_entry::ActiveModel {
        seq: Set(seq),
        at: Set(at),
        user_id: Set(user),
        action: Set(action.to_string()),
        object_type: Set(event.object_type.to_string()),
        object_id: Set(event.object_id),
        section: Set(event.section.map(str::to_string)),
        object_ids: Set(listed),
        prev_hash: Set(prev),
        hash: Set(tx.db().audit_key().mac(&text)),
        ..Default::default()
    };
    tx.insert(row).await?;
    Ok(())
}

/// The `seq` and MAC of the newest entry of the transaction's chain.
async fn head_of(tx: &TenantTx) -> Result<Option<(i64, String)>> {
    Ok(tx
        .select::<audit_entry::Entity>()
        .select_only()
        .column(audit_entry::Column::Seq)
        .column(audit_entry::Column::Hash)
        .order_by_desc(audit_entry::Column::Seq)
        .into_tuple()
        .one(tx.conn())
        .await?)
}

/// An entry noted with [`keep`], owned until it is written.
#[derive(Clone, Debug)]
pub(crate) struct KeptEntry {
    user: Option<UserId>,
    action: Action,
    object_type: String,
    object_id: Option<i64>,
    section: Option<String>,
    listed: Vec<i64>,
}

impl KeptEntry {
    fn event(&self) -> Event<'_> {
        Event {
            action: self.action,
            object_type: &self.object_type,
            object_id: self.object_id,
            section: self.section.as_deref(),
            listed: &self.listed,
        }
    }
}

/// Entries a transaction keeps whatever its fate: written just before it commits, or, if
/// it ends without committing (the usual way a refusal ends it), in a transaction of
/// their own right after.
#[derive(Default)]
pub(crate) struct Kept {
    entries: std::sync::Mutex<Vec<KeptEntry>>,
    /// Where to write them if the transaction does not commit.
    chain: Option<(Db, TenantId)>,
}

impl Kept {
    pub(crate) fn for_chain(db: &Db, tenant: TenantId) -> Kept {
        Kept { entries: Default::default(), chain: Some((db.clone(), tenant)) }
    }

    fn push(&self, user: UserId, event: Event<'_>) {
        let entry = KeptEntry {
            user: Some(user),
            action: event.action,
            object_type: event.object_type.to_string(),
            object_id: event.object_id,
            section: event.section.map(str::to_string),
            listed: event.listed.to_vec(),
        };
        if let Ok(mut entries) = self.entries.lock() {
            entries.push(entry);
        }
    }

    pub(crate) fn pending(&self) -> Vec<KeptEntry> {
        self.entries.lock().map(|e| e.clone()).unwrap_or_default()
    }

    /// The transaction committed with them: nothing left to write.
    pub(crate) fn written(&self) {
        if let Ok(mut e) = self.entries.lock() {
            e.clear();
        }
    }
}

impl Drop for Kept {
    fn drop(&mut self) {
        let entries = self.entries.get_mut().map(std::mem::take).unwrap_or_default();
        let (Some((db, tenant)), false) = (self.chain.take(), entries.is_empty()) else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            tracing::error!(tenant = tenant.0, "audit: no runtime to write {} kept entries", entries.len());
            return;
        };
        // The ending transaction (and, on SQLite, its writer turn) is released right after
        // this; the new one waits for its turn.
        runtime.spawn(async move {
            if let Err(e) = write_kept(&db, tenant, &entries).await {
                tracing::error!(tenant = tenant.0, error = %e, "audit: kept entries not written");
            }
        });
    }
}

async fn write_kept(db: &Db, tenant: TenantId, entries: &[KeptEntry]) -> Result<()> {
    let tx = TenantTx::for_operator(db, tenant).await?;
    for e in entries {
        record(&tx, e.user, e.event()).await?;
    }
    tx.commit().await
}

/// Writes the kept entries of `tx` into it (just before it commits).
pub(crate) async fn record_kept(tx: &TenantTx, entries: &[KeptEntry]) -> Result<()> {
    for e in entries {
        record(tx, e.user, e.event()).await?;
    }
    Ok(())
}

/// Notes `event` by `user` in `tx` to be written whether or not `tx` commits.
pub(crate) fn keep(tx: &TenantTx, user: UserId, event: Event<'_>) {
    tx.kept().push(user, event);
}

/// Writes `event` by `user` to `tenant`'s chain in a transaction of its own, right after
/// (a refusal decided before any transaction began).
pub(crate) fn keep_apart(db: &Db, tenant: TenantId, user: UserId, event: Event<'_>) {
    // Dropped at once: written by a transaction of its own.
    Kept::for_chain(db, tenant).push(user, event);
}

/// Passes `result` on; a refusal (not found, forbidden) of `user` on `object_type` `id`
/// (and `section`) is kept in the audit log first.
pub(crate) fn refusal<T>(
    tx: &TenantTx,
    user: UserId,
    object_type: &str,
    id: i64,
    section: Option<&str>,
    result: Result<T>,
) -> Result<T> {
    if let Err(AppError::NotFound | AppError::Forbidden) = &result {
        let event = Event { action: Action::Refused, object_type, object_id: Some(id), section, listed: &[] };
        keep(tx, user, event);
    }
    result
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
    /// The entry's fields no longer match its MAC: it was changed (or forged without the key).
    Content,
    /// The chain ends before the entry a checkpoint saw: its tail (or all of it) was removed.
    Truncated,
    /// The entry a checkpoint saw as the head is not the one there now.
    Replaced,
}

impl BreakReason {
    pub fn describe(self) -> &'static str {
        match self {
            BreakReason::Numbering => "an entry is missing or was inserted",
            BreakReason::Link => "the entry does not follow the one before it",
            BreakReason::Content => "the entry was changed after it was written",
            BreakReason::Truncated => "the entries from here on, seen by a checkpoint, were removed",
            BreakReason::Replaced => "the entry differs from the one a checkpoint saw",
        }
    }
}

/// One tenant's chain, checked.
#[derive(Clone, Debug)]
pub struct ChainReport {
    pub tenant: String,
    pub entries: u64,
    /// The MAC of the newest entry.
    pub head: String,
    pub broken: Option<Broken>,
    /// The checkpoint the chain was held to, if any: when it was taken.
    pub checkpoint: Option<DateTime<Utc>>,
}

/// Entries read per query while verifying.
const BATCH: u64 = 5_000;

/// Checks the chain of `tenant_id` from its first entry to its newest and, given the
/// head a checkpoint saw (`known`), that this entry is still there, unchanged.
pub async fn verify(db: &Db, tenant_id: TenantId, known: Option<&CheckpointedHead>) -> Result<ChainReport> {
    let t = tenant::Entity::find_by_id(tenant_id.0).one(db).await?.ok_or(AppError::NotFound)?;
    let key = db.audit_key();
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
            } else if !key.mac_matches(&text_of(&e), &e.hash) {
                Some(BreakReason::Content)
            } else if known.is_some_and(|k| k.head.entries == e.seq && k.head.head != e.hash) {
                Some(BreakReason::Replaced)
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
    let entries = expected_seq - 1;
    if broken.is_none() && known.is_some_and(|k| entries < k.head.entries) {
        broken = Some(Broken { position: entries + 1, entry_id: None, reason: BreakReason::Truncated });
    }
    Ok(ChainReport { tenant: t.slug, entries: entries as u64, head: prev, broken, checkpoint: known.map(|k| k.at) })
}

/// Every tenant's chain, in id order, each held to the longest head the `checkpoints`
/// saw of it (a tenant a checkpoint saw that is gone is reported as truncated).
pub async fn verify_all(db: &Db, checkpoints: &[Checkpoint]) -> Result<Vec<ChainReport>> {
    let mut known = longest_heads(checkpoints);
    let ids: Vec<i64> = tenant::Entity::find()
        .select_only()
        .column(tenant::Column::Id)
        .order_by_asc(tenant::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let mut out = Vec::new();
    for id in ids {
        out.push(verify(db, TenantId(id), known.remove(&id).as_ref()).await?);
    }
    for gone in known.into_values() {
        out.push(ChainReport {
            tenant: gone.head.tenant,
            entries: 0,
            head: GENESIS.to_string(),
            broken: Some(Broken { position: 1, entry_id: None, reason: BreakReason::Truncated }),
            checkpoint: Some(gone.at),
        });
    }
    Ok(out)
}

/// The chain of the tenant called `slug`, held to the `checkpoints`.
pub async fn verify_slug(db: &Db, slug: &str, checkpoints: &[Checkpoint]) -> Result<ChainReport> {
    let t = tenant::Entity::find().filter(tenant::Column::Slug.eq(slug)).one(db).await?.ok_or(AppError::NotFound)?;
    let known = longest_heads(checkpoints).remove(&t.id);
    verify(db, TenantId(t.id), known.as_ref()).await
}

/// The head of one chain as a checkpoint saw it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainHead {
    pub tenant_id: i64,
    pub tenant: String,
    /// How many entries the chain had.
    pub entries: i64,
    /// The MAC of its newest entry.
    pub head: String,
}

/// A chain's head and the checkpoint that saw it.
#[derive(Clone, Debug)]
pub struct CheckpointedHead {
    pub head: ChainHead,
    pub at: DateTime<Utc>,
}

/// The heads of every chain at one moment, signed with the audit key: written outside
/// the database (`openwelfare audit checkpoint`, and periodically by `serve`), so whoever
/// holds the database alone cannot remove entries unseen.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Checkpoint {
    pub format: String,
    pub at: DateTime<Utc>,
    pub chains: Vec<ChainHead>,
    /// HMAC-SHA256 (hex) of the fields above.
    pub signature: String,
}

const CHECKPOINT_FORMAT: &str = "openwelfare-audit-checkpoint/1";

impl Checkpoint {
    fn signed_text(&self) -> String {
        let mut text = format!("{}\n{}\n", self.format, self.at.timestamp_micros());
        for c in &self.chains {
            text.push_str(&format!("{}\u{1f}{}\u{1f}{}\u{1f}{}\n", c.tenant_id, c.tenant, c.entries, c.head));
        }
        text
    }

    /// Whether the signature is this deployment's over these contents.
    pub fn is_genuine(&self, key: &AuditKey) -> bool {
        self.format == CHECKPOINT_FORMAT && key.mac_matches(&self.signed_text(), &self.signature)
    }
}

/// A signed checkpoint of every chain's head, now.
pub async fn checkpoint(db: &Db) -> Result<Checkpoint> {
    let tenants = tenant::Entity::find().order_by_asc(tenant::Column::Id).all(db).await?;
    let mut chains = Vec::with_capacity(tenants.len());
    for t in tenants {
        let tx = TenantTx::for_operator(db, TenantId(t.id)).await?;
        let last = head_of(&tx).await?;
        tx.commit().await?;
        if let Some((entries, head)) = last {
            chains.push(ChainHead { tenant_id: t.id, tenant: t.slug, entries, head });
        }
    }
    let at = DateTime::from_timestamp_micros(db.now().timestamp_micros()).unwrap_or_default();
    let mut cp = Checkpoint { format: CHECKPOINT_FORMAT.to_string(), at, chains, signature: String::new() };
    cp.signature = db.audit_key().mac(&cp.signed_text());
    Ok(cp)
}

/// For each tenant, the longest head any of `checkpoints` saw (the later one on a tie).
fn longest_heads(checkpoints: &[Checkpoint]) -> std::collections::HashMap<i64, CheckpointedHead> {
    let mut out: std::collections::HashMap<i64, CheckpointedHead> = Default::default();
    for cp in checkpoints {
        for c in &cp.chains {
            let longer = out.get(&c.tenant_id).is_none_or(|k| (c.entries, cp.at) > (k.head.entries, k.at));
            if longer {
                out.insert(c.tenant_id, CheckpointedHead { head: c.clone(), at: cp.at });
            }
        }
    }
    out
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
        for a in [Read, List, Create, Update, Delete, Export, Check, Refused] {
            assert!(types::cases::AUDIT_ACTIONS.contains(&a.code()), "{a:?}");
        }
    }

    fn text(
        prev: &str,
        tenant: i64,
        seq: i64,
        user: Option<i64>,
        action: &str,
        object: (&str, Option<i64>),
        section: Option<&str>,
        listed: Option<&str>,
    ) -> String {
        let at = DateTime::from_timestamp_micros(1_790_000_000_000_000).unwrap_or_default();
        entry_text(prev, tenant, seq, at, user, action, object.0, object.1, section, listed)
    }

    #[test]
    fn every_field_is_under_the_mac() {
        let key = AuditKey::generate();
        let base = text(GENESIS, 1, 1, Some(7), "read", ("contact", Some(3)), None, None);
        let mac = key.mac(&base);
        assert_eq!(mac.len(), 64);
        assert!(key.mac_matches(&base, &mac));
        // Another key gives another MAC: without the key no entry can be forged.
        assert!(!AuditKey::generate().mac_matches(&base, &mac));
        let at = DateTime::from_timestamp_micros(1_790_000_000_000_001).unwrap_or_default();
        let others = [
            text(GENESIS, 2, 1, Some(7), "read", ("contact", Some(3)), None, None),
            text(GENESIS, 1, 2, Some(7), "read", ("contact", Some(3)), None, None),
            entry_text(GENESIS, 1, 1, at, Some(7), "read", "contact", Some(3), None, None),
            text(GENESIS, 1, 1, Some(8), "read", ("contact", Some(3)), None, None),
            text(GENESIS, 1, 1, None, "read", ("contact", Some(3)), None, None),
            text(GENESIS, 1, 1, Some(7), "update", ("contact", Some(3)), None, None),
            text(GENESIS, 1, 1, Some(7), "read", ("person", Some(3)), None, None),
            text(GENESIS, 1, 1, Some(7), "read", ("contact", Some(4)), None, None),
            text(GENESIS, 1, 1, Some(7), "read", ("contact", Some(3)), Some("housing"), None),
            text(GENESIS, 1, 1, Some(7), "read", ("contact", Some(3)), None, Some("3,4")),
            text(&mac, 1, 1, Some(7), "read", ("contact", Some(3)), None, None),
        ];
        for other in others {
            assert!(!key.mac_matches(&other, &mac), "{other}");
        }
    }

    #[test]
    fn keys_read_back_and_refuse_bad_text() {
        let key = AuditKey::generate();
        let again = AuditKey::from_hex(&format!(" {}\n", key.to_hex())).unwrap();
        assert_eq!(again.mac("x"), key.mac("x"));
        assert!(AuditKey::from_hex("abc").is_err());
        assert!(AuditKey::from_hex(&"zz".repeat(32)).is_err());
        assert_eq!(format!("{key:?}"), "AuditKey(…)");
    }

    #[test]
    fn checkpoints_are_signed_and_the_longest_head_counts() {
        let key = AuditKey::generate();
        let at = |s: i64| DateTime::from_timestamp(1_790_000_000 + s, 0).unwrap_or_default();
        let head = |entries: i64| ChainHead { tenant_id: 1, tenant: "t".into(), entries, head: "h".repeat(64) };
        let signed = |at: DateTime<Utc>, chains: Vec<ChainHead>| {
            let mut cp = Checkpoint { format: CHECKPOINT_FORMAT.into(), at, chains, signature: String::new() };
            cp.signature = key.mac(&cp.signed_text());
            cp
        };
        let older = signed(at(0), vec![head(9)]);
        let newer = signed(at(60), vec![head(4)]);
        assert!(older.is_genuine(&key) && !older.is_genuine(&AuditKey::generate()));
        let mut forged = older.clone();
        forged.chains[0].entries = 3;
        assert!(!forged.is_genuine(&key));
        // A later checkpoint of a shorter chain does not hide what an earlier one saw.
        let known = longest_heads(&[older, newer]);
        assert_eq!(known[&1].head.entries, 9);
    }
}
