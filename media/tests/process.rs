//! Uploads through `process`: formats, limits, orientation, metadata,
//! renditions.

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod fixtures;

use fixtures::*;
use image::ImageFormat as Codec;
use toasoan_domain::image_file::ImageFormat;
use toasoan_media::{MediaError, ProcessSettings, process};

fn run(bytes: &[u8]) -> Result<toasoan_media::Processed, MediaError> {
    process(bytes, "anh-123456789abc", &ProcessSettings::default())
}

#[test]
fn a_jpeg_gets_renditions_in_jpeg_and_webp_that_decode_to_their_sizes() {
    let out = run(&encoded(&photo(1200, 800), Codec::Jpeg)).unwrap();
    assert_eq!(
        (out.format, out.width, out.height),
        (ImageFormat::Jpeg, 1200, 800)
    );
    assert_eq!(out.full.rendition.key, "anh-123456789abc.jpg");
    assert_eq!(decode(&out.full.bytes, Codec::Jpeg).width(), 1200);
    let listed: Vec<(u32, u32, &str)> = out
        .renditions
        .iter()
        .map(|f| {
            (
                f.rendition.width,
                f.rendition.height,
                f.rendition.format.as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            (320, 213, "jpeg"),
            (320, 213, "webp"),
            (640, 427, "jpeg"),
            (640, 427, "webp"),
            (1024, 683, "jpeg"),
            (1024, 683, "webp"),
            (1200, 800, "webp"),
        ]
    );
    for file in &out.renditions {
        let codec = if file.rendition.format == ImageFormat::Webp {
            Codec::WebP
        } else {
            Codec::Jpeg
        };
        let decoded = decode(&file.bytes, codec);
        assert_eq!(
            (decoded.width(), decoded.height()),
            (file.rendition.width, file.rendition.height)
        );
        assert_eq!(file.rendition.byte_size, file.bytes.len() as u64);
    }
    assert_eq!(out.renditions[0].rendition.key, "anh-123456789abc-320w.jpg");
}

#[test]
fn png_webp_and_gif_uploads_stay_in_their_format() {
    let png = run(&encoded(&translucent(700, 300), Codec::Png)).unwrap();
    assert_eq!(png.format, ImageFormat::Png);
    assert!(decode(&png.full.bytes, Codec::Png).color().has_alpha());
    assert_eq!(png.renditions.len(), 5);
    let webp = run(&encoded(&photo(400, 300), Codec::WebP)).unwrap();
    assert_eq!(webp.format, ImageFormat::Webp);
    assert_eq!(webp.full.rendition.key, "anh-123456789abc.webp");
    assert_eq!(
        webp.renditions.len(),
        1,
        "one 320 rendition, no duplicate full WebP"
    );
    let gif = run(&encoded(&translucent(500, 200), Codec::Gif)).unwrap();
    assert_eq!((gif.format, gif.width), (ImageFormat::Gif, 500));
    assert_eq!(decode(&gif.full.bytes, Codec::Gif).height(), 200);
}

#[test]
fn the_exif_orientation_is_applied_and_gps_never_reaches_a_served_file() {
    let upload = jpeg_with_gps(600, 400);
    assert!(contains(&upload, GPS_MARKER));
    let out = run(&upload).unwrap();
    assert_eq!((out.width, out.height), (400, 600), "rotated upright");
    for file in std::iter::once(&out.full).chain(&out.renditions) {
        assert!(!contains(&file.bytes, GPS_MARKER), "{}", file.rendition.key);
        assert!(!contains(&file.bytes, b"Exif"), "{}", file.rendition.key);
    }
}

#[test]
fn anything_but_the_four_formats_is_refused_by_content() {
    let cases: [&[u8]; 5] = [
        b"#!/bin/sh\necho pwned\n",
        b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        b"",
        b"BM\x36\x00\x00\x00",
        b"%PDF-1.7\n",
    ];
    for bytes in cases {
        assert!(matches!(run(bytes), Err(MediaError::UnsupportedFormat)));
    }
}

#[test]
fn a_pixel_bomb_is_refused_from_its_header() {
    let bomb = png_claiming(100_000, 100_000);
    assert!(bomb.len() < 100);
    match run(&bomb) {
        Err(MediaError::TooManyPixels {
            width: 100_000,
            height: 100_000,
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    let tight = ProcessSettings {
        max_pixels: 1_000,
        ..ProcessSettings::default()
    };
    let small = encoded(&photo(40, 30), Codec::Png);
    assert!(matches!(
        process(&small, "a-1", &tight),
        Err(MediaError::TooManyPixels { .. })
    ));
}

#[test]
fn truncated_files_are_refused() {
    for codec in [Codec::Jpeg, Codec::Png, Codec::WebP, Codec::Gif] {
        let whole = encoded(&photo(300, 200), codec);
        let cut = &whole[..whole.len() / 2];
        assert!(matches!(run(cut), Err(MediaError::Corrupt(_))), "{codec:?}");
    }
}

#[test]
fn configured_widths_are_used_and_never_upscale() {
    let settings = ProcessSettings {
        widths: vec![100, 5000],
        ..ProcessSettings::default()
    };
    let out = process(&encoded(&photo(300, 150), Codec::Jpeg), "a-1", &settings).unwrap();
    let widths: Vec<u32> = out.renditions.iter().map(|f| f.rendition.width).collect();
    assert_eq!(widths, vec![100, 100, 300]);
    let wide = process(
        &encoded(&photo(2000, 100), Codec::Jpeg),
        "a-1",
        &ProcessSettings::default(),
    )
    .unwrap();
    let widths: Vec<u32> = wide.renditions.iter().map(|f| f.rendition.width).collect();
    assert_eq!(
        widths,
        vec![320, 320, 640, 640, 1024, 1024, 1600, 1600],
        "no full-size WebP past the widest rendition"
    );
}
