//! Search on both backends: on SQLite always, and on PostgreSQL too when
//! `TEST_DATABASE_URL` names a server (each test gets a fresh database).

use super::*;
use crate::models::article::{ArticleChanges, NewArticle};
use crate::models::author::{AuthorChanges, AuthorRow};
use crate::models::tag::{TagChanges, TagRow};
use crate::queries::slugged::Slugged;
use crate::queries::{articles as article_q, authors as author_q, tags as tag_q};
use crate::time;
use chrono::Duration;
use diesel::sql_types::{BigInt, Double};
use sql::{Param, Sql};
use toasoan_domain::article::Status;

/// A fresh database of each available backend.
struct TestDb {
    conn: crate::PooledConn,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg {
            // The pool's connection must close before the database can go.
            let _ = diesel::sql_query("SELECT 1").execute(&mut *self.conn);
            if let Ok(mut admin) = diesel::PgConnection::establish(admin) {
                let _ =
                    diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin);
            }
        }
    }
}

fn databases() -> Vec<TestDb> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let pool = crate::connect(dir.path().join("s.db").to_str().unwrap(), 1).unwrap();
    let mut conn = pool.get().unwrap();
    crate::migrate(&mut conn).unwrap();
    out.push(TestDb {
        conn,
        _dir: dir,
        pg: None,
    });
    if let Some(admin) = std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        let name = format!("toasoan_search_{}", uuid::Uuid::now_v7().simple());
        let mut admin_conn = diesel::PgConnection::establish(&admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin_conn)
            .unwrap();
        let (base, _) = admin.rsplit_once('/').unwrap();
        let pool = crate::connect(&format!("{base}/{name}"), 1).unwrap();
        let mut conn = pool.get().unwrap();
        crate::migrate(&mut conn).unwrap();
        out.push(TestDb {
            conn,
            _dir: tempfile::tempdir().unwrap(),
            pg: Some((admin, name)),
        });
    }
    out
}

fn each_backend(test: impl Fn(&mut DbConn)) {
    for mut db in databases() {
        test(&mut db.conn);
    }
}

fn id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Stores a published article (published `age_days` ago) and returns its id.
fn article(conn: &mut DbConn, title: &str, sapo: &str, body: &str, age_days: i64) -> String {
    article_with(conn, title, sapo, body, age_days, "published", &[], &[])
}

#[expect(clippy::too_many_arguments, reason = "a test fixture with every knob")]
fn article_with(
    conn: &mut DbConn,
    title: &str,
    sapo: &str,
    body: &str,
    age_days: i64,
    status: &str,
    authors: &[String],
    tags: &[String],
) -> String {
    let now = time::now();
    let id = id();
    let blocks = vec![Block::Paragraph { text: body.into() }];
    let row = NewArticle {
        id: id.clone(),
        slug: format!("a-{}", &id[24..]),
        title: title.into(),
        sapo: Some(sapo.into()).filter(|s: &String| !s.is_empty()),
        body: serde_json::to_string(&blocks).unwrap(),
        body_html: String::new(),
        status: Status::parse(status).unwrap(),
        featured: false,
        published_at: (status == "published").then(|| now - Duration::days(age_days)),
        unpublish_at: None,
        category_id: None,
        cover_image_id: None,
        created_by: None,
        comment_count: 0,
        version: 1,
        created_at: now - Duration::days(age_days),
        updated_at: now,
        // `insert` measures the body.
        word_count: 0,
        reading_time_minutes: 0,
        authors: authors.iter().cloned().map(Into::into).collect(),
        tags: tags.to_vec(),
        related: Vec::new(),
    };
    article_q::insert(conn, &row).unwrap();
    id
}

fn author(conn: &mut DbConn, name: &str) -> String {
    let id = id();
    let now = time::now();
    author_q::insert(
        conn,
        &AuthorRow {
            id: id.clone(),
            slug: format!("au-{}", &id[24..]),
            name: name.into(),
            sort_key: name.into(),
            bio: None,
            user_id: None,
            created_at: now,
            updated_at: now,
            version: 1,
        },
    )
    .unwrap();
    id
}

fn tag(conn: &mut DbConn, name: &str) -> String {
    let id = id();
    tag_q::insert(
        conn,
        &TagRow {
            id: id.clone(),
            slug: format!("t-{}", &id[24..]),
            name: name.into(),
            sort_key: name.into(),
            created_at: time::now(),
            version: 1,
            updated_at: time::now(),
        },
    )
    .unwrap();
    id
}

fn public(limit: i64) -> ListQuery {
    ListQuery::public(time::now(), limit)
}

fn find(conn: &mut DbConn, q: &str) -> Vec<String> {
    find_in(conn, q, &public(100))
}

fn find_in(conn: &mut DbConn, q: &str, filters: &ListQuery) -> Vec<String> {
    let query = SearchQuery::parse(q).unwrap();
    search(conn, &query, filters, None)
        .unwrap()
        .into_iter()
        .map(|h| h.row.id)
        .collect()
}

const TITLE: &str = "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác";
const SAPO: &str = "(QNO) - Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam vừa ban hành kế hoạch thực hiện Kết luận số 01.";
const BODY: &str = "Theo đó, tiếp tục tổ chức quán triệt, <b>tuyên truyền</b>, nâng cao nhận thức.";

#[test]
fn the_example_article_is_found_with_or_without_marks() {
    each_backend(|conn| {
        let writer = author(conn, "Lê Thị Như Thủy");
        let topic = tag(conn, "Đoàn kết");
        let example = article_with(conn, TITLE, SAPO, BODY, 1, "published", &[writer], &[topic]);
        article(
            conn,
            "Giá vàng hôm nay",
            "Thị trường",
            "Không liên quan.",
            2,
        );
        for q in [
            "hoc tap lam theo bac",
            "học tập làm theo Bác",
            "Quang Nam",
            "QUẢNG NAM",
            "làm th",
            "\"lam theo bac\"",
            "le thi nhu thuy",
            "doan ket",
            "tuyen truyen",
            "qno",
        ] {
            assert_eq!(find(conn, q), vec![example.clone()], "{q}");
        }
        assert!(find(conn, "\"theo lam\"").is_empty());
        assert!(
            find(conn, "hoc tap vang").is_empty(),
            "all words must match"
        );
    });
}

#[test]
fn a_match_keeping_the_typed_marks_ranks_first() {
    each_backend(|conn| {
        // The silver article is the oldest: only the bonus puts it first.
        let silver = article(conn, "Giá bạc tăng mạnh", "", "Thị trường bạc.", 30);
        let uncle = article(conn, "Học tập theo Bác", "", "Lời Bác dạy.", 2);
        let north = article(conn, "Miền Bắc rét đậm", "", "Gió mùa bắc.", 1);
        let found = find(conn, "bạc");
        assert_eq!(found.len(), 3);
        assert_eq!(found[0], silver);
        assert_eq!(find(conn, "Bác")[0], uncle);
        assert_eq!(find(conn, "bắc")[0], north);
        let mut plain = find(conn, "bac");
        plain.sort();
        let mut all = vec![silver, uncle, north];
        all.sort();
        assert_eq!(plain, all, "without marks all three match");
    });
}

#[test]
fn a_title_match_outranks_a_body_match() {
    each_backend(|conn| {
        let in_title = article(conn, "Mùa lúa chín", "Nông dân vui.", "Trời đẹp.", 10);
        let in_sapo = article(conn, "Nông thôn mới", "Cánh đồng lúa.", "Trời đẹp.", 5);
        let in_body = article(
            conn,
            "Tin nông nghiệp",
            "Nông dân vui.",
            "Giá lúa ổn định.",
            1,
        );
        assert_eq!(find(conn, "lua"), vec![in_title, in_sapo, in_body]);
    });
}

#[test]
fn pages_continue_after_the_last_hit_without_gaps_or_repeats() {
    each_backend(|conn| {
        for i in 0..7 {
            let body = "Quảng Nam ".repeat(i % 3 + 1);
            article(
                conn,
                &format!("Tin số {i}"),
                "",
                &body,
                i64::try_from(i).unwrap(),
            );
        }
        let query = SearchQuery::parse("quang nam").unwrap();
        let whole: Vec<String> = search(conn, &query, &public(100), None)
            .unwrap()
            .into_iter()
            .map(|h| h.row.id)
            .collect();
        assert_eq!(whole.len(), 7);
        let mut paged = Vec::new();
        let mut after: Option<Rank> = None;
        loop {
            let page = search(conn, &query, &public(3), after.as_ref()).unwrap();
            paged.extend(page.iter().map(|h| h.row.id.clone()));
            match page.last() {
                Some(last) if page.len() == 3 => after = Some(last.rank.clone()),
                _ => break,
            }
        }
        assert_eq!(paged, whole);
    });
}

#[test]
fn readers_find_only_what_is_public_and_filters_combine() {
    each_backend(|conn| {
        let writer = author(conn, "Phóng viên");
        let topic = tag(conn, "Kinh tế");
        let shown = article_with(
            conn,
            "Chợ Tết",
            "",
            "Hàng hoá",
            1,
            "published",
            std::slice::from_ref(&writer),
            &[],
        );
        let tagged = article_with(
            conn,
            "Chợ quê",
            "",
            "Hàng hoá",
            2,
            "published",
            &[],
            std::slice::from_ref(&topic),
        );
        let draft = article_with(
            conn,
            "Chợ đêm",
            "",
            "Hàng hoá",
            1,
            "draft",
            std::slice::from_ref(&writer),
            &[],
        );
        let later = article(conn, "Chợ hoa", "", "Hàng hoá", -1);
        let mut found = find(conn, "cho");
        found.sort();
        let mut want = vec![shown.clone(), tagged.clone()];
        want.sort();
        assert_eq!(found, want);
        let by_author = ListQuery {
            author_id: Some(writer),
            ..public(10)
        };
        assert_eq!(find_in(conn, "cho", &by_author), vec![shown]);
        let by_tag = ListQuery {
            tag_id: Some(topic),
            ..public(10)
        };
        assert_eq!(find_in(conn, "cho", &by_tag), vec![tagged]);
        let drafts = ListQuery {
            visibility: Visibility::Status(Status::Draft),
            ..public(10)
        };
        assert_eq!(find_in(conn, "cho", &drafts), vec![draft]);
        let scheduled = ListQuery {
            visibility: Visibility::Scheduled { now: time::now() },
            ..public(10)
        };
        assert_eq!(find_in(conn, "cho", &scheduled), vec![later]);
        let nobody = ListQuery {
            created_by: Some(id()),
            ..public(10)
        };
        assert!(find_in(conn, "cho", &nobody).is_empty());
        let featured = ListQuery {
            featured: Some(true),
            category_ids: Some(vec![]),
            ..public(10)
        };
        assert!(find_in(conn, "cho", &featured).is_empty());
    });
}

#[test]
fn the_index_follows_every_write_in_the_same_transaction() {
    each_backend(|conn| {
        let writer = author(conn, "Nguyễn Văn An");
        let topic = tag(conn, "Giáo dục");
        let a = article_with(
            conn,
            "Khai giảng",
            "",
            "Học sinh",
            1,
            "published",
            std::slice::from_ref(&writer),
            std::slice::from_ref(&topic),
        );
        let changes = ArticleChanges {
            title: Some("Bế giảng".into()),
            version: Some(2),
            ..ArticleChanges::default()
        };
        assert!(article_q::update(conn, &a, 1, &changes).unwrap());
        assert!(find(conn, "khai giang").is_empty());
        assert_eq!(find(conn, "be giang"), vec![a.clone()]);

        let current = author_q::find(conn, &writer).unwrap().unwrap();
        AuthorRow::update(
            conn,
            &current,
            &AuthorChanges {
                name: Some("Trần Thị Bình".into()),
                ..AuthorChanges::default()
            },
        )
        .unwrap();
        assert!(find(conn, "nguyen van an").is_empty());
        assert_eq!(find(conn, "tran thi binh"), vec![a.clone()]);

        let current = tag_q::find(conn, &topic).unwrap().unwrap();
        TagRow::update(
            conn,
            &current,
            &TagChanges {
                name: Some("Đào tạo".into()),
                ..TagChanges::default()
            },
        )
        .unwrap();
        assert_eq!(find(conn, "dao tao"), vec![a.clone()]);
        TagRow::delete(conn, &topic, None).unwrap();
        assert!(find(conn, "dao tao").is_empty());

        let other = tag(conn, "Khoa học");
        article_q::set_tags(conn, &a, &[other]).unwrap();
        assert_eq!(find(conn, "khoa hoc"), vec![a.clone()]);
        article_q::set_authors(conn, &a, &[]).unwrap();
        assert!(find(conn, "tran thi binh").is_empty());

        // A rolled-back write leaves the index as it was.
        let failed: Result<(), DbError> = crate::write_tx(conn, |c| {
            article_q::update(
                c,
                &a,
                2,
                &ArticleChanges {
                    title: Some("Tuyển sinh".into()),
                    version: Some(3),
                    ..ArticleChanges::default()
                },
            )?;
            Err(DbError::NotFound)
        });
        assert!(failed.is_err());
        assert!(find(conn, "tuyen sinh").is_empty());
        assert_eq!(find(conn, "be giang"), vec![a.clone()]);

        assert!(article_q::delete(conn, &a, 2).unwrap());
        assert_eq!(index_rows(conn), 0, "the deleted article left the index");
    });
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// Rows the search index holds, read from the engine's own table.
fn index_rows(conn: &mut DbConn) -> i64 {
    let sql = match conn {
        DbConn::Pg(_) => "SELECT COUNT(*) AS n FROM article_search",
        DbConn::Sqlite(_) => {
            "SELECT COUNT(*) AS n FROM article_search WHERE article_search MATCH '{names title sapo body} : \"be\" OR \"giang\" OR \"hoc\"'"
        }
    };
    diesel::sql_query(sql).get_result::<Count>(conn).unwrap().n
}

#[test]
fn reindex_all_rebuilds_the_index_from_the_articles() {
    each_backend(|conn| {
        let a = article(conn, "Bế giảng", "", "Học sinh", 1);
        let b = article(conn, "Khai giảng", "", "Học sinh", 2);
        // Lose the index, as after an upgrade from a version without it.
        let clear = match conn {
            DbConn::Pg(_) => "DELETE FROM article_search",
            DbConn::Sqlite(_) => {
                "INSERT INTO article_search (article_search) VALUES ('delete-all')"
            }
        };
        assert!(!index_missing(conn).unwrap());
        diesel::sql_query(clear).execute(conn).unwrap();
        assert!(find(conn, "hoc sinh").is_empty());
        // What start-up warns about.
        assert!(index_missing(conn).unwrap());
        let mut seen = Vec::new();
        let done = reindex_all(conn, &mut |done, total| seen.push((done, total))).unwrap();
        assert!(!index_missing(conn).unwrap());
        assert_eq!(done, 2);
        assert_eq!(seen.last(), Some(&(2, 2)));
        let mut found = find(conn, "hoc sinh");
        found.sort();
        assert_eq!(found, vec![a, b]);
    });
}

#[test]
fn the_last_word_matches_as_a_prefix_of_any_length() {
    each_backend(|conn| {
        let a = article(conn, "Tuyên truyền nghiệp vụ", "", "Công tác thông tin", 1);
        let b = article(conn, "Tuyển sinh", "", "Nghiêm túc", 2);
        for q in [
            "tuyen tr",
            "tuyen tru",
            "tuyen truy",
            "tuyen truye",
            "tuyen truyen",
            "vu nghi",
            "vu nghie",
            "vu nghiep",
            "tuyên truyề",
            "cong thong ti",
        ] {
            assert_eq!(find(conn, q), vec![a.clone()], "{q}");
        }
        let mut both = find(conn, "tuye");
        both.sort();
        assert_eq!(both, vec![a.clone(), b.clone()]);
        // Both fold to `tuyen`; the one keeping the typed marks ranks first.
        assert_eq!(find(conn, "tuyển"), vec![b.clone(), a.clone()]);
        assert_eq!(find(conn, "sinh nghie"), vec![b]);
        assert!(find(conn, "tuyen truyenx").is_empty());
    });
}

#[test]
fn combining_marks_and_precomposed_letters_find_each_other() {
    each_backend(|conn| {
        // Stored as typed on a keyboard that sends combining marks.
        let a = article(conn, "Ba\u{301}c Ho\u{302}\u{300} kính yêu", "", "", 1);
        assert_eq!(find(conn, "Bác Hồ"), vec![a.clone()]);
        assert_eq!(find(conn, "Ba\u{301}c"), vec![a.clone()]);
        let query = SearchQuery::parse("bác").unwrap();
        let hits = search(conn, &query, &public(10), None).unwrap();
        assert_eq!(hits[0].rank.bonus, 1, "the marks match as written");
    });
}

#[test]
fn hostile_queries_are_searched_as_plain_words() {
    each_backend(|conn| {
        let a = article(conn, "Near the end", "", "or one", 1);
        for q in [
            "' OR 1=1 --",
            "NEAR(",
            "title: x",
            "a* -b",
            "\"; DROP TABLE articles; --\"",
            "it's \\ ok",
        ] {
            let query = SearchQuery::parse(q).unwrap();
            search(conn, &query, &public(10), None).unwrap();
        }
        assert_eq!(find(conn, "NEAR("), vec![a.clone()]);
        assert_eq!(
            find(conn, "near AND end"),
            Vec::<String>::new(),
            "AND is a word, not an operator"
        );
        assert_eq!(find(conn, "the end"), vec![a]);
    });
}

#[test]
fn hits_come_with_highlights() {
    each_backend(|conn| {
        let a = article(conn, TITLE, SAPO, BODY, 1);
        let query = SearchQuery::parse("tuyen truyen").unwrap();
        let snippets = highlights(conn, &query, std::slice::from_ref(&a)).unwrap();
        assert!(
            snippets[&a].contains("<mark>tuyên</mark> <mark>truyền</mark>"),
            "{}",
            snippets[&a]
        );
        assert!(
            !snippets[&a].contains("<b>"),
            "markup of the body is not kept"
        );
    });
}

#[derive(QueryableByName, Debug)]
struct Scores {
    #[diesel(sql_type = Double)]
    ours: f64,
    #[diesel(sql_type = Double)]
    fts5: f64,
}

/// `toasoan_bm25` and FTS5's `bm25` over every match of `q`, by row.
fn both_scores(conn: &mut DbConn, q: &str) -> Vec<Scores> {
    let query = SearchQuery::parse(q).unwrap();
    let mut sql = Sql::for_conn(conn);
    sql.push("SELECT toasoan_bm25(article_search, ")
        .push(SQLITE_WEIGHTS);
    for key in engine::fts5_phrase_keys(&query) {
        sql.push(", ").bind(Param::Text(key));
    }
    sql.push(") AS ours, bm25(article_search, ")
        .push(SQLITE_WEIGHTS)
        .push(") AS fts5 FROM article_search WHERE article_search MATCH ")
        .bind(Param::Text(engine::fts5_match(&query)))
        .push(" ORDER BY rowid");
    sql.load(conn).unwrap()
}

#[test]
fn the_sqlite_ranking_is_fts5_bm25_with_frequencies_kept_between_searches() {
    let mut db = databases().into_iter().next().unwrap();
    let conn = &mut *db.conn;
    article(
        conn,
        "Giá vàng hôm nay",
        "Giá vàng tăng",
        "vàng bạc đá quý",
        1,
    );
    article(conn, "Thời tiết", "Mưa lớn", "giá rét đến sớm, giá như", 2);
    article(
        conn,
        "\"Học tập\" và làm theo",
        "giá trị",
        "học tập suốt đời",
        3,
    );
    for q in ["gia vang", "giá", "\"hoc tap\" la", "gia th", "vang"] {
        // Counted on the first search, taken from the cache on the second.
        for _ in 0..2 {
            let scores = both_scores(conn, q);
            assert!(!scores.is_empty(), "{q}");
            for s in &scores {
                assert!(
                    (s.ours - s.fts5).abs() <= 1e-12 * s.fts5.abs(),
                    "{q}: {s:?}"
                );
            }
        }
    }
    // A new article changes the frequencies: a small table's are counted again.
    article(conn, "Giá xăng", "giá dầu", "giá giá giá", 0);
    for s in both_scores(conn, "gia") {
        assert!((s.ours - s.fts5).abs() <= 1e-12 * s.fts5.abs(), "{s:?}");
    }
}

mod plan {
    use super::*;
    use diesel::connection::{Instrumentation, InstrumentationEvent};
    use diesel::sql_types::Text;
    use std::sync::{Arc, Mutex};

    #[derive(QueryableByName)]
    struct PlanStep {
        #[diesel(sql_type = Text)]
        detail: String,
    }

    struct Recorder(Arc<Mutex<Vec<(String, String)>>>);

    impl Instrumentation for Recorder {
        fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
            if let InstrumentationEvent::StartQuery { query, .. } = event {
                let text = query.to_string();
                let (sql, binds) = text.split_once(" -- binds: ").unwrap_or((&text, ""));
                self.0
                    .lock()
                    .unwrap()
                    .push((sql.to_owned(), binds.to_owned()));
            }
        }
    }

    /// The plan SQLite picks for the search SQL, with its placeholders
    /// written in as literals.
    fn plan_of(q: &str, filters: &ListQuery) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::connect(dir.path().join("plan.db").to_str().unwrap(), 1).unwrap();
        let mut conn = pool.get().unwrap();
        crate::migrate(&mut conn).unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        conn.set_instrumentation(Recorder(seen.clone()));
        search(&mut conn, &SearchQuery::parse(q).unwrap(), filters, None).unwrap();
        let (sql, _) = seen.lock().unwrap().last().cloned().unwrap();
        let query = SearchQuery::parse(q).unwrap();
        let mut matches = [Some(engine::fts5_match(&query)), engine::fts5_exact(&query)]
            .into_iter()
            .flatten()
            .map(|m| format!("'{}'", m.replace('\'', "''")));
        // A MATCH placeholder gets its expression, in order; any other
        // value only needs to be some literal: '1'.
        let mut filled = String::new();
        let mut parts = sql.split('?').peekable();
        while let Some(part) = parts.next() {
            filled.push_str(part);
            if parts.peek().is_some() {
                let value = if part.ends_with("MATCH ") {
                    matches.next().unwrap()
                } else {
                    "'1'".to_owned()
                };
                filled.push_str(&value);
            }
        }
        diesel::sql_query(format!("EXPLAIN QUERY PLAN {filled}"))
            .load::<PlanStep>(&mut *conn)
            .unwrap()
            .into_iter()
            .map(|s| s.detail)
            .collect()
    }

    #[test]
    fn the_full_text_index_drives_the_search_and_only_the_page_reads_articles() {
        let filters = [
            public(21),
            ListQuery {
                category_ids: Some(vec!["c".into(), "d".into()]),
                featured: Some(false),
                ..public(21)
            },
            ListQuery {
                author_id: Some("a".into()),
                tag_id: Some("t".into()),
                ..public(21)
            },
            ListQuery {
                visibility: Visibility::Status(Status::Draft),
                created_by: Some("u".into()),
                ..public(21)
            },
        ];
        for (q, filters) in ["hoc tap", "học tập"]
            .into_iter()
            .flat_map(|q| filters.iter().map(move |f| (q, f)))
        {
            let plan = plan_of(q, filters);
            // The window of newest matches comes off the full-text index in
            // rowid order (no sort of all matches), each match's row in
            // `article_search_docs` looked up by key; only the window
            // (`hits`) is sorted by rank, and only the page reads articles.
            let at = |step: &str| plan.iter().position(|s| s == step);
            let hits = at("MATERIALIZE hits").expect("hits");
            assert!(
                plan[hits + 1].starts_with("SCAN article_search VIRTUAL TABLE INDEX"),
                "{plan:?}"
            );
            assert_eq!(
                plan[hits + 2],
                "SEARCH d USING INTEGER PRIMARY KEY (rowid=?)",
                "{plan:?}"
            );
            let window = at("SCAN hits").expect("SCAN hits");
            assert!(
                plan[..window].iter().all(|s| !s.contains("TEMP B-TREE")),
                "{plan:?}"
            );
            assert!(
                plan.iter().all(|s| !s.starts_with("SCAN")
                    || s.contains("VIRTUAL TABLE")
                    || ["SCAN hits", "SCAN exact", "SCAN page"].contains(&s.as_str())),
                "{plan:?}"
            );
            let page = at("SCAN page").expect("SCAN page");
            let articles: Vec<usize> = plan
                .iter()
                .enumerate()
                .filter(|(_, s)| {
                    s.starts_with("SEARCH a ") || *s == "SCAN a" || s.starts_with("SCAN a ")
                })
                .map(|(i, _)| i)
                .collect();
            assert_eq!(articles, [page + 1], "{plan:?}");
            assert!(
                plan[page + 1]
                    .starts_with("SEARCH a USING INDEX sqlite_autoindex_articles_1 (id=?)"),
                "{plan:?}"
            );
        }
    }
}
