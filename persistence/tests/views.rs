//! View counts ("Đọc nhiều"), added in batches, on SQLite and on a fresh
//! PostgreSQL database when `TEST_DATABASE_URL` is set.

mod common;

use chrono::{DurationRound, TimeDelta};
use common::db;
use toasoan_domain::slug::Slug;
use toasoan_persistence::models::article::NewArticle;
use toasoan_persistence::queries::{articles, views};
use toasoan_persistence::time;
use uuid::Uuid;

#[test]
fn a_flush_over_more_articles_than_one_statement_takes_counts_every_one_and_adds_up() {
    let mut db = db();
    // More articles than one statement carries (200), so the flush is
    // split, the last part shorter.
    let ids: Vec<String> = (0..450)
        .map(|_| {
            let id = Uuid::now_v7().to_string();
            let slug = Slug::parse(&format!("bai-{}", &id[24..])).unwrap();
            let mut new = NewArticle::draft("Bài viết".into(), slug, "", time::now());
            new.id = id.clone();
            new.created_by = None;
            articles::insert(&mut db.conn, &new).unwrap();
            id
        })
        .collect();
    let hour = time::to_db(
        chrono::Utc::now()
            .duration_trunc(TimeDelta::hours(1))
            .unwrap(),
    );
    let mut increments: Vec<(String, i64)> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| (id.clone(), i as i64 + 1))
        .collect();
    // An article deleted after its views were counted is skipped.
    increments.push((Uuid::now_v7().to_string(), 7));
    views::add(&mut db.conn, hour, &increments).unwrap();
    // A second flush adds to the totals, it does not replace them.
    views::add(&mut db.conn, hour, &increments[..3]).unwrap();

    let totals = views::totals(&mut db.conn, &ids).unwrap();
    assert_eq!(totals.len(), 450, "every article's views were written");
    assert_eq!(totals[&ids[0]], 2);
    assert_eq!(totals[&ids[2]], 6);
    assert_eq!(totals[&ids[3]], 4);
    assert_eq!(totals[&ids[449]], 450);
    assert_eq!(
        totals.values().sum::<i64>(),
        (1..=450).sum::<i64>() + 1 + 2 + 3
    );
}
