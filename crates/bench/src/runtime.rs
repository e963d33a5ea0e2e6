//! The runtime's cost: throughput of `ApiClient` against raw reqwest on a loopback server, the
//! price of a cached token read, and a stampede of calls on an expired token.

use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use provider_runtime::{
    AccessToken, ApiClient, ClientSecret, Credential, OAuth2Config, OAuthClient, Renewal, Token,
    TokenSource, Transport, Variables,
};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION};
use reqwest::Method;

use crate::server::{Server, TokenEndpoint};
use crate::stats::{median, percentile};

/// The API path every call of the throughput runs requests (relative to `/api`).
const PATH: &str = "/messages/msg_1";

/// How hard to push.
#[derive(Debug, Clone)]
pub struct Config {
    /// Tasks with a request in flight at any time.
    pub concurrency: usize,
    /// Requests per throughput run.
    pub requests: usize,
    /// Runs of each client, interleaved (raw, api, api, raw, ...).
    pub rounds: usize,
    /// Cached-token reads per timing.
    pub reads: u32,
    /// Concurrent calls on an expired token.
    pub stampede: usize,
    /// Latency of the token endpoint during the stampede.
    pub token_latency: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            concurrency: 32,
            requests: 20_000,
            rounds: 5,
            reads: 2_000_000,
            stampede: 1_000,
            token_latency: Duration::from_millis(20),
        }
    }
}

/// Everything the runtime section measured.
#[derive(Debug, Clone)]
pub struct Results {
    /// Requests per second of each raw reqwest run.
    pub raw_rps: Vec<f64>,
    /// Requests per second of each `ApiClient` run.
    pub api_rps: Vec<f64>,
    /// Median over rounds of api/raw throughput, each round's pair run back to back.
    pub ratio: f64,
    /// Process CPU time per request (client and server together), raw reqwest, when known.
    pub raw_cpu_us: Option<f64>,
    /// The same for `ApiClient`.
    pub api_cpu_us: Option<f64>,
    /// `TokenSource::cached` on a fresh token, one thread.
    pub cached_ns: f64,
    /// `TokenSource::cached` with both cores reading the same source.
    pub cached_contended_ns: f64,
    /// `TokenSource::token().await` on a fresh token, one thread.
    pub token_ns: f64,
    /// `SystemTime::now()`, which every cached read calls: the floor under `cached_ns`.
    pub now_ns: f64,
    /// The stampede on an expired token.
    pub stampede: Stampede,
    /// The same calls with the token cached: latency without any renewal.
    pub baseline: Stampede,
}

/// Concurrent calls started together.
#[derive(Debug, Clone, Copy)]
pub struct Stampede {
    /// Calls made.
    pub calls: usize,
    /// Calls that failed.
    pub errors: usize,
    /// Token requests the server received.
    pub token_requests: usize,
    /// Median call latency, from spawn to response.
    pub p50: Duration,
    /// 99th percentile call latency.
    pub p99: Duration,
    /// Slowest call.
    pub max: Duration,
}

/// Runs the whole section on a fresh multi-threaded runtime.
pub fn run(config: &Config) -> Results {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let throughput = rt.block_on(throughput(config));
    let (cached_ns, token_ns, cached_contended_ns, now_ns) = token_reads(&rt, config.reads);
    let (stampede, baseline) = rt.block_on(stampede(config));
    Results {
        raw_rps: throughput.raw_rps,
        api_rps: throughput.api_rps,
        ratio: throughput.ratio,
        raw_cpu_us: throughput.raw_cpu_us,
        api_cpu_us: throughput.api_cpu_us,
        cached_ns,
        cached_contended_ns,
        token_ns,
        now_ns,
        stampede,
        baseline,
    }
}

/// The two ways of sending the same authenticated GET.
enum Sender {
    Api(ApiClient),
    Raw {
        http: reqwest::Client,
        url: url::Url,
        authorization: HeaderValue,
    },
}

impl Sender {
    async fn get(&self) -> Result<serde_json::Value, String> {
        match self {
            Sender::Api(client) => client
                .request(Method::GET, PATH)
                .send()
                .await
                .map_err(|e| e.to_string()),
            Sender::Raw {
                http,
                url,
                authorization,
            } => {
                let response = http
                    .get(url.clone())
                    .header(AUTHORIZATION, authorization.clone())
                    .header(ACCEPT, "application/json")
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                if !response.status().is_success() {
                    return Err(format!("status {}", response.status()));
                }
                let body = response.bytes().await.map_err(|e| e.to_string())?;
                serde_json::from_slice(&body).map_err(|e| e.to_string())
            }
        }
    }
}

/// A token source for `server`'s token endpoint (client credentials, Basic client authentication).
fn token_source(server: &Server, transport: Transport) -> Arc<TokenSource> {
    let config = OAuth2Config::new(server.url("/token").as_str());
    let oauth = OAuthClient::new(
        config,
        &Variables::new(),
        "bench-client",
        Some(ClientSecret::new("bench-secret")),
        transport,
    )
    .expect("the loopback token URL is valid");
    Arc::new(TokenSource::new(
        oauth,
        Renewal::ClientCredentials { scopes: vec![] },
        None,
    ))
}

struct Throughput {
    raw_rps: Vec<f64>,
    api_rps: Vec<f64>,
    ratio: f64,
    raw_cpu_us: Option<f64>,
    api_cpu_us: Option<f64>,
}

/// The runs of one sender.
#[derive(Default)]
struct Runs {
    rps: Vec<f64>,
    requests: usize,
    cpu: Duration,
    cpu_unknown: bool,
}

impl Runs {
    async fn run(&mut self, sender: &Arc<Sender>, config: &Config) {
        let before = process_cpu_time();
        let elapsed = load(sender, config.concurrency, config.requests).await;
        match (before, process_cpu_time()) {
            (Some(before), Some(after)) => self.cpu += after - before,
            _ => self.cpu_unknown = true,
        }
        self.rps
            .push(config.requests as f64 / elapsed.as_secs_f64());
        self.requests += config.requests;
    }

    fn last_rps(&self) -> f64 {
        self.rps.last().copied().unwrap_or(f64::NAN)
    }

    /// Process CPU time per request, when `/proc` told it.
    fn cpu_us_per_request(&self) -> Option<f64> {
        (!self.cpu_unknown && self.requests > 0)
            .then(|| self.cpu.as_secs_f64() * 1e6 / self.requests as f64)
    }
}

async fn throughput(config: &Config) -> Throughput {
    let server = Server::start(TokenEndpoint::default())
        .await
        .expect("the loopback server starts");
    let transport = Transport::new().expect("a transport");
    let source = token_source(&server, transport.clone());
    let token = source.token().await.expect("the token endpoint answers");
    let authorization = HeaderValue::try_from(format!("Bearer {}", token.access_token().secret()))
        .expect("a header value");
    let api_sender = Arc::new(Sender::Api(ApiClient::new(
        server.url("/api"),
        vec![Credential::oauth2(source)],
        transport.clone(),
    )));
    let raw_sender = Arc::new(Sender::Raw {
        http: transport.http().clone(),
        url: server.url(&format!("/api{PATH}")),
        authorization,
    });

    // Warm both paths (connections, allocator, caches) before measuring.
    for sender in [&raw_sender, &api_sender] {
        load(sender, config.concurrency, config.requests / 5).await;
    }
    let (mut raw, mut api, mut ratios) = (Runs::default(), Runs::default(), Vec::new());
    for round in 0..config.rounds {
        // Alternate which goes first, so a drift in machine load hits both alike.
        let api_first = round % 2 == 1;
        for run_api in [api_first, !api_first] {
            if run_api {
                api.run(&api_sender, config).await;
            } else {
                raw.run(&raw_sender, config).await;
            }
        }
        ratios.push(api.last_rps() / raw.last_rps());
    }
    Throughput {
        ratio: median(&mut ratios),
        raw_cpu_us: raw.cpu_us_per_request(),
        api_cpu_us: api.cpu_us_per_request(),
        raw_rps: raw.rps,
        api_rps: api.rps,
    }
}

/// Sends `requests` GETs from `concurrency` tasks; returns the wall time.
async fn load(sender: &Arc<Sender>, concurrency: usize, requests: usize) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (sender, next) = (sender.clone(), next.clone());
            tokio::spawn(async move {
                while next.fetch_add(1, Ordering::Relaxed) < requests {
                    sender.get().await.expect("a loopback GET succeeds");
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a load task does not panic");
    }
    start.elapsed()
}

/// User plus system CPU time of this process, from `/proc/self/stat` (Linux; 100 ticks a second).
fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may hold spaces) start at field 3, `state`.
    let fields: Vec<&str> = stat.rsplit_once(") ")?.1.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// Nanoseconds per `cached()`, per `token().await`, per `cached()` with every core reading,
/// and per `SystemTime::now()`.
fn token_reads(rt: &tokio::runtime::Runtime, reads: u32) -> (f64, f64, f64, f64) {
    let (_server, source) = rt.block_on(async {
        let server = Server::start(TokenEndpoint::default())
            .await
            .expect("the loopback server starts");
        let source = token_source(&server, Transport::new().expect("a transport"));
        let fresh = Token::new(AccessToken::new("fresh"))
            .with_expires_at(SystemTime::now() + Duration::from_secs(3600));
        source.set_token(fresh).expect("the memory store saves");
        (server, source)
    });
    let per_read = |elapsed: Duration| elapsed.as_secs_f64() * 1e9 / f64::from(reads);
    let cached = || {
        let start = Instant::now();
        for _ in 0..reads {
            black_box(source.cached()).expect("the token is fresh");
        }
        per_read(start.elapsed())
    };
    cached(); // warm-up
    let cached_ns = cached();
    let token_ns = rt.block_on(async {
        let start = Instant::now();
        for _ in 0..reads {
            black_box(source.token().await).expect("the token is fresh");
        }
        per_read(start.elapsed())
    });
    let threads = std::thread::available_parallelism().map_or(2, usize::from);
    let contended: Vec<f64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(cached)).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a reader does not panic"))
            .collect()
    });
    let cached_contended_ns = contended.iter().sum::<f64>() / contended.len() as f64;
    let start = Instant::now();
    for _ in 0..reads {
        black_box(SystemTime::now());
    }
    (
        cached_ns,
        token_ns,
        cached_contended_ns,
        per_read(start.elapsed()),
    )
}

/// `config.stampede` calls at once on an expired token, then the same with the token cached.
async fn stampede(config: &Config) -> (Stampede, Stampede) {
    let server = Server::start(TokenEndpoint {
        latency: config.token_latency,
        expires_in: 3600,
    })
    .await
    .expect("the loopback server starts");
    let transport = Transport::new().expect("a transport");
    let source = token_source(&server, transport.clone());
    let expired = Token::new(AccessToken::new("expired"))
        .with_expires_at(SystemTime::now() - Duration::from_secs(1));
    source.set_token(expired).expect("the memory store saves");
    let client = Arc::new(ApiClient::new(
        server.url("/api"),
        vec![Credential::oauth2(source)],
        transport.clone(),
    ));

    // Open the connections first, so latencies measure the auth path rather than TCP connects.
    let warm = Arc::new(Sender::Raw {
        http: transport.http().clone(),
        url: server.url(&format!("/api{PATH}")),
        authorization: HeaderValue::from_static("Bearer warm-up"),
    });
    let warmers: Vec<_> = (0..config.stampede)
        .map(|_| {
            let warm = warm.clone();
            tokio::spawn(async move { warm.get().await.is_ok() })
        })
        .collect();
    for warmer in warmers {
        let _ = warmer.await;
    }

    let stampede = calls_at_once(&client, &server, config.stampede).await;
    let baseline = calls_at_once(&client, &server, config.stampede).await;
    (stampede, baseline)
}

async fn calls_at_once(client: &Arc<ApiClient>, server: &Server, calls: usize) -> Stampede {
    let token_requests_before = server.token_requests();
    let tasks: Vec<_> = (0..calls)
        .map(|_| {
            let client = client.clone();
            let start = Instant::now();
            tokio::spawn(async move {
                let ok = client
                    .request(Method::GET, PATH)
                    .send::<serde_json::Value>()
                    .await
                    .is_ok();
                (start.elapsed(), ok)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(calls);
    let mut errors = 0;
    for task in tasks {
        let (latency, ok) = task.await.expect("a call task does not panic");
        latencies.push(latency);
        errors += usize::from(!ok);
    }
    Stampede {
        calls,
        errors,
        token_requests: server.token_requests() - token_requests_before,
        p50: percentile(&mut latencies, 50.0),
        p99: percentile(&mut latencies, 99.0),
        max: percentile(&mut latencies, 100.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn both_senders_reach_the_loopback_server_and_a_stampede_renews_once() {
        let config = Config {
            concurrency: 4,
            requests: 40,
            rounds: 1,
            reads: 10,
            stampede: 50,
            token_latency: Duration::from_millis(5),
        };
        let throughput = throughput(&config).await;
        assert_eq!((throughput.raw_rps.len(), throughput.api_rps.len()), (1, 1));
        let (stampede, baseline) = stampede(&config).await;
        assert_eq!(
            (stampede.token_requests, stampede.errors),
            (1, 0),
            "{stampede:?}"
        );
        assert_eq!(
            (baseline.token_requests, baseline.errors),
            (0, 0),
            "{baseline:?}"
        );
    }
}
