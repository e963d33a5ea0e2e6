//! Bounded retries of 429 and 503: `Retry-After` honoured for idempotent requests only, and a
//! wait longer than the runtime accepts handed back to the caller instead of slept through.

mod common;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use provider_runtime::Error;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use wiremock::matchers::path;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers `failures` with `status` and `Retry-After: retry_after`, then 200; notes when each call came.
struct FailsThenSucceeds {
    status: u16,
    retry_after: Option<&'static str>,
    failures: usize,
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

impl Respond for FailsThenSucceeds {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap();
        arrivals.push(Instant::now());
        if arrivals.len() > self.failures {
            return ResponseTemplate::new(200).set_body_json(json!({"ok": true}));
        }
        let response = ResponseTemplate::new(self.status)
            .set_body_json(json!({"error": {"type": "too_many_requests"}}));
        match self.retry_after {
            Some(value) => response.insert_header("retry-after", value),
            None => response,
        }
    }
}

/// A server whose `/items` fails `failures` times; returns it and the arrival log.
async fn flaky_api(
    status: u16,
    retry_after: Option<&'static str>,
    failures: usize,
) -> (MockServer, Arc<Mutex<Vec<Instant>>>) {
    let server = MockServer::start().await;
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let responder = FailsThenSucceeds {
        status,
        retry_after,
        failures,
        arrivals: arrivals.clone(),
    };
    Mock::given(path("/items"))
        .respond_with(responder)
        .mount(&server)
        .await;
    (server, arrivals)
}

#[tokio::test]
async fn a_429_on_get_is_retried_after_the_requested_delay() {
    let (server, arrivals) = flaky_api(429, Some("1"), 1).await;
    let api = api_client(&server, vec![]);

    let body: Value = api.request(Method::GET, "/items").send().await.unwrap();

    assert_eq!(body, json!({"ok": true}));
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), 2);
    // A lower bound only: the retry cannot come before the provider allowed it.
    assert!(
        arrivals[1] - arrivals[0] >= Duration::from_secs(1),
        "retried after {:?}",
        arrivals[1] - arrivals[0]
    );
}

#[tokio::test]
async fn a_429_on_post_is_not_retried() {
    let (server, arrivals) = flaky_api(429, Some("1"), 1).await;
    let api = api_client(&server, vec![]);

    let error = api
        .request(Method::POST, "/items")
        .json(&json!({"text": "hi"}))
        .send::<Value>()
        .await
        .unwrap_err();

    let Error::Api {
        status,
        retry_after,
        ..
    } = error
    else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        retry_after,
        Some(Duration::from_secs(1)),
        "the caller learns when it may try again"
    );
    assert_eq!(
        arrivals.lock().unwrap().len(),
        1,
        "a POST may have taken effect: never resent"
    );
}

#[tokio::test]
async fn a_503_on_get_is_retried() {
    let (server, arrivals) = flaky_api(503, Some("0"), 1).await;
    let api = api_client(&server, vec![]);

    api.request(Method::GET, "/items")
        .send::<Value>()
        .await
        .unwrap();

    assert_eq!(arrivals.lock().unwrap().len(), 2);
}

#[tokio::test]
async fn a_retry_after_given_as_an_http_date_is_understood() {
    let (server, arrivals) = flaky_api(503, Some("Fri, 01 Jan 2100 00:00:00 GMT"), 1).await;
    let api = api_client(&server, vec![]);

    let error = api
        .request(Method::GET, "/items")
        .send::<Value>()
        .await
        .unwrap_err();

    let Error::Api { retry_after, .. } = error else {
        panic!("expected an API error, got {error:?}")
    };
    assert!(
        retry_after.unwrap() > Duration::from_secs(365 * 86_400),
        "{retry_after:?}"
    );
    assert_eq!(
        arrivals.lock().unwrap().len(),
        1,
        "a wait of decades is the caller's decision"
    );
}

#[tokio::test]
async fn retries_are_bounded() {
    let (server, arrivals) = flaky_api(503, Some("0"), usize::MAX).await;
    let api = api_client(&server, vec![]);

    let error = api
        .request(Method::GET, "/items")
        .send::<Value>()
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(
        arrivals.lock().unwrap().len(),
        3,
        "one call and two retries"
    );
}

#[tokio::test]
async fn a_retry_after_longer_than_the_runtime_waits_is_returned_to_the_caller() {
    let (server, arrivals) = flaky_api(429, Some("3600"), 1).await;
    let api = api_client(&server, vec![]);

    let error = api
        .request(Method::GET, "/items")
        .send::<Value>()
        .await
        .unwrap_err();

    let Error::Api {
        status,
        retry_after,
        ..
    } = error
    else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(retry_after, Some(Duration::from_secs(3600)));
    assert_eq!(arrivals.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn no_retry_wait_runs_past_the_callers_timeout() {
    let (server, arrivals) = flaky_api(429, Some("5"), usize::MAX).await;
    let transport = provider_runtime::Transport::from_builder(
        reqwest::Client::builder(),
        Duration::from_secs(2),
    )
    .unwrap();
    let api = provider_runtime::ApiClient::new(server.uri().parse().unwrap(), vec![], transport);

    let started = Instant::now();
    let error = api
        .request(Method::GET, "/items")
        .send::<Value>()
        .await
        .unwrap_err();

    assert!(
        started.elapsed() < Duration::from_secs(2),
        "the call took {:?} with a 2 s timeout",
        started.elapsed()
    );
    assert!(
        matches!(error, Error::Api { retry_after: Some(wait), .. } if wait == Duration::from_secs(5)),
        "the caller learns the wait it may choose to honour: {error:?}"
    );
    assert_eq!(arrivals.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn retry_after_dates_beyond_any_calendar_are_ignored_not_overflowed() {
    for date in [
        "Sun, 06 Nov 9999999999999999 08:49:37 GMT",
        "Sun, 06 Nov -9999999999999999 08:49:37 GMT",
        "Sun, 9999999999999999 Nov 1994 08:49:37 GMT",
    ] {
        let (server, arrivals) = flaky_api(503, Some(date), 1).await;
        let api = api_client(&server, vec![]);

        let body: Value = api.request(Method::GET, "/items").send().await.unwrap();

        assert_eq!(body, json!({"ok": true}), "{date}");
        assert_eq!(
            arrivals.lock().unwrap().len(),
            2,
            "{date}: retried after the default wait"
        );
    }
}
