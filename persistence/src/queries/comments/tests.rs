//! Comment queries against a real database: SQLite by default, PostgreSQL
//! when `TEST_DATABASE_URL` is set.

use super::*;
use crate::models::article::NewArticle;
use crate::queries::rate_limits::{self, Admission, Limit};
use crate::{Pool, connect, migrate, time, write_tx};
use diesel::{Connection, PgConnection};
use toasoan_domain::comment::TextLimits;
use toasoan_domain::comment::{AuthorName, CommentBody};

/// A fresh database; dropped (PostgreSQL) or deleted (SQLite) afterwards.
struct Db {
    pool: Pool,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Some((admin, name)) = &self.pg
            && let Ok(mut conn) = PgConnection::establish(admin)
        {
            let _ = diesel::sql_query(format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut conn);
        }
    }
}

fn fresh() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(admin) => {
            let name = format!("toasoan_ptest_{}", uuid::Uuid::now_v7().simple());
            let mut conn = PgConnection::establish(&admin).unwrap();
            diesel::sql_query(format!("CREATE DATABASE \"{name}\""))
                .execute(&mut conn)
                .unwrap();
            let root = admin.rsplit_once('/').unwrap().0;
            (format!("{root}/{name}"), Some((admin, name)))
        }
        None => (dir.path().join("c.db").to_string_lossy().into_owned(), None),
    };
    let pool = connect(&url, 10).unwrap();
    migrate(&mut pool.get().unwrap()).unwrap();
    Db {
        pool,
        _dir: dir,
        pg,
    }
}

fn article(conn: &mut DbConn, slug: &str, status: Status) -> String {
    let now = time::now();
    let slug = toasoan_domain::slug::Slug::parse(slug).unwrap();
    let mut new = NewArticle::draft(slug.to_string(), slug, "nobody", now);
    new.created_by = None;
    new.status = status;
    new.published_at = Some(now);
    crate::queries::articles::insert(conn, &new).unwrap();
    new.id
}

fn comment(
    article_id: &str,
    parent: Option<&CommentRow>,
    body: &str,
    status: CommentStatus,
) -> CommentRow {
    let now = time::now();
    let body = CommentBody::parse(body, &TextLimits::default()).unwrap();
    CommentRow {
        id: uuid::Uuid::now_v7().to_string(),
        article_id: article_id.into(),
        parent_id: parent.map(|p| p.id.clone()),
        root_id: parent.map(|p| p.root_id.clone().unwrap_or_else(|| p.id.clone())),
        depth: parent.map_or(1, |p| p.depth + 1),
        author_name: AuthorName::parse("Bạn đọc").unwrap().into_string(),
        email: Some("ban.doc@example.vn".into()),
        body_hash: body.fingerprint(),
        body: body.into_string(),
        ip_hash: Some("iphash-1".into()),
        user_id: None,
        is_staff: false,
        status,
        spam_reason: None,
        created_at: now,
        updated_at: now,
        moderated_at: None,
        moderated_by: None,
    }
}

fn count(conn: &mut DbConn, article_id: &str) -> i32 {
    articles::table
        .find(article_id)
        .select(articles::comment_count)
        .first(conn)
        .unwrap()
}

fn post(conn: &mut DbConn, row: &CommentRow) {
    write_tx(conn, |c| insert(c, row)).unwrap();
}

#[test]
fn only_approved_comments_are_counted_as_they_move() {
    let db = fresh();
    let conn = &mut *db.pool.get().unwrap();
    let a = article(conn, "bai-1", Status::Published);
    let held = comment(&a, None, "Chờ duyệt", CommentStatus::Pending);
    post(conn, &held);
    assert_eq!(count(conn, &a), 0);
    post(
        conn,
        &comment(&a, None, "Của biên tập viên", CommentStatus::Approved),
    );
    assert_eq!(count(conn, &a), 1);

    let now = time::now();
    let step =
        |conn: &mut DbConn, to| write_tx(conn, |c| set_status(c, &held.id, to, None, now)).unwrap();
    let approved = step(conn, CommentStatus::Approved).unwrap();
    assert_eq!(
        (approved.from, approved.changed),
        (CommentStatus::Pending, true)
    );
    let again = step(conn, CommentStatus::Approved).unwrap();
    assert!(!again.changed);
    step(conn, CommentStatus::Spam);
    step(conn, CommentStatus::Rejected);
    step(conn, CommentStatus::Approved);
    assert_eq!(count(conn, &a), 2);
    step(conn, CommentStatus::Pending);
    assert_eq!(count(conn, &a), 1);
    let missing = uuid::Uuid::now_v7().to_string();
    assert_eq!(
        write_tx(conn, |c| set_status(
            c,
            &missing,
            CommentStatus::Approved,
            None,
            now
        ))
        .unwrap(),
        None
    );
}

#[test]
fn concurrent_approvals_count_each_comment_once() {
    let db = fresh();
    let (a, ids) = {
        let conn = &mut *db.pool.get().unwrap();
        let a = article(conn, "bai-nong", Status::Published);
        let ids: Vec<String> = (0..12)
            .map(|i| {
                let row = comment(&a, None, &format!("ý kiến {i}"), CommentStatus::Pending);
                post(conn, &row);
                row.id
            })
            .collect();
        (a, ids)
    };
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(6));
    let workers: Vec<_> = (0..6)
        .map(|w| {
            let pool = db.pool.clone();
            let barrier = barrier.clone();
            let mut ids = ids.clone();
            if w % 2 == 1 {
                ids.reverse();
            }
            std::thread::spawn(move || {
                let conn = &mut *pool.get().unwrap();
                barrier.wait();
                for id in &ids {
                    write_tx(conn, |c| {
                        set_status(c, id, CommentStatus::Approved, None, time::now())
                    })
                    .unwrap();
                }
                write_tx(conn, |c| {
                    set_status_many(c, &ids, CommentStatus::Approved, None, time::now())
                })
                .unwrap()
                .len()
            })
        })
        .collect();
    for w in workers {
        assert_eq!(w.join().unwrap(), 12);
    }
    let conn = &mut *db.pool.get().unwrap();
    assert_eq!(count(conn, &a), 12);
    let approved: i64 = comments::table
        .filter(comments::status.eq(Stored(CommentStatus::Approved)))
        .count()
        .get_result(conn)
        .unwrap();
    assert_eq!(approved, 12);
}

#[test]
fn deleting_a_comment_removes_its_replies_and_their_count() {
    let db = fresh();
    let conn = &mut *db.pool.get().unwrap();
    let a = article(conn, "bai-2", Status::Published);
    let root = comment(&a, None, "gốc", CommentStatus::Approved);
    post(conn, &root);
    let reply = comment(&a, Some(&root), "trả lời", CommentStatus::Approved);
    post(conn, &reply);
    let held = comment(&a, Some(&reply), "chờ", CommentStatus::Pending);
    post(conn, &held);
    let other = comment(&a, None, "khác", CommentStatus::Approved);
    post(conn, &other);
    assert_eq!(count(conn, &a), 3);
    assert_eq!(write_tx(conn, |c| delete(c, &root.id)).unwrap(), 3);
    assert_eq!(count(conn, &a), 1);
    assert_eq!(write_tx(conn, |c| delete(c, &root.id)).unwrap(), 0);
    assert!(find(conn, &other.id).unwrap().is_some());
}

#[test]
fn threads_page_top_level_comments_and_hang_approved_replies() {
    let db = fresh();
    let conn = &mut *db.pool.get().unwrap();
    let a = article(conn, "bai-3", Status::Published);
    let roots: Vec<CommentRow> = (0..5)
        .map(|i| {
            let r = comment(&a, None, &format!("gốc {i}"), CommentStatus::Approved);
            post(conn, &r);
            r
        })
        .collect();
    post(
        conn,
        &comment(&a, None, "chờ duyệt", CommentStatus::Pending),
    );
    let reply = comment(&a, Some(&roots[0]), "trả lời", CommentStatus::Approved);
    post(conn, &reply);
    let nested = comment(&a, Some(&reply), "trả lời sâu", CommentStatus::Approved);
    post(conn, &nested);
    let held = comment(&a, Some(&roots[0]), "trả lời chờ", CommentStatus::Pending);
    post(conn, &held);
    // Approved, but under a reply that is not: not shown.
    post(
        conn,
        &comment(&a, Some(&held), "mồ côi", CommentStatus::Approved),
    );

    let first = threads(conn, &a, Order::Oldest, None, 2).unwrap();
    assert_eq!(first.len(), 2);
    assert_eq!(first[0].comment.id, roots[0].id);
    assert_eq!(first[0].replies.len(), 1);
    assert_eq!(first[0].replies[0].comment.id, reply.id);
    assert_eq!(first[0].replies[0].replies[0].comment.body, "trả lời sâu");
    let next = threads(conn, &a, Order::Oldest, Some(&first[1].comment.id), 10).unwrap();
    let ids: Vec<&str> = next.iter().map(|t| t.comment.id.as_str()).collect();
    assert_eq!(ids, vec![&roots[2].id, &roots[3].id, &roots[4].id]);
    let newest = threads(conn, &a, Order::Newest, None, 2).unwrap();
    assert_eq!(newest[0].comment.id, roots[4].id);
    let older = threads(conn, &a, Order::Newest, Some(&roots[3].id), 10).unwrap();
    assert_eq!(older.len(), 3);
    assert!(
        threads(conn, &a, Order::Newest, Some(&roots[0].id), 10)
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_moderation_queue_filters_by_status_and_article() {
    let db = fresh();
    let conn = &mut *db.pool.get().unwrap();
    let a = article(conn, "bai-4", Status::Published);
    let b = article(conn, "bai-5", Status::Published);
    for (art, status) in [
        (&a, CommentStatus::Pending),
        (&a, CommentStatus::Spam),
        (&b, CommentStatus::Pending),
        (&b, CommentStatus::Pending),
    ] {
        post(conn, &comment(art, None, "x", status));
    }
    let q = |status, article_id: Option<&String>, after: Option<String>| QueueQuery {
        status,
        article_id: article_id.cloned(),
        after,
        limit: 10,
    };
    assert_eq!(
        queue(conn, &q(Some(CommentStatus::Pending), None, None))
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        queue(conn, &q(Some(CommentStatus::Pending), Some(&b), None))
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        queue(conn, &q(Some(CommentStatus::Spam), Some(&b), None))
            .unwrap()
            .len(),
        0
    );
    let all = queue(conn, &q(None, None, None)).unwrap();
    assert_eq!(all.len(), 4);
    assert!(all[0].id > all[3].id, "newest first");
    let rest = queue(conn, &q(None, None, Some(all[1].id.clone()))).unwrap();
    assert_eq!(rest.len(), 2);
}

#[test]
fn the_same_text_is_a_duplicate_on_the_article_or_from_the_address() {
    let db = fresh();
    let conn = &mut *db.pool.get().unwrap();
    let a = article(conn, "bai-6", Status::Published);
    let b = article(conn, "bai-7", Status::Published);
    let row = comment(&a, None, "Rất hay", CommentStatus::Pending);
    post(conn, &row);
    let since = time::now() - chrono::TimeDelta::hours(1);
    let hash = &row.body_hash;
    assert!(is_duplicate(conn, hash, &a, None, since).unwrap());
    assert!(is_duplicate(conn, hash, &b, Some("iphash-1"), since).unwrap());
    assert!(!is_duplicate(conn, hash, &b, Some("iphash-2"), since).unwrap());
    assert!(!is_duplicate(conn, hash, &b, None, since).unwrap());
    let later = time::now() + chrono::TimeDelta::seconds(1);
    assert!(!is_duplicate(conn, hash, &a, None, later).unwrap());
}

#[test]
fn targets_carry_status_and_mode() {
    let db = fresh();
    let conn = &mut *db.pool.get().unwrap();
    let a = article(conn, "bai-8", Status::Draft);
    let t = target(conn, "bai-8").unwrap().unwrap();
    assert_eq!(t.id, a);
    assert_eq!(t.mode, CommentMode::Open);
    assert!(!t.is_public(Utc::now()));
    assert!(set_mode(conn, &a, CommentMode::Closed).unwrap());
    assert_eq!(target(conn, &a).unwrap().unwrap().mode, CommentMode::Closed);
    assert!(target(conn, "' OR 1=1 --").unwrap().is_none());
    assert!(!set_mode(conn, "khong-co", CommentMode::Hidden).unwrap());
}

#[test]
fn rate_limits_refuse_past_the_max_and_recover_after_the_window() {
    let db = fresh();
    let conn = &mut *db.pool.get().unwrap();
    let limit = |bucket: &str, max| Limit {
        bucket: bucket.into(),
        max,
        window: chrono::TimeDelta::seconds(60),
    };
    let t0 = time::now();
    let mut at = |secs: i64, limits: &[Limit]| {
        write_tx(conn, |c| {
            rate_limits::admit(c, limits, t0 + chrono::TimeDelta::seconds(secs))
        })
        .unwrap()
    };
    let both = [limit("ip:a", 2), limit("article:x", 3)];
    let allowed = |limit, remaining, reset| Admission::Allowed {
        limit,
        remaining,
        reset,
    };
    // Each answer names the tightest budget: its size, what is left, and
    // when its oldest hit leaves the window.
    assert_eq!(at(0, &both), allowed(2, 1, 60));
    assert_eq!(at(10, &both), allowed(2, 0, 50));
    assert_eq!(
        at(20, &both),
        Admission::Limited {
            limit: 2,
            retry_after: 40
        }
    );
    // Another address on the same article: the article's third slot.
    assert_eq!(
        at(20, &[limit("ip:b", 2), limit("article:x", 3)]),
        allowed(3, 0, 40)
    );
    assert_eq!(
        at(21, &[limit("ip:c", 2), limit("article:x", 3)]),
        Admission::Limited {
            limit: 3,
            retry_after: 39
        }
    );
    // The refused attempt was recorded nowhere: ip:c still has both slots.
    assert_eq!(at(81, &[limit("ip:c", 2)]), allowed(2, 1, 60));
    assert_eq!(at(61, &both), allowed(3, 0, 9));
    assert_eq!(
        write_tx(conn, |c| rate_limits::prune(
            c,
            t0 + chrono::TimeDelta::seconds(1000)
        ))
        .unwrap(),
        7,
        "nine hits, two of them dropped from their bucket once out of the window"
    );
}

#[test]
fn concurrent_attempts_never_share_the_last_slot() {
    let db = fresh();
    let now = time::now();
    let workers: Vec<_> = (0..8)
        .map(|_| {
            let pool = db.pool.clone();
            std::thread::spawn(move || {
                let conn = &mut *pool.get().unwrap();
                let limits = [Limit {
                    bucket: "ip:same".into(),
                    max: 5,
                    window: chrono::TimeDelta::seconds(60),
                }];
                (0..3)
                    .filter(|_| {
                        matches!(
                            write_tx(conn, |c| rate_limits::admit(c, &limits, now)).unwrap(),
                            Admission::Allowed { .. }
                        )
                    })
                    .count()
            })
        })
        .collect();
    let allowed: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(allowed, 5);
}

/// The plan SQLite picks for `sql`.
fn sqlite_plan(sql: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Step {
        #[diesel(sql_type = diesel::sql_types::Text)]
        detail: String,
    }
    let dir = tempfile::tempdir().unwrap();
    let pool = connect(dir.path().join("p.db").to_str().unwrap(), 1).unwrap();
    let conn = &mut *pool.get().unwrap();
    migrate(conn).unwrap();
    diesel::sql_query(format!("EXPLAIN QUERY PLAN {sql}"))
        .load::<Step>(conn)
        .unwrap()
        .into_iter()
        .map(|s| s.detail)
        .collect()
}

#[test]
fn public_pages_and_queues_walk_indexes_in_order() {
    for (sql, index) in [
        (
            "SELECT id FROM comments WHERE article_id = 'a' AND status = 'approved' \
             AND depth = 1 AND id > 'x' ORDER BY id LIMIT 21",
            "comments_threads",
        ),
        (
            "SELECT id FROM comments WHERE article_id = 'a' AND status = 'approved' \
             AND depth = 1 AND id < 'x' ORDER BY id DESC LIMIT 21",
            "comments_threads",
        ),
        (
            "SELECT id FROM comments WHERE root_id IN ('a', 'b') AND status = 'approved'",
            "comments_replies",
        ),
        (
            "SELECT id FROM comments WHERE status = 'pending' AND id < 'x' ORDER BY id DESC LIMIT 21",
            "comments_queue",
        ),
        (
            "SELECT id FROM comments WHERE status = 'pending' AND article_id = 'a' \
             ORDER BY id DESC LIMIT 21",
            "comments_article_queue",
        ),
        (
            "SELECT hit_at FROM rate_limit_hits WHERE bucket = 'b' AND hit_at > '2026-01-01' \
             ORDER BY hit_at DESC LIMIT 5",
            "rate_limit_hits_bucket",
        ),
    ] {
        let plan = sqlite_plan(sql);
        assert!(plan.iter().any(|s| s.contains(index)), "{sql}: {plan:?}");
        assert!(
            plan.iter().all(|s| !s.starts_with("SCAN comments")),
            "{sql}: {plan:?}"
        );
    }
}
