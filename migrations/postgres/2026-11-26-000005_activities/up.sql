-- Campaigns: groups of activities with a rule "at least N actions in each of
-- these locations" (SPEC §4.1).
CREATE TABLE campaigns (
    id                        TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    project_id                TEXT NOT NULL REFERENCES projects (id),
    name                      TEXT NOT NULL,
    description               TEXT,
    starts_on                 DATE NOT NULL,
    ends_on                   DATE NOT NULL CHECK (ends_on >= starts_on),
    min_actions_per_location  INTEGER NOT NULL CHECK (min_actions_per_location >= 1),
    created_at                TIMESTAMP NOT NULL,
    updated_at                TIMESTAMP NOT NULL,
    version                   BIGINT NOT NULL
);
CREATE INDEX campaigns_project_idx ON campaigns (project_id);

-- The locations a campaign's rule names; `name_key` is the name folded for
-- comparison (case and diacritics ignored).
CREATE TABLE campaign_locations (
    campaign_id  TEXT NOT NULL REFERENCES campaigns (id),
    name_key     TEXT COLLATE "C" NOT NULL,
    name         TEXT NOT NULL,
    position     INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, name_key)
);

-- Activities of a project: meetings, trainings, campaign actions, films, ...
CREATE TABLE activities (
    id                         TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    project_id                 TEXT NOT NULL REFERENCES projects (id),
    campaign_id                TEXT REFERENCES campaigns (id),
    kind                       TEXT NOT NULL CHECK (kind IN ('launch_meeting', 'conference', 'training', 'workshop', 'public_debate', 'campaign_action', 'study_visit', 'publication', 'film', 'open_day')),
    title                      TEXT NOT NULL,
    held_on                    DATE NOT NULL,
    place                      TEXT,
    place_key                  TEXT COLLATE "C",
    organizer_organization_id  TEXT REFERENCES organizations (id),
    description                TEXT,
    attendance                 INTEGER CHECK (attendance >= 0),
    outputs                    TEXT NOT NULL,
    created_at                 TIMESTAMP NOT NULL,
    updated_at                 TIMESTAMP NOT NULL,
    version                    BIGINT NOT NULL
);
CREATE INDEX activities_project_idx ON activities (project_id, held_on);
CREATE INDEX activities_campaign_idx ON activities (campaign_id, place_key);
