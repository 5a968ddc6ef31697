DROP INDEX article_related_related;
DROP TABLE article_related;
DROP TABLE featured_slots;
ALTER TABLE article_authors DROP COLUMN role;
ALTER TABLE articles ADD COLUMN featured_rank INTEGER;
