//! A short-lived cache of public directory answers (search, facility, GeoJSON, HSDS):
//! council sites and widgets ask the same questions over and over. Keyed by language and
//! URL, and by this process's write generation (`domain::tenancy::data_generation`), so a
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
use sha2::{Digest, Sha256};

const TTL: Duration = Duration::from_secs(10);
/// Past this many entries the cache starts over (simple, and bounded).
const MAX_ENTRIES: usize = 5_000;

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

#[derive(Default)]
pub struct PublicCache {
    entries: Mutex<HashMap<String, Entry>>,
}

impl PublicCache {
    /// The cached answer for `key`, or `make`'s, serialized and stored.
    pub async fn get_or<T: Serialize>(
        &self,
        key: String,
        make: impl Future<Output = domain::Result<T>>,
    ) -> Result<Entry, AppError> {
        // Read before computing: a write meanwhile makes this entry stale at once.
        let generation = domain::tenancy::data_generation();
        if let Ok(mut m) = self.entries.lock() {
            if let Some(e) = m.get_mut(&key).filter(|e| e.generation == generation) {
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
                    if m.len() >= MAX_ENTRIES {
                        m.clear();
                    }
                    m.insert(key, entry.clone());
                }
                // Let the next request try again.
                Err(_) => {
                    if let Some(e) = m.get_mut(&key) {
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
    let digest = Sha256::digest(&body);
    let etag = format!("\"{}\"", digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<String>());
    Ok(Entry { generation, at: Instant::now(), refreshing: false, body: Bytes::from(body), etag })
}
