-- Idempotency keys of creating POSTs: the first request with a key claims it
-- (status NULL while it runs); its successful response is kept, so a retry
-- with the same key and body gets that response again instead of creating a
-- second record. Kept for 24 hours.
CREATE TABLE idempotency_keys (
    scope         TEXT COLLATE "C" NOT NULL,
    key           TEXT COLLATE "C" NOT NULL,
    fingerprint   TEXT NOT NULL,
    status        INTEGER,
    content_type  TEXT,
    location      TEXT,
    etag          TEXT,
    body          TEXT,
    claimed_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX idempotency_keys_expires_idx ON idempotency_keys (expires_at);
