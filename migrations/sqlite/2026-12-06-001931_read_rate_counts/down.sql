DROP TABLE read_rate_counts;
