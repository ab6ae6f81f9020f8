DROP TABLE activities;
DROP TABLE campaign_locations;
DROP TABLE campaigns;
