-- Newsroom desk, workflow: expiry, notes sent back with an article,
-- transition events, and the due work that turns scheduled publications
-- and expiries into events when their time comes.

-- From this instant on readers no longer see the article (NULL: never).
-- Visibility is a filter on it, like published_at: no job needs to run.
ALTER TABLE articles ADD COLUMN unpublish_at TIMESTAMP;

-- Notes an editor sends back with an in-review article; staff only.
CREATE TABLE article_review_notes (
    id TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    note TEXT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX article_review_notes_article ON article_review_notes(article_id, id);

-- What readers saw change, each recorded once; webhooks and CDN purges
-- read it. No foreign key: a deleted article keeps its events.
CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('article.published', 'article.updated', 'article.unpublished', 'article.expired', 'article.archived', 'article.deleted')),
    article_id TEXT NOT NULL,
    article_slug TEXT NOT NULL,
    actor_id TEXT,
    occurred_at TIMESTAMP NOT NULL,
    data TEXT
);
-- Keyset pages newest first (ids are UUIDv7), overall, by type, by article.
CREATE INDEX events_type ON events(type, id);
CREATE INDEX events_article ON events(article_id, id);

-- Scheduled publications and expiries still to become events, written in
-- the transaction that schedules them; each instance's due-work loop
-- claims the due ones. One row per article and kind: rescheduling replaces it.
CREATE TABLE due_work (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('publish', 'expire')),
    due_at TIMESTAMP NOT NULL,
    PRIMARY KEY (article_id, kind)
);
CREATE INDEX due_work_due ON due_work(due_at);

-- Publications scheduled before this migration still become events.
INSERT INTO due_work (article_id, kind, due_at)
    SELECT id, 'publish', published_at FROM articles
    WHERE status = 'published' AND published_at > strftime('%Y-%m-%d %H:%M:%f', 'now');
