-- A membership an organisation's admin proposes for an existing person is an
-- invitation until the person (or a platform administrator) accepts it; only
-- active memberships carry roles or reveal personal data.
ALTER TABLE organization_members
    ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'invited'));

-- Memberships made before this change by an org admin for a person who already
-- existed (not a platform administrator, not the person themself, not a person
-- created in the same request) are what the old rule let through without the
-- person's consent: they become invitations the person has to accept.
UPDATE organization_members SET status = 'invited'
WHERE EXISTS (
        SELECT 1 FROM change_log cl
        WHERE cl.entity_type = 'organization_member'
          AND cl.action = 'create'
          AND cl.entity_id = organization_members.id
          AND cl.actor_kind = 'user'
          AND NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = cl.actor_id AND r.role = 'admin')
          AND NOT EXISTS (SELECT 1 FROM users u WHERE u.id = cl.actor_id AND u.person_id = organization_members.person_id))
  AND EXISTS (
        SELECT 1 FROM people p
        WHERE p.id = organization_members.person_id AND p.created_at < organization_members.created_at);

-- Stale throttle rows are purged by age.
CREATE INDEX login_throttle_last_failure_idx ON login_throttle (last_failure_at);
