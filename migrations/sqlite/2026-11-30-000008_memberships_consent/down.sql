DROP INDEX login_throttle_last_failure_idx;
ALTER TABLE organization_members DROP COLUMN status;
