DELETE FROM territorial_units WHERE country = 'RO' AND level = 'municipality';
