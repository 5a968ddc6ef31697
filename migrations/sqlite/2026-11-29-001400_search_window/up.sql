-- A search picks its window of newest matches among the articles the reader
-- may see (and the list filters select). Reading those columns from
-- `articles` cost a primary-key lookup per match, each walking the row past
-- its body and rendered HTML (overflow pages) to reach `status` and
-- `published_at`: up to 1 000 such lookups per search. The index's row
-- table carries them instead, as `article_search` does on PostgreSQL since
-- 2026-11-28-001200, so the window is chosen on the FTS5 index and this
-- narrow table alone, and only the page's articles are read. `sort_at` is
-- the ranking's tie-break (COALESCE(published_at, created_at)).
ALTER TABLE article_search_docs ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE article_search_docs ADD COLUMN published_at TIMESTAMP;
ALTER TABLE article_search_docs ADD COLUMN unpublish_at TIMESTAMP;
ALTER TABLE article_search_docs ADD COLUMN category_id TEXT;
ALTER TABLE article_search_docs ADD COLUMN featured BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE article_search_docs ADD COLUMN created_by TEXT;
ALTER TABLE article_search_docs ADD COLUMN sort_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';

UPDATE article_search_docs
SET (status, published_at, unpublish_at, category_id, featured, created_by, sort_at) = (
    SELECT a.status, a.published_at, a.unpublish_at, a.category_id, a.featured, a.created_by,
           COALESCE(a.published_at, a.created_at)
    FROM articles a
    WHERE a.id = article_search_docs.article_id
);

-- The copies follow every change of the article, whatever writes it: the
-- workflow, scheduled work, a category move, or a user's deletion (which
-- sets created_by to NULL through its foreign key, an update that fires
-- this trigger too). In the same transaction.
CREATE TRIGGER article_search_docs_follow_article
AFTER UPDATE OF status, published_at, unpublish_at, category_id, featured, created_by, created_at
ON articles
FOR EACH ROW
WHEN old.status IS NOT new.status
  OR old.published_at IS NOT new.published_at
  OR old.unpublish_at IS NOT new.unpublish_at
  OR old.category_id IS NOT new.category_id
  OR old.featured IS NOT new.featured
  OR old.created_by IS NOT new.created_by
  OR old.created_at IS NOT new.created_at
BEGIN
    UPDATE article_search_docs
    SET status = new.status, published_at = new.published_at,
        unpublish_at = new.unpublish_at, category_id = new.category_id,
        featured = new.featured, created_by = new.created_by,
        sort_at = COALESCE(new.published_at, new.created_at)
    WHERE article_id = new.id;
END;
