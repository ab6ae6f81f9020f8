DROP TABLE training_certificates;
DROP TABLE training_attendance;
ALTER TABLE training_programmes DROP COLUMN completion;
ALTER TABLE training_sessions DROP COLUMN attendance_version;
ALTER TABLE training_sessions ADD COLUMN module_code TEXT NOT NULL DEFAULT '';
UPDATE training_sessions SET module_code = module_codes::json ->> 0;
ALTER TABLE training_sessions DROP COLUMN module_codes;
