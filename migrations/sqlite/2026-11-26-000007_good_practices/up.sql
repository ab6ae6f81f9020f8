-- The good-practice compendium: entries proposed by partners, reviewed by the
-- project's coordinators. `search_text` holds title, description and tags
-- folded (lower case, without diacritics) for `q`.
CREATE TABLE good_practices (
    id               TEXT PRIMARY KEY NOT NULL,
    project_id       TEXT NOT NULL REFERENCES projects (id),
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    title            TEXT NOT NULL,
    description      TEXT NOT NULL,
    plane            INTEGER NOT NULL CHECK (plane IN (1, 2, 3)),
    area             TEXT,
    status           TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'rejected')),
    review_note      TEXT,
    reviewed_at      TIMESTAMP,
    search_text      TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL
);
CREATE INDEX good_practices_project_idx ON good_practices (project_id, status);

CREATE TABLE good_practice_tags (
    good_practice_id  TEXT NOT NULL REFERENCES good_practices (id),
    tag               TEXT NOT NULL,
    PRIMARY KEY (good_practice_id, tag)
);
CREATE INDEX good_practice_tags_tag_idx ON good_practice_tags (tag);
