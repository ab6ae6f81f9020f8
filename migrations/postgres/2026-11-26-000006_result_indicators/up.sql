-- Result indicators of a project: a target, and an achieved value that is
-- either entered (`manual`) or computed by the service from its data. `kind`
-- is checked by the service, so that modules can add computed kinds (with
-- their own parameter columns) without rebuilding this table.
CREATE TABLE result_indicators (
    id             TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    project_id     TEXT NOT NULL REFERENCES projects (id),
    name           TEXT NOT NULL,
    unit           TEXT NOT NULL,
    target         DOUBLE PRECISION NOT NULL CHECK (target >= 0),
    kind           TEXT NOT NULL,
    manual_value   DOUBLE PRECISION CHECK (manual_value >= 0),
    activity_type  TEXT,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX result_indicators_project_idx ON result_indicators (project_id);
