DROP TABLE application_reviews;
ALTER TABLE applications DROP COLUMN rank;
ALTER TABLE applications DROP COLUMN score;
ALTER TABLE calls DROP COLUMN reviewers;
ALTER TABLE calls DROP COLUMN waitlist_size;
ALTER TABLE calls DROP COLUMN criteria;
ALTER TABLE calls DROP CONSTRAINT calls_selection_mode_check;
ALTER TABLE calls ADD CONSTRAINT calls_selection_mode_check
    CHECK (selection_mode IN ('first_come'));
