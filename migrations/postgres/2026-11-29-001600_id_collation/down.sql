ALTER TABLE events ALTER COLUMN actor_id TYPE TEXT COLLATE "default";
ALTER TABLE comments ALTER COLUMN user_id TYPE TEXT COLLATE "default";
ALTER TABLE document_queue ALTER COLUMN article_id TYPE TEXT COLLATE "default";
ALTER TABLE article_documents ALTER COLUMN article_id TYPE TEXT COLLATE "default";
