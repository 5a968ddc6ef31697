DROP TABLE corrections;
DROP TABLE article_revisions;
ALTER TABLE articles DROP COLUMN reading_time_minutes;
ALTER TABLE articles DROP COLUMN word_count;
