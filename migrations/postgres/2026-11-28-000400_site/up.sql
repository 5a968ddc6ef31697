-- The newsroom's settings: one row, read by feeds, sitemaps and local times.
CREATE TABLE site_settings (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    name TEXT NOT NULL,
    url TEXT NOT NULL,
    language TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    logo_url TEXT,
    article_path TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO site_settings (id, name, url, language, time_zone, logo_url, article_path, updated_at)
VALUES (1, 'Toà soạn', 'http://localhost:3000', 'vi', 'Asia/Ho_Chi_Minh', NULL,
        '{site}/{category}/{slug}', (now() AT TIME ZONE 'UTC'));
