-- Every id column compares bytewise (COLLATE "C"), as `articles.id` does:
-- a join between columns of different collations cannot use the index of
-- either, and PostgreSQL read the whole of `article_documents` (a seq scan
-- per listed article, sorting through temporary files) for each list page.
ALTER TABLE article_documents ALTER COLUMN article_id TYPE TEXT COLLATE "C";
ALTER TABLE document_queue ALTER COLUMN article_id TYPE TEXT COLLATE "C";
ALTER TABLE comments ALTER COLUMN user_id TYPE TEXT COLLATE "C";
ALTER TABLE events ALTER COLUMN actor_id TYPE TEXT COLLATE "C";
