//! Versioned categories, authors and tags: ETag/304 on reads, `If-Match`
//! (or `version`) on edits with 412 on a stale one, and old slugs that
//! answer 301 for ever. Each test runs over the three collections.

use crate::common::{Api, TestApp, assert_problem};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

/// The three collections and the field an article names them by.
const COLLECTIONS: [(&str, &str); 3] = [
    ("/api/v1/categories", "category"),
    ("/api/v1/authors", "author"),
    ("/api/v1/tags", "tag"),
];

fn etag(res: &Response) -> String {
    res.headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("ETag")
        .to_owned()
}

async fn send(
    api: &Api<'_>,
    method: Method,
    path: &str,
    if_match: Option<&str>,
    body: Option<Value>,
) -> Response {
    let mut request = api.request(method, path);
    if let Some(tag) = if_match {
        request = request.header("if-match", tag);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.expect("request")
}

async fn patch(api: &Api<'_>, path: &str, if_match: &str, body: Value) -> Response {
    send(api, Method::PATCH, path, Some(if_match), Some(body)).await
}

/// A read by staff: the ETag an editor edits from.
async fn read(api: &Api<'_>, path: &str) -> (String, Value) {
    let res = api.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let tag = etag(&res);
    (tag, res.json().await.expect("json"))
}

#[actix_web::test]
async fn of_two_editors_who_read_the_same_version_the_second_gets_412_and_the_first_change_stays() {
    let app = TestApp::spawn().await;
    let first = app.editor().await;
    let second = app.editor().await;
    for (collection, _) in COLLECTIONS {
        first
            .post_expect(
                collection,
                json!({"name": "Thời sự", "slug": "thoi-su"}),
                StatusCode::CREATED,
            )
            .await;
        let path = format!("{collection}/thoi-su");
        let (tag_first, seen) = read(&first, &path).await;
        let (tag_second, _) = read(&second, &path).await;
        assert_eq!(seen["version"], 1, "{collection}");
        assert!(tag_first.starts_with("\"v1-"), "{collection}: {tag_first}");

        let res = patch(
            &first,
            &path,
            &tag_first,
            json!({"name": "Thời sự trong nước"}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{collection}");
        let new_tag = etag(&res);
        assert!(new_tag.starts_with("\"v2-"), "{collection}: {new_tag}");
        assert_eq!(res.json::<Value>().await.expect("json")["version"], 2);

        // The second editor's edit, from the version both read, changes nothing.
        let res = patch(
            &second,
            &path,
            &tag_second,
            json!({"name": "Thời sự quốc tế"}),
        )
        .await;
        assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
        let res = second
            .patch(&path, json!({"name": "Thời sự quốc tế", "version": 1}))
            .await;
        assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
        let (now_tag, now) = read(&app.anon(), &path).await;
        assert_eq!(now["name"], "Thời sự trong nước", "{collection}");
        assert_eq!(now["version"], 2, "{collection}");
        assert!(now_tag.starts_with("\"v2-"), "{collection}");

        // Once they reload, their edit goes through.
        let (reloaded, _) = read(&second, &path).await;
        let res = patch(
            &second,
            &path,
            &reloaded,
            json!({"name": "Thời sự quốc tế"}),
        )
        .await;
        assert_eq!(res.status(), StatusCode::OK, "{collection}");
        assert_eq!(res.json::<Value>().await.expect("json")["version"], 3);
    }
}

#[actix_web::test]
async fn a_taxonomy_edit_must_say_which_version_it_edits() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    for (collection, _) in COLLECTIONS {
        editor
            .post_expect(
                collection,
                json!({"name": "Kinh tế", "slug": "kinh-te"}),
                StatusCode::CREATED,
            )
            .await;
        let path = format!("{collection}/kinh-te");
        let (tag, _) = read(&editor, &path).await;
        let cases = [
            (
                None,
                json!({"name": "X"}),
                StatusCode::PRECONDITION_REQUIRED,
                "precondition_required",
            ),
            (
                Some("\"garbage\""),
                json!({"name": "X"}),
                StatusCode::BAD_REQUEST,
                "invalid_if_match",
            ),
            (
                Some(tag.as_str()),
                json!({"name": "X", "version": 2}),
                StatusCode::BAD_REQUEST,
                "version_mismatch",
            ),
            // RFC 9110: If-Match compares strongly; a weak tag never matches.
            (
                Some(&*format!("W/{tag}")),
                json!({"name": "X"}),
                StatusCode::PRECONDITION_FAILED,
                "stale_version",
            ),
            (
                Some("\"v7-0000\""),
                json!({"name": "X"}),
                StatusCode::PRECONDITION_FAILED,
                "stale_version",
            ),
        ];
        for (if_match, body, status, code) in cases {
            let res = send(&editor, Method::PATCH, &path, if_match, Some(body)).await;
            assert_problem(res, status, code).await;
        }
        let (_, unchanged) = read(&editor, &path).await;
        assert_eq!(unchanged["name"], "Kinh tế", "{collection}");
        assert_eq!(unchanged["version"], 1, "{collection}");
    }
}

#[actix_web::test]
async fn if_match_star_edits_and_deletes_whatever_the_version_and_a_stale_delete_deletes_nothing() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    for (collection, _) in COLLECTIONS {
        editor
            .post_expect(
                collection,
                json!({"name": "Văn hóa", "slug": "van-hoa"}),
                StatusCode::CREATED,
            )
            .await;
        let path = format!("{collection}/van-hoa");
        let (old_tag, _) = read(&editor, &path).await;
        let res = patch(&editor, &path, "*", json!({"name": "Văn hóa - Giải trí"})).await;
        assert_eq!(res.status(), StatusCode::OK, "{collection}");
        assert_eq!(res.json::<Value>().await.expect("json")["version"], 2);

        let res = send(&editor, Method::DELETE, &path, Some(&old_tag), None).await;
        assert_problem(res, StatusCode::PRECONDITION_FAILED, "stale_version").await;
        assert_eq!(
            editor.get(&path).await.status(),
            StatusCode::OK,
            "{collection}"
        );

        let res = send(&editor, Method::DELETE, &path, Some("*"), None).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{collection}");
        assert_eq!(editor.get(&path).await.status(), StatusCode::NOT_FOUND);
        // `*` means "it exists": on nothing, the answer is 404.
        let res = patch(&editor, &path, "*", json!({"name": "X"})).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{collection}");

        // A delete naming the current ETag goes through.
        editor
            .post_expect(
                collection,
                json!({"name": "Văn hóa", "slug": "van-hoa"}),
                StatusCode::CREATED,
            )
            .await;
        let (tag, _) = read(&editor, &path).await;
        let res = send(&editor, Method::DELETE, &path, Some(&tag), None).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{collection}");
    }
}

#[actix_web::test]
async fn old_slugs_of_categories_authors_and_tags_answer_301_to_the_current_one_for_ever() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let reader = app.anon();
    for (collection, filter) in COLLECTIONS {
        let created = editor
            .post_expect(
                collection,
                json!({"name": "Giáo dục", "slug": "giao-duc"}),
                StatusCode::CREATED,
            )
            .await;
        let id = created["id"].as_str().expect("id").to_owned();
        // A → B → C.
        for (from, to, version) in [
            ("giao-duc", "hoc-duong", 1),
            ("hoc-duong", "giao-duc-dao-tao", 2),
        ] {
            let res = editor
                .patch(
                    &format!("{collection}/{from}"),
                    json!({"slug": to, "version": version}),
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK, "{collection}: {from} → {to}");
        }
        for old in ["giao-duc", "hoc-duong"] {
            let res = reader.get(&format!("{collection}/{old}")).await;
            assert_eq!(
                res.status(),
                StatusCode::MOVED_PERMANENTLY,
                "{collection}/{old}"
            );
            assert_eq!(
                res.headers().get("location").and_then(|v| v.to_str().ok()),
                Some(format!("{collection}/giao-duc-dao-tao").as_str()),
                "{collection}/{old}"
            );
        }
        let current = reader
            .get_ok(&format!("{collection}/giao-duc-dao-tao"))
            .await;
        assert_eq!(current["id"], id.as_str());

        // An article filed under it is found by an old slug too.
        let draft = editor
            .draft(json!({"title": format!("Khai giảng {filter}"), "category_id": (filter == "category").then_some(&id),
                "author_ids": if filter == "author" { vec![id.clone()] } else { vec![] },
                "tag_ids": if filter == "tag" { vec![id.clone()] } else { vec![] }}))
            .await;
        let article = draft["id"].as_str().expect("id");
        editor.publish(article, None).await;
        for key in ["hoc-duong", "giao-duc-dao-tao"] {
            let page = reader
                .get_ok(&format!("/api/v1/articles?{filter}={key}"))
                .await;
            assert_eq!(page["data"][0]["id"], article, "?{filter}={key}");
        }

        // A new one that takes an old slug wins over the redirect; the other
        // old slug still leads to the renamed one.
        let newcomer = editor
            .post_expect(
                collection,
                json!({"name": "Giáo dục", "slug": "giao-duc"}),
                StatusCode::CREATED,
            )
            .await;
        assert_eq!(
            reader.get_ok(&format!("{collection}/giao-duc")).await["id"],
            newcomer["id"]
        );
        let res = reader.get(&format!("{collection}/hoc-duong")).await;
        assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY, "{collection}");

        // Renamed back to an old slug of its own, it stops redirecting there
        // and its last slug redirects instead.
        let res = editor
            .patch(
                &format!("{collection}/giao-duc-dao-tao"),
                json!({"slug": "hoc-duong", "version": 3}),
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "{collection}");
        assert_eq!(
            reader.get_ok(&format!("{collection}/hoc-duong")).await["id"],
            id.as_str()
        );
        let res = reader.get(&format!("{collection}/giao-duc-dao-tao")).await;
        assert_eq!(res.status(), StatusCode::MOVED_PERMANENTLY, "{collection}");
        assert_eq!(
            res.headers().get("location").and_then(|v| v.to_str().ok()),
            Some(format!("{collection}/hoc-duong").as_str())
        );
    }
}

#[actix_web::test]
async fn public_taxonomy_reads_and_lists_send_etags_and_answer_304() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    let reader = app.anon();
    for (collection, _) in COLLECTIONS {
        editor
            .post_expect(
                collection,
                json!({"name": "Thể thao", "slug": "the-thao"}),
                StatusCode::CREATED,
            )
            .await;
        for path in [format!("{collection}/the-thao"), collection.to_owned()] {
            let res = reader.get(&path).await;
            assert_eq!(res.status(), StatusCode::OK, "{path}");
            let tag = etag(&res);
            assert!(
                res.headers()
                    .get("cache-control")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|c| c.starts_with("public")),
                "{path}"
            );
            let res = reader
                .request(Method::GET, &path)
                .header("if-none-match", &tag)
                .send()
                .await
                .expect("GET");
            assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{path}");
            assert_eq!(etag(&res), tag, "{path}");
        }
        let one = format!("{collection}/the-thao");
        let (tag, _) = read(&reader, &one).await;
        let res = editor
            .patch(&one, json!({"name": "Thể thao 24h", "version": 1}))
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let res = reader
            .request(Method::GET, &one)
            .header("if-none-match", &tag)
            .send()
            .await
            .expect("GET");
        assert_eq!(
            res.status(),
            StatusCode::OK,
            "{one}: a changed resource is sent again"
        );
        assert!(etag(&res).starts_with("\"v2-"));
    }
}

#[actix_web::test]
async fn of_two_edits_sent_at_once_from_the_same_version_exactly_one_wins() {
    let app = TestApp::spawn().await;
    let first = app.editor().await;
    let second = app.editor().await;
    for (collection, _) in COLLECTIONS {
        first
            .post_expect(
                collection,
                json!({"name": "Pháp luật", "slug": "phap-luat"}),
                StatusCode::CREATED,
            )
            .await;
        let path = format!("{collection}/phap-luat");
        let (tag, _) = read(&first, &path).await;
        let (a, b) = futures_util::future::join(
            patch(&first, &path, &tag, json!({"name": "Pháp luật A"})),
            patch(&second, &path, &tag, json!({"name": "Pháp luật B"})),
        )
        .await;
        let (a, b) = (a.status(), b.status());
        let mut statuses = [a.as_u16(), b.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 412], "{collection}");
        let winner = if a == StatusCode::OK {
            "Pháp luật A"
        } else {
            "Pháp luật B"
        };
        let (_, now) = read(&app.anon(), &path).await;
        assert_eq!(now["name"], winner, "{collection}");
        assert_eq!(now["version"], 2, "{collection}");
    }
}
