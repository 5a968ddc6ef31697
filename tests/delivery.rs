//! What frontends and search engines read besides the article API: the
//! site settings, RSS and JSON feeds, sitemaps. Only public articles
//! appear; URLs follow the site's template; times carry the newsroom's
//! offset.

use crate::common::{Api, TestApp, assert_problem};
use quick_xml::Reader;
use quick_xml::events::Event;
use reqwest::StatusCode;
use serde_json::{Value, json};

const TITLE: &str = "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác";
const SLUG: &str = "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac";
const SAPO: &str =
    "(QNO) - Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam vừa ban hành kế hoạch.";

/// A newsroom with the example article (published at its historical time),
/// a fresh article in a sibling section, a draft and a scheduled article.
async fn newsroom(app: &TestApp) -> Api<'_> {
    let admin = app.admin().await;
    let res = admin
        .patch(
            "/api/v1/site",
            json!({"name": "Báo Quảng Nam", "url": "https://baoquangnam.vn/"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let parent = admin.category("Chính trị", None).await;
    admin
        .category("Theo gương Bác", parent["id"].as_str())
        .await;
    admin.category("Kinh tế", None).await;
    admin.author_profile("Lê Thị Như Thủy").await;
    let example = admin
        .draft(json!({
            "title": TITLE, "sapo": SAPO, "category_id": "theo-guong-bac",
            "author_ids": ["le-thi-nhu-thuy"],
            "body": [{"type": "paragraph", "text": "Theo đó, ..."}]
        }))
        .await;
    admin
        .publish(
            example["id"].as_str().expect("id"),
            Some("2024-04-20T09:54:00+07:00"),
        )
        .await;
    let fresh = admin
        .draft(json!({"title": "Giá lúa tăng", "category_id": "kinh-te"}))
        .await;
    admin.publish(fresh["id"].as_str().expect("id"), None).await;
    admin.draft(json!({"title": "Bản nháp bí mật"})).await;
    let scheduled = admin.draft(json!({"title": "Tin hẹn giờ"})).await;
    admin
        .publish(
            scheduled["id"].as_str().expect("id"),
            Some("2999-01-01T00:00:00Z"),
        )
        .await;
    admin
}

/// Reads a body as text and checks that it is well-formed XML, returning
/// the text and the names of its elements in document order.
async fn xml(res: reqwest::Response) -> (String, Vec<String>) {
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.expect("body");
    let mut reader = Reader::from_str(&text);
    let mut names = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) => {
                names.push(String::from_utf8_lossy(e.name().as_ref()).into_owned());
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("not well-formed XML: {e}\n{text}"),
        }
    }
    (text, names)
}

#[actix_web::test]
async fn the_site_settings_are_public_and_only_admins_change_them() {
    let app = TestApp::spawn().await;
    let site = app.anon().get_ok("/api/v1/site").await;
    assert_eq!(site["language"], "vi");
    assert_eq!(site["time_zone"], "Asia/Ho_Chi_Minh");
    assert_eq!(site["utc_offset"], "+07:00");
    let res = app.anon().patch("/api/v1/site", json!({"name": "X"})).await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
    let editor = app.editor().await;
    let res = editor.patch("/api/v1/site", json!({"name": "X"})).await;
    assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
    let admin = app.admin().await;
    for bad in [
        json!({"url": "javascript:alert(1)"}),
        json!({"time_zone": "Mars/Olympus"}),
        json!({"language": "tiếng việt"}),
        json!({"article_path": "{site}/{id}"}),
        json!({"name": ""}),
        json!({"colour": "red"}),
    ] {
        let res = admin.patch("/api/v1/site", bad.clone()).await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
    let unchanged = app.anon().get_ok("/api/v1/site").await;
    assert_eq!(unchanged["name"], site["name"]);
    let res = admin
        .patch(
            "/api/v1/site",
            json!({"name": "Báo Quảng Nam", "logo_url": "https://baoquangnam.vn/logo.png"}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed = app.anon().get_ok("/api/v1/site").await;
    assert_eq!(changed["name"], "Báo Quảng Nam");
    assert_eq!(changed["logo_url"], "https://baoquangnam.vn/logo.png");
}

#[actix_web::test]
async fn the_rss_feed_carries_public_articles_with_local_times_and_bylines() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let res = app.anon().get("/feeds/latest.rss").await;
    assert!(
        res.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("application/rss+xml")
    );
    assert!(res.headers().contains_key("etag"));
    let (text, names) = xml(res).await;
    assert_eq!(names.iter().filter(|n| *n == "item").count(), 2, "{text}");
    assert!(text.contains(&format!(
        "<link>https://baoquangnam.vn/theo-guong-bac/{SLUG}</link>"
    )));
    assert!(
        text.contains("<pubDate>Sat, 20 Apr 2024 09:54:00 +0700</pubDate>"),
        "{text}"
    );
    assert!(
        text.contains("<dc:creator>Lê Thị Như Thủy</dc:creator>"),
        "{text}"
    );
    assert!(text.contains("<category>Theo gương Bác</category>"));
    assert!(text.contains("Giá lúa tăng"));
    for hidden in ["Bản nháp bí mật", "Tin hẹn giờ"] {
        assert!(!text.contains(hidden), "{hidden} is not public");
    }
}

#[actix_web::test]
async fn a_category_feed_includes_its_sub_categories_and_nothing_else() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let (text, _) = xml(app.anon().get("/feeds/category/chinh-tri.rss").await).await;
    assert!(text.contains(TITLE));
    assert!(!text.contains("Giá lúa tăng"));
    let feed = app.anon().get_ok("/feeds/category/chinh-tri.json").await;
    assert_eq!(feed["items"].as_array().map(Vec::len), Some(1));
    let res = app.anon().get("/feeds/category/khong-co.rss").await;
    assert_problem(res, StatusCode::NOT_FOUND, "category_not_found").await;
    let res = app.anon().get("/feeds/category/khong-co.json").await;
    assert_problem(res, StatusCode::NOT_FOUND, "category_not_found").await;
}

#[actix_web::test]
async fn the_json_feed_follows_json_feed_1_1() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let res = app.anon().get("/feeds/latest.json").await;
    assert_eq!(res.headers()["content-type"], "application/feed+json");
    let feed: Value = res.json().await.expect("json");
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(feed["title"], "Báo Quảng Nam");
    assert_eq!(feed["language"], "vi");
    let items = feed["items"].as_array().expect("items");
    assert_eq!(items.len(), 2);
    let example = items.iter().find(|i| i["title"] == TITLE).expect("example");
    assert_eq!(example["date_published"], "2024-04-20T09:54:00+07:00");
    assert_eq!(example["summary"], SAPO);
    assert_eq!(example["authors"][0]["name"], "Lê Thị Như Thủy");
    assert_eq!(
        example["url"],
        format!("https://baoquangnam.vn/theo-guong-bac/{SLUG}")
    );
}

#[actix_web::test]
async fn feeds_and_sitemaps_revalidate_and_change_when_an_article_is_published() {
    let app = TestApp::spawn().await;
    let admin = newsroom(&app).await;
    for path in [
        "/feeds/latest.rss",
        "/feeds/latest.json",
        "/sitemap.xml",
        "/sitemap-news.xml",
    ] {
        let res = app.anon().get(path).await;
        let etag = res.headers()["etag"].to_str().expect("etag").to_owned();
        assert!(
            res.headers()["cache-control"]
                .to_str()
                .expect("cc")
                .contains("public")
        );
        let res = app
            .anon()
            .request(reqwest::Method::GET, path)
            .header("If-None-Match", &etag)
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{path}");
        let draft = admin
            .draft(json!({"title": format!("Tin mới cho {path}")}))
            .await;
        admin.publish(draft["id"].as_str().expect("id"), None).await;
        let res = app.anon().get(path).await;
        assert_ne!(
            res.headers()["etag"].to_str().expect("etag"),
            etag,
            "{path}"
        );
    }
}

#[actix_web::test]
async fn the_sitemap_index_lists_a_child_per_month_and_children_list_articles() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let (index, names) = xml(app.anon().get("/sitemap.xml").await).await;
    assert_eq!(names.first().map(String::as_str), Some("sitemapindex"));
    assert!(
        index.contains("<loc>https://baoquangnam.vn/sitemaps/2024-04.xml</loc>"),
        "{index}"
    );
    assert_eq!(
        names.iter().filter(|n| *n == "sitemap").count(),
        2,
        "{index}"
    );
    let (child, names) = xml(app.anon().get("/sitemaps/2024-04.xml").await).await;
    assert_eq!(names.iter().filter(|n| *n == "url").count(), 1);
    assert!(child.contains(&format!(
        "<loc>https://baoquangnam.vn/theo-guong-bac/{SLUG}</loc>"
    )));
    assert!(child.contains("<lastmod>"));
    let (empty, names) = xml(app.anon().get("/sitemaps/2019-01.xml").await).await;
    assert_eq!(names.iter().filter(|n| *n == "url").count(), 0, "{empty}");
    for bad in [
        "/sitemaps/2024-13.xml",
        "/sitemaps/latest.xml",
        "/sitemaps/2024-04-31.xml",
    ] {
        let res = app.anon().get(bad).await;
        assert_problem(res, StatusCode::NOT_FOUND, "sitemap_not_found").await;
    }
}

#[actix_web::test]
async fn the_news_sitemap_follows_the_google_news_rules() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let (text, names) = xml(app.anon().get("/sitemap-news.xml").await).await;
    assert!(text.contains(r#"xmlns:news="http://www.google.com/schemas/sitemap-news/0.9""#));
    // Only the last 48 hours: the 2024 article is too old.
    assert_eq!(names.iter().filter(|n| *n == "url").count(), 1, "{text}");
    assert!(text.contains("<news:name>Báo Quảng Nam</news:name>"));
    assert!(text.contains("<news:language>vi</news:language>"));
    assert!(text.contains("<news:title>Giá lúa tăng</news:title>"));
    assert!(text.contains("<news:publication_date>"));
    assert!(text.contains("+07:00</news:publication_date>"), "{text}");
    assert!(!text.contains(TITLE) && !text.contains("Tin hẹn giờ"));
}

#[actix_web::test]
async fn articles_carry_the_newsrooms_local_publication_time() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let article = app.anon().get_ok(&format!("/api/v1/articles/{SLUG}")).await;
    assert_eq!(article["published_at"], "2024-04-20T02:54:00Z");
    assert_eq!(article["published_at_local"], "2024-04-20T09:54:00+07:00");
    let list = app.anon().get_ok("/api/v1/articles").await;
    assert!(
        list["data"]
            .as_array()
            .expect("data")
            .iter()
            .all(|a| a["published_at_local"].is_string())
    );
}

#[actix_web::test]
async fn lists_filter_by_date_and_ids_and_count_when_asked() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let april = app
        .anon()
        .get_ok("/api/v1/articles?published_after=2024-04-01T00:00:00%2B07:00&published_before=2024-05-01T00:00:00%2B07:00")
        .await;
    assert_eq!(crate::common::slugs(&april), [SLUG]);
    let recent = app
        .anon()
        .get_ok("/api/v1/articles?published_after=2025-01-01T00:00:00Z")
        .await;
    assert_eq!(recent["data"].as_array().map(Vec::len), Some(1));
    assert!(
        recent["meta"].get("total").is_none(),
        "no count unless asked"
    );

    let all = app
        .anon()
        .get_ok("/api/v1/articles?count=exact&limit=1")
        .await;
    assert_eq!(all["meta"]["total"], 2, "the whole list, not the page");
    assert_eq!(all["data"].as_array().map(Vec::len), Some(1));
    let next = all["meta"]["next_cursor"].as_str().expect("cursor");
    let second = app
        .anon()
        .get_ok(&format!(
            "/api/v1/articles?count=exact&limit=1&cursor={next}"
        ))
        .await;
    assert_eq!(second["meta"]["total"], 2);

    let example = app.anon().get_ok(&format!("/api/v1/articles/{SLUG}")).await;
    let id = example["id"].as_str().expect("id");
    let unknown = "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a";
    let set = app
        .anon()
        .get_ok(&format!("/api/v1/articles?ids={id},{unknown}"))
        .await;
    assert_eq!(crate::common::slugs(&set), [SLUG]);

    let many = (0..101).map(|_| unknown).collect::<Vec<_>>().join(",");
    for (path, code) in [
        (format!("/api/v1/articles?ids={many}"), "too_many_ids"),
        ("/api/v1/articles?ids=not-an-id".to_owned(), "invalid_query"),
        (
            "/api/v1/articles?published_after=2024-05-01T00:00:00Z&published_before=2024-04-01T00:00:00Z".to_owned(),
            "invalid_date_range",
        ),
        ("/api/v1/articles?published_after=yesterday".to_owned(), "invalid_query"),
        ("/api/v1/articles?count=roughly".to_owned(), "invalid_query"),
        ("/api/v1/articles?count=exact&q=bac".to_owned(), "invalid_query"),
    ] {
        let res = app.anon().get(&path).await;
        assert_problem(res, StatusCode::BAD_REQUEST, code).await;
    }
}

#[actix_web::test]
async fn an_article_read_can_carry_its_news_article_json_ld() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let plain = app.anon().get_ok(&format!("/api/v1/articles/{SLUG}")).await;
    assert!(plain.get("jsonld").is_none(), "only when asked");
    let article = app
        .anon()
        .get_ok(&format!("/api/v1/articles/{SLUG}?jsonld=true"))
        .await;
    let ld = &article["jsonld"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["headline"], TITLE);
    assert_eq!(ld["datePublished"], "2024-04-20T09:54:00+07:00");
    assert_eq!(ld["author"][0]["name"], "Lê Thị Như Thủy");
    assert_eq!(ld["publisher"]["name"], "Báo Quảng Nam");
    assert_eq!(ld["articleSection"], "Theo gương Bác");
    assert_eq!(
        ld["mainEntityOfPage"]["@id"],
        format!("https://baoquangnam.vn/theo-guong-bac/{SLUG}")
    );
    let res = app
        .anon()
        .get(&format!("/api/v1/articles/{SLUG}?jsonld=yes"))
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query").await;
    let res = app
        .anon()
        .get(&format!("/api/v1/articles/{SLUG}?format=amp"))
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "invalid_query").await;
}

#[actix_web::test]
async fn fields_and_include_shape_lists_and_reads() {
    let app = TestApp::spawn().await;
    newsroom(&app).await;
    let slim = app
        .anon()
        .get_ok("/api/v1/articles?include=category&fields=title,category,published_at_local")
        .await;
    for article in slim["data"].as_array().expect("data") {
        let mut keys: Vec<&str> = article
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["category", "id", "published_at_local", "title"]);
    }
    let lean = app.anon().get_ok("/api/v1/articles?include=").await;
    let first = &lean["data"][0];
    for gone in ["category", "authors", "tags", "cover_image"] {
        assert!(first.get(gone).is_none(), "{gone} left out");
    }
    assert!(first["title"].is_string());
    let full = app
        .anon()
        .get_ok("/api/v1/articles?include=authors,body")
        .await;
    let example = full["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|a| a["slug"] == SLUG)
        .expect("example");
    assert_eq!(example["body"][0]["type"], "paragraph");
    assert!(
        example["body_html"]
            .as_str()
            .expect("html")
            .starts_with("<p>")
    );
    assert_eq!(example["authors"][0]["name"], "Lê Thị Như Thủy");
    assert!(example.get("tags").is_none());

    let read = app
        .anon()
        .get_ok(&format!("/api/v1/articles/{SLUG}?fields=title,sapo"))
        .await;
    let mut keys: Vec<&str> = read
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["id", "sapo", "title"]);

    for (path, code) in [
        ("/api/v1/articles?include=videos", "unknown_include"),
        (
            "/api/v1/articles?fields=title,password_hash",
            "unknown_field",
        ),
    ] {
        let res = app.anon().get(path).await;
        assert_problem(res, StatusCode::BAD_REQUEST, code).await;
    }
    let res = app
        .anon()
        .get(&format!("/api/v1/articles/{SLUG}?fields=secret"))
        .await;
    assert_problem(res, StatusCode::BAD_REQUEST, "unknown_field").await;
}
