-- The media library. `images` had no rows anywhere when this was written,
-- so it is rebuilt (same shape as on SQLite); the cover image reference
-- from articles is dropped with it and made again.
DROP TABLE images CASCADE;

CREATE TABLE images (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    -- Key of the full-size served file: slug of caption or file name + hash.
    storage_key TEXT COLLATE "C" NOT NULL UNIQUE,
    format TEXT NOT NULL CHECK (format IN ('jpeg', 'png', 'webp', 'gif')),
    byte_size BIGINT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    -- Hex SHA-256 of the uploaded bytes: the same file is stored once.
    content_hash TEXT COLLATE "C" NOT NULL UNIQUE,
    original_file_name TEXT,
    -- Set only when originals are kept; never served.
    original_key TEXT,
    alt TEXT,
    caption TEXT,
    credit TEXT,
    -- Caption, credit and alt folded to lowercase ASCII (đ → d) for search.
    search_text TEXT NOT NULL,
    focal_x DOUBLE PRECISION,
    focal_y DOUBLE PRECISION,
    -- JSON array of {width, height, format, key, byte_size}.
    renditions TEXT NOT NULL,
    uploaded_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK ((focal_x IS NULL) = (focal_y IS NULL))
);
-- The library lists newest first with keyset paging.
CREATE INDEX images_listing ON images(created_at, id);

ALTER TABLE articles ADD CONSTRAINT articles_cover_image_id_fkey
    FOREIGN KEY (cover_image_id) REFERENCES images(id) ON DELETE SET NULL;
-- "Which articles use this image" and delete checks.
CREATE INDEX articles_cover_image ON articles(cover_image_id);
