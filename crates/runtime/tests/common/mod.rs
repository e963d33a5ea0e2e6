//! Shared setup of the runtime's integration tests: a provider stood up on wiremock (127.0.0.1,
//! real sockets), clients pointed at it, and readers for what the provider received.
//!
//! Each test binary uses a subset of these helpers.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use provider_runtime::{
    AccessToken, ApiClient, ClientSecret, Credential, OAuth2Config, OAuthClient, RefreshToken,
    Renewal, Token, TokenSource, TokenStore, Transport, Variables,
};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// Where the stand-in provider's token endpoint lives.
pub const TOKEN_PATH: &str = "/oauth/token";
/// Where its authorization endpoint lives.
pub const AUTHORIZE_PATH: &str = "/oauth/authorize";
/// The redirect URI registered for the test client.
pub const REDIRECT_URI: &str = "http://127.0.0.1:8765/callback";

/// A transport with a timeout short enough that a hung test fails instead of stalling CI.
pub fn transport() -> Transport {
    Transport::from_builder(reqwest::Client::builder(), Duration::from_secs(10)).expect("transport")
}

/// RFC 6749 defaults with `server`'s token and authorization endpoints.
pub fn config(server: &MockServer) -> OAuth2Config {
    OAuth2Config {
        authorize_url: Some(format!("{}{AUTHORIZE_PATH}", server.uri())),
        ..OAuth2Config::new(format!("{}{TOKEN_PATH}", server.uri()))
    }
}

/// An OAuth client for `config`, registered as `client_id` with an optional secret.
pub fn oauth_client(
    config: OAuth2Config,
    client_id: &str,
    client_secret: Option<&str>,
) -> OAuthClient {
    OAuthClient::new(
        config,
        &Variables::new(),
        client_id,
        client_secret.map(ClientSecret::new),
        transport(),
    )
    .expect("OAuth client")
}

/// A successful token response body, valid for an hour.
pub fn token_body(access_token: &str) -> Value {
    json!({"access_token": access_token, "token_type": "Bearer", "expires_in": 3600})
}

/// Answers every token request with `body` (status 200).
pub async fn mount_token_endpoint(server: &MockServer, body: Value) {
    mount_token_endpoint_at(server, TOKEN_PATH, body).await;
}

/// Answers every POST to `endpoint` with the token response `body` (status 200).
pub async fn mount_token_endpoint_at(server: &MockServer, endpoint: &str, body: Value) {
    Mock::given(method("POST"))
        .and(path(endpoint))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(server)
        .await;
}

/// Answers token requests with `first` once, then with `then` (a rotating provider, say).
pub async fn mount_token_sequence(server: &MockServer, first: Value, then: Value) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    mount_token_endpoint(server, then).await;
}

/// The requests `server` received at `request_path`, oldest first.
pub async fn requests_to(server: &MockServer, request_path: &str) -> Vec<Request> {
    let all = server
        .received_requests()
        .await
        .expect("request recording is on");
    all.into_iter()
        .filter(|r| r.url.path() == request_path)
        .collect()
}

/// The one request `server` received at `request_path`; fails the test on any other count.
pub async fn single_request_to(server: &MockServer, request_path: &str) -> Request {
    let mut requests = requests_to(server, request_path).await;
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request to {request_path}"
    );
    requests.remove(0)
}

/// A request's form-encoded body as name/value pairs, in order.
pub fn form_fields(request: &Request) -> Vec<(String, String)> {
    url::form_urlencoded::parse(&request.body)
        .into_owned()
        .collect()
}

/// One field of a request's form-encoded body.
pub fn form_field(request: &Request, name: &str) -> Option<String> {
    form_fields(request)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// A header of a request, as text.
pub fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().expect("ASCII header").to_owned())
}

/// One query parameter of a request.
pub fn query_param(request: &Request, name: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// A token that expired a minute ago, with an optional refresh token.
pub fn expired_token(access_token: &str, refresh_token: Option<&str>) -> Token {
    let token = Token::new(AccessToken::new(access_token))
        .with_expires_at(SystemTime::now() - Duration::from_secs(60));
    match refresh_token {
        Some(refresh) => token.with_refresh_token(RefreshToken::new(refresh)),
        None => token,
    }
}

/// A token source renewing through `oauth`, holding `token` already.
pub fn token_source(
    oauth: OAuthClient,
    renewal: Renewal,
    store: Option<Arc<dyn TokenStore>>,
    token: Option<Token>,
) -> Arc<TokenSource> {
    let source = Arc::new(TokenSource::new(oauth, renewal, store));
    if let Some(token) = token {
        source.set_token(token).expect("save token");
    }
    source
}

/// An API client for `server`'s origin with `credentials`.
pub fn api_client(server: &MockServer, credentials: Vec<Credential>) -> ApiClient {
    ApiClient::new(
        server.uri().parse().expect("server URI"),
        credentials,
        transport(),
    )
}

/// The `Authorization` value a request made with `access_token` carries.
pub fn bearer(access_token: &str) -> String {
    format!("Bearer {access_token}")
}
