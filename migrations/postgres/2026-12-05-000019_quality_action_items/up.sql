-- Action items: what a round's recommendations become — an action, who
-- owns it, by when, and how it stands — for the next round of the same
-- local government to review.
CREATE TABLE quality_action_items (
    id                     TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    round_id               TEXT COLLATE "C" NOT NULL REFERENCES quality_rounds (id),
    indicator_code         TEXT COLLATE "C",
    action                 TEXT NOT NULL,
    owner_organization_id  TEXT COLLATE "C" NOT NULL REFERENCES organizations (id),
    owner_person_id        TEXT COLLATE "C" REFERENCES people (id),
    due_on                 DATE NOT NULL,
    status                 TEXT COLLATE "C" NOT NULL CHECK (status IN ('planned', 'in_progress', 'done', 'dropped')),
    review                 TEXT,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    version                BIGINT NOT NULL
);
CREATE INDEX quality_action_items_round_idx ON quality_action_items (round_id, id);
