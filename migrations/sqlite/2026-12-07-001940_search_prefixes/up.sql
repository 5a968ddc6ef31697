-- The last word of a query is also a prefix (`lam th` finds `lam theo`).
-- FTS5 answers a prefix from a prefix index only when one of exactly that
-- length exists; the index had 2 and 3. A longer prefix made FTS5 merge
-- the postings of every term starting with it over the whole table before
-- the newest matches could be read: 10-40 ms a search at 100 000 articles,
-- against under 1 ms for a whole word (228 of the benchmark's 500 queries
-- end in a word of 4 letters or more). Folded Vietnamese syllables have at
-- most 7 letters (`nghieng`), so prefixes of 2 to 7 letters are indexed.
--
-- FTS5 cannot add a prefix index to an existing table, and the table is
-- contentless (its words are folded in Rust), so SQL cannot rebuild it:
-- this migration makes the new, empty index, and `toasoan reindex` fills
-- it. Until then searches find nothing; the server says so at start-up.
-- See README, "Upgrading".
DROP TABLE article_search;

CREATE VIRTUAL TABLE article_search USING fts5(
    title, sapo, body, names, exact,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'",
    prefix = '2 3 4 5 6 7'
);
