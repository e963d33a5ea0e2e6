//! SMS.CX end to end: an application authenticates with client credentials (HTTP Basic, a subset
//! of scopes), sends an SMS and manages groups; an expired token is replaced by a fresh grant (there
//! is no refresh token); an API key works instead; refusals arrive as the provider's typed error
//! envelope; a 429 on a GET is retried after `Retry-After`.

use std::time::{Duration, Instant};

use e2e::sms_cx::{
    SmsCx, ACCESS_TOKEN_LIFETIME, API_KEY, APPLICATION_ID, APPLICATION_SECRET, ERRORS_URI,
};
use e2e::wire;
use serde_json::{json, Value};
use sms_cx::{Client, ClientBuilder, CreateGroupRequest, Error, Scope, SendSmsRequest};

/// An application authenticating with OAuth, asking for `sms` and `groups` only.
fn oauth_client(provider: &SmsCx) -> Client {
    base(provider)
        .oauth2(APPLICATION_ID, APPLICATION_SECRET)
        .client_credentials([Scope::Sms, Scope::Groups])
        .build()
        .unwrap()
}

/// The client a user configures, with only the provider's URLs pointed at the stand-in.
fn base(provider: &SmsCx) -> ClientBuilder {
    Client::builder()
        .base_url(provider.api_url())
        .token_url(provider.token_url())
}

fn sms(from: &str) -> SendSmsRequest {
    let mut sms = SendSmsRequest::new(
        vec!["+447700900123".into(), "+447700900456".into()],
        from.into(),
        "Sale starts now".into(),
    );
    sms.country_iso = Some("GB".into());
    sms
}

#[tokio::test]
async fn an_application_gets_a_token_for_a_subset_of_scopes_and_sends_an_sms() {
    let provider = SmsCx::start().await;
    let client = oauth_client(&provider);

    let sent = client.send_sms(&sms("ShopCo")).await.unwrap();

    assert_eq!(sent.info.total_valid, Some(2));
    assert_eq!(
        sent.data
            .iter()
            .map(|m| m.to.as_deref().unwrap())
            .collect::<Vec<_>>(),
        ["+447700900123", "+447700900456"]
    );
    assert_eq!(client.granted_scopes().unwrap(), ["sms", "groups"]);
    let token_request = &provider.server().requests_to("/oauth/token").await[0];
    assert_eq!(
        wire::basic(token_request),
        Some((APPLICATION_ID.to_owned(), APPLICATION_SECRET.to_owned()))
    );
    let form = wire::form(token_request).unwrap();
    assert_eq!(
        (form.get("grant_type"), form.get("scope")),
        (Some("client_credentials"), Some("sms groups"))
    );
    let call = &provider.server().requests_to("/sms").await[0];
    let body: Value = call.body_json().unwrap();
    assert_eq!(
        body["countryIso"], "GB",
        "JSON bodies are camelCase: {body}"
    );
    assert!(call.headers["authorization"]
        .to_str()
        .unwrap()
        .starts_with("Bearer smscx-"));
}

#[tokio::test]
async fn groups_are_listed_and_created() {
    let provider = SmsCx::start().await;
    let client = oauth_client(&provider);

    let before = client.list_groups().await.unwrap();
    let created = client
        .create_group(&CreateGroupRequest::new("VIP".into()))
        .await
        .unwrap();
    let after = client.list_groups().await.unwrap();

    assert_eq!(
        before.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
        ["Customers"]
    );
    assert_eq!(created.name, "VIP");
    assert_eq!(
        after
            .iter()
            .map(|g| (g.id.as_str(), g.name.as_str()))
            .collect::<Vec<_>>(),
        [("grp-1", "Customers"), (created.id.as_str(), "VIP")]
    );
    assert_eq!(
        provider.token_requests(),
        1,
        "one token serves every call until it expires"
    );
}

#[tokio::test]
async fn the_rate_limit_headers_reach_the_caller_with_the_typed_body() {
    let provider = SmsCx::start().await;
    let client = oauth_client(&provider);

    let groups = client.list_groups_with_response().await.unwrap();

    assert_eq!(groups.status(), 200);
    assert_eq!(groups.headers()["x-rate-limit-remaining"], "99");
    assert_eq!(groups.headers()["x-rate-limit-reset"], "60");
    assert_eq!(groups.len(), 1, "derefs to the body");
    assert_eq!(groups.into_inner()[0].name, "Customers");
}

#[tokio::test]
async fn the_scope_subset_holds_whichever_order_the_builder_is_called_in() {
    let provider = SmsCx::start().await;
    let client = base(&provider)
        .client_credentials([Scope::Sms])
        .oauth2(APPLICATION_ID, APPLICATION_SECRET)
        .build()
        .unwrap();

    client.send_sms(&sms("ShopCo")).await.unwrap();

    assert_eq!(client.granted_scopes().unwrap(), ["sms"]);
}

#[tokio::test]
async fn an_operation_outside_the_granted_scopes_fails_before_the_network() {
    let provider = SmsCx::start().await;
    let client = oauth_client(&provider);
    client.list_groups().await.unwrap();

    let error = client.get_balance().await.unwrap_err();

    assert!(
        matches!(&error, Error::MissingScope { required, granted } if required == "account" && granted == &["sms", "groups"]),
        "{error:?}"
    );
    assert!(provider
        .server()
        .requests_to("/account/balance")
        .await
        .is_empty());
}

#[tokio::test]
async fn an_expired_token_is_replaced_by_a_fresh_client_credentials_grant() {
    let provider = SmsCx::start().await;
    let client = oauth_client(&provider);
    client.list_groups().await.unwrap();
    let first = client.token().await.unwrap();

    // A day later by the provider's clock: the token it issued has expired.
    provider
        .clock()
        .advance(ACCESS_TOKEN_LIFETIME + Duration::from_secs(1));
    client
        .create_group(&CreateGroupRequest::new("Later".into()))
        .await
        .unwrap();

    let second = client.token().await.unwrap();
    assert_ne!(second.access_token(), first.access_token());
    assert!(
        second.refresh_token().is_none(),
        "SMS.CX issues no refresh token"
    );
    let grants: Vec<(Option<String>, Option<String>)> = provider
        .server()
        .requests_to("/oauth/token")
        .await
        .iter()
        .map(|r| wire::form(r).unwrap())
        .map(|f| {
            (
                f.get("grant_type").map(str::to_owned),
                f.get("scope").map(str::to_owned),
            )
        })
        .collect();
    let fresh_grant = (
        Some("client_credentials".to_owned()),
        Some("sms groups".to_owned()),
    );
    assert_eq!(
        grants,
        [fresh_grant.clone(), fresh_grant],
        "the same grant again, for the same scopes"
    );
}

#[tokio::test]
async fn an_api_key_works_instead_of_oauth() {
    let provider = SmsCx::start().await;
    let client = base(&provider).api_key(API_KEY).build().unwrap();

    let groups = client.list_groups().await.unwrap();

    assert_eq!(groups.len(), 1);
    let call = &provider.server().requests_to("/groups").await[0];
    assert_eq!(call.headers["x-api-key"], API_KEY);
    assert_eq!(call.headers.get("authorization"), None);
    assert_eq!(provider.token_requests(), 0);
}

#[tokio::test]
async fn a_refused_sms_is_the_providers_typed_error() {
    let provider = SmsCx::start().await;
    let client = oauth_client(&provider);

    let error = client.send_sms(&sms("AB")).await.unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    let envelope = sms_cx::decode_error(&error).expect("the body is SMS.CX's error envelope");
    assert_eq!(
        envelope.error.r#type.as_deref(),
        Some("invalid_request_error")
    );
    assert_eq!(envelope.error.code, Some(1102));
    assert_eq!(
        envelope.error.message.as_deref(),
        Some("`from` must be 3 to 15 characters")
    );
    assert_eq!(envelope.error.uri.as_deref(), Some(ERRORS_URI));
    assert!(
        error
            .to_string()
            .contains("`from` must be 3 to 15 characters"),
        "{error}"
    );
}

#[tokio::test]
async fn a_throttled_get_is_retried_after_the_wait_the_provider_asked_for() {
    let provider = SmsCx::start().await;
    let client = base(&provider).api_key(API_KEY).build().unwrap();
    provider.throttle(1, 1);

    let started = Instant::now();
    let groups = client.list_groups().await.unwrap();

    assert_eq!(groups.len(), 1);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "retried after {:?}, before Retry-After: 1",
        started.elapsed()
    );
    assert_eq!(provider.server().requests_to("/groups").await.len(), 2);
}

#[tokio::test]
async fn a_throttled_post_is_not_retried_nor_is_a_get_asked_to_wait_too_long() {
    let provider = SmsCx::start().await;
    let client = base(&provider).api_key(API_KEY).build().unwrap();

    provider.throttle(1, 1);
    let error = client.send_sms(&sms("ShopCo")).await.unwrap_err();
    assert!(
        matches!(error, Error::Api { status, retry_after: Some(wait), .. } if status == 429 && wait == Duration::from_secs(1)),
        "{error:?}"
    );
    assert_eq!(
        provider.server().requests_to("/sms").await.len(),
        1,
        "sending an SMS twice is worse than failing"
    );

    provider.throttle(1, 3600);
    let started = Instant::now();
    let error = client.list_groups().await.unwrap_err();
    assert!(
        matches!(error, Error::Api { retry_after: Some(wait), .. } if wait == Duration::from_secs(3600)),
        "{error:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "the caller decides about an hour-long wait"
    );
    assert_eq!(sms_cx::decode_error(&error).unwrap().error.code, Some(1429));
}

/// The stand-in refuses what SMS.CX refuses, so the stories above would fail against it the way
/// a wrong client fails against the provider.
#[tokio::test]
async fn the_stand_in_refuses_what_sms_cx_refuses() {
    let provider = SmsCx::start().await;
    let http = reqwest::Client::new();
    let token = |form: &[(&str, &str)]| http.post(provider.token_url()).form(form);
    let oauth_error = |response: reqwest::Response| async move {
        (
            response.status().as_u16(),
            response.json::<Value>().await.unwrap()["error"].clone(),
        )
    };

    let in_body = token(&[
        ("grant_type", "client_credentials"),
        ("client_id", APPLICATION_ID),
        ("client_secret", APPLICATION_SECRET),
    ]);
    assert_eq!(
        oauth_error(in_body.send().await.unwrap()).await,
        (401, json!("invalid_client"))
    );
    let as_json = http
        .post(provider.token_url())
        .basic_auth(APPLICATION_ID, Some(APPLICATION_SECRET))
        .json(&json!({ "grant_type": "client_credentials" }));
    assert_eq!(
        oauth_error(as_json.send().await.unwrap()).await,
        (400, json!("invalid_request"))
    );
    let unknown_scope = token(&[("grant_type", "client_credentials"), ("scope", "sms fax")])
        .basic_auth(APPLICATION_ID, Some(APPLICATION_SECRET));
    assert_eq!(
        oauth_error(unknown_scope.send().await.unwrap()).await,
        (400, json!("invalid_scope"))
    );
    let refresh = token(&[("grant_type", "refresh_token"), ("refresh_token", "x")])
        .basic_auth(APPLICATION_ID, Some(APPLICATION_SECRET));
    assert_eq!(
        oauth_error(refresh.send().await.unwrap()).await,
        (400, json!("unsupported_grant_type"))
    );

    let send = |body: Value| {
        http.post(format!("{}/sms", provider.api_url()))
            .header("x-api-key", API_KEY)
            .json(&body)
    };
    let snake_case = send(
        json!({ "to": ["+447700900123"], "from": "ShopCo", "text": "hi", "country_iso": "GB" }),
    );
    assert_eq!(snake_case.send().await.unwrap().status(), 400);
    let anonymous = http
        .get(format!("{}/groups", provider.api_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}
