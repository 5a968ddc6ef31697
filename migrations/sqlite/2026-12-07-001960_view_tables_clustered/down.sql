CREATE TABLE article_view_totals_rowid (
    article_id TEXT PRIMARY KEY NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    views BIGINT NOT NULL
);
INSERT INTO article_view_totals_rowid (article_id, views)
    SELECT article_id, views FROM article_view_totals;
DROP TABLE article_view_totals;
ALTER TABLE article_view_totals_rowid RENAME TO article_view_totals;

CREATE TABLE article_view_hours_rowid (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    hour TIMESTAMP NOT NULL,
    views BIGINT NOT NULL,
    PRIMARY KEY (article_id, hour)
);
INSERT INTO article_view_hours_rowid (article_id, hour, views)
    SELECT article_id, hour, views FROM article_view_hours;
DROP TABLE article_view_hours;
ALTER TABLE article_view_hours_rowid RENAME TO article_view_hours;
CREATE INDEX article_view_hours_window ON article_view_hours(hour, article_id, views);
