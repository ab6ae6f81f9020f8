-- Identity and access, organisations, people, projects and the change log.

CREATE TABLE organizations (
    id                     TEXT PRIMARY KEY NOT NULL,
    name                   TEXT NOT NULL,
    name_search            TEXT NOT NULL,
    kind                   TEXT NOT NULL CHECK (kind IN ('ngo', 'local_government', 'government_administration', 'public_institution', 'business', 'informal_group')),
    country                TEXT NOT NULL CHECK (length(country) = 2),
    krs                    TEXT UNIQUE,
    nip                    TEXT UNIQUE,
    regon                  TEXT UNIQUE,
    teryt_code             TEXT UNIQUE REFERENCES territorial_units (code),
    cui                    TEXT UNIQUE,
    territorial_unit_code  TEXT REFERENCES territorial_units (code),
    street                 TEXT,
    city                   TEXT,
    postal_code            TEXT,
    email                  TEXT,
    phone                  TEXT,
    website                TEXT,
    archived_at            TIMESTAMP,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    version                BIGINT NOT NULL
);
CREATE INDEX organizations_kind_idx ON organizations (kind);
CREATE INDEX organizations_unit_idx ON organizations (territorial_unit_code);
CREATE INDEX organizations_updated_at_idx ON organizations (updated_at);

CREATE TABLE people (
    id           TEXT PRIMARY KEY NOT NULL,
    full_name    TEXT NOT NULL,
    name_search  TEXT NOT NULL,
    email        TEXT,
    phone        TEXT,
    position     TEXT,
    archived_at  TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      BIGINT NOT NULL
);
CREATE INDEX people_updated_at_idx ON people (updated_at);

-- A person's membership of an organisation; `role` is the access role it grants.
CREATE TABLE organization_members (
    id               TEXT PRIMARY KEY NOT NULL,
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    person_id        TEXT NOT NULL REFERENCES people (id),
    role             TEXT NOT NULL CHECK (role IN ('org_admin', 'org_member')),
    position         TEXT,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL,
    UNIQUE (organization_id, person_id)
);
CREATE INDEX organization_members_person_idx ON organization_members (person_id);

CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    email          TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    password_hash  TEXT NOT NULL,
    active         BOOLEAN NOT NULL,
    person_id      TEXT UNIQUE REFERENCES people (id),
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL
);

-- Global roles of a user: admin, trainer, reviewer.
CREATE TABLE user_roles (
    user_id  TEXT NOT NULL REFERENCES users (id),
    role     TEXT NOT NULL CHECK (role IN ('admin', 'trainer', 'reviewer')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE projects (
    id                    TEXT PRIMARY KEY NOT NULL,
    code                  TEXT NOT NULL UNIQUE,
    title                 TEXT NOT NULL,
    title_search          TEXT NOT NULL,
    funding_programme     TEXT,
    starts_on             DATE,
    ends_on               DATE,
    lead_organization_id  TEXT REFERENCES organizations (id),
    status                TEXT NOT NULL CHECK (status IN ('planned', 'active', 'closed')),
    description           TEXT,
    archived_at           TIMESTAMP,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    version               BIGINT NOT NULL
);
CREATE INDEX projects_updated_at_idx ON projects (updated_at);

CREATE TABLE project_coordinators (
    project_id  TEXT NOT NULL REFERENCES projects (id),
    person_id   TEXT NOT NULL REFERENCES people (id),
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (project_id, person_id)
);
CREATE INDEX project_coordinators_person_idx ON project_coordinators (person_id);

-- Refresh tokens, stored only as SHA-256 hashes. Each login starts a family;
-- every refresh marks its token used and issues the next one in the family.
-- Presenting a used token again revokes the whole family.
CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY NOT NULL,
    family_id   TEXT NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id),
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    revoked_at  TIMESTAMP
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);

-- Machine credentials of partner systems.
CREATE TABLE api_clients (
    id               TEXT PRIMARY KEY NOT NULL,
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    name             TEXT NOT NULL,
    secret_hash      TEXT NOT NULL,
    scopes           TEXT NOT NULL,
    revoked_at       TIMESTAMP,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL
);

-- Failed logins per account and per address, shared by every instance.
CREATE TABLE login_throttle (
    throttle_key      TEXT PRIMARY KEY NOT NULL,
    failures          INTEGER NOT NULL,
    last_failure_at   TIMESTAMP NOT NULL,
    blocked_until     TIMESTAMP
);

-- The change log: append-only, one row per create, update, archive and state
-- transition, written in the transaction of the change. `seq` orders it.
CREATE TABLE change_log (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at     TIMESTAMP NOT NULL,
    actor_kind      TEXT NOT NULL CHECK (actor_kind IN ('user', 'client', 'system')),
    actor_id        TEXT,
    entity_type     TEXT NOT NULL,
    entity_id       TEXT NOT NULL,
    action          TEXT NOT NULL,
    changed_fields  TEXT NOT NULL,
    changes         TEXT NOT NULL,
    request_id      TEXT
);
CREATE INDEX change_log_entity_idx ON change_log (entity_type, entity_id);
CREATE INDEX change_log_occurred_at_idx ON change_log (occurred_at);
