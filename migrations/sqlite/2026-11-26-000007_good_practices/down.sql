DROP TABLE good_practice_tags;
DROP TABLE good_practices;
