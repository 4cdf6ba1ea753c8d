//! A short-lived cache of public directory answers (search, facility, GeoJSON, HSDS):
//! council sites and widgets ask the same questions over and over. Keyed by language and
//! URL, and by the database handle's write generation (`Db::data_generation`), so a
//! change made through this node shows at once; one made on another node shows within
//! `TTL`. Each entry keeps its serialized body and ETag. When an entry outlives `TTL`, one
//! request recomputes it while the others keep getting the old one (no stampede of 64
//! identical queries every `TTL`); after a local write nobody gets the old one.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use domain::AppError;
use serde::Serialize;

const TTL: Duration = Duration::from_secs(10);
/// Past this many bytes of answers and keys, or this many entries, the cache starts over
/// (simple, and bounded: searches at ever-new positions would otherwise fill it with
/// answers nobody asks for again).
const MAX_BYTES: usize = 32 * 1024 * 1024;
const MAX_ENTRIES: usize = 10_000;

#[derive(Clone)]
pub struct Entry {
    generation: u64,
    at: Instant,
    /// A request is recomputing this (expired) entry.
    refreshing: bool,
    pub body: Bytes,
    /// Strong ETag of `body`, quoted.
    pub etag: String,
}

pub struct PublicCache {
    /// Whose write generation the entries key on.
    db: domain::Db,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    by_key: HashMap<String, Entry>,
    /// Sum of the bodies' and keys' sizes.
    bytes: usize,
}

impl PublicCache {
    pub fn new(db: domain::Db) -> PublicCache {
        PublicCache { db, entries: Mutex::default() }
    }

    /// How many answers are kept now.
    pub fn entry_count(&self) -> usize {
        self.entries.lock().map(|m| m.by_key.len()).unwrap_or_default()
    }

    /// The cached answer for `key`, or `make`'s, serialized and stored.
    pub async fn get_or<T: Serialize>(
        &self,
        key: String,
        make: impl Future<Output = domain::Result<T>>,
    ) -> Result<Entry, AppError> {
        // Read before computing: a write meanwhile makes this entry stale at once.
        let generation = self.db.data_generation();
        if let Ok(mut m) = self.entries.lock() {
            if let Some(e) = m.by_key.get_mut(&key).filter(|e| e.generation == generation) {
                // A refresh that never came back (its client went away) is retried.
                if e.at.elapsed() < TTL || (e.refreshing && e.at.elapsed() < 3 * TTL) {
                    return Ok(e.clone());
                }
                e.refreshing = true;
            }
        }
        let computed = compute(generation, make).await;
        if let Ok(mut m) = self.entries.lock() {
            match &computed {
                Ok(entry) => {
                    let size = entry.body.len() + key.len();
                    if m.bytes + size > MAX_BYTES || m.by_key.len() >= MAX_ENTRIES {
                        *m = Entries::default();
                    }
                    m.bytes += size;
                    if let Some(old) = m.by_key.insert(key.clone(), entry.clone()) {
                        m.bytes -= old.body.len() + key.len();
                    }
                }
                // Let the next request try again.
                Err(_) => {
                    if let Some(e) = m.by_key.get_mut(&key) {
                        e.refreshing = false;
                    }
                }
            }
        }
        computed
    }
}

async fn compute<T: Serialize>(
    generation: u64,
    make: impl Future<Output = domain::Result<T>>,
) -> Result<Entry, AppError> {
    let body = serde_json::to_vec(&make.await?).map_err(|e| AppError::Internal(format!("serialize: {e}")))?;
    // A validator, not a signature: 64 bits of SipHash tell two versions of one URL's
    // answer apart, several times faster than a cryptographic digest of every answer
    // (and the same on every node running the same build).
    let mut hasher = std::hash::DefaultHasher::new();
    std::hash::Hasher::write(&mut hasher, &body);
    let etag = format!("\"{:016x}\"", std::hash::Hasher::finish(&hasher));
    Ok(Entry { generation, at: Instant::now(), refreshing: false, body: Bytes::from(body), etag })
}
