-- Render on write: what a reader gets for an article, stored when the
-- article or anything it shows changes, so a public read is one indexed
-- lookup and a list page one query. `list_entry` (the summary JSON a list
-- shows) comes before the whole document so a list reads it from the
-- row's first page. Both have `"view_count":0` where the live counter is
-- spliced in at read time; `etag` is the article's ETag (which leaves the
-- counter out). No row (as after this migration, until `toasoan reindex`):
-- reads take the live path.
CREATE TABLE article_documents (
    article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    list_entry TEXT NOT NULL,
    etag TEXT NOT NULL,
    document TEXT NOT NULL
);
-- Articles whose documents a write made stale, rendered again before the
-- same transaction commits (rows left by a write outside one are rendered
-- by the next write transaction).
CREATE TABLE document_queue (
    article_id TEXT NOT NULL
);
CREATE INDEX document_queue_article ON document_queue(article_id);
