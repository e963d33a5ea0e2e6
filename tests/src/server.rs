//! The listener behind every stand-in: a wiremock server on 127.0.0.1 whose one responder is the
//! stand-in's own dispatcher, plus an optional HTTPS front.
//!
//! wiremock serves, records what it received and runs the responder; routing, state and
//! strictness live in the stand-in, which matches on method and path segments in plain Rust.

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond};

use crate::tls::TlsFront;

/// A running stand-in listener. Stops when dropped.
#[derive(Debug)]
pub struct Server {
    mock: MockServer,
    tls: Option<TlsFront>,
}

impl Server {
    /// Serves plain HTTP on a free port, answering every request with `dispatch`.
    pub async fn start(dispatch: impl Respond + 'static) -> Server {
        let mock = MockServer::start().await;
        Mock::given(any()).respond_with(dispatch).mount(&mock).await;
        Server { mock, tls: None }
    }

    /// Serves HTTPS as well (see [`crate::tls`]), for `https://` templates filled with `127.0.0.1:<port>`.
    pub async fn start_with_tls(dispatch: impl Respond + 'static) -> Server {
        let mut server = Server::start(dispatch).await;
        server.tls = Some(TlsFront::start(*server.mock.address()).await);
        server
    }

    /// `http://127.0.0.1:<port>` followed by `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.mock.uri())
    }

    /// `127.0.0.1:<port>` of the HTTPS front.
    ///
    /// # Panics
    /// When the server was started without one.
    pub fn tls_authority(&self) -> String {
        self.tls
            .as_ref()
            .expect("started with `start_with_tls`")
            .authority()
    }

    /// `127.0.0.1:<port>` of the plain HTTP listener.
    pub fn authority(&self) -> String {
        self.mock.address().to_string()
    }

    /// Every request received so far, in order.
    pub async fn requests(&self) -> Vec<Request> {
        self.mock
            .received_requests()
            .await
            .expect("request recording is on")
    }

    /// The requests received so far whose path is `path`.
    pub async fn requests_to(&self, path: &str) -> Vec<Request> {
        self.requests()
            .await
            .into_iter()
            .filter(|r| r.url.path() == path)
            .collect()
    }
}
