//! Image queries on SQLite, and on a fresh PostgreSQL database when
//! `TEST_DATABASE_URL` is set.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod common;

use chrono::{Duration, NaiveDateTime};
use common::db;
use toasoan_domain::block::Block;
use toasoan_domain::image::{FocalPoint, Image, search_text};
use toasoan_domain::image_file::{ImageFormat, Rendition};
use toasoan_domain::slug::Slug;
use toasoan_persistence::models::article::NewArticle;
use toasoan_persistence::models::image::{ImageChanges, ImageRow, renditions_json};
use toasoan_persistence::queries::{articles, images};
use toasoan_persistence::{DbError, time};
use uuid::Uuid;

fn image(hash: &str, caption: Option<&str>, credit: Option<&str>, at: NaiveDateTime) -> ImageRow {
    let renditions = vec![Rendition {
        width: 320,
        height: 213,
        format: ImageFormat::Webp,
        key: format!("anh-{hash}-320w.webp"),
        byte_size: 1234,
    }];
    ImageRow {
        id: Uuid::now_v7().to_string(),
        storage_key: format!("anh-{hash}.jpg"),
        format: "jpeg".into(),
        byte_size: 5000,
        width: 1200,
        height: 800,
        content_hash: hash.into(),
        original_file_name: Some("IMG_0001.JPG".into()),
        original_key: None,
        alt: None,
        caption: caption.map(Into::into),
        credit: credit.map(Into::into),
        search_text: search_text(caption, credit, None),
        focal_x: None,
        focal_y: None,
        renditions: renditions_json(&renditions),
        uploaded_by: None,
        created_at: at,
        updated_at: at,
    }
}

fn article(body: &[Block], cover: Option<&str>) -> NewArticle {
    let id = Uuid::now_v7().to_string();
    let slug = Slug::parse(&format!("bai-{}", &id[24..])).unwrap();
    let mut new = NewArticle::draft("Bài viết".into(), slug, "", time::now());
    new.created_by = None;
    new.body = serde_json::to_string(body).unwrap();
    new.cover_image_id = cover.map(Into::into);
    new
}

#[test]
fn an_image_round_trips_and_one_content_hash_is_stored_once() {
    let mut db = db();
    let row = image("aaaa", Some("Đại hội MTTQ"), Some("N.T"), time::now());
    images::insert(&mut db.conn, &row).unwrap();
    let found = images::by_hash(&mut db.conn, "aaaa").unwrap().unwrap();
    let domain = Image::try_from(found).unwrap();
    assert_eq!(domain.url, "/media/anh-aaaa.jpg");
    assert_eq!(domain.mime_type, "image/jpeg");
    assert_eq!(domain.renditions.len(), 1);
    let again = ImageRow {
        id: Uuid::now_v7().to_string(),
        storage_key: "other.jpg".into(),
        ..row.clone()
    };
    assert!(matches!(
        images::insert(&mut db.conn, &again),
        Err(DbError::Conflict { .. })
    ));
    let by_ids = images::by_ids(&mut db.conn, &[row.id.clone(), "nonsense".into()]).unwrap();
    assert_eq!(by_ids.len(), 1);
    assert!(images::by_id(&mut db.conn, "../etc").unwrap().is_none());
}

#[test]
fn the_library_is_searched_without_diacritics_and_paged_newest_first() {
    let mut db = db();
    let t0 = time::now();
    let captions = [
        (
            Some("Hoàn thành tổ chức đại hội MTTQ Việt Nam các cấp"),
            Some("Ảnh: N.T"),
        ),
        (Some("Đường phố Tam Kỳ"), None),
        (
            Some("Đại hội đại biểu phường An Mỹ"),
            Some("Lê Thị Như Thủy"),
        ),
        (None, None),
    ];
    for (i, (caption, credit)) in captions.iter().enumerate() {
        let row = image(
            &format!("h{i}"),
            *caption,
            *credit,
            t0 + Duration::seconds(i as i64),
        );
        images::insert(&mut db.conn, &row).unwrap();
    }
    let hashes = |rows: Vec<ImageRow>| rows.into_iter().map(|r| r.content_hash).collect::<Vec<_>>();
    let all = images::page(&mut db.conn, None, None, 10).unwrap();
    assert_eq!(hashes(all), ["h3", "h2", "h1", "h0"]);
    assert_eq!(
        hashes(images::page(&mut db.conn, Some("dai hoi"), None, 10).unwrap()),
        ["h2", "h0"]
    );
    assert_eq!(
        hashes(images::page(&mut db.conn, Some("ĐẠI HỘI"), None, 10).unwrap()),
        ["h2", "h0"]
    );
    assert_eq!(
        hashes(images::page(&mut db.conn, Some("duong"), None, 10).unwrap()),
        ["h1"]
    );
    assert_eq!(
        hashes(images::page(&mut db.conn, Some("thuy"), None, 10).unwrap()),
        ["h2"]
    );
    assert_eq!(
        hashes(images::page(&mut db.conn, Some("n.t"), None, 10).unwrap()),
        ["h0"]
    );
    assert!(
        images::page(&mut db.conn, Some("100%"), None, 10)
            .unwrap()
            .is_empty()
    );
    assert!(
        images::page(&mut db.conn, Some("_"), None, 10)
            .unwrap()
            .is_empty()
    );
    let first = images::page(&mut db.conn, None, None, 2).unwrap();
    let last = first.last().unwrap();
    let after = Some((last.created_at, last.id.clone()));
    assert_eq!(
        hashes(images::page(&mut db.conn, None, after, 2).unwrap()),
        ["h1", "h0"]
    );
}

#[test]
fn metadata_changes_are_saved_and_searchable() {
    let mut db = db();
    let row = image("bbbb", Some("Cũ"), Some("N.T"), time::now());
    images::insert(&mut db.conn, &row).unwrap();
    let changes = ImageChanges {
        caption: Some(Some("Quảng Nam mới".into())),
        credit: Some(None),
        alt: None,
        focal_point: Some(Some(FocalPoint::parse(0.25, 0.75).unwrap())),
    };
    let later = time::now() + Duration::seconds(5);
    let updated = images::update(&mut db.conn, &row.id, &changes, later).unwrap();
    assert_eq!(updated.caption.as_deref(), Some("Quảng Nam mới"));
    assert_eq!(updated.credit, None);
    let stored = Image::try_from(images::by_id(&mut db.conn, &row.id).unwrap().unwrap()).unwrap();
    assert_eq!(stored.focal_point, Some(FocalPoint { x: 0.25, y: 0.75 }));
    assert_eq!(stored.updated_at, time::from_db(later));
    assert_eq!(
        images::page(&mut db.conn, Some("quang nam"), None, 5)
            .unwrap()
            .len(),
        1
    );
    assert!(
        images::page(&mut db.conn, Some("n.t"), None, 5)
            .unwrap()
            .is_empty()
    );
    let missing = Uuid::now_v7().to_string();
    assert!(matches!(
        images::update(&mut db.conn, &missing, &changes, later),
        Err(DbError::NotFound)
    ));
}

#[test]
fn an_image_used_as_a_cover_or_in_a_body_is_not_deleted() {
    let mut db = db();
    let cover = image("c1", None, None, time::now());
    let inline = image("c2", None, None, time::now());
    let free = image("c3", None, None, time::now());
    for row in [&cover, &inline, &free] {
        images::insert(&mut db.conn, row).unwrap();
    }
    let block = Block::Image {
        image_id: Uuid::parse_str(&inline.id).unwrap(),
        caption: Some("Ảnh".into()),
        credit: None,
        alt: None,
    };
    let para = Block::Paragraph {
        text: format!("mentions {} in text", free.id),
    };
    let with_cover = article(&[], Some(&cover.id));
    let with_block = article(&[para.clone(), block], None);
    let mentions = article(&[para], None);
    for row in [&with_cover, &with_block, &mentions] {
        articles::insert(&mut db.conn, row).unwrap();
    }

    let users = images::users(&mut db.conn, &cover.id).unwrap();
    assert_eq!(
        users.iter().map(|u| u.id.as_str()).collect::<Vec<_>>(),
        [with_cover.id.as_str()]
    );
    match images::delete(&mut db.conn, &inline.id).unwrap() {
        images::Deleted::InUse(users) => assert_eq!(users[0].slug, with_block.slug),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        images::delete(&mut db.conn, &cover.id).unwrap(),
        images::Deleted::InUse(_)
    ));
    match images::delete(&mut db.conn, &free.id).unwrap() {
        images::Deleted::Removed(row) => {
            assert_eq!(row.all_keys(), ["anh-c3.jpg", "anh-c3-320w.webp"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(images::by_id(&mut db.conn, &free.id).unwrap().is_none());
    assert!(matches!(
        images::delete(&mut db.conn, &free.id),
        Err(DbError::NotFound)
    ));
}
