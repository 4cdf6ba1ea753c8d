//! A per-client token bucket for public calls that cost work and need no login (the
//! benefits evaluation): each client (by IP address) gets `burst` calls at once, then
//! `per_second`. In memory and per node: it stops a runaway script, not a distributed
//! attack (a reverse proxy in front does that).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

pub struct RateLimit {
    burst: f64,
    per_second: f64,
    buckets: Mutex<HashMap<Option<IpAddr>, Bucket>>,
}

#[derive(Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Past this many clients, the buckets that refilled are forgotten.
const MAX_CLIENTS: usize = 10_000;

impl RateLimit {
    pub fn new(burst: u32, per_second: f64) -> RateLimit {
        RateLimit { burst: f64::from(burst), per_second, buckets: Mutex::default() }
    }

    /// Takes one call for `client` (`None`: the address is unknown, all such share one
    /// bucket); `false` when its bucket is empty.
    pub fn allow(&self, client: Option<IpAddr>) -> bool {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if buckets.len() >= MAX_CLIENTS {
            let (burst, rate) = (self.burst, self.per_second);
            buckets.retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * rate < burst);
        }
        let bucket = buckets.entry(client).or_insert(Bucket { tokens: self.burst, at: now });
        bucket.tokens = (bucket.tokens + now.duration_since(bucket.at).as_secs_f64() * self.per_second).min(self.burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_gets_its_burst_then_waits_while_others_are_served() {
        let limit = RateLimit::new(3, 0.0);
        let a = Some(IpAddr::from([192, 0, 2, 1]));
        let b = Some(IpAddr::from([192, 0, 2, 2]));
        assert!((0..3).all(|_| limit.allow(a)));
        assert!(!limit.allow(a));
        assert!(limit.allow(b));
    }

    #[test]
    fn the_bucket_refills_over_time() {
        let limit = RateLimit::new(1, 1000.0);
        let a = Some(IpAddr::from([192, 0, 2, 1]));
        assert!(limit.allow(a));
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(limit.allow(a));
    }
}
