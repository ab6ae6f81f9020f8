DROP TABLE result_indicators;
