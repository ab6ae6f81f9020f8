ALTER TABLE result_indicators DROP COLUMN category;
DROP TABLE rate_limits;
DROP TABLE applications;
DROP TABLE calls;
