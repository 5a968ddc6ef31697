DROP TABLE document_queue;
DROP TABLE article_documents;
