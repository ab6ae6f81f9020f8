-- Lists are ordered by id and filtered by equality on a parent or a kind. An
-- index on (column, id) hands the rows over in id order, so a page stops after
-- `limit` rows instead of sorting every match first.
DROP INDEX organizations_kind_idx;
CREATE INDEX organizations_kind_idx ON organizations (kind, id);
DROP INDEX organizations_unit_idx;
CREATE INDEX organizations_unit_idx ON organizations (territorial_unit_code, id);
DROP INDEX partnerships_project_idx;
CREATE INDEX partnerships_project_idx ON partnerships (project_id, id);
DROP INDEX partnership_members_partnership_idx;
CREATE INDEX partnership_members_partnership_idx ON partnership_members (partnership_id, id);
CREATE INDEX responsibilities_partnership_id_idx ON responsibilities (partnership_id, id);
DROP INDEX campaigns_project_idx;
CREATE INDEX campaigns_project_idx ON campaigns (project_id, id);
CREATE INDEX activities_project_id_idx ON activities (project_id, id);
DROP INDEX result_indicators_project_idx;
CREATE INDEX result_indicators_project_idx ON result_indicators (project_id, id);
CREATE INDEX good_practices_project_id_idx ON good_practices (project_id, id);
CREATE INDEX good_practices_status_idx ON good_practices (status, id);
CREATE INDEX projects_status_idx ON projects (status, id);
CREATE INDEX projects_lead_idx ON projects (lead_organization_id, id);
CREATE INDEX territorial_units_parent_code_idx ON territorial_units (parent_code, code);
DROP INDEX territorial_units_parent_idx;
