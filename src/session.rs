//! Who is signed in: the JWT kept in sessionStorage (so it lives as long as the tab), its
//! decoded claims (`sub`, `role`, `exp`), and sign-out.

use leptos::prelude::*;
use serde::Deserialize;
use shipshape_model::Role;

const TOKEN_KEY: &str = "shipshape.token";

/// The JWT payload fields the console uses. The server signs and checks the token; the console
/// only reads it to label the top bar and to notice expiry before the server has to say so.
#[derive(Clone, Debug, PartialEq, Deserialize)]
pub struct Claims {
    pub sub: String,
    #[serde(default)]
    pub role: Option<String>,
    pub exp: i64,
}

impl Claims {
    pub fn role(&self) -> Role {
        self.role
            .as_deref()
            .and_then(|r| r.to_ascii_lowercase().parse().ok())
            .unwrap_or(Role::Viewer)
    }

    fn expired(&self, now_ms: f64) -> bool {
        (self.exp as f64) * 1000.0 <= now_ms
    }
}

#[derive(Clone, Copy)]
pub struct Session {
    token: RwSignal<Option<String>>,
}

pub fn provide_session() -> Session {
    let session = Session {
        token: RwSignal::new(storage().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten())),
    };
    provide_context(session);
    session
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}

impl Session {
    /// Claims of a token that is present, readable and not expired (tracked).
    pub fn claims(&self) -> Option<Claims> {
        self.token
            .with(|t| t.as_deref().and_then(decode_claims))
            .filter(|c| !c.expired(js_sys::Date::now()))
    }

    pub fn signed_in(&self) -> bool {
        self.claims().is_some()
    }

    /// The token to send, unless it is missing, unreadable or expired. Reads sessionStorage
    /// too, so a token replaced there (another view, a test) is the one that counts.
    pub fn valid_token_untracked(&self) -> Option<String> {
        let stored = storage().and_then(|s| s.get_item(TOKEN_KEY).ok().flatten());
        let token = stored.or_else(|| self.token.get_untracked())?;
        let claims = decode_claims(&token)?;
        (!claims.expired(js_sys::Date::now())).then_some(token)
    }

    pub fn role(&self) -> Role {
        self.claims().map(|c| c.role()).unwrap_or(Role::Viewer)
    }

    /// Operators and admins may delete assets; viewers see no delete control.
    pub fn can_delete(&self) -> bool {
        self.role().allows(Role::Operator)
    }

    pub fn sign_in(&self, token: String) {
        if let Some(s) = storage() {
            let _ = s.set_item(TOKEN_KEY, &token);
        }
        self.token.set(Some(token));
    }

    /// Forgets the token; the shell notices and shows sign-in.
    pub fn expire(&self) {
        if let Some(s) = storage() {
            let _ = s.remove_item(TOKEN_KEY);
        }
        self.token.try_set(None);
    }

    /// The raw token for the "reveal token" toggle of the API panel.
    pub fn raw_token_untracked(&self) -> Option<String> {
        self.valid_token_untracked()
    }
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

/// Reads the payload of a JWT (no signature check: that is the server's job).
pub fn decode_claims(token: &str) -> Option<Claims> {
    let payload = token.split('.').nth(1)?;
    let bytes = base64url_decode(payload)?;
    serde_json::from_slice(&bytes).ok()
}

/// Base64url without padding, as JWTs write it.
fn base64url_decode(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let mut acc = 0u32;
    let mut bits = 0;
    for c in s.bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            b'=' => break,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_read_from_the_payload() {
        // {"sub":"admin","role":"admin","exp":2000000000}
        let token = "e30.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiIsImV4cCI6MjAwMDAwMDAwMH0.sig";
        let c = decode_claims(token).unwrap();
        assert_eq!(c.sub, "admin");
        assert_eq!(c.role(), Role::Admin);
        assert!(!c.expired(1_000_000_000_000.0));
        assert!(c.expired(2_000_000_000_000.0));
        assert!(decode_claims("garbage").is_none());
    }
}
