-- Training: a project's programmes with their modules (JSON, by code), the
-- programme's groups with a capacity and composition targets per category
-- (JSON), the groups' sessions with their module, time span, place, format
-- and trainers (JSON user ids), and the participants — a person in at most
-- one group of a programme.
CREATE TABLE training_programmes (
    id           TEXT PRIMARY KEY NOT NULL,
    project_id   TEXT NOT NULL REFERENCES projects (id),
    name         TEXT NOT NULL,
    description  TEXT,
    modules      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX training_programmes_project_idx ON training_programmes (project_id, id);

CREATE TABLE training_groups (
    id            TEXT PRIMARY KEY NOT NULL,
    programme_id  TEXT NOT NULL REFERENCES training_programmes (id),
    name          TEXT NOT NULL,
    capacity      INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
    place         TEXT,
    targets       TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       BIGINT NOT NULL,
    UNIQUE (programme_id, name)
);
CREATE INDEX training_groups_programme_idx ON training_groups (programme_id, id);

CREATE TABLE training_sessions (
    id            TEXT PRIMARY KEY NOT NULL,
    group_id      TEXT NOT NULL REFERENCES training_groups (id),
    module_code   TEXT NOT NULL,
    starts_at     TIMESTAMP NOT NULL,
    ends_at       TIMESTAMP NOT NULL,
    place         TEXT,
    format        TEXT NOT NULL CHECK (format IN ('residential', 'on_site', 'online')),
    trainers      TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       BIGINT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX training_sessions_group_idx ON training_sessions (group_id, id);
CREATE INDEX training_sessions_time_idx ON training_sessions (starts_at, ends_at);

CREATE TABLE training_participants (
    id            TEXT PRIMARY KEY NOT NULL,
    programme_id  TEXT NOT NULL REFERENCES training_programmes (id),
    group_id      TEXT NOT NULL REFERENCES training_groups (id),
    person_id     TEXT NOT NULL REFERENCES people (id),
    category      TEXT,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    version       BIGINT NOT NULL,
    UNIQUE (programme_id, person_id)
);
CREATE INDEX training_participants_group_idx ON training_participants (group_id, id);
CREATE INDEX training_participants_person_idx ON training_participants (person_id);
