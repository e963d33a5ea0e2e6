//! The Redis token store and cross-process single-flight, against a real `redis-server` on a
//! free loopback port and a stand-in token endpoint (wiremock), over real sockets.
//!
//! Every `TokenSource` here has its own `RedisStore` and so its own Redis connection: eight of
//! them stand in for eight processes, which share nothing but Redis and the provider.
//!
//! Needs `redis-server` on PATH (`apt-get install redis-server`). Without it the tests print a
//! loud `SKIPPED` line and pass, unless the `CI` environment variable is set, where they fail.
//! Run with `cargo test -p provider-runtime --features redis --test redis_store` (`.ci/run` does).
#![cfg(feature = "redis")]

mod common;

use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{config, expired_token, form_field, oauth_client, requests_to, TOKEN_PATH};
use provider_runtime::{RedisStore, Renewal, SharedTokenStore, Token, TokenSource};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const PROCESSES: usize = 8;
const PROVIDER: &str = "acme";
const CONNECTION: &str = "customer-42";

/// A `redis-server` with no persistence on a free loopback port, stopped when dropped.
struct Redis {
    child: Child,
    url: String,
}

impl Redis {
    /// Starts one; `None` (after saying so loudly) when `redis-server` is missing outside CI.
    fn start() -> Option<Self> {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let spawned = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn();
        let child = match spawned {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "redis-server is not on PATH, and CI is set: the Redis store tests must run"
                );
                let _ = writeln!(std::io::stderr(), "\n*** SKIPPED: redis-server not found on PATH; the Redis store tests did not run ***\n");
                return None;
            }
            Err(e) => panic!("spawn redis-server: {e}"),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "redis-server did not start");
            std::thread::sleep(Duration::from_millis(10));
        }
        Some(Redis {
            child,
            url: format!("redis://127.0.0.1:{port}/"),
        })
    }

    /// A store of its own (its own connection) under `prefix`.
    async fn store(&self, prefix: &str, lease: Duration) -> Arc<RedisStore> {
        let store = RedisStore::connect(&self.url, prefix, PROVIDER, CONNECTION)
            .await
            .expect("connect to redis-server");
        Arc::new(store.with_lease(lease))
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A rotating provider: request `n` (from 1) gets `access-n` and `refresh-n`; the first
/// `hang_first` requests never get an answer in the test's lifetime.
struct Rotating {
    count: AtomicUsize,
    hang_first: usize,
}

impl Respond for Rotating {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        let response = ResponseTemplate::new(200)
            .set_body_json(json!({
                "access_token": format!("access-{n}"),
                "refresh_token": format!("refresh-{n}"),
                "token_type": "Bearer",
                "expires_in": 3600,
            }))
            .set_delay(Duration::from_millis(100));
        if n <= self.hang_first {
            response.set_delay(Duration::from_secs(300))
        } else {
            response
        }
    }
}

async fn provider(hang_first: usize) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(Rotating {
            count: AtomicUsize::new(0),
            hang_first,
        })
        .mount(&server)
        .await;
    server
}

/// One "process": a source renewing through `server` with the shared `store`.
fn process(server: &MockServer, store: Arc<RedisStore>) -> Arc<TokenSource> {
    let oauth = oauth_client(config(server), "id", Some("secret"));
    Arc::new(TokenSource::new(oauth, Renewal::Reauthorize, None).with_shared_store(store))
}

/// The refresh tokens the provider was sent, in order.
async fn refresh_tokens_sent(server: &MockServer) -> Vec<String> {
    requests_to(server, TOKEN_PATH)
        .await
        .iter()
        .map(|r| form_field(r, "refresh_token").unwrap_or_default())
        .collect()
}

/// Seeds the shared store with an expired token whose refresh token is `refresh-0`.
async fn seed_expired(store: &RedisStore) {
    let written = store
        .save_if(&expired_token("access-0", Some("refresh-0")), 0)
        .await
        .expect("seed");
    assert_eq!(written, Some(1));
}

/// Every process asks for a token at once; returns the access tokens they got.
async fn all_at_once(sources: &[Arc<TokenSource>], rejected: Option<Arc<Token>>) -> Vec<String> {
    let calls = sources.iter().map(|source| {
        let source = source.clone();
        let rejected = rejected.clone();
        tokio::spawn(async move {
            let token = match &rejected {
                Some(rejected) => source.renew_rejected(rejected).await,
                None => source.token().await,
            };
            token.expect("a token").access_token().secret().to_owned()
        })
    });
    futures::future::join_all(calls)
        .await
        .into_iter()
        .map(|joined| joined.expect("no panic"))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_processes_seeing_an_expired_token_send_one_token_request() {
    let Some(redis) = Redis::start() else { return };
    let server = provider(0).await;
    let mut sources = Vec::new();
    for _ in 0..PROCESSES {
        sources.push(process(
            &server,
            redis.store("app", Duration::from_secs(5)).await,
        ));
    }
    seed_expired(&*redis.store("app", Duration::from_secs(5)).await).await;

    let got = all_at_once(&sources, None).await;

    assert_eq!(refresh_tokens_sent(&server).await, ["refresh-0"]);
    assert_eq!(got, vec!["access-1"; PROCESSES]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_holder_that_dies_mid_refresh_is_taken_over_after_its_lease() {
    let Some(redis) = Redis::start() else { return };
    let lease = Duration::from_secs(1);
    let server = provider(1).await;
    seed_expired(&*redis.store("app", lease).await).await;

    // The holder takes the lock and sends a request that never comes back; then it dies.
    let holder = process(&server, redis.store("app", lease).await);
    let dying = tokio::spawn(async move { holder.token().await.map(|_| ()) });
    let deadline = Instant::now() + Duration::from_secs(5);
    while requests_to(&server, TOKEN_PATH).await.is_empty() {
        assert!(
            Instant::now() < deadline,
            "the holder sent no token request"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    dying.abort();
    let died = Instant::now();

    let survivors: Vec<_> = futures::future::join_all(
        (1..PROCESSES).map(|_| async { process(&server, redis.store("app", lease).await) }),
    )
    .await;
    let got = all_at_once(&survivors, None).await;

    assert!(
        died.elapsed() >= lease / 2,
        "taken over before the lease ran out"
    );
    assert_eq!(
        refresh_tokens_sent(&server).await,
        ["refresh-0", "refresh-0"]
    );
    assert_eq!(got, vec!["access-2"; PROCESSES - 1]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rotated_refresh_token_is_used_next_and_a_stale_writer_is_refused() {
    let Some(redis) = Redis::start() else { return };
    let server = provider(0).await;
    let store = redis.store("app", Duration::from_secs(5)).await;
    seed_expired(&store).await;
    let mut sources = Vec::new();
    for _ in 0..PROCESSES {
        sources.push(process(
            &server,
            redis.store("app", Duration::from_secs(5)).await,
        ));
    }
    let first = all_at_once(&sources, None).await;
    assert_eq!(first, vec!["access-1"; PROCESSES]);

    // The API refuses access-1 everywhere at once: one refresh, with the rotated refresh-1.
    let rejected = sources[0].token().await.expect("cached");
    let second = all_at_once(&sources, Some(rejected)).await;
    assert_eq!(second, vec!["access-2"; PROCESSES]);
    assert_eq!(
        refresh_tokens_sent(&server).await,
        ["refresh-0", "refresh-1"]
    );

    // A writer that read version 1 (the seeded token) and renewed late is refused.
    let stored = store.load().await.expect("load").expect("a token");
    assert_eq!(stored.version, 3);
    let stale = expired_token("access-stale", Some("refresh-stale"));
    assert_eq!(store.save_if(&stale, 1).await.expect("save_if"), None);
    let kept = store.load().await.expect("load").expect("a token");
    assert_eq!(kept.version, 3);
    assert_eq!(kept.token.access_token().secret(), "access-2");
    assert_eq!(
        kept.token.refresh_token().map(|t| t.secret().to_owned()),
        Some("refresh-2".to_owned())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn prefixes_isolate_two_apps() {
    let Some(redis) = Redis::start() else { return };
    let lease = Duration::from_secs(5);
    let (a, b) = (
        redis.store("app-a", lease).await,
        redis.store("app-b", lease).await,
    );
    assert_eq!(a.token_key(), "app-a:acme:customer-42:token");
    assert_eq!(b.lock_key(), "app-b:acme:customer-42:lock");

    a.save_if(&expired_token("a-token", None), 0).await.unwrap();
    assert!(
        b.load().await.unwrap().is_none(),
        "app-b sees app-a's token"
    );
    b.save_if(&expired_token("b-token", None), 0).await.unwrap();
    let a_token = a.load().await.unwrap().unwrap();
    assert_eq!(a_token.token.access_token().secret(), "a-token");
    assert_eq!(a_token.version, 1);

    let lease_a = a.try_lock().await.unwrap().expect("app-a's lock is free");
    assert!(!b.is_locked().await.unwrap(), "app-a's lock locks app-b");
    let lease_b = b.try_lock().await.unwrap().expect("app-b's lock is free");
    assert!(
        a.try_lock().await.unwrap().is_none(),
        "a lock is taken twice"
    );
    a.unlock(lease_a).await.unwrap();
    assert!(!a.is_locked().await.unwrap());
    assert!(
        b.is_locked().await.unwrap(),
        "app-a's unlock freed app-b's lock"
    );
    b.unlock(lease_b).await.unwrap();
}

#[tokio::test]
async fn a_holder_past_its_lease_cannot_release_its_successors_lock() {
    let Some(redis) = Redis::start() else { return };
    let lease = Duration::from_millis(100);
    let (late, next) = (
        redis.store("app", lease).await,
        redis.store("app", lease).await,
    );
    let late_lease = late.try_lock().await.unwrap().expect("free");
    assert!(next.try_lock().await.unwrap().is_none(), "the lock is held");
    tokio::time::sleep(lease * 2).await;
    let next_lease = next
        .try_lock()
        .await
        .unwrap()
        .expect("taken over after the lease");
    late.unlock(late_lease).await.unwrap();
    assert!(
        next.is_locked().await.unwrap(),
        "a stale fencing value released the lock"
    );
    next.unlock(next_lease).await.unwrap();
    assert!(!next.is_locked().await.unwrap());
}
