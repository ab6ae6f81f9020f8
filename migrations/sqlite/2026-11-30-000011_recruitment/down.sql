DROP TABLE rate_limits;
DROP TABLE applications;
DROP TABLE calls;
