//! JWTs: HS256 with a key generated on first start and kept in the database's settings
//! (owner-only on SQLite). The key's version is each token's `kid`: `shipshape keys rotate`
//! makes a new key, after which tokens signed with the old one are refused with a message
//! saying so.

use crate::error::ApiError;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{
    decode, decode_header, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation,
};
use serde::{Deserialize, Serialize};
use shipshape_model::Role;
use std::sync::RwLock;

/// Claims of a Shipshape token. `modulesAllowed` contains `"CS"` because some clients of the
/// Qualys API check it. `ver` is the user's token version when it was issued and `jti` its
/// own id (for signing it out); tokens from before they existed read as version 0, no id.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub role: String,
    pub modules_allowed: Vec<String>,
    pub iss: String,
    #[serde(default)]
    pub ver: i64,
    #[serde(default)]
    pub jti: String,
}

/// Why a token was refused before its session was looked at.
#[derive(Debug)]
pub enum TokenError {
    Expired,
    Invalid,
    /// Signed with another version of the key than the one this process holds.
    OtherKey(i64),
}

impl From<TokenError> for ApiError {
    fn from(e: TokenError) -> Self {
        match e {
            TokenError::Expired => {
                ApiError::Unauthorized("JWT expired: get a new token from POST /auth.".into())
            }
            TokenError::Invalid => {
                ApiError::Unauthorized("Invalid JWT: get a token from POST /auth.".into())
            }
            TokenError::OtherKey(_) => ApiError::Unauthorized(ROTATED.into()),
        }
    }
}

/// What a token signed with a retired key is told.
pub const ROTATED: &str =
    "JWT signed with a key that has been rotated since: sign in again (POST /auth).";

struct Keys {
    kid: i64,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

pub struct TokenKeys {
    keys: RwLock<Keys>,
    pub ttl_secs: i64,
}

impl TokenKeys {
    /// Tokens live 4 hours.
    pub const DEFAULT_TTL_SECS: i64 = 4 * 3600;

    /// Keys of version 1 (tokens without a `kid` were signed with it).
    pub fn new(secret: &[u8], ttl_secs: i64) -> Self {
        Self::with_version(secret, 1, ttl_secs)
    }

    pub fn with_version(secret: &[u8], kid: i64, ttl_secs: i64) -> Self {
        Self {
            keys: RwLock::new(Keys {
                kid,
                encoding: EncodingKey::from_secret(secret),
                decoding: DecodingKey::from_secret(secret),
            }),
            ttl_secs,
        }
    }

    /// The version of the key tokens are signed with now.
    pub fn version(&self) -> i64 {
        self.keys.read().map(|k| k.kid).unwrap_or(0)
    }

    /// Takes a newer key (read from the database after a rotation).
    pub fn replace(&self, secret: &[u8], kid: i64) {
        if let Ok(mut k) = self.keys.write() {
            if kid > k.kid {
                *k = Keys {
                    kid,
                    encoding: EncodingKey::from_secret(secret),
                    decoding: DecodingKey::from_secret(secret),
                };
            }
        }
    }

    /// A token for `user` at token version `ver`, valid for the keys' lifetime.
    pub fn issue(&self, user: &str, role: Role, ver: i64) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        self.sign(user, role, ver, now, now + self.ttl_secs)
    }

    /// A token with explicit times (tests use it to make expired tokens).
    pub fn issue_at(&self, user: &str, role: Role, iat: i64, exp: i64) -> anyhow::Result<String> {
        self.sign(user, role, 0, iat, exp)
    }

    fn sign(&self, user: &str, role: Role, ver: i64, iat: i64, exp: i64) -> anyhow::Result<String> {
        let claims = Claims {
            sub: user.to_string(),
            exp,
            iat,
            role: role.as_str().to_string(),
            modules_allowed: vec!["CS".into()],
            iss: "shipshape".into(),
            ver,
            jti: uuid::Uuid::new_v4().simple().to_string(),
        };
        let keys = self
            .keys
            .read()
            .map_err(|_| anyhow::anyhow!("signing keys poisoned"))?;
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some(keys.kid.to_string());
        Ok(encode(&header, &claims, &keys.encoding)?)
    }

    /// The claims of a token signed with the current key and not expired.
    pub fn verify(&self, token: &str) -> Result<Claims, TokenError> {
        let header = decode_header(token).map_err(|_| TokenError::Invalid)?;
        let kid = match header.kid {
            None => 1,
            Some(k) => k.parse::<i64>().map_err(|_| TokenError::Invalid)?,
        };
        let keys = self.keys.read().map_err(|_| TokenError::Invalid)?;
        if kid != keys.kid {
            return Err(TokenError::OtherKey(kid));
        }
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 0;
        v.set_required_spec_claims(&["exp", "sub"]);
        decode::<Claims>(token, &keys.decoding, &v)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => TokenError::Expired,
                _ => TokenError::Invalid,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_expire() {
        let k = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 60);
        let t = k.issue("alice", Role::Operator, 3).unwrap();
        let c = k.verify(&t).unwrap();
        assert_eq!(c.sub, "alice");
        assert_eq!(c.role, "operator");
        assert_eq!(c.modules_allowed, vec!["CS"]);
        assert_eq!(c.ver, 3);
        assert_eq!(c.jti.len(), 32);
        let old = k.issue_at("alice", Role::Operator, 0, 10).unwrap();
        assert!(matches!(k.verify(&old), Err(TokenError::Expired)));
        let other = TokenKeys::new(b"another secret another secret 12", 60);
        assert!(matches!(other.verify(&t), Err(TokenError::Invalid)));
        // After a rotation, the old key's tokens are told apart from forged ones.
        k.replace(b"the second key, thirty-two bytes", 2);
        assert!(matches!(k.verify(&t), Err(TokenError::OtherKey(1))));
        let new = k.issue("alice", Role::Operator, 3).unwrap();
        assert_eq!(k.verify(&new).unwrap().sub, "alice");
        // An older key never replaces a newer one.
        k.replace(b"0123456789abcdef0123456789abcdef", 1);
        assert_eq!(k.version(), 2);
    }
}
