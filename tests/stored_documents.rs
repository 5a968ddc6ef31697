//! Render on write: readers get stored documents, so every write that
//! changes what readers see must refresh them. A table of writes, each
//! with the field it changes, checked on the public read by slug and on a
//! public list page, and each time the reader's read must be what the
//! live (staff) read of the same article shows, under the same ETag.

use crate::common::media::*;
use crate::common::{Api, TestApp};
use image::ImageFormat as Codec;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

fn etag(res: &Response) -> String {
    res.headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .expect("ETag")
        .to_owned()
}

/// PATCHes `path` with the `If-Match` a read of it gives now.
async fn patch_current(api: &Api<'_>, path: &str, body: Value) {
    let res = api.get(path).await;
    assert_eq!(res.status(), StatusCode::OK, "GET {path}");
    let mut request = api.request(Method::PATCH, path).json(&body);
    if let Some(tag) = res.headers().get("etag") {
        request = request.header("if-match", tag);
    }
    let res = request.send().await.expect("PATCH");
    let status = res.status();
    let text = res.text().await.expect("body");
    assert_eq!(status, StatusCode::OK, "PATCH {path}: {text}");
}

/// The article's current version, as staff read it.
async fn version(editor: &Api<'_>, id: &str) -> Value {
    editor.get_ok(&format!("/api/v1/articles/{id}")).await["version"].clone()
}

/// What a write changes and where a reader sees it.
#[derive(Debug, Clone, Copy)]
enum Write {
    EditTitle,
    RestoreRevision,
    EditBody,
    ChangeByline,
    SetFeatured,
    AppendCorrection,
    UnpublishAndPublish,
    RenameCategory,
    RenameAuthor,
    RenameTag,
    EditCoverMetadata,
    ApproveComment,
    ChangeTimeZone,
    DeleteTag,
}

/// The writes, in order (some build on the one before), each with the
/// field that changes and whether lists show it.
const TABLE: [(Write, &str, bool); 14] = [
    (Write::EditTitle, "title", true),
    (Write::RestoreRevision, "title", true),
    (Write::EditBody, "body_html", false),
    (Write::ChangeByline, "authors", true),
    (Write::SetFeatured, "featured", true),
    (Write::AppendCorrection, "corrections", false),
    (Write::UnpublishAndPublish, "version", true),
    (Write::RenameCategory, "category", true),
    (Write::RenameAuthor, "authors", true),
    (Write::RenameTag, "tags", true),
    (Write::EditCoverMetadata, "cover_image", true),
    (Write::ApproveComment, "comment_count", true),
    (Write::ChangeTimeZone, "published_at_local", true),
    (Write::DeleteTag, "tags", true),
];

struct Newsroom {
    article: String,
    slug: String,
    category: String,
    second_author: String,
    tag: String,
    image: String,
}

async fn newsroom(app: &TestApp) -> Newsroom {
    let editor = app.editor().await;
    let category = editor.category("Thời sự", None).await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let first = editor.author_profile("Lê Thị Như Thủy").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let second_author = editor.author_profile("Nguyễn Văn Biên").await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let tag = editor
        .post_expect(
            "/api/v1/tags",
            json!({"name": "Quảng Nam"}),
            StatusCode::CREATED,
        )
        .await["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let form = Form::new()
        .file(
            "file",
            "anh.png",
            "image/png",
            &encoded(&photo(64, 48), Codec::Png),
        )
        .text("caption", "Đại hội MTTQ");
    let res = editor
        .request(Method::POST, "/api/v1/images")
        .header("content-type", form.content_type())
        .body(form.body())
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), StatusCode::CREATED);
    let image = res.json::<Value>().await.expect("image")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let draft = editor
        .draft(json!({
            "title": "Mặt trận các cấp triển khai kế hoạch",
            "sapo": "(QNO) - Ban Thường trực ...",
            "body": [{"type": "paragraph", "text": "Theo đó, ..."}],
            "category_id": category,
            "author_ids": [{"author": first}],
            "tag_ids": [tag],
            "cover_image_id": image,
        }))
        .await;
    let article = draft["id"].as_str().expect("id").to_owned();
    editor.publish(&article, None).await;
    Newsroom {
        slug: draft["slug"].as_str().expect("slug").to_owned(),
        article,
        category,
        second_author,
        tag,
        image,
    }
}

async fn apply(app: &TestApp, room: &Newsroom, write: Write) {
    let editor = app.editor().await;
    let article = format!("/api/v1/articles/{}", room.article);
    match write {
        Write::EditTitle => {
            patch_current(&editor, &article, json!({"title": "Tiêu đề đã sửa"})).await;
        }
        Write::RestoreRevision => {
            // Revision 2 is the article as first published.
            let current = version(&editor, &room.article).await;
            editor
                .post_expect(
                    &format!("{article}/revisions/2/restore"),
                    json!({"version": current}),
                    StatusCode::OK,
                )
                .await;
        }
        Write::EditBody => {
            let body = json!({"body": [{"type": "paragraph", "text": "Đoạn mới."}]});
            patch_current(&editor, &article, body).await;
        }
        Write::ChangeByline => {
            let byline =
                json!({"author_ids": [{"author": room.second_author, "role": "photographer"}]});
            patch_current(&editor, &article, byline).await;
        }
        Write::SetFeatured => {
            patch_current(&editor, &article, json!({"featured": true})).await;
        }
        Write::AppendCorrection => {
            editor
                .post_expect(
                    &format!("{article}/corrections"),
                    json!({"text": "Bản trước ghi nhầm ngày."}),
                    StatusCode::CREATED,
                )
                .await;
        }
        Write::UnpublishAndPublish => {
            editor
                .post_expect(&format!("{article}/unpublish"), json!({}), StatusCode::OK)
                .await;
            editor.publish(&room.article, None).await;
        }
        Write::RenameCategory => {
            let path = format!("/api/v1/categories/{}", room.category);
            patch_current(&editor, &path, json!({"name": "Thời sự 24h"})).await;
        }
        Write::RenameAuthor => {
            let path = format!("/api/v1/authors/{}", room.second_author);
            patch_current(&editor, &path, json!({"name": "Nguyễn Văn Biên Tập"})).await;
        }
        Write::RenameTag => {
            let path = format!("/api/v1/tags/{}", room.tag);
            patch_current(&editor, &path, json!({"name": "Đà Nẵng"})).await;
        }
        Write::EditCoverMetadata => {
            let path = format!("/api/v1/images/{}", room.image);
            let metadata = json!({"caption": "Chú thích mới", "alt": "Hội trường"});
            patch_current(&editor, &path, metadata).await;
        }
        Write::ApproveComment => {
            let receipt = app
                .anon()
                .post_expect(
                    &format!("{article}/comments"),
                    json!({"author_name": "Bạn đọc", "email": "ban.doc@example.vn", "body": "Bài viết hay, cảm ơn tòa soạn."}),
                    StatusCode::ACCEPTED,
                )
                .await;
            let id = receipt["id"].as_str().expect("comment id");
            let res = editor
                .patch(
                    &format!("/api/v1/comments/{id}"),
                    json!({"status": "approved"}),
                )
                .await;
            assert_eq!(res.status(), StatusCode::OK);
        }
        Write::ChangeTimeZone => {
            let admin = app.admin().await;
            patch_current(&admin, "/api/v1/site", json!({"time_zone": "Europe/Paris"})).await;
        }
        Write::DeleteTag => {
            let path = format!("/api/v1/tags/{}", room.tag);
            let res = editor.get(&path).await;
            let tag = etag(&res);
            let res = editor
                .request(Method::DELETE, &path)
                .header("if-match", tag)
                .send()
                .await
                .expect("DELETE");
            assert_eq!(res.status(), StatusCode::NO_CONTENT);
        }
    }
}

/// A representation without what differs between readers and staff by
/// design (the staff-only fields and the live counter).
fn comparable(mut article: Value) -> Value {
    if let Some(fields) = article.as_object_mut() {
        for staff_only in ["related_ids", "review_notes", "view_count"] {
            fields.remove(staff_only);
        }
    }
    article
}

/// The reader's read by slug, its ETag, and the article's entry in the
/// public list.
async fn reader_views(app: &TestApp, room: &Newsroom) -> (Value, String, Value) {
    let res = app
        .anon()
        .get(&format!("/api/v1/articles/{}", room.slug))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let tag = etag(&res);
    let read: Value = res.json().await.expect("article");
    let page = app.anon().get_ok("/api/v1/articles?limit=100").await;
    let entry = page["data"]
        .as_array()
        .expect("data")
        .iter()
        .find(|a| a["id"] == room.article.as_str())
        .expect("the article is listed")
        .clone();
    (read, tag, entry)
}

#[actix_web::test]
async fn every_write_that_changes_what_readers_see_changes_their_read_and_list_entry() {
    let app = TestApp::spawn().await;
    let room = newsroom(&app).await;
    let signed_in = app.author().await;
    let (mut before, mut before_tag, mut before_entry) = reader_views(&app, &room).await;
    for (write, field, listed) in TABLE {
        apply(&app, &room, write).await;
        let (read, tag, entry) = reader_views(&app, &room).await;
        assert_ne!(read[field], before[field], "{write:?}: {field} on the read");
        assert_ne!(tag, before_tag, "{write:?}: the ETag");
        if listed {
            assert_ne!(
                entry[field], before_entry[field],
                "{write:?}: {field} in the list"
            );
        }
        // What the reader got is what the live read of a signed-in reader
        // (an author who did not write it) shows now, under the same ETag,
        // and the list entry is the read without the body.
        let res = signed_in
            .get(&format!("/api/v1/articles/{}", room.article))
            .await;
        assert_eq!(etag(&res), tag, "{write:?}: the live read's ETag");
        let live: Value = res.json().await.expect("article");
        assert_eq!(comparable(read.clone()), comparable(live), "{write:?}");
        for (name, value) in entry.as_object().expect("entry") {
            if name != "view_count" {
                assert_eq!(&read[name], value, "{write:?}: {name} in the list");
            }
        }
        (before, before_tag, before_entry) = (read, tag, entry);
    }
}

#[actix_web::test]
async fn a_reader_revalidates_a_stored_article_with_304_and_a_write_gives_a_new_tag() {
    let app = TestApp::spawn().await;
    let room = newsroom(&app).await;
    let path = format!("/api/v1/articles/{}", room.slug);
    let first = app.anon().get(&path).await;
    let tag = etag(&first);
    let again = app
        .anon()
        .request(Method::GET, &path)
        .header("if-none-match", &tag)
        .send()
        .await
        .expect("GET");
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    apply(&app, &room, Write::EditTitle).await;
    let after = app
        .anon()
        .request(Method::GET, &path)
        .header("if-none-match", &tag)
        .send()
        .await
        .expect("GET");
    assert_eq!(after.status(), StatusCode::OK);
    assert_ne!(etag(&after), tag);
}

#[actix_web::test]
async fn a_write_on_one_instance_is_what_readers_of_another_instance_get() {
    let app = TestApp::spawn().await;
    let room = newsroom(&app).await;
    let other = app.spawn_beside(|_| {}).await;
    apply(&app, &room, Write::RenameCategory).await;
    let read = other
        .anon()
        .get_ok(&format!("/api/v1/articles/{}", room.slug))
        .await;
    assert_eq!(read["category"]["name"], "Thời sự 24h");
}

/// On PostgreSQL every id column compares bytewise like `articles.id`: a
/// join across collations cannot use an index, and the list query read
/// all of `article_documents` for each page (250 ms at 100 000 articles).
/// SQLite compares every text column bytewise already.
#[actix_web::test]
async fn on_postgresql_every_id_column_has_the_ids_collation() {
    use diesel::{QueryableByName, RunQueryDsl, sql_types::Text};
    #[derive(QueryableByName, Debug)]
    struct Column {
        #[diesel(sql_type = Text)]
        name: String,
    }
    let app = TestApp::spawn().await;
    if app.backend != "postgres" {
        return;
    }
    let pool = toasoan_persistence::connect(&app.database_url, 1).expect("pool");
    let odd = actix_web::rt::task::spawn_blocking(move || {
        let mut conn = pool.get().expect("conn");
        diesel::sql_query(
            "SELECT table_name || '.' || column_name AS name FROM information_schema.columns \
             WHERE table_schema = 'public' AND data_type = 'text' \
             AND (column_name = 'id' OR column_name LIKE '%\\_id') \
             AND coalesce(collation_name, '') <> 'C' ORDER BY 1",
        )
        .load::<Column>(&mut *conn)
        .expect("columns")
        .into_iter()
        .map(|c| c.name)
        .collect::<Vec<_>>()
    })
    .await
    .expect("join");
    assert!(odd.is_empty(), "id columns without COLLATE \"C\": {odd:?}");
}
