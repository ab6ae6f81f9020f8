PRAGMA foreign_keys = OFF;
BEGIN;
DROP TABLE application_reviews;
ALTER TABLE applications DROP COLUMN rank;
ALTER TABLE applications DROP COLUMN score;
CREATE TABLE calls_new (
    id              TEXT PRIMARY KEY NOT NULL,
    project_id      TEXT NOT NULL REFERENCES projects (id),
    title           TEXT NOT NULL,
    regulations     TEXT NOT NULL,
    opens_at        TIMESTAMP NOT NULL,
    closes_at       TIMESTAMP NOT NULL,
    status          TEXT NOT NULL
                    CHECK (status IN ('draft', 'open', 'closed', 'finalized', 'cancelled')),
    selection_mode  TEXT NOT NULL CHECK (selection_mode IN ('first_come')),
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
    version         BIGINT NOT NULL
);
INSERT INTO calls_new (id, project_id, title, regulations, opens_at, closes_at, status, selection_mode, offer_hours, categories, eligibility, questions, consents, cancel_reason, anonymized_at, last_seq, created_at, updated_at, version) SELECT id, project_id, title, regulations, opens_at, closes_at, status, selection_mode, offer_hours, categories, eligibility, questions, consents, cancel_reason, anonymized_at, last_seq, created_at, updated_at, version FROM calls;
DROP TABLE calls;
ALTER TABLE calls_new RENAME TO calls;
CREATE INDEX calls_project_idx ON calls (project_id, id);
CREATE INDEX calls_status_idx ON calls (status, id);
COMMIT;
PRAGMA foreign_keys = ON;
