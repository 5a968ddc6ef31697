-- Portable types only: UUIDs as TEXT, instants as naive UTC TIMESTAMP, JSON as TEXT.
-- Ids, slugs and sort keys are COLLATE "C": byte order, as SQLite's BINARY,
-- so ORDER BY and keyset comparisons agree on both backends and use the index
-- whatever locale the database was created with.

CREATE TABLE users (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'author')),
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One row per login; every refresh token of a login shares its session.
CREATE TABLE sessions (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT COLLATE "C" NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_session ON refresh_tokens(session_id);

CREATE TABLE login_failures (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    key_hash TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key_hash, failed_at);

CREATE TABLE categories (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    slug TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT NOT NULL,
    description TEXT,
    parent_id TEXT COLLATE "C" REFERENCES categories(id) ON DELETE RESTRICT,
    position INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX categories_parent ON categories(parent_id, position);

CREATE TABLE authors (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    slug TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT NOT NULL,
    sort_key TEXT COLLATE "C" NOT NULL,
    bio TEXT,
    user_id TEXT COLLATE "C" UNIQUE REFERENCES users(id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX authors_sort ON authors(sort_key, id);

CREATE TABLE tags (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    slug TEXT COLLATE "C" NOT NULL UNIQUE,
    name TEXT NOT NULL,
    sort_key TEXT COLLATE "C" NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX tags_sort ON tags(sort_key, id);

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

CREATE TABLE articles (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    slug TEXT COLLATE "C" NOT NULL UNIQUE,
    title TEXT NOT NULL,
    sapo TEXT,
    body TEXT NOT NULL,
    body_html TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'in_review', 'published', 'archived')),
    featured BOOLEAN NOT NULL DEFAULT FALSE,
    featured_rank INTEGER,
    published_at TIMESTAMP,
    category_id TEXT COLLATE "C" REFERENCES categories(id) ON DELETE RESTRICT,
    cover_image_id TEXT COLLATE "C" REFERENCES images(id) ON DELETE SET NULL,
    created_by TEXT REFERENCES users(id) ON DELETE SET NULL,
    comment_count INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
-- Lists read these indexes, never the bodies: filter + sort are covered.
CREATE INDEX articles_feed ON articles(status, published_at, id);
CREATE INDEX articles_category_feed ON articles(category_id, status, published_at, id);
CREATE INDEX articles_featured_feed ON articles(featured, status, published_at, id);
CREATE INDEX articles_created_by ON articles(created_by);
CREATE INDEX articles_workflow ON articles(status, id);

-- Old slugs keep answering with a redirect to the current one.
CREATE TABLE article_slug_redirects (
    slug TEXT PRIMARY KEY NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);

CREATE TABLE article_authors (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_id TEXT COLLATE "C" NOT NULL REFERENCES authors(id) ON DELETE RESTRICT,
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, author_id)
);
CREATE INDEX article_authors_author ON article_authors(author_id, article_id);

CREATE TABLE article_tags (
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id TEXT COLLATE "C" NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    PRIMARY KEY (article_id, tag_id)
);
CREATE INDEX article_tags_tag ON article_tags(tag_id, article_id);

CREATE TABLE comments (
    id TEXT COLLATE "C" PRIMARY KEY NOT NULL,
    article_id TEXT COLLATE "C" NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    author_name TEXT NOT NULL,
    body TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at TIMESTAMP NOT NULL,
    moderated_at TIMESTAMP,
    moderated_by TEXT REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX comments_article ON comments(article_id, status, created_at);
CREATE INDEX comments_status ON comments(status, created_at);
