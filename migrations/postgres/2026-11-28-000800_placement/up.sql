-- Placement: "Nổi bật" slots, byline roles and related-article picks.

-- The featured order lives in featured_slots now; `featured` stays an
-- independent flag (the `featured=true` list filter).
ALTER TABLE articles DROP COLUMN featured_rank;

-- Each byline entry has a role; existing bylines are writers.
ALTER TABLE article_authors ADD COLUMN role TEXT NOT NULL DEFAULT 'writer'
    CHECK (role IN ('writer', 'photographer', 'editor', 'translator'));

-- The ordered "Nổi bật" list, replaced whole by PUT /api/v1/featured.
-- Entries whose article readers may no longer see, or whose slot expired,
-- are filtered out when read: nothing needs to remove them.
CREATE TABLE featured_slots (
    position INTEGER PRIMARY KEY NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL UNIQUE REFERENCES articles(id) ON DELETE CASCADE,
    expires_at TIMESTAMP,
    set_by TEXT COLLATE "C" REFERENCES users(id) ON DELETE SET NULL,
    set_at TIMESTAMP NOT NULL
);

-- An editor's ordered related-article picks.
CREATE TABLE article_related (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    related_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, related_id),
    CHECK (article_id <> related_id)
);
CREATE INDEX article_related_related ON article_related(related_id);
