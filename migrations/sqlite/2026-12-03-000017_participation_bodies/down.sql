DROP TABLE consultation_meetings;
DELETE FROM consultation_submissions WHERE submitter_kind = 'body';
CREATE TABLE consultation_submissions_previous (
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
INSERT INTO consultation_submissions_previous
    SELECT id, consultation_id, version_id, section_id, submitter_kind, organization_id,
           submitted_by, individual_name, individual_email, proposed_wording, justification,
           response_status, response_justification, responded_at, created_at, updated_at,
           version
    FROM consultation_submissions;
DROP TABLE consultation_submissions;
ALTER TABLE consultation_submissions_previous RENAME TO consultation_submissions;
CREATE INDEX consultation_submissions_consultation_idx ON consultation_submissions (consultation_id, id);
DROP TABLE participation_body_members;
DROP TABLE participation_bodies;
