DROP TABLE consultation_meetings;
DELETE FROM consultation_submissions WHERE submitter_kind = 'body';
ALTER TABLE consultation_submissions DROP COLUMN body_id;
ALTER TABLE consultation_submissions DROP CONSTRAINT consultation_submissions_submitter_kind_check;
ALTER TABLE consultation_submissions ADD CONSTRAINT consultation_submissions_submitter_kind_check
    CHECK (submitter_kind IN ('organization', 'individual'));
DROP TABLE participation_body_members;
DROP TABLE participation_bodies;
