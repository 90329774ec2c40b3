-- Access: revocable sessions, disabled users, service tokens and the sign-in throttle.

-- Bumped by a password change, a disable and "sign out everywhere": a JWT carries the version
-- it was issued at and is refused once the user's version has moved on.
ALTER TABLE users ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN disabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN updated BIGINT;
ALTER TABLE users ADD COLUMN last_sign_in BIGINT;

-- JWTs signed out one by one (POST /auth/logout), until they would have expired anyway.
CREATE TABLE revoked_tokens (
    jti     TEXT COLLATE "C" PRIMARY KEY,
    expires BIGINT NOT NULL
);

-- Long-lived tokens for scripts: only a hash of the secret is kept.
CREATE TABLE service_tokens (
    id          TEXT COLLATE "C" PRIMARY KEY,
    name        TEXT NOT NULL,
    owner       TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    secret_hash TEXT NOT NULL,
    created     BIGINT NOT NULL,
    expires     BIGINT,
    last_used   BIGINT,
    revoked     BIGINT
);
CREATE INDEX service_tokens_owner ON service_tokens (owner);

-- Failed sign-ins per user name and per client address in the current window.
CREATE TABLE signin_failures (
    key          TEXT COLLATE "C" PRIMARY KEY,
    window_start BIGINT NOT NULL,
    failures     BIGINT NOT NULL
);
