-- Responsibilities: tasks a partnership assigns to a member.
CREATE TABLE responsibilities (
    id              TEXT PRIMARY KEY NOT NULL,
    partnership_id  TEXT NOT NULL REFERENCES partnerships (id),
    member_id       TEXT NOT NULL REFERENCES partnership_members (id),
    category        TEXT NOT NULL CHECK (category IN ('launch', 'volunteer_support', 'training', 'plan_testing', 'measure_application', 'campaign', 'good_practice_compendium', 'final_conference')),
    title           TEXT NOT NULL,
    description     TEXT,
    due_on          DATE,
    status          TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done', 'cancelled')),
    evidence        TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL
);
CREATE INDEX responsibilities_partnership_idx ON responsibilities (partnership_id, due_on);
CREATE INDEX responsibilities_member_idx ON responsibilities (member_id);
