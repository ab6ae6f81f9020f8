DROP TABLE applications;
DROP TABLE calls;
