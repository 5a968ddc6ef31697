DROP TABLE taxonomy_slug_redirects;
ALTER TABLE tags DROP COLUMN updated_at;
ALTER TABLE tags DROP COLUMN version;
ALTER TABLE authors DROP COLUMN version;
ALTER TABLE categories DROP COLUMN version;
