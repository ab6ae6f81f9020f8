-- Participation bodies: Regional Social Platforms and public-benefit councils,
-- each in a region, run by a secretariat organisation, with members drawn from
-- three constituencies (people affected by exclusion, NGOs, administration).
CREATE TABLE participation_bodies (
    id                           TEXT PRIMARY KEY NOT NULL,
    name                         TEXT NOT NULL,
    name_search                  TEXT NOT NULL,
    kind                         TEXT NOT NULL CHECK (kind IN ('regional_social_platform', 'public_benefit_council', 'other')),
    territorial_unit_code        TEXT NOT NULL REFERENCES territorial_units (code),
    secretariat_organization_id  TEXT NOT NULL REFERENCES organizations (id),
    description                  TEXT,
    created_at                   TIMESTAMP NOT NULL,
    updated_at                   TIMESTAMP NOT NULL,
    version                      BIGINT NOT NULL
);
CREATE INDEX participation_bodies_unit_idx ON participation_bodies (territorial_unit_code, id);
CREATE INDEX participation_bodies_secretariat_idx ON participation_bodies (secretariat_organization_id, id);

CREATE TABLE participation_body_members (
    id               TEXT PRIMARY KEY NOT NULL,
    body_id          TEXT NOT NULL REFERENCES participation_bodies (id),
    constituency     TEXT NOT NULL CHECK (constituency IN ('excluded_persons', 'ngo', 'administration')),
    name             TEXT NOT NULL,
    organization_id  TEXT REFERENCES organizations (id),
    role             TEXT NOT NULL CHECK (role IN ('chair', 'deputy_chair', 'member')),
    joined_on        DATE NOT NULL,
    left_on          DATE CHECK (left_on >= joined_on),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL
);
CREATE INDEX participation_body_members_body_idx ON participation_body_members (body_id, id);

-- Collective opinions: a participation body becomes a third kind of submitter.
-- SQLite cannot change a CHECK constraint in place: the table is rebuilt.
CREATE TABLE consultation_submissions_next (
    id                       TEXT PRIMARY KEY NOT NULL,
    consultation_id          TEXT NOT NULL REFERENCES consultations (id),
    version_id               TEXT NOT NULL REFERENCES consultation_versions (id),
    section_id               TEXT,
    submitter_kind           TEXT NOT NULL CHECK (submitter_kind IN ('organization', 'individual', 'body')),
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
    version                  BIGINT NOT NULL,
    body_id                  TEXT REFERENCES participation_bodies (id)
);
INSERT INTO consultation_submissions_next
    SELECT id, consultation_id, version_id, section_id, submitter_kind, organization_id,
           submitted_by, individual_name, individual_email, proposed_wording, justification,
           response_status, response_justification, responded_at, created_at, updated_at,
           version, NULL
    FROM consultation_submissions;
DROP TABLE consultation_submissions;
ALTER TABLE consultation_submissions_next RENAME TO consultation_submissions;
CREATE INDEX consultation_submissions_consultation_idx ON consultation_submissions (consultation_id, id);

-- Public meetings and debates held in a consultation, with their minutes and
-- attendance once they have taken place.
CREATE TABLE consultation_meetings (
    id               TEXT PRIMARY KEY NOT NULL,
    consultation_id  TEXT NOT NULL REFERENCES consultations (id),
    kind             TEXT NOT NULL CHECK (kind IN ('public_meeting', 'public_debate')),
    title            TEXT NOT NULL,
    starts_at        TIMESTAMP NOT NULL,
    place            TEXT,
    online_url       TEXT,
    minutes          TEXT,
    attendance       INTEGER CHECK (attendance >= 0),
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL
);
CREATE INDEX consultation_meetings_consultation_idx ON consultation_meetings (consultation_id, id);
