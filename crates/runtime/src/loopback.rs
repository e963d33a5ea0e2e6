//! The loopback redirect of RFC 8252 §7.3, for command-line and desktop apps: listen on
//! 127.0.0.1, let the user's browser deliver the code there, exchange it.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use url::Url;

use crate::error::{Error, Result};
use crate::oauth::{AuthorizationRequest, OAuthClient};
use crate::pkce::State;
use crate::token::Token;

/// The page the browser shows once the callback arrived.
const DONE_PAGE: &str = "<!doctype html><title>Signed in</title><p>You can close this window and return to the application.</p>";
/// The path of the redirect URI on the loopback listener.
const CALLBACK_PATH: &str = "/callback";
/// The largest request head we read from the browser.
const MAX_REQUEST_HEAD: usize = 16 * 1024;
/// How long one connection may take to send its request and receive the answer.
const CONNECTION_DEADLINE: Duration = Duration::from_secs(5);
/// How many connections are served at once; more are closed unanswered.
const MAX_CONNECTIONS: usize = 32;

/// Runs the authorization code flow through a loopback redirect.
///
/// `open` receives the authorize URL (print it, or open a browser); the call then waits up to
/// `timeout` for the callback on `http://127.0.0.1:<free port>/callback`, checks its `state`,
/// answers the browser and exchanges the code.
pub async fn authorize_with_loopback(
    oauth: &OAuthClient,
    scopes: &[&str],
    timeout: Duration,
    open: impl FnOnce(&Url),
) -> Result<Token> {
    let listener = TcpListener::bind(("127.0.0.1", 0))
        .await
        .map_err(Error::Loopback)?;
    let port = listener.local_addr().map_err(Error::Loopback)?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}{CALLBACK_PATH}");
    let request = oauth.authorize_url(&redirect_uri, scopes)?;
    open(request.url());
    let callback = tokio::time::timeout(timeout, receive_callback(&listener, port, &request))
        .await
        .map_err(|_| Error::Timeout(timeout))??;
    oauth.exchange_callback(&request, &callback).await
}

/// Accepts connections until one asks for `/callback` with this request's `state`; answers it
/// and returns its full URL. A callback with another state (a local page that guessed the port)
/// is answered 400 and ignored, so it can neither inject its code nor end the flow.
///
/// Connections are served concurrently, each within [`CONNECTION_DEADLINE`]: a browser opens
/// idle connections ahead of need (preconnect), and one of them must not hold up the callback.
async fn receive_callback(
    listener: &TcpListener,
    port: u16,
    request: &AuthorizationRequest,
) -> Result<String> {
    let state = request.state_checker();
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, _) = accepted.map_err(Error::Loopback)?;
                if connections.len() >= MAX_CONNECTIONS {
                    tracing::debug!("too many loopback connections at once; dropping one");
                    continue;
                }
                connections.spawn(serve(stream, state.clone()));
            }
            Some(served) = connections.join_next() => {
                if let Ok(Some(target)) = served {
                    return Ok(format!("http://127.0.0.1:{port}{target}"));
                }
            }
        }
    }
}

/// Reads one request (within [`CONNECTION_DEADLINE`] and [`MAX_REQUEST_HEAD`] bytes), answers
/// it, and returns its target when it is this authorization's callback.
async fn serve(mut stream: TcpStream, state: State) -> Option<String> {
    let head = tokio::time::timeout(CONNECTION_DEADLINE, read_head(&mut stream))
        .await
        .ok()?;
    let head = String::from_utf8_lossy(&head);
    let target = head
        .lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .unwrap_or("");
    let is_callback = target.split(['?', '#']).next() == Some(CALLBACK_PATH);
    let ours = is_callback && carries_state(target, &state);
    let response = match (is_callback, ours) {
        (true, true) => format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{DONE_PAGE}", DONE_PAGE.len()),
        (true, false) => "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
        _ => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
    };
    // The browser going away early does not change what we received.
    let answer = async {
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    };
    let _ = tokio::time::timeout(CONNECTION_DEADLINE, answer).await;
    if !ours {
        tracing::debug!(
            is_callback,
            "ignored a loopback request that is not this authorization's callback"
        );
    }
    ours.then(|| target.to_owned())
}

/// The request head: bytes up to the blank line, the peer closing, or [`MAX_REQUEST_HEAD`].
async fn read_head(stream: &mut TcpStream) -> Vec<u8> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < MAX_REQUEST_HEAD {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => head.extend_from_slice(buf.get(..n).unwrap_or_default()),
        }
    }
    head
}

/// Whether the request target's `state` parameter is the authorization's (compared in constant time).
fn carries_state(target: &str, state: &State) -> bool {
    let query = target.split_once('?').map_or("", |(_, query)| query);
    url::form_urlencoded::parse(query.as_bytes())
        .any(|(name, value)| name == "state" && state.matches(&value))
}
