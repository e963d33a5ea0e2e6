//! Spec values that must reach the wire exactly as written (issue 11's silent mis-sends):
//! `{variable}` templates in `extra_token_params` and `extra_authorize_params`, `default_scopes` in every grant that sends
//! scopes (authorize URLs and the loopback flow included), and lists in form bodies.

mod common;

use std::time::Duration;

use common::*;
use provider_runtime::{
    authorize_with_loopback, ClientSecret, Error, OAuth2Config, OAuthClient, Password, Variables,
};
use reqwest::Method;
use serde_json::{json, Value};
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn provider() -> MockServer {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, token_body("at-1")).await;
    server
}

fn url_scope(url: &Url) -> Option<String> {
    url.query_pairs()
        .find(|(n, _)| n == "scope")
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn extra_token_params_are_filled_from_the_variables() {
    let server = provider().await;
    let config = OAuth2Config {
        extra_token_params: vec![
            (
                "audience".to_owned(),
                "https://{tenant}.example/api".to_owned(),
            ),
            ("account_id".to_owned(), "{account}".to_owned()),
        ],
        ..config(&server)
    };
    let mut variables = Variables::new();
    variables.set("tenant", "acme").unwrap();
    variables.set("account", "42&grant_type=password").unwrap();
    let oauth = OAuthClient::new(
        config.clone(),
        &variables,
        "m2m",
        Some(ClientSecret::new("s")),
        transport(),
    )
    .unwrap();

    oauth.client_credentials(&[]).await.unwrap();

    let request = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(
        String::from_utf8(request.body.clone()).unwrap(),
        "grant_type=client_credentials\
         &audience=https%3A%2F%2Facme.example%2Fapi\
         &account_id=42%26grant_type%3Dpassword",
        "each value filled in as text, then form-encoded as one field"
    );

    let missing = OAuthClient::new(config, &Variables::new(), "m2m", None, transport());
    let Err(Error::InvalidConfig(message)) = missing else {
        panic!("built without the variables: {missing:?}")
    };
    assert!(message.contains("`tenant`"), "{message}");
}

#[tokio::test]
async fn extra_authorize_params_are_filled_from_the_variables() {
    let server = provider().await;
    let config = OAuth2Config {
        extra_authorize_params: vec![
            (
                "audience".to_owned(),
                "https://{tenant}.example/api".to_owned(),
            ),
            ("login_hint".to_owned(), "{user}".to_owned()),
        ],
        ..config(&server)
    };
    let mut variables = Variables::new();
    variables.set("tenant", "acme").unwrap();
    variables.set("user", "ann&prompt=none").unwrap();
    let oauth = OAuthClient::new(config, &variables, "app", None, transport()).unwrap();

    let request = oauth.authorize_url(REDIRECT_URI, &[]).unwrap();

    let query: Vec<(String, String)> = request.url().query_pairs().into_owned().collect();
    let value = |name: &str| {
        let values: Vec<&str> = query
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect();
        values
    };
    assert_eq!(value("audience"), ["https://acme.example/api"]);
    assert_eq!(
        value("login_hint"),
        ["ann&prompt=none"],
        "one value, no added parameter"
    );
    assert!(value("prompt").is_empty());
}

fn with_default_scopes(server: &MockServer, send_scopes: bool) -> OAuthClient {
    let config = OAuth2Config {
        default_scopes: vec!["read".to_owned(), "write".to_owned()],
        send_scopes,
        ..config(server)
    };
    oauth_client(config, "app", Some("secret"))
}

#[tokio::test]
#[allow(deprecated)]
async fn default_scopes_go_to_the_authorize_url_when_the_caller_names_none() {
    let server = provider().await;
    let oauth = with_default_scopes(&server, true);

    let defaulted = oauth.authorize_url(REDIRECT_URI, &[]).unwrap();
    let chosen = oauth.authorize_url(REDIRECT_URI, &["admin"]).unwrap();
    let implicit = oauth.implicit_authorize_url(REDIRECT_URI, &[]).unwrap();

    assert_eq!(url_scope(defaulted.url()).as_deref(), Some("read write"));
    assert_eq!(url_scope(chosen.url()).as_deref(), Some("admin"));
    assert_eq!(url_scope(implicit.url()).as_deref(), Some("read write"));

    let silent = with_default_scopes(&server, false);
    let request = silent.authorize_url(REDIRECT_URI, &[]).unwrap();
    assert_eq!(url_scope(request.url()), None, "send_scopes: false");
}

#[tokio::test]
async fn default_scopes_go_to_token_requests_when_the_caller_names_none() {
    let server = provider().await;
    let oauth = with_default_scopes(&server, true);

    oauth.client_credentials(&[]).await.unwrap();
    oauth
        .password("ann", &Password::new("pw"), &[])
        .await
        .unwrap();

    let requests = requests_to(&server, TOKEN_PATH).await;
    let scopes: Vec<_> = requests.iter().map(|r| form_field(r, "scope")).collect();
    assert_eq!(
        scopes,
        [Some("read write".to_owned()), Some("read write".to_owned())]
    );
}

#[tokio::test]
async fn default_scopes_go_to_the_loopback_flow_when_the_caller_names_none() {
    let server = provider().await;
    let oauth = with_default_scopes(&server, true);
    let mut opened = None;
    let mut browser = None;

    authorize_with_loopback(&oauth, &[], Duration::from_secs(10), |url| {
        opened = Some(url.clone());
        let param = |name: &str| {
            url.query_pairs()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.into_owned())
                .unwrap()
        };
        let callback = format!("{}?code=c&state={}", param("redirect_uri"), param("state"));
        browser = Some(tokio::spawn(async move {
            reqwest::get(callback).await.unwrap().status().as_u16()
        }));
    })
    .await
    .unwrap();

    assert_eq!(browser.unwrap().await.unwrap(), 200);
    assert_eq!(url_scope(&opened.unwrap()).as_deref(), Some("read write"));
}

#[tokio::test]
async fn form_bodies_send_lists_as_repeated_fields_and_omit_unset_ones() {
    #[derive(serde::Serialize)]
    struct Note {
        tags: Vec<String>,
        count: i64,
        urgent: bool,
        ratio: Option<f64>,
        memo: Option<String>,
    }
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/notes"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let api = api_client(&server, Vec::new());
    let note = Note {
        tags: vec!["a".to_owned(), "b c&d".to_owned()],
        count: 3,
        urgent: false,
        ratio: Some(0.5),
        memo: None,
    };

    let _: Value = api
        .request(Method::POST, "/notes")
        .form(&note)
        .send()
        .await
        .unwrap();

    let request = single_request_to(&server, "/notes").await;
    assert_eq!(
        header(&request, "content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        "count=3&ratio=0.5&tags=a&tags=b+c%26d&urgent=false"
    );
}
