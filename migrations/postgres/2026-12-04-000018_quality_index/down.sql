DROP TABLE quality_survey_answers;
DROP TABLE quality_assessments;
DROP TABLE quality_round_members;
DROP TABLE quality_rounds;
DROP TABLE quality_methodologies;
