DROP TRIGGER article_search_follow_article ON articles;
DROP FUNCTION article_search_follow_article();
CREATE INDEX article_search_document ON article_search USING GIN (document);
DROP INDEX article_search_words;
ALTER TABLE article_search
    DROP COLUMN words,
    DROP COLUMN status,
    DROP COLUMN published_at,
    DROP COLUMN unpublish_at,
    DROP COLUMN category_id,
    DROP COLUMN featured,
    DROP COLUMN created_by,
    DROP COLUMN sort_at;
