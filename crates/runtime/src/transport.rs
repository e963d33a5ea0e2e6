//! The HTTP client every request goes through: reqwest's default TLS (rustls on aws-lc-rs, checked
//! against the platform's root certificates), a timeout, and no automatic redirects.
//!
//! Redirects are followed by the request layer itself, because only it knows which hosts may
//! see credentials: reqwest strips `Authorization` on a cross-host redirect, but not an API key
//! header or query parameter.

use std::time::Duration;

use crate::error::{Error, Result};

/// The default time a whole request may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A configured reqwest client plus the timeout it enforces (kept for error messages).
#[derive(Debug, Clone)]
pub struct Transport {
    http: reqwest::Client,
    timeout: Duration,
}

impl Transport {
    /// A client with the default timeout.
    pub fn new() -> Result<Self> {
        Self::from_builder(reqwest::Client::builder(), DEFAULT_TIMEOUT)
    }

    /// Builds from the caller's reqwest settings (proxies, root certificates, user agent), with
    /// `timeout` and redirects turned off (the request layer follows them itself).
    pub fn from_builder(builder: reqwest::ClientBuilder, timeout: Duration) -> Result<Self> {
        let http = builder
            .timeout(timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::InvalidConfig(format!("cannot build the HTTP client: {e}")))?;
        Ok(Transport { http, timeout })
    }

    /// The reqwest client.
    pub fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }
}
