-- Recruitment: calls for participants and the applications they receive.
-- A call's categories, eligibility rules, questions and consents are JSON: they
-- are read and changed with the call, and frozen once it opens. Each
-- application holds its place in the call's queue (`seq`, given under the
-- call's row lock), which decides who is accepted and who waits, in order.
CREATE TABLE calls (
    id              TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    project_id      TEXT COLLATE "C" NOT NULL REFERENCES projects (id),
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
CREATE INDEX calls_project_idx ON calls (project_id, id);
CREATE INDEX calls_status_idx ON calls (status, id);

CREATE TABLE applications (
    id                     TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    call_id                TEXT COLLATE "C" NOT NULL REFERENCES calls (id),
    seq                    BIGINT NOT NULL,
    category               TEXT NOT NULL,
    name                   TEXT NOT NULL,
    email                  TEXT NOT NULL,
    email_key              TEXT NOT NULL,
    phone                  TEXT,
    organization_id        TEXT COLLATE "C" REFERENCES organizations (id),
    organization_name      TEXT,
    organization_kind      TEXT,
    position               TEXT,
    territorial_unit_code  TEXT COLLATE "C" REFERENCES territorial_units (code),
    answers                TEXT NOT NULL,
    consents               TEXT NOT NULL,
    status                 TEXT NOT NULL
                           CHECK (status IN ('submitted', 'accepted', 'offered', 'waitlisted', 'rejected', 'withdrawn', 'lapsed')),
    reason                 TEXT,
    token_hash             TEXT NOT NULL,
    decided_at             TIMESTAMP,
    offer_expires_at       TIMESTAMP,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    version                BIGINT NOT NULL,
    UNIQUE (call_id, email_key),
    UNIQUE (call_id, seq)
);
CREATE UNIQUE INDEX applications_token_idx ON applications (token_hash);
CREATE INDEX applications_call_idx ON applications (call_id, id);
CREATE INDEX applications_queue_idx ON applications (call_id, category, status, seq);
CREATE INDEX applications_offers_idx ON applications (status, offer_expires_at);

-- Counts of the public writes per client address and minute (applying,
-- withdrawing), shared by every instance.
CREATE TABLE rate_limits (
    limit_key     TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    window_start  TIMESTAMP NOT NULL,
    hits          BIGINT NOT NULL
);
CREATE INDEX rate_limits_window_idx ON rate_limits (window_start);

-- The computed result indicator `accepted_participants` counts the accepted
-- applicants of the project's calls, of one category if `category` is set.
ALTER TABLE result_indicators ADD COLUMN category TEXT;
