-- The local Cooperation Quality Index: methodologies as data (versions of a
-- JSON document: planes → areas → indicators), assessment rounds of a local
-- government for a year, their working group, and the level the working
-- group agreed for each indicator.
CREATE TABLE quality_methodologies (
    id               TEXT PRIMARY KEY NOT NULL,
    methodology_key  TEXT NOT NULL,
    number           INTEGER NOT NULL CHECK (number >= 1),
    name             TEXT NOT NULL,
    document         TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL,
    UNIQUE (methodology_key, number)
);

CREATE TABLE quality_rounds (
    id               TEXT PRIMARY KEY NOT NULL,
    organization_id  TEXT NOT NULL REFERENCES organizations (id),
    year             INTEGER NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    methodology_id   TEXT NOT NULL REFERENCES quality_methodologies (id),
    status           TEXT NOT NULL CHECK (status IN ('draft', 'in_progress', 'completed', 'cancelled')),
    notes            TEXT,
    completed_at     TIMESTAMP,
    cancel_reason    TEXT,
    survey_status    TEXT NOT NULL DEFAULT 'not_started' CHECK (survey_status IN ('not_started', 'open', 'closed')),
    survey_token_hash TEXT,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL
);
-- One round of a local government a year, cancelled ones aside.
CREATE UNIQUE INDEX quality_rounds_year_idx ON quality_rounds (organization_id, year) WHERE status <> 'cancelled';
CREATE INDEX quality_rounds_organization_idx ON quality_rounds (organization_id, id);
CREATE INDEX quality_rounds_methodology_idx ON quality_rounds (methodology_id, id);
CREATE INDEX quality_rounds_status_idx ON quality_rounds (status, id);

-- The working group: people of the local government and of NGOs.
CREATE TABLE quality_round_members (
    round_id   TEXT NOT NULL REFERENCES quality_rounds (id),
    person_id  TEXT NOT NULL REFERENCES people (id),
    side       TEXT NOT NULL CHECK (side IN ('local_government', 'ngo')),
    PRIMARY KEY (round_id, person_id)
);
CREATE INDEX quality_round_members_person_idx ON quality_round_members (person_id);

-- The working group's agreed answer per indicator: a level's points, 1 or 0,
-- or a number, as the indicator's scale takes it.
CREATE TABLE quality_assessments (
    id               TEXT PRIMARY KEY NOT NULL,
    round_id         TEXT NOT NULL REFERENCES quality_rounds (id),
    indicator_code   TEXT NOT NULL,
    answer           REAL NOT NULL,
    evidence         TEXT,
    recommendation   TEXT,
    recorded_by      TEXT,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    version          BIGINT NOT NULL,
    UNIQUE (round_id, indicator_code)
);

CREATE UNIQUE INDEX quality_rounds_survey_token_idx ON quality_rounds (survey_token_hash);

-- The NGO survey's answers: anonymous. Nothing says who answered or when (no
-- account, no address, no time; a random id), so that no answer can be
-- traced back; they are read only in aggregate.
CREATE TABLE quality_survey_answers (
    id        TEXT PRIMARY KEY NOT NULL,
    round_id  TEXT NOT NULL REFERENCES quality_rounds (id),
    answers   TEXT NOT NULL
);
CREATE INDEX quality_survey_answers_round_idx ON quality_survey_answers (round_id);

-- The default methodology, a starting template on the cooperation model's
-- three planes and six areas (levels: not met, minimum standard, target
-- standard).
INSERT INTO quality_methodologies (id, methodology_key, number, name, document, created_at, updated_at, version)
VALUES ('0193d1c0-0000-7000-8000-000000000001', 'coopera-default', 1,
        'Local Cooperation Quality Index — starting template',
        '{"key":"coopera-default","name":"Local Cooperation Quality Index — starting template","description":"A starting template, not a standard: it follows the cooperation model''s three planes and six areas, and scores each indicator as not met (0), minimum standard (1) or target standard (2). A working group of the local government and NGOs agrees a level per indicator; NGOs answer the survey indicators anonymously. Adapt it to local conditions by importing your own version.","planes":[{"number":1,"name":"Making public policy together","weight":1.0,"areas":[{"code":"consulting_draft_acts","name":"Consulting draft acts and other undertakings","weight":1.0,"indicators":[{"code":"1A.1","question":"Does the local government have adopted rules for consulting draft acts with NGOs?","guidance":"Minimum: a resolution on consultation rules exists. Target: the rules set forms, deadlines and a feedback report, and are reviewed with NGOs.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"1A.2","question":"Are draft acts concerning NGOs'' statutory activity consulted before adoption?","guidance":"Minimum: most such drafts are consulted. Target: every one, with at least the minimum comment period.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"1A.3","question":"Does the local government publish a report answering every submission?","guidance":"Minimum: a report lists the submissions. Target: every submission has a reasoned response, published with the act.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"1A.4","question":"Do NGOs consider consultations meaningful (their comments are read and answered)?","guidance":"Answered by NGOs in the survey.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"ngo_survey"}]},{"code":"diagnosing_local_problems","name":"Diagnosing local problems and challenges together","weight":1.0,"indicators":[{"code":"1B.1","question":"Are NGOs involved in preparing local strategies and diagnoses?","guidance":"Minimum: NGOs are invited to comment on a finished diagnosis. Target: NGOs sit in the team that prepares it.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"1B.2","question":"Is there a joint advisory body (e.g. a Public Benefit Council) that meets regularly?","guidance":"Minimum: the body exists and met in the year. Target: it meets at least quarterly and its opinions are answered.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"1B.3","question":"Do NGOs feel their knowledge of local problems is used by the local government?","guidance":"Answered by NGOs in the survey.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"ngo_survey"}]}]},{"number":2,"name":"Carrying out public tasks together","weight":1.0,"areas":[{"code":"financial_cooperation","name":"Financial cooperation in public tasks","weight":1.0,"indicators":[{"code":"2A.1","question":"What share of the local budget for public tasks is contracted to NGOs in open competitions?","guidance":"Scored by thresholds: under 0.5 % not met, from 0.5 % minimum, from 1.5 % target.","scale":{"type":"number","unit":"%","thresholds":[{"from":0.5,"points":1},{"from":1.5,"points":2}]},"weight":1.0,"source":"public_data"},{"code":"2A.2","question":"Are open competitions announced with clear criteria and decided within the announced time?","guidance":"Minimum: criteria are published. Target: criteria, the committee''s scoring and the decisions are published on time.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"2A.3","question":"Are multi-year grants available for continuing tasks?","guidance":"Yes or no.","scale":{"type":"yes_no"},"weight":1.0,"source":"working_group"},{"code":"2A.4","question":"Do NGOs find the grant procedures fair and proportionate?","guidance":"Answered by NGOs in the survey.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"ngo_survey"}]},{"code":"project_partnerships","name":"Project partnerships in public tasks","weight":1.0,"indicators":[{"code":"2B.1","question":"Does the local government take part in projects with NGOs as a partner (not only as a funder)?","guidance":"Minimum: one joint project in the year. Target: several, with a written partnership agreement.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"2B.2","question":"Are non-financial forms of cooperation used (premises, equipment, patronage, joint teams)?","guidance":"Minimum: occasionally, on request. Target: under published rules, available to every NGO.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"2B.3","question":"Do NGOs see the local government as a reliable project partner?","guidance":"Answered by NGOs in the survey.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"ngo_survey"}]}]},{"number":3,"name":"Building the local cooperation infrastructure","weight":1.0,"areas":[{"code":"civic_initiative_support","name":"Supporting civic initiatives and NGOs","weight":1.0,"indicators":[{"code":"3A.1","question":"Is there a support point or centre for NGOs and civic initiatives?","guidance":"Minimum: a contact person in the office. Target: a centre with advice, training and premises, run with NGOs.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"3A.2","question":"Is a local initiative (inicjatywa lokalna) or micro-grant scheme available to residents'' groups?","guidance":"Minimum: the rules are adopted. Target: the scheme is used every year and promoted.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"3A.3","question":"How many NGOs per 1,000 residents are active locally?","guidance":"Scored by thresholds: under 2 not met, from 2 minimum, from 4 target.","scale":{"type":"number","unit":"NGOs per 1,000 residents","thresholds":[{"from":2,"points":1},{"from":4,"points":2}]},"weight":1.0,"source":"public_data"}]},{"code":"local_partnerships","name":"Local partnerships","weight":1.0,"indicators":[{"code":"3B.1","question":"Do cross-sector local partnerships (local government, NGOs, business) operate in the area?","guidance":"Minimum: one partnership exists. Target: partnerships with agreed goals, a coordinator and regular meetings.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"3B.2","question":"Does the annual cooperation programme follow from an evaluation of the previous one?","guidance":"Minimum: a report on the previous programme is published. Target: its conclusions, discussed with NGOs, shape the new programme.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"working_group"},{"code":"3B.3","question":"Do NGOs rate cooperation with the local government as partnership rather than a client relationship?","guidance":"Answered by NGOs in the survey.","scale":{"type":"levels","levels":[{"points":0,"label":"not met"},{"points":1,"label":"minimum standard"},{"points":2,"label":"target standard"}]},"weight":1.0,"source":"ngo_survey"}]}]}]}',
        '2026-12-04 00:00:00', '2026-12-04 00:00:00', 1);
