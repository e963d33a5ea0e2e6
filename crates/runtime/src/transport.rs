//! The HTTP client every request goes through: reqwest's default TLS (rustls on aws-lc-rs, checked
//! against the platform's root certificates), a timeout, and no automatic redirects; or a
//! caller's own built client, held to the same rule.
//!
//! Redirects are followed by the request layer itself, because only it knows which hosts may
//! see credentials: reqwest strips `Authorization` on a cross-host redirect, but not an API key
//! header or query parameter.

use std::time::Duration;

use url::Url;

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

    /// Uses a client the caller built, with `timeout` bounding each API call (the request layer
    /// enforces it whatever the client's own settings). The client must not follow redirects
    /// (`reqwest::redirect::Policy::none()`): the request layer follows them itself, keeping
    /// credentials on the provider's origin, and refuses a response that reqwest reached by a
    /// redirect of its own ([`Error::InvalidConfig`]). Give it a timeout too: token requests
    /// made outside an API call (finishing an authorization) rely on the client's own.
    pub fn from_client(http: reqwest::Client, timeout: Duration) -> Self {
        Transport { http, timeout }
    }

    /// Sends `request`, built for `url`; a response from another URL means the client followed
    /// a redirect itself, which a [caller's client](Transport::from_client) must not do.
    pub(crate) async fn send(
        &self,
        request: reqwest::RequestBuilder,
        url: &Url,
    ) -> Result<reqwest::Response> {
        let response = request
            .send()
            .await
            .map_err(|e| Error::transport(e, self.timeout))?;
        if response.url() != url {
            return Err(Error::InvalidConfig(
                "the HTTP client followed a redirect itself; build it with \
                 `reqwest::redirect::Policy::none()` (the client follows redirects itself, \
                 keeping credentials on the provider's origin)"
                    .into(),
            ));
        }
        Ok(response)
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
