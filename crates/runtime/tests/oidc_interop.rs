//! Interop with a certified authorization server: node-oidc-provider 8 (`tests/oidc/server.mjs`)
//! on 127.0.0.1, driven by the runtime with no person in the loop.
//!
//! Proven here against a real implementation rather than our own reading of the RFCs: client
//! credentials with Basic and body client authentication and awkward secrets, the authorization
//! code flow with PKCE S256 for confidential and public clients, refresh token rotation, replayed
//! codes and wrong verifiers refused, and the 401 -> refresh -> retry path of the request layer.
//!
//! Needs `node` on PATH. Without it the tests print a loud `SKIPPED` line and pass, unless the
//! `CI` environment variable is set, where they fail.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::transport;
use provider_runtime::{
    AccessToken, ApiClient, AuthorizationCode, ClientAuth, ClientSecret, Credential, FileStore,
    OAuth2Config, OAuthClient, Renewal, Token, TokenSource, TokenStore, Variables,
};
use reqwest::header::LOCATION;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use url::Url;

/// The redirect URI every test client registered (nothing listens there).
const REDIRECT_URI: &str = "http://127.0.0.1/callback";
/// What the authorize requests ask for; the access tokens carry the API scope only.
const SCOPES: [&str; 3] = ["openid", "offline_access", "api:read"];
/// How long the server may take to start (the first `npm ci` is outside this).
const STARTUP: Duration = Duration::from_secs(60);

/// One registered client of the test server.
#[derive(Clone, Copy, Debug)]
struct TestClient {
    id: &'static str,
    secret: Option<&'static str>,
    auth: ClientAuth,
}

const BASIC_CLIENT: TestClient = TestClient {
    id: "basic-client",
    secret: Some("s3cr:et +/%&= x"),
    auth: ClientAuth::Basic,
};
const POST_CLIENT: TestClient = TestClient {
    id: "post-client",
    secret: Some("p@ss w0rd&=+"),
    auth: ClientAuth::Form,
};
const PUBLIC_CLIENT: TestClient = TestClient {
    id: "public-client",
    secret: None,
    auth: ClientAuth::None,
};

/// A running `server.mjs`, stopped when dropped.
struct OidcServer {
    child: Child,
    base: String,
    stderr: Arc<Mutex<String>>,
}

impl OidcServer {
    /// Starts a server with `env`; `None` (after saying so loudly) when node is missing outside CI.
    fn start(env: &[(&str, &str)]) -> Option<Self> {
        if !node_on_path() {
            assert!(
                std::env::var_os("CI").is_none(),
                "node is not on PATH, and CI is set: the oidc-provider interop tests must run"
            );
            // Straight to the process's stderr: libtest would swallow `eprintln!` of a passing test.
            let _ = writeln!(std::io::stderr(), "\n*** SKIPPED: node not found on PATH; the oidc-provider interop tests did not run ***\n");
            return None;
        }
        let dir = server_dir();
        install_node_modules(&dir);
        let mut child = Command::new("node")
            .arg("server.mjs")
            .current_dir(&dir)
            .envs(env.iter().copied())
            // The server exits when its stdin closes: the pipe stays open as long as `child` lives.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn node server.mjs");
        let stderr = Arc::new(Mutex::new(String::new()));
        drain_into(child.stderr.take().unwrap(), stderr.clone());
        let ready = first_line(child.stdout.take().unwrap());
        let server = |port: u16| OidcServer {
            child,
            base: format!("http://127.0.0.1:{port}"),
            stderr: stderr.clone(),
        };
        match ready.recv_timeout(STARTUP) {
            Ok(line) => match line
                .strip_prefix("READY ")
                .and_then(|port| port.trim().parse().ok())
            {
                Some(port) => Some(server(port)),
                None => panic!(
                    "server.mjs printed {line:?} instead of `READY <port>`; stderr:\n{}",
                    stderr.lock().unwrap()
                ),
            },
            Err(_) => {
                drop(server(0));
                panic!(
                    "server.mjs did not get ready; stderr:\n{}",
                    stderr.lock().unwrap()
                )
            }
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn oauth(&self, client: TestClient) -> OAuthClient {
        let config = OAuth2Config {
            authorize_url: Some(self.url("/auth")),
            client_auth: client.auth,
            ..OAuth2Config::new(self.url("/token"))
        };
        OAuthClient::new(
            config,
            &Variables::new(),
            client.id,
            client.secret.map(ClientSecret::new),
            transport(),
        )
        .unwrap()
    }

    fn api(&self, credential: Credential) -> ApiClient {
        ApiClient::new(self.base.parse().unwrap(), vec![credential], transport())
    }

    /// `GET /api/me` with `credential`.
    async fn me(&self, credential: Credential) -> provider_runtime::Result<Value> {
        self.api(credential)
            .request(Method::GET, "/api/me")
            .send()
            .await
    }

    /// Revokes a token through the server's test hook (no client authentication needed).
    async fn revoke(&self, token: &AccessToken) {
        let response = reqwest::Client::new()
            .post(self.url("/test/revoke"))
            .form(&[("token", token.secret())])
            .send()
            .await
            .unwrap();
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["revoked"], true, "{body}");
    }

    /// Runs the authorize URL like a browser whose user approves everything, up to the redirect
    /// back to the client; returns that callback URL.
    async fn approve(&self, authorize_url: &Url) -> String {
        let browser = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let mut url = authorize_url.clone();
        for _ in 0..10 {
            let response = browser.get(url.clone()).send().await.unwrap();
            let Some(location) = response.headers().get(LOCATION) else {
                let status = response.status();
                panic!(
                    "{url} answered {status} without a redirect: {}",
                    response.text().await.unwrap_or_default()
                );
            };
            let next = url.join(location.to_str().unwrap()).unwrap();
            if next.as_str().starts_with(REDIRECT_URI) {
                return next.into();
            }
            url = next;
        }
        panic!("more than 10 redirects from {authorize_url}");
    }

    /// The whole authorization code flow for `oauth`: authorize, approve, exchange.
    async fn authorize(&self, oauth: &OAuthClient) -> Token {
        let request = oauth.authorize_url(REDIRECT_URI, &SCOPES).unwrap();
        let callback = self.approve(request.url()).await;
        oauth.exchange_callback(&request, &callback).await.unwrap()
    }
}

impl Drop for OidcServer {
    fn drop(&mut self) {
        // Our own child, by its handle.
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!("server.mjs stderr:\n{}", self.stderr.lock().unwrap());
        }
    }
}

fn node_on_path() -> bool {
    Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

fn server_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/oidc")
}

/// `npm ci` once per test run when `node_modules` is missing.
fn install_node_modules(dir: &Path) {
    static INSTALL: Mutex<()> = Mutex::new(());
    let _one_at_a_time = INSTALL.lock().unwrap_or_else(|p| p.into_inner());
    if dir.join("node_modules").is_dir() {
        return;
    }
    let output = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(dir)
        .output()
        .expect("run npm ci");
    assert!(
        output.status.success(),
        "npm ci failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// The first line of `stdout`, sent when it arrives; the rest is drained so the pipe never fills.
fn first_line(stdout: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = BufReader::new(stdout).lines();
        if let Some(Ok(line)) = lines.next() {
            let _ = sender.send(line);
        }
        lines.for_each(drop);
    });
    receiver
}

fn drain_into(stream: impl Read + Send + 'static, into: Arc<Mutex<String>>) {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            let mut text = into.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
}

fn code_and_state(callback: &str) -> (String, String) {
    let url = Url::parse(callback).unwrap();
    let param = |name: &str| {
        url.query_pairs()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    (param("code"), param("state"))
}

fn assert_invalid_grant(result: provider_runtime::Result<Token>) {
    let error = result.expect_err("the server refused");
    assert_eq!(error.oauth_error(), Some("invalid_grant"), "{error:?}");
    assert_eq!(error.status(), Some(StatusCode::BAD_REQUEST));
}

#[tokio::test]
async fn client_credentials_with_basic_and_body_client_authentication() {
    let Some(server) = OidcServer::start(&[]) else {
        return;
    };

    for client in [BASIC_CLIENT, POST_CLIENT] {
        let oauth = server.oauth(client);
        let before = SystemTime::now();
        let token = oauth
            .client_credentials(&["api:read"])
            .await
            .unwrap_or_else(|e| panic!("{client:?}: {e}"));

        assert_eq!(token.scopes().unwrap(), ["api:read"], "{client:?}");
        assert!(token.expires_at().unwrap() >= before + Duration::from_secs(3600));
        assert!(token.refresh_token().is_none());
        let source = Arc::new(TokenSource::new(
            oauth,
            Renewal::ClientCredentials {
                scopes: vec!["api:read".into()],
            },
            None,
        ));
        let me = server.me(Credential::oauth2(source)).await.unwrap();
        assert_eq!(
            (me["client_id"].as_str(), me["kind"].as_str()),
            (Some(client.id), Some("ClientCredentials"))
        );
    }

    let wrong = TestClient {
        secret: Some("s3cr:et +/%&= y"),
        ..BASIC_CLIENT
    };
    let error = server
        .oauth(wrong)
        .client_credentials(&[])
        .await
        .unwrap_err();
    assert_eq!(
        (error.oauth_error(), error.status()),
        (Some("invalid_client"), Some(StatusCode::UNAUTHORIZED))
    );
}

/// Authorization code with PKCE S256, the API call, then a rotating refresh whose old refresh
/// token is refused afterwards.
async fn authorization_code_round_trip(client: TestClient) {
    let Some(server) = OidcServer::start(&[]) else {
        return;
    };
    let oauth = server.oauth(client);

    let token = server.authorize(&oauth).await;

    assert_eq!(token.scopes().unwrap(), ["api:read"]);
    assert!(token.extra("id_token").is_some(), "openid was granted");
    let me = server
        .me(Credential::Bearer(token.access_token().clone()))
        .await
        .unwrap();
    assert_eq!(
        (me["sub"].as_str(), me["client_id"].as_str()),
        (Some("user-1"), Some(client.id))
    );

    let first_refresh_token = token.refresh_token().expect("a refresh token").clone();
    let refreshed = oauth.refresh(&first_refresh_token).await.unwrap();
    let rotated = refreshed.refresh_token().unwrap();
    assert_ne!(
        rotated, &first_refresh_token,
        "the server rotates refresh tokens"
    );
    assert_ne!(refreshed.access_token(), token.access_token());
    let me = server
        .me(Credential::Bearer(refreshed.access_token().clone()))
        .await
        .unwrap();
    assert_eq!(me["client_id"].as_str(), Some(client.id));
    assert_invalid_grant(oauth.refresh(&first_refresh_token).await);
}

#[tokio::test]
async fn authorization_code_with_pkce_for_a_basic_client() {
    authorization_code_round_trip(BASIC_CLIENT).await;
}

#[tokio::test]
async fn authorization_code_with_pkce_for_a_body_authenticated_client() {
    authorization_code_round_trip(POST_CLIENT).await;
}

#[tokio::test]
async fn authorization_code_with_pkce_for_a_public_client() {
    authorization_code_round_trip(PUBLIC_CLIENT).await;
}

#[tokio::test]
async fn authorization_code_without_pkce_for_a_confidential_client() {
    let Some(server) = OidcServer::start(&[]) else {
        return;
    };
    let config = OAuth2Config {
        pkce: false,
        authorize_url: Some(server.url("/auth")),
        ..OAuth2Config::new(server.url("/token"))
    };
    let oauth = OAuthClient::new(
        config,
        &Variables::new(),
        BASIC_CLIENT.id,
        BASIC_CLIENT.secret.map(ClientSecret::new),
        transport(),
    )
    .unwrap();

    let token = server.authorize(&oauth).await;

    assert!(token.refresh_token().is_some());
}

#[tokio::test]
async fn a_replayed_code_is_refused() {
    let Some(server) = OidcServer::start(&[]) else {
        return;
    };
    let oauth = server.oauth(PUBLIC_CLIENT);
    let request = oauth.authorize_url(REDIRECT_URI, &SCOPES).unwrap();
    let callback = server.approve(request.url()).await;

    oauth.exchange_callback(&request, &callback).await.unwrap();

    assert_invalid_grant(oauth.exchange_callback(&request, &callback).await);
}

#[tokio::test]
async fn a_code_with_another_requests_verifier_is_refused() {
    let Some(server) = OidcServer::start(&[]) else {
        return;
    };
    let oauth = server.oauth(PUBLIC_CLIENT);
    let approved = oauth.authorize_url(REDIRECT_URI, &SCOPES).unwrap();
    let other = oauth.authorize_url(REDIRECT_URI, &SCOPES).unwrap();
    let (code, _) = code_and_state(&server.approve(approved.url()).await);

    // The other request's state passes our check; its PKCE verifier must fail the server's.
    assert_invalid_grant(
        oauth
            .exchange_code(&other, AuthorizationCode::new(code.clone()), other.state())
            .await,
    );

    // The code was not spent by the failed attempt: with the right verifier it works.
    oauth
        .exchange_code(&approved, AuthorizationCode::new(code), approved.state())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_revoked_access_token_is_renewed_through_a_401() {
    let Some(server) = OidcServer::start(&[]) else {
        return;
    };
    let oauth = server.oauth(BASIC_CLIENT);
    let token = server.authorize(&oauth).await;
    let (revoked, first_refresh_token) = (
        token.access_token().clone(),
        token.refresh_token().unwrap().clone(),
    );
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FileStore::new(dir.path().join("token.json")));
    let source = Arc::new(TokenSource::new(
        oauth,
        Renewal::Reauthorize,
        Some(store.clone()),
    ));
    source.set_token(token).unwrap();
    server.revoke(&revoked).await;

    let me = server.me(Credential::oauth2(source.clone())).await.unwrap();

    assert_eq!(me["sub"].as_str(), Some("user-1"));
    let current = source.token().await.unwrap();
    assert_ne!(current.access_token(), &revoked);
    let saved = store.load().unwrap().unwrap();
    assert_eq!(saved.access_token(), current.access_token());
    assert_ne!(
        saved.refresh_token().unwrap(),
        &first_refresh_token,
        "the rotated refresh token was saved"
    );
}

#[tokio::test]
async fn an_expired_access_token_is_renewed_through_a_401() {
    let Some(server) = OidcServer::start(&[("ACCESS_TOKEN_TTL", "1")]) else {
        return;
    };
    let oauth = server.oauth(PUBLIC_CLIENT);
    let issued = server.authorize(&oauth).await;
    // Forget the expiry, as with providers that send no `expires_in`: only the API can tell.
    let token = Token::new(issued.access_token().clone())
        .with_refresh_token(issued.refresh_token().unwrap().clone());
    let source = Arc::new(TokenSource::new(oauth, Renewal::Reauthorize, None));
    source.set_token(token).unwrap();
    let api = server.api(Credential::oauth2(source.clone()));
    tokio::time::sleep(Duration::from_millis(1200)).await;

    let me: Value = api.request(Method::GET, "/api/me").send().await.unwrap();

    assert_eq!(me["client_id"].as_str(), Some(PUBLIC_CLIENT.id));
    assert_ne!(
        source.token().await.unwrap().access_token(),
        issued.access_token(),
        "the expired token was replaced"
    );
}

#[tokio::test]
async fn a_dead_grant_is_reported_instead_of_the_401() {
    let Some(server) = OidcServer::start(&[]) else {
        return;
    };
    let oauth = server.oauth(PUBLIC_CLIENT);
    let token = server.authorize(&oauth).await;
    let refresh_token = token.refresh_token().unwrap().clone();
    // Reusing a rotated-away refresh token revokes the whole grant.
    oauth.refresh(&refresh_token).await.unwrap();
    assert_invalid_grant(oauth.refresh(&refresh_token).await);
    let source = Arc::new(TokenSource::new(oauth, Renewal::Reauthorize, None));
    source.set_token(token).unwrap();

    let error = server.me(Credential::oauth2(source)).await.unwrap_err();

    // The caller learns why the call failed (the grant is gone: authorize again), not just "401".
    assert_eq!(error.oauth_error(), Some("invalid_grant"), "{error:?}");
}
