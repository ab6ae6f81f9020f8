-- Partnerships (SPEC 4.2): members with history, the agreement, the state
-- machine, local coordinators and working teams, and responsibilities.

CREATE TABLE partnerships (
    id                      TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    name                    TEXT NOT NULL,
    name_search             TEXT NOT NULL,
    purpose                 TEXT,
    project_id              TEXT REFERENCES projects (id),
    cross_sector            BOOLEAN NOT NULL,
    status                  TEXT NOT NULL CHECK (status IN ('draft', 'active', 'suspended', 'dissolved')),
    agreement_signed_on     DATE,
    agreement_reference     TEXT,
    agreement_document_url  TEXT,
    dissolution_reason      TEXT,
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL,
    version                 BIGINT NOT NULL
);
CREATE INDEX partnerships_project_idx ON partnerships (project_id);
CREATE INDEX partnerships_updated_at_idx ON partnerships (updated_at);

-- A membership period: leaving sets left_on; joining again is a new row.
CREATE TABLE partnership_members (
    id                           TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    partnership_id               TEXT NOT NULL REFERENCES partnerships (id),
    organization_id              TEXT NOT NULL REFERENCES organizations (id),
    role                         TEXT NOT NULL CHECK (role IN ('lead', 'partner', 'associate')),
    joined_on                    DATE NOT NULL,
    left_on                      DATE,
    local_coordinator_person_id  TEXT REFERENCES people (id),
    created_at                   TIMESTAMP NOT NULL,
    updated_at                   TIMESTAMP NOT NULL,
    version                      BIGINT NOT NULL
);
CREATE INDEX partnership_members_partnership_idx ON partnership_members (partnership_id);
CREATE INDEX partnership_members_organization_idx ON partnership_members (organization_id);

-- The working team of a member: people with a team role.
CREATE TABLE partnership_team_members (
    member_id  TEXT NOT NULL REFERENCES partnership_members (id),
    person_id  TEXT NOT NULL REFERENCES people (id),
    team_role  TEXT NOT NULL,
    PRIMARY KEY (member_id, person_id)
);
