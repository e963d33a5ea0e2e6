//! Text end to end: a public app signs in with PKCE and a server-side app with its secret in the
//! form body; a personal access token goes as Basic; the implicit grant's fragment is read; the
//! comma-separated granted scopes gate operations before the network; `X-Region` follows the
//! token's prefix and a call to the wrong data centre is a typed `misdirected_request`; chats are
//! listed page by page and messages sent.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use e2e::browser::Browser;
use e2e::text::{
    Text, ACCOUNT_ID, CLIENT_ID, CLIENT_SECRET, ORGANIZATION_ID, PAT, PUBLIC_CLIENT_ID,
    PUBLIC_REDIRECT_URI, REDIRECT_URI, SEEDED_CHATS,
};
use e2e::wire;
use serde_json::{json, Value};
use text::{
    ChatEvent, Client, ClientBuilder, Error, EventType, ListAgentsRequest, ListChatsRequest,
    SendEventRequest, StartChatRequest, Visibility,
};

/// The client a user configures, with only the provider's URLs pointed at the stand-in.
fn builder(provider: &Text) -> ClientBuilder {
    Client::builder()
        .base_url(provider.api_url())
        .authorize_url(provider.authorize_url())
        .token_url(provider.token_url())
}

/// The user signs in to `client` (whose redirect URI is `redirect_uri`) and consents.
async fn sign_in(client: &Client, redirect_uri: &str) {
    let request = client.authorize_url(redirect_uri, &[]).unwrap();
    let callback = Browser::new().authorize(request.url()).await;
    client
        .finish_authorization(&request, &callback)
        .await
        .expect("the code exchange succeeds");
}

#[tokio::test]
async fn a_public_app_signs_in_with_pkce_and_no_secret() {
    let provider = Text::start().await;
    let client = builder(&provider)
        .oauth2_public(PUBLIC_CLIENT_ID)
        .build()
        .unwrap();

    let request = client.authorize_url(PUBLIC_REDIRECT_URI, &[]).unwrap();
    let query = wire::url_query(request.url());
    assert_eq!(query.get("code_challenge_method"), Some("S256"));
    assert!(query.has("code_challenge"));
    assert!(
        !query.has("scope"),
        "Text configures scopes on the app; none are sent"
    );
    let callback = Browser::new().authorize(request.url()).await;
    let token = client
        .finish_authorization(&request, &callback)
        .await
        .unwrap();

    assert!(token.access_token().secret().starts_with("dal:"));
    assert_eq!(token.extra("account_id"), Some(&json!(ACCOUNT_ID)));
    assert_eq!(
        token.extra("organization_id"),
        Some(&json!(ORGANIZATION_ID))
    );
    let exchange = &provider.server().requests_to("/v2/token").await[0];
    let form = wire::form(exchange).unwrap();
    assert_eq!(form.get("client_id"), Some(PUBLIC_CLIENT_ID));
    assert!(form.has("code_verifier"));
    assert!(!form.has("client_secret"));
    assert_eq!(exchange.headers.get("authorization"), None);
    client
        .list_chats(&ListChatsRequest::default())
        .await
        .unwrap();
}

#[tokio::test]
async fn a_server_side_app_sends_its_secret_in_the_form_body() {
    let provider = Text::start().await;
    let client = builder(&provider)
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap();

    sign_in(&client, REDIRECT_URI).await;

    let exchange = &provider.server().requests_to("/v2/token").await[0];
    let form = wire::form(exchange).unwrap();
    assert_eq!(
        (form.get("client_id"), form.get("client_secret")),
        (Some(CLIENT_ID), Some(CLIENT_SECRET))
    );
    assert_eq!(
        exchange.headers.get("authorization"),
        None,
        "Text wants the credentials in the body only"
    );
    let agents = client
        .list_agents(&ListAgentsRequest::default())
        .await
        .unwrap();
    assert_eq!(agents[0].id, "agent@example.com");
}

#[tokio::test]
async fn a_personal_access_token_is_sent_as_basic_never_bearer() {
    let provider = Text::start().await;
    let client = builder(&provider).pat(ACCOUNT_ID, PAT).build().unwrap();

    let agents = client
        .list_agents(&ListAgentsRequest::default())
        .await
        .unwrap();

    assert_eq!(agents.len(), 1);
    let call = &provider
        .server()
        .requests_to("/v3.5/configuration/action/list_agents")
        .await[0];
    let expected = format!("Basic {}", STANDARD.encode(format!("{ACCOUNT_ID}:{PAT}")));
    assert_eq!(call.headers["authorization"], expected.as_str());
}

#[tokio::test]
#[allow(deprecated)]
async fn the_implicit_grant_reads_the_token_from_the_url_fragment() {
    let provider = Text::start().await;
    let client = builder(&provider)
        .oauth2_public(PUBLIC_CLIENT_ID)
        .build()
        .unwrap();

    let request = client
        .implicit_authorize_url(PUBLIC_REDIRECT_URI, &[])
        .unwrap();
    assert_eq!(
        wire::url_query(request.url()).get("response_type"),
        Some("token")
    );
    let redirect = Browser::new().authorize(request.url()).await;
    assert!(redirect.contains("#access_token=dal%3A"), "{redirect}");
    let token = client.finish_implicit(&request, &redirect).unwrap();

    assert!(
        token.access_token().secret().starts_with("dal:"),
        "the fragment is percent-decoded"
    );
    let lifetime = token
        .expires_at()
        .unwrap()
        .duration_since(std::time::SystemTime::now())
        .unwrap();
    assert!(
        lifetime.as_secs() > 28_700 && lifetime.as_secs() <= 28_800,
        "{lifetime:?}"
    );
    client
        .list_chats(&ListChatsRequest::default())
        .await
        .unwrap();
    assert!(
        provider.server().requests_to("/v2/token").await.is_empty(),
        "the implicit grant needs no token request"
    );

    let forged = redirect.replace(request.state(), "someone-elses-state");
    assert!(matches!(
        client.finish_implicit(&request, &forged),
        Err(Error::StateMismatch)
    ));
}

#[tokio::test]
async fn comma_separated_scopes_gate_operations_before_the_network() {
    let provider = Text::start().await;
    let client = builder(&provider)
        .oauth2_public(PUBLIC_CLIENT_ID)
        .build()
        .unwrap();
    sign_in(&client, PUBLIC_REDIRECT_URI).await;

    assert_eq!(
        client.granted_scopes().unwrap(),
        ["chats--all:ro", "chats--all:rw"]
    );
    let error = client
        .list_agents(&ListAgentsRequest::default())
        .await
        .unwrap_err();

    assert!(
        matches!(&error, Error::MissingScope { required, .. } if required == "agents--all:ro"),
        "{error:?}"
    );
    assert!(provider
        .server()
        .requests_to("/v3.5/configuration/action/list_agents")
        .await
        .is_empty());
}

#[tokio::test]
async fn calls_carry_the_region_of_the_token() {
    let provider = Text::start_in("fra").await;
    let client = builder(&provider)
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap();
    sign_in(&client, REDIRECT_URI).await;

    client
        .list_chats(&ListChatsRequest::default())
        .await
        .expect("the fra account is reached with X-Region: fra");

    assert!(client
        .token()
        .await
        .unwrap()
        .access_token()
        .secret()
        .starts_with("fra:"));
    let call = &provider
        .server()
        .requests_to("/v3.5/agent/action/list_chats")
        .await[0];
    assert_eq!(call.headers["x-region"], "fra");
}

#[tokio::test]
async fn a_call_to_the_wrong_data_centre_is_a_typed_misdirected_request() {
    // A personal access token carries no region, so nothing tells the API that this account
    // lives in `fra`: the call lands in `dal`, the default.
    let provider = Text::start_in("fra").await;
    let client = builder(&provider).pat(ACCOUNT_ID, PAT).build().unwrap();

    let error = client
        .list_chats(&ListChatsRequest::default())
        .await
        .unwrap_err();

    assert_eq!(error.status().map(|s| s.as_u16()), Some(421));
    let body = text::decode_error(&error).expect("the body is Text's error envelope");
    assert_eq!(body.error.r#type, text::ErrorType::MisdirectedRequest);
    assert_eq!(body.error.data, Some(json!({ "region": "fra" })));

    // The user follows the hint through the escape hatch, which still adds the credentials.
    let region = body.error.data.unwrap()["region"]
        .as_str()
        .unwrap()
        .to_owned();
    let page: Value = client
        .request(reqwest::Method::POST, "/agent/action/list_chats")
        .header("X-Region", region)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(page["found_chats"], SEEDED_CHATS);
}

#[tokio::test]
async fn list_chats_follows_next_page_id_to_the_last_page() {
    let provider = Text::start().await;
    let client = builder(&provider).pat(ACCOUNT_ID, PAT).build().unwrap();

    let mut ids = Vec::new();
    let mut request = ListChatsRequest {
        limit: Some(2),
        ..ListChatsRequest::default()
    };
    let mut pages = 0;
    loop {
        let page = client.list_chats(&request).await.unwrap();
        pages += 1;
        assert_eq!(page.found_chats, SEEDED_CHATS as i64);
        ids.extend(page.chats_summary.into_iter().map(|chat| chat.id));
        match page.next_page_id {
            Some(next) => {
                request = ListChatsRequest {
                    page_id: Some(next),
                    ..ListChatsRequest::default()
                }
            }
            None => break,
        }
    }

    assert_eq!(pages, 3);
    assert_eq!(ids, ["chat-01", "chat-02", "chat-03", "chat-04", "chat-05"]);
    let calls = provider
        .server()
        .requests_to("/v3.5/agent/action/list_chats")
        .await;
    let sent: Vec<Value> = calls.iter().map(|c| c.body_json().unwrap()).collect();
    assert_eq!(
        sent,
        [
            json!({ "limit": 2 }),
            json!({ "page_id": "page-2-2" }),
            json!({ "page_id": "page-4-2" })
        ]
    );
}

#[tokio::test]
async fn an_agent_starts_a_chat_and_sends_a_message() {
    let provider = Text::start().await;
    let client = builder(&provider)
        .oauth2(CLIENT_ID, CLIENT_SECRET)
        .build()
        .unwrap();
    sign_in(&client, REDIRECT_URI).await;

    let chat = client
        .start_chat(&StartChatRequest::default())
        .await
        .unwrap();
    let mut event = ChatEvent::new(EventType::Message);
    event.text = Some("Hello, how can I help?".into());
    event.visibility = Some(Visibility::All);
    let sent = client
        .send_event(&SendEventRequest::new(chat.chat_id.clone(), event))
        .await
        .unwrap();

    assert!(!sent.event_id.is_empty());
    assert_eq!(
        provider.events_of(&chat.chat_id),
        [json!({ "type": "message", "text": "Hello, how can I help?", "visibility": "all" })]
    );
    let call = &provider
        .server()
        .requests_to("/v3.5/agent/action/send_event")
        .await[0];
    assert_eq!(call.headers["content-type"], "application/json");
}

/// The stand-in refuses what Text refuses, so the stories above would fail against it the way a
/// wrong client fails against the provider.
#[tokio::test]
async fn the_stand_in_refuses_what_text_refuses() {
    let provider = Text::start().await;
    let http = reqwest::Client::new();
    let list_chats = format!("{}/agent/action/list_chats", provider.api_url());

    // A personal access token sent as Bearer.
    let response = http
        .post(&list_chats)
        .bearer_auth(PAT)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"]["type"],
        "authentication"
    );
    // A form body where JSON is required.
    let response = http
        .post(&list_chats)
        .basic_auth(ACCOUNT_ID, Some(PAT))
        .form(&[("limit", "2")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // A page larger than 100.
    let response = http
        .post(&list_chats)
        .basic_auth(ACCOUNT_ID, Some(PAT))
        .json(&json!({ "limit": 101 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    // Client credentials in an Authorization header at the token endpoint.
    let basic = http
        .post(provider.token_url())
        .basic_auth(CLIENT_ID, Some(CLIENT_SECRET))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", "x"),
            ("redirect_uri", REDIRECT_URI),
        ]);
    let response = basic.send().await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.unwrap()["error"],
        "invalid_client"
    );
    // A public app that skips PKCE.
    let mut without_pkce = url::Url::parse(&provider.authorize_url()).unwrap();
    without_pkce.query_pairs_mut().extend_pairs([
        ("response_type", "code"),
        ("client_id", PUBLIC_CLIENT_ID),
        ("redirect_uri", PUBLIC_REDIRECT_URI),
        ("state", "s"),
    ]);
    let redirect = Browser::new().authorize(&without_pkce).await;
    assert!(
        redirect.starts_with(PUBLIC_REDIRECT_URI) && redirect.contains("error=invalid_request"),
        "{redirect}"
    );
}
