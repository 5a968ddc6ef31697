-- Reading time and word count of the body, computed on write. Rows written
-- before this migration read 0 until `toasoan reindex` (or their next save)
-- computes them: SQL cannot extract the text of the body blocks.
ALTER TABLE articles ADD COLUMN word_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE articles ADD COLUMN reading_time_minutes INTEGER NOT NULL DEFAULT 0;

-- Every save of an article stores a revision: a full JSON snapshot of its
-- content and metadata after the write, numbered 1, 2, 3 ... per article.
-- Title and status are copied out so the history lists without reading
-- snapshots.
CREATE TABLE article_revisions (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    n INTEGER NOT NULL,
    version INTEGER NOT NULL,
    saved_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    saved_at TIMESTAMP NOT NULL,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    snapshot TEXT NOT NULL,
    PRIMARY KEY (article_id, n)
);

-- Public correction notes appended to published articles, oldest first.
CREATE TABLE corrections (
    id TEXT PRIMARY KEY NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX corrections_article ON corrections(article_id, created_at, id);
