DROP TABLE territorial_units;
