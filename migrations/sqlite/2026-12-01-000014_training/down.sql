DROP TABLE training_participants;
DROP TABLE training_sessions;
DROP TABLE training_groups;
DROP TABLE training_programmes;
