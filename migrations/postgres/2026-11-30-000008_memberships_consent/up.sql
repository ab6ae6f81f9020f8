-- A membership an organisation's admin proposes for an existing person is an
-- invitation until the person (or a platform administrator) accepts it; only
-- active memberships carry roles or reveal personal data.
ALTER TABLE organization_members
    ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'invited'));

-- Stale throttle rows are purged by age.
CREATE INDEX login_throttle_last_failure_idx ON login_throttle (last_failure_at);
