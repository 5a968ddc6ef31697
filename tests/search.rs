//! Full-text search in the article list (`GET /api/v1/articles?q=`): with
//! or without diacritics, ranked, paged, filtered by what the caller may
//! read, highlighted, and refusing bad queries with stable codes.

use crate::common::{Api, TestApp, assert_problem, slugs};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

const TITLE: &str = "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác";
const SLUG: &str = "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac";
const SAPO: &str = "(QNO) - Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam vừa ban hành kế hoạch thực hiện Kết luận số 01, ngày 18/5/2021 của Bộ Chính trị.";
const BODY: &str = "Theo đó, tiếp tục tổ chức quán triệt, <b>tuyên truyền</b>, nâng cao nhận thức sâu sắc về nội dung cơ bản của tư tưởng, đạo đức, phong cách Hồ Chí Minh.";

/// GET /api/v1/articles with these query parameters.
async fn list(api: &Api<'_>, params: &[(&str, &str)]) -> Response {
    api.request(Method::GET, "/api/v1/articles")
        .query(params)
        .send()
        .await
        .expect("GET")
}

/// A search that must succeed; returns the page.
async fn search(api: &Api<'_>, params: &[(&str, &str)]) -> Value {
    let res = list(api, params).await;
    let status = res.status();
    let text = res.text().await.expect("body");
    assert_eq!(status, StatusCode::OK, "{params:?}: {text}");
    serde_json::from_str(&text).expect("json")
}

/// Creates and publishes an article (at `at`, RFC 3339); returns its slug.
async fn published(editor: &Api<'_>, body: Value, at: &str) -> String {
    let draft = editor.draft(body).await;
    let id = draft["id"].as_str().expect("id");
    editor.publish(id, Some(at)).await;
    draft["slug"].as_str().expect("slug").to_owned()
}

async fn simple(editor: &Api<'_>, title: &str, sapo: &str, body: &str, at: &str) -> String {
    published(
        editor,
        json!({"title": title, "sapo": sapo, "body": [{"type": "paragraph", "text": body}]}),
        at,
    )
    .await
}

#[actix_web::test]
async fn the_example_article_is_found_with_or_without_marks() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let author = editor.author_profile("Lê Thị Như Thủy").await;
    editor
        .post_expect(
            "/api/v1/tags",
            json!({"name": "Đoàn kết"}),
            StatusCode::CREATED,
        )
        .await;
    published(
        &editor,
        json!({"title": TITLE, "sapo": SAPO, "author_ids": [author["id"]], "tag_ids": ["doan-ket"],
               "body": [{"type": "paragraph", "text": BODY}]}),
        "2024-04-20T09:54:00+07:00",
    )
    .await;
    simple(
        &editor,
        "Giá vàng hôm nay",
        "Thị trường vàng.",
        "Không liên quan.",
        "2024-04-21T08:00:00+07:00",
    )
    .await;

    for q in [
        "hoc tap lam theo bac",
        "học tập làm theo Bác",
        "Quang Nam",
        "QUẢNG NAM",
        "làm th",
        "\"làm theo Bác\"",
        "le thi nhu thuy",
        "đoàn kết",
        "tuyen truyen",
    ] {
        let page = search(&app.anon(), &[("q", q)]).await;
        assert_eq!(slugs(&page), vec![SLUG], "{q}");
    }
    let page = search(&app.anon(), &[("q", "hoc tap lam theo bac")]).await;
    let hit = &page["data"][0];
    assert_eq!(hit["title"], TITLE);
    assert_eq!(hit["authors"][0]["name"], "Lê Thị Như Thủy");
    let highlight = hit["highlight"].as_str().expect("highlight");
    assert!(
        highlight
            .contains("<mark>học</mark> <mark>tập</mark> và <mark>làm</mark> <mark>theo</mark>"),
        "{highlight}"
    );
    // All words must match.
    assert!(slugs(&search(&app.anon(), &[("q", "hoc tap vang")]).await).is_empty());
    // The plain list has no highlights.
    let plain = app.anon().get_ok("/api/v1/articles").await;
    assert!(plain["data"][0].get("highlight").is_none());
}

#[actix_web::test]
async fn a_match_keeping_the_typed_marks_ranks_above_a_folded_one() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    // Silver is the oldest: only the exact-mark bonus can put it first.
    let silver = simple(
        &editor,
        "Giá bạc tăng mạnh",
        "Thị trường kim loại.",
        "Bạc miếng.",
        "2024-01-01T08:00:00Z",
    )
    .await;
    let uncle = simple(
        &editor,
        "Học tập theo gương Bác",
        "Lời Bác dạy.",
        "Kể chuyện.",
        "2024-03-01T08:00:00Z",
    )
    .await;
    let north = simple(
        &editor,
        "Miền Bắc rét đậm",
        "Gió mùa đông bắc.",
        "Trời lạnh.",
        "2024-05-01T08:00:00Z",
    )
    .await;

    let ranked = slugs(&search(&app.anon(), &[("q", "bạc")]).await);
    assert_eq!(ranked.len(), 3);
    assert_eq!(ranked[0], silver);
    assert_eq!(slugs(&search(&app.anon(), &[("q", "Bác")]).await)[0], uncle);
    assert_eq!(slugs(&search(&app.anon(), &[("q", "BẮC")]).await)[0], north);
    let mut alike = slugs(&search(&app.anon(), &[("q", "bac")]).await);
    alike.sort();
    let mut all = vec![silver, uncle, north];
    all.sort();
    assert_eq!(alike, all, "typed without marks, all three match");
}

#[actix_web::test]
async fn a_title_match_ranks_above_a_sapo_match_above_a_body_match() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    // The newest has the word only in its body; newest-first cannot explain the order.
    let title = simple(
        &editor,
        "Mùa lúa chín vàng",
        "Nông dân phấn khởi.",
        "Trời đẹp.",
        "2024-01-01T08:00:00Z",
    )
    .await;
    let sapo = simple(
        &editor,
        "Nông thôn mới",
        "Cánh đồng lúa trĩu hạt.",
        "Trời đẹp.",
        "2024-02-01T08:00:00Z",
    )
    .await;
    let body = simple(
        &editor,
        "Tin nông nghiệp",
        "Nông dân phấn khởi.",
        "Giá lúa ổn định.",
        "2024-03-01T08:00:00Z",
    )
    .await;
    assert_eq!(
        slugs(&search(&app.anon(), &[("q", "lua")]).await),
        vec![title, sapo, body]
    );
}

#[actix_web::test]
async fn phrases_match_words_in_order_and_the_last_word_as_a_prefix() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let in_order = simple(
        &editor,
        "Làm theo lời Bác",
        "",
        "Học tập.",
        "2024-01-01T08:00:00Z",
    )
    .await;
    let apart = simple(
        &editor,
        "Theo dõi việc làm",
        "",
        "Học tập.",
        "2024-02-01T08:00:00Z",
    )
    .await;
    assert_eq!(
        slugs(&search(&app.anon(), &[("q", "\"lam theo\"")]).await),
        vec![in_order.clone()]
    );
    assert_eq!(
        slugs(&search(&app.anon(), &[("q", "“làm theo”")]).await),
        vec![in_order.clone()]
    );
    let mut both = slugs(&search(&app.anon(), &[("q", "lam theo")]).await);
    both.sort();
    let mut want = vec![in_order.clone(), apart];
    want.sort();
    assert_eq!(both, want);
    // While typing: "làm th" finds "làm theo"; a finished word does not match longer ones.
    assert_eq!(
        slugs(&search(&app.anon(), &[("q", "\"làm theo\" lờ")]).await),
        vec![in_order]
    );
    assert!(slugs(&search(&app.anon(), &[("q", "làm th ")]).await).is_empty());
}

#[actix_web::test]
async fn combining_marks_and_precomposed_letters_find_each_other() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    // Typed on a keyboard that sends combining marks.
    let slug = simple(
        &editor,
        "Ba\u{301}c Ho\u{302}\u{300} kính yêu",
        "",
        "Tin.",
        "2024-01-01T08:00:00Z",
    )
    .await;
    assert_eq!(
        slugs(&search(&app.anon(), &[("q", "Bác Hồ")]).await),
        vec![slug.clone()]
    );
    assert_eq!(
        slugs(&search(&app.anon(), &[("q", "Ba\u{301}c")]).await),
        vec![slug.clone()]
    );
    let hit = &search(&app.anon(), &[("q", "bác")]).await["data"][0];
    assert_eq!(hit["title"], "Bác Hồ kính yêu", "stored in NFC");
    assert_eq!(hit["highlight"], "<mark>Bác</mark> Hồ kính yêu");
}

#[actix_web::test]
async fn readers_find_only_what_they_may_read_and_authors_only_their_own() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let (first, _) = app.user("author", "mot@toasoan.test").await;
    let (second, _) = app.user("author", "hai@toasoan.test").await;
    let mine = first
        .draft(json!({"title": "Bản nháp về lũ lụt", "body": []}))
        .await;
    let theirs = second
        .draft(json!({"title": "Lũ lụt miền Trung", "body": []}))
        .await;
    let scheduled = simple(&editor, "Dự báo lũ lụt", "", "Tin.", "2099-01-01T00:00:00Z").await;
    let public = simple(
        &editor,
        "Khắc phục lũ lụt",
        "",
        "Tin.",
        "2024-01-01T00:00:00Z",
    )
    .await;

    let q = ("q", "lu lut");
    assert_eq!(
        slugs(&search(&app.anon(), &[q]).await),
        vec![public.clone()]
    );
    assert_eq!(
        slugs(&search(&first, &[q]).await),
        vec![public.clone()],
        "no status: what readers see"
    );
    let mut drafts = slugs(&search(&editor, &[q, ("status", "draft")]).await);
    drafts.sort();
    let mut want = vec![
        mine["slug"].as_str().expect("slug").to_owned(),
        theirs["slug"].as_str().expect("slug").to_owned(),
    ];
    want.sort();
    assert_eq!(drafts, want, "editors search every draft");
    assert_eq!(
        slugs(&search(&first, &[q, ("status", "draft")]).await),
        vec![mine["slug"].as_str().expect("slug").to_owned()],
        "authors search their own drafts only"
    );
    assert_eq!(
        slugs(&search(&editor, &[q, ("status", "scheduled")]).await),
        vec![scheduled]
    );
    assert_problem(
        list(&app.anon(), &[q, ("status", "draft")]).await,
        StatusCode::UNAUTHORIZED,
        "token_missing",
    )
    .await;
}

#[actix_web::test]
async fn search_combines_with_the_list_filters() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let news = editor.category("Thời sự", None).await;
    let local = editor.category("Địa phương", news["id"].as_str()).await;
    editor.category("Thể thao", None).await;
    let author = editor.author_profile("Phóng Viên").await;
    editor
        .post_expect(
            "/api/v1/tags",
            json!({"name": "Giao thông"}),
            StatusCode::CREATED,
        )
        .await;
    let in_local = published(
        &editor,
        json!({"title": "Cầu mới ở Hội An", "category_id": local["id"], "author_ids": [author["id"]], "body": []}),
        "2024-01-01T08:00:00Z",
    )
    .await;
    let tagged = published(
        &editor,
        json!({"title": "Cầu cũ sửa chữa", "category_id": "the-thao", "tag_ids": ["giao-thong"], "body": []}),
        "2024-02-01T08:00:00Z",
    )
    .await;
    let q = ("q", "cau");
    assert_eq!(
        slugs(&search(&app.anon(), &[q, ("category", "thoi-su")]).await),
        vec![in_local.clone()]
    );
    assert_eq!(
        slugs(&search(&app.anon(), &[q, ("author", "phong-vien")]).await),
        vec![in_local]
    );
    assert_eq!(
        slugs(&search(&app.anon(), &[q, ("tag", "giao-thong")]).await),
        vec![tagged]
    );
    assert!(slugs(&search(&app.anon(), &[q, ("featured", "true")]).await).is_empty());
    assert_problem(
        list(&app.anon(), &[q, ("tag", "khong-co")]).await,
        StatusCode::NOT_FOUND,
        "tag_not_found",
    )
    .await;
}

#[actix_web::test]
async fn search_pages_follow_their_cursor_and_refuse_another_querys() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let mut all = Vec::new();
    for i in 1..=5 {
        all.push(
            simple(
                &editor,
                &format!("Hội An phố cổ {i}"),
                "",
                &"Hội An ".repeat(i),
                &format!("2024-01-0{i}T08:00:00Z"),
            )
            .await,
        );
    }
    let whole = slugs(&search(&app.anon(), &[("q", "hoi an")]).await);
    assert_eq!(whole.len(), 5);
    let first = list(&app.anon(), &[("q", "hoi an"), ("limit", "2")]).await;
    let link = first
        .headers()
        .get("link")
        .expect("Link")
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(
        link.contains("q=hoi+an") && link.contains("rel=\"next\""),
        "{link}"
    );
    let mut page: Value = first.json().await.expect("json");
    let mut paged = slugs(&page);
    while let Some(cursor) = page["meta"]["next_cursor"].as_str().map(str::to_owned) {
        page = search(
            &app.anon(),
            &[("q", "hoi an"), ("limit", "2"), ("cursor", &cursor)],
        )
        .await;
        paged.extend(slugs(&page));
    }
    assert_eq!(paged, whole, "no gaps, no repeats");

    let page = search(&app.anon(), &[("q", "hoi an"), ("limit", "2")]).await;
    let cursor = page["meta"]["next_cursor"].as_str().expect("cursor");
    for params in [
        vec![("q", "pho co"), ("cursor", cursor)],
        vec![("q", "hội an"), ("cursor", cursor)],
        vec![("cursor", cursor)],
    ] {
        assert_problem(
            list(&app.anon(), &params).await,
            StatusCode::BAD_REQUEST,
            "invalid_cursor",
        )
        .await;
    }
    let plain = app.anon().get_ok("/api/v1/articles?limit=2").await;
    let list_cursor = plain["meta"]["next_cursor"].as_str().expect("cursor");
    assert_problem(
        list(&app.anon(), &[("q", "hoi an"), ("cursor", list_cursor)]).await,
        StatusCode::BAD_REQUEST,
        "invalid_cursor",
    )
    .await;
}

#[actix_web::test]
async fn bad_queries_are_refused_with_stable_codes() {
    let app = TestApp::spawn().await;
    let long = "a".repeat(201);
    let many = "ab ".repeat(17);
    let cases: [(&str, &str); 13] = [
        ("", "search_query_empty"),
        ("   ", "search_query_empty"),
        (&long, "search_query_too_long"),
        ("\"hoc tap", "search_query_unbalanced_quotes"),
        ("hoc \"tap\" \"lam", "search_query_unbalanced_quotes"),
        ("*", "search_query_no_words"),
        ("-", "search_query_no_words"),
        (":", "search_query_no_words"),
        ("() * - : \"\"", "search_query_no_words"),
        ("bac\u{0}", "search_query_invalid_characters"),
        ("hoc\ttap", "search_query_invalid_characters"),
        ("hoc\u{1b}[31m", "search_query_invalid_characters"),
        (&many, "search_query_too_many_words"),
    ];
    for (q, code) in cases {
        let problem = assert_problem(
            list(&app.anon(), &[("q", q)]).await,
            StatusCode::BAD_REQUEST,
            code,
        )
        .await;
        assert_eq!(problem["code"], code, "{q:?}");
    }
}

#[actix_web::test]
async fn operators_and_sql_in_a_query_are_only_words() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let slug = simple(
        &editor,
        "Near the river",
        "",
        "Or one more.",
        "2024-01-01T08:00:00Z",
    )
    .await;
    for q in [
        "' OR 1=1 --",
        "\"; DROP TABLE articles; --\"",
        "title:river",
        "rive* -near",
        "NEAR(river near",
        "a AND b OR c NOT d",
        "river)",
    ] {
        search(&app.anon(), &[("q", q)]).await;
    }
    assert_eq!(
        slugs(&search(&app.anon(), &[("q", "NEAR(river")]).await),
        vec![slug.clone()]
    );
    assert!(
        slugs(&search(&app.anon(), &[("q", "river OR nothing")]).await).is_empty(),
        "OR is a word"
    );
    assert_eq!(
        slugs(&search(&app.anon(), &[("q", "title:river")]).await),
        Vec::<String>::new(),
        "no column filter: 'title' is a word"
    );
    // The articles are all still there.
    assert_eq!(
        slugs(&app.anon().get_ok("/api/v1/articles").await),
        vec![slug]
    );
}

#[actix_web::test]
async fn highlights_are_safe_to_insert_as_html() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    simple(
        &editor,
        "Tin <script>alert('xss')</script>",
        "",
        "<i>in nghiêng</i> &amp; đậm",
        "2024-01-01T08:00:00Z",
    )
    .await;
    let hit = &search(&app.anon(), &[("q", "alert")]).await["data"][0];
    let highlight = hit["highlight"].as_str().expect("highlight");
    assert_eq!(
        highlight,
        "Tin &lt;script&gt;<mark>alert</mark>(&#39;xss&#39;)&lt;/script&gt;"
    );
    let hit = &search(&app.anon(), &[("q", "nghieng")]).await["data"][0];
    assert_eq!(hit["highlight"], "in <mark>nghiêng</mark> &amp; đậm");
}

#[actix_web::test]
async fn the_index_follows_edits_renames_and_deletes() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let author = editor.author_profile("Nguyễn Văn An").await;
    let draft = editor
        .draft(json!({"title": "Khai giảng năm học", "author_ids": [author["id"]], "body": []}))
        .await;
    let id = draft["id"].as_str().expect("id");
    editor.publish(id, Some("2024-01-01T08:00:00Z")).await;
    let res = editor
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"title": "Bế giảng năm học", "version": 2}),
        )
        .await;
    let status = res.status();
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        res.text().await.unwrap_or_default()
    );
    assert!(slugs(&search(&app.anon(), &[("q", "khai giang")]).await).is_empty());
    assert_eq!(
        search(&app.anon(), &[("q", "be giang")]).await["data"][0]["id"],
        id
    );

    let res = editor
        .patch(
            &format!("/api/v1/authors/{}", author["id"].as_str().expect("id")),
            json!({"name": "Trần Thị Bình", "version": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(slugs(&search(&app.anon(), &[("q", "nguyen van an")]).await).is_empty());
    assert_eq!(
        search(&app.anon(), &[("q", "tran thi binh")]).await["data"][0]["id"],
        id
    );

    let res = editor
        .request(Method::DELETE, &format!("/api/v1/articles/{id}"))
        .send()
        .await
        .expect("DELETE");
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert!(slugs(&search(&app.anon(), &[("q", "be giang")]).await).is_empty());
}

#[actix_web::test]
async fn search_follows_a_category_move_and_the_featured_flag() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    editor.category("Thời sự", None).await;
    editor.category("Thể thao", None).await;
    let draft = editor
        .draft(json!({"title": "Cầu Rồng phun lửa", "category_id": "thoi-su", "body": []}))
        .await;
    let id = draft["id"].as_str().expect("id");
    let mut version = editor.publish(id, Some("2024-01-01T08:00:00Z")).await["version"].clone();
    let found = |category: &'static str| {
        let app = &app;
        async move {
            slugs(&search(&app.anon(), &[("q", "cau rong"), ("category", category)]).await).len()
        }
    };
    assert_eq!((found("thoi-su").await, found("the-thao").await), (1, 0));

    // Neither change touches the searchable text.
    for change in [
        json!({"category_id": "the-thao"}),
        json!({"featured": true}),
    ] {
        let mut body = change.clone();
        body["version"] = version;
        let res = editor.patch(&format!("/api/v1/articles/{id}"), body).await;
        let status = res.status();
        let text = res.text().await.unwrap_or_default();
        assert_eq!(status, StatusCode::OK, "{change}: {text}");
        version = serde_json::from_str::<Value>(&text).expect("json")["version"].clone();
    }
    assert_eq!(
        (found("thoi-su").await, found("the-thao").await),
        (0, 1),
        "found in the category it moved to"
    );
    assert_eq!(
        search(&app.anon(), &[("q", "cau rong"), ("featured", "true")]).await["data"][0]["id"],
        id
    );
    assert!(
        slugs(&search(&app.anon(), &[("q", "cau rong"), ("featured", "false")]).await).is_empty()
    );
}

#[actix_web::test]
async fn reindex_rebuilds_a_lost_index() {
    use diesel::{Connection, RunQueryDsl};
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let slug = simple(&editor, TITLE, SAPO, BODY, "2024-04-20T02:54:00Z").await;
    // Lose the index, as after an upgrade from a version without search.
    let clear = if app.backend == "postgres" {
        let mut conn = diesel::PgConnection::establish(&app.database_url).expect("pg");
        diesel::sql_query("DELETE FROM article_search").execute(&mut conn)
    } else {
        let mut conn = diesel::SqliteConnection::establish(&app.database_url).expect("sqlite");
        diesel::sql_query("INSERT INTO article_search (article_search) VALUES ('delete-all')")
            .execute(&mut conn)
    };
    clear.expect("clear the index");
    assert!(slugs(&search(&app.anon(), &[("q", "quang nam")]).await).is_empty());

    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    let done = actix_web::rt::task::spawn_blocking(move || toasoan_api::reindex::run(&pool))
        .await
        .expect("join")
        .expect("reindex");
    assert_eq!(done, 1);
    assert_eq!(
        slugs(&search(&app.anon(), &[("q", "quang nam")]).await),
        vec![slug]
    );
}
