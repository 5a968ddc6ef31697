DROP TRIGGER article_search_docs_delete;
DROP TABLE article_search;
DROP TABLE article_search_docs;
