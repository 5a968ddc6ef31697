-- "Đọc nhiều": views are counted in memory by each instance and added here
-- in batches. Totals per article, and hourly buckets for the 24 h / 7 d /
-- 30 d rankings (buckets older than 30 days are pruned).
CREATE TABLE article_view_totals (
    article_id TEXT COLLATE "C" PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    views BIGINT NOT NULL
);
CREATE TABLE article_view_hours (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    hour TIMESTAMP NOT NULL,
    views BIGINT NOT NULL,
    PRIMARY KEY (article_id, hour)
);
-- The ranking reads the window's buckets from this index alone.
CREATE INDEX article_view_hours_window ON article_view_hours(hour, article_id, views);
