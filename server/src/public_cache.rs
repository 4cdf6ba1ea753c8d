//! A short-lived cache of public directory answers (search, facility, GeoJSON, HSDS):
//! council sites and widgets ask the same questions over and over. Keyed by language and
//! URL, and by the database handle's write generation (`Db::data_generation`), so a
//! change made through this node shows at once; one made on another node shows within
//! `TTL`. Each entry keeps its serialized body and ETag. When an entry outlives `TTL`, one
//! request recomputes it while the others keep getting the old one (no stampede of 64
//! identical queries every `TTL`); after a local write nobody gets the old one. An answer
//! is kept from the second time its key is asked: searches at ever-new positions (every
//! citizen's "near me") would otherwise fill the cache with answers nobody asks for again.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::hash::{BuildHasher, RandomState};
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
/// Keys remembered as asked once (8 bytes each) before that memory starts over.
const MAX_SEEN: usize = 100_000;

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
    seen_hasher: RandomState,
}

#[derive(Default)]
struct Entries {
    by_key: HashMap<String, Entry>,
    /// Sum of the bodies' and keys' sizes.
    bytes: usize,
    /// Hashes of the keys asked for once and not kept.
    seen: HashSet<u64>,
}

impl PublicCache {
    pub fn new(db: domain::Db) -> PublicCache {
        PublicCache { db, entries: Mutex::default(), seen_hasher: RandomState::new() }
    }

    /// How many answers are kept now.
    pub fn entry_count(&self) -> usize {
        self.entries.lock().map(|m| m.by_key.len()).unwrap_or_default()
    }

    /// The cached answer for `key`, or the body `make` wrote (`to_json`), stored.
    pub async fn get_or_written(
        &self,
        key: String,
        make: impl Future<Output = domain::Result<Vec<u8>>>,
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
        let mut dropped = None;
        if let Ok(mut m) = self.entries.lock() {
            match &computed {
                Ok(_) if !m.by_key.contains_key(&key) && m.seen.insert(self.seen_hasher.hash_one(&key)) => {
                    if m.seen.len() > MAX_SEEN {
                        m.seen.clear();
                    }
                }
                Ok(entry) => {
                    let size = entry.body.len() + key.len();
                    if m.bytes + size > MAX_BYTES || m.by_key.len() >= MAX_ENTRIES {
                        dropped = Some(std::mem::take(&mut *m));
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
        // Freed outside the lock: thousands of answers would hold up every other request.
        drop(dropped);
        computed
    }
}

/// A value as the JSON body of an answer.
pub fn to_json<T: Serialize>(value: &T) -> domain::Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| AppError::Internal(format!("serialize: {e}")))
}

async fn compute(generation: u64, make: impl Future<Output = domain::Result<Vec<u8>>>) -> Result<Entry, AppError> {
    let body = make.await?;
    // A validator, not a signature: 64 bits of SipHash tell two versions of one URL's
    // answer apart, several times faster than a cryptographic digest of every answer
    // (and the same on every node running the same build).
    let mut hasher = std::hash::DefaultHasher::new();
    std::hash::Hasher::write(&mut hasher, &body);
    let etag = format!("\"{:016x}\"", std::hash::Hasher::finish(&hasher));
    Ok(Entry { generation, at: Instant::now(), refreshing: false, body: Bytes::from(body), etag })
}
