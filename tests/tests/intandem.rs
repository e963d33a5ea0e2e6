//! inTandem end to end: a business owner signs in on the white-label brand host, the code is
//! exchanged with a JSON body within its 30 seconds (and only once), the token carries
//! `created_at` and a 20-year lifetime, and the app manages the business's clients through the
//! `{"status", "data"}` envelope.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use e2e::browser::Browser;
use e2e::intandem::{
    InTandem, BUSINESS_UID, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, TOKEN_LIFETIME_SECS, USER_EMAIL,
};
use e2e::{tls, wire};
use intandem::{
    Client, ClientBuilder, ClientInput, CreateClientHeaders, Error, GetClientHeaders,
    ListClientsHeaders, ListClientsQuery, Token, UpdateClientHeaders,
};
use serde_json::{json, Value};

/// The app a user configures: the brand host, and only the provider's URLs pointed at the stand-in.
fn builder(provider: &InTandem) -> ClientBuilder {
    Client::builder()
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .brand_host(provider.brand_host())
        .base_url(provider.api_url())
        .token_url(provider.token_url())
        .http_client(tls::trusting(reqwest::Client::builder()))
}

/// The owner signs in on the brand host; returns the callback URL the browser landed on.
async fn owner_consents(client: &Client) -> (intandem::AuthorizationRequest, String) {
    let request = client.authorize_url(REDIRECT_URI).unwrap();
    let callback = Browser::new().authorize(request.url()).await;
    (request, callback)
}

async fn signed_in(provider: &InTandem) -> (Client, Arc<Token>) {
    let client = builder(provider).build().unwrap();
    let (request, callback) = owner_consents(&client).await;
    let token = client
        .finish_authorization(&request, &callback)
        .await
        .unwrap();
    (client, token)
}

#[tokio::test]
async fn the_authorization_page_is_on_the_brand_host() {
    let provider = InTandem::start().await;
    let client = builder(&provider).build().unwrap();

    let request = client.authorize_url(REDIRECT_URI).unwrap();

    assert_eq!(request.url().scheme(), "https");
    assert_eq!(
        format!(
            "{}:{}",
            request.url().host_str().unwrap(),
            request.url().port().unwrap()
        ),
        provider.brand_host()
    );
    assert_eq!(request.url().path(), "/app/oauth/authorize");
    let query = wire::url_query(request.url());
    assert_eq!(
        (query.get("client_id"), query.get("redirect_uri")),
        (Some(CLIENT_ID), Some(REDIRECT_URI))
    );
    assert_eq!(query.get("state"), Some(request.state()));
    assert!(!query.has("code_challenge") && !query.has("scope"));
    let callback = Browser::new().authorize(request.url()).await;
    assert!(callback.starts_with(REDIRECT_URI), "{callback}");

    let default_brand = Client::builder()
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap();
    let url = default_brand
        .authorize_url(REDIRECT_URI)
        .unwrap()
        .url()
        .clone();
    assert_eq!(url.origin().ascii_serialization(), "https://app.vcita.com");
}

#[tokio::test]
async fn the_code_is_exchanged_with_a_json_body_for_a_twenty_year_token() {
    let provider = InTandem::start().await;
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();

    let (client, token) = signed_in(&provider).await;

    let exchange = &provider.server().requests_to("/oauth/token").await[0];
    assert_eq!(
        wire::media_type(exchange).as_deref(),
        Some("application/json")
    );
    let body: Value = exchange.body_json().unwrap();
    assert_eq!(body["grant_type"], "authorization_code");
    assert_eq!(
        (body["client_id"].as_str(), body["client_secret"].as_str()),
        (Some(CLIENT_ID), Some(CLIENT_SECRET))
    );
    assert_eq!(body["redirect_uri"], REDIRECT_URI);
    assert!(body["code"].as_str().is_some_and(|c| !c.is_empty()));

    let created_at = token
        .extra("created_at")
        .and_then(Value::as_u64)
        .expect("created_at is kept");
    assert!(created_at >= before);
    assert_eq!(
        token.expires_at(),
        Some(UNIX_EPOCH + Duration::from_secs(created_at + TOKEN_LIFETIME_SECS))
    );
    let nineteen_years = Duration::from_secs(19 * 365 * 24 * 3600);
    assert!(token.expires_at().unwrap() > SystemTime::now() + nineteen_years);
    assert!(token.refresh_token().is_none());

    let me = client.get_userinfo().await.unwrap();
    assert_eq!(
        (me.email.as_deref(), me.business_uid.as_deref()),
        (Some(USER_EMAIL), Some(BUSINESS_UID))
    );
}

#[tokio::test]
async fn a_code_is_only_good_for_thirty_seconds() {
    let provider = InTandem::start().await;
    let client = builder(&provider).build().unwrap();

    // The owner took 29 seconds to come back: fine.
    let (request, callback) = owner_consents(&client).await;
    provider.clock().advance(Duration::from_secs(29));
    client
        .finish_authorization(&request, &callback)
        .await
        .unwrap();

    // This time 31 seconds.
    let (request, callback) = owner_consents(&client).await;
    provider.clock().advance(Duration::from_secs(31));
    let error = client
        .finish_authorization(&request, &callback)
        .await
        .unwrap_err();
    assert_eq!(error.oauth_error(), Some("invalid_grant"), "{error:?}");
    assert!(error.to_string().contains("expired"), "{error}");
}

#[tokio::test]
async fn a_shorter_configured_code_lifetime_is_enforced_too() {
    let provider = InTandem::with_code_lifetime(Duration::from_secs(1)).await;
    let client = builder(&provider).build().unwrap();
    let (request, callback) = owner_consents(&client).await;

    provider.clock().advance(Duration::from_secs(2));

    let error = client
        .finish_authorization(&request, &callback)
        .await
        .unwrap_err();
    assert_eq!(error.oauth_error(), Some("invalid_grant"), "{error:?}");
}

#[tokio::test]
async fn a_replayed_code_is_refused() {
    let provider = InTandem::start().await;
    let client = builder(&provider).build().unwrap();
    let (request, callback) = owner_consents(&client).await;
    client
        .finish_authorization(&request, &callback)
        .await
        .unwrap();

    let error = client
        .finish_authorization(&request, &callback)
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::OAuth { error, status: Some(status), .. } if error == "invalid_grant" && *status == 400),
        "{error:?}"
    );
    assert_eq!(provider.auth().code_replays(), 1);
    client
        .get_userinfo()
        .await
        .expect("the token from the first exchange still works");
}

#[tokio::test]
async fn clients_are_listed_created_read_and_updated_through_the_envelope() {
    let provider = InTandem::start().await;
    let (client, _) = signed_in(&provider).await;

    let listed = client
        .list_clients(&ListClientsQuery::default(), &ListClientsHeaders::default())
        .await
        .unwrap();
    assert_eq!(
        listed
            .clients
            .iter()
            .map(|c| c.first_name.as_deref())
            .collect::<Vec<_>>(),
        [Some("Grace")]
    );

    let mut ada = ClientInput::new("Ada".into());
    ada.last_name = Some("Lovelace".into());
    ada.email = Some("ada@example.com".into());
    ada.phone = Some("+15550123".into());
    let created = client
        .create_client(&CreateClientHeaders::default(), &ada)
        .await
        .unwrap();
    assert_eq!(created.client.mobile_phone.as_deref(), Some("+15550123"));
    assert!(created.token.is_some());

    let read = client
        .get_client(&created.client.id, &GetClientHeaders::default())
        .await
        .unwrap();
    assert_eq!(read.client, created.client);

    ada.last_name = Some("King".into());
    let updated = client
        .update_client(&created.client.id, &UpdateClientHeaders::default(), &ada)
        .await
        .unwrap();
    assert_eq!(updated.client.last_name.as_deref(), Some("King"));
    assert_ne!(updated.client.updated_at, created.client.updated_at);

    let query = ListClientsQuery {
        search_term: Some("ada@".into()),
        search_by: Some("email".into()),
        per_page: Some(100),
        ..Default::default()
    };
    let found = client
        .list_clients(&query, &ListClientsHeaders::default())
        .await
        .unwrap();
    assert_eq!(
        found
            .clients
            .iter()
            .map(|c| c.last_name.as_deref())
            .collect::<Vec<_>>(),
        [Some("King")]
    );
}

/// The stand-in refuses what inTandem refuses, so the stories above would fail against it the way
/// a wrong client fails against the provider.
#[tokio::test]
async fn the_stand_in_refuses_what_intandem_refuses() {
    let provider = InTandem::start().await;
    let http = reqwest::Client::new();
    let client = builder(&provider).build().unwrap();
    let (_, callback) = owner_consents(&client).await;
    let code = wire::url_query(&url::Url::parse(&callback).unwrap())
        .get("code")
        .unwrap()
        .to_owned();
    let exchange = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("client_id", CLIENT_ID),
        ("client_secret", CLIENT_SECRET),
        ("redirect_uri", REDIRECT_URI),
    ];

    let as_form = http
        .post(provider.token_url())
        .form(&exchange)
        .send()
        .await
        .unwrap();
    assert_eq!(as_form.status(), 400);
    assert_eq!(
        as_form.json::<Value>().await.unwrap()["error"],
        "invalid_request"
    );
    let as_basic = http
        .post(provider.token_url())
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .json(&json!({ "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI }))
        .send()
        .await
        .unwrap();
    assert_eq!(as_basic.status(), 401);
    let clients = format!("{}/platform/v1/clients", provider.api_url());
    assert_eq!(http.get(&clients).send().await.unwrap().status(), 401);

    let token = client
        .finish_authorization(&client.authorize_url(REDIRECT_URI).unwrap(), &callback)
        .await;
    assert!(
        matches!(token, Err(Error::StateMismatch)),
        "a callback for another request: {token:?}"
    );
    let (request, callback) = owner_consents(&client).await;
    let token = client
        .finish_authorization(&request, &callback)
        .await
        .unwrap();
    let too_many = http
        .get(&clients)
        .query(&[("per_page", "101")])
        .bearer_auth(token.access_token().secret())
        .send()
        .await
        .unwrap();
    assert_eq!(too_many.status(), 400);
    let nameless = http
        .post(&clients)
        .bearer_auth(token.access_token().secret())
        .json(&json!({ "last_name": "X" }))
        .send()
        .await
        .unwrap();
    assert_eq!(nameless.status(), 400);
}
