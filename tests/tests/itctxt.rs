//! ITCTXT end to end: a user authorizes the app (URI scopes, no PKCE, Basic at the token
//! endpoint), sends an SMS (query parameters, empty body, `x-api-key` beside the Bearer token),
//! keeps working after the access token expires (the refresh token rotates, the new one is saved
//! and the old one never presented again) and manages webhook subscriptions.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use e2e::browser::Browser;
use e2e::itctxt::{Itctxt, API_KEY, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, SEND_MESSAGE};
use e2e::wire;
use itctxt::{
    Client, ClientBuilder, CreateWebhookSubscription, Error, FileStore, Scope, SendSmsQuery, Token,
    TokenStore,
};
use serde_json::{json, Value};

/// The client a user configures, with only the provider's URLs pointed at the stand-in.
fn builder(provider: &Itctxt) -> ClientBuilder {
    Client::builder()
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .api_key(API_KEY)
        .base_url(provider.api_url_template())
        .authorize_url(provider.authorize_url())
        .token_url(provider.token_url())
}

/// The user signs in and consents to `scopes`; the app finishes the authorization.
async fn sign_in(client: &Client, scopes: &[Scope]) -> Arc<Token> {
    let request = client
        .authorize_url(REDIRECT_URI, scopes)
        .expect("an authorization URL");
    let callback = Browser::new().authorize(request.url()).await;
    client
        .finish_authorization(&request, &callback)
        .await
        .expect("the code exchange succeeds")
}

fn sms(text: &str) -> SendSmsQuery {
    SendSmsQuery::new("+15550100".into(), "+15550199".into(), text.into())
}

#[tokio::test]
async fn the_authorization_url_asks_for_uri_scopes_without_pkce() {
    let provider = Itctxt::start().await;
    let client = builder(&provider).build().unwrap();

    let request = client
        .authorize_url(REDIRECT_URI, &[Scope::SendMessage, Scope::ReadContact])
        .unwrap();

    assert_eq!(
        request.url().path(),
        "/oauth2/authorize/",
        "the trailing slash is part of the endpoint"
    );
    let query = wire::url_query(request.url());
    assert_eq!(query.get("response_type"), Some("code"));
    assert_eq!(query.get("client_id"), Some(CLIENT_ID));
    assert_eq!(query.get("redirect_uri"), Some(REDIRECT_URI));
    assert_eq!(
        query.get("scope"),
        Some("https://com.beetexting.scopes/SendMessage https://com.beetexting.scopes/ReadContact")
    );
    assert_eq!(query.get("state"), Some(request.state()));
    assert!(!query.has("code_challenge"), "ITCTXT does not do PKCE");
}

#[tokio::test]
async fn a_user_authorizes_the_app_and_sends_an_sms() {
    let provider = Itctxt::start().await;
    let client = builder(&provider).build().unwrap();

    let token = sign_in(&client, &[Scope::SendMessage, Scope::ReadContact]).await;
    assert!(token.refresh_token().is_some());
    assert_eq!(
        client.granted_scopes().unwrap(),
        [
            "https://com.beetexting.scopes/SendMessage",
            "https://com.beetexting.scopes/ReadContact"
        ]
    );

    let exchange = &provider.server().requests_to("/oauth2/token/").await[0];
    assert_eq!(
        wire::basic_client(exchange),
        Some((CLIENT_ID.to_owned(), CLIENT_SECRET.to_owned()))
    );
    let form = wire::form(exchange).unwrap();
    assert_eq!(
        (form.get("grant_type"), form.get("redirect_uri")),
        (Some("authorization_code"), Some(REDIRECT_URI))
    );
    assert!(!form.has("client_secret") && !form.has("code_verifier"));

    let sent = client.send_sms(&sms("Your table is ready")).await.unwrap();
    let id = sent["id"]
        .as_str()
        .expect("the stand-in returns the message");
    let message = client.get_message(id).await.unwrap();
    assert_eq!(message.text.as_deref(), Some("Your table is ready"));
    assert_eq!(message.to.unwrap()[0].phone_number, "+15550199");

    let calls = provider
        .server()
        .requests_to("/itc-prod/message/sendsms")
        .await;
    let [call] = calls.as_slice() else {
        panic!("one sendsms call, got {}", calls.len())
    };
    let query: Vec<(String, String)> = call.url.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        [
            ("from".into(), "+15550100".into()),
            ("to".into(), "+15550199".into()),
            ("text".into(), "Your table is ready".into())
        ]
    );
    assert!(
        call.body.is_empty(),
        "the message travels in the query; the body is empty"
    );
    assert_eq!(call.headers.get("content-type"), None);
    assert_eq!(call.headers["x-api-key"], API_KEY);
    assert_eq!(
        call.headers["authorization"].to_str().unwrap(),
        format!("Bearer {}", token.access_token().secret())
    );
}

#[tokio::test]
async fn an_sms_without_the_send_message_scope_is_refused_before_it_is_sent() {
    let provider = Itctxt::start().await;
    let client = builder(&provider).build().unwrap();
    sign_in(&client, &[Scope::ReadContact]).await;

    let error = client.send_sms(&sms("hello")).await.unwrap_err();

    assert!(
        matches!(&error, Error::MissingScope { required, .. } if required == SEND_MESSAGE),
        "{error:?}"
    );
    assert!(provider
        .server()
        .requests_to("/itc-prod/message/sendsms")
        .await
        .is_empty());
}

#[tokio::test]
async fn the_app_keeps_working_after_the_access_token_expires_and_the_refresh_token_rotates() {
    let provider = Itctxt::start().await;
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(FileStore::new(dir.path().join("itctxt-token.json")));
    // The first access token lives one second; the ones refreshed later live the usual hour.
    provider.set_access_token_lifetime(Duration::from_secs(1));
    let client = builder(&provider)
        .token_store(store.clone())
        .build()
        .unwrap();
    let first = sign_in(&client, &[Scope::SendMessage]).await;
    provider.set_access_token_lifetime(Duration::from_secs(3600));

    let expires_at = first.expires_at().expect("expires_in was 1");
    tokio::time::sleep(
        expires_at
            .duration_since(SystemTime::now())
            .unwrap_or_default(),
    )
    .await;
    client.send_sms(&sms("after expiry")).await.unwrap();

    assert_eq!(
        provider.unauthorized_calls(),
        0,
        "the client sent an expired token instead of refreshing first"
    );
    let second = client.token().await.unwrap();
    assert_ne!(second.access_token(), first.access_token());
    let rotated = second
        .refresh_token()
        .expect("the refresh response carried a new refresh token");
    assert_ne!(
        rotated,
        first.refresh_token().unwrap(),
        "the provider rotated the refresh token"
    );
    let saved = store.load().unwrap().expect("the token was saved");
    assert_eq!(
        saved.refresh_token(),
        Some(rotated),
        "the rotated refresh token is the one saved"
    );

    // The app restarts from its saved token; later the provider stops accepting the access
    // token (the client still believes it fresh): the 401 leads to one refresh, with the saved,
    // rotated refresh token, and the call goes through.
    let restarted = builder(&provider)
        .token_store(store.clone())
        .build()
        .unwrap();
    provider.clock().advance(Duration::from_secs(3601));
    let page = restarted.list_webhook_subscriptions().await.unwrap();

    assert!(page.content.is_empty());
    assert_eq!(provider.unauthorized_calls(), 1);
    assert_eq!(
        provider.auth().refresh_token_reuses(),
        0,
        "a spent refresh token was presented again"
    );
    let third = store.load().unwrap().unwrap();
    assert_ne!(third.refresh_token(), Some(rotated));
    let refreshes = provider.server().requests_to("/oauth2/token/").await;
    assert_eq!(refreshes.len(), 3, "one code exchange and two refreshes");
    for refresh in &refreshes[1..] {
        assert_eq!(
            wire::form(refresh).unwrap().get("grant_type"),
            Some("refresh_token")
        );
        assert_eq!(
            wire::basic_client(refresh),
            Some((CLIENT_ID.to_owned(), CLIENT_SECRET.to_owned()))
        );
    }
}

#[tokio::test]
async fn concurrent_calls_after_the_token_expires_share_one_refresh() {
    let provider = Itctxt::start().await;
    let client = builder(&provider).build().unwrap();
    sign_in(&client, &[Scope::SendMessage]).await;
    // The provider stops accepting the access token; every call below meets a 401.
    provider.clock().advance(Duration::from_secs(3601));

    let sends = (0..8).map(|n| {
        let client = client.clone();
        async move { client.send_sms(&sms(&format!("message {n}"))).await }
    });
    let results = futures::future::join_all(sends).await;

    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert_eq!(
        provider.server().requests_to("/oauth2/token/").await.len(),
        2,
        "one code exchange, then one refresh for all"
    );
    assert_eq!(
        provider.auth().refresh_token_reuses(),
        0,
        "a rotated refresh token was presented twice"
    );
}

#[tokio::test]
async fn a_dead_refresh_token_tells_the_app_to_send_the_user_through_authorization_again() {
    let provider = Itctxt::start().await;
    let client = builder(&provider).build().unwrap();
    let token = sign_in(&client, &[Scope::SendMessage]).await;
    // Another copy of the app refreshed with the same refresh token, spending it.
    let spent = reqwest::Client::new()
        .post(provider.token_url())
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", token.refresh_token().unwrap().secret()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(spent.status(), 200);
    provider.clock().advance(Duration::from_secs(3601));

    let error = client.send_sms(&sms("hello")).await.unwrap_err();

    assert!(
        matches!(error, Error::ReauthorizationRequired { .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_user_subscribes_a_webhook_lists_and_deletes_it() {
    let provider = Itctxt::start().await;
    let client = builder(&provider).build().unwrap();
    sign_in(&client, &[Scope::ReadContact]).await;

    let mut subscription = CreateWebhookSubscription::new(
        "https://app.example.com/itctxt/events".into(),
        vec!["/orgId/org-1/department/dept-9/message?direction=inbound".into()],
    );
    subscription.expires_date_in_millies = Some(4_102_444_800_000);
    let created = client
        .create_webhook_subscription(&subscription)
        .await
        .unwrap();

    assert_eq!(
        created.uri.as_deref(),
        Some("https://app.example.com/itctxt/events")
    );
    assert_eq!(created.expiration_time, Some(json!(4_102_444_800_000u64)));
    let listed = client.list_webhook_subscriptions().await.unwrap();
    assert_eq!(listed.content, std::slice::from_ref(&created));
    let posted = &provider
        .server()
        .requests_to("/itc-prod/webhooksubscription")
        .await[0];
    assert_eq!(posted.headers["content-type"], "application/json");
    let body: Value = serde_json::from_slice(&posted.body).unwrap();
    assert_eq!(
        body["eventFilters"][0],
        "/orgId/org-1/department/dept-9/message?direction=inbound"
    );

    client
        .delete_webhook_subscription(&created.id)
        .await
        .unwrap();
    assert!(client
        .list_webhook_subscriptions()
        .await
        .unwrap()
        .content
        .is_empty());
}

#[tokio::test]
async fn a_callback_that_belongs_to_another_authorization_is_refused_without_a_token_request() {
    let provider = Itctxt::start().await;
    let client = builder(&provider).build().unwrap();
    let mine = client
        .authorize_url(REDIRECT_URI, &[Scope::SendMessage])
        .unwrap();
    let theirs = client
        .authorize_url(REDIRECT_URI, &[Scope::SendMessage])
        .unwrap();
    let their_callback = Browser::new().authorize(theirs.url()).await;

    let error = client
        .finish_authorization(&mine, &their_callback)
        .await
        .unwrap_err();

    assert!(matches!(error, Error::StateMismatch), "{error:?}");
    assert!(provider
        .server()
        .requests_to("/oauth2/token/")
        .await
        .is_empty());
}

#[tokio::test]
async fn the_stage_variable_reaches_another_white_label() {
    let phone_com = Itctxt::start_for_stage("pdc-prod").await;
    let client = builder(&phone_com).stage("pdc-prod").build().unwrap();
    sign_in(&client, &[Scope::ReadContact]).await;
    client.list_webhook_subscriptions().await.unwrap();

    let default_stage = builder(&phone_com).build().unwrap();
    sign_in(&default_stage, &[Scope::ReadContact]).await;
    let error = default_stage
        .list_webhook_subscriptions()
        .await
        .unwrap_err();
    assert_eq!(
        error.status().map(|s| s.as_u16()),
        Some(403),
        "`itc-prod` is not served by this white label: {error:?}"
    );
}

/// The stand-in refuses what ITCTXT refuses, so the stories above would fail against it the way
/// a wrong client fails against the provider.
#[tokio::test]
async fn the_stand_in_refuses_what_itctxt_refuses() {
    let provider = Itctxt::start().await;
    let http = reqwest::Client::new();
    let client = builder(&provider).build().unwrap();
    let token = sign_in(&client, &[Scope::SendMessage]).await;
    let refresh_token = token.refresh_token().unwrap().secret().to_owned();
    let token_request = |form: &[(&str, &str)]| http.post(provider.token_url()).form(form);

    // Client credentials in the body instead of HTTP Basic.
    let in_body = token_request(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", &refresh_token),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
    ]);
    assert_oauth_error(in_body.send().await.unwrap(), 401, "invalid_client").await;
    // A JSON body.
    let json_body = http
        .post(provider.token_url())
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .json(&json!({ "grant_type": "refresh_token", "refresh_token": refresh_token }));
    assert_oauth_error(json_body.send().await.unwrap(), 400, "invalid_request").await;
    // Bearer where Basic is required.
    let bearer = token_request(&[
        ("grant_type", "refresh_token"),
        ("refresh_token", &refresh_token),
    ])
    .bearer_auth(CLIENT_SECRET);
    assert_oauth_error(bearer.send().await.unwrap(), 401, "invalid_client").await;
    // A refresh token presented twice.
    let refresh = || {
        token_request(&[
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh_token),
        ])
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
    };
    assert_eq!(refresh().send().await.unwrap().status(), 200);
    assert_oauth_error(refresh().send().await.unwrap(), 400, "invalid_grant").await;
    assert_eq!(provider.auth().refresh_token_reuses(), 1);

    // An unregistered redirect URI gets an error page, never a redirect carrying a code.
    let mut elsewhere = client
        .authorize_url(REDIRECT_URI, &[])
        .unwrap()
        .url()
        .clone();
    let query: Vec<(String, String)> = elsewhere.query_pairs().into_owned().collect();
    elsewhere
        .query_pairs_mut()
        .clear()
        .extend_pairs(query.iter().map(|(n, v)| {
            (
                n.as_str(),
                if n == "redirect_uri" {
                    "https://attacker.example/cb"
                } else {
                    v.as_str()
                },
            )
        }));
    assert_eq!(Browser::new().error_page(&elsewhere).await.0, 400);

    let sendsms = format!(
        "{}/message/sendsms?from=%2B15550100&to=%2B15550199&text=hi",
        provider.api_url_template().replace("{stage}", "itc-prod")
    );
    let access_token = token.access_token().secret();
    // No API key beside the token.
    assert_eq!(
        http.post(&sendsms)
            .bearer_auth(access_token)
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    // The API key without a token.
    assert_eq!(
        http.post(&sendsms)
            .header("x-api-key", API_KEY)
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    // The message in a JSON body.
    let with_body = http
        .post(&sendsms)
        .header("x-api-key", API_KEY)
        .bearer_auth(access_token)
        .json(&json!({ "text": "hi" }));
    assert_eq!(with_body.send().await.unwrap().status(), 400);
}

async fn assert_oauth_error(response: reqwest::Response, status: u16, error: &str) {
    assert_eq!(response.status().as_u16(), status);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], error, "{body}");
}
