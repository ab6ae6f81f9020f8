DROP TABLE partnership_team_members;
DROP TABLE partnership_members;
DROP TABLE partnerships;
