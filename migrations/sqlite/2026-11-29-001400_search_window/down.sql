DROP TRIGGER article_search_docs_follow_article;
ALTER TABLE article_search_docs DROP COLUMN sort_at;
ALTER TABLE article_search_docs DROP COLUMN created_by;
ALTER TABLE article_search_docs DROP COLUMN featured;
ALTER TABLE article_search_docs DROP COLUMN category_id;
ALTER TABLE article_search_docs DROP COLUMN unpublish_at;
ALTER TABLE article_search_docs DROP COLUMN published_at;
ALTER TABLE article_search_docs DROP COLUMN status;
