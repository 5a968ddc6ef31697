-- `comment.approved`: a comment became visible to readers. Its row names
-- the comment's article; `data` carries the comment beside the article.
ALTER TABLE events DROP CONSTRAINT events_type_check;
ALTER TABLE events ADD CONSTRAINT events_type_check CHECK (type IN ('article.published', 'article.updated', 'article.unpublished', 'article.expired', 'article.archived', 'article.deleted', 'comment.approved'));
