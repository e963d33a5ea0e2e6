//! A loopback HTTP/1.1 server (hyper) standing in for a provider: an API endpoint and a token
//! endpoint that counts its requests and answers after a configurable latency.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The body of every API response: small, like most provider answers.
const API_BODY: &[u8] = br#"{"id":"msg_1","status":"delivered","to":["+15550100"],"cost":0.0075}"#;

/// How the token endpoint behaves.
#[derive(Debug, Clone, Copy)]
pub struct TokenEndpoint {
    /// How long the endpoint takes to answer.
    pub latency: Duration,
    /// The `expires_in` it returns, in seconds.
    pub expires_in: u64,
}

impl Default for TokenEndpoint {
    fn default() -> Self {
        TokenEndpoint {
            latency: Duration::ZERO,
            expires_in: 3600,
        }
    }
}

#[derive(Debug)]
struct State {
    token: TokenEndpoint,
    token_requests: AtomicUsize,
    api_requests: AtomicUsize,
}

/// A running server; stops accepting connections when dropped.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    state: Arc<State>,
    accept: JoinHandle<()>,
}

impl Server {
    /// Binds 127.0.0.1 on a free port and serves on the current tokio runtime:
    /// `GET /api/...` answers a small JSON object, `POST /token` a token.
    pub async fn start(token: TokenEndpoint) -> std::io::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(State {
            token,
            token_requests: AtomicUsize::new(0),
            api_requests: AtomicUsize::new(0),
        });
        let accept = tokio::spawn(accept_loop(listener, state.clone()));
        Ok(Server {
            addr,
            state,
            accept,
        })
    }

    /// `http://127.0.0.1:<port>` followed by `path`.
    pub fn url(&self, path: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{path}", self.addr)).expect("a loopback URL parses")
    }

    /// How many token requests the server has answered or is answering.
    pub fn token_requests(&self) -> usize {
        self.state.token_requests.load(Ordering::Relaxed)
    }

    /// How many API requests the server has seen.
    pub fn api_requests(&self) -> usize {
        self.state.api_requests.load(Ordering::Relaxed)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let state = state.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request| handle(state.clone(), request));
            // A client closing its connection mid-request is not the server's concern here.
            let _ = http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn handle(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let response = match (request.method(), request.uri().path()) {
        (&Method::POST, "/token") => {
            let n = state.token_requests.fetch_add(1, Ordering::Relaxed) + 1;
            // Read the form body like a real endpoint would before answering.
            let _ = request.into_body().collect().await;
            if !state.token.latency.is_zero() {
                tokio::time::sleep(state.token.latency).await;
            }
            let body = format!(
                r#"{{"access_token":"bench-token-{n}","token_type":"Bearer","expires_in":{},"scope":"read write"}}"#,
                state.token.expires_in
            );
            json(StatusCode::OK, Bytes::from(body))
        }
        (&Method::GET, path) if path.starts_with("/api/") => {
            state.api_requests.fetch_add(1, Ordering::Relaxed);
            json(StatusCode::OK, Bytes::from_static(API_BODY))
        }
        _ => json(
            StatusCode::NOT_FOUND,
            Bytes::from_static(br#"{"error":"not_found"}"#),
        ),
    };
    Ok(response)
}

fn json(status: StatusCode, body: Bytes) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}
