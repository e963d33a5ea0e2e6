//! The request layer: credentials on every call and never off the provider's origin, one renewal
//! on 401, scope checks before the network, and paths that cannot be bent into another host.

mod common;

use std::sync::Arc;

use common::*;
use provider_runtime::{
    AccessToken, ApiKey, Credential, Error, OAuth2Config, PersonalAccessToken, RefreshToken,
    Renewal, Token, TokenSource, Variables,
};
use reqwest::header::HeaderName;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use wiremock::matchers::{header as header_is, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API_KEY: &str = "key-123";

/// A token source for `server` holding a fresh (unexpired) `at-0` with refresh token `rt-1`.
fn fresh_source(server: &MockServer) -> Arc<TokenSource> {
    let token = Token::new(AccessToken::new("at-0")).with_refresh_token(RefreshToken::new("rt-1"));
    token_source(
        oauth_client(config(server), "id", Some("secret")),
        Renewal::Reauthorize,
        None,
        Some(token),
    )
}

/// Bearer token, API key header and API key query parameter: every way a credential travels.
fn every_credential(server: &MockServer) -> Vec<Credential> {
    vec![
        Credential::oauth2(fresh_source(server)),
        Credential::api_key_header("x-api-key", ApiKey::new(API_KEY)).unwrap(),
        Credential::api_key_query("api_key", ApiKey::new(API_KEY)),
    ]
}

fn assert_carries_credentials(request: &Request) {
    assert_eq!(header(request, "authorization").unwrap(), bearer("at-0"));
    assert_eq!(header(request, "x-api-key").as_deref(), Some(API_KEY));
    let keys: Vec<_> = request
        .url
        .query_pairs()
        .filter(|(n, _)| n == "api_key")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(keys, [API_KEY], "the key rides in the query exactly once");
}

fn assert_carries_no_credentials(request: &Request) {
    assert_eq!(header(request, "authorization"), None);
    assert_eq!(header(request, "x-api-key"), None);
    assert_eq!(query_param(request, "api_key"), None);
}

async fn mount_redirect(server: &MockServer, from: &str, status: u16, location: &str) {
    Mock::given(path(from))
        .respond_with(ResponseTemplate::new(status).insert_header("location", location))
        .mount(server)
        .await;
}

async fn mount_ok(server: &MockServer, at: &str) {
    Mock::given(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_401_renews_the_token_once_and_retries_once() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, token_body("at-1")).await;
    Mock::given(path("/me"))
        .and(header_is("authorization", "Bearer at-0"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    Mock::given(path("/me"))
        .and(header_is("authorization", "Bearer at-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 7})))
        .mount(&server)
        .await;
    let api = api_client(&server, vec![Credential::oauth2(fresh_source(&server))]);

    let me: Value = api.request(Method::GET, "/me").send().await.unwrap();

    assert_eq!(me, json!({"id": 7}));
    let calls: Vec<_> = requests_to(&server, "/me")
        .await
        .iter()
        .map(|r| header(r, "authorization").unwrap())
        .collect();
    assert_eq!(calls, [bearer("at-0"), bearer("at-1")]);
    let refresh = single_request_to(&server, TOKEN_PATH).await;
    assert_eq!(
        form_field(&refresh, "refresh_token").as_deref(),
        Some("rt-1")
    );
}

#[tokio::test]
async fn an_api_that_always_answers_401_is_called_twice_and_refreshed_once() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, token_body("at-1")).await;
    Mock::given(path("/me"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid_token"})))
        .mount(&server)
        .await;
    let api = api_client(&server, vec![Credential::oauth2(fresh_source(&server))]);

    let error = api
        .request(Method::GET, "/me")
        .send::<Value>()
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(requests_to(&server, "/me").await.len(), 2);
    assert_eq!(requests_to(&server, TOKEN_PATH).await.len(), 1);
}

#[tokio::test]
async fn a_401_with_a_fixed_token_is_returned_without_retrying() {
    let server = MockServer::start().await;
    Mock::given(path("/me"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let api = api_client(
        &server,
        vec![Credential::Bearer(AccessToken::new("static"))],
    );

    let error = api
        .request(Method::GET, "/me")
        .send::<Value>()
        .await
        .unwrap_err();

    assert_eq!(error.status(), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(requests_to(&server, "/me").await.len(), 1);
}

#[tokio::test]
async fn no_credential_follows_a_redirect_to_another_port() {
    let (api_server, elsewhere) = (MockServer::start().await, MockServer::start().await);
    mount_redirect(
        &api_server,
        "/download",
        302,
        &format!("{}/landing?page=2", elsewhere.uri()),
    )
    .await;
    mount_ok(&elsewhere, "/landing").await;
    let api = api_client(&api_server, every_credential(&api_server));

    api.request(Method::GET, "/download")
        .query("page", 2)
        .send::<Value>()
        .await
        .unwrap();

    assert_carries_credentials(&single_request_to(&api_server, "/download").await);
    let landing = single_request_to(&elsewhere, "/landing").await;
    assert_carries_no_credentials(&landing);
    assert_eq!(
        landing.url.query(),
        Some("page=2"),
        "the redirect target is requested as given"
    );
}

#[tokio::test]
async fn no_credential_follows_a_redirect_to_another_host_on_the_same_port() {
    // 127.0.0.1 and localhost reach the same socket, but they are two origins.
    let server = MockServer::start().await;
    let other_host = format!("http://localhost:{}/landing", server.address().port());
    mount_redirect(&server, "/download", 307, &other_host).await;
    mount_ok(&server, "/landing").await;
    let api = api_client(&server, every_credential(&server));

    api.request(Method::GET, "/download")
        .send::<Value>()
        .await
        .unwrap();

    assert_carries_credentials(&single_request_to(&server, "/download").await);
    assert_carries_no_credentials(&single_request_to(&server, "/landing").await);
}

#[tokio::test]
async fn an_api_key_echoed_into_a_cross_origin_location_is_removed() {
    let (api_server, elsewhere) = (MockServer::start().await, MockServer::start().await);
    mount_redirect(
        &api_server,
        "/download",
        302,
        &format!("{}/landing?api_key={API_KEY}&file=a.csv", elsewhere.uri()),
    )
    .await;
    mount_ok(&elsewhere, "/landing").await;
    let api = api_client(&api_server, every_credential(&api_server));

    api.request(Method::GET, "/download")
        .send::<Value>()
        .await
        .unwrap();

    let landing = single_request_to(&elsewhere, "/landing").await;
    assert_carries_no_credentials(&landing);
    assert_eq!(query_param(&landing, "file").as_deref(), Some("a.csv"));
}

#[tokio::test]
async fn a_same_origin_redirect_keeps_every_credential_once() {
    let server = MockServer::start().await;
    mount_redirect(
        &server,
        "/v1/items",
        301,
        &format!("/v2/items?page=2&api_key={API_KEY}"),
    )
    .await;
    mount_ok(&server, "/v2/items").await;
    let api = api_client(&server, every_credential(&server));

    api.request(Method::GET, "/v1/items")
        .query("page", 2)
        .send::<Value>()
        .await
        .unwrap();

    let moved = single_request_to(&server, "/v2/items").await;
    assert_carries_credentials(&moved);
    let pages: Vec<_> = moved
        .url
        .query_pairs()
        .filter(|(n, _)| n == "page")
        .collect();
    assert_eq!(
        pages.len(),
        1,
        "the call's query is not added again to the redirect target: {}",
        moved.url
    );
}

#[tokio::test]
async fn redirects_keep_or_drop_the_body_as_http_says() {
    let server = MockServer::start().await;
    mount_redirect(&server, "/submit", 307, "/submit-here").await;
    mount_redirect(&server, "/create", 303, "/created").await;
    mount_ok(&server, "/submit-here").await;
    mount_ok(&server, "/created").await;
    let api = api_client(&server, vec![]);

    api.request(Method::POST, "/submit")
        .json(&json!({"a": 1}))
        .send::<Value>()
        .await
        .unwrap();
    api.request(Method::POST, "/create")
        .json(&json!({"a": 1}))
        .send::<Value>()
        .await
        .unwrap();

    let kept = single_request_to(&server, "/submit-here").await;
    assert_eq!(
        (kept.method.as_str(), kept.body.as_slice()),
        ("POST", br#"{"a":1}"#.as_slice())
    );
    let see_other = single_request_to(&server, "/created").await;
    assert_eq!(
        (see_other.method.as_str(), see_other.body.len()),
        ("GET", 0)
    );
}

#[tokio::test]
async fn request_refuses_paths_that_name_another_host() {
    let server = MockServer::start().await;
    mount_ok(&server, "/items:batchGet").await;
    let api = api_client(&server, every_credential(&server));

    for escape in [
        "//evil.example/x",
        "https://evil.example/x",
        "\\\\evil.example/x",
        "/\\evil.example/x",
    ] {
        let error = api
            .request(Method::GET, escape)
            .send::<Value>()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidConfig(_)),
            "{escape}: {error:?}"
        );
    }
    assert!(server.received_requests().await.unwrap().is_empty());
    // A colon inside a relative path is a path, not a scheme.
    api.request(Method::GET, "items:batchGet")
        .send::<Value>()
        .await
        .unwrap();
    assert_carries_credentials(&single_request_to(&server, "/items:batchGet").await);
}

#[tokio::test]
async fn template_variables_refuse_values_that_change_the_url_structure() {
    for bad in [
        "evil.example/",
        "a?b",
        "a#b",
        "user@evil.example",
        "a b",
        "a\tb",
        "a\nb",
    ] {
        let error = Variables::new().set("domain", bad).unwrap_err();
        assert!(
            matches!(error, Error::InvalidConfig(_)),
            "{bad:?} was accepted"
        );
    }
    // A host with a port is one value: the token endpoint of a tenant (CloudCX).
    let server = MockServer::start().await;
    mount_token_endpoint(&server, token_body("at-1")).await;
    let mut variables = Variables::new();
    variables
        .set("domain", format!("127.0.0.1:{}", server.address().port()))
        .unwrap();
    let config = OAuth2Config::new(format!("http://{{domain}}{TOKEN_PATH}"));
    let oauth =
        provider_runtime::OAuthClient::new(config, &variables, "id", None, transport()).unwrap();
    assert_eq!(
        oauth
            .client_credentials(&[])
            .await
            .unwrap()
            .access_token()
            .secret(),
        "at-1"
    );
}

#[tokio::test]
async fn a_missing_scope_fails_before_the_api_is_called() {
    let server = MockServer::start().await;
    mount_token_endpoint(
        &server,
        json!({"access_token": "at-1", "expires_in": 3600, "scope": "sms groups"}),
    )
    .await;
    Mock::given(path("/account/balance"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(0)
        .mount(&server)
        .await;
    Mock::given(path("/groups"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let source = token_source(
        oauth_client(config(&server), "id", Some("secret")),
        Renewal::ClientCredentials { scopes: vec![] },
        None,
        None,
    );
    let api = api_client(&server, vec![Credential::oauth2(source)]);

    let error = api
        .request(Method::GET, "/account/balance")
        .scopes(&["account"])
        .send::<Value>()
        .await
        .unwrap_err();
    api.request(Method::GET, "/groups")
        .scopes(&["groups"])
        .send::<Value>()
        .await
        .unwrap();

    let Error::MissingScope { required, granted } = &error else {
        panic!("expected MissingScope, got {error:?}")
    };
    assert_eq!(required, "account");
    assert_eq!(granted, &["sms", "groups"]);
    assert_eq!(api.granted_scopes().unwrap(), ["sms", "groups"]);
    server.verify().await;
}

#[tokio::test]
async fn every_credential_kind_is_sent_as_the_provider_expects() {
    let server = MockServer::start().await;
    mount_ok(&server, "/agent/action/list_chats").await;
    let text_token = Token::new(AccessToken::new("dal:abc"));
    let source = token_source(
        oauth_client(config(&server), "id", None),
        Renewal::Reauthorize,
        None,
        Some(text_token),
    );
    let region = Credential::OAuth2 {
        source,
        prefix_header: Some(HeaderName::from_static("x-region")),
    };
    let pat = Credential::Basic {
        id: "account-1".to_owned(),
        token: PersonalAccessToken::new("pat-1"),
    };

    let api = api_client(&server, vec![region]);
    api.request(Method::POST, "/agent/action/list_chats")
        .json(&json!({}))
        .send::<Value>()
        .await
        .unwrap();
    let api = api_client(&server, vec![pat]);
    api.request(Method::POST, "/agent/action/list_chats")
        .json(&json!({}))
        .send::<Value>()
        .await
        .unwrap();

    let requests = requests_to(&server, "/agent/action/list_chats").await;
    assert_eq!(requests.len(), 2);
    assert_eq!(
        header(&requests[0], "authorization").unwrap(),
        bearer("dal:abc")
    );
    assert_eq!(header(&requests[0], "x-region").as_deref(), Some("dal"));
    // base64("account-1:pat-1"), Basic and never Bearer.
    assert_eq!(
        header(&requests[1], "authorization").as_deref(),
        Some("Basic YWNjb3VudC0xOnBhdC0x")
    );
}

#[tokio::test]
async fn provider_errors_and_envelopes_are_decoded() {
    let server = MockServer::start().await;
    Mock::given(path("/wrong-dc"))
        .respond_with(ResponseTemplate::new(421).set_body_json(
            json!({"error": {"type": "misdirected_request", "message": "Wrong region", "data": {"region": "fra"}}}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/clients"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"status": "OK", "data": {"clients": [1, 2]}})),
        )
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/sendsms"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let api = api_client(&server, vec![]);

    let error = api
        .request(Method::GET, "/wrong-dc")
        .send::<Value>()
        .await
        .unwrap_err();
    let Error::Api {
        status,
        error: provider,
        ..
    } = &error
    else {
        panic!("expected an API error, got {error:?}")
    };
    assert_eq!(status.as_u16(), 421);
    assert_eq!(provider.kind.as_deref(), Some("misdirected_request"));
    assert_eq!(provider.data(), Some(&json!({"region": "fra"})));
    assert_eq!(
        error.to_string(),
        "421 Misdirected Request from the provider: misdirected_request: Wrong region"
    );

    let clients: Value = api
        .request(Method::GET, "/clients")
        .envelope("data")
        .send()
        .await
        .unwrap();
    assert_eq!(clients, json!({"clients": [1, 2]}));

    api.request(Method::POST, "/sendsms")
        .query("to", "+15550100")
        .empty_body()
        .success(&[204])
        .send::<()>()
        .await
        .unwrap();
    let sent = single_request_to(&server, "/sendsms").await;
    assert_eq!(header(&sent, "content-length").as_deref(), Some("0"));
    assert_eq!(query_param(&sent, "to").as_deref(), Some("+15550100"));
}

/// An API client whose base URL has a path (`/v1/`), as most providers' do.
fn api_client_under_v1(server: &MockServer) -> provider_runtime::ApiClient {
    provider_runtime::ApiClient::new(
        format!("{}/v1/", server.uri()).parse().unwrap(),
        every_credential(server),
        transport(),
    )
}

#[tokio::test]
async fn a_dot_segment_path_parameter_cannot_reach_another_endpoint() {
    let server = MockServer::start().await;
    mount_ok(&server, "/v1/sessions").await;
    mount_ok(&server, "/x").await;
    let api = api_client_under_v1(&server);

    let user_sessions = |id: &str| {
        format!(
            "/users/{}/sessions",
            provider_runtime::encode_path_segment(id)
        )
    };
    for path in [
        user_sessions(".."),
        user_sessions("."),
        "/../../x".to_owned(),
        "/users/%2e%2e/%2E%2E/x".to_owned(),
        "/users/.%2E/sessions".to_owned(),
        "users\\..\\..\\x".to_owned(),
    ] {
        let error = api
            .request(Method::GET, &path)
            .send::<Value>()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidConfig(message) if message.contains(&path)),
            "{path}: {error:?}"
        );
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no request left the base path, with or without credentials"
    );
}

#[tokio::test]
async fn an_empty_or_dot_path_parameter_is_refused_naming_it() {
    let server = MockServer::start().await;
    for endpoint in [
        "/v1/users//sessions",
        "/v1/users/sessions",
        "/v1/sessions",
        "/v1/contacts/",
    ] {
        mount_ok(&server, endpoint).await;
    }
    let api = api_client_under_v1(&server);
    let cases = [
        ("/users/{userId}/sessions", "userId", ""),
        ("/users/{userId}/sessions", "userId", "."),
        ("/users/{userId}/sessions", "userId", ".."),
        ("/contacts/{id}", "id", ""),
    ];
    for (template, name, value) in cases {
        let error = api
            .operation(Method::DELETE, template, &[&value])
            .send::<Value>()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidConfig(message) if message.contains(&format!("`{name}`"))),
            "{template} with {value:?}: {error:?}"
        );
    }
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "no request reached another endpoint, with or without credentials"
    );
}

#[tokio::test]
async fn an_operation_sends_each_parameter_in_its_place() {
    let server = MockServer::start().await;
    mount_ok(&server, "/v1/users/a%20b%2F..%3F/items/7").await;
    let api = api_client_under_v1(&server);
    let tags = vec!["x".to_owned(), "y".to_owned()];
    api.operation(Method::GET, "/users/{userId}/items/{n}", &[&"a b/..?", &7])
        .query_params(&[("tag", &tags), ("absent", &None::<i64>), ("limit", &3_i64)])
        .header_params(&[
            ("X-Request-Id", &Some("r-1")),
            ("X-Absent", &None::<String>),
        ])
        .send::<Value>()
        .await
        .unwrap();
    let sent = single_request_to(&server, "/v1/users/a%20b%2F..%3F/items/7").await;
    let query: Vec<_> = sent
        .url
        .query_pairs()
        .map(|(n, v)| format!("{n}={v}"))
        .collect();
    assert_eq!(query, ["tag=x", "tag=y", "limit=3", "api_key=key-123"]);
    assert_eq!(header(&sent, "x-request-id").as_deref(), Some("r-1"));
    assert_eq!(header(&sent, "x-absent"), None);
    assert_carries_credentials(&sent);
}

#[tokio::test]
async fn an_operation_counts_only_its_success_statuses() {
    let server = MockServer::start().await;
    Mock::given(path("/v1/partial"))
        .respond_with(ResponseTemplate::new(203).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    let api = api_client_under_v1(&server);
    let error = api
        .operation(Method::GET, "/partial", &[])
        .send::<Value>()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Api { status, .. } if status.as_u16() == 203),
        "{error:?}"
    );
    let body: Value = api
        .operation(Method::GET, "/partial", &[])
        .success(&[203])
        .send()
        .await
        .unwrap();
    assert_eq!(body, json!({"ok": true}));
}

#[tokio::test]
async fn a_request_body_is_never_replayed_to_another_origin() {
    let (api_server, elsewhere) = (MockServer::start().await, MockServer::start().await);
    for status in [307, 308] {
        mount_redirect(
            &api_server,
            &format!("/submit-{status}"),
            status,
            &format!("{}/landing", elsewhere.uri()),
        )
        .await;
    }
    mount_ok(&elsewhere, "/landing").await;
    let api = api_client(&api_server, every_credential(&api_server));

    for status in [307, 308] {
        let error = api
            .request(Method::POST, &format!("/submit-{status}"))
            .json(&json!({"card": "4111 1111 1111 1111"}))
            .send::<Value>()
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::CrossOriginRedirect { status: s, origin } if s.as_u16() == status && *origin == elsewhere.uri()),
            "{error:?}"
        );
        assert!(error.to_string().contains(&elsewhere.uri()), "{error}");
    }
    assert!(elsewhere.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn credentials_stay_off_a_redirect_that_bounces_back_to_the_provider() {
    let (api_server, elsewhere) = (MockServer::start().await, MockServer::start().await);
    mount_redirect(
        &api_server,
        "/start",
        302,
        &format!("{}/bounce", elsewhere.uri()),
    )
    .await;
    mount_redirect(
        &elsewhere,
        "/bounce",
        302,
        &format!("{}/admin/delete-all", api_server.uri()),
    )
    .await;
    mount_ok(&api_server, "/admin/delete-all").await;
    let api = api_client(&api_server, every_credential(&api_server));

    api.request(Method::GET, "/start")
        .send::<Value>()
        .await
        .unwrap();

    assert_carries_credentials(&single_request_to(&api_server, "/start").await);
    assert_carries_no_credentials(&single_request_to(&elsewhere, "/bounce").await);
    assert_carries_no_credentials(&single_request_to(&api_server, "/admin/delete-all").await);
}

#[tokio::test]
async fn a_template_variable_in_a_query_cannot_add_token_parameters() {
    let server = MockServer::start().await;
    mount_token_endpoint(&server, token_body("at-1")).await;
    let mut variables = Variables::new();
    variables
        .set("user_id", "4242&grant_type=password")
        .unwrap();
    let config = OAuth2Config::new(format!("{}{TOKEN_PATH}?user_id={{user_id}}", server.uri()));
    let oauth =
        provider_runtime::OAuthClient::new(config, &variables, "id", None, transport()).unwrap();

    oauth.client_credentials(&[]).await.unwrap();

    let request = single_request_to(&server, TOKEN_PATH).await;
    let query: Vec<_> = request.url.query_pairs().into_owned().collect();
    assert_eq!(
        query,
        [("user_id".to_owned(), "4242&grant_type=password".to_owned())]
    );
    for (template, value) in [
        ("https://{v}.example/", "evil.example"),
        ("https://api.example:{v}/", "443:80"),
        ("https://api.example/{v}/token", ".."),
        ("https://api.example/token#{v}", "x"),
    ] {
        let mut variables = Variables::new();
        variables.set("v", value).unwrap();
        let config = OAuth2Config::new(template);
        let error = provider_runtime::OAuthClient::new(config, &variables, "id", None, transport())
            .unwrap_err();
        assert!(
            matches!(&error, Error::InvalidConfig(m) if m.contains("`v`")),
            "{template} with {value}: {error:?}"
        );
    }
}
