//! Upload benchmark: `upload_bench BASE_URL TOKEN [COUNT] [PARALLEL]`.
//! Uploads COUNT distinct photos of about 3 MB (default 200), PARALLEL at a
//! time (default 8), to a running server, and reports uploads per second;
//! then times `toasoan_media::process` (decode, orient, every rendition) on
//! one photo in this process. `.ci/bench-media` runs it against a release
//! server and reads the server's peak RSS.

#![expect(
    clippy::expect_used,
    reason = "a benchmark tool stops at the first failure"
)]

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use std::io::Cursor;
use std::time::Instant;

/// A 4000×3000 photo-like JPEG: gradients plus deterministic noise, so it
/// compresses like a noisy camera photo (about 5.7 MB at quality 90).
fn photo(seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    let img = RgbImage::from_fn(4000, 3000, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state % 48) as u8;
        Rgb([
            ((x * 255 / 4000) as u8).saturating_add(noise),
            ((y * 255 / 3000) as u8).saturating_add(noise / 2),
            (((x + y + seed) % 200) as u8).saturating_add(noise),
        ])
    });
    let mut out = Cursor::new(Vec::new());
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90);
    encoder
        .encode_image(&DynamicImage::ImageRgb8(img))
        .expect("encode");
    let _ = ImageFormat::Jpeg;
    out.into_inner()
}

/// The same pixels with a unique JPEG comment after SOI: a distinct file.
fn distinct(base: &[u8], n: usize) -> Vec<u8> {
    let comment = format!("bench-{n}");
    let mut out = base[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xFE]);
    out.extend_from_slice(&((comment.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(comment.as_bytes());
    out.extend_from_slice(&base[2..]);
    out
}

fn multipart(bytes: &[u8], n: usize) -> (String, Vec<u8>) {
    let boundary = "bench-boundary-5e2c";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nẢnh thử số {n}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"IMG_{n:04}.JPG\"\r\nContent-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[actix_web::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).expect("BASE_URL").clone();
    let token = args.get(2).expect("TOKEN").clone();
    let count: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(200);
    let parallel: usize = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(8);

    let started = Instant::now();
    let bases: Vec<Vec<u8>> = (0..parallel as u32).map(photo).collect();
    let mean_size = bases.iter().map(Vec::len).sum::<usize>() / bases.len();
    println!(
        "fixtures: {} base photos 4000x3000, mean {:.2} MB, made in {:.1} s",
        bases.len(),
        mean_size as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let client = reqwest::Client::new();
    let next = std::rc::Rc::new(std::cell::Cell::new(0usize));
    let bases = std::rc::Rc::new(bases);
    let started = Instant::now();
    let workers = (0..parallel).map(|_| {
        let (client, next, bases, base, token) = (
            client.clone(),
            next.clone(),
            bases.clone(),
            base.clone(),
            token.clone(),
        );
        actix_web::rt::spawn(async move {
            loop {
                let n = next.get();
                if n >= count {
                    break;
                }
                next.set(n + 1);
                let file = distinct(&bases[n % bases.len()], n);
                let (content_type, body) = multipart(&file, n);
                let res = client
                    .post(format!("{base}/api/v1/images"))
                    .bearer_auth(&token)
                    .header("content-type", content_type)
                    .body(body)
                    .send()
                    .await
                    .expect("upload");
                assert_eq!(
                    res.status().as_u16(),
                    201,
                    "{}",
                    res.text().await.unwrap_or_default()
                );
            }
        })
    });
    for worker in workers.collect::<Vec<_>>() {
        worker.await.expect("worker");
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "uploads: {count} in {secs:.1} s = {:.2} uploads/s with {parallel} in parallel",
        count as f64 / secs
    );

    let settings = toasoan_media::ProcessSettings::default();
    let photo = &bases[0];
    let runs = 3;
    let started = Instant::now();
    for _ in 0..runs {
        toasoan_media::process(photo, "bench-000000000000", &settings).expect("process");
    }
    println!(
        "processing one photo (decode, 4 widths x JPEG+WebP), single thread: {:.2} s",
        started.elapsed().as_secs_f64() / f64::from(runs)
    );
}
