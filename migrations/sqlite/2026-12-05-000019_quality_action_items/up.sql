-- Action items: what a round's recommendations become — an action, who
-- owns it, by when, and how it stands — for the next round of the same
-- local government to review.
CREATE TABLE quality_action_items (
    id                     TEXT PRIMARY KEY NOT NULL,
    round_id               TEXT NOT NULL REFERENCES quality_rounds (id),
    indicator_code         TEXT,
    action                 TEXT NOT NULL,
    owner_organization_id  TEXT NOT NULL REFERENCES organizations (id),
    owner_person_id        TEXT REFERENCES people (id),
    due_on                 DATE NOT NULL,
    status                 TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    review                 TEXT,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    version                BIGINT NOT NULL
);
CREATE INDEX quality_action_items_round_idx ON quality_action_items (round_id, id);
