DROP TABLE quality_action_items;
