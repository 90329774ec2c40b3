//! Authentication: argon2 password hashes checked behind a throttle ([`signin`]), HS256 JWTs
//! (`POST /auth`) whose sessions can be ended ([`session`]), service tokens for scripts, HTTP
//! Basic, a request rate per caller, and role checks.
//!
//! Every `/csapi` request names its caller with `Authorization`:
//! - `Bearer <jwt>`: signature and expiry, then the session (cached [`session::SESSION_CACHE`]):
//!   the user exists and is enabled, the token's version is the user's (a password change, a
//!   disable or "sign out everywhere" moves it on), this token was not signed out, and the
//!   signing key was not rotated since. The role is the user's role now.
//! - `Bearer ssp_<id>_<secret>`: a service token: not revoked, not expired, its owner enabled;
//!   its role, capped by its owner's.
//! - `Basic`: a user name and password, through the same throttle as `POST /auth`.

pub mod password;
pub mod session;
pub mod signin;
pub mod token;

use crate::error::ApiError;
use crate::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::HeaderMap;
use base64::Engine;
use sha2::{Digest, Sha256};
use shipshape_model::Role;
use token::TokenError;

/// How access is configured (the `serve` flags).
#[derive(Clone, Debug)]
pub struct AccessOptions {
    pub signin: signin::SignInLimits,
    /// API requests a second per caller (token, service token or Basic user), in bursts of
    /// twice that; 0: no limit.
    pub api_rate: u32,
    /// Take the client's address from `X-Forwarded-For` and absolute URLs from
    /// `X-Forwarded-Proto` and `Host` (only behind a proxy that sets them).
    pub trust_proxy: bool,
    /// The server's address as clients reach it (`https://shipshape.example.com`), for
    /// absolute links.
    pub public_url: Option<String>,
}

impl Default for AccessOptions {
    fn default() -> Self {
        Self {
            signin: signin::SignInLimits::default(),
            api_rate: DEFAULT_API_RATE,
            trust_proxy: false,
            public_url: None,
        }
    }
}

/// Requests a second per caller by default.
pub const DEFAULT_API_RATE: u32 = 100;

/// The prefix of service tokens.
pub const SERVICE_PREFIX: &str = "ssp_";

/// Access state shared by every request.
pub struct Access {
    pub options: AccessOptions,
    pub signin: signin::SignInGuard,
    pub sessions: session::Sessions,
    pub rate: session::RateLimiter,
    /// When this process last compared its signing key with the database's.
    keys_checked: std::sync::Mutex<Option<std::time::Instant>>,
}

impl Access {
    pub fn new(options: AccessOptions) -> anyhow::Result<Self> {
        Ok(Self {
            signin: signin::SignInGuard::new(options.signin.clone())?,
            sessions: session::Sessions::default(),
            rate: session::RateLimiter::new(options.api_rate),
            keys_checked: std::sync::Mutex::new(None),
            options,
        })
    }
}

/// How the caller proved who they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Via {
    /// A JWT with this id, expiring then (epoch seconds).
    Jwt {
        jti: String,
        exp: i64,
    },
    Basic,
    /// A service token with this id.
    Service {
        id: String,
    },
}

/// The caller of an authenticated request.
#[derive(Clone, Debug)]
pub struct AuthUser {
    pub name: String,
    pub role: Role,
    pub via: Via,
}

impl AuthUser {
    /// 403 unless the caller's role includes `needed`.
    pub fn require(&self, needed: Role) -> Result<(), ApiError> {
        if self.role.allows(needed) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "This needs the {} role; user '{}' has the {} role.",
                needed.as_str(),
                self.name,
                self.role.as_str()
            )))
        }
    }

    /// The key the request rate is counted under.
    fn caller(&self) -> String {
        match &self.via {
            Via::Jwt { jti, .. } => format!("jwt:{}:{jti}", self.name),
            Via::Basic => format!("basic:{}", self.name),
            Via::Service { id } => format!("svc:{id}"),
        }
    }
}

/// The client's address: the connection's peer, or with `--trust-proxy` the address the
/// proxy appended last to `X-Forwarded-For`.
pub fn client_address(parts: &Parts, trust_proxy: bool) -> String {
    if trust_proxy {
        if let Some(last) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
        {
            return last.to_string();
        }
    }
    parts
        .extensions
        .get::<crate::listener::Peer>()
        .map_or_else(|| "unknown".to_string(), |p| p.remote.ip().to_string())
}

/// The client's address (see [`client_address`]) as an extractor.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientAddress(client_address(
            parts,
            state.access.options.trust_proxy,
        )))
    }
}

/// The scheme, host and port clients reach this server at, for absolute links: `--public-url`
/// when set; with `--trust-proxy`, what `X-Forwarded-Proto` and `X-Forwarded-Host` (or `Host`)
/// say; otherwise the address of this server the connection came in on (never the
/// client's `Host`, which anyone can write).
pub struct Origin(pub String);

impl FromRequestParts<AppState> for Origin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let opts = &state.access.options;
        if let Some(url) = &opts.public_url {
            return Ok(Origin(url.trim_end_matches('/').to_string()));
        }
        let own_scheme = if state.tls { "https" } else { "http" };
        if opts.trust_proxy {
            let header = |name: &str| {
                parts
                    .headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    // The value the proxy (nearest to this server) wrote: the last.
                    .and_then(|v| v.rsplit(',').next())
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
            };
            let scheme = header("x-forwarded-proto")
                .filter(|v| *v == "http" || *v == "https")
                .unwrap_or(own_scheme);
            if let Some(host) = header("x-forwarded-host")
                .or_else(|| header("host"))
                .filter(|h| h.parse::<axum::http::uri::Authority>().is_ok())
            {
                return Ok(Origin(format!("{scheme}://{host}")));
            }
        }
        let local = parts
            .extensions
            .get::<crate::listener::Peer>()
            .map_or_else(|| "localhost".to_string(), |p| p.local.to_string());
        Ok(Origin(format!("{own_scheme}://{local}")))
    }
}

fn unauthorized(m: &str) -> ApiError {
    ApiError::Unauthorized(m.into())
}

impl FromRequestParts<AppState> for AuthUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(user) = parts.extensions.get::<AuthUser>() {
            return Ok(user.clone());
        }
        let user = authenticate(parts, state).await?;
        if let Some(wait) = state.access.rate.take(&user.caller()) {
            return Err(ApiError::TooMany {
                message: format!(
                    "Too many requests with these credentials (at most {} a second): slow down.",
                    state.access.options.api_rate
                ),
                retry_after_secs: wait,
            });
        }
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

async fn authenticate(parts: &Parts, state: &AppState) -> Result<AuthUser, ApiError> {
    let header = credentials(&parts.headers)?;
    let (scheme, rest) = header.trim().split_once(' ').unwrap_or((header, ""));
    let rest = rest.trim();
    match scheme.to_ascii_lowercase().as_str() {
        "bearer" => match rest.strip_prefix(SERVICE_PREFIX) {
            Some(service) => service_user(state, service).await,
            None if rest.starts_with(shipshape_model::sensorapi::SENSOR_CREDENTIAL_PREFIX) => Err(
                unauthorized("A sensor credential works on the sensor API (/sensorapi/v1) only."),
            ),
            None => jwt_user(state, rest).await,
        },
        "basic" => {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(rest)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| unauthorized("Malformed Basic credentials."))?;
            let (user, pass) = decoded
                .split_once(':')
                .ok_or_else(|| unauthorized("Malformed Basic credentials."))?;
            let address = client_address(parts, state.access.options.trust_proxy);
            let row = state
                .access
                .signin
                .check(&state.store, user, pass, &address)
                .await?;
            Ok(AuthUser {
                name: row.username,
                role: row.role,
                via: Via::Basic,
            })
        }
        _ => Err(unauthorized(
            "Unsupported authorization scheme: use Bearer or Basic.",
        )),
    }
}

fn credentials(headers: &HeaderMap) -> Result<&str, ApiError> {
    headers
        .get(AUTHORIZATION)
        .ok_or_else(|| {
            unauthorized("Authentication required: send 'Authorization: Bearer <token>' (get a token from POST /auth).")
        })?
        .to_str()
        .map_err(|_| unauthorized("The Authorization header is not valid text."))
}

/// Reads the signing key again (after a rotation by this or another process).
async fn reload_keys(state: &AppState) -> Result<(), ApiError> {
    let (secret, version) = state.store.jwt_key().await?;
    state.tokens.replace(&secret, version);
    Ok(())
}

/// Makes sure this process signs with the newest key, reading the database at most once per
/// session-cache time (so tokens issued right after a rotation elsewhere work, and forged
/// `kid`s cannot make every request read the database).
pub async fn fresh_keys(state: &AppState) -> Result<(), ApiError> {
    let due = match state.access.keys_checked.lock() {
        Ok(mut at) => {
            let due = at.is_none_or(|t| t.elapsed() >= session::SESSION_CACHE);
            if due {
                *at = Some(std::time::Instant::now());
            }
            due
        }
        Err(_) => true,
    };
    if due {
        let (_, version) = state.store.jwt_key().await?;
        if version > state.tokens.version() {
            reload_keys(state).await?;
        }
    }
    Ok(())
}

async fn jwt_user(state: &AppState, token: &str) -> Result<AuthUser, ApiError> {
    let claims = match state.tokens.verify(token) {
        Ok(c) => c,
        // Signed with a newer key than this process holds: another process rotated it.
        Err(TokenError::OtherKey(kid)) if kid > state.tokens.version() => {
            fresh_keys(state).await?;
            state.tokens.verify(token)?
        }
        Err(e) => return Err(e.into()),
    };
    let key = session::Sessions::jwt_key(&claims.sub, &claims.jti);
    let session = match state.access.sessions.jwts.get(&key) {
        Some(s) => s,
        None => {
            let s = state
                .store
                .session_state(&claims.sub, &claims.jti)
                .await?
                .ok_or_else(|| unauthorized("The user of this token no longer exists."))?;
            state.access.sessions.jwts.put(key, s.clone());
            s
        }
    };
    if session.key_version > state.tokens.version() {
        // Rotated by another process: this token was signed with the old key.
        reload_keys(state).await?;
        return Err(unauthorized(token::ROTATED));
    }
    if session.disabled {
        return Err(unauthorized(
            "This user is disabled: ask an administrator to enable it.",
        ));
    }
    if session.revoked {
        return Err(unauthorized(
            "This token was signed out: get a new one from POST /auth.",
        ));
    }
    if claims.ver != session.token_version {
        return Err(unauthorized(
            "This session has ended (the password was changed or the user was signed out everywhere): sign in again.",
        ));
    }
    Ok(AuthUser {
        name: claims.sub,
        role: session.role,
        via: Via::Jwt {
            jti: claims.jti,
            exp: claims.exp,
        },
    })
}

/// A service token's parts: `<id>_<secret>` after the prefix.
pub fn split_service_token(rest: &str) -> Option<(&str, &str)> {
    rest.split_once('_')
        .filter(|(id, secret)| !id.is_empty() && !secret.is_empty())
}

/// The stored form of a service token's secret.
pub fn secret_hash(secret: &str) -> String {
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A token's random secret (two v4 uuids: 244 random bits), for service tokens, activation
/// keys and sensor credentials.
pub fn new_secret() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

/// Equal strings, compared in time that does not depend on where they differ.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

async fn service_user(state: &AppState, rest: &str) -> Result<AuthUser, ApiError> {
    let invalid = || unauthorized("Invalid service token.");
    let (id, secret) = split_service_token(rest).ok_or_else(invalid)?;
    let cache = &state.access.sessions.service;
    let check = match cache.get(id) {
        Some(c) => c,
        None => {
            let c = state
                .store
                .service_token_check(id)
                .await?
                .ok_or_else(invalid)?;
            cache.put(id.to_string(), c.clone());
            c
        }
    };
    if !same(&check.secret_hash, &secret_hash(secret)) {
        return Err(invalid());
    }
    if check.revoked {
        return Err(unauthorized("This service token was revoked."));
    }
    let now = crate::store::now_ms();
    if check.expires.is_some_and(|e| e <= now) {
        return Err(unauthorized(
            "This service token has expired: make a new one.",
        ));
    }
    if check.owner_disabled {
        return Err(unauthorized(
            "The user this service token acts for is disabled.",
        ));
    }
    // Its last use, to the minute.
    if check.last_used.is_none_or(|t| now - t > 60_000) {
        let mut touched = check.clone();
        touched.last_used = Some(now);
        cache.put(id.to_string(), touched);
        let store = state.store.clone();
        let id = id.to_string();
        tokio::spawn(async move {
            if let Err(e) = store.touch_service_token(&id).await {
                tracing::warn!(error = %e, "noting a service token's use");
            }
        });
    }
    Ok(AuthUser {
        name: check.owner,
        role: check.role,
        via: Via::Service { id: id.to_string() },
    })
}
