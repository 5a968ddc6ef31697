-- Full-text search over articles. Words are folded in Rust (the same
-- function for the index and the query), so no unaccent is needed and đ
-- folds to d. `document` holds the folded words weighted title (A) > sapo
-- (B) > author and tag names (C) > body (D); `exact` the words as written,
-- for the exact-mark bonus (checked only on rows that already matched).
-- Articles that exist before this migration are indexed by `toasoan reindex`.
CREATE TABLE article_search (
    article_id TEXT COLLATE "C" PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    document TSVECTOR NOT NULL,
    exact TSVECTOR NOT NULL
);
-- GIN answers word and prefix (:*) lookups.
CREATE INDEX article_search_document ON article_search USING GIN (document);
