DROP TABLE article_view_hours;
DROP TABLE article_view_totals;
