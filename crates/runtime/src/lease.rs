//! A token store shared by several processes, with a renewal lock that has a lease: what a
//! [`TokenSource`](crate::TokenSource) needs to send one token request for all replicas.
//!
//! # The protocol
//!
//! The store keeps the token with a *version* (0: no token yet, then 1, 2, ... one per write)
//! and a *lock* that expires on its own after a lease. A source whose token is stale:
//!
//! 1. reads the stored token and its version; a fresh one is used at once (no request);
//! 2. tries to take the lock, with a random *fencing value* and the lease;
//! 3. **holder**: reads again under the lock (a holder may have written between 1 and 2),
//!    sends the one token request (refresh, or the configured grant), writes the result
//!    *conditionally* — only if the stored version is still the one it read — and releases the
//!    lock only if it still holds the fencing value it set (a lock taken over after the lease
//!    belongs to someone else). A refused write means a newer token is stored: the holder uses
//!    that one, so a stale writer never overwrites a rotated refresh token;
//! 4. **waiter**: asks the store (never the provider), backing off from 10 ms up to 250 ms,
//!    until the version changes (the holder's token is there: back to 1) or the lock is gone
//!    (the holder failed, or died and its lease ran out: back to 1, where one waiter takes over).
//!
//! A holder that dies mid-refresh leaves the lock until the lease ends; choose a lease longer
//! than a token request can take (the transport's timeout), so a slow holder is not taken over.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::error::Result;
use crate::token::Token;

/// A boxed future borrowing the store, as [`SharedTokenStore`]'s methods return.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 'a>>;

/// The lease a renewal lock is taken for unless the store is told otherwise: longer than the
/// transport's default timeout, so a slow token request is not taken over.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(45);

/// A stored token and the version it was read at.
#[derive(Debug, Clone)]
pub struct Versioned {
    /// The token.
    pub token: Token,
    /// Its version: a conditional write must name it.
    pub version: u64,
}

/// A held renewal lock: the fencing value that proves it is ours.
pub struct Lease {
    fence: String,
}

impl Lease {
    /// A lock held with `fence` (a random value nobody else can guess).
    pub fn new(fence: impl Into<String>) -> Self {
        Lease {
            fence: fence.into(),
        }
    }

    /// The fencing value.
    pub fn fence(&self) -> &str {
        &self.fence
    }
}

impl fmt::Debug for Lease {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Lease([redacted])")
    }
}

/// A token store several processes share, with a renewal lock (see the [module](self) for the
/// protocol). `RedisStore` implements it (with the feature `redis`).
pub trait SharedTokenStore: Send + Sync + fmt::Debug {
    /// The stored token and its version, if any.
    fn load(&self) -> StoreFuture<'_, Option<Versioned>>;

    /// Writes `token` if the stored version is still `read_version` (0: nothing stored);
    /// returns the new version, or `None` when a newer token was written meanwhile.
    fn save_if<'a>(&'a self, token: &'a Token, read_version: u64) -> StoreFuture<'a, Option<u64>>;

    /// Takes the renewal lock for the store's lease, unless someone holds it.
    fn try_lock(&self) -> StoreFuture<'_, Option<Lease>>;

    /// Releases `lease` if it is still held (after the lease someone else may hold the lock).
    fn unlock(&self, lease: Lease) -> StoreFuture<'_, ()>;

    /// Whether anyone holds the renewal lock.
    fn is_locked(&self) -> StoreFuture<'_, bool>;
}
