//! What is checked on every authenticated request beyond a token's signature, kept a moment
//! in memory: a JWT's session (the user's role, state and token version, whether this token
//! was signed out, the signing key's version), a service token's row, and each caller's
//! request rate.

use crate::store::users::{SessionState, TokenCheck};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a looked-up session or service token is trusted before it is read again: the
/// longest a revocation made by another server process takes to apply (this process's own
/// changes apply at once).
pub const SESSION_CACHE: Duration = Duration::from_secs(2);
/// Entries kept before expired ones are dropped.
const MAX_ENTRIES: usize = 50_000;

/// A small map of values with the time they were read.
pub struct Recent<V> {
    inner: Mutex<HashMap<String, (V, Instant)>>,
    ttl: Duration,
}

impl<V: Clone> Recent<V> {
    pub fn new(ttl: Duration) -> Self {
        Self {
            inner: Mutex::new(HashMap::new()),
            ttl,
        }
    }

    pub fn get(&self, key: &str) -> Option<V> {
        let map = self.inner.lock().ok()?;
        map.get(key)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(v, _)| v.clone())
    }

    pub fn put(&self, key: String, value: V) {
        if let Ok(mut map) = self.inner.lock() {
            if map.len() >= MAX_ENTRIES {
                let ttl = self.ttl;
                map.retain(|_, (_, at)| at.elapsed() < ttl);
                if map.len() >= MAX_ENTRIES {
                    map.clear();
                }
            }
            map.insert(key, (value, Instant::now()));
        }
    }

    /// Forgets `key`'s entry.
    pub fn remove(&self, key: &str) {
        if let Ok(mut map) = self.inner.lock() {
            map.remove(key);
        }
    }

    /// Forgets every entry whose key starts with `prefix`.
    pub fn forget(&self, prefix: &str) {
        if let Ok(mut map) = self.inner.lock() {
            map.retain(|k, _| !k.starts_with(prefix));
        }
    }
}

/// Sessions by `user\u{0}jti`, service tokens by id.
pub struct Sessions {
    pub jwts: Recent<SessionState>,
    pub service: Recent<TokenCheck>,
}

impl Default for Sessions {
    fn default() -> Self {
        Self {
            jwts: Recent::new(SESSION_CACHE),
            service: Recent::new(SESSION_CACHE),
        }
    }
}

impl Sessions {
    pub fn jwt_key(user: &str, jti: &str) -> String {
        format!("{user}\u{0}{jti}")
    }

    /// After a change to `user` in this process: their next request reads it.
    pub fn forget_user(&self, user: &str) {
        self.jwts.forget(&format!("{user}\u{0}"));
        // Their service tokens are capped by their role and state.
        if let Ok(mut map) = self.service.inner.lock() {
            map.retain(|_, (t, _)| t.owner != user);
        }
    }
}

/// A token bucket per caller: `rate` requests a second on average, bursts of `burst`.
pub struct RateLimiter {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<String, (f64, Instant)>>,
}

impl RateLimiter {
    /// `rate` 0 turns the limit off.
    pub fn new(rate: u32) -> Self {
        Self {
            rate: f64::from(rate),
            burst: f64::from(rate) * 2.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// `None` when `caller` may make a request now, else how many seconds until they may.
    pub fn take(&self, caller: &str) -> Option<u64> {
        if self.rate <= 0.0 {
            return None;
        }
        let now = Instant::now();
        let mut map = self.buckets.lock().ok()?;
        if map.len() >= MAX_ENTRIES {
            let full = self.burst / self.rate;
            map.retain(|_, (_, at)| now.duration_since(*at).as_secs_f64() < full);
        }
        let (tokens, at) = map.entry(caller.to_string()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            None
        } else {
            Some(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_allows_a_burst_then_the_rate() {
        let r = RateLimiter::new(5);
        let allowed = (0..30).filter(|_| r.take("t").is_none()).count();
        assert_eq!(allowed, 10, "a burst of twice the rate");
        assert_eq!(r.take("t"), Some(1));
        // Another caller has their own bucket.
        assert!(r.take("u").is_none());
        // Off.
        let off = RateLimiter::new(0);
        assert!((0..1000).all(|_| off.take("t").is_none()));
    }

    #[test]
    fn recent_entries_expire_and_are_forgotten_by_prefix() {
        let r: Recent<u32> = Recent::new(Duration::from_millis(50));
        r.put("alice\u{0}1".into(), 1);
        r.put("bob\u{0}1".into(), 2);
        assert_eq!(r.get("alice\u{0}1"), Some(1));
        r.forget("alice\u{0}");
        assert_eq!(r.get("alice\u{0}1"), None);
        assert_eq!(r.get("bob\u{0}1"), Some(2));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(r.get("bob\u{0}1"), None);
    }
}
