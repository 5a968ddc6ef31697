//! Slugs chosen by concurrent writes: each create gets its own numbered
//! slug, never a spurious 409 (on PostgreSQL two transactions can read the
//! same free slug; the one that loses the race picks again).

use crate::common::TestApp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

#[actix_web::test]
async fn concurrent_creates_with_one_title_get_numbered_slugs() {
    let app = TestApp::spawn().await;
    let editor = app.editor().await;
    for round in 0..3 {
        let title = format!("Tin nóng vòng {round}");
        let creates = (0..6).map(|_| editor.post("/api/v1/articles", json!({"title": title})));
        let answers = futures_util::future::join_all(creates).await;
        let mut slugs = BTreeSet::new();
        for res in answers {
            let status = res.status();
            let body: Value = res.json().await.expect("json");
            assert_eq!(status, StatusCode::CREATED, "{body}");
            slugs.insert(body["slug"].as_str().expect("slug").to_owned());
        }
        let base = format!("tin-nong-vong-{round}");
        let expected: BTreeSet<String> = std::iter::once(base.clone())
            .chain((2..=6).map(|n| format!("{base}-{n}")))
            .collect();
        assert_eq!(slugs, expected);
    }
}
