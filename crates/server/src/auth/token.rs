//! JWTs: HS256 with a secret generated on first start and stored in the database.

use crate::error::ApiError;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use shipshape_model::Role;

/// Claims of a Shipshape token. `modulesAllowed` contains `"CS"` because some clients of the
/// Qualys API check it.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    pub sub: String,
    pub exp: i64,
    pub iat: i64,
    pub role: String,
    pub modules_allowed: Vec<String>,
    pub iss: String,
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    pub ttl_secs: i64,
}

impl TokenKeys {
    /// Tokens live 4 hours.
    pub const DEFAULT_TTL_SECS: i64 = 4 * 3600;

    pub fn new(secret: &[u8], ttl_secs: i64) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            ttl_secs,
        }
    }

    pub fn issue(&self, user: &str, role: Role) -> anyhow::Result<String> {
        let now = chrono::Utc::now().timestamp();
        self.issue_at(user, role, now, now + self.ttl_secs)
    }

    /// A token with explicit times (tests use it to make expired tokens).
    pub fn issue_at(&self, user: &str, role: Role, iat: i64, exp: i64) -> anyhow::Result<String> {
        let claims = Claims {
            sub: user.to_string(),
            exp,
            iat,
            role: role.as_str().to_string(),
            modules_allowed: vec!["CS".into()],
            iss: "shipshape".into(),
        };
        Ok(encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    pub fn verify(&self, token: &str) -> Result<Claims, ApiError> {
        let mut v = Validation::new(Algorithm::HS256);
        v.leeway = 0;
        v.set_required_spec_claims(&["exp", "sub"]);
        decode::<Claims>(token, &self.decoding, &v)
            .map(|d| d.claims)
            .map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => {
                    ApiError::Unauthorized("JWT expired: get a new token from POST /auth.".into())
                }
                _ => ApiError::Unauthorized("Invalid JWT: get a token from POST /auth.".into()),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_expire() {
        let k = TokenKeys::new(b"0123456789abcdef0123456789abcdef", 60);
        let t = k.issue("alice", Role::Operator).unwrap();
        let c = k.verify(&t).unwrap();
        assert_eq!(c.sub, "alice");
        assert_eq!(c.role, "operator");
        assert_eq!(c.modules_allowed, vec!["CS"]);
        let old = k.issue_at("alice", Role::Operator, 0, 10).unwrap();
        assert!(k
            .verify(&old)
            .unwrap_err()
            .to_string()
            .contains("JWT expired"));
        let other = TokenKeys::new(b"another secret another secret 12", 60);
        assert!(other.verify(&t).is_err());
    }
}
