-- Full-text search over articles. Words are folded in Rust (the same
-- function for the index and the query): SQLite's remove_diacritics does
-- not fold đ. The folded columns carry the weights (title > sapo > names >
-- body); `exact` keeps the words as written for the exact-mark bonus.
-- Articles that exist before this migration are indexed by `toasoan reindex`.

-- FTS5 rows are keyed by integer; articles by UUID text.
CREATE TABLE article_search_docs (
    doc INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE
);

-- Contentless: the text is not stored twice, only indexed.
CREATE VIRTUAL TABLE article_search USING fts5(
    title, sapo, body, names, exact,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'",
    prefix = '2 3'
);

-- A deleted article (the cascade removes its doc row) leaves the index too.
CREATE TRIGGER article_search_docs_delete AFTER DELETE ON article_search_docs BEGIN
    DELETE FROM article_search WHERE rowid = old.doc;
END;
