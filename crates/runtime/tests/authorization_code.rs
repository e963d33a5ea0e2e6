//! The authorization code flow (RFC 6749 §4.1 with PKCE, RFC 7636) and the deprecated implicit
//! flow: what the authorize URL carries, and how callbacks are checked before any code is spent.

mod common;

use std::time::{Duration, SystemTime};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use common::*;
use provider_runtime::{AuthorizationCode, AuthorizationRequest, Error, OAuth2Config, OAuthClient};
use sha2::{Digest, Sha256};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A provider whose token endpoint issues `at-1`.
async fn provider() -> MockServer {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, token_body("at-1")).await;
    server
}

/// A provider whose token endpoint must never be called.
async fn provider_expecting_no_token_request() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("at-1")))
        .expect(0)
        .named("token endpoint")
        .mount(&server)
        .await;
    server
}

/// One query parameter of the authorize URL.
fn url_param(request: &AuthorizationRequest, name: &str) -> Option<String> {
    request
        .url()
        .query_pairs()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

/// The URL the browser lands on after the provider redirects back.
fn callback(query: &str) -> String {
    format!("{REDIRECT_URI}?{query}")
}

fn client(server: &MockServer) -> OAuthClient {
    oauth_client(config(server), "web-app", Some("secret"))
}

#[tokio::test]
async fn the_authorize_url_carries_state_pkce_scopes_and_extra_params() {
    let server = provider().await;
    let config = OAuth2Config {
        extra_authorize_params: vec![
            ("prompt".to_owned(), "consent".to_owned()),
            ("access_type".to_owned(), "offline".to_owned()),
        ],
        ..config(&server)
    };
    let oauth = oauth_client(config, "web-app", Some("secret"));

    let request = oauth
        .authorize_url(REDIRECT_URI, &["read", "write"])
        .unwrap();
    let other = oauth
        .authorize_url(REDIRECT_URI, &["read", "write"])
        .unwrap();

    assert_eq!(request.url().path(), AUTHORIZE_PATH);
    assert_eq!(
        url_param(&request, "response_type").as_deref(),
        Some("code")
    );
    assert_eq!(url_param(&request, "client_id").as_deref(), Some("web-app"));
    assert_eq!(
        url_param(&request, "redirect_uri").as_deref(),
        Some(REDIRECT_URI)
    );
    assert_eq!(request.redirect_uri(), REDIRECT_URI);
    assert_eq!(url_param(&request, "scope").as_deref(), Some("read write"));
    assert_eq!(url_param(&request, "prompt").as_deref(), Some("consent"));
    assert_eq!(
        url_param(&request, "access_type").as_deref(),
        Some("offline")
    );
    let state = url_param(&request, "state").unwrap();
    assert_eq!(state, request.state());
    assert!(
        state.len() >= 43,
        "state {state:?} is too short to be unguessable"
    );
    assert_eq!(
        url_param(&request, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(
        url_param(&request, "code_challenge").unwrap().len(),
        43,
        "BASE64URL(SHA-256) is 43 characters"
    );
    // Every request gets fresh values.
    assert_ne!(other.state(), request.state());
    assert_ne!(
        url_param(&other, "code_challenge"),
        url_param(&request, "code_challenge")
    );
}

#[tokio::test]
async fn the_pkce_challenge_matches_the_verifier_sent_at_exchange() {
    let server = provider().await;
    let oauth = client(&server);
    let request = oauth.authorize_url(REDIRECT_URI, &["read"]).unwrap();

    let token = oauth
        .exchange_callback(
            &request,
            &callback(&format!("code=code-1&state={}", request.state())),
        )
        .await
        .unwrap();

    assert_eq!(token.access_token().secret(), "at-1");
    let exchange = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(
        form_field(&exchange, "grant_type").as_deref(),
        Some("authorization_code")
    );
    assert_eq!(form_field(&exchange, "code").as_deref(), Some("code-1"));
    assert_eq!(
        form_field(&exchange, "redirect_uri").as_deref(),
        Some(REDIRECT_URI)
    );
    let verifier = form_field(&exchange, "code_verifier").expect("a code_verifier");
    assert!((43..=128).contains(&verifier.len()), "RFC 7636 §4.1 length");
    assert!(
        verifier
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._~".contains(c)),
        "RFC 7636 §4.1 alphabet"
    );
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    assert_eq!(url_param(&request, "code_challenge"), Some(challenge));
}

#[tokio::test]
async fn no_pkce_when_the_provider_opts_out() {
    let server = provider().await;
    let oauth = oauth_client(
        OAuth2Config {
            pkce: false,
            ..config(&server)
        },
        "web-app",
        Some("secret"),
    );
    let request = oauth.authorize_url(REDIRECT_URI, &[]).unwrap();

    oauth
        .exchange_callback(
            &request,
            &callback(&format!("state={}&code=code-1", request.state())),
        )
        .await
        .unwrap();

    assert_eq!(url_param(&request, "code_challenge"), None);
    assert_eq!(url_param(&request, "code_challenge_method"), None);
    assert_eq!(
        url_param(&request, "scope"),
        None,
        "no scopes asked, none sent"
    );
    let exchange = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(form_field(&exchange, "code_verifier"), None);
}

#[tokio::test]
async fn a_callback_with_a_foreign_state_is_refused_before_any_token_request() {
    let server = provider_expecting_no_token_request().await;
    let oauth = client(&server);
    let request = oauth.authorize_url(REDIRECT_URI, &[]).unwrap();
    let another = oauth.authorize_url(REDIRECT_URI, &[]).unwrap();

    let forged = [
        callback("code=stolen&state=forged"),
        callback("code=stolen"),
        callback(&format!("code=stolen&state={}", another.state())),
        callback(&format!("code=stolen&state={}x", request.state())),
        // An attacker's error callback is as unwelcome as their code.
        callback("error=access_denied&state=forged"),
    ];
    for url in forged {
        let error = oauth.exchange_callback(&request, &url).await.unwrap_err();
        assert!(matches!(error, Error::StateMismatch), "{url}: {error:?}");
    }
    let error = oauth
        .exchange_code(&request, AuthorizationCode::new("stolen"), another.state())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::StateMismatch), "{error:?}");
    server.verify().await;
}

#[tokio::test]
async fn an_access_denied_callback_is_an_oauth_error() {
    let server = provider_expecting_no_token_request().await;
    let oauth = client(&server);
    let request = oauth.authorize_url(REDIRECT_URI, &[]).unwrap();

    let url = callback(&format!(
        "error=access_denied&error_description=The+user+said+no&state={}",
        request.state()
    ));
    let error = oauth.exchange_callback(&request, &url).await.unwrap_err();

    let Error::OAuth {
        error: code,
        description,
        status,
        ..
    } = &error
    else {
        panic!("expected an OAuth error, got {error:?}")
    };
    assert_eq!(code, "access_denied");
    assert_eq!(description.as_deref(), Some("The user said no"));
    assert_eq!(*status, None, "no HTTP response was involved");
    server.verify().await;
}

#[tokio::test]
async fn a_callback_without_code_or_error_is_refused() {
    let server = provider_expecting_no_token_request().await;
    let oauth = client(&server);
    let request = oauth.authorize_url(REDIRECT_URI, &[]).unwrap();

    let error = oauth
        .exchange_callback(&request, &callback(&format!("state={}", request.state())))
        .await
        .unwrap_err();

    assert!(
        error.to_string().contains("neither `code` nor `error`"),
        "{error}"
    );
    server.verify().await;
}

#[tokio::test]
async fn no_authorization_endpoint_means_no_authorize_url() {
    let server = provider().await;
    let oauth = oauth_client(
        OAuth2Config {
            authorize_url: None,
            ..config(&server)
        },
        "app",
        None,
    );
    assert!(matches!(
        oauth.authorize_url(REDIRECT_URI, &[]),
        Err(Error::InvalidConfig(_))
    ));
}

#[tokio::test]
#[allow(deprecated)] // the implicit grant is deprecated, and still offered by Text
async fn the_implicit_flow_reads_the_token_from_the_fragment_after_checking_state() {
    let server = provider_expecting_no_token_request().await;
    let oauth = client(&server);
    let request = oauth
        .implicit_authorize_url(REDIRECT_URI, &["chats--all:ro"])
        .unwrap();
    assert_eq!(
        url_param(&request, "response_type").as_deref(),
        Some("token")
    );
    assert_eq!(
        url_param(&request, "code_challenge"),
        None,
        "PKCE belongs to the code flow"
    );

    let before = SystemTime::now();
    let redirect = format!(
        "{REDIRECT_URI}#access_token=dal%3Aabc-123&token_type=Bearer&expires_in=28800&state={}",
        request.state()
    );
    let token = oauth.parse_implicit_redirect(&request, &redirect).unwrap();

    assert_eq!(token.access_token().secret(), "dal:abc-123");
    let expires_at = token.expires_at().unwrap();
    assert!(
        expires_at >= before + Duration::from_secs(28_800)
            && expires_at <= SystemTime::now() + Duration::from_secs(28_800)
    );
    assert_eq!(
        token.extra("state"),
        None,
        "the state is not part of the token"
    );

    let forged = format!("{REDIRECT_URI}#access_token=evil&state=forged");
    assert!(matches!(
        oauth.parse_implicit_redirect(&request, &forged),
        Err(Error::StateMismatch)
    ));
    // A token in the query (not the fragment) is not where the implicit flow puts it.
    let in_query = format!("{REDIRECT_URI}?access_token=evil&state={}", request.state());
    assert!(matches!(
        oauth.parse_implicit_redirect(&request, &in_query),
        Err(Error::StateMismatch)
    ));
    let denied = format!(
        "{REDIRECT_URI}#error=access_denied&state={}",
        request.state()
    );
    assert_eq!(
        oauth
            .parse_implicit_redirect(&request, &denied)
            .unwrap_err()
            .oauth_error(),
        Some("access_denied")
    );
    server.verify().await;
}
