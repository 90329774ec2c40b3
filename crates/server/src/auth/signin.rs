//! Checking a user name and password without letting a flood of bad ones starve the server:
//! failures are counted per user name and per client address in a window (in the database,
//! so every server process sees them) and past the limit answered 429 without hashing; the
//! argon2 checks run on a few threads of their own with a short queue, and beyond it 429 too
//! (their own threads, so the memory argon2 takes is reused, not held per pool thread); an unknown
//! name is checked against a dummy hash, so it costs what a known one does.

use super::password::{hash_password, VerifiedCache};
use crate::error::ApiError;
use crate::store::users::UserRow;
use crate::store::{now_ms, Store};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How sign-in is throttled.
#[derive(Clone, Debug)]
pub struct SignInLimits {
    /// The window failures are counted in.
    pub window: Duration,
    /// Failures allowed per user name in a window.
    pub per_name: i64,
    /// Failures allowed per client address in a window.
    pub per_address: i64,
    /// Password checks run at once (each holds about 19 MB for a few tens of ms).
    pub hashers: usize,
    /// Checks that may wait for a hasher; more are answered 429 at once.
    pub queue: usize,
}

impl Default for SignInLimits {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Self {
            window: Duration::from_secs(60),
            per_name: 5,
            per_address: 20,
            hashers: (cores / 2).max(1),
            queue: 16,
        }
    }
}

/// How long an address that signed in as a name stays trusted for it (30 days).
const TRUSTED_FOR_MS: i64 = 30 * 86_400_000;

/// The user, unless disabled.
fn admit(u: UserRow) -> Result<UserRow, ApiError> {
    if u.disabled {
        return Err(ApiError::Unauthorized(
            "This user is disabled: ask an administrator to enable it.".into(),
        ));
    }
    Ok(u)
}

/// The part of a client address the throttle counts: the address, or for IPv6 its /64 (one
/// host usually holds a whole /64 and can pick any address in it).
fn address_group(address: &str) -> String {
    match address.parse::<std::net::Ipv6Addr>() {
        Ok(v6) if v6.to_ipv4_mapped().is_none() => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        _ => address.to_string(),
    }
}

/// What every refused sign-in attempt is told, known user or not.
pub const DENIED: &str = "Invalid username or password.";

/// One password check for the hashing threads.
struct Check {
    user: String,
    password: String,
    hash: String,
    reply: tokio::sync::oneshot::Sender<bool>,
}

pub struct SignInGuard {
    limits: SignInLimits,
    /// The hashing threads' queue (they stop when the guard is dropped).
    checks: SyncSender<Check>,
    /// A hash of a random password: what an unknown name is checked against.
    dummy: String,
    verified: Arc<VerifiedCache>,
}

impl SignInGuard {
    pub fn new(limits: SignInLimits) -> anyhow::Result<Self> {
        let (checks, queue) = sync_channel::<Check>(limits.queue);
        let queue = Arc::new(Mutex::new(queue));
        let verified = Arc::new(VerifiedCache::default());
        for i in 0..limits.hashers.max(1) {
            let (queue, verified) = (queue.clone(), verified.clone());
            std::thread::Builder::new()
                .name(format!("password-check-{i}"))
                .spawn(move || hashing_thread(&queue, &verified))?;
        }
        Ok(Self {
            checks,
            dummy: hash_password(&super::password::generate_password())?,
            verified,
            limits,
        })
    }

    /// The user with these credentials, or 401 (unknown name, wrong password, disabled), or
    /// 429 with `Retry-After` (too many failures for this name or address, or too many checks
    /// waiting). Failures are logged and audited.
    pub async fn check(
        &self,
        store: &Store,
        username: &str,
        password: &str,
        address: &str,
    ) -> Result<UserRow, ApiError> {
        // Names are counted and audited as sent, cut to a sane length.
        let username = match username.char_indices().nth(200) {
            Some((i, _)) => &username[..i],
            None => username,
        };
        let user = store.user(username).await?;
        // Credentials that verified a moment ago (a script sending Basic on every call) pass
        // without counting or hashing: only a right password gets here.
        if let Some(u) = &user {
            if self.verified.recently(username, password, &u.password_hash) {
                return admit(u.clone());
            }
        }
        let name_key = format!("user:{}", username.to_lowercase());
        let address_key = format!("addr:{}", address_group(address));
        let trusted_key = format!(
            "trusted:{}:{}",
            username.to_lowercase(),
            address_group(address)
        );
        let window_ms = self.limits.window.as_millis() as i64;
        let now = now_ms();
        let since = now - window_ms;
        // Counted before the password is checked, so attempts made at once cannot all pass.
        let (counts, trusted_since) = store
            .reserve_signin(
                &[name_key.clone(), address_key.clone()],
                since,
                &trusted_key,
            )
            .await?;
        // Old windows are forgotten now and then (about one attempt in 16).
        if now % 16 == 0 {
            if let Err(e) = store.forget_old_signins(since, now - TRUSTED_FOR_MS).await {
                tracing::debug!(error = %e, "forgetting old sign-in counts");
            }
        }
        // An address this name signed in from lately is not held back by failures of the name
        // elsewhere (someone guessing cannot lock its owner out), only by its own limit.
        let trusted = trusted_since.is_some_and(|t| t > now - TRUSTED_FOR_MS);
        let waits: Vec<i64> = counts
            .iter()
            .filter(|(k, _, n)| {
                if *k == name_key {
                    !trusted && *n > self.limits.per_name
                } else {
                    *n > self.limits.per_address
                }
            })
            .map(|(_, started, _)| started + window_ms - now)
            .collect();
        if let Some(wait) = waits.into_iter().max() {
            let wait_secs = (wait.max(1000) as u64).div_ceil(1000);
            return Err(ApiError::TooMany {
                message: format!(
                    "Too many failed sign-ins for this user name or from this address: try again in {wait_secs} s."
                ),
                retry_after_secs: wait_secs,
            });
        }
        let hash = user
            .as_ref()
            .map_or(self.dummy.clone(), |u| u.password_hash.clone());
        let ok = self.verify(username, password, hash).await? && user.is_some();
        match user {
            Some(u) if ok => {
                store
                    .signin_succeeded(&name_key, &address_key, &trusted_key)
                    .await?;
                admit(u)
            }
            _ => {
                tracing::warn!(user = username, address, "failed sign-in");
                store.audit_signin_failure(username, address).await?;
                Err(ApiError::Unauthorized(DENIED.into()))
            }
        }
    }

    /// argon2 on the hashing threads (credentials that verified a moment ago were let in by
    /// [`Self::check`] before counting).
    async fn verify(&self, user: &str, password: &str, hash: String) -> Result<bool, ApiError> {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let check = Check {
            user: user.to_string(),
            password: password.to_string(),
            hash,
            reply,
        };
        match self.checks.try_send(check) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return Err(ApiError::TooMany {
                    message: "The server is busy checking other sign-ins: try again in a moment."
                        .into(),
                    retry_after_secs: 1,
                })
            }
            Err(TrySendError::Disconnected(_)) => {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "the password-check threads have stopped"
                )))
            }
        }
        answer.await.map_err(|e| ApiError::Internal(e.into()))
    }
}

/// Checks passwords from `queue` until the guard is dropped.
fn hashing_thread(queue: &Mutex<Receiver<Check>>, verified: &VerifiedCache) {
    loop {
        let next = match queue.lock() {
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        let Ok(c) = next else { return };
        let ok = verified.verify(&c.user, &c.password, &c.hash);
        let _ = c.reply.send(ok);
    }
}

#[cfg(test)]
mod tests {
    use super::address_group;

    #[test]
    fn ipv6_addresses_are_counted_per_64() {
        assert_eq!(address_group("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
        assert_eq!(
            address_group("2001:db8:1:2:ffff:ffff:ffff:ffff"),
            address_group("2001:db8:1:2::7")
        );
        assert_ne!(
            address_group("2001:db8:1:3::1"),
            address_group("2001:db8:1:2::1")
        );
        assert_eq!(address_group("10.1.2.3"), "10.1.2.3");
        assert_eq!(address_group("unknown"), "unknown");
    }
}
