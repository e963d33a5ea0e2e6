//! Tokens in Redis, shared by every replica of an app: a [`SharedTokenStore`] with the renewal
//! lock of the [lease protocol](crate::lease) (feature `redis`).
//!
//! Keys, per app (`prefix`), provider and connection (one account):
//!
//! - `{prefix}:{provider}:{connection}:token`, a hash: `token` (the JSON a
//!   [`FileStore`](crate::FileStore) writes) and `version` (one more per write);
//! - `{prefix}:{provider}:{connection}:lock`, the renewal lock: `SET NX PX <lease>` with a random
//!   fencing value, released by a script that deletes it only if it still holds that value.
//!
//! Writes are a script too: the token is replaced only if `version` is still the one the writer
//! read, so a stale writer is refused and a rotated refresh token is never overwritten.

use std::fmt;
use std::time::Duration;

use redis::aio::ConnectionManager;
use redis::{AsyncCommands, Script};

use crate::error::{Error, Result};
use crate::lease::{Lease, SharedTokenStore, StoreFuture, Versioned, DEFAULT_LEASE};
use crate::token::{StoredToken, Token};

/// Replaces the token if the version is still the one read (KEYS: token; ARGV: version, JSON).
const SAVE_IF: &str = r"
local version = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if version ~= tonumber(ARGV[1]) then return -1 end
redis.call('HSET', KEYS[1], 'token', ARGV[2], 'version', version + 1)
return version + 1
";

/// Deletes the lock if it still holds our fencing value (KEYS: lock; ARGV: fence).
const UNLOCK: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
";

fn store_error(error: redis::RedisError) -> Error {
    Error::TokenStore(std::io::Error::other(error))
}

fn invalid(message: &str) -> Error {
    Error::TokenStore(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        message.to_owned(),
    ))
}

/// One connection's token in Redis, for every replica of an app (feature `redis`).
///
/// Keys: `{prefix}:{provider}:{connection}:token`, a hash of the token's JSON and its version,
/// and `{prefix}:{provider}:{connection}:lock`, the renewal lock (`SET NX PX` with a random
/// fencing value). Writes and releases are Lua scripts: a write goes through only if the version
/// is still the one the writer read, a release only if the lock still holds the writer's fencing
/// value. Give it to [`TokenSource::with_shared_store`](crate::TokenSource::with_shared_store);
/// the protocol is in [`lease`](crate::lease).
///
/// Cheap to clone: clones share the connection, which reconnects by itself.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    token_key: String,
    lock_key: String,
    lease: Duration,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("token_key", &self.token_key)
            .field("lock_key", &self.lock_key)
            .field("lease", &self.lease)
            .finish_non_exhaustive()
    }
}

impl RedisStore {
    /// Connects to `url` (`redis://host:6379/0`) and stores under
    /// `{prefix}:{provider}:{connection}:…`.
    pub async fn connect(
        url: &str,
        prefix: &str,
        provider: &str,
        connection: &str,
    ) -> Result<Self> {
        let client = redis::Client::open(url).map_err(store_error)?;
        let manager = ConnectionManager::new(client).await.map_err(store_error)?;
        Ok(Self::new(manager, prefix, provider, connection))
    }

    /// A store on an existing connection (share one [`ConnectionManager`] among connections).
    pub fn new(
        connection_manager: ConnectionManager,
        prefix: &str,
        provider: &str,
        connection: &str,
    ) -> Self {
        let base = format!("{prefix}:{provider}:{connection}");
        RedisStore {
            connection: connection_manager,
            token_key: format!("{base}:token"),
            lock_key: format!("{base}:lock"),
            lease: DEFAULT_LEASE,
        }
    }

    /// Sets how long a renewal lock lasts when its holder dies ([`DEFAULT_LEASE`] unless set).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The key of the token hash.
    pub fn token_key(&self) -> &str {
        &self.token_key
    }

    /// The key of the renewal lock.
    pub fn lock_key(&self) -> &str {
        &self.lock_key
    }
}

impl SharedTokenStore for RedisStore {
    fn load(&self) -> StoreFuture<'_, Option<Versioned>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let (json, version): (Option<String>, Option<u64>) = redis::cmd("HMGET")
                .arg(&self.token_key)
                .arg("token")
                .arg("version")
                .query_async(&mut connection)
                .await
                .map_err(store_error)?;
            let Some(json) = json else { return Ok(None) };
            let stored: StoredToken = serde_json::from_str(&json)
                .map_err(|_| invalid("the token stored in Redis is not a token"))?;
            Ok(Some(Versioned {
                token: Token::try_from(stored)?,
                version: version.unwrap_or(0),
            }))
        })
    }

    fn save_if<'a>(&'a self, token: &'a Token, read_version: u64) -> StoreFuture<'a, Option<u64>> {
        Box::pin(async move {
            let json = serde_json::to_string(&StoredToken::from(token))
                .map_err(|e| Error::TokenStore(e.into()))?;
            let mut connection = self.connection.clone();
            let written: i64 = Script::new(SAVE_IF)
                .key(&self.token_key)
                .arg(read_version)
                .arg(json)
                .invoke_async(&mut connection)
                .await
                .map_err(store_error)?;
            Ok(u64::try_from(written).ok())
        })
    }

    fn try_lock(&self) -> StoreFuture<'_, Option<Lease>> {
        Box::pin(async move {
            let fence = crate::pkce::random_token();
            let mut connection = self.connection.clone();
            let lease_ms = u64::try_from(self.lease.as_millis())
                .unwrap_or(u64::MAX)
                .max(1);
            let set: Option<String> = redis::cmd("SET")
                .arg(&self.lock_key)
                .arg(&fence)
                .arg("NX")
                .arg("PX")
                .arg(lease_ms)
                .query_async(&mut connection)
                .await
                .map_err(store_error)?;
            Ok(set.map(|_| Lease::new(fence)))
        })
    }

    fn unlock(&self, lease: Lease) -> StoreFuture<'_, ()> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let _: i64 = Script::new(UNLOCK)
                .key(&self.lock_key)
                .arg(lease.fence())
                .invoke_async(&mut connection)
                .await
                .map_err(store_error)?;
            Ok(())
        })
    }

    fn is_locked(&self) -> StoreFuture<'_, bool> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            connection.exists(&self.lock_key).await.map_err(store_error)
        })
    }
}
