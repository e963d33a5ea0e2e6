//! The loopback redirect of RFC 8252 §7.3, driven by a simulated browser: the `open` callback
//! spawns a task that requests the authorize URL's redirect URI as the provider would send it.

mod common;

use std::time::Duration;

use common::*;
use provider_runtime::{authorize_with_loopback, Error, OAuthClient};
use tokio::task::JoinHandle;
use url::Url;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const WAIT: Duration = Duration::from_secs(10);

/// What the simulated browser saw: the status of each request it made, and the final page.
#[derive(Debug)]
struct BrowserVisit {
    statuses: Vec<u16>,
    page: String,
}

/// Plays the user's browser after the provider approved: stray requests first (a favicon, as
/// browsers ask for one; a look-alike path), then the redirect to the app's loopback address
/// with `callback_query`.
fn simulate_browser(
    authorize_url: &Url,
    callback_query: impl FnOnce(&str) -> String,
) -> JoinHandle<BrowserVisit> {
    let param = |name: &str| {
        authorize_url
            .query_pairs()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let redirect_uri = Url::parse(&param("redirect_uri")).unwrap();
    let callback = format!("{redirect_uri}?{}", callback_query(&param("state")));
    let strays =
        ["/favicon.ico", "/callbacks?code=stray"].map(|stray| redirect_uri.join(stray).unwrap());
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        let mut statuses = Vec::new();
        for stray in strays {
            statuses.push(http.get(stray).send().await.unwrap().status().as_u16());
        }
        let response = http.get(callback).send().await.unwrap();
        statuses.push(response.status().as_u16());
        BrowserVisit {
            statuses,
            page: response.text().await.unwrap(),
        }
    })
}

async fn provider(expected_token_requests: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("at-loopback")))
        .expect(expected_token_requests)
        .named("token endpoint")
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> OAuthClient {
    oauth_client(config(server), "desktop-app", None)
}

#[tokio::test]
async fn the_code_delivered_to_the_loopback_address_is_exchanged() {
    let server = provider(1).await;
    let oauth = client(&server);
    let mut browser = None;

    let token = authorize_with_loopback(&oauth, &["read"], WAIT, |url| {
        browser = Some(simulate_browser(url, |state| {
            format!("code=code-from-browser&state={state}")
        }));
    })
    .await
    .unwrap();

    assert_eq!(token.access_token().secret(), "at-loopback");
    let visit = browser.unwrap().await.unwrap();
    assert_eq!(
        visit.statuses,
        [404, 404, 200],
        "only /callback is answered"
    );
    assert!(
        visit.page.contains("You can close this window"),
        "{}",
        visit.page
    );
    let exchange = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(
        form_field(&exchange, "code").as_deref(),
        Some("code-from-browser")
    );
    assert!(
        form_field(&exchange, "code_verifier").is_some(),
        "PKCE protects the loopback flow"
    );
    let redirect_uri = Url::parse(&form_field(&exchange, "redirect_uri").unwrap()).unwrap();
    assert_eq!(
        (
            redirect_uri.scheme(),
            redirect_uri.host_str(),
            redirect_uri.path()
        ),
        ("http", Some("127.0.0.1"), "/callback")
    );
    assert_ne!(
        redirect_uri.port(),
        None,
        "an ephemeral port chosen by the OS"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_callback_with_another_state_is_ignored_and_the_real_one_still_accepted() {
    let server = provider(1).await;
    let oauth = client(&server);
    let mut browser = None;

    let token = authorize_with_loopback(&oauth, &[], WAIT, |url| {
        let url = url.clone();
        // Another local page guessed the port and raced the real redirect with its own code.
        browser = Some(tokio::spawn(async move {
            let param = |name: &str| {
                url.query_pairs()
                    .find(|(n, _)| n == name)
                    .unwrap()
                    .1
                    .into_owned()
            };
            let redirect_uri = param("redirect_uri");
            let http = reqwest::Client::new();
            let forged = http
                .get(format!("{redirect_uri}?code=injected&state=forged"))
                .send()
                .await
                .unwrap();
            let genuine = format!("{redirect_uri}?code=genuine&state={}", param("state"));
            (
                forged.status().as_u16(),
                http.get(genuine).send().await.unwrap().status().as_u16(),
            )
        }));
    })
    .await
    .unwrap();

    assert_eq!(token.access_token().secret(), "at-loopback");
    assert_eq!(
        browser.unwrap().await.unwrap(),
        (400, 200),
        "the forged callback is answered 400"
    );
    let exchanged = server.received_requests().await.unwrap();
    let body = String::from_utf8_lossy(&exchanged[0].body).into_owned();
    assert!(
        body.contains("code=genuine") && !body.contains("injected"),
        "{body}"
    );
    server.verify().await;
}

#[tokio::test]
async fn a_denied_authorization_is_reported() {
    let server = provider(0).await;
    let oauth = client(&server);

    let error = authorize_with_loopback(&oauth, &[], WAIT, |url| {
        simulate_browser(url, |state| format!("error=access_denied&state={state}"));
    })
    .await
    .unwrap_err();

    assert_eq!(error.oauth_error(), Some("access_denied"));
    server.verify().await;
}

#[tokio::test]
async fn nobody_coming_back_times_out() {
    let server = provider(0).await;
    let oauth = client(&server);
    let timeout = Duration::from_millis(300);
    let mut opened = None;

    let error = authorize_with_loopback(&oauth, &[], timeout, |url| opened = Some(url.clone()))
        .await
        .unwrap_err();

    assert!(
        matches!(error, Error::Timeout(t) if t == timeout),
        "{error:?}"
    );
    assert!(opened.is_some(), "the authorize URL was handed out");
    server.verify().await;
}

#[tokio::test]
async fn an_idle_connection_does_not_hold_up_the_callback() {
    let server = provider(1).await;
    let oauth = client(&server);
    let mut browser = None;
    let started = std::time::Instant::now();

    let token = authorize_with_loopback(&oauth, &[], WAIT, |url| {
        let redirect_uri = Url::parse(
            &url.query_pairs()
                .find(|(n, _)| n == "redirect_uri")
                .unwrap()
                .1,
        )
        .unwrap();
        let port = redirect_uri.port().unwrap();
        let url = url.clone();
        browser = Some(tokio::spawn(async move {
            // A browser preconnect: a socket opened ahead of need that sends nothing, and is
            // accepted before the real requests.
            let idle = tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
            let visit = simulate_browser(&url, |state| format!("code=c&state={state}"))
                .await
                .unwrap();
            (idle, visit)
        }));
    })
    .await
    .unwrap();

    assert_eq!(token.access_token().secret(), "at-loopback");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the flow took {:?}",
        started.elapsed()
    );
    let (_idle, visit) = browser.unwrap().await.unwrap();
    assert_eq!(visit.statuses.last(), Some(&200));
}
