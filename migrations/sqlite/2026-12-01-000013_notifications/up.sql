-- The outbox of emails: each is written in the same transaction as the
-- decision it reports, and sent afterwards by a background task of any
-- instance, which claims a message for a while (`claimed_until`) so that one
-- instance sends it, and retries it with a growing pause until the server
-- takes it. `secret` holds an applicant's management token until the message
-- that carries it is sent; then it is erased.
CREATE TABLE notifications (
    id               TEXT PRIMARY KEY NOT NULL,
    kind             TEXT NOT NULL,
    recipient        TEXT NOT NULL,
    subject          TEXT NOT NULL,
    body             TEXT NOT NULL,
    secret           TEXT,
    application_id   TEXT REFERENCES applications (id),
    status           TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP NOT NULL,
    claimed_until    TIMESTAMP,
    last_error       TEXT,
    sent_at          TIMESTAMP,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX notifications_due_idx ON notifications (status, next_attempt_at);
CREATE INDEX notifications_application_idx ON notifications (application_id);
