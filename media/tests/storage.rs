//! The storage contract, run on the local directory backend and on S3
//! (a real S3-compatible server on loopback).

#![expect(clippy::unwrap_used, reason = "a failed unwrap is a failed test")]

mod s3;

use bytes::Bytes;
use futures_util::TryStreamExt;
use toasoan_media::{S3Config, Storage, StorageError};

async fn contract(storage: Storage) {
    let key = "hoan-thanh-dai-hoi-3f2a9c1d4e5b.jpg";
    assert!(matches!(
        storage.read(key).await,
        Err(StorageError::NotFound)
    ));
    assert_eq!(storage.size(key).await.unwrap(), None);

    storage
        .put(key, Bytes::from_static(b"0123456789"))
        .await
        .unwrap();
    assert_eq!(storage.size(key).await.unwrap(), Some(10));
    assert_eq!(&storage.read(key).await.unwrap()[..], b"0123456789");

    let part = storage.get(key, Some(2..5)).await.unwrap();
    assert_eq!((part.size, part.range.clone()), (10, 2..5));
    let chunks: Vec<Bytes> = part.stream.try_collect().await.unwrap();
    assert_eq!(chunks.concat(), b"234");

    let whole = storage.get(key, None).await.unwrap();
    assert_eq!(whole.range, 0..10);

    storage.put(key, Bytes::from_static(b"new")).await.unwrap();
    assert_eq!(&storage.read(key).await.unwrap()[..], b"new");

    storage
        .put("originals/abc.jpg", Bytes::from_static(b"o"))
        .await
        .unwrap();
    assert_eq!(storage.size("originals/abc.jpg").await.unwrap(), Some(1));

    assert_eq!(storage.keys().await.unwrap(), [key, "originals/abc.jpg"]);
    storage.delete(key).await.unwrap();
    assert_eq!(storage.size(key).await.unwrap(), None);
    storage.delete(key).await.unwrap();

    for bad in ["../escape.jpg", "a/../../b.jpg", "", "a//b.jpg"] {
        assert!(
            matches!(
                storage.put(bad, Bytes::from_static(b"x")).await,
                Err(StorageError::InvalidKey)
            ),
            "{bad:?}"
        );
    }
}

#[tokio::test]
async fn the_local_directory_backend_keeps_the_storage_contract() {
    let dir = tempfile::tempdir().unwrap();
    contract(Storage::local(&dir.path().join("media")).unwrap()).await;
    assert!(!dir.path().join("escape.jpg").exists());
}

#[tokio::test]
async fn the_s3_backend_keeps_the_storage_contract() {
    let config = S3Config {
        endpoint: Some(s3::endpoint().to_owned()),
        bucket: s3::bucket(),
        region: "us-east-1".into(),
        access_key_id: "test".into(),
        secret_access_key: "test".into(),
        prefix: "media".into(),
    };
    contract(Storage::s3(&config).unwrap()).await;
}
