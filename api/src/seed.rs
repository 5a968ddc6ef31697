//! `toasoan seed`: a demo newsroom with realistic Vietnamese content, for
//! newcomers and benchmarks. Taxonomy is created once (re-running adds
//! articles only); articles go in batches of 1 000 per transaction.

use indicatif::{ProgressBar, ProgressStyle};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashMap;
use toasoan_domain::article::Status;
use toasoan_domain::block::{Block, Body};
use toasoan_domain::slug::Slug;
use toasoan_domain::text::vietnamese_sort_key;
use toasoan_persistence::models::article::NewArticle;
use toasoan_persistence::models::author::AuthorRow;
use toasoan_persistence::models::category::CategoryRow;
use toasoan_persistence::models::tag::TagRow;
use toasoan_persistence::queries::{articles, authors, categories, tags, users};
use toasoan_persistence::{DbConn, DbError, Pool, time, write_tx};

const BATCH: usize = 1_000;

const SECTIONS: &[(&str, &[&str])] = &[
    ("Thời sự", &["Chính trị", "Xã hội", "Theo gương Bác"]),
    ("Kinh tế", &["Nông nghiệp", "Doanh nghiệp", "Du lịch"]),
    ("Văn hóa", &["Văn nghệ", "Di sản"]),
    ("Thể thao", &["Bóng đá", "Thể thao Quảng Nam"]),
    ("Pháp luật", &["An ninh trật tự"]),
    ("Giáo dục", &["Tuyển sinh"]),
];

const AUTHORS: &[&str] = &[
    "Lê Thị Như Thủy",
    "Nguyễn Văn Đức",
    "Trần Thị Ánh",
    "Phạm Quốc Bảo",
    "Võ Đình Đông",
    "Đặng Ngọc Hà",
    "Huỳnh Thị Ơn",
    "Bùi Văn Ân",
    "Đỗ Thị Ngọc Yến",
    "Hồ Quang Vinh",
    "Ngô Thị Ước",
    "Dương Minh Tuấn",
    "Trương Công Lực",
    "Phan Thị Đào",
    "Lý Văn Khánh",
    "Mai Thị Thu Hằng",
    "Tô Văn Ẩn",
    "Đoàn Thị Hương",
    "Châu Văn Tài",
    "Vũ Thị Ê Va",
];

const TAGS: &[&str] = &[
    "Học tập và làm theo Bác",
    "MTTQ Việt Nam",
    "Quảng Nam",
    "Tam Kỳ",
    "Hội An",
    "Đà Nẵng",
    "Nông thôn mới",
    "Chuyển đổi số",
    "Giảm nghèo",
    "Nhà ở cho hộ nghèo",
    "Đại hội",
    "Biển đảo",
    "Mùa mưa bão",
    "Lễ hội",
    "Di sản văn hóa",
    "Du lịch biển",
    "Khởi nghiệp",
    "Đầu tư công",
    "Giao thông",
    "Y tế cơ sở",
    "Thi tốt nghiệp",
    "Bóng đá Việt Nam",
    "An toàn giao thông",
    "Phòng chống tham nhũng",
    "Đồng bào miền núi",
];

const SUBJECTS: &[&str] = &[
    "Mặt trận các cấp",
    "UBND tỉnh Quảng Nam",
    "Hội Nông dân huyện Duy Xuyên",
    "Thành phố Tam Kỳ",
    "Ngành giáo dục",
    "Đoàn Thanh niên",
    "Hội Liên hiệp Phụ nữ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Bộ đội Biên phòng",
    "Người dân vùng cao Nam Trà My",
    "Doanh nghiệp Điện Bàn",
    "Phố cổ Hội An",
    "Huyện Núi Thành",
];
const VERBS: &[&str] = &[
    "triển khai",
    "đẩy mạnh",
    "tổng kết",
    "phát động",
    "hỗ trợ",
    "khánh thành",
    "ra mắt",
    "chuẩn bị",
    "hoàn thành",
    "nâng cao hiệu quả",
];
const OBJECTS: &[&str] = &[
    "kế hoạch học tập và làm theo Bác",
    "phong trào xây dựng nông thôn mới",
    "chương trình giảm nghèo bền vững",
    "mùa du lịch hè",
    "công trình nhà ở cho hộ nghèo",
    "chuyển đổi số trong trường học",
    "lễ hội văn hóa truyền thống",
    "giải bóng đá thiếu niên",
    "đợt cao điểm an toàn giao thông",
    "dự án đường ven biển",
    "vụ đông xuân",
];
const TIMES: &[&str] = &[
    "năm 2024",
    "quý III",
    "dịp Tết Nguyên đán",
    "mùa mưa bão",
    "đầu năm học mới",
    "tháng 4",
];

const SENTENCES: &[&str] = &[
    "Theo đó, tiếp tục tổ chức quán triệt, tuyên truyền, nâng cao nhận thức sâu sắc về nội dung cơ bản của tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
    "Ủy ban MTTQ Việt Nam các cấp chủ trì, phối hợp với các tổ chức thành viên xây dựng kế hoạch triển khai thực hiện.",
    "Đến nay, toàn huyện đã có hơn 200 hộ nghèo được hỗ trợ xây mới và sửa chữa nhà ở.",
    "Ông Nguyễn Văn Đức, Chủ tịch UBND xã, cho biết địa phương đang tập trung nguồn lực cho các công trình trọng điểm.",
    "Nhiều mô hình hay, cách làm sáng tạo được nhân rộng, tạo sức lan tỏa mạnh mẽ trong cộng đồng.",
    "Bà con đồng bào miền núi phấn khởi khi con đường bê tông về tận thôn, giúp việc đi lại, buôn bán thuận lợi hơn.",
    "Lượng khách tham quan phố cổ Hội An tăng gần 30% so với cùng kỳ năm trước, chủ yếu là khách quốc tế.",
    "Trong mùa mưa bão, lực lượng chức năng đã chủ động sơ tán hàng trăm hộ dân ở vùng trũng thấp đến nơi an toàn.",
    "Các trường học trên địa bàn tỉnh đã sẵn sàng cơ sở vật chất, đội ngũ giáo viên cho năm học mới.",
    "Hội nghị cũng đánh giá những khó khăn, hạn chế và đề ra giải pháp khắc phục trong thời gian tới.",
    "Cán bộ, đảng viên thực hiện trách nhiệm nêu gương, nhất là người đứng đầu cơ quan, đơn vị.",
    "Dự án được kỳ vọng sẽ tạo thêm việc làm cho hàng nghìn lao động địa phương và thúc đẩy kinh tế - xã hội phát triển.",
    "Đội tuyển Quảng Nam thi đấu đầy quyết tâm và giành chiến thắng thuyết phục với tỉ số 2 - 0.",
    "Đường ven biển Võ Chí Công đoạn qua Núi Thành đang được thi công khẩn trương để kịp tiến độ.",
    "Nông dân Đại Lộc phấn khởi vì vụ lúa đông xuân năm nay được mùa, được giá.",
];

const EXAMPLE_PARAGRAPHS: &[&str] = &[
    "Theo đó, tiếp tục tổ chức quán triệt, tuyên truyền, nâng cao nhận thức sâu sắc về nội dung cơ bản của tư tưởng, đạo đức, phong cách Hồ Chí Minh trong đội ngũ cán bộ, công chức Mặt trận, ủy viên Ủy ban MTTQ Việt Nam các cấp và các tầng lớp nhân dân, góp phần hoàn thành các mục tiêu, chỉ tiêu kinh tế - xã hội, quốc phòng - an ninh, đối ngoại của tỉnh năm 2024.",
    "Tập trung thực hiện tốt, hiệu quả các nội dung: Học tập, làm theo Bác và nêu gương của cán bộ, đoàn viên, hội viên trong hệ thống MTTQ Việt Nam và các tổ chức thành viên; hạn chế tình trạng cán bộ, công chức Ủy ban MTTQ Việt Nam các cấp và các tổ chức thành viên không làm đúng, không làm đầy đủ chức trách, nhiệm vụ được giao.",
    "Ủy ban MTTQ Việt Nam các cấp chủ trì, phối hợp với các tổ chức thành viên xây dựng kế hoạch triển khai thực hiện. Trong đó, tập trung đẩy mạnh tuyên truyền; cụ thể hóa việc học tập và làm theo Bác trong từng nội dung hoạt động năm 2024 tạo bước chuyển biến tích cực, mạnh mẽ trong đội ngũ cán bộ, đảng viên, nhất là người đứng đầu.",
    "Ban Thường trực Ủy ban MTTQ Việt Nam cấp huyện, cấp xã chủ trì, phối hợp với các tổ chức chính trị - xã hội cùng cấp nghiên cứu tổ chức các hoạt động tuyên truyền phù hợp tại địa phương: tọa đàm, sinh hoạt chuyên đề, hội thi, hội diễn... để cụ thể hóa, vận dụng các nội dung chuyên đề thành nhiệm vụ, mục tiêu cụ thể. Tổ chức cho cán bộ, đảng viên cam kết thực hiện chuyên đề năm 2024 gắn với đẩy lùi tình trạng né tránh, đùn đẩy, sợ trách nhiệm.",
    "Kết hợp chặt chẽ giữa học tập với làm theo Bác thông qua việc xây dựng và tổ chức thực hiện nghiêm túc kế hoạch học tập và làm theo Bác gắn với chủ đề công tác Mặt trận năm 2024: “Đổi mới, nâng cao năng lực hoạt động của Ủy ban MTTQ Việt Nam các cấp, phát huy vai trò nòng cốt, tích cực tham gia hỗ trợ nhà ở cho hộ nghèo, cận nghèo trên địa bàn tỉnh”.",
    "Cán bộ, đảng viên, người lao động trong hệ thống MTTQ Việt Nam thực hiện trách nhiệm nêu gương trong học tập và làm theo Bác gắn với việc thực hiện các quy định của Đảng về trách nhiệm nêu gương, trong đó đề cao vai trò tiền phong, gương mẫu của cán bộ, đảng viên, nhất là người đứng đầu.",
    "Lãnh đạo chủ chốt Ủy ban MTTQ Việt Nam các cấp phải có tư tưởng vững vàng, quan điểm đúng đắn, dám nghĩ, dám làm, dám chịu trách nhiệm, hết lòng vì nhân dân; có phong cách lãnh đạo khoa học, dân chủ, sâu sát thực tiễn, thật sự là hạt nhân đoàn kết, quy tụ, tạo động lực và phát huy trí tuệ tập thể; luôn giữ vững nguyên tắc tập trung dân chủ, khách quan, toàn diện.",
];

/// The example page's title.
pub const EXAMPLE_TITLE: &str = "Mặt trận các cấp triển khai kế hoạch học tập và làm theo Bác";
/// The example page's sapo.
pub const EXAMPLE_SAPO: &str = "(QNO) - Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh Quảng Nam vừa ban hành kế hoạch thực hiện Kết luận số 01, ngày 18/5/2021 của Bộ Chính trị về tiếp tục thực hiện Chỉ thị số 05 của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh trong năm 2024.";

/// What a seed run made.
#[derive(Debug)]
pub struct SeedReport {
    /// Articles added.
    pub articles: usize,
    /// Seconds taken.
    pub seconds: f64,
}

impl std::fmt::Display for SeedReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rate = self.articles as f64 / self.seconds.max(0.001);
        write!(
            f,
            "seeded {} articles in {:.1} s ({rate:.0}/s)",
            self.articles, self.seconds
        )
    }
}

/// Fills the database: taxonomy once, the example page once, then `count` articles.
pub fn run(pool: &Pool, count: usize) -> Result<SeedReport, DbError> {
    let started = std::time::Instant::now();
    let mut conn = pool.get()?;
    let conn = &mut *conn;
    let (category_ids, example_category) = write_tx(conn, seed_categories)?;
    let author_ids = write_tx(conn, |c| {
        AUTHORS
            .iter()
            .map(|name| ensure_author(c, name))
            .collect::<Result<Vec<_>, DbError>>()
    })?;
    let tag_ids = write_tx(conn, |c| {
        TAGS.iter()
            .map(|name| ensure_tag(c, name))
            .collect::<Result<Vec<_>, DbError>>()
    })?;
    let creator = users::list(conn)?.into_iter().next().map(|u| u.id);
    write_tx(conn, |c| {
        seed_example(
            c,
            &example_category,
            &author_ids[0],
            &tag_ids[..2],
            creator.as_deref(),
        )
    })?;

    let bar = ProgressBar::new(count as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} articles  {per_sec}  eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let mut rng = StdRng::seed_from_u64(2024);
    let now = chrono::Utc::now();
    let mut done = 0;
    while done < count {
        let batch = BATCH.min(count - done);
        write_tx(conn, |c| {
            for i in 0..batch {
                let n = done + i;
                // Spread over three years, newest first as n grows smaller.
                let age = chrono::Duration::seconds(
                    ((n as i64) * 3 * 365 * 86_400) / (count.max(1) as i64),
                );
                let at = now - age - chrono::Duration::minutes(rng.random_range(0..60));
                generated(
                    c,
                    &mut rng,
                    at,
                    &category_ids,
                    &author_ids,
                    &tag_ids,
                    creator.as_deref(),
                )?;
            }
            Ok::<_, DbError>(())
        })?;
        done += batch;
        bar.set_position(done as u64);
    }
    bar.finish_and_clear();
    Ok(SeedReport {
        articles: count,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn seed_categories(conn: &mut DbConn) -> Result<(Vec<String>, String), DbError> {
    let mut leaves = Vec::new();
    let mut example = String::new();
    for (position, (section, subs)) in SECTIONS.iter().enumerate() {
        let parent = ensure_category(conn, section, None, position)?;
        for (sub_position, sub) in subs.iter().enumerate() {
            let id = ensure_category(conn, sub, Some(&parent), sub_position)?;
            if *sub == "Theo gương Bác" {
                example = id.clone();
            }
            leaves.push(id);
        }
        leaves.push(parent);
    }
    Ok((leaves, example))
}

fn slug_of(name: &str) -> String {
    Slug::from_title(name)
        .map(Slug::into_string)
        .unwrap_or_else(|| "muc".to_owned())
}

fn ensure_category(
    conn: &mut DbConn,
    name: &str,
    parent: Option<&str>,
    position: usize,
) -> Result<String, DbError> {
    let slug = slug_of(name);
    if let Some(row) = categories::find(conn, &slug)? {
        return Ok(row.id);
    }
    let now = time::now();
    let row = CategoryRow {
        id: uuid::Uuid::now_v7().to_string(),
        slug,
        name: name.to_owned(),
        description: None,
        parent_id: parent.map(str::to_owned),
        position: i32::try_from(position).unwrap_or(0),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    categories::insert(conn, &row)?;
    Ok(row.id)
}

fn ensure_author(conn: &mut DbConn, name: &str) -> Result<String, DbError> {
    let slug = slug_of(name);
    if let Some(row) = authors::find(conn, &slug)? {
        return Ok(row.id);
    }
    let now = time::now();
    let row = AuthorRow {
        id: uuid::Uuid::now_v7().to_string(),
        slug,
        name: name.to_owned(),
        sort_key: vietnamese_sort_key(name),
        bio: Some(format!("Phóng viên {name} của Báo Quảng Nam.")),
        user_id: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    authors::insert(conn, &row)?;
    Ok(row.id)
}

fn ensure_tag(conn: &mut DbConn, name: &str) -> Result<String, DbError> {
    let slug = slug_of(name);
    if let Some(row) = tags::find(conn, &slug)? {
        return Ok(row.id);
    }
    let row = TagRow {
        id: uuid::Uuid::now_v7().to_string(),
        slug,
        name: name.to_owned(),
        sort_key: vietnamese_sort_key(name),
        created_at: time::now(),
        version: 1,
        updated_at: time::now(),
    };
    tags::insert(conn, &row)?;
    Ok(row.id)
}

fn body_parts(blocks: Vec<Block>) -> Result<(String, String), DbError> {
    let body = Body::parse(blocks).map_err(|e| DbError::Corrupt(e.to_string()))?;
    let html = body.render_html(&HashMap::new());
    let json = serde_json::to_string(body.blocks()).map_err(|e| DbError::Corrupt(e.to_string()))?;
    Ok((json, html))
}

fn seed_example(
    conn: &mut DbConn,
    category: &str,
    author: &str,
    tag_ids: &[String],
    creator: Option<&str>,
) -> Result<(), DbError> {
    let slug = slug_of(EXAMPLE_TITLE);
    if articles::find_by_key(conn, &slug)?.is_some() {
        return Ok(());
    }
    let blocks = EXAMPLE_PARAGRAPHS
        .iter()
        .map(|p| Block::Paragraph {
            text: (*p).to_owned(),
        })
        .collect();
    let (body, body_html) = body_parts(blocks)?;
    let published = chrono::DateTime::parse_from_rfc3339("2024-04-20T09:54:00+07:00")
        .map_err(|e| DbError::Corrupt(e.to_string()))?;
    let now = time::now();
    let new = NewArticle {
        id: uuid::Uuid::now_v7().to_string(),
        slug,
        title: EXAMPLE_TITLE.to_owned(),
        sapo: Some(EXAMPLE_SAPO.to_owned()),
        body,
        body_html,
        status: Status::Published,
        featured: true,
        published_at: Some(time::to_db(published.to_utc())),
        unpublish_at: None,
        category_id: Some(category.to_owned()),
        cover_image_id: None,
        created_by: creator.map(str::to_owned),
        comment_count: 0,
        version: 1,
        created_at: now,
        updated_at: now,
        // `insert` measures the body.
        word_count: 0,
        reading_time_minutes: 0,
        authors: vec![author.to_owned().into()],
        tags: tag_ids.to_vec(),
        related: Vec::new(),
    };
    articles::insert(conn, &new)
}

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn generated(
    conn: &mut DbConn,
    rng: &mut StdRng,
    at: chrono::DateTime<chrono::Utc>,
    category_ids: &[String],
    author_ids: &[String],
    tag_ids: &[String],
    creator: Option<&str>,
) -> Result<(), DbError> {
    let title = format!(
        "{} {} {} {}",
        pick(rng, SUBJECTS),
        pick(rng, VERBS),
        pick(rng, OBJECTS),
        pick(rng, TIMES)
    );
    let mut blocks = Vec::new();
    for i in 0..rng.random_range(4..9) {
        if i == 3 && rng.random_bool(0.4) {
            blocks.push(Block::Heading {
                level: 2,
                text: format!("{} {}", pick(rng, VERBS), pick(rng, OBJECTS)),
            });
        }
        let text: Vec<&str> = (0..rng.random_range(2..5))
            .map(|_| *pick(rng, SENTENCES))
            .collect();
        blocks.push(Block::Paragraph {
            text: text.join(" "),
        });
    }
    if rng.random_bool(0.2) {
        blocks.push(Block::Quote {
            text: (*pick(rng, SENTENCES)).to_owned(),
            cite: Some((*pick(rng, AUTHORS)).to_owned()),
        });
    }
    let (body, body_html) = body_parts(blocks)?;
    let id = uuid::Uuid::now_v7().to_string();
    // A short random suffix keeps generated slugs unique without a lookup.
    let slug = format!("{}-{}", slug_of(&title), &id[id.len() - 8..]);
    let roll: f64 = rng.random();
    let (status, published_at) = match roll {
        r if r < 0.04 => (Status::Draft, None),
        r if r < 0.05 => (
            Status::Published,
            Some(chrono::Utc::now() + chrono::Duration::days(7)),
        ),
        _ => (Status::Published, Some(at)),
    };
    let now = time::now();
    let mut new = NewArticle {
        id,
        slug,
        title,
        sapo: Some(format!("(QNO) - {}", pick(rng, SENTENCES))),
        body,
        body_html,
        status,
        featured: rng.random_bool(0.02),
        published_at: published_at.map(time::to_db),
        unpublish_at: None,
        category_id: Some(pick(rng, category_ids).clone()),
        cover_image_id: None,
        created_by: creator.map(str::to_owned),
        comment_count: 0,
        version: 1,
        created_at: now,
        updated_at: now,
        // `insert` measures the body.
        word_count: 0,
        reading_time_minutes: 0,
        authors: Vec::new(),
        tags: Vec::new(),
        related: Vec::new(),
    };
    let byline: Vec<String> = if rng.random_bool(0.15) {
        let first = pick(rng, author_ids).clone();
        let second = pick(rng, author_ids).clone();
        if first == second {
            vec![first]
        } else {
            vec![first, second]
        }
    } else {
        vec![pick(rng, author_ids).clone()]
    };
    let mut tags: Vec<String> = (0..rng.random_range(0..4))
        .map(|_| pick(rng, tag_ids).clone())
        .collect();
    tags.sort();
    tags.dedup();
    new.authors = byline.into_iter().map(Into::into).collect();
    new.tags = tags;
    articles::insert(conn, &new)?;
    // A scheduled one becomes an event when its time comes.
    let row = toasoan_persistence::models::article::ArticleRow::from(new);
    toasoan_persistence::queries::due_work::schedule(conn, &row.id, Some(&row), now)
}
