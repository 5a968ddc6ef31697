-- A reader's article by slug reads what it needs from this index alone:
-- which article the slug names and whether readers may see it. Without it
-- the lookup walks the article's row past `body` and `body_html` (overflow
-- pages) to reach `status`, `published_at` and `unpublish_at` (the last
-- one added by ALTER TABLE, so at the row's end), only to decide
-- visibility; the stored document is then read from article_documents.
CREATE INDEX articles_reader_slug ON articles(slug, id, status, published_at, unpublish_at);
