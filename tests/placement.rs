//! Placement: the "Nổi bật" featured slots, bylines with roles, and
//! related articles.

use crate::common::{Api, TestApp, assert_problem, slugs};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Publishes a new article at `at` (a past instant unless said otherwise)
/// and returns it.
async fn published(editor: &Api<'_>, title: &str, extra: Value, at: &str) -> Value {
    let mut body = json!({"title": title});
    if let (Some(fields), Some(more)) = (body.as_object_mut(), extra.as_object()) {
        fields.extend(more.clone());
    }
    let draft = editor.draft(body).await;
    editor
        .publish(draft["id"].as_str().expect("id"), Some(at))
        .await
}

fn id(article: &Value) -> String {
    article["id"].as_str().expect("id").to_owned()
}

async fn put_featured(api: &Api<'_>, body: Value) -> reqwest::Response {
    api.request(reqwest::Method::PUT, "/api/v1/featured")
        .json(&body)
        .send()
        .await
        .expect("PUT")
}

/// Runs SQL on the app's database (both backends), for what the API
/// cannot do on purpose: let time pass.
async fn sql(app: &TestApp, statement: &'static str) {
    use diesel::RunQueryDsl;
    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    actix_web::rt::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("conn");
        diesel::sql_query(statement)
            .execute(&mut *conn)
            .expect("sql");
    })
    .await
    .expect("join");
}

mod featured {
    use super::*;

    #[actix_web::test]
    async fn readers_get_the_featured_list_in_slot_order_with_an_etag() {
        let app = TestApp::spawn().await;
        let editor = app.editor().await;
        let a = published(&editor, "Bài A", json!({}), "2024-04-20T09:00:00+07:00").await;
        let b = published(&editor, "Bài B", json!({}), "2024-04-21T09:00:00+07:00").await;
        let c = published(&editor, "Bài C", json!({}), "2024-04-22T09:00:00+07:00").await;
        assert_eq!(
            app.anon().get_ok("/api/v1/featured").await["data"],
            json!([])
        );

        // Ids and slugs mixed; the order given is the order shown, not the
        // publication order.
        let res = put_featured(&editor, json!({"article_ids": [id(&b), "bai-c", id(&a)]})).await;
        assert_eq!(res.status(), StatusCode::OK);
        let put: Value = res.json().await.expect("json");
        assert_eq!(slugs(&put), ["bai-b", "bai-c", "bai-a"]);

        let res = app.anon().get("/api/v1/featured").await;
        assert_eq!(res.status(), StatusCode::OK);
        let cache = res.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(cache.starts_with("public"), "{cache}");
        let etag = res.headers()["etag"].to_str().expect("ascii").to_owned();
        let list: Value = res.json().await.expect("json");
        assert_eq!(slugs(&list), ["bai-b", "bai-c", "bai-a"]);
        // Each entry is an article as lists show it, with its slot's expiry.
        let first = &list["data"][0];
        assert_eq!(first["title"], "Bài B");
        assert_eq!(first["status"], "published");
        assert!(first["authors"].is_array() && first.get("body").is_none());
        assert_eq!(first["featured_until"], Value::Null);
        // The slots leave the `featured` flag alone.
        assert_eq!(first["featured"], false);
        let _ = c;

        let res = app
            .anon()
            .request(reqwest::Method::GET, "/api/v1/featured")
            .header("If-None-Match", &etag)
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

        // Per-slot expiries; an empty list empties it.
        let res = put_featured(
            &editor,
            json!({"slots": [
                {"article_id": "bai-a", "expires_at": "2999-01-01T00:00:00+07:00"},
                {"article_id": id(&c)}
            ]}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK);
        let list = app.anon().get_ok("/api/v1/featured").await;
        assert_eq!(slugs(&list), ["bai-a", "bai-c"]);
        assert_eq!(list["data"][0]["featured_until"], "2998-12-31T17:00:00Z");
        assert_eq!(list["data"][1]["featured_until"], Value::Null);
        let res = put_featured(&editor, json!({"article_ids": []})).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            app.anon().get_ok("/api/v1/featured").await["data"],
            json!([])
        );
    }

    #[actix_web::test]
    async fn entries_readers_may_no_longer_see_drop_out_by_themselves() {
        let app = TestApp::spawn().await;
        let editor = app.editor().await;
        let at = "2024-04-20T09:00:00+07:00";
        let mut ids = Vec::new();
        for title in [
            "Giữ lại",
            "Gỡ xuống",
            "Lưu trữ",
            "Hẹn lại",
            "Hết hạn",
            "Xoá",
        ] {
            ids.push(id(&published(&editor, title, json!({}), at).await));
        }
        let slots: Vec<Value> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| match i {
                4 => json!({"article_id": id, "expires_at": "2999-01-01T00:00:00Z"}),
                _ => json!({"article_id": id}),
            })
            .collect();
        let res = put_featured(&editor, json!({"slots": slots})).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(
            app.anon().get_ok("/api/v1/featured").await["data"]
                .as_array()
                .map(Vec::len),
            Some(6)
        );

        let post = |path: String, body: Value| {
            let editor = &editor;
            async move { editor.post_expect(&path, body, StatusCode::OK).await }
        };
        post(format!("/api/v1/articles/{}/unpublish", ids[1]), json!({})).await;
        post(format!("/api/v1/articles/{}/archive", ids[2]), json!({})).await;
        post(
            format!("/api/v1/articles/{}/publish", ids[3]),
            json!({"at": "2999-01-01T00:00:00Z"}),
        )
        .await;
        // A slot's expiry passing (time cannot be hurried over HTTP).
        sql(
            &app,
            "UPDATE featured_slots SET expires_at = '2001-01-01 00:00:00' WHERE expires_at IS NOT NULL",
        )
        .await;
        let res = editor.delete(&format!("/api/v1/articles/{}", ids[5])).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);

        let list = app.anon().get_ok("/api/v1/featured").await;
        assert_eq!(slugs(&list), ["giu-lai"]);
        // Staff get the same list: it is what readers see.
        assert_eq!(slugs(&editor.get_ok("/api/v1/featured").await), ["giu-lai"]);
        // Republished, it is back in its slot.
        post(
            format!("/api/v1/articles/{}/publish", ids[1]),
            json!({"at": at}),
        )
        .await;
        assert_eq!(
            slugs(&app.anon().get_ok("/api/v1/featured").await),
            ["giu-lai", "go-xuong"]
        );
    }

    #[actix_web::test]
    async fn bad_featured_lists_are_refused_and_change_nothing() {
        let app = TestApp::spawn_with(|c| c.featured_max = 3).await;
        let editor = app.editor().await;
        let at = "2024-04-20T09:00:00+07:00";
        let a = id(&published(&editor, "Bài A", json!({}), at).await);
        let b = id(&published(&editor, "Bài B", json!({}), at).await);
        let c = id(&published(&editor, "Bài C", json!({}), at).await);
        let d = id(&published(&editor, "Bài D", json!({}), at).await);
        let draft = id(&editor.draft(json!({"title": "Bản nháp"})).await);
        let scheduled = id(&published(&editor, "Hẹn giờ", json!({}), "2999-01-01T00:00:00Z").await);
        let archived = id(&published(&editor, "Lưu trữ", json!({}), at).await);
        editor
            .post_expect(
                &format!("/api/v1/articles/{archived}/archive"),
                json!({}),
                StatusCode::OK,
            )
            .await;
        let res = put_featured(&editor, json!({"article_ids": [a, b]})).await;
        assert_eq!(res.status(), StatusCode::OK);

        let cases = [
            (
                json!({"article_ids": [c, "bai-c"]}),
                "article_ids[1]",
                "duplicate",
            ),
            (
                json!({"article_ids": [c, "khong-co-bai-nay"]}),
                "article_ids[1]",
                "not_found",
            ),
            (
                json!({"article_ids": [c, "0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a"]}),
                "article_ids[1]",
                "not_found",
            ),
            (
                json!({"article_ids": [draft]}),
                "article_ids[0]",
                "not_public",
            ),
            (
                json!({"article_ids": [c, scheduled]}),
                "article_ids[1]",
                "not_public",
            ),
            (
                json!({"article_ids": [archived]}),
                "article_ids[0]",
                "not_public",
            ),
            (
                json!({"article_ids": [a, b, c, d]}),
                "article_ids",
                "too_many",
            ),
            (
                json!({"slots": [{"article_id": c}, {"article_id": d, "expires_at": "2001-01-01T00:00:00Z"}]}),
                "slots[1].expires_at",
                "in_the_past",
            ),
            (
                json!({"slots": [{"article_id": c}, {"article_id": c}]}),
                "slots[1].article_id",
                "duplicate",
            ),
            (
                json!({"article_ids": [c], "slots": []}),
                "slots",
                "conflict",
            ),
            (json!({}), "article_ids", "required"),
        ];
        for (body, field, code) in cases {
            let res = put_featured(&editor, body.clone()).await;
            let problem =
                assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
            assert_eq!(problem["errors"][0]["field"], field, "{body}");
            assert_eq!(problem["errors"][0]["code"], code, "{body}");
        }
        assert_eq!(
            slugs(&app.anon().get_ok("/api/v1/featured").await),
            ["bai-a", "bai-b"]
        );
    }

    #[actix_web::test]
    async fn only_editors_replace_the_featured_list() {
        let app = TestApp::spawn().await;
        let editor = app.editor().await;
        let a = id(&published(&editor, "Bài A", json!({}), "2024-04-20T09:00:00+07:00").await);
        let author = app.author().await;
        let res = put_featured(&author, json!({"article_ids": [a]})).await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        let res = put_featured(&app.anon(), json!({"article_ids": [a]})).await;
        assert_problem(res, StatusCode::UNAUTHORIZED, "token_missing").await;
        assert_eq!(
            app.anon().get_ok("/api/v1/featured").await["data"],
            json!([])
        );
        let admin = app.admin().await;
        assert_eq!(
            put_featured(&admin, json!({"article_ids": [a]}))
                .await
                .status(),
            StatusCode::OK
        );
    }

    #[actix_web::test]
    async fn if_match_replaces_the_list_only_if_it_is_unchanged() {
        let app = TestApp::spawn().await;
        let editor = app.editor().await;
        let at = "2024-04-20T09:00:00+07:00";
        let a = id(&published(&editor, "Bài A", json!({}), at).await);
        let b = id(&published(&editor, "Bài B", json!({}), at).await);
        let res = app.anon().get("/api/v1/featured").await;
        let etag = res.headers()["etag"].to_str().expect("ascii").to_owned();
        let put = |tag: String, ids: Value| {
            editor
                .request(reqwest::Method::PUT, "/api/v1/featured")
                .header("If-Match", tag)
                .json(&json!({"article_ids": ids}))
                .send()
        };
        let res = put(etag.clone(), json!([a])).await.expect("PUT");
        assert_eq!(res.status(), StatusCode::OK);
        let new_etag = res.headers()["etag"].to_str().expect("ascii").to_owned();
        // Someone else's copy, from before that change.
        let res = put(etag, json!([b])).await.expect("PUT");
        assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
        assert_eq!(
            slugs(&app.anon().get_ok("/api/v1/featured").await),
            ["bai-a"]
        );
        // The tag the write sent is what readers get, and it still matches.
        let res = app.anon().get("/api/v1/featured").await;
        assert_eq!(res.headers()["etag"].to_str().expect("ascii"), new_etag);
        let res = put(new_etag, json!([b, a])).await.expect("PUT");
        assert_eq!(res.status(), StatusCode::OK);
        let res = put("*".to_owned(), json!([a])).await.expect("PUT");
        assert_eq!(res.status(), StatusCode::OK);
    }

    #[actix_web::test]
    async fn the_featured_flag_still_filters_lists_and_featured_rank_is_gone() {
        let app = TestApp::spawn().await;
        let editor = app.editor().await;
        let at = "2024-04-20T09:00:00+07:00";
        published(&editor, "Nổi bật", json!({"featured": true}), at).await;
        published(&editor, "Thường", json!({}), at).await;
        let list = app.anon().get_ok("/api/v1/articles?featured=true").await;
        assert_eq!(slugs(&list), ["noi-bat"]);
        assert!(list["data"][0].get("featured_rank").is_none());
        let list = app.anon().get_ok("/api/v1/articles?featured=false").await;
        assert_eq!(slugs(&list), ["thuong"]);
        let res = editor
            .post(
                "/api/v1/articles",
                json!({"title": "Hạng", "featured_rank": 1}),
            )
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
}

mod bylines {
    use super::*;

    #[actix_web::test]
    async fn byline_roles_read_back_in_order_and_default_to_writer() {
        let app = TestApp::spawn().await;
        let editor = app.editor().await;
        let thuy = editor.author_profile("Lê Thị Như Thủy").await;
        let thanh = editor.author_profile("Nguyễn Thành").await;
        let an = editor.author_profile("Trần An").await;
        let draft = editor
            .draft(json!({
                "title": "Ảnh và chữ",
                "author_ids": [
                    "le-thi-nhu-thuy",
                    {"author": thanh["id"], "role": "photographer"},
                    {"author": "tran-an", "role": "translator"}
                ]
            }))
            .await;
        let byline = json!([
            {"id": thuy["id"], "slug": "le-thi-nhu-thuy", "name": "Lê Thị Như Thủy", "role": "writer"},
            {"id": thanh["id"], "slug": "nguyen-thanh", "name": "Nguyễn Thành", "role": "photographer"},
            {"id": an["id"], "slug": "tran-an", "name": "Trần An", "role": "translator"}
        ]);
        assert_eq!(draft["authors"], byline);
        let article_id = id(&draft);
        editor
            .publish(&article_id, Some("2024-04-20T09:00:00+07:00"))
            .await;
        // Readers see the roles in the article and in lists.
        let read = app
            .anon()
            .get_ok(&format!("/api/v1/articles/{article_id}"))
            .await;
        assert_eq!(read["authors"], byline);
        let list = app.anon().get_ok("/api/v1/articles").await;
        assert_eq!(list["data"][0]["authors"], byline);

        // A new byline: another order, an editor role, an object without
        // a role (a writer).
        let res = editor
            .patch(
                &format!("/api/v1/articles/{article_id}"),
                json!({"version": read["version"], "author_ids": [
                    {"author": "tran-an"},
                    {"author": "le-thi-nhu-thuy", "role": "editor"}
                ]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let updated: Value = res.json().await.expect("json");
        let roles: Vec<(&str, &str)> = updated["authors"]
            .as_array()
            .expect("authors")
            .iter()
            .map(|a| {
                (
                    a["slug"].as_str().expect("slug"),
                    a["role"].as_str().expect("role"),
                )
            })
            .collect();
        assert_eq!(
            roles,
            [("tran-an", "writer"), ("le-thi-nhu-thuy", "editor")]
        );
    }

    #[actix_web::test]
    async fn unknown_roles_and_repeated_authors_are_refused() {
        let app = TestApp::spawn().await;
        let editor = app.editor().await;
        let thuy = editor.author_profile("Lê Thị Như Thủy").await;
        editor.author_profile("Nguyễn Thành").await;
        let draft = editor
            .draft(json!({"title": "Một tác giả", "author_ids": [thuy["id"]]}))
            .await;
        let path = format!("/api/v1/articles/{}", id(&draft));
        let cases = [
            (
                json!(["nguyen-thanh", {"author": "le-thi-nhu-thuy", "role": "illustrator"}]),
                "author_ids[1].role",
                "invalid_role",
            ),
            (
                json!([{"author": "le-thi-nhu-thuy", "role": "Writer"}]),
                "author_ids[0].role",
                "invalid_role",
            ),
            (
                json!(["le-thi-nhu-thuy", {"author": thuy["id"], "role": "photographer"}]),
                "author_ids[1]",
                "duplicate",
            ),
            (
                json!([{"author": "khong-co", "role": "editor"}]),
                "author_ids[0]",
                "not_found",
            ),
        ];
        for (byline, field, code) in cases {
            let res = editor
                .patch(&path, json!({"version": 1, "author_ids": byline}))
                .await;
            let problem =
                assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
            assert_eq!(problem["errors"][0]["field"], field, "{byline}");
            assert_eq!(problem["errors"][0]["code"], code, "{byline}");
        }
        // An object that is not a byline entry.
        let res = editor
            .patch(
                &path,
                json!({"version": 1, "author_ids": [{"name": "Thủy"}]}),
            )
            .await;
        assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        let read = editor.get_ok(&path).await;
        assert_eq!(read["version"], 1);
        assert_eq!(read["authors"][0]["slug"], "le-thi-nhu-thuy");
        assert_eq!(read["authors"][0]["role"], "writer");
    }
}

mod related {
    use super::*;

    /// The source article and the expected related list, built so each
    /// tier and each exclusion is visible.
    #[actix_web::test]
    async fn picks_come_first_then_shared_tags_then_the_category_newest_first() {
        let app = TestApp::spawn().await;
        let editor = app.editor().await;
        editor.category("Thời sự", None).await;
        editor.category("Thể thao", None).await;
        for tag in ["Quảng Nam", "Mặt trận", "Học tập"] {
            editor
                .post_expect("/api/v1/tags", json!({"name": tag}), StatusCode::CREATED)
                .await;
        }
        let day = |d: u32| format!("2024-04-{d:02}T09:00:00+07:00");
        let thoi_su = |tags: Value| json!({"category_id": "thoi-su", "tag_ids": tags});
        let source = published(
            &editor,
            "Nguồn",
            thoi_su(json!(["quang-nam", "mat-tran"])),
            &day(20),
        )
        .await;
        // Shared tags: two beat one; among equals, newest first.
        published(
            &editor,
            "Hai thẻ",
            json!({"tag_ids": ["quang-nam", "mat-tran", "hoc-tap"]}),
            &day(1),
        )
        .await;
        let old_one = published(
            &editor,
            "Một thẻ cũ",
            json!({"tag_ids": ["mat-tran"]}),
            &day(2),
        )
        .await;
        published(
            &editor,
            "Một thẻ mới",
            json!({"category_id": "the-thao", "tag_ids": ["quang-nam"]}),
            &day(3),
        )
        .await;
        // Same category, no shared tag: newest first.
        published(&editor, "Cùng mục cũ", thoi_su(json!(["hoc-tap"])), &day(4)).await;
        published(&editor, "Cùng mục mới", thoi_su(json!([])), &day(5)).await;
        // Never: another category without shared tags, and what readers
        // may not see however related it is.
        published(
            &editor,
            "Khác mục",
            json!({"category_id": "the-thao"}),
            &day(6),
        )
        .await;
        let hidden = thoi_su(json!(["quang-nam", "mat-tran"]));
        let mut draft_body = hidden.clone();
        draft_body["title"] = json!("Nháp");
        let draft = editor.draft(draft_body).await;
        published(&editor, "Hẹn giờ", hidden.clone(), "2999-01-01T00:00:00Z").await;
        let archived = published(&editor, "Lưu trữ", hidden.clone(), &day(7)).await;
        editor
            .post_expect(
                &format!("/api/v1/articles/{}/archive", id(&archived)),
                json!({}),
                StatusCode::OK,
            )
            .await;
        // Picks: a hidden one is skipped, a pick that also shares tags is
        // listed once, in the picks.
        let picked = published(
            &editor,
            "Được chọn",
            json!({"category_id": "the-thao"}),
            &day(8),
        )
        .await;
        let res = editor
            .patch(
                &format!("/api/v1/articles/{}", id(&source)),
                json!({"version": source["version"], "related_ids": [id(&picked), id(&draft), "mot-the-cu"]}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let updated: Value = res.json().await.expect("json");
        // Staff see every pick they set.
        assert_eq!(
            updated["related_ids"],
            json!([id(&picked), id(&draft), id(&old_one)])
        );

        let related = |limit: &str| {
            let path = format!("/api/v1/articles/nguon/related{limit}");
            let app = &app;
            async move { slugs(&app.anon().get_ok(&path).await) }
        };
        let all = [
            "duoc-chon",
            "mot-the-cu",
            "hai-the",
            "mot-the-moi",
            "cung-muc-moi",
            "cung-muc-cu",
        ];
        assert_eq!(related("?limit=20").await, all);
        assert_eq!(related("").await, &all[..5]);
        assert_eq!(related("?limit=2").await, &all[..2]);
        assert_eq!(related("?limit=4").await, &all[..4]);
        // Readers never see the picks themselves in the article.
        let read = app.anon().get_ok("/api/v1/articles/nguon").await;
        assert!(read.get("related_ids").is_none());
    }

    #[actix_web::test]
    async fn bad_related_picks_are_refused_and_authors_cannot_pick() {
        let app = TestApp::spawn().await;
        let editor = app.editor().await;
        let at = "2024-04-20T09:00:00+07:00";
        let article = published(&editor, "Bài", json!({}), at).await;
        let other = published(&editor, "Bài khác", json!({}), at).await;
        let path = format!("/api/v1/articles/{}", id(&article));
        let eleven: Vec<String> = (0..11).map(|_| id(&other)).collect();
        let cases = [
            (json!([id(&article)]), "related_ids[0]", "self_reference"),
            (
                json!([id(&other), "bai"]),
                "related_ids[1]",
                "self_reference",
            ),
            (
                json!([id(&other), "khong-co"]),
                "related_ids[1]",
                "not_found",
            ),
            (
                json!([id(&other), "bai-khac"]),
                "related_ids[1]",
                "duplicate",
            ),
            (json!(eleven), "related_ids", "too_many"),
        ];
        for (picks, field, code) in cases {
            let res = editor
                .patch(
                    &path,
                    json!({"version": article["version"], "related_ids": picks}),
                )
                .await;
            let problem =
                assert_problem(res, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
            assert_eq!(problem["errors"][0]["field"], field, "{picks}");
            assert_eq!(problem["errors"][0]["code"], code, "{picks}");
        }
        assert_eq!(editor.get_ok(&path).await["related_ids"], json!([]));
        // Authors do not pick, not even on their own drafts.
        let author = app.author().await;
        let res = author
            .post(
                "/api/v1/articles",
                json!({"title": "Của tác giả", "related_ids": [id(&other)]}),
            )
            .await;
        assert_problem(res, StatusCode::FORBIDDEN, "forbidden").await;
        // Editors may pick on creation.
        let created = editor
            .draft(json!({"title": "Mới", "related_ids": ["bai-khac"]}))
            .await;
        assert_eq!(created["related_ids"], json!([id(&other)]));
    }

    #[actix_web::test]
    async fn related_reads_are_cacheable_and_hidden_for_hidden_sources() {
        let app = TestApp::spawn().await;
        let editor = app.editor().await;
        editor.category("Thời sự", None).await;
        let at = "2024-04-20T09:00:00+07:00";
        let body = json!({"category_id": "thoi-su"});
        published(&editor, "Bài một", body.clone(), at).await;
        published(
            &editor,
            "Bài hai",
            body.clone(),
            "2024-04-21T09:00:00+07:00",
        )
        .await;
        let mut draft_body = body.clone();
        draft_body["title"] = json!("Bản nháp");
        let draft = editor.draft(draft_body).await;

        let res = app.anon().get("/api/v1/articles/bai-mot/related").await;
        assert_eq!(res.status(), StatusCode::OK);
        let etag = res.headers()["etag"].to_str().expect("ascii").to_owned();
        let cache = res.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(cache.starts_with("public"), "{cache}");
        assert_eq!(slugs(&res.json().await.expect("json")), ["bai-hai"]);
        let res = app
            .anon()
            .request(reqwest::Method::GET, "/api/v1/articles/bai-mot/related")
            .header("If-None-Match", &etag)
            .send()
            .await
            .expect("GET");
        assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

        // A draft's related list is 404 to readers, as the draft is; staff
        // get it (public articles only).
        let path = format!("/api/v1/articles/{}/related", id(&draft));
        assert_problem(
            app.anon().get(&path).await,
            StatusCode::NOT_FOUND,
            "article_not_found",
        )
        .await;
        assert_eq!(slugs(&editor.get_ok(&path).await), ["bai-hai", "bai-mot"]);
        assert_problem(
            app.anon().get("/api/v1/articles/khong-co/related").await,
            StatusCode::NOT_FOUND,
            "article_not_found",
        )
        .await;
        for limit in ["0", "21", "nhieu"] {
            let res = app
                .anon()
                .get(&format!("/api/v1/articles/bai-mot/related?limit={limit}"))
                .await;
            let code = if limit == "nhieu" {
                "invalid_query"
            } else {
                "invalid_limit"
            };
            assert_problem(res, StatusCode::BAD_REQUEST, code).await;
        }
    }
}
