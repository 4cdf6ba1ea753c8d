//! A short-lived cache of public directory answers (search, facility, GeoJSON, HSDS):
//! council sites and widgets ask the same questions over and over. Keyed by language and
//! URL, and by this process's write generation (`domain::tenancy::data_generation`), so a
//! change made through this node shows at once; one made on another node shows within
//! `TTL`. Each entry keeps its serialized body and ETag.

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
        let hit = self.entries.lock().ok().and_then(|m| m.get(&key).cloned());
        if let Some(e) = hit.filter(|e| e.generation == generation && e.at.elapsed() < TTL) {
            return Ok(e);
        }
        let body = serde_json::to_vec(&make.await?).map_err(|e| AppError::Internal(format!("serialize: {e}")))?;
        let digest = Sha256::digest(&body);
        let etag = format!("\"{}\"", digest.iter().take(16).map(|b| format!("{b:02x}")).collect::<String>());
        let entry = Entry { generation, at: Instant::now(), body: Bytes::from(body), etag };
        if let Ok(mut m) = self.entries.lock() {
            if m.len() >= MAX_ENTRIES {
                m.clear();
            }
            m.insert(key, entry.clone());
        }
        Ok(entry)
    }
}
