DROP TABLE responsibilities;
