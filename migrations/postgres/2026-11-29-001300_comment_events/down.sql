DELETE FROM events WHERE type = 'comment.approved';
ALTER TABLE events DROP CONSTRAINT events_type_check;
ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('article.published', 'article.updated', 'article.unpublished', 'article.expired', 'article.archived', 'article.deleted'));
