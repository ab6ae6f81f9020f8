-- Selection by review: a call's weighted criteria (JSON, frozen once it opens),
-- how many of each category's next-ranked applicants wait for a freed place,
-- and the users who score its applications. Each reviewer's scores of an
-- application are one row; finalising a call ranks its applications and keeps
-- each one's score and rank.
ALTER TABLE calls DROP CONSTRAINT calls_selection_mode_check;
ALTER TABLE calls ADD CONSTRAINT calls_selection_mode_check
    CHECK (selection_mode IN ('first_come', 'review'));
ALTER TABLE calls ADD COLUMN criteria TEXT NOT NULL DEFAULT '[]';
ALTER TABLE calls ADD COLUMN waitlist_size INTEGER CHECK (waitlist_size BETWEEN 0 AND 100000);
ALTER TABLE calls ADD COLUMN reviewers TEXT NOT NULL DEFAULT '[]';

ALTER TABLE applications ADD COLUMN score DOUBLE PRECISION;
ALTER TABLE applications ADD COLUMN rank INTEGER;

CREATE TABLE application_reviews (
    id              TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    application_id  TEXT COLLATE "C" NOT NULL REFERENCES applications (id),
    call_id         TEXT COLLATE "C" NOT NULL REFERENCES calls (id),
    reviewer_id     TEXT COLLATE "C" NOT NULL REFERENCES users (id),
    scores          TEXT NOT NULL,
    total           BIGINT NOT NULL,
    note            TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    UNIQUE (application_id, reviewer_id)
);
CREATE INDEX application_reviews_call_idx ON application_reviews (call_id, application_id);
