-- A search picks its window of newest matches among the articles the reader
-- may see (and the list filters select). Joining every match to `articles`
-- to read those columns made a search cost what its matches cost (about
-- 12 500 primary-key lookups for two common words at 100 000 articles), so
-- the search table carries them, and the window comes from a bitmap scan of
-- this table alone. `sort_at` is the ranking's tie-break
-- (COALESCE(published_at, created_at)).
ALTER TABLE article_search
    ADD COLUMN status TEXT NOT NULL DEFAULT 'draft',
    ADD COLUMN published_at TIMESTAMP,
    ADD COLUMN unpublish_at TIMESTAMP,
    ADD COLUMN category_id TEXT COLLATE "C",
    ADD COLUMN featured BOOLEAN NOT NULL DEFAULT FALSE,
    ADD COLUMN created_by TEXT,
    ADD COLUMN sort_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00',
    -- The words without positions or weights: small enough to stay in the
    -- row, so testing a row costs no TOAST fetch. The planner walks the
    -- newest ids and tests each row when matches are common (it does not
    -- count the cost of fetching a 2.7 kB compressed `document`, which made
    -- that walk ~18 us a row); `document` is read only for the window's
    -- ranking and for phrases (a stripped vector matches no phrase).
    ADD COLUMN words TSVECTOR GENERATED ALWAYS AS (strip(document)) STORED;
-- Searches match on `words`; `document` keeps positions and weights.
CREATE INDEX article_search_words ON article_search USING GIN (words);
DROP INDEX article_search_document;

UPDATE article_search s
SET status = a.status, published_at = a.published_at, unpublish_at = a.unpublish_at,
    category_id = a.category_id, featured = a.featured, created_by = a.created_by,
    sort_at = COALESCE(a.published_at, a.created_at)
FROM articles a
WHERE a.id = s.article_id;

-- The copies follow every change of the article, whatever writes it: the
-- workflow, scheduled work, a category move, or a user's deletion (which
-- sets created_by to NULL through its foreign key). In the same transaction.
CREATE FUNCTION article_search_follow_article() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE article_search
    SET status = NEW.status, published_at = NEW.published_at,
        unpublish_at = NEW.unpublish_at, category_id = NEW.category_id,
        featured = NEW.featured, created_by = NEW.created_by,
        sort_at = COALESCE(NEW.published_at, NEW.created_at)
    WHERE article_id = NEW.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER article_search_follow_article
AFTER UPDATE OF status, published_at, unpublish_at, category_id, featured, created_by, created_at
ON articles
FOR EACH ROW
WHEN (OLD.status IS DISTINCT FROM NEW.status
   OR OLD.published_at IS DISTINCT FROM NEW.published_at
   OR OLD.unpublish_at IS DISTINCT FROM NEW.unpublish_at
   OR OLD.category_id IS DISTINCT FROM NEW.category_id
   OR OLD.featured IS DISTINCT FROM NEW.featured
   OR OLD.created_by IS DISTINCT FROM NEW.created_by
   OR OLD.created_at IS DISTINCT FROM NEW.created_at)
EXECUTE FUNCTION article_search_follow_article();
