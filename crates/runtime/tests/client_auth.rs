//! The exact bytes each client authentication style and body format puts on the wire at the
//! token endpoint, for every grant: what a strict provider checks byte for byte.

mod common;

use common::*;
use provider_runtime::{
    AuthorizationCode, BodyFormat, ClientAuth, OAuth2Config, Password, RefreshToken,
};
use wiremock::MockServer;

/// A secret holding every character RFC 6749 §2.3.1's form-urlencoding changes, and a space.
const AWKWARD_SECRET: &str = "s3cr:et +/%&= x";
/// The same secret, form-urlencoded.
const AWKWARD_SECRET_ENCODED: &str = "s3cr%3Aet+%2B%2F%25%26%3D+x";
const CLIENT_ID: &str = "my client";

async fn provider() -> MockServer {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, token_body("at-1")).await;
    server
}

fn with_auth(server: &MockServer, client_auth: ClientAuth) -> OAuth2Config {
    OAuth2Config {
        client_auth,
        ..config(server)
    }
}

#[tokio::test]
async fn basic_auth_form_encodes_id_and_secret_before_base64() {
    let server = provider().await;
    let oauth = oauth_client(
        with_auth(&server, ClientAuth::Basic),
        CLIENT_ID,
        Some(AWKWARD_SECRET),
    );

    oauth.client_credentials(&["read", "write"]).await.unwrap();

    let request = single_request_to(&server, TOKEN_PATH).await;
    // base64("my+client:s3cr%3Aet+%2B%2F%25%26%3D+x")
    assert_eq!(
        header(&request, "authorization").unwrap(),
        "Basic bXkrY2xpZW50OnMzY3IlM0FldCslMkIlMkYlMjUlMjYlM0QreA=="
    );
    assert_eq!(
        header(&request, "content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(header(&request, "accept").unwrap(), "application/json");
    // The credentials travel in the header only.
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        "grant_type=client_credentials&scope=read+write"
    );
}

#[tokio::test]
async fn form_auth_puts_id_and_secret_in_the_form_body() {
    let server = provider().await;
    let oauth = oauth_client(
        with_auth(&server, ClientAuth::Form),
        CLIENT_ID,
        Some(AWKWARD_SECRET),
    );

    oauth.client_credentials(&["read", "write"]).await.unwrap();

    let request = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(
        header(&request, "content-type").unwrap(),
        "application/x-www-form-urlencoded"
    );
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        format!("grant_type=client_credentials&scope=read+write&client_id=my+client&client_secret={AWKWARD_SECRET_ENCODED}")
    );
}

#[tokio::test]
async fn json_auth_sends_the_code_exchange_as_a_json_object() {
    // inTandem: authorization code, JSON body with the client's credentials, no PKCE.
    let server = provider().await;
    let config = OAuth2Config {
        pkce: false,
        ..with_auth(&server, ClientAuth::Json)
    };
    let oauth = oauth_client(config, CLIENT_ID, Some(AWKWARD_SECRET));
    let authorization = oauth.authorize_url(REDIRECT_URI, &[]).unwrap();

    oauth
        .exchange_code(
            &authorization,
            AuthorizationCode::new("code-1"),
            authorization.state(),
        )
        .await
        .unwrap();

    let request = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(
        header(&request, "content-type").unwrap(),
        "application/json"
    );
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        format!(
            r#"{{"client_id":"my client","client_secret":"{AWKWARD_SECRET}","code":"code-1","grant_type":"authorization_code","redirect_uri":"{REDIRECT_URI}"}}"#
        )
    );
}

#[tokio::test]
async fn json_body_format_with_basic_auth_keeps_the_secret_in_the_header() {
    let server = provider().await;
    let config = OAuth2Config {
        body_format: BodyFormat::Json,
        ..with_auth(&server, ClientAuth::Basic)
    };
    let oauth = oauth_client(config, CLIENT_ID, Some(AWKWARD_SECRET));

    oauth.client_credentials(&["read"]).await.unwrap();

    let request = single_request_to(&server, TOKEN_PATH).await;
    assert!(header(&request, "authorization")
        .unwrap()
        .starts_with("Basic "));
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        r#"{"grant_type":"client_credentials","scope":"read"}"#
    );
}

#[tokio::test]
async fn password_grant_sends_the_login_in_the_providers_field() {
    // CloudCX: a public client, the login sent as `email`.
    let server = provider().await;
    let config = OAuth2Config {
        username_field: "email".to_owned(),
        ..with_auth(&server, ClientAuth::None)
    };
    let oauth = oauth_client(config, "cloudcx-app", None);

    oauth
        .password("agent@example.com", &Password::new("p@ss w0rd&="), &[])
        .await
        .unwrap();

    let request = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(header(&request, "authorization"), None);
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        "grant_type=password&email=agent%40example.com&password=p%40ss+w0rd%26%3D&client_id=cloudcx-app"
    );
}

#[tokio::test]
async fn public_client_sends_its_id_and_never_a_secret() {
    let server = provider().await;
    // A secret configured by mistake stays home when the provider says the client is public.
    let public = oauth_client(
        with_auth(&server, ClientAuth::None),
        "public-app",
        Some("not-sent"),
    );
    // A client registered for Basic but given no secret is public too.
    let secretless = oauth_client(with_auth(&server, ClientAuth::Basic), "public-app", None);

    for oauth in [public, secretless] {
        let authorization = oauth.authorize_url(REDIRECT_URI, &[]).unwrap();
        oauth
            .exchange_code(
                &authorization,
                AuthorizationCode::new("code-1"),
                authorization.state(),
            )
            .await
            .unwrap();
    }

    let requests = requests_to(&server, TOKEN_PATH).await;
    assert_eq!(requests.len(), 2);
    for request in requests {
        assert_eq!(header(&request, "authorization"), None);
        let verifier = form_field(&request, "code_verifier").expect("PKCE verifier");
        assert_eq!(
            String::from_utf8(request.body).unwrap(),
            format!(
                "grant_type=authorization_code&code=code-1&redirect_uri=http%3A%2F%2F127.0.0.1%3A8765%2Fcallback&code_verifier={verifier}&client_id=public-app"
            )
        );
    }
}

#[tokio::test]
async fn extra_token_params_follow_every_grant_including_refresh() {
    let server = provider().await;
    let config = OAuth2Config {
        extra_token_params: vec![
            ("audience".to_owned(), "https://api.example/v1".to_owned()),
            ("tenant".to_owned(), "acme".to_owned()),
        ],
        refresh_url: Some(format!("{}/oauth/refresh", server.uri())),
        ..with_auth(&server, ClientAuth::Form)
    };
    mount_token_endpoint_at(&server, "/oauth/refresh", token_body("at-2")).await;
    let oauth = oauth_client(config, "id", Some("secret"));

    oauth.client_credentials(&[]).await.unwrap();
    oauth.refresh(&RefreshToken::new("rt-1")).await.unwrap();

    let token_request = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(
        String::from_utf8(token_request.body).unwrap(),
        "grant_type=client_credentials&client_id=id&client_secret=secret&audience=https%3A%2F%2Fapi.example%2Fv1&tenant=acme"
    );
    // Refreshes go to the separate refresh endpoint, with the same extras.
    let refresh_request = single_request_to(&server, "/oauth/refresh").await;
    assert_eq!(
        String::from_utf8(refresh_request.body).unwrap(),
        "grant_type=refresh_token&refresh_token=rt-1&client_id=id&client_secret=secret&audience=https%3A%2F%2Fapi.example%2Fv1&tenant=acme"
    );
}

#[tokio::test]
async fn scopes_are_joined_with_the_providers_separator_or_left_out() {
    let server = provider().await;
    let comma = oauth_client(
        OAuth2Config {
            scope_separator: ",".to_owned(),
            ..config(&server)
        },
        "id",
        Some("secret"),
    );
    let unsent = oauth_client(
        OAuth2Config {
            send_scopes: false,
            ..config(&server)
        },
        "id",
        Some("secret"),
    );

    comma
        .client_credentials(&["chats--all:ro", "chats--all:rw"])
        .await
        .unwrap();
    unsent.client_credentials(&["chats--all:ro"]).await.unwrap();

    let requests = requests_to(&server, TOKEN_PATH).await;
    assert_eq!(requests.len(), 2);
    assert_eq!(
        String::from_utf8(requests[0].body.clone()).unwrap(),
        "grant_type=client_credentials&scope=chats--all%3Aro%2Cchats--all%3Arw"
    );
    assert_eq!(
        String::from_utf8(requests[1].body.clone()).unwrap(),
        "grant_type=client_credentials"
    );
}
