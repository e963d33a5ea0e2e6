//! No secret ever shows: not in `Debug` or `Display` of any type holding one, not in error
//! messages of failing calls, not in TRACE-level logs of the runtime, reqwest or hyper during a
//! whole flow (code exchange, API call, 401, refresh, errors).
//!
//! The flow runs on a current-thread runtime, so every task it spawns (hyper's connections too)
//! logs into the subscriber this test installs on its thread. Every test here takes its turn
//! ([`LOGGING`]): a `tracing` callsite first hit on another thread while the subscriber is being
//! installed can miss it, and a capture that misses events would prove nothing.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use provider_runtime::{
    AccessToken, ApiKey, AuthorizationCode, ClientSecret, Credential, Error, FileStore,
    MemoryStore, OAuth2Config, OAuthClient, Password, PersonalAccessToken, PkceVerifier,
    RefreshToken, Renewal, TokenSource, TokenStore, Transport, Variables,
};
use reqwest::Method;
use serde_json::{json, Value};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::util::SubscriberInitExt;
use wiremock::matchers::{body_string_contains, header as header_is, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_SECRET: &str = "cs-SECRET-7f3a9";
const PASSWORD: &str = "pw-SECRET-91c2e";
const API_KEY: &str = "ak-SECRET-55d0b";
const ACCESS_TOKEN: &str = "at-SECRET-c0ffe";
const RENEWED_ACCESS_TOKEN: &str = "at-SECRET-d00d2";
const REFRESH_TOKEN: &str = "rt-SECRET-f00d1";
const ROTATED_REFRESH_TOKEN: &str = "rt-SECRET-beef2";
const AUTHORIZATION_CODE: &str = "code-SECRET-4b1d";
const PERSONAL_ACCESS_TOKEN: &str = "pat-SECRET-0a0a";

/// Held by every test of this file that emits log events (see the module comment).
static LOGGING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Everything written by the subscriber installed for one test.
#[derive(Clone, Default)]
struct CapturedLogs(Arc<Mutex<Vec<u8>>>);

impl CapturedLogs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLogs {
    type Writer = CapturedLogs;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Collects rendered outputs, then checks that none holds a secret.
#[derive(Default)]
struct Outputs(Vec<(String, String)>);

impl Outputs {
    fn debug(&mut self, what: &str, value: &impl std::fmt::Debug) {
        self.0
            .push((format!("{what} (Debug)"), format!("{value:?}")));
        self.0
            .push((format!("{what} (pretty Debug)"), format!("{value:#?}")));
    }

    fn display(&mut self, what: &str, value: &impl std::fmt::Display) {
        self.0
            .push((format!("{what} (Display)"), value.to_string()));
    }

    /// An error's message, its source chain and its `Debug`.
    fn error(&mut self, what: &str, error: &Error) {
        self.display(what, error);
        self.debug(what, error);
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            self.0.push((format!("{what} (source)"), cause.to_string()));
            source = cause.source();
        }
    }

    fn assert_free_of(&self, secrets: &[&str]) {
        for (what, text) in &self.0 {
            for secret in secrets {
                assert!(
                    !text.contains(secret),
                    "{what} reveals the secret {secret:?}:\n{text}"
                );
            }
        }
    }
}

fn all_secrets(verifier: &str) -> Vec<&str> {
    vec![
        CLIENT_SECRET,
        PASSWORD,
        API_KEY,
        ACCESS_TOKEN,
        RENEWED_ACCESS_TOKEN,
        REFRESH_TOKEN,
        ROTATED_REFRESH_TOKEN,
        AUTHORIZATION_CODE,
        PERSONAL_ACCESS_TOKEN,
        verifier,
    ]
}

#[test]
fn secret_types_redact_themselves() {
    let mut outputs = Outputs::default();
    outputs.debug("ClientSecret", &ClientSecret::new(CLIENT_SECRET));
    outputs.display("ClientSecret", &ClientSecret::new(CLIENT_SECRET));
    outputs.debug("Password", &Password::new(PASSWORD));
    outputs.display("Password", &Password::new(PASSWORD));
    outputs.debug("ApiKey", &ApiKey::new(API_KEY));
    outputs.display("ApiKey", &ApiKey::new(API_KEY));
    outputs.debug("AccessToken", &AccessToken::new(ACCESS_TOKEN));
    outputs.display("AccessToken", &AccessToken::new(ACCESS_TOKEN));
    outputs.debug("RefreshToken", &RefreshToken::new(REFRESH_TOKEN));
    outputs.display("RefreshToken", &RefreshToken::new(REFRESH_TOKEN));
    outputs.debug(
        "AuthorizationCode",
        &AuthorizationCode::new(AUTHORIZATION_CODE),
    );
    outputs.display(
        "AuthorizationCode",
        &AuthorizationCode::new(AUTHORIZATION_CODE),
    );
    outputs.debug(
        "PersonalAccessToken",
        &PersonalAccessToken::new(PERSONAL_ACCESS_TOKEN),
    );
    outputs.display(
        "PersonalAccessToken",
        &PersonalAccessToken::new(PERSONAL_ACCESS_TOKEN),
    );
    outputs.debug("PkceVerifier", &PkceVerifier::new("verifier-SECRET-1234"));
    outputs.display("PkceVerifier", &PkceVerifier::new("verifier-SECRET-1234"));
    outputs.assert_free_of(&all_secrets("verifier-SECRET-1234"));
    // The raw values are still there for the one place that sends them.
    assert_eq!(ClientSecret::new(CLIENT_SECRET).secret(), CLIENT_SECRET);
}

#[tokio::test]
async fn a_token_response_that_cannot_be_parsed_is_not_quoted() {
    let _turn = LOGGING.lock().await;
    // A provider ignoring `Accept: application/json` answers form-encoded (GitHub does).
    let server = MockServer::start().await;
    let body =
        format!("access_token={ACCESS_TOKEN}&refresh_token={REFRESH_TOKEN}&token_type=bearer");
    Mock::given(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(body, "application/x-www-form-urlencoded"),
        )
        .mount(&server)
        .await;
    let oauth = oauth_client(config(&server), "app", Some(CLIENT_SECRET));
    let mut outputs = Outputs::default();

    let error = oauth.client_credentials(&[]).await.unwrap_err();

    assert!(matches!(error, Error::UnexpectedBody { .. }), "{error:?}");
    outputs.error("unparsable token response", &error);
    outputs.assert_free_of(&all_secrets("no verifier in this flow"));
}

/// The stand-in provider: token endpoint per grant, an API that wants one renewal, a failing
/// endpoint, and a redirect to another origin.
async fn provider(elsewhere: &MockServer) -> MockServer {
    let server = MockServer::start().await;
    let grant = |grant: &str| {
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .and(body_string_contains(format!("grant_type={grant}")))
    };
    grant("authorization_code")
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN, "expires_in": 3600, "token_type": "bearer"}),
        ))
        .mount(&server)
        .await;
    grant("refresh_token")
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": RENEWED_ACCESS_TOKEN, "refresh_token": ROTATED_REFRESH_TOKEN, "expires_in": 3600}),
        ))
        .mount(&server)
        .await;
    grant("password")
        .respond_with(
            ResponseTemplate::new(400).set_body_json(
                json!({"error": "invalid_grant", "error_description": "wrong login"}),
            ),
        )
        .mount(&server)
        .await;
    grant("client_credentials")
        .respond_with(
            ResponseTemplate::new(502).set_body_raw("<html>Bad gateway</html>", "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(path("/me"))
        .and(header_is("authorization", bearer(ACCESS_TOKEN).as_str()))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path("/me"))
        .and(header_is(
            "authorization",
            bearer(RENEWED_ACCESS_TOKEN).as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 1})))
        .mount(&server)
        .await;
    Mock::given(path("/fail"))
        .respond_with(ResponseTemplate::new(500).set_body_json(json!({"message": "boom"})))
        .mount(&server)
        .await;
    Mock::given(path("/moved"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/landing", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    Mock::given(path("/landing"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(elsewhere)
        .await;
    server
}

#[tokio::test]
async fn a_full_flow_leaks_no_secret_into_debug_errors_or_trace_logs() {
    let _turn = LOGGING.lock().await;
    let logs = CapturedLogs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(logs.clone())
        .finish();
    let _installed = subscriber.set_default();
    let mut outputs = Outputs::default();

    let elsewhere = MockServer::start().await;
    let server = provider(&elsewhere).await;
    let config = config(&server);
    let oauth = oauth_client(config.clone(), "app", Some(CLIENT_SECRET));

    // Authorization code with PKCE.
    let request = oauth.authorize_url(REDIRECT_URI, &["read"]).unwrap();
    outputs.debug("AuthorizationRequest", &request);
    let forged = oauth
        .exchange_callback(
            &request,
            &format!("{REDIRECT_URI}?code={AUTHORIZATION_CODE}&state=forged"),
        )
        .await;
    outputs.error("state mismatch", &forged.unwrap_err());
    let callback = format!(
        "{REDIRECT_URI}?code={AUTHORIZATION_CODE}&state={}",
        request.state()
    );
    let token = oauth.exchange_callback(&request, &callback).await.unwrap();
    let verifier = form_field(&requests_to(&server, TOKEN_PATH).await[0], "code_verifier").unwrap();
    outputs.debug("Token", &token);

    // API calls: a 401, the refresh, the retry; a failing call; a redirect to another origin.
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn TokenStore> = Arc::new(FileStore::new(dir.path().join("token.json")));
    let renewal = Renewal::Password {
        username: "user@example.com".to_owned(),
        password: Password::new(PASSWORD),
        scopes: vec![],
    };
    outputs.debug("Renewal", &renewal);
    let source = Arc::new(TokenSource::new(
        oauth.clone(),
        renewal,
        Some(store.clone()),
    ));
    source.set_token(token).unwrap();
    let credentials = vec![
        Credential::oauth2(source.clone()),
        Credential::api_key_header("x-api-key", ApiKey::new(API_KEY)).unwrap(),
        Credential::api_key_query("api_key", ApiKey::new(API_KEY)),
    ];
    let api = api_client(&server, credentials);
    let me: Value = api.request(Method::GET, "/me").send().await.unwrap();
    assert_eq!(
        me,
        json!({"id": 1}),
        "the flow went through the 401 and the refresh"
    );
    api.request(Method::GET, "/moved")
        .send::<Value>()
        .await
        .unwrap();
    outputs.error(
        "API error",
        &api.request(Method::GET, "/fail")
            .send::<Value>()
            .await
            .unwrap_err(),
    );
    outputs.debug("Call", &api.request(Method::GET, "/me").query("page", 1));

    // Failing token requests.
    outputs.error(
        "OAuth error",
        &oauth
            .password("user@example.com", &Password::new(PASSWORD), &[])
            .await
            .unwrap_err(),
    );
    outputs.error(
        "HTML error",
        &oauth.client_credentials(&[]).await.unwrap_err(),
    );
    let unreachable = OAuthClient::new(
        OAuth2Config::new("http://127.0.0.1:1/token"),
        &Variables::new(),
        "app",
        Some(ClientSecret::new(CLIENT_SECRET)),
        transport(),
    )
    .unwrap();
    outputs.error(
        "token transport error",
        &unreachable
            .refresh(&RefreshToken::new(REFRESH_TOKEN))
            .await
            .unwrap_err(),
    );
    let closed = provider_runtime::ApiClient::new(
        "http://127.0.0.1:1/".parse().unwrap(),
        vec![Credential::api_key_query("api_key", ApiKey::new(API_KEY))],
        Transport::new().unwrap(),
    );
    outputs.error(
        "API transport error",
        &closed
            .request(Method::GET, "/x")
            .send::<Value>()
            .await
            .unwrap_err(),
    );

    // Every value holding secrets, after the flow.
    let memory = MemoryStore::new();
    memory.save(&store.load().unwrap().unwrap()).unwrap();
    outputs.debug("MemoryStore", &memory);
    outputs.debug("FileStore", &store);
    outputs.debug("TokenSource", &source);
    outputs.debug("OAuthClient", &oauth);
    outputs.debug("OAuth2Config", &config);
    outputs.debug("ApiClient", &api);
    outputs.debug(
        "Credential::Basic",
        &Credential::Basic {
            id: "acct".to_owned(),
            token: PersonalAccessToken::new(PERSONAL_ACCESS_TOKEN),
        },
    );
    outputs.debug(
        "Credential::Bearer",
        &Credential::Bearer(AccessToken::new(ACCESS_TOKEN)),
    );
    drop(_installed);

    let logs = logs.text();
    outputs.0.push(("TRACE logs".to_owned(), logs.clone()));
    outputs.assert_free_of(&all_secrets(&verifier));
    // The capture really saw the runtime and the HTTP stack, at TRACE level.
    for expected in [
        "token request",
        "401 from the API",
        "following redirect",
        "reqwest::connect",
        "hyper_util",
        "TRACE",
    ] {
        assert!(
            logs.contains(expected),
            "the captured logs lack {expected:?}:\n{logs}"
        );
    }
    let saved = store.load().unwrap().unwrap();
    assert_eq!(
        saved.refresh_token().unwrap().secret(),
        ROTATED_REFRESH_TOKEN,
        "the flow really rotated the refresh token"
    );
}

/// Secrets a provider may add to a token response beside the access and refresh tokens.
const ID_TOKEN: &str = "idt-SECRET-e1e10";
const PROVIDER_SECRET: &str = "extra-SECRET-a11a";

#[tokio::test]
async fn no_token_response_field_shows_through_any_type_holding_the_token() {
    let _turn = LOGGING.lock().await;
    let server = MockServer::start().await;
    mount_token_endpoint(
        &server,
        json!({
            "access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN, "id_token": ID_TOKEN,
            "signing_key": {"k": PROVIDER_SECRET}, "token_type": "Bearer", "expires_in": 3600,
        }),
    )
    .await;
    let store = Arc::new(MemoryStore::new());
    let source = Arc::new(TokenSource::new(
        oauth_client(config(&server), "app", Some(CLIENT_SECRET)),
        Renewal::ClientCredentials { scopes: vec![] },
        Some(store.clone()),
    ));
    let token = source.token().await.unwrap();
    let credential = Credential::oauth2(source.clone());
    let api = api_client(&server, vec![credential.clone()]);
    let call = api.request(Method::GET, "/me");
    let mut outputs = Outputs::default();

    outputs.debug("Token", &token);
    outputs.debug("TokenSource", &source);
    outputs.debug("MemoryStore", &store);
    outputs.debug("Credential", &credential);
    outputs.debug("ApiClient", &api);
    outputs.debug("Call", &call);

    let mut secrets = all_secrets("no verifier in this flow");
    secrets.extend([ID_TOKEN, PROVIDER_SECRET]);
    outputs.assert_free_of(&secrets);
    let debug = format!("{token:?}");
    assert!(
        debug.contains("id_token") && debug.contains("[redacted]"),
        "{debug}"
    );
    assert_eq!(
        token.extra("id_token").and_then(Value::as_str),
        Some(ID_TOKEN),
        "the value stays readable on purpose"
    );
}

#[tokio::test]
async fn an_authorization_requests_debug_hides_its_state() {
    let _turn = LOGGING.lock().await;
    let server = MockServer::start().await;
    let oauth = oauth_client(config(&server), "app", Some(CLIENT_SECRET));
    let request = oauth
        .authorize_url("http://127.0.0.1:8765/callback", &["read"])
        .unwrap();
    let mut outputs = Outputs::default();

    outputs.debug("AuthorizationRequest", &request);

    outputs.assert_free_of(&[request.state()]);
    assert!(format!("{request:?}").contains("client_id=app"));
}

#[tokio::test]
async fn a_failed_token_response_holding_tokens_is_quoted_without_them() {
    let _turn = LOGGING.lock().await;
    let bodies = [
        json!({"access_token": ACCESS_TOKEN, "error": "invalid_request", "error_description": "try again"}),
        json!({"access_token": ACCESS_TOKEN, "refresh_token": REFRESH_TOKEN, "message": "half issued"}),
        json!({"error": {"code": 7, "token": ACCESS_TOKEN}}),
    ];
    let mut outputs = Outputs::default();
    for (i, body) in bodies.into_iter().enumerate() {
        let server = MockServer::start().await;
        Mock::given(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(400).set_body_json(body))
            .mount(&server)
            .await;
        let error = oauth_client(config(&server), "app", Some(CLIENT_SECRET))
            .client_credentials(&[])
            .await
            .unwrap_err();
        outputs.error(&format!("token error {i}"), &error);
    }
    let server = MockServer::start().await;
    Mock::given(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            format!("access_token={ACCESS_TOKEN}&status=partial"),
            "application/x-www-form-urlencoded",
        ))
        .mount(&server)
        .await;
    let error = oauth_client(config(&server), "app", Some(CLIENT_SECRET))
        .client_credentials(&[])
        .await
        .unwrap_err();
    outputs.error("form-encoded token error", &error);

    outputs.assert_free_of(&all_secrets("no verifier in this flow"));
    let quoted: Vec<&str> = outputs.0.iter().map(|(_, text)| text.as_str()).collect();
    assert!(
        quoted.iter().any(|t| t.contains("half issued")),
        "the error's own words are still quoted: {quoted:?}"
    );
}
