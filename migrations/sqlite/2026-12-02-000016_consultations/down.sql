DROP TABLE watched_drafts;
DROP TABLE consultation_submissions;
DROP TABLE consultation_sections;
DROP TABLE consultation_versions;
DROP TABLE consultations;
