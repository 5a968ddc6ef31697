DROP TABLE rate_limit_hits;
DROP TABLE comments;
CREATE TABLE comments (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at TIMESTAMP NOT NULL,
    moderated_at TIMESTAMP,
    moderated_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX comments_article ON comments(article_id, status, created_at);
CREATE INDEX comments_status ON comments(status, created_at);
ALTER TABLE articles DROP COLUMN comment_mode;
