//! Token endpoint responses as providers really send them, end to end through a token endpoint:
//! lenient where the RFC is bent harmlessly, strict (and clear) where the response is an error.

mod common;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use common::*;
use provider_runtime::{Credential, Error, OAuth2Config, Renewal, Result, Token};
use reqwest::StatusCode;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Runs the client credentials grant against a token endpoint answering `response`.
async fn issue_with(
    response: ResponseTemplate,
    config: impl FnOnce(&MockServer) -> OAuth2Config,
) -> Result<Token> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(response)
        .mount(&server)
        .await;
    oauth_client(config(&server), "id", Some("secret"))
        .client_credentials(&[])
        .await
}

/// Runs the client credentials grant against a token endpoint answering `body` with 200.
async fn issue(body: Value) -> Result<Token> {
    issue_with(ResponseTemplate::new(200).set_body_json(body), config).await
}

/// Asserts `expires_at` lies `lifetime` after some instant of `[before, after]`.
fn assert_expires_after(token: &Token, before: SystemTime, after: SystemTime, lifetime: Duration) {
    let expires_at = token.expires_at().expect("an expiry");
    assert!(
        expires_at >= before + lifetime && expires_at <= after + lifetime,
        "expiry {expires_at:?} is not {lifetime:?} after issue"
    );
}

#[tokio::test]
async fn lowercase_bearer_is_accepted_and_sent_back_as_bearer() {
    let server = MockServer::start().await;
    mount_token_endpoint(
        &server,
        json!({"access_token": "at-lower", "token_type": "bearer", "expires_in": 3600}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let oauth = oauth_client(config(&server), "id", Some("secret"));
    let source = token_source(
        oauth,
        Renewal::ClientCredentials { scopes: vec![] },
        None,
        None,
    );
    let api = api_client(&server, vec![Credential::oauth2(source)]);

    api.request(reqwest::Method::GET, "/me")
        .send::<Value>()
        .await
        .unwrap();

    let call = single_request_to(&server, "/me").await;
    assert_eq!(header(&call, "authorization").unwrap(), bearer("at-lower"));
}

#[tokio::test]
async fn missing_token_type_is_accepted() {
    let token = issue(json!({"access_token": "at-1", "expires_in": 60}))
        .await
        .unwrap();
    assert_eq!(token.access_token().secret(), "at-1");
}

#[tokio::test]
async fn expires_in_given_as_a_string_sets_the_expiry() {
    let before = SystemTime::now();
    let token =
        issue(json!({"access_token": "at-1", "token_type": "Bearer", "expires_in": "3600"}))
            .await
            .unwrap();
    assert_expires_after(&token, before, SystemTime::now(), Duration::from_secs(3600));
}

#[tokio::test]
async fn missing_expires_in_means_no_expiry_without_a_default_lifetime() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, json!({"access_token": "at-forever"})).await;
    let oauth = oauth_client(config(&server), "id", Some("secret"));
    let source = token_source(
        oauth,
        Renewal::ClientCredentials { scopes: vec![] },
        None,
        None,
    );

    let first = source.token().await.unwrap();
    let second = source.token().await.unwrap();

    assert_eq!(first.expires_at(), None);
    assert!(!first.needs_renewal(SystemTime::now() + Duration::from_secs(10 * 365 * 86_400)));
    assert_eq!(second.access_token(), first.access_token());
    assert_eq!(
        requests_to(&server, TOKEN_PATH).await.len(),
        1,
        "a token without expiry is reused"
    );
}

#[tokio::test]
async fn missing_expires_in_takes_the_configured_default_lifetime() {
    let lifetime = Duration::from_secs(120);
    let before = SystemTime::now();
    let response = ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": "at-1", "token_type": "Bearer"}));
    let token = issue_with(response, |server| OAuth2Config {
        default_lifetime: Some(lifetime),
        ..config(server)
    })
    .await
    .unwrap();
    assert_expires_after(&token, before, SystemTime::now(), lifetime);
}

#[tokio::test]
async fn created_at_counts_the_lifetime_from_the_issue_time() {
    // inTandem: a ~20-year token issued at `created_at`.
    let token = issue(json!({"access_token": "at-1", "created_at": 1_754_377_015, "expires_in": 631_139_040, "token_type": "Bearer"}))
        .await
        .unwrap();
    assert_eq!(
        token.expires_at(),
        Some(UNIX_EPOCH + Duration::from_secs(1_754_377_015 + 631_139_040))
    );
    assert_eq!(token.refresh_token(), None);
}

#[tokio::test]
async fn unknown_fields_stay_readable() {
    // Text: account and organization ids beside the token.
    let token = issue(json!({
        "access_token": "dal:abc",
        "account_id": "5e1c0ab0-0000-4000-8000-000000000001",
        "organization_id": "org-1",
        "expires_in": 28_800,
        "limits": {"rpm": 60},
    }))
    .await
    .unwrap();
    assert_eq!(
        token.extra("account_id"),
        Some(&json!("5e1c0ab0-0000-4000-8000-000000000001"))
    );
    assert_eq!(token.extra("organization_id"), Some(&json!("org-1")));
    assert_eq!(token.extra("limits"), Some(&json!({"rpm": 60})));
    assert_eq!(
        token.extra("access_token"),
        None,
        "interpreted fields are not duplicated as extras"
    );
    assert_eq!(token.access_token().prefix(), Some("dal"));
}

#[tokio::test]
async fn scopes_split_on_the_providers_separator() {
    let body =
        json!({"access_token": "dal:x", "scope": "chats--all:ro, chats--all:rw,agents--my:rw"});
    let response = ResponseTemplate::new(200).set_body_json(body);
    let comma = issue_with(response, |server| OAuth2Config {
        scope_separator: ",".to_owned(),
        ..config(server)
    })
    .await
    .unwrap();
    assert_eq!(
        comma.scopes().unwrap(),
        ["chats--all:ro", "chats--all:rw", "agents--my:rw"]
    );

    // ITCTXT: URI-shaped scopes, space-separated.
    let space = issue(json!({"access_token": "x", "scope": "https://com.beetexting.scopes/ReadContact https://com.beetexting.scopes/SendMessage"}))
        .await
        .unwrap();
    assert_eq!(
        space.scopes().unwrap(),
        [
            "https://com.beetexting.scopes/ReadContact",
            "https://com.beetexting.scopes/SendMessage"
        ]
    );
}

#[tokio::test]
async fn an_oauth_error_keeps_code_description_uri_and_status() {
    let body = json!({"error": "invalid_grant", "error_description": "refresh token expired", "error_uri": "https://docs.example/errors"});
    let error = issue_with(ResponseTemplate::new(400).set_body_json(body), config)
        .await
        .unwrap_err();

    let Error::OAuth {
        error: code,
        description,
        uri,
        status,
    } = &error
    else {
        panic!("expected an OAuth error, got {error:?}")
    };
    assert_eq!(code, "invalid_grant");
    assert_eq!(description.as_deref(), Some("refresh token expired"));
    assert_eq!(uri.as_deref(), Some("https://docs.example/errors"));
    assert_eq!(*status, Some(StatusCode::BAD_REQUEST));
    assert_eq!(
        error.to_string(),
        "OAuth error `invalid_grant`: refresh token expired"
    );
}

#[tokio::test]
async fn an_error_sent_with_status_200_is_still_an_error() {
    let error = issue(json!({"error": "invalid_client"})).await.unwrap_err();
    assert_eq!(error.oauth_error(), Some("invalid_client"));
    assert_eq!(error.status(), Some(StatusCode::OK));
}

#[tokio::test]
async fn an_html_error_page_is_reported_with_an_excerpt() {
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "nginx ".repeat(500)
    );
    let response = ResponseTemplate::new(502).set_body_raw(page, "text/html");
    let error = issue_with(response, config).await.unwrap_err();

    let Error::UnexpectedBody { status, excerpt } = &error else {
        panic!("expected UnexpectedBody, got {error:?}")
    };
    assert_eq!(*status, StatusCode::BAD_GATEWAY);
    assert!(
        excerpt.starts_with("<html><head><title>502 Bad Gateway"),
        "{excerpt}"
    );
    assert!(
        excerpt.chars().count() <= 200,
        "the excerpt is capped, not the whole page"
    );
    assert!(error.to_string().contains("502 Bad Gateway"));
}

#[tokio::test]
async fn an_oversized_body_is_refused_not_read_whole() {
    let padding = "x".repeat(1024 * 1024);
    let response = ResponseTemplate::new(200)
        .set_body_json(json!({"access_token": "at-1", "padding": padding}));
    let error = issue_with(response, config).await.unwrap_err();

    let Error::UnexpectedBody { status, excerpt } = &error else {
        panic!("expected UnexpectedBody, got {error:?}")
    };
    assert_eq!(*status, StatusCode::OK);
    assert!(excerpt.contains("limit"), "{excerpt}");
    assert!(
        !error.to_string().contains("xxxxxxxx"),
        "the body is not quoted"
    );
}

#[tokio::test]
async fn a_success_without_an_access_token_is_a_decode_error() {
    let error = issue(json!({"token_type": "Bearer", "expires_in": 3600}))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn a_default_lifetime_of_u64_max_seconds_means_a_token_that_does_not_expire_soon() {
    let token = issue_with(
        ResponseTemplate::new(200).set_body_json(json!({"access_token": "at-forever"})),
        |server| OAuth2Config {
            default_lifetime: Some(Duration::from_secs(u64::MAX)),
            ..config(server)
        },
    )
    .await
    .unwrap();

    let fifty_years = Duration::from_secs(50 * 365 * 86_400);
    assert!(token.expires_at().unwrap() > SystemTime::now() + fifty_years);
    assert!(!token.needs_renewal(SystemTime::now() + fifty_years));
}

#[tokio::test]
async fn a_token_type_the_client_does_not_understand_is_refused() {
    for kind in ["mac", "DPoP", "N_A"] {
        let error = issue(json!({"access_token": "at-1", "token_type": kind}))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Decode { message, .. } if message.contains(kind) && message.contains("Bearer")),
            "{kind}: {error:?}"
        );
    }
    issue(json!({"access_token": "at-1", "token_type": "BEARER"}))
        .await
        .expect("Bearer in any case");
    issue(json!({"access_token": "at-1"}))
        .await
        .expect("an absent token type is taken for Bearer");
}

#[tokio::test]
async fn an_access_token_that_no_header_can_carry_is_refused_and_not_cached() {
    let server = MockServer::start().await;
    mount_token_sequence(
        &server,
        token_body("at-1\r\nX-Injected: yes"),
        token_body("at-2"),
    )
    .await;
    let source = token_source(
        oauth_client(config(&server), "id", Some("secret")),
        Renewal::ClientCredentials { scopes: vec![] },
        None,
        None,
    );

    let error = source.token().await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { message, .. } if message.contains("unusable access token")),
        "{error:?}"
    );
    assert_eq!(
        source.token().await.unwrap().access_token().secret(),
        "at-2",
        "the next call asks again instead of reusing the unusable token"
    );
}

#[tokio::test]
async fn expires_in_zero_does_not_cost_one_token_request_per_call() {
    let server = MockServer::start().await;
    mount_token_endpoint(
        &server,
        json!({"access_token": "at-0s", "token_type": "Bearer", "expires_in": 0}),
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    let source = token_source(
        oauth_client(config(&server), "id", Some("secret")),
        Renewal::ClientCredentials { scopes: vec![] },
        None,
        None,
    );
    let api = api_client(&server, vec![Credential::oauth2(source)]);

    for _ in 0..10 {
        api.request(reqwest::Method::GET, "/me")
            .send::<Value>()
            .await
            .unwrap();
    }

    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1);
}
