DROP TABLE due_work;
DROP TABLE events;
DROP TABLE article_review_notes;
ALTER TABLE articles DROP COLUMN unpublish_at;
