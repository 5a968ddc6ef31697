-- `comment.approved`: a comment became visible to readers. Its row names
-- the comment's article; `data` carries the comment beside the article.
-- SQLite cannot alter a CHECK constraint: the table is rebuilt (nothing
-- refers to it by foreign key).
CREATE TABLE events_next (
    id TEXT PRIMARY KEY NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('article.published', 'article.updated', 'article.unpublished', 'article.expired', 'article.archived', 'article.deleted', 'comment.approved')),
    article_id TEXT NOT NULL,
    article_slug TEXT NOT NULL,
    actor_id TEXT,
    occurred_at TIMESTAMP NOT NULL,
    data TEXT
);
INSERT INTO events_next (id, type, article_id, article_slug, actor_id, occurred_at, data)
    SELECT id, type, article_id, article_slug, actor_id, occurred_at, data FROM events;
DROP TABLE events;
ALTER TABLE events_next RENAME TO events;
CREATE INDEX events_type ON events(type, id);
CREATE INDEX events_article ON events(article_id, id);
