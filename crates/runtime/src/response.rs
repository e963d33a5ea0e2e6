//! What a call hands back besides a decoded body: [`Response`], a typed body with the status and
//! headers it came with (the Link, rate-limit and ETag headers an application pages and throttles
//! by), and [`RawResponse`], a successful response whose body is still unread, for the escape
//! hatch (read it whole, as text, as JSON, or chunk by chunk without the size cap).

use std::ops::Deref;
use std::time::{Duration, Instant};

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use crate::body::{append_capped, API_BODY_LIMIT};
use crate::error::{excerpt, Error, Result};

/// A decoded body with the status and headers of the response that carried it.
///
/// Dereferences to the body, so `response.field` reads like the body itself; [`into_inner`]
/// takes the body out.
///
/// [`into_inner`]: Response::into_inner
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// A body with its status and headers.
    pub fn new(status: StatusCode, headers: HeaderMap, body: T) -> Self {
        Response {
            status,
            headers,
            body,
        }
    }

    /// The status of the successful response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (`link`, `x-ratelimit-remaining`, `etag`, ...).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.body
    }

    /// The status, headers and body, taken apart.
    pub fn into_parts(self) -> (StatusCode, HeaderMap, T) {
        (self.status, self.headers, self.body)
    }

    /// The same response with its body mapped by `f`.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            status: self.status,
            headers: self.headers,
            body: f(self.body),
        }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

/// A successful response whose body has not been read yet, from [`Call::send_response`].
///
/// Read the body once: whole ([`bytes`], [`text`], [`json`], at most 16 MiB like any API body),
/// or chunk by chunk with [`chunk`], which has no size cap (downloads). Reading is bounded by
/// the client's timeout, counted from the start of the call like the rest of it.
///
/// [`Call::send_response`]: crate::Call::send_response
/// [`bytes`]: RawResponse::bytes
/// [`text`]: RawResponse::text
/// [`json`]: RawResponse::json
/// [`chunk`]: RawResponse::chunk
#[derive(Debug)]
pub struct RawResponse {
    response: reqwest::Response,
    deadline: Option<Instant>,
    timeout: Duration,
}

impl RawResponse {
    pub(crate) fn new(
        response: reqwest::Response,
        deadline: Option<Instant>,
        timeout: Duration,
    ) -> Self {
        RawResponse {
            response,
            deadline,
            timeout,
        }
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        self.response.headers()
    }

    /// The next chunk of the body, `None` at its end. No size cap applies: this is how a body
    /// larger than the 16 MiB API limit is read, a chunk at a time.
    pub async fn chunk(&mut self) -> Result<Option<bytes::Bytes>> {
        let timeout = self.timeout;
        let chunk = self.response.chunk();
        let chunk = match self.deadline {
            Some(deadline) => tokio::time::timeout_at(deadline.into(), chunk)
                .await
                .map_err(|_| Error::Timeout(timeout))?,
            None => chunk.await,
        };
        chunk.map_err(|e| Error::transport(e, timeout))
    }

    /// The whole body; a body over the 16 MiB API limit is an [`Error::UnexpectedBody`].
    pub async fn bytes(mut self) -> Result<Vec<u8>> {
        let status = self.status();
        let mut body = Vec::new();
        while let Some(chunk) = self.chunk().await? {
            append_capped(&mut body, &chunk, API_BODY_LIMIT, status)?;
        }
        Ok(body)
    }

    /// The whole body as UTF-8 text.
    pub async fn text(self) -> Result<String> {
        let body = self.bytes().await?;
        String::from_utf8(body).map_err(|e| Error::Decode {
            what: "response body",
            message: e.utf8_error().to_string(),
            excerpt: excerpt(e.as_bytes()),
        })
    }

    /// The whole body decoded as JSON (an empty body reads as `null`, so `()` accepts it).
    pub async fn json<T: DeserializeOwned>(self) -> Result<T> {
        let status = self.status();
        let body = self.bytes().await?;
        crate::api::decode(status, &body, None)
    }

    /// The reqwest response itself, its body unread (no cap, no deadline but reqwest's).
    pub fn into_reqwest(self) -> reqwest::Response {
        self.response
    }
}
