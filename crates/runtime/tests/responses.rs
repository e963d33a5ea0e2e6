//! What reaches the caller besides a body: status and headers with the typed body
//! (`send_with_response`), a response read whole or streamed past the API body cap
//! (`send_response`), and a caller's own reqwest client, over 127.0.0.1.

mod common;

use std::time::Duration;

use common::*;
use provider_runtime::describe::{KeyLocation, Provider, Scheme, SchemeKind};
use provider_runtime::engine::Builder;
use provider_runtime::{ApiKey, Credential, Error, Method, Transport};
use reqwest::StatusCode;
use serde_json::{json, Value};
use wiremock::matchers::{header as header_is, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LINK: &str = "<https://api.example/items?page=2>; rel=\"next\"";

async fn mount_items(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/items"))
        .and(header_is("x-api-key", "key"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("link", LINK)
                .insert_header("x-ratelimit-remaining", "41")
                .set_body_json(json!({"items": [1, 2]})),
        )
        .mount(server)
        .await;
}

fn keyed_client(server: &MockServer) -> provider_runtime::ApiClient {
    api_client(
        server,
        vec![Credential::api_key_header("x-api-key", ApiKey::new("key")).unwrap()],
    )
}

#[tokio::test]
async fn the_typed_body_comes_with_its_status_and_headers() {
    let server = MockServer::start().await;
    mount_items(&server).await;
    let client = keyed_client(&server);

    let response = client
        .operation(Method::GET, "/items", &[])
        .send_with_response::<Value>()
        .await
        .unwrap();

    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["link"], LINK);
    assert_eq!(response.headers()["x-ratelimit-remaining"], "41");
    assert_eq!(response["items"], json!([1, 2]), "derefs to the body");
    assert_eq!(response.into_inner(), json!({"items": [1, 2]}));
}

#[tokio::test]
async fn the_escape_hatch_returns_status_headers_and_a_readable_body() {
    let server = MockServer::start().await;
    mount_items(&server).await;
    let client = keyed_client(&server);

    let response = client
        .request(Method::GET, "/items")
        .send_response()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["link"], LINK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["items"], json!([1, 2]));

    let text = client
        .request(Method::GET, "/items")
        .send_response()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(text, r#"{"items":[1,2]}"#);
}

#[tokio::test]
async fn a_body_over_the_cap_streams_in_chunks_but_is_refused_whole() {
    const LEN: usize = 16 * 1024 * 1024 + 1024;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/download"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![7u8; LEN]))
        .mount(&server)
        .await;
    let client = keyed_client(&server);

    let mut response = client
        .request(Method::GET, "/download")
        .send_response()
        .await
        .unwrap();
    let mut read = 0;
    while let Some(chunk) = response.chunk().await.unwrap() {
        assert!(chunk.iter().all(|b| *b == 7));
        read += chunk.len();
    }
    assert_eq!(read, LEN);

    let whole = client
        .request(Method::GET, "/download")
        .send_response()
        .await
        .unwrap()
        .bytes()
        .await;
    assert!(
        matches!(whole, Err(Error::UnexpectedBody { .. })),
        "{whole:?}"
    );
}

#[tokio::test]
async fn a_failed_status_is_an_error_before_any_body_is_handed_out() {
    let server = MockServer::start().await;
    Mock::given(path("/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "not_found"})))
        .mount(&server)
        .await;
    let result = keyed_client(&server)
        .request(Method::GET, "/missing")
        .send_response()
        .await;
    assert!(
        matches!(result, Err(Error::Api { status, .. }) if status == StatusCode::NOT_FOUND),
        "{result:?}"
    );
}

static KEYED: Provider = Provider {
    title: "Keyed",
    base_url: "https://example.invalid",
    variables: &[],
    headers: &[],
    schemes: &[Scheme {
        setter: "api_key",
        kind: SchemeKind::ApiKey {
            location: KeyLocation::Header,
            name: "X-Api-Key",
            env: "KEYED_API_KEY",
        },
        requires: &[],
    }],
};

#[tokio::test]
async fn a_caller_built_reqwest_client_sends_its_default_headers() {
    let server = MockServer::start().await;
    Mock::given(path("/ping"))
        .and(header_is("x-tenant", "acme"))
        .and(header_is("x-api-key", "key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-tenant", "acme".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let engine = Builder::new(&KEYED)
        .api_key("api_key", ApiKey::new("key"))
        .base_url(server.uri())
        .reqwest_client(http)
        .build()
        .unwrap();

    let body: Value = engine.request(Method::GET, "/ping").send().await.unwrap();
    assert_eq!(body, json!({"ok": true}));
}

#[tokio::test]
async fn a_client_that_follows_redirects_itself_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/moved"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "/ping"))
        .mount(&server)
        .await;
    Mock::given(path("/ping"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    // reqwest's default policy follows up to ten redirects.
    let client = provider_runtime::ApiClient::new(
        server.uri().parse().unwrap(),
        Vec::new(),
        Transport::from_client(reqwest::Client::new(), Duration::from_secs(5)),
    );

    let result = client.request(Method::GET, "/moved").send::<Value>().await;
    match result {
        Err(Error::InvalidConfig(message)) => assert!(message.contains("Policy::none()")),
        other => panic!("expected a refusal, got {other:?}"),
    }
}
