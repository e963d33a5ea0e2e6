//! The token source and its stores: refresh and rotation, persistence that never loses a rotated
//! refresh token, and single-flight renewal under heavy concurrency.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use common::*;
use futures::future::join_all;
use provider_runtime::{
    AccessToken, Credential, Error, FileStore, MemoryStore, Password, RefreshToken, Renewal, Token,
    TokenSource, TokenStore,
};
use serde_json::json;
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CONCURRENT_CALLERS: usize = 100;

fn refresh_only() -> Renewal {
    Renewal::Reauthorize
}

fn client_credentials() -> Renewal {
    Renewal::ClientCredentials {
        scopes: vec!["read".to_owned()],
    }
}

/// A source for `server` holding `token`, renewing with `renewal`.
fn source_for(
    server: &MockServer,
    renewal: Renewal,
    store: Option<Arc<dyn TokenStore>>,
    token: Option<Token>,
) -> Arc<TokenSource> {
    token_source(
        oauth_client(config(server), "id", Some("secret")),
        renewal,
        store,
        token,
    )
}

/// A token endpoint that answers slowly, so concurrent callers really overlap.
async fn mount_slow_token_endpoint(server: &MockServer, access_token: &str) {
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(token_body(access_token))
                .set_delay(Duration::from_millis(200)),
        )
        .mount(server)
        .await;
}

#[tokio::test]
async fn refresh_keeps_the_old_refresh_token_when_none_comes_back() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, token_body("at-1")).await;
    let store = Arc::new(MemoryStore::new());
    let source = source_for(
        &server,
        refresh_only(),
        Some(store.clone()),
        Some(expired_token("at-0", Some("rt-1"))),
    );

    let token = source.token().await.unwrap();

    assert_eq!(token.access_token().secret(), "at-1");
    assert_eq!(token.refresh_token().unwrap().secret(), "rt-1");
    assert_eq!(
        store
            .load()
            .unwrap()
            .unwrap()
            .refresh_token()
            .unwrap()
            .secret(),
        "rt-1"
    );
    let refresh = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(
        form_field(&refresh, "grant_type").as_deref(),
        Some("refresh_token")
    );
    assert_eq!(
        form_field(&refresh, "refresh_token").as_deref(),
        Some("rt-1")
    );
}

#[tokio::test]
async fn refresh_keeps_the_rotated_refresh_token_and_uses_it_next_time() {
    let server = MockServer::start().await;
    let oauth = oauth_client(config(&server), "id", Some("secret"));
    mount_token_sequence(
        &server,
        json!({"access_token": "at-1", "refresh_token": "rt-2", "expires_in": 3600}),
        json!({"access_token": "at-2", "refresh_token": "rt-3", "expires_in": 3600}),
    )
    .await;

    let first = oauth.refresh(&RefreshToken::new("rt-1")).await.unwrap();
    let second = oauth.refresh(first.refresh_token().unwrap()).await.unwrap();

    assert_eq!(first.refresh_token().unwrap().secret(), "rt-2");
    assert_eq!(second.refresh_token().unwrap().secret(), "rt-3");
    let sent: Vec<_> = requests_to(&server, TOKEN_PATH)
        .await
        .iter()
        .map(|r| form_field(r, "refresh_token").unwrap())
        .collect();
    assert_eq!(sent, ["rt-1", "rt-2"]);
}

/// An API endpoint that records which refresh token the file store held when a call arrived.
struct RecordsStoredRefreshToken {
    store: FileStore,
    seen: Arc<Mutex<Vec<Option<String>>>>,
}

impl Respond for RecordsStoredRefreshToken {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let stored = self
            .store
            .load()
            .unwrap()
            .and_then(|t| t.refresh_token().map(|r| r.secret().to_owned()));
        self.seen.lock().unwrap().push(stored);
        ResponseTemplate::new(200).set_body_json(json!({}))
    }
}

#[tokio::test]
async fn a_rotated_refresh_token_is_on_disk_before_the_new_access_token_is_used() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = FileStore::new(dir.path().join("token.json"));
    mount_token_endpoint(
        &server,
        json!({"access_token": "at-1", "refresh_token": "rt-2", "expires_in": 3600}),
    )
    .await;
    let seen = Arc::new(Mutex::new(Vec::new()));
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(RecordsStoredRefreshToken {
            store: store.clone(),
            seen: seen.clone(),
        })
        .mount(&server)
        .await;
    let source = source_for(
        &server,
        refresh_only(),
        Some(Arc::new(store.clone())),
        Some(expired_token("at-0", Some("rt-1"))),
    );
    let api = api_client(&server, vec![Credential::oauth2(source)]);

    api.request(reqwest::Method::GET, "/me")
        .send::<serde_json::Value>()
        .await
        .unwrap();

    let call = single_request_to(&server, "/me").await;
    assert_eq!(header(&call, "authorization").unwrap(), bearer("at-1"));
    assert_eq!(
        *seen.lock().unwrap(),
        [Some("rt-2".to_owned())],
        "the rotated refresh token was saved before the call"
    );
}

#[tokio::test]
async fn a_token_that_cannot_be_saved_is_not_used() {
    let server = MockServer::start().await;
    mount_token_endpoint(
        &server,
        json!({"access_token": "at-1", "refresh_token": "rt-2", "expires_in": 3600}),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let store = SeededStore {
        seed: expired_token("at-0", Some("rt-1")),
        file: FileStore::new(dir.path().join("missing-dir").join("token.json")),
    };
    let source = source_for(&server, refresh_only(), Some(Arc::new(store)), None);
    let api = api_client(&server, vec![Credential::oauth2(source)]);

    let error = api
        .request(reqwest::Method::GET, "/me")
        .send::<()>()
        .await
        .unwrap_err();

    assert!(matches!(error, Error::TokenStore(_)), "{error:?}");
    assert_eq!(
        requests_to(&server, TOKEN_PATH).await.len(),
        1,
        "the refresh happened"
    );
    assert!(
        requests_to(&server, "/me").await.is_empty(),
        "the unsaved token never reached the API"
    );
}

/// A store that loads a fixed token and saves through a [`FileStore`] (that may fail).
#[derive(Debug)]
struct SeededStore {
    seed: Token,
    file: FileStore,
}

impl TokenStore for SeededStore {
    fn load(&self) -> provider_runtime::Result<Option<Token>> {
        Ok(Some(self.seed.clone()))
    }

    fn save(&self, token: &Token) -> provider_runtime::Result<()> {
        self.file.save(token)
    }
}

#[cfg(unix)]
#[test]
fn file_store_writes_owner_only_files_atomically_and_round_trips() {
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token.json");
    // A file left world-readable by someone else is replaced, not reused.
    std::fs::write(&file, "{}").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let store = FileStore::new(&file);
    let expires_at = SystemTime::UNIX_EPOCH + Duration::from_secs(4_000_000_000);
    let token = Token::new(AccessToken::new("at-1"))
        .with_refresh_token(RefreshToken::new("rt-1"))
        .with_expires_at(expires_at)
        .with_scopes(["read", "write"]);

    store.save(&token).unwrap();

    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
    let entries: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["token.json"], "no temporary file is left behind");
    let loaded = store.load().unwrap().unwrap();
    assert_eq!(loaded.access_token().secret(), "at-1");
    assert_eq!(loaded.refresh_token().unwrap().secret(), "rt-1");
    assert_eq!(loaded.expires_at(), Some(expires_at));
    assert_eq!(loaded.scopes().unwrap(), ["read", "write"]);
    assert!(!loaded.needs_renewal(SystemTime::now()));
}

#[test]
fn concurrent_saves_to_one_file_store_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FileStore::new(dir.path().join("token.json")));
    let writers: Vec<_> = (0..16)
        .map(|writer| {
            let store = store.clone();
            std::thread::spawn(move || {
                for save in 0..25 {
                    let token = Token::new(AccessToken::new(format!(
                        "at-{writer}-{save}-{}",
                        "x".repeat(writer * 50)
                    )));
                    store.save(&token).unwrap();
                }
            })
        })
        .collect();
    for writer in writers {
        writer.join().expect("every save succeeds");
    }

    let loaded = store.load().unwrap().expect("a whole token file");
    assert!(loaded.access_token().secret().starts_with("at-"));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file is left behind"
    );
}

#[tokio::test]
async fn a_token_on_disk_is_used_without_asking_the_provider() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, token_body("at-new")).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token.json");
    FileStore::new(&path)
        .save(
            &Token::new(AccessToken::new("at-saved"))
                .with_expires_at(SystemTime::now() + Duration::from_secs(3600)),
        )
        .unwrap();
    // A later run of the program: a fresh source over the same file.
    let source = source_for(
        &server,
        client_credentials(),
        Some(Arc::new(FileStore::new(&path))),
        None,
    );

    assert_eq!(
        source.token().await.unwrap().access_token().secret(),
        "at-saved"
    );
    assert!(requests_to(&server, TOKEN_PATH).await.is_empty());
}

#[tokio::test]
async fn a_hundred_concurrent_callers_cause_one_refresh() {
    let server = MockServer::start().await;
    mount_slow_token_endpoint(&server, "at-1").await;
    let source = source_for(
        &server,
        refresh_only(),
        None,
        Some(expired_token("at-0", Some("rt-1"))),
    );

    let tokens = join_all((0..CONCURRENT_CALLERS).map(|_| {
        let source = source.clone();
        tokio::spawn(async move { source.token().await })
    }))
    .await;

    for token in tokens {
        assert_eq!(token.unwrap().unwrap().access_token().secret(), "at-1");
    }
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_concurrent_api_calls_cause_one_token_request() {
    let server = MockServer::start().await;
    mount_slow_token_endpoint(&server, "at-1").await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let source = source_for(
        &server,
        client_credentials(),
        None,
        Some(expired_token("at-0", None)),
    );
    let api = Arc::new(api_client(&server, vec![Credential::oauth2(source)]));

    let results = join_all((0..CONCURRENT_CALLERS).map(|_| {
        let api = api.clone();
        tokio::spawn(async move {
            api.request(reqwest::Method::GET, "/items")
                .send::<Vec<u32>>()
                .await
        })
    }))
    .await;

    for result in results {
        result.unwrap().unwrap();
    }
    let token_requests = requests_to(&server, TOKEN_PATH).await;
    assert_eq!(token_requests.len(), 1);
    assert_eq!(
        form_field(&token_requests[0], "grant_type").as_deref(),
        Some("client_credentials")
    );
    let calls = requests_to(&server, "/items").await;
    assert_eq!(calls.len(), CONCURRENT_CALLERS);
    assert!(calls
        .iter()
        .all(|call| header(call, "authorization").unwrap() == bearer("at-1")));
}

#[tokio::test]
async fn a_rejected_refresh_token_falls_back_to_the_grant() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string_contains("grant_type=client_credentials"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("at-fresh")))
        .mount(&server)
        .await;
    let source = source_for(
        &server,
        client_credentials(),
        None,
        Some(expired_token("at-0", Some("rt-dead"))),
    );

    assert_eq!(
        source.token().await.unwrap().access_token().secret(),
        "at-fresh"
    );

    let grants: Vec<_> = requests_to(&server, TOKEN_PATH)
        .await
        .iter()
        .map(|r| form_field(r, "grant_type").unwrap())
        .collect();
    assert_eq!(grants, ["refresh_token", "client_credentials"]);
}

#[tokio::test]
async fn without_a_refresh_token_or_grant_the_user_must_authorize_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&server)
        .await;

    let no_refresh_token = source_for(
        &server,
        refresh_only(),
        None,
        Some(expired_token("at-0", None)),
    );
    assert!(matches!(
        no_refresh_token.token().await,
        Err(Error::ReauthorizationRequired { refused: None })
    ));
    assert!(
        requests_to(&server, TOKEN_PATH).await.is_empty(),
        "nothing to send"
    );

    let dead_refresh_token = source_for(
        &server,
        refresh_only(),
        None,
        Some(expired_token("at-0", Some("rt-dead"))),
    );
    let error = dead_refresh_token.token().await.unwrap_err();
    assert!(
        matches!(error, Error::ReauthorizationRequired { .. }),
        "{error:?}"
    );
    assert_eq!(error.oauth_error(), Some("invalid_grant"));
}

#[tokio::test]
async fn the_password_grant_renews_with_the_stored_login() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, token_body("at-1")).await;
    let renewal = Renewal::Password {
        username: "agent@example.com".to_owned(),
        password: Password::new("pw"),
        scopes: vec![],
    };
    let source = source_for(&server, renewal, None, None);

    assert_eq!(
        source.token().await.unwrap().access_token().secret(),
        "at-1"
    );
    let request = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(
        form_field(&request, "grant_type").as_deref(),
        Some("password")
    );
    assert_eq!(
        form_field(&request, "username").as_deref(),
        Some("agent@example.com")
    );
    assert_eq!(form_field(&request, "password").as_deref(), Some("pw"));
}

#[tokio::test]
async fn a_token_file_with_an_expiry_beyond_any_calendar_is_read_without_panicking() {
    let server = MockServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token.json");
    std::fs::write(
        &file,
        r#"{"access_token":"at-disk","expires_at":18446744073709551615,"renew_at":18446744073709551615}"#,
    )
    .unwrap();
    let store = Arc::new(FileStore::new(&file));
    let source = source_for(&server, client_credentials(), Some(store), None);

    assert_eq!(
        source.token().await.unwrap().access_token().secret(),
        "at-disk"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn an_unreadable_token_file_is_replaced_by_running_the_grant_again() {
    let corrupt: [&[u8]; 4] = [
        b"{not json",
        br#"{"access_token":"at\r\nX-Injected: yes"}"#,
        br#"{"access_token":"at","expires_at":"soon SECRET-IN-FILE"}"#,
        &[b' '; 2 * 1024 * 1024],
    ];
    for contents in corrupt {
        let server = MockServer::start().await;
        mount_token_endpoint(&server, token_body("at-new")).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("token.json");
        std::fs::write(&file, contents).unwrap();
        let store = Arc::new(FileStore::new(&file));

        let error = store.load().unwrap_err();
        assert!(!error.to_string().contains("SECRET-IN-FILE"), "{error}");
        let source = source_for(&server, client_credentials(), Some(store.clone()), None);
        assert_eq!(
            source.token().await.unwrap().access_token().secret(),
            "at-new"
        );
        let saved = store
            .load()
            .unwrap()
            .expect("the new token replaced the file");
        assert_eq!(saved.access_token().secret(), "at-new");

        // Without a grant to run, only the user can help.
        std::fs::write(&file, contents).unwrap();
        let source = source_for(&server, refresh_only(), Some(store), None);
        assert!(
            matches!(
                source.token().await.unwrap_err(),
                Error::ReauthorizationRequired { refused: None }
            ),
            "{:?}",
            String::from_utf8_lossy(&contents[..contents.len().min(40)])
        );
    }
}
