-- Categories, authors and tags get what articles have: a version that every
-- change increments (a conditional UPDATE detects a lost race), and old
-- slugs that keep answering with a redirect to the current one.
ALTER TABLE categories ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE authors ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tags ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE tags ADD COLUMN updated_at TIMESTAMP;
UPDATE tags SET updated_at = created_at;
ALTER TABLE tags ALTER COLUMN updated_at SET NOT NULL;

-- One table for the three kinds (`categories`, `authors`, `tags`): an old
-- slug and the row it now names. A row that takes an old slug as its own
-- removes the redirect; deleting a row removes its redirects.
CREATE TABLE taxonomy_slug_redirects (
    kind TEXT COLLATE "C" NOT NULL,
    slug TEXT COLLATE "C" NOT NULL,
    target_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (kind, slug)
);
CREATE INDEX taxonomy_slug_redirects_target ON taxonomy_slug_redirects(kind, target_id);
