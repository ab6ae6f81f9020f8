-- Webhook subscriptions: an organisation's (or one of its API clients') URL
-- that is told of changes. `log_position` is the change log's position the
-- subscription has been given deliveries up to; each change it follows
-- becomes one delivery, sent, signed, retried and logged below.
CREATE TABLE webhook_subscriptions (
    id                    TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    organization_id       TEXT COLLATE "C" NOT NULL REFERENCES organizations (id),
    api_client_id         TEXT COLLATE "C" REFERENCES api_clients (id),
    url                   TEXT NOT NULL,
    event_types           TEXT,
    secret                TEXT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    disabled_reason       TEXT,
    consecutive_failures  INTEGER NOT NULL DEFAULT 0,
    failing_since         TIMESTAMP,
    log_position          BIGINT NOT NULL,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               BIGINT NOT NULL
);
CREATE INDEX webhook_subscriptions_organization_idx ON webhook_subscriptions (organization_id, id);

CREATE TABLE webhook_deliveries (
    id               TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    subscription_id  TEXT COLLATE "C" NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    change_seq       BIGINT NOT NULL,
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    claimed_until    TIMESTAMP,
    last_status_code INTEGER,
    last_error       TEXT,
    delivered_at     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL,
    UNIQUE (subscription_id, change_seq)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, id);
