//! Articles: the example page, slugs, visibility, scheduling, filters,
//! redirects and optimistic locking.

use crate::common::{TestApp, assert_problem, slugs};
use reqwest::StatusCode;
use serde_json::{Value, json};

const TITLE: &str = "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác";
const SLUG: &str = "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac";
const SAPO: &str = "(QNO) - Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam vừa ban hành kế hoạch thực hiện Kết luận số 01, ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 05 của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh trong năm 2024.";
const P1: &str = "Theo đó, tiếp tục tổ chức quán triệt, tuyên truyền, nâng cao nhận thức sâu sắc về nội dung cơ bản của tư tưởng, đạo đức, phong cách Hồ Chí Minh trong đội ngũ cán bộ, công chức Mặt trận, ủy viên Ủy ban MTTQ Việt Nam các cấp và các tầng lớp nhân dân, góp phần hoàn thành các mục tiêu, chỉ tiêu kinh tế - xã hội, quốc phòng - an ninh, đối ngoại của tỉnh năm 2024.";
const P2: &str = "Kết hợp chặt chẽ giữa học tập với làm theo Bác thông qua việc xây dựng và tổ chức thực hiện nghiêm túc kế hoạch học tập và làm theo Bác gắn với chủ đề công tác Mặt trận năm 2024: “Đổi mới, nâng cao năng lực hoạt động của Ủy ban MTTQ Việt Nam các cấp, phát huy vai trò nòng cốt, tích cực tham gia hỗ trợ nhà ở cho hộ nghèo, cận nghèo trên địa bàn tỉnh”.";

#[actix_web::test]
async fn the_example_page_reads_back_field_by_field() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let section = editor.category("Thời sự", None).await;
    let category = editor
        .category("Theo gương Bác", section["id"].as_str())
        .await;
    let author = editor.author_profile("Lê Thị Như Thủy").await;
    assert_eq!(author["slug"], "le-thi-nhu-thuy");
    let draft = editor
        .draft(json!({
            "title": TITLE,
            "sapo": SAPO,
            "category_id": "theo-guong-bac",
            "author_ids": [author["id"]],
            "body": [
                {"type": "paragraph", "text": P1},
                {"type": "heading", "level": 2, "text": "Nêu gương của người đứng đầu"},
                {"type": "paragraph", "text": P2},
                {"type": "quote", "text": "Dám nghĩ, dám làm, dám chịu trách nhiệm", "cite": "Kế hoạch năm 2024"}
            ]
        }))
        .await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["slug"], SLUG);
    let id = draft["id"].as_str().expect("id");
    // 20/04/2024 09:54 in Asia/Ho_Chi_Minh is 02:54 UTC.
    editor.publish(id, Some("2024-04-20T09:54:00+07:00")).await;

    let article = app.anon().get_ok(&format!("/api/v1/articles/{SLUG}")).await;
    assert_eq!(article["id"], id);
    assert_eq!(article["title"], TITLE);
    assert_eq!(article["sapo"], SAPO);
    assert_eq!(article["status"], "published");
    assert_eq!(article["published_at"], "2024-04-20T02:54:00Z");
    assert_eq!(
        article["category"],
        json!({"id": category["id"], "slug": "theo-guong-bac", "name": "Theo gương Bác"})
    );
    assert_eq!(
        article["authors"],
        json!([{"id": author["id"], "slug": "le-thi-nhu-thuy", "name": "Lê Thị Như Thủy", "role": "writer"}])
    );
    assert_eq!(article["body"][0], json!({"type": "paragraph", "text": P1}));
    assert_eq!(
        article["body"][1],
        json!({"type": "heading", "level": 2, "text": "Nêu gương của người đứng đầu"})
    );
    assert_eq!(article["body"][2]["text"], P2);
    assert_eq!(article["body"][3]["cite"], "Kế hoạch năm 2024");
    let html = article["body_html"].as_str().expect("html");
    assert!(
        html.starts_with(&format!("<p>{P1}</p><h2>Nêu gương của người đứng đầu</h2>")),
        "{html}"
    );
    assert!(html.contains("<blockquote><p>Dám nghĩ, dám làm, dám chịu trách nhiệm</p><cite>Kế hoạch năm 2024</cite></blockquote>"));
    assert_eq!(article["comment_count"], 0);
    assert_eq!(article["featured"], false);
    assert_eq!(article["tags"], json!([]));
    assert_eq!(article["version"], 2);

    // The same article by id, and in the latest list and its category's list.
    assert_eq!(
        app.anon().get_ok(&format!("/api/v1/articles/{id}")).await["slug"],
        SLUG
    );
    assert_eq!(
        slugs(&app.anon().get_ok("/api/v1/articles").await),
        vec![SLUG]
    );
    assert_eq!(
        slugs(&app.anon().get_ok("/api/v1/articles?category=thoi-su").await),
        vec![SLUG]
    );
}

#[actix_web::test]
async fn slugs_come_from_vietnamese_titles_and_clashes_are_numbered() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let cases = [
        (TITLE, SLUG),
        (
            "Đà Nẵng: đường Điện Biên Phủ thông xe",
            "da-nang-duong-dien-bien-phu-thong-xe",
        ),
        (
            "Phố cổ Hội An đón 1 triệu lượt khách!",
            "pho-co-hoi-an-don-1-trieu-luot-khach",
        ),
        (
            TITLE,
            "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac-2",
        ),
        (
            TITLE,
            "mat-tran-cac-cap-trien-khai-ke-hoach-hoc-tap-va-lam-theo-bac-3",
        ),
        ("🎉🎉", "bai-viet"),
    ];
    for (title, expected) in cases {
        let article = editor.draft(json!({"title": title})).await;
        assert_eq!(article["slug"], expected, "{title}");
    }
    let res = editor
        .post("/api/v1/articles", json!({"title": "Khác", "slug": SLUG}))
        .await;
    assert_problem(res, StatusCode::CONFLICT, "slug_taken").await;
}

#[actix_web::test]
async fn drafts_are_invisible_to_the_public_everywhere() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let category = editor.category("Kinh tế", None).await;
    let author = editor.author_profile("Trần Thị Ánh").await;
    editor
        .post_expect(
            "/api/v1/tags",
            json!({"name": "Quảng Nam"}),
            StatusCode::CREATED,
        )
        .await;
    let common = json!({"category_id": category["id"], "author_ids": [author["id"]], "tag_ids": ["quang-nam"]});
    let mut published = common.clone();
    published["title"] = json!("Tin đã đăng");
    let mut draft = common.clone();
    draft["title"] = json!("Bản nháp bí mật");
    let live = editor.draft(published).await;
    editor.publish(live["id"].as_str().expect("id"), None).await;
    let hidden = editor.draft(draft).await;
    let hidden_id = hidden["id"].as_str().expect("id");

    for list in [
        "/api/v1/articles",
        "/api/v1/articles?category=kinh-te",
        "/api/v1/articles?author=tran-thi-anh",
        "/api/v1/articles?tag=quang-nam",
        "/api/v1/articles?featured=false",
    ] {
        assert_eq!(
            slugs(&app.anon().get_ok(list).await),
            vec!["tin-da-dang"],
            "{list}"
        );
    }
    for path in [
        format!("/api/v1/articles/{hidden_id}"),
        "/api/v1/articles/ban-nhap-bi-mat".to_owned(),
    ] {
        assert_problem(
            app.anon().get(&path).await,
            StatusCode::NOT_FOUND,
            "article_not_found",
        )
        .await;
    }
    let res = app.anon().get("/api/v1/articles?status=draft").await;
    assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
    // Staff see it, and its page is not publicly cacheable.
    let res = editor.get(&format!("/api/v1/articles/{hidden_id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .expect("header")
            .starts_with("private")
    );
    assert_eq!(
        slugs(&editor.get_ok("/api/v1/articles?status=draft").await),
        vec!["ban-nhap-bi-mat"]
    );
}

#[actix_web::test]
async fn a_scheduled_article_appears_exactly_when_its_time_comes() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article = editor
        .draft(json!({"title": "Lịch cắt điện ngày mai"}))
        .await;
    let id = article["id"].as_str().expect("id");
    let at = chrono::Utc::now() + chrono::Duration::seconds(3);
    let scheduled = editor.publish(id, Some(&at.to_rfc3339())).await;
    assert_eq!(scheduled["status"], "scheduled");

    assert_problem(
        app.anon().get(&format!("/api/v1/articles/{id}")).await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
    assert!(slugs(&app.anon().get_ok("/api/v1/articles").await).is_empty());
    assert_eq!(
        slugs(&editor.get_ok("/api/v1/articles?status=scheduled").await),
        vec!["lich-cat-dien-ngay-mai"]
    );

    let wait = (at - chrono::Utc::now()).to_std().unwrap_or_default()
        + std::time::Duration::from_millis(300);
    actix_web::rt::time::sleep(wait).await;
    let visible = app.anon().get_ok(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(visible["status"], "published");
    assert_eq!(
        slugs(&app.anon().get_ok("/api/v1/articles").await),
        vec!["lich-cat-dien-ngay-mai"]
    );
}

#[actix_web::test]
async fn a_category_filter_includes_its_sub_categories() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let news = editor.category("Thời sự", None).await;
    let politics = editor.category("Chính trị", news["id"].as_str()).await;
    let sport = editor.category("Thể thao", None).await;
    for (title, category, at) in [
        ("Tin thời sự chung", &news, "2024-04-01T00:00:00Z"),
        ("Tin chính trị", &politics, "2024-04-02T00:00:00Z"),
        ("Tin thể thao", &sport, "2024-04-03T00:00:00Z"),
    ] {
        let article = editor
            .draft(json!({"title": title, "category_id": category["slug"]}))
            .await;
        editor
            .publish(article["id"].as_str().expect("id"), Some(at))
            .await;
    }
    assert_eq!(
        slugs(&app.anon().get_ok("/api/v1/articles?category=thoi-su").await),
        vec!["tin-chinh-tri", "tin-thoi-su-chung"]
    );
    assert_eq!(
        slugs(
            &app.anon()
                .get_ok("/api/v1/articles?category=chinh-tri")
                .await
        ),
        vec!["tin-chinh-tri"]
    );
    assert_eq!(
        slugs(&app.anon().get_ok("/api/v1/articles").await),
        vec!["tin-the-thao", "tin-chinh-tri", "tin-thoi-su-chung"]
    );
    let res = app.anon().get("/api/v1/articles?category=khong-co").await;
    assert_problem(res, StatusCode::NOT_FOUND, "category_not_found").await;
}

async fn edit(app: &TestApp) -> (crate::common::Api<'_>, String, String) {
    let editor = app.editor().await;
    let article = editor
        .draft(json!({"title": "Bản gốc", "sapo": "Sapo gốc"}))
        .await;
    let id = article["id"].as_str().expect("id").to_owned();
    let res = editor.get(&format!("/api/v1/articles/{id}")).await;
    let etag = res.headers()["etag"].to_str().expect("etag").to_owned();
    (editor, id, etag)
}

#[actix_web::test]
async fn a_stale_if_match_is_refused_and_nothing_is_overwritten() {
    let app = TestApp::spawn().await;
    let (editor, id, etag) = edit(&app).await;
    let path = format!("/api/v1/articles/{id}");
    // The first editor saves with the ETag they read.
    let res = editor
        .request(reqwest::Method::PATCH, &path)
        .header("If-Match", &etag)
        .json(&json!({"title": "Sửa lần một"}))
        .send()
        .await
        .expect("patch");
    assert_eq!(res.status(), StatusCode::OK);
    let new_etag = res.headers()["etag"].to_str().expect("etag").to_owned();
    assert_ne!(new_etag, etag);
    // The second editor still holds the old ETag: refused.
    let res = editor
        .request(reqwest::Method::PATCH, &path)
        .header("If-Match", &etag)
        .json(&json!({"title": "Sửa lần hai"}))
        .send()
        .await
        .expect("patch");
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    // The same through the `version` field.
    let res = editor
        .patch(&path, json!({"sapo": "Sapo đè", "version": 1}))
        .await;
    assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    // Without either, the write is refused rather than risked.
    let res = editor.patch(&path, json!({"sapo": "Sapo đè"})).await;
    assert_problem(
        res,
        StatusCode::PRECONDITION_REQUIRED,
        "precondition_required",
    )
    .await;

    let article = editor.get_ok(&path).await;
    assert_eq!(article["title"], "Sửa lần một");
    assert_eq!(article["sapo"], "Sapo gốc");
    assert_eq!(article["version"], 2);
    let res = editor
        .patch(&path, json!({"sapo": "Sapo mới", "version": 2}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_changed_slug_keeps_the_old_one_working_as_a_redirect() {
    let app = TestApp::spawn().await;
    let (editor, id, _) = edit(&app).await;
    editor.publish(&id, None).await;
    let res = editor
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"slug": "ban-moi", "version": 2}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = app.anon().get("/api/v1/articles/ban-goc").await;
    assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY);
    assert_eq!(res.headers()["location"], "/api/v1/articles/ban-moi");
    assert_eq!(
        app.anon().get_ok("/api/v1/articles/ban-moi").await["id"],
        id.as_str()
    );
    // An id works in any letter case.
    let upper = app
        .anon()
        .get_ok(&format!("/api/v1/articles/{}", id.to_uppercase()))
        .await;
    assert_eq!(upper["slug"], "ban-moi");
    // The old slug stays reserved for this article.
    let res = editor
        .post(
            "/api/v1/articles",
            json!({"title": "Khác", "slug": "ban-goc"}),
        )
        .await;
    assert_problem(res, StatusCode::CONFLICT, "slug_taken").await;
}

#[actix_web::test]
async fn a_drafts_old_slug_redirects_staff_without_being_publicly_cacheable() {
    let app = TestApp::spawn().await;
    let (editor, id, _) = edit(&app).await;
    let res = editor
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"slug": "tieu-de-moi", "version": 1}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let res = editor.get("/api/v1/articles/ban-goc").await;
    assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY);
    assert!(
        res.headers()["cache-control"]
            .to_str()
            .expect("cc")
            .starts_with("private")
    );
    assert_problem(
        app.anon().get("/api/v1/articles/ban-goc").await,
        StatusCode::NOT_FOUND,
        "article_not_found",
    )
    .await;
}

#[actix_web::test]
async fn public_reads_answer_if_none_match_with_304() {
    let app = TestApp::spawn().await;
    let (editor, id, _) = edit(&app).await;
    editor.publish(&id, None).await;
    for path in [
        format!("/api/v1/articles/{id}"),
        "/api/v1/articles".to_owned(),
        "/api/v1/categories".to_owned(),
    ] {
        let res = app.anon().get(&path).await;
        assert!(
            res.headers()["cache-control"]
                .to_str()
                .expect("cc")
                .starts_with("public, max-age="),
            "{path}"
        );
        let etag = res.headers()["etag"].clone();
        let res = app
            .anon()
            .request(reqwest::Method::GET, &path)
            .header("If-None-Match", etag.clone())
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!(res.headers()["etag"], etag);
    }
}

#[actix_web::test]
async fn body_html_is_sanitized_on_write() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let article: Value = editor
        .draft(json!({"title": "XSS", "body": [
            {"type": "paragraph", "text": "<b>Đậm</b><script>alert(1)</script><a href=\"javascript:alert(1)\">x</a><img src=x onerror=alert(1)>"}
        ]}))
        .await;
    let html = article["body_html"].as_str().expect("html");
    assert_eq!(
        html,
        "<p><b>Đậm</b><a rel=\"noopener noreferrer nofollow\">x</a></p>"
    );
    assert_eq!(
        article["body"][0]["text"],
        "<b>Đậm</b><a rel=\"noopener noreferrer nofollow\">x</a>"
    );
}

#[actix_web::test]
async fn unknown_relations_are_reported_per_field() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let res = editor
        .post(
            "/api/v1/articles",
            json!({"title": "", "category_id": "khong-co", "author_ids": ["ai-do"], "tag_ids": ["the-la"],
                   "body": [{"type": "image", "image_id": "01a21dac-c577-7154-9de0-9a267495e27a"}]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    for field in [
        "title",
        "category_id",
        "author_ids[0]",
        "tag_ids[0]",
        "body[0].image_id",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    assert!(
        slugs(&editor.get_ok("/api/v1/articles?status=draft").await).is_empty(),
        "nothing was written"
    );
}

#[actix_web::test]
async fn a_null_publish_body_publishes_now_as_the_schema_says() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let draft = editor.draft(json!({"title": "Tin nóng"})).await;
    let id = draft["id"].as_str().expect("id");
    let published = editor
        .post_expect(
            &format!("/api/v1/articles/{id}/publish"),
            Value::Null,
            StatusCode::OK,
        )
        .await;
    assert_eq!(published["status"], "published");
    app.anon()
        .get_ok(&format!(
            "/api/v1/articles/{}",
            draft["slug"].as_str().expect("slug")
        ))
        .await;
}

#[actix_web::test]
async fn two_editors_in_one_test_are_two_accounts() {
    let app = TestApp::spawn().await;
    let first = app.editor().await.get_ok("/api/v1/auth/me").await;
    let second = app.editor().await.get_ok("/api/v1/auth/me").await;
    assert_ne!(first["id"], second["id"]);
}

#[actix_web::test]
async fn a_full_byline_and_thirty_tags_given_by_id_or_slug_are_stored_in_order() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let mut authors = Vec::new();
    for i in 1..=10 {
        authors.push(editor.author_profile(&format!("Tác giả {i:02}")).await);
    }
    let mut tag_slugs = Vec::new();
    for i in 1..=30 {
        let tag = editor
            .post_expect(
                "/api/v1/tags",
                json!({"name": format!("Chủ đề {i:02}")}),
                StatusCode::CREATED,
            )
            .await;
        tag_slugs.push(tag["slug"].as_str().expect("slug").to_owned());
    }
    // Last author first; ids and slugs mixed, one slug in capitals.
    let keys: Vec<String> = authors
        .iter()
        .rev()
        .enumerate()
        .map(|(i, a)| match i {
            0 => a["slug"].as_str().expect("slug").to_uppercase(),
            i if i % 2 == 0 => a["id"].as_str().expect("id").to_owned(),
            _ => a["slug"].as_str().expect("slug").to_owned(),
        })
        .collect();
    let draft = editor
        .draft(json!({"title": "Mười tác giả", "author_ids": keys, "tag_ids": tag_slugs}))
        .await;
    let byline: Vec<&str> = draft["authors"]
        .as_array()
        .expect("authors")
        .iter()
        .map(|a| a["slug"].as_str().expect("slug"))
        .collect();
    let expected: Vec<String> = (1..=10).rev().map(|i| format!("tac-gia-{i:02}")).collect();
    assert_eq!(byline, expected);
    let mut tags = slugs(&json!({"data": draft["tags"]}));
    tags.sort();
    assert_eq!(tags, tag_slugs);

    // The same author by id and by slug is one author listed twice; an
    // eleventh is one too many.
    let id = draft["id"].as_str().expect("id");
    let res = editor
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"version": 1, "author_ids": [authors[0]["id"], authors[0]["slug"]]}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "author_ids[1]");
    assert_eq!(problem["errors"][0]["code"], "duplicate");
    let mut eleven: Vec<Value> = authors.iter().map(|a| a["id"].clone()).collect();
    eleven.push(authors[0]["slug"].clone());
    let res = editor
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"version": 1, "author_ids": eleven}),
        )
        .await;
    let problem = assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "too_many");

    // A new byline in another order replaces the old one.
    let updated = editor
        .patch(
            &format!("/api/v1/articles/{id}"),
            json!({"version": 1, "author_ids": [authors[2]["slug"], authors[0]["id"]], "tag_ids": []}),
        )
        .await;
    assert_eq!(updated.status(), StatusCode::OK);
    let updated: Value = updated.json().await.expect("json");
    assert_eq!(
        updated["authors"],
        json!([
            {"id": authors[2]["id"], "slug": "tac-gia-03", "name": "Tác giả 03", "role": "writer"},
            {"id": authors[0]["id"], "slug": "tac-gia-01", "name": "Tác giả 01", "role": "writer"}
        ])
    );
    assert_eq!(updated["tags"], json!([]));
}

#[actix_web::test]
async fn if_match_is_compared_strongly_as_rfc_9110_says() {
    let app = TestApp::spawn().await;
    let (editor, id, etag) = edit(&app).await;
    let path = format!("/api/v1/articles/{id}");
    let patch = |tag: String, title: &'static str| {
        editor
            .request(reqwest::Method::PATCH, &path)
            .header("If-Match", tag)
            .json(&json!({"title": title}))
            .send()
    };
    // The right version with a made-up hash, and the real tag made weak:
    // neither names the current representation.
    let made_up = format!(
        "\"{}0000000000\"",
        &etag[1..etag.find('-').expect("v1-") + 1]
    );
    for tag in [made_up, format!("W/{etag}")] {
        let res = patch(tag.clone(), "Sửa bằng thẻ giả").await.expect("patch");
        assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
    }
    assert_eq!(editor.get_ok(&path).await["title"], "Bản gốc");
    // The exact tag passes; so does `*` ("it exists, whatever its version").
    let res = patch(etag.clone(), "Sửa đúng thẻ").await.expect("patch");
    assert_eq!(res.status(), StatusCode::OK);
    let res = patch("*".to_owned(), "Sửa với sao").await.expect("patch");
    assert_eq!(res.status(), StatusCode::OK);
    let article = editor.get_ok(&path).await;
    assert_eq!(article["title"], "Sửa với sao");
    assert_eq!(article["version"], 3);
}
