-- Consultations: a subject put to comment by an initiating organisation, its
-- document in versions of numbered sections (a section keeps its id from
-- version to version), the submissions made on it and the answer to each.
CREATE TABLE consultations (
    id                          TEXT PRIMARY KEY NOT NULL,
    subject                     TEXT NOT NULL,
    subject_search              TEXT NOT NULL,
    kind                        TEXT NOT NULL CHECK (kind IN ('local_act', 'cooperation_programme', 'social_inclusion_plan', 'strategy', 'other')),
    initiating_organization_id  TEXT NOT NULL REFERENCES organizations (id),
    project_id                  TEXT REFERENCES projects (id),
    description                 TEXT,
    forms                       TEXT NOT NULL,
    opens_at                    TIMESTAMP,
    closes_at                   TIMESTAMP,
    report_due_at               TIMESTAMP,
    announced_at                TIMESTAMP,
    report_published_at         TIMESTAMP,
    cancel_reason               TEXT,
    status                      TEXT NOT NULL CHECK (status IN ('draft', 'announced', 'open', 'closed', 'report_published', 'cancelled')),
    document_version            INTEGER NOT NULL DEFAULT 0,
    created_at                  TIMESTAMP NOT NULL,
    updated_at                  TIMESTAMP NOT NULL,
    version                     BIGINT NOT NULL
);
CREATE INDEX consultations_status_idx ON consultations (status, id);
CREATE INDEX consultations_organization_idx ON consultations (initiating_organization_id, id);

CREATE TABLE consultation_versions (
    id               TEXT PRIMARY KEY NOT NULL,
    consultation_id  TEXT NOT NULL REFERENCES consultations (id),
    number           INTEGER NOT NULL,
    title            TEXT NOT NULL,
    note             TEXT,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (consultation_id, number)
);

CREATE TABLE consultation_sections (
    version_id  TEXT NOT NULL REFERENCES consultation_versions (id),
    section_id  TEXT NOT NULL,
    position    INTEGER NOT NULL,
    number      TEXT NOT NULL,
    heading     TEXT,
    body        TEXT NOT NULL,
    PRIMARY KEY (version_id, section_id)
);

CREATE TABLE consultation_submissions (
    id                       TEXT PRIMARY KEY NOT NULL,
    consultation_id          TEXT NOT NULL REFERENCES consultations (id),
    version_id               TEXT NOT NULL REFERENCES consultation_versions (id),
    section_id               TEXT,
    submitter_kind           TEXT NOT NULL CHECK (submitter_kind IN ('organization', 'individual')),
    organization_id          TEXT REFERENCES organizations (id),
    submitted_by             TEXT,
    individual_name          TEXT,
    individual_email         TEXT,
    proposed_wording         TEXT,
    justification            TEXT NOT NULL,
    response_status          TEXT CHECK (response_status IN ('accepted', 'partially_accepted', 'rejected', 'not_considered')),
    response_justification   TEXT,
    responded_at             TIMESTAMP,
    created_at               TIMESTAMP NOT NULL,
    updated_at               TIMESTAMP NOT NULL,
    version                  BIGINT NOT NULL
);
CREATE INDEX consultation_submissions_consultation_idx ON consultation_submissions (consultation_id, id);

-- The legislative watch list: drafts of other bodies (a ministry's bill, a
-- voivodeship's programme) an organisation follows, with their comment
-- deadlines, for the "upcoming deadlines" query.
CREATE TABLE watched_drafts (
    id                     TEXT PRIMARY KEY NOT NULL,
    organization_id        TEXT NOT NULL REFERENCES organizations (id),
    title                  TEXT NOT NULL,
    title_search           TEXT NOT NULL,
    issuer                 TEXT,
    source_url             TEXT NOT NULL,
    policy_area            TEXT,
    territorial_unit_code  TEXT,
    comment_deadline       TIMESTAMP NOT NULL,
    status                 TEXT NOT NULL CHECK (status IN ('watching', 'commented', 'closed')),
    note                   TEXT,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    version                BIGINT NOT NULL
);
CREATE INDEX watched_drafts_organization_idx ON watched_drafts (organization_id, id);
CREATE INDEX watched_drafts_deadline_idx ON watched_drafts (comment_deadline);
CREATE INDEX consultations_closes_idx ON consultations (closes_at);
