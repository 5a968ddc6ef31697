-- Reader comments, rebuilt (the first table had no rows anywhere): replies,
-- staff replies, spam, duplicate detection, and client addresses kept only
-- as a keyed hash. Plus per-article comment modes and rate-limit state
-- shared by every API instance.

ALTER TABLE articles ADD COLUMN comment_mode TEXT NOT NULL DEFAULT 'open'
    CHECK (comment_mode IN ('open', 'closed', 'hidden'));

DROP TABLE comments;

CREATE TABLE comments (
    id TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    -- A reply names its parent and the comment at the top of its thread,
    -- so a page of threads loads all its replies with one query.
    parent_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
    root_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
    depth SMALLINT NOT NULL CHECK (depth >= 1),
    author_name TEXT NOT NULL,
    email TEXT,
    body TEXT NOT NULL,
    -- SHA-256 of the case- and space-folded body.
    body_hash TEXT NOT NULL,
    -- HMAC-SHA256 of the client address under a server key; never the address.
    ip_hash TEXT,
    user_id TEXT REFERENCES users(id) ON DELETE SET NULL,
    is_staff BOOLEAN NOT NULL DEFAULT 0,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'spam')),
    spam_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    moderated_at TIMESTAMP,
    moderated_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    CHECK ((parent_id IS NULL) = (root_id IS NULL)),
    CHECK ((parent_id IS NULL) = (depth = 1))
);
-- A public page: one article's approved top-level comments in id order.
CREATE INDEX comments_threads ON comments(article_id, status, depth, id);
-- The replies of a page of threads.
CREATE INDEX comments_replies ON comments(root_id, status, id);
-- Moderation queues, all articles or one.
CREATE INDEX comments_queue ON comments(status, id);
CREATE INDEX comments_article_queue ON comments(article_id, status, id);
CREATE INDEX comments_parent ON comments(parent_id);
-- Duplicate detection: the same text recently, here or from the same address.
CREATE INDEX comments_body_hash ON comments(body_hash, created_at);

-- One row per counted action (a sliding-window log), shared by instances.
CREATE TABLE rate_limit_hits (
    id TEXT PRIMARY KEY NOT NULL,
    bucket TEXT NOT NULL,
    hit_at TIMESTAMP NOT NULL
);
CREATE INDEX rate_limit_hits_bucket ON rate_limit_hits(bucket, hit_at);
-- Pruning old hits across all buckets.
CREATE INDEX rate_limit_hits_age ON rate_limit_hits(hit_at);
