//! Password hashing (argon2id) and a short-lived cache of verified Basic credentials, so that
//! scripts using HTTP Basic do not pay an argon2 verification on every call.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing password: {e}"))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A random password for the first admin: 20 characters from an unambiguous alphabet.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// Remembers (user, sha256(password, hash)) pairs that verified recently.
#[derive(Default)]
pub struct VerifiedCache {
    inner: Mutex<HashMap<[u8; 32], Instant>>,
}

impl VerifiedCache {
    const TTL: Duration = Duration::from_secs(60);

    fn key(user: &str, password: &str, hash: &str) -> [u8; 32] {
        let mut h = Sha256::new();
        for part in [user, password, hash] {
            h.update((part.len() as u64).to_le_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().into()
    }

    /// True when these credentials verified within the last minute (no hashing).
    pub fn recently(&self, user: &str, password: &str, hash: &str) -> bool {
        let key = Self::key(user, password, hash);
        self.inner
            .lock()
            .is_ok_and(|map| map.get(&key).is_some_and(|t| t.elapsed() < Self::TTL))
    }

    /// Verifies, remembering a success for a minute.
    pub fn verify(&self, user: &str, password: &str, hash: &str) -> bool {
        if self.recently(user, password, hash) {
            return true;
        }
        let key = Self::key(user, password, hash);
        let ok = verify_password(password, hash);
        if ok {
            if let Ok(mut map) = self.inner.lock() {
                map.retain(|_, t| t.elapsed() < Self::TTL);
                map.insert(key, Instant::now());
            }
        }
        ok
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_the_right_password() {
        let h = hash_password("correct horse").unwrap();
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
        let cache = VerifiedCache::default();
        assert!(cache.verify("u", "correct horse", &h));
        assert!(cache.verify("u", "correct horse", &h));
        assert!(!cache.verify("u", "wrong", &h));
        assert_eq!(generate_password().len(), 20);
    }
}
