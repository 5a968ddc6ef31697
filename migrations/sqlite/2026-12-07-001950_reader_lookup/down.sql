DROP INDEX articles_reader_slug;
