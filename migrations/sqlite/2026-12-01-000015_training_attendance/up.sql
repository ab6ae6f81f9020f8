-- Training, second part: a session covers one or more of the programme's
-- modules (a JSON list of codes, replacing the single module_code); a
-- programme's completion rule (JSON); attendance per session and participant,
-- with a version per session for its tag; and certificates, each with a
-- unique number, which keep the holder's and the programme's names as issued.
ALTER TABLE training_sessions ADD COLUMN module_codes TEXT NOT NULL DEFAULT '[]';
UPDATE training_sessions SET module_codes = '["' || module_code || '"]';
ALTER TABLE training_sessions DROP COLUMN module_code;
ALTER TABLE training_sessions ADD COLUMN attendance_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE training_programmes ADD COLUMN completion TEXT NOT NULL DEFAULT '{"rule":"all_modules"}';

CREATE TABLE training_attendance (
    session_id      TEXT NOT NULL REFERENCES training_sessions (id),
    participant_id  TEXT NOT NULL REFERENCES training_participants (id),
    status          TEXT NOT NULL CHECK (status IN ('present', 'absent', 'excused')),
    recorded_at     TIMESTAMP NOT NULL,
    recorded_by     TEXT,
    PRIMARY KEY (session_id, participant_id)
);
CREATE INDEX training_attendance_participant_idx ON training_attendance (participant_id);

CREATE TABLE training_certificates (
    id              TEXT PRIMARY KEY NOT NULL,
    number          TEXT NOT NULL UNIQUE,
    programme_id    TEXT NOT NULL REFERENCES training_programmes (id),
    participant_id  TEXT NOT NULL,
    person_id       TEXT NOT NULL REFERENCES people (id),
    holder_name     TEXT NOT NULL,
    programme_name  TEXT NOT NULL,
    issued_at       TIMESTAMP NOT NULL,
    revoked_at      TIMESTAMP,
    revoke_reason   TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    version         BIGINT NOT NULL,
    UNIQUE (programme_id, person_id)
);
CREATE INDEX training_certificates_programme_idx ON training_certificates (programme_id, id);
