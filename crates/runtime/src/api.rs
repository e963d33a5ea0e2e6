//! The request layer: one authenticated call to a provider's API, with scope checks, bounded
//! retries within the caller's deadline, one renewal on 401, credential-safe redirects and
//! typed decoding.

use std::fmt::Display;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderName, HeaderValue, ACCEPT, CONTENT_TYPE, LOCATION};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use url::Url;

use crate::body::{read_capped, API_BODY_LIMIT};
use crate::clock;
use crate::credential::{resolve, Credential, Resolved};
use crate::error::{excerpt, Error, Result};
use crate::param::ParamValue;
use crate::provider_error::ProviderError;
use crate::request_url::{fill_path, join, same_origin};
use crate::response::{RawResponse, Response};
use crate::retry_after::retry_after;
use crate::transport::Transport;

/// How many times a 429 or 503 on an idempotent request is retried.
const MAX_RETRIES: u32 = 2;
/// The longest `Retry-After` we wait; a longer one is returned to the caller as an error.
const MAX_RETRY_WAIT: Duration = Duration::from_secs(30);
/// How many redirects a request follows.
const MAX_REDIRECTS: usize = 5;
/// The statuses an operation counts as success when its spec lists none (`success` in
/// docs/spec.md), so generated code passes [`Call::success`] only for the others.
const OPERATION_SUCCESS: &[u16] = &[200, 201, 202, 204];

/// A provider's API: its base URL, credentials and HTTP transport.
#[derive(Debug, Clone)]
pub struct ApiClient {
    base_url: Url,
    credentials: Vec<Credential>,
    static_headers: Vec<(HeaderName, HeaderValue)>,
    transport: Transport,
}

/// A request body, encoded once and resent as is on retries.
#[derive(Debug, Clone, Default)]
enum Body {
    #[default]
    None,
    /// An empty body with `Content-Length: 0` (ITCTXT's query-only POSTs).
    Empty,
    Json(Vec<u8>),
    Form(String),
}

/// One call being prepared: built by generated code or by hand through [`ApiClient::request`].
#[must_use = "a call does nothing until `send` is awaited"]
#[derive(Debug)]
pub struct Call<'a> {
    client: &'a ApiClient,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(HeaderName, HeaderValue)>,
    body: Body,
    success: &'a [u16],
    scopes: &'a [&'a str],
    envelope: Option<&'a str>,
    error: Option<Error>,
}

impl ApiClient {
    /// A client for the API at `base_url` (path prefix kept) sending `credentials` on every call.
    pub fn new(base_url: Url, credentials: Vec<Credential>, transport: Transport) -> Self {
        ApiClient {
            base_url,
            credentials,
            static_headers: Vec::new(),
            transport,
        }
    }

    /// Adds a header sent on every call to the provider's origin.
    pub fn with_header(mut self, name: &str, value: &str) -> Result<Self> {
        let invalid = || Error::InvalidConfig(format!("invalid static header `{name}`"));
        let name = HeaderName::try_from(name).map_err(|_| invalid())?;
        let value = HeaderValue::try_from(value).map_err(|_| invalid())?;
        self.static_headers.push((name, value));
        Ok(self)
    }

    /// The base URL.
    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// The credentials sent on every call.
    pub fn credentials(&self) -> &[Credential] {
        &self.credentials
    }

    /// The scopes of the current OAuth token, when it is cached and the provider listed them.
    pub fn granted_scopes(&self) -> Option<Vec<String>> {
        self.credentials.iter().find_map(|c| match c {
            Credential::OAuth2 { source, .. } => source
                .cached()
                .and_then(|t| t.scopes().map(<[String]>::to_vec)),
            _ => None,
        })
    }

    /// Starts an authenticated call to `path` (relative to the base URL). This is the escape
    /// hatch for endpoints a spec does not describe; it still refuses a path that names another
    /// host or climbs out of the base URL's path (`..`, `%2e%2e`, `\`): `send` then fails with
    /// [`Error::InvalidConfig`].
    pub fn request(&self, method: Method, path: &str) -> Call<'_> {
        Call {
            client: self,
            method,
            path: path.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            success: &[],
            scopes: &[],
            envelope: None,
            error: None,
        }
    }

    /// Starts an authenticated call to an operation of the provider's spec: `template` is its
    /// path (`/users/{id}/sessions`), each `{name}` filled in order from `path_params`,
    /// percent-encoded as one path segment. Success means 200, 201, 202 or 204 unless
    /// [`Call::success`] says otherwise.
    ///
    /// A path parameter that is empty, `.` or `..` would send the call, credentials and all, to
    /// another endpoint (`/users//sessions`, `/contacts/`): `send` refuses it with
    /// [`Error::InvalidConfig`] naming the parameter, before any request.
    pub fn operation(
        &self,
        method: Method,
        template: &str,
        path_params: &[&dyn Display],
    ) -> Call<'_> {
        let call = Call {
            success: OPERATION_SUCCESS,
            ..self.request(method, template)
        };
        match fill_path(template, path_params) {
            Ok(path) => Call { path, ..call },
            Err(error) => Call {
                error: Some(error),
                ..call
            },
        }
    }
}

impl<'a> Call<'a> {
    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: impl ToString) -> Self {
        self.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Adds query parameters, each sent as [`ParamValue`] says: `None` not at all, a list once
    /// per item.
    pub fn query_params(mut self, params: &[(&str, &dyn ParamValue)]) -> Self {
        for (name, value) in params {
            value.each(&mut |text| self.query.push(((*name).to_owned(), text.to_owned())));
        }
        self
    }

    /// Adds a header; an invalid value makes `send` fail with [`Error::InvalidConfig`].
    pub fn header(mut self, name: &str, value: impl ToString) -> Self {
        self.push_header(name, &value.to_string());
        self
    }

    /// Adds headers, each sent as [`ParamValue`] says: `None` not at all, a list once per item.
    pub fn header_params(mut self, params: &[(&str, &dyn ParamValue)]) -> Self {
        for (name, value) in params {
            value.each(&mut |text| self.push_header(name, text));
        }
        self
    }

    /// Adds a header, or keeps the error `send` returns for an invalid one.
    fn push_header(&mut self, name: &str, value: &str) {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(value)) => self.headers.push((name, value)),
            _ => self.error = Some(Error::InvalidConfig(format!("invalid header `{name}`"))),
        }
    }

    /// Sends `body` as JSON.
    pub fn json(mut self, body: &impl Serialize) -> Self {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = Body::Json(bytes),
            Err(e) => {
                self.error = Some(Error::InvalidConfig(format!(
                    "cannot encode the request body: {e}"
                )))
            }
        }
        self
    }

    /// Sends `body` form-encoded.
    pub fn form(mut self, body: &impl Serialize) -> Self {
        match serde_urlencoded(body) {
            Ok(form) => self.body = Body::Form(form),
            Err(e) => self.error = Some(e),
        }
        self
    }

    /// Sends an empty body (`Content-Length: 0`).
    pub fn empty_body(mut self) -> Self {
        self.body = Body::Empty;
        self
    }

    /// The statuses that count as success (default: any 2xx).
    pub fn success(mut self, statuses: &'a [u16]) -> Self {
        self.success = statuses;
        self
    }

    /// Scopes the call needs; when the token's granted scopes are known and lack one, `send`
    /// fails with [`Error::MissingScope`] before touching the network.
    pub fn scopes(mut self, scopes: &'a [&'a str]) -> Self {
        self.scopes = scopes;
        self
    }

    /// Decodes the response from this field of the body (`{"status": "OK", "data": ..}`).
    pub fn envelope(mut self, field: &'a str) -> Self {
        self.envelope = Some(field);
        self
    }

    /// Sends the call and decodes the response as `T` (`()` accepts an empty body).
    pub async fn send<T: DeserializeOwned>(self) -> Result<T> {
        self.send_with_response().await.map(Response::into_inner)
    }

    /// Sends the call and decodes the response as `T`, kept with its status and headers.
    pub async fn send_with_response<T: DeserializeOwned>(self) -> Result<Response<T>> {
        let envelope = self.envelope;
        let response = self.send_response().await?;
        let (status, headers) = (response.status(), response.headers().clone());
        let body = response.bytes().await?;
        let body = decode(status, &body, envelope)?;
        Ok(Response::new(status, headers, body))
    }

    /// Sends the call and returns the status and raw body of a successful response.
    pub async fn send_raw(self) -> Result<(StatusCode, Vec<u8>)> {
        let response = self.send_response().await?;
        let status = response.status();
        Ok((status, response.bytes().await?))
    }

    /// Sends the call and returns the successful response with its body unread: status,
    /// headers, and a body to read whole or stream chunk by chunk (see [`RawResponse`]).
    ///
    /// The whole call (token, attempts, retry waits, reading the body) takes at most the
    /// client's timeout: a wait that would end past it is not slept through but returned as the
    /// [`Error::Api`] with its `retry_after`.
    pub async fn send_response(mut self) -> Result<RawResponse> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        let timeout = self.client.transport.timeout();
        let deadline = clock::deadline_after(timeout);
        let response = match deadline {
            Some(deadline) => {
                tokio::time::timeout_at(deadline.into(), self.attempts(Some(deadline)))
                    .await
                    .map_err(|_| Error::Timeout(timeout))??
            }
            None => self.attempts(None).await?,
        };
        Ok(RawResponse::new(response, deadline, timeout))
    }

    /// Sends the call until it succeeds, fails for good, or retrying would pass `deadline`;
    /// returns the successful response with its body unread.
    async fn attempts(&self, deadline: Option<Instant>) -> Result<reqwest::Response> {
        let mut url = join(&self.client.base_url, &self.path)?;
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        let mut credentials = resolve(&self.client.credentials).await?;
        self.check_scopes(credentials.token.as_ref().and_then(|(_, t)| t.scopes()))?;
        let mut renewed = false;
        let mut retries = 0;
        loop {
            let (response, credentialed) =
                self.send_following_redirects(&url, &credentials).await?;
            let status = response.status();
            // Only a 401 to a request that carried the token says anything about the token.
            if status == StatusCode::UNAUTHORIZED && credentialed && !renewed {
                if let Some((source, token)) = &credentials.token {
                    tracing::debug!("401 from the API; renewing the token once");
                    source.renew_rejected(token).await?;
                    credentials = resolve(&self.client.credentials).await?;
                    renewed = true;
                    continue;
                }
            }
            if self.is_success(status) {
                return Ok(response);
            }
            let retry_after = retry_after(response.headers());
            if matches!(
                status,
                StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
            ) && is_idempotent(&self.method)
                && retries < MAX_RETRIES
            {
                let wait = retry_after.unwrap_or(Duration::from_millis(500 << retries));
                if wait <= MAX_RETRY_WAIT && ends_before(wait, deadline) {
                    tracing::debug!(
                        status = status.as_u16(),
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    retries += 1;
                    continue;
                }
            }
            let body =
                read_capped(response, API_BODY_LIMIT, self.client.transport.timeout()).await?;
            return Err(Error::Api {
                status,
                error: Box::new(ProviderError::from_body(&body)),
                retry_after,
            });
        }
    }

    fn is_success(&self, status: StatusCode) -> bool {
        if self.success.is_empty() {
            status.is_success()
        } else {
            self.success.contains(&status.as_u16())
        }
    }

    fn check_scopes(&self, granted: Option<&[String]>) -> Result<()> {
        let Some(granted) = granted else {
            return Ok(());
        };
        match self
            .scopes
            .iter()
            .find(|required| !granted.iter().any(|g| g == *required))
        {
            Some(required) => Err(Error::MissingScope {
                required: (*required).to_owned(),
                granted: granted.to_vec(),
            }),
            None => Ok(()),
        }
    }

    /// Sends `url` (the call's query included), following redirects by hand: each hop goes to
    /// `Location` as given. Returns the final response and whether its request carried the
    /// credentials.
    ///
    /// Credentials go along only while every hop so far stayed on the provider's origin: once a
    /// redirect left it, a `Location` back to the provider was chosen by someone else, and the
    /// rest of the chain goes without them. A body is never sent to another origin: a
    /// redirect that would (307, 308, or 301/302 of a method other than POST) ends the call
    /// with [`Error::CrossOriginRedirect`].
    async fn send_following_redirects(
        &self,
        url: &Url,
        credentials: &Resolved,
    ) -> Result<(reqwest::Response, bool)> {
        let base = &self.client.base_url;
        let mut url = url.clone();
        let mut method = self.method.clone();
        let mut body = self.body.clone();
        let mut left_provider = false;
        for _ in 0..=MAX_REDIRECTS {
            let trusted = !left_provider && same_origin(&url, base);
            let response = self
                .send_once(&url, &method, &body, credentials, trusted)
                .await?;
            let status = response.status();
            let Some(location) = status
                .is_redirection()
                .then(|| {
                    response
                        .headers()
                        .get(LOCATION)
                        .and_then(|l| l.to_str().ok())
                })
                .flatten()
            else {
                return Ok((response, trusted));
            };
            url = url
                .join(location)
                .map_err(|e| Error::InvalidConfig(format!("bad redirect location: {e}")))?;
            if status == StatusCode::SEE_OTHER
                || (matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND)
                    && method == Method::POST)
            {
                method = Method::GET;
                body = Body::None;
            }
            left_provider |= !same_origin(&url, base);
            if left_provider && !matches!(body, Body::None) {
                return Err(Error::CrossOriginRedirect {
                    status,
                    origin: url.origin().ascii_serialization(),
                });
            }
            tracing::debug!(
                status = status.as_u16(),
                left_provider,
                "following redirect"
            );
        }
        Err(Error::InvalidConfig(format!(
            "more than {MAX_REDIRECTS} redirects"
        )))
    }

    async fn send_once(
        &self,
        url: &Url,
        method: &Method,
        body: &Body,
        credentials: &Resolved,
        trusted: bool,
    ) -> Result<reqwest::Response> {
        let url = with_credential_query(url, &credentials.query, trusted);
        tracing::debug!(method = %method, path = url.path(), "API request");
        let mut request = self
            .client
            .transport
            .http()
            .request(method.clone(), url.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"));
        if trusted {
            for (name, value) in self
                .client
                .static_headers
                .iter()
                .chain(&credentials.headers)
            {
                request = request.header(name, value);
            }
        }
        for (name, value) in &self.headers {
            request = request.header(name, value);
        }
        request = match body {
            Body::None => request,
            Body::Empty => request
                .header(reqwest::header::CONTENT_LENGTH, 0)
                .body(Vec::new()),
            Body::Json(bytes) => request
                .header(CONTENT_TYPE, "application/json")
                .body(bytes.clone()),
            Body::Form(form) => request
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(form.clone()),
        };
        self.client.transport.send(request, &url).await
    }
}

/// Decodes a successful body, unwrapping `envelope` first; an empty body reads as JSON `null`.
pub(crate) fn decode<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
    envelope: Option<&str>,
) -> Result<T> {
    let decode_error = |e: serde_json::Error| Error::Decode {
        what: "response body",
        message: e.to_string(),
        excerpt: excerpt(body),
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return serde_json::from_slice(b"null").map_err(decode_error);
    }
    let Some(field) = envelope else {
        return serde_json::from_slice(body).map_err(|e| match e.classify() {
            serde_json::error::Category::Syntax | serde_json::error::Category::Eof => {
                Error::UnexpectedBody {
                    status,
                    excerpt: excerpt(body),
                }
            }
            _ => decode_error(e),
        });
    };
    let mut json: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| Error::UnexpectedBody {
            status,
            excerpt: excerpt(body),
        })?;
    let inner = json
        .get_mut(field)
        .map(serde_json::Value::take)
        .ok_or_else(|| Error::Decode {
            what: "response envelope",
            message: format!("the body has no `{field}` field"),
            excerpt: excerpt(body),
        })?;
    serde_json::from_value(inner).map_err(decode_error)
}

/// `body`'s fields as `application/x-www-form-urlencoded`: strings as they are, numbers and
/// booleans as their text, a list as the field repeated once per item (`tag=a&tag=b`), `null`
/// (an unset `Option`) omitted. Objects, and lists holding objects or lists, have no form
/// encoding and are refused (the generator refuses such fields in `form` bodies).
fn serde_urlencoded(body: &impl Serialize) -> Result<String> {
    let value = serde_json::to_value(body)
        .map_err(|e| Error::InvalidConfig(format!("cannot encode the form body: {e}")))?;
    let serde_json::Value::Object(fields) = value else {
        return Err(Error::InvalidConfig("a form body must be a struct".into()));
    };
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        let items = match value {
            serde_json::Value::Array(items) => items,
            value => vec![value],
        };
        for item in items {
            match item {
                serde_json::Value::Null => {}
                serde_json::Value::String(s) => {
                    form.append_pair(&name, &s);
                }
                serde_json::Value::Number(n) => {
                    form.append_pair(&name, &n.to_string());
                }
                serde_json::Value::Bool(b) => {
                    form.append_pair(&name, if b { "true" } else { "false" });
                }
                serde_json::Value::Array(_) | serde_json::Value::Object(_) => {
                    return Err(Error::InvalidConfig(format!(
                        "form field `{name}` holds an object or a nested list, which a form body cannot carry"
                    )));
                }
            }
        }
    }
    Ok(form.finish())
}

/// The URL of one hop: the credentials' query parameters set when the hop is `trusted` (on the
/// provider's origin) and removed when not (a redirect's `Location` may echo them to another host).
fn with_credential_query(url: &Url, credentials: &[(String, String)], trusted: bool) -> Url {
    let is_credential = |name: &str| credentials.iter().any(|(credential, _)| credential == name);
    if credentials.is_empty()
        || (!trusted && !url.query_pairs().any(|(name, _)| is_credential(&name)))
    {
        return url.clone();
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(name, _)| !is_credential(name))
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    let mut url = url.clone();
    url.set_query(None);
    let added = if trusted { credentials } else { &[] };
    if !kept.is_empty() || !added.is_empty() {
        url.query_pairs_mut().extend_pairs(kept).extend_pairs(added);
    }
    url
}

fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS
    )
}

/// Whether a wait of `wait` from now ends before `deadline` (always, without one).
fn ends_before(wait: Duration, deadline: Option<Instant>) -> bool {
    deadline.is_none_or(|deadline| {
        Instant::now()
            .checked_add(wait)
            .is_some_and(|end| end < deadline)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_body_decodes_as_unit_and_envelope_unwraps() {
        decode::<()>(StatusCode::NO_CONTENT, b"", None).unwrap();
        let v: Vec<u32> = decode(
            StatusCode::OK,
            br#"{"status":"OK","data":[1,2]}"#,
            Some("data"),
        )
        .unwrap();
        assert_eq!(v, [1, 2]);
    }

    #[test]
    fn form_bodies_repeat_lists_and_refuse_objects() {
        let body =
            serde_json::json!({"tag": ["a", "b c"], "n": 2, "ok": true, "gone": null, "ids": []});
        // serde_json's map orders the fields by name.
        assert_eq!(
            serde_urlencoded(&body).unwrap(),
            "n=2&ok=true&tag=a&tag=b+c"
        );
        let nested = serde_json::json!({"address": {"city": "x"}});
        assert!(serde_urlencoded(&nested).is_err());
        let nested = serde_json::json!({"pairs": [["a", "b"]]});
        assert!(serde_urlencoded(&nested).is_err());
    }
}
