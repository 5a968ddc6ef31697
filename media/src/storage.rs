//! Where image files live: a local directory (the default, under the data
//! directory) or an S3-compatible bucket shared by several API instances.
//! Both are `object_store` backends behind the one `ObjectStore` trait, so
//! every caller and every storage test runs the same code on either.

use bytes::Bytes;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as StorePath;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, PutPayload};
use std::ops::Range;
use std::sync::Arc;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// No file under that key.
    #[error("not found")]
    NotFound,
    /// The key is not a valid storage path.
    #[error("invalid key")]
    InvalidKey,
    /// The backend cannot be set up from this configuration.
    #[error("storage configuration: {0}")]
    Config(String),
    /// The backend failed.
    #[error("storage: {0}")]
    Backend(String),
}

impl From<object_store::Error> for StorageError {
    fn from(error: object_store::Error) -> Self {
        match error {
            object_store::Error::NotFound { .. } => StorageError::NotFound,
            other => StorageError::Backend(other.to_string()),
        }
    }
}

/// Settings of an S3-compatible bucket.
#[derive(Debug, Clone)]
pub struct S3Config {
    /// Endpoint URL for non-AWS servers (MinIO, moto, ...); `None` for AWS.
    pub endpoint: Option<String>,
    /// Bucket name.
    pub bucket: String,
    /// Region.
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Key prefix inside the bucket (e.g. `media`), may be empty.
    pub prefix: String,
}

/// Image file storage.
#[derive(Debug, Clone)]
pub struct Storage {
    store: Arc<dyn ObjectStore>,
    prefix: String,
}

/// A file, or a byte range of it, being read.
pub struct Fetched {
    /// Size of the whole file.
    pub size: u64,
    /// The bytes this stream yields.
    pub range: Range<u64>,
    /// The bytes.
    pub stream: BoxStream<'static, Result<Bytes, StorageError>>,
}

impl Storage {
    /// Files under a local directory, created when missing.
    pub fn local(dir: &std::path::Path) -> Result<Self, StorageError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StorageError::Config(format!("{}: {e}", dir.display())))?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| StorageError::Config(e.to_string()))?
            .with_automatic_cleanup(true);
        Ok(Self {
            store: Arc::new(store),
            prefix: String::new(),
        })
    }

    /// Files in an S3-compatible bucket.
    pub fn s3(config: &S3Config) -> Result<Self, StorageError> {
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&config.bucket)
            .with_region(&config.region)
            .with_access_key_id(&config.access_key_id)
            .with_secret_access_key(&config.secret_access_key);
        if let Some(endpoint) = &config.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let store = builder
            .build()
            .map_err(|e| StorageError::Config(e.to_string()))?;
        Ok(Self {
            store: Arc::new(store),
            prefix: config.prefix.trim_matches('/').to_owned(),
        })
    }

    fn path(&self, key: &str) -> Result<StorePath, StorageError> {
        let bad_segment = |s: &str| s.is_empty() || s == "." || s == ".." || s.contains('\\');
        if key.split('/').any(bad_segment) {
            return Err(StorageError::InvalidKey);
        }
        let full = if self.prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{}/{key}", self.prefix)
        };
        StorePath::parse(full).map_err(|_| StorageError::InvalidKey)
    }

    /// Stores a file, replacing any under the same key (atomically: a reader
    /// sees the old file or the new one, never a part).
    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        let path = self.path(key)?;
        self.store.put(&path, PutPayload::from(bytes)).await?;
        Ok(())
    }

    /// Size of a stored file, or `None`.
    pub async fn size(&self, key: &str) -> Result<Option<u64>, StorageError> {
        match self.store.head(&self.path(key)?).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Reads a file, or the byte range `range` of it (which the caller has
    /// checked against the size).
    pub async fn get(&self, key: &str, range: Option<Range<u64>>) -> Result<Fetched, StorageError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self.store.get_opts(&self.path(key)?, options).await?;
        let size = result.meta.size;
        let range = result.range.clone();
        let stream = result
            .into_stream()
            .map(|r| r.map_err(StorageError::from))
            .boxed();
        Ok(Fetched {
            size,
            range,
            stream,
        })
    }

    /// Reads a whole file into memory.
    pub async fn read(&self, key: &str) -> Result<Bytes, StorageError> {
        Ok(self.store.get(&self.path(key)?).await?.bytes().await?)
    }

    /// Every stored key, sorted (for maintenance and tests).
    pub async fn keys(&self) -> Result<Vec<String>, StorageError> {
        use futures_util::TryStreamExt;
        let prefix = (!self.prefix.is_empty()).then(|| StorePath::from(self.prefix.as_str()));
        let metas: Vec<_> = self.store.list(prefix.as_ref()).try_collect().await?;
        let strip = if self.prefix.is_empty() {
            0
        } else {
            self.prefix.len() + 1
        };
        let mut keys: Vec<String> = metas
            .into_iter()
            .map(|m| {
                m.location
                    .as_ref()
                    .get(strip..)
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect();
        keys.sort();
        Ok(keys)
    }

    /// Removes a file; removing a missing file is not an error.
    pub async fn delete(&self, key: &str) -> Result<(), StorageError> {
        match self.store.delete(&self.path(key)?).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}
