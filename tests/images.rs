//! Images: upload, validation, renditions, serving, the library, and
//! deleting — each storage case on the local directory and on S3 (a real
//! S3-compatible server on loopback).

use crate::common::media::*;
use crate::common::{Api, TestApp, assert_problem};
use image::ImageFormat as Codec;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};
use toasoan_api::config::{MediaStorage, Secret};

#[derive(Debug, Clone, Copy)]
enum Store {
    Local,
    S3,
}

/// A running app and a handle on the storage it writes to.
struct MediaApp {
    app: TestApp,
    storage: toasoan_media::Storage,
}

impl MediaApp {
    async fn spawn(store: Store) -> MediaApp {
        Self::spawn_with(store, |_| {}).await
    }

    async fn spawn_with(
        store: Store,
        adjust: impl FnOnce(&mut toasoan_api::config::Config),
    ) -> MediaApp {
        let mut storage = None;
        let app = TestApp::spawn_with(|config| {
            if let Store::S3 = store {
                config.media.storage = MediaStorage::S3 {
                    endpoint: Some(s3_endpoint().to_owned()),
                    bucket: s3_bucket(),
                    region: "us-east-1".into(),
                    access_key_id: "test".into(),
                    secret_access_key: Secret::new("test"),
                    prefix: "media".into(),
                };
            }
            adjust(config);
            storage = Some(config.media.storage.clone());
        })
        .await;
        let storage =
            toasoan_api::startup::media_storage(&storage.expect("configured")).expect("storage");
        MediaApp { app, storage }
    }

    async fn keys(&self) -> Vec<String> {
        self.storage.keys().await.expect("keys")
    }
}

async fn upload(api: &Api<'_>, form: &Form) -> Response {
    api.request(Method::POST, "/api/v1/images")
        .header("content-type", form.content_type())
        .body(form.body())
        .send()
        .await
        .expect("upload")
}

async fn upload_ok(api: &Api<'_>, form: &Form, status: StatusCode) -> Value {
    let res = upload(api, form).await;
    let got = res.status();
    let text = res.text().await.expect("body");
    assert_eq!(got, status, "{text}");
    serde_json::from_str(&text).expect("image json")
}

fn jpeg_form(width: u32, height: u32) -> Form {
    Form::new()
        .file(
            "file",
            "IMG_0001.JPG",
            "image/jpeg",
            &encoded(&photo(width, height), Codec::Jpeg),
        )
        .text(
            "caption",
            "Hoàn thành tổ chức đại hội MTTQ Việt Nam các cấp",
        )
        .text("credit", "N.T")
}

/// GETs a served file.
async fn fetch(app: &TestApp, url: &str, accept: Option<&str>) -> Response {
    let mut req = app.client.get(format!("{}{url}", app.base));
    if let Some(accept) = accept {
        req = req.header("accept", accept);
    }
    req.send().await.expect("media GET")
}

macro_rules! on_both_storages {
    ($($case:ident),+ $(,)?) => {$(
        pastey::paste! {
            #[actix_web::test]
            async fn [<$case _on_local_storage>]() {
                $case(Store::Local).await
            }

            #[actix_web::test]
            async fn [<$case _on_s3_storage>]() {
                $case(Store::S3).await
            }
        }
    )+};
}

on_both_storages!(
    uploads_of_jpeg_png_and_webp_are_stored_with_renditions_that_decode_to_their_sizes,
    files_are_served_immutable_with_nosniff_webp_negotiation_and_ranges,
    exif_gps_never_reaches_a_served_file_and_photos_are_upright,
    refused_uploads_leave_no_row_and_no_file,
    the_same_file_uploaded_twice_is_stored_once,
    an_image_in_use_cannot_be_deleted_and_a_free_one_goes_with_its_files,
);

async fn uploads_of_jpeg_png_and_webp_are_stored_with_renditions_that_decode_to_their_sizes(
    store: Store,
) {
    let m = MediaApp::spawn(store).await;
    let author = m.app.author().await;
    let cases = [
        (Codec::Jpeg, "image/jpeg", "jpeg", 1200, 800, 7),
        (Codec::Png, "image/png", "png", 700, 500, 5),
        (Codec::WebP, "image/webp", "webp", 500, 300, 1),
    ];
    for (codec, mime, format, width, height, renditions) in cases {
        let bytes = encoded(&photo(width, height), codec);
        // The declared type is ignored: content decides.
        let form = Form::new().file("file", "anh.bin", "application/octet-stream", &bytes);
        let image = upload_ok(&author, &form, StatusCode::CREATED).await;
        assert_eq!(image["format"], format, "{image}");
        assert_eq!(image["mime_type"], mime);
        assert_eq!(
            (image["width"].as_u64(), image["height"].as_u64()),
            (Some(width.into()), Some(height.into()))
        );
        let listed = image["renditions"].as_array().expect("renditions");
        assert_eq!(listed.len(), renditions, "{image}");
        for r in listed {
            let url = r["url"].as_str().expect("url");
            let res = fetch(&m.app, url, None).await;
            assert_eq!(res.status(), StatusCode::OK, "{url}");
            let served_mime = r["mime_type"].as_str().expect("mime").to_owned();
            assert_eq!(res.headers()["content-type"], served_mime.as_str());
            let codec = if served_mime == "image/webp" {
                Codec::WebP
            } else {
                codec
            };
            let decoded = decode(&res.bytes().await.expect("bytes"), codec);
            assert_eq!(
                (decoded.width(), decoded.height()),
                (
                    r["width"].as_u64().expect("w") as u32,
                    r["height"].as_u64().expect("h") as u32
                ),
                "{url}"
            );
            assert!(decoded.width() < width || served_mime == "image/webp");
        }
        let full = fetch(&m.app, image["url"].as_str().expect("url"), None).await;
        assert_eq!(
            decode(&full.bytes().await.expect("bytes"), codec).width(),
            width
        );
    }
    let jpeg = upload_ok(&author, &jpeg_form(400, 300), StatusCode::CREATED).await;
    assert!(
        jpeg["url"]
            .as_str()
            .expect("url")
            .starts_with("/media/hoan-thanh-to-chuc-dai-hoi-mttq-viet-nam-cac-cap-"),
        "{jpeg}"
    );
    assert_eq!(jpeg["original_file_name"], "IMG_0001.JPG");
    assert_eq!(jpeg["credit"], "N.T");
}

async fn files_are_served_immutable_with_nosniff_webp_negotiation_and_ranges(store: Store) {
    let m = MediaApp::spawn(store).await;
    let author = m.app.author().await;
    let image = upload_ok(&author, &jpeg_form(800, 600), StatusCode::CREATED).await;
    let url = image["url"].as_str().expect("url");

    let plain = fetch(&m.app, url, Some("image/jpeg,image/*;q=0.8")).await;
    assert_eq!(plain.status(), StatusCode::OK);
    let h = plain.headers().clone();
    assert_eq!(h["content-type"], "image/jpeg");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    let vary = h["vary"].to_str().expect("vary");
    assert!(vary.split(',').any(|v| v.trim() == "Accept"), "{vary}");
    assert_eq!(h["accept-ranges"], "bytes");
    let whole = plain.bytes().await.expect("bytes");
    assert_eq!(h["content-length"], whole.len().to_string().as_str());
    decode(&whole, Codec::Jpeg);

    let webp = fetch(&m.app, url, Some("image/avif,image/webp,*/*")).await;
    assert_eq!(webp.headers()["content-type"], "image/webp");
    assert_eq!(
        decode(&webp.bytes().await.expect("bytes"), Codec::WebP).width(),
        800
    );
    let refused = fetch(&m.app, url, Some("image/webp;q=0, image/jpeg")).await;
    assert_eq!(refused.headers()["content-type"], "image/jpeg");
    let small = image["renditions"][0]["url"]
        .as_str()
        .expect("rendition")
        .to_owned();
    assert!(small.ends_with("-320w.jpg"), "{small}");
    let small_webp = fetch(&m.app, &small, Some("image/webp")).await;
    assert_eq!(
        decode(&small_webp.bytes().await.expect("bytes"), Codec::WebP).width(),
        320
    );

    let part = m
        .app
        .client
        .get(format!("{}{url}", m.app.base))
        .header("range", "bytes=2-11")
        .send()
        .await
        .expect("range");
    assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 2-11/{}", whole.len()).as_str()
    );
    assert_eq!(part.bytes().await.expect("bytes"), whole.slice(2..12));
    let tail = m
        .app
        .client
        .get(format!("{}{url}", m.app.base))
        .header("range", "bytes=-5")
        .send()
        .await
        .expect("range");
    assert_eq!(
        tail.bytes().await.expect("bytes"),
        whole.slice(whole.len() - 5..)
    );
    let outside = m
        .app
        .client
        .get(format!("{}{url}", m.app.base))
        .header("range", format!("bytes={}-", whole.len()))
        .send()
        .await
        .expect("range");
    let problem = assert_problem(
        outside,
        StatusCode::RANGE_NOT_SATISFIABLE,
        "range_not_satisfiable",
    )
    .await;
    assert!(problem["detail"].is_string());

    for missing in [
        "/media/nothing-here-000000000000.jpg",
        "/media/..%2F..%2Fetc%2Fpasswd",
        "/media/originals%2Fx.jpg",
        "/media/a.svg",
    ] {
        assert_problem(
            fetch(&m.app, missing, None).await,
            StatusCode::NOT_FOUND,
            "file_not_found",
        )
        .await;
    }
}

async fn exif_gps_never_reaches_a_served_file_and_photos_are_upright(store: Store) {
    let m = MediaApp::spawn(store).await;
    let author = m.app.author().await;
    let upload = jpeg_with_gps(900, 600);
    assert!(contains(&upload, GPS_MARKER));
    let form = Form::new().file("file", "hien-truong.jpg", "image/jpeg", &upload);
    let image = upload_ok(&author, &form, StatusCode::CREATED).await;
    assert_eq!(
        (image["width"].as_u64(), image["height"].as_u64()),
        (Some(600), Some(900)),
        "rotated by its EXIF orientation"
    );
    let mut urls = vec![image["url"].as_str().expect("url").to_owned()];
    for r in image["renditions"].as_array().expect("renditions") {
        urls.push(r["url"].as_str().expect("url").to_owned());
    }
    for url in urls {
        let bytes = fetch(&m.app, &url, None)
            .await
            .bytes()
            .await
            .expect("bytes");
        assert!(!contains(&bytes, GPS_MARKER), "{url} leaks GPS");
        assert!(!contains(&bytes, b"Exif"), "{url} keeps EXIF");
    }
    // Nothing stored anywhere holds it either (originals are not kept by default).
    for key in m.keys().await {
        let bytes = m.storage.read(&key).await.expect("read");
        assert!(!contains(&bytes, GPS_MARKER), "{key}");
    }
}

async fn refused_uploads_leave_no_row_and_no_file(store: Store) {
    let m = MediaApp::spawn_with(store, |c| c.media.max_bytes = 64 * 1024).await;
    let author = m.app.author().await;
    let big = encoded(&photo(600, 600), Codec::Png);
    assert!(big.len() > 64 * 1024);
    let jpeg = encoded(&photo(60, 40), Codec::Jpeg);
    let cases: Vec<(Form, StatusCode, &str)> = vec![
        (
            Form::new().file("file", "run.jpg", "image/jpeg", b"#!/bin/sh\nrm -rf /\n"),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_image",
        ),
        (
            Form::new().file(
                "file",
                "x.svg",
                "image/svg+xml",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_image",
        ),
        (
            Form::new().file(
                "file",
                "bomb.png",
                "image/png",
                &png_claiming(100_000, 100_000),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "too_many_pixels",
        ),
        (
            Form::new().file("file", "cut.jpg", "image/jpeg", &jpeg[..jpeg.len() / 2]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "image_corrupt",
        ),
        (
            Form::new().file("file", "big.png", "image/png", &big),
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
        ),
        (
            Form::new().text("caption", "không có ảnh"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            Form::new().file("file", "a.jpg", "image/jpeg", &jpeg).file(
                "file",
                "b.jpg",
                "image/jpeg",
                &jpeg,
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            Form::new()
                .file("file", "a.jpg", "image/jpeg", &jpeg)
                .text("gps", "15.57"),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
        (
            Form::new()
                .file("file", "a.jpg", "image/jpeg", &jpeg)
                .text("caption", &"đ".repeat(1_001)),
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        ),
    ];
    for (form, status, code) in cases {
        assert_problem(upload(&author, &form).await, status, code).await;
    }
    let fields = [
        ("file", "required"),
        ("file", "duplicate"),
        ("gps", "unknown_field"),
        ("caption", "too_long"),
    ];
    let forms = [
        Form::new().text("caption", "x"),
        Form::new().file("file", "a.jpg", "image/jpeg", &jpeg).file(
            "file",
            "b.jpg",
            "image/jpeg",
            &jpeg,
        ),
        Form::new()
            .file("file", "a.jpg", "image/jpeg", &jpeg)
            .text("gps", "1"),
        Form::new()
            .file("file", "a.jpg", "image/jpeg", &jpeg)
            .text("caption", &"a".repeat(1_001)),
    ];
    for ((field, code), form) in fields.into_iter().zip(forms) {
        let problem = assert_problem(
            upload(&author, &form).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
        )
        .await;
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        assert_eq!(problem["errors"][0]["code"], code, "{problem}");
    }
    // Not multipart at all.
    let res = author.post("/api/v1/images", json!({"file": "x"})).await;
    assert_problem(
        res,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    )
    .await;
    // A declared length over the limit is refused before the body is read.
    let res = author
        .request(Method::POST, "/api/v1/images")
        .header("content-type", Form::new().content_type())
        .body(vec![b'x'; 200 * 1024])
        .send()
        .await
        .expect("post");
    assert_problem(res, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
    // Chunked, with no length at all: counted as it streams.
    let token = author.token.clone().expect("token");
    let form = Form::new().file("file", "big.png", "image/png", &big);
    let reply = raw_upload(&m.app.base, &token, &form, RawBody::Chunked).await;
    assert!(reply.starts_with("HTTP/1.1 413"), "{reply}");
    assert!(reply.contains("payload_too_large"), "{reply}");
    // A client that goes away mid-upload.
    let form = Form::new().file("file", "half.jpg", "image/jpeg", &jpeg);
    raw_upload(&m.app.base, &token, &form, RawBody::HangUpHalfway).await;

    assert!(
        m.keys().await.is_empty(),
        "files left: {:?}",
        m.keys().await
    );
    let page = author.get_ok("/api/v1/images").await;
    assert_eq!(page["data"], json!([]), "rows left");
    // The refusals did not disturb the next upload.
    let form = Form::new().file("file", "../../etc/passwd.jpg", "image/jpeg", &jpeg);
    let image = upload_ok(&author, &form, StatusCode::CREATED).await;
    assert_eq!(image["original_file_name"], "passwd.jpg");
    let url = image["url"].as_str().expect("url");
    assert!(
        url.starts_with("/media/passwd-") && !url[7..].contains('/'),
        "{url}"
    );
    assert_eq!(
        author.get_ok("/api/v1/images").await["data"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    if let Store::Local = store {
        assert!(!m.app.data_dir.join("etc").exists());
    }
}

enum RawBody {
    Chunked,
    HangUpHalfway,
}

/// Sends an upload over a plain socket (what reqwest will not do: chunked
/// with no length, or hanging up halfway) and returns what came back.
async fn raw_upload(base: &str, token: &str, form: &Form, how: RawBody) -> String {
    use std::io::{Read, Write};
    let host = base.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST /api/v1/images HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\nContent-Type: {}\r\n",
        form.content_type()
    );
    let body = form.body();
    actix_web::rt::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&host).expect("connect");
        match how {
            RawBody::Chunked => {
                let _ = stream
                    .write_all(format!("{head}Transfer-Encoding: chunked\r\n\r\n").as_bytes());
                for chunk in body.chunks(8 * 1024) {
                    let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
                    framed.extend_from_slice(chunk);
                    framed.extend_from_slice(b"\r\n");
                    if stream.write_all(&framed).is_err() {
                        break;
                    }
                }
                let _ = stream.write_all(b"0\r\n\r\n");
                let mut reply = Vec::new();
                let _ = stream.read_to_end(&mut reply);
                String::from_utf8_lossy(&reply).into_owned()
            }
            RawBody::HangUpHalfway => {
                let _ = stream
                    .write_all(format!("{head}Content-Length: {}\r\n\r\n", body.len()).as_bytes());
                let _ = stream.write_all(&body[..body.len() / 2]);
                let _ = stream.shutdown(std::net::Shutdown::Both);
                String::new()
            }
        }
    })
    .await
    .expect("raw upload")
}

async fn the_same_file_uploaded_twice_is_stored_once(store: Store) {
    let m = MediaApp::spawn(store).await;
    let author = m.app.author().await;
    let first = upload_ok(&author, &jpeg_form(640, 480), StatusCode::CREATED).await;
    let keys = m.keys().await;
    let other = m.app.author().await;
    let second = upload_ok(&other, &jpeg_form(640, 480), StatusCode::OK).await;
    assert_eq!(first["id"], second["id"]);
    assert_eq!(m.keys().await, keys);
    assert_eq!(
        author.get_ok("/api/v1/images").await["data"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
}

async fn an_image_in_use_cannot_be_deleted_and_a_free_one_goes_with_its_files(store: Store) {
    let m = MediaApp::spawn(store).await;
    let editor = m.app.editor().await;
    let cover = upload_ok(&editor, &jpeg_form(700, 400), StatusCode::CREATED).await;
    let inline = upload_ok(
        &editor,
        &Form::new().file(
            "file",
            "a.png",
            "image/png",
            &encoded(&photo(300, 200), Codec::Png),
        ),
        StatusCode::CREATED,
    )
    .await;
    let free = upload_ok(
        &editor,
        &Form::new().file(
            "file",
            "b.gif",
            "image/gif",
            &encoded(&photo(200, 100), Codec::Gif),
        ),
        StatusCode::CREATED,
    )
    .await;
    let with_cover = editor
        .draft(json!({"title": "Ảnh bìa", "cover_image_id": cover["id"], "body": []}))
        .await;
    let with_block = editor
        .draft(json!({"title": "Ảnh trong bài", "body": [
            {"type": "paragraph", "text": "Trước ảnh"},
            {"type": "image", "image_id": inline["id"], "caption": "Chú thích"}
        ]}))
        .await;
    for (image, article) in [(&cover, &with_cover), (&inline, &with_block)] {
        let res = editor
            .delete(&format!(
                "/api/v1/images/{}",
                image["id"].as_str().expect("id")
            ))
            .await;
        let problem = assert_problem(res, StatusCode::CONFLICT, "image_in_use").await;
        assert_eq!(problem["used_by"][0]["id"], article["id"], "{problem}");
        assert_eq!(problem["used_by"][0]["slug"], article["slug"]);
    }
    let author = m.app.author().await;
    let free_id = free["id"].as_str().expect("id");
    assert_problem(
        author.delete(&format!("/api/v1/images/{free_id}")).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let before = m.keys().await.len();
    let res = editor.delete(&format!("/api/v1/images/{free_id}")).await;
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        m.keys().await.len(),
        before - 1 - free["renditions"].as_array().map_or(0, Vec::len)
    );
    assert_problem(
        fetch(&m.app, free["url"].as_str().expect("url"), None).await,
        StatusCode::NOT_FOUND,
        "file_not_found",
    )
    .await;
    assert_problem(
        editor.delete(&format!("/api/v1/images/{free_id}")).await,
        StatusCode::NOT_FOUND,
        "image_not_found",
    )
    .await;
}

#[actix_web::test]
async fn the_article_read_carries_its_cover_image_with_renditions() {
    let m = MediaApp::spawn(Store::Local).await;
    let editor = m.app.editor().await;
    let image = upload_ok(&editor, &jpeg_form(1200, 800), StatusCode::CREATED).await;
    let draft = editor
        .draft(json!({"title": "Có ảnh bìa", "cover_image_id": image["id"], "body": []}))
        .await;
    let id = draft["id"].as_str().expect("id");
    let article = editor.get_ok(&format!("/api/v1/articles/{id}")).await;
    let cover = &article["cover_image"];
    assert_eq!(cover["id"], image["id"]);
    assert_eq!(cover["url"], image["url"]);
    assert_eq!(
        (cover["width"].as_u64(), cover["height"].as_u64()),
        (Some(1200), Some(800))
    );
    assert_eq!(
        cover["caption"],
        "Hoàn thành tổ chức đại hội MTTQ Việt Nam các cấp"
    );
    assert_eq!(cover["credit"], "N.T");
    assert_eq!(cover["renditions"], image["renditions"]);
    let list = editor.get_ok("/api/v1/articles?status=draft").await;
    assert_eq!(
        list["data"][0]["cover_image"]["renditions"],
        image["renditions"]
    );
}

#[actix_web::test]
async fn metadata_is_edited_and_the_library_is_searched_without_diacritics() {
    let m = MediaApp::spawn(Store::Local).await;
    let author = m.app.author().await;
    let image = upload_ok(&author, &jpeg_form(400, 300), StatusCode::CREATED).await;
    let id = image["id"].as_str().expect("id");
    let path = format!("/api/v1/images/{id}");
    let res = author
        .patch(&path, json!({"caption": "Đường phố Tam Kỳ", "credit": null, "focal_point": {"x": 0.3, "y": 0.6}}))
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    let changed: Value = res.json().await.expect("json");
    assert_eq!(changed["caption"], "Đường phố Tam Kỳ");
    assert_eq!(changed["credit"], Value::Null);
    assert_eq!(changed["focal_point"], json!({"x": 0.3, "y": 0.6}));
    assert_eq!(changed["url"], image["url"], "the file keeps its name");
    for q in ["duong pho", "ĐƯỜNG", "tam ky"] {
        let page = author
            .get_ok(&format!("/api/v1/images?q={}", urlencode(q)))
            .await;
        assert_eq!(page["data"][0]["id"], image["id"], "{q}");
    }
    assert_eq!(
        author.get_ok("/api/v1/images?q=dai%20hoi").await["data"],
        json!([])
    );
    let bad = author
        .patch(&path, json!({"focal_point": {"x": 2, "y": 0.5}}))
        .await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let bad = author
        .patch(&path, json!({"caption": "a".repeat(1_001)}))
        .await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_problem(
        author
            .get("/api/v1/images/0190f1c2-7b3a-7c11-9a52-3f0c2d1e4b5a")
            .await,
        StatusCode::NOT_FOUND,
        "image_not_found",
    )
    .await;
    assert_problem(
        m.app.anon().get("/api/v1/images").await,
        StatusCode::UNAUTHORIZED,
        "token_missing",
    )
    .await;
    assert_problem(
        upload(&m.app.anon(), &jpeg_form(10, 10)).await,
        StatusCode::UNAUTHORIZED,
        "token_missing",
    )
    .await;
}

fn urlencode(q: &str) -> String {
    q.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}
