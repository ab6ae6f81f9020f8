-- Selection by review: a call's weighted criteria (JSON, frozen once it opens),
-- how many of each category's next-ranked applicants wait for a freed place,
-- and the users who score its applications. Each reviewer's scores of an
-- application are one row; finalising a call ranks its applications and keeps
-- each one's score and rank.
--
-- SQLite cannot change a CHECK constraint, so `calls` is rebuilt the way its
-- documentation prescribes: foreign keys off, outside a transaction of the
-- migration runner (metadata.toml), in a transaction of its own.
PRAGMA foreign_keys = OFF;
BEGIN;
CREATE TABLE calls_new (
    id              TEXT PRIMARY KEY NOT NULL,
    project_id      TEXT NOT NULL REFERENCES projects (id),
    title           TEXT NOT NULL,
    regulations     TEXT NOT NULL,
    opens_at        TIMESTAMP NOT NULL,
    closes_at       TIMESTAMP NOT NULL,
    status          TEXT NOT NULL
                    CHECK (status IN ('draft', 'open', 'closed', 'finalized', 'cancelled')),
    selection_mode  TEXT NOT NULL CHECK (selection_mode IN ('first_come', 'review')),
    offer_hours     INTEGER CHECK (offer_hours BETWEEN 1 AND 720),
    categories      TEXT NOT NULL,
    eligibility     TEXT NOT NULL,
    questions       TEXT NOT NULL,
    consents        TEXT NOT NULL,
    cancel_reason   TEXT,
    anonymized_at   TIMESTAMP,
    last_seq        BIGINT NOT NULL DEFAULT 0,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    criteria        TEXT NOT NULL DEFAULT '[]',
    waitlist_size   INTEGER CHECK (waitlist_size BETWEEN 0 AND 100000),
    reviewers       TEXT NOT NULL DEFAULT '[]'
);
INSERT INTO calls_new (id, project_id, title, regulations, opens_at, closes_at, status, selection_mode, offer_hours, categories, eligibility, questions, consents, cancel_reason, anonymized_at, last_seq, created_at, updated_at, version) SELECT id, project_id, title, regulations, opens_at, closes_at, status, selection_mode, offer_hours, categories, eligibility, questions, consents, cancel_reason, anonymized_at, last_seq, created_at, updated_at, version FROM calls;
DROP TABLE calls;
ALTER TABLE calls_new RENAME TO calls;
CREATE INDEX calls_project_idx ON calls (project_id, id);
CREATE INDEX calls_status_idx ON calls (status, id);

ALTER TABLE applications ADD COLUMN score DOUBLE PRECISION;
ALTER TABLE applications ADD COLUMN rank INTEGER;

CREATE TABLE application_reviews (
    id              TEXT PRIMARY KEY NOT NULL,
    application_id  TEXT NOT NULL REFERENCES applications (id),
    call_id         TEXT NOT NULL REFERENCES calls (id),
    reviewer_id     TEXT NOT NULL REFERENCES users (id),
    scores          TEXT NOT NULL,
    total           BIGINT NOT NULL,
    note            TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    UNIQUE (application_id, reviewer_id)
);
CREATE INDEX application_reviews_call_idx ON application_reviews (call_id, application_id);
COMMIT;
PRAGMA foreign_keys = ON;
