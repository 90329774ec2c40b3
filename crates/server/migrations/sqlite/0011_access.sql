-- Access: revocable sessions, disabled users, service tokens and the sign-in throttle.

-- Bumped by a password change, a disable and "sign out everywhere": a JWT carries the version
-- it was issued at and is refused once the user's version has moved on.
ALTER TABLE users ADD COLUMN token_version INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN updated INTEGER;
ALTER TABLE users ADD COLUMN last_sign_in INTEGER;

-- JWTs signed out one by one (POST /auth/logout), until they would have expired anyway.
CREATE TABLE revoked_tokens (
    jti     TEXT PRIMARY KEY,
    expires INTEGER NOT NULL
);

-- Long-lived tokens for scripts: only a hash of the secret is kept.
CREATE TABLE service_tokens (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    owner       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    secret_hash TEXT NOT NULL,
    created     INTEGER NOT NULL,
    expires     INTEGER,
    last_used   INTEGER,
    revoked     INTEGER
);
CREATE INDEX service_tokens_owner ON service_tokens (owner);

-- Failed sign-ins per user name and per client address in the current window.
CREATE TABLE signin_failures (
    key          TEXT PRIMARY KEY,
    window_start INTEGER NOT NULL,
    failures     INTEGER NOT NULL
);
