DROP INDEX articles_cover_image;
DROP TABLE images CASCADE;
CREATE TABLE images (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    storage_key TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    byte_size BIGINT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    alt TEXT,
    caption TEXT,
    credit TEXT,
    uploaded_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL
);
ALTER TABLE articles ADD CONSTRAINT articles_cover_image_id_fkey
    FOREIGN KEY (cover_image_id) REFERENCES images(id) ON DELETE SET NULL;
