-- Back to prefix indexes of 2 and 3 letters; the index is empty again
-- until `toasoan reindex`.
DROP TABLE article_search;

CREATE VIRTUAL TABLE article_search USING fts5(
    title, sapo, body, names, exact,
    content = '',
    contentless_delete = 1,
    tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'",
    prefix = '2 3'
);
