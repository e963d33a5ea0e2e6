//! The client engine built from hand-written provider descriptions, against a stand-in
//! provider on 127.0.0.1: every scheme kind sends what it should, `requires` adds the
//! companion, `from_env` names what is missing, and `build` refuses combinations that cannot
//! work with a message naming the call to make.

use provider_runtime::describe::{
    BodyFormat, ClientAuth, Grant, KeyLocation, OAuth2, OAuth2Env, Provider, Scheme, SchemeKind,
    Variable,
};
use provider_runtime::engine::{Builder, Engine};
use provider_runtime::{Error, Method};
use serde_json::{json, Value};
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OAUTH2: OAuth2 = OAuth2 {
    authorize_url: Some("https://{host}/authorize"),
    token_url: "https://{host}/token",
    refresh_url: None,
    grants: &[Grant::ClientCredentials, Grant::AuthorizationCode],
    client_auth: ClientAuth::Form,
    body_format: BodyFormat::Form,
    pkce: true,
    scope_separator: " ",
    send_scopes: true,
    scopes: &["read", "write"],
    default_scopes: &["read"],
    extra_authorize_params: &[],
    extra_token_params: &[],
    username_field: "username",
    default_lifetime_secs: None,
    token_prefix_header: Some("X-Region"),
    public_setter: Some("oauth2_public"),
    env: OAuth2Env {
        client_id: "ENGINE_CLIENT_ID",
        client_secret: Some("ENGINE_CLIENT_SECRET"),
        password: None,
    },
};

/// A provider with every scheme kind; OAuth 2.0 needs the header API key beside it.
static PROVIDER: Provider = Provider {
    title: "Engine",
    base_url: "https://{host}/api",
    variables: &[Variable {
        name: "host",
        setter: "host",
        env: "ENGINE_HOST",
        default: None,
    }],
    headers: &[("X-Static", "on")],
    schemes: &[
        Scheme {
            setter: "oauth2",
            kind: SchemeKind::OAuth2(&OAUTH2),
            requires: &["api_key"],
        },
        Scheme {
            setter: "api_key",
            kind: SchemeKind::ApiKey {
                location: KeyLocation::Header,
                name: "X-Api-Key",
                env: "ENGINE_API_KEY",
            },
            requires: &[],
        },
        Scheme {
            setter: "query_key",
            kind: SchemeKind::ApiKey {
                location: KeyLocation::Query,
                name: "key",
                env: "ENGINE_QUERY_KEY",
            },
            requires: &[],
        },
        Scheme {
            setter: "pat",
            kind: SchemeKind::Basic {
                id_env: "ENGINE_PAT_ID",
                token_env: "ENGINE_PAT_TOKEN",
            },
            requires: &[],
        },
        Scheme {
            setter: "token",
            kind: SchemeKind::Bearer {
                env: "ENGINE_TOKEN",
            },
            requires: &[],
        },
    ],
};

/// A builder pointed at `server` (its `host:port` fills `{host}`, plain http for loopback).
fn builder(server: &MockServer) -> Builder {
    let host = server.address().to_string();
    Builder::new(&PROVIDER)
        .variable("host", host)
        .base_url(format!("{}/api", server.uri()))
        .token_url(format!("{}/token", server.uri()))
}

async fn ping(engine: &Engine) -> Value {
    engine
        .request(Method::GET, "/ping")
        .send::<Value>()
        .await
        .unwrap()
}

fn refusal(result: Result<Engine, Error>) -> String {
    match result {
        Err(Error::InvalidConfig(message)) => message,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"ok": true}))
}

#[tokio::test]
async fn oauth2_sends_its_token_beside_the_required_api_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("scope=read"))
        .and(body_string_contains("client_secret=secret"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"access_token": "dal:abc", "token_type": "bearer", "expires_in": 3600}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/ping"))
        .and(header("authorization", "Bearer dal:abc"))
        .and(header("x-api-key", "key"))
        .and(header("x-region", "dal"))
        .and(header("x-static", "on"))
        .respond_with(ok())
        .expect(1)
        .mount(&server)
        .await;
    let engine = builder(&server)
        .oauth2("id".into(), Some("secret".into()))
        .api_key("api_key", "key".into())
        .build()
        .unwrap();
    assert_eq!(ping(&engine).await, json!({"ok": true}));
    assert_eq!(
        engine.token().await.unwrap().access_token().secret(),
        "dal:abc"
    );
}

/// Expects one ping carrying each of the non-OAuth credentials the scheme tests configure: the
/// API key `in-query` in the query, Basic `account:pat`, and Bearer `fixed`.
async fn expect_each_credential_once(server: &MockServer) {
    for credential in [
        Mock::given(path("/api/ping")).and(query_param("key", "in-query")),
        Mock::given(path("/api/ping")).and(header("authorization", "Basic YWNjb3VudDpwYXQ=")),
        Mock::given(path("/api/ping")).and(header("authorization", "Bearer fixed")),
    ] {
        credential.respond_with(ok()).expect(1).mount(server).await;
    }
}

#[tokio::test]
async fn each_other_scheme_kind_sends_its_credential() {
    let server = MockServer::start().await;
    expect_each_credential_once(&server).await;
    let query = builder(&server).api_key("query_key", "in-query".into());
    let basic = builder(&server).basic("pat", "account".into(), "pat".into());
    let bearer = builder(&server).bearer("token", "fixed".into());
    for builder in [query, basic, bearer] {
        ping(&builder.build().unwrap()).await;
    }
}

#[tokio::test]
async fn the_authorization_code_flow_starts_from_the_description() {
    let server = MockServer::start().await;
    let engine = builder(&server)
        .oauth2_public_for_test()
        .api_key("api_key", "key".into())
        .build()
        .unwrap();
    let request = engine
        .authorize_url("http://127.0.0.1:1/cb", &["write"])
        .unwrap();
    let url = request.url().as_str();
    assert!(
        url.starts_with(&format!("https://{}/authorize?", server.address())),
        "{url}"
    );
    assert!(
        url.contains("scope=write") && url.contains("code_challenge="),
        "{url}"
    );
}

/// A public client, as a generated `oauth2_public(..)` gives it.
trait Public {
    fn oauth2_public_for_test(self) -> Self;
}

impl Public for Builder {
    fn oauth2_public_for_test(self) -> Self {
        self.oauth2("public-id".into(), None)
    }
}

#[tokio::test]
async fn build_refuses_what_cannot_work_naming_the_call() {
    let server = MockServer::start().await;
    let cases = [
        (
            Builder::new(&PROVIDER).api_key("api_key", "k".into()).build(),
            "Engine needs `host`: call `.host(..)` or set ENGINE_HOST",
        ),
        (
            builder(&server).build(),
            "Engine needs credentials: call `.oauth2(..)`, `.oauth2_public(..)`, `.api_key(..)`, `.query_key(..)`, `.pat(..)` or `.token(..)`, or set ENGINE_CLIENT_ID or ENGINE_API_KEY or ENGINE_QUERY_KEY or ENGINE_PAT_ID or ENGINE_TOKEN",
        ),
        (
            builder(&server).oauth2("id".into(), Some("s".into())).build(),
            "Engine needs an API key beside OAuth 2.0: call `.api_key(..)` or set ENGINE_API_KEY",
        ),
        (
            builder(&server)
                .pat("a".into(), "t".into())
                .bearer("token", "t".into())
                .build(),
            "choose one way to authenticate with Engine, not `pat` and `token`",
        ),
        (
            builder(&server)
                .api_key("api_key", "k".into())
                .client_credentials(Vec::new())
                .build(),
            "`.client_credentials(..)` chooses an OAuth 2.0 grant, but no OAuth client was given: call `.oauth2(..)` or `.oauth2_public(..)` too",
        ),
        (
            builder(&server)
                .oauth2("id".into(), None)
                .api_key("api_key", "k".into())
                .client_credentials(Vec::new())
                .build(),
            "the client credentials grant needs a client secret: call `.oauth2(client_id, client_secret)`",
        ),
    ];
    for (result, expected) in cases {
        assert_eq!(refusal(result), expected);
    }
}

/// `basic` under its description's setter name, as the generated `pat(..)` calls it.
trait Pat {
    fn pat(self, id: String, token: provider_runtime::PersonalAccessToken) -> Self;
}

impl Pat for Builder {
    fn pat(self, id: String, token: provider_runtime::PersonalAccessToken) -> Self {
        self.basic("pat", id, token)
    }
}

/// One test for every `from_env` case: the process environment is shared by a binary's tests.
#[tokio::test]
async fn from_env_reads_the_described_variables_and_names_what_is_missing() {
    let vars = [
        "ENGINE_HOST",
        "ENGINE_CLIENT_ID",
        "ENGINE_CLIENT_SECRET",
        "ENGINE_API_KEY",
        "ENGINE_QUERY_KEY",
        "ENGINE_PAT_ID",
        "ENGINE_PAT_TOKEN",
        "ENGINE_TOKEN",
    ];
    for var in vars {
        std::env::remove_var(var);
    }
    let missing = |result: Result<Builder, Error>| match result {
        Err(Error::MissingEnv(name)) => name,
        other => panic!("expected a missing variable, got {other:?}"),
    };
    assert_eq!(
        missing(Builder::new(&PROVIDER).from_env()),
        "ENGINE_CLIENT_ID or ENGINE_API_KEY or ENGINE_QUERY_KEY or ENGINE_PAT_ID or ENGINE_TOKEN"
    );

    // The first scheme whose first variable is set; its other variables are then required.
    std::env::set_var("ENGINE_PAT_ID", "account");
    assert_eq!(
        missing(Builder::new(&PROVIDER).from_env()),
        "ENGINE_PAT_TOKEN"
    );

    // OAuth 2.0 comes first, with its companion API key; the secret is optional as a public
    // client is allowed.
    std::env::set_var("ENGINE_CLIENT_ID", "id");
    assert_eq!(
        missing(Builder::new(&PROVIDER).from_env()),
        "ENGINE_API_KEY"
    );
    std::env::set_var("ENGINE_API_KEY", "key");
    let server = MockServer::start().await;
    let builder = Builder::new(&PROVIDER).from_env().unwrap();
    // The variable was not set: `build` names it.
    assert!(refusal(builder.build()).contains("ENGINE_HOST"));
    std::env::set_var("ENGINE_HOST", server.address().to_string());
    let engine = Builder::new(&PROVIDER)
        .from_env()
        .unwrap()
        .base_url(format!("{}/api", server.uri()))
        .build()
        .unwrap();
    let request = engine
        .authorize_url::<&str>("http://127.0.0.1:1/cb", &[])
        .unwrap();
    assert!(request.url().as_str().contains("client_id=id"));
    for var in vars {
        std::env::remove_var(var);
    }
}

/// `PROVIDER` again, stated as a generated crate states it: the constructors and defaults
/// describe exactly what the literals do.
#[test]
fn constructors_and_defaults_describe_what_the_literals_do() {
    const OAUTH2_STATED: OAuth2 = OAuth2 {
        authorize_url: Some("https://{host}/authorize"),
        token_url: "https://{host}/token",
        grants: &[Grant::ClientCredentials, Grant::AuthorizationCode],
        client_auth: ClientAuth::Form,
        scopes: &["read", "write"],
        default_scopes: &["read"],
        token_prefix_header: Some("X-Region"),
        public_setter: Some("oauth2_public"),
        env: OAuth2Env::new("ENGINE_CLIENT_ID").secret("ENGINE_CLIENT_SECRET"),
        ..OAuth2::DEFAULT
    };
    static STATED: Provider = Provider {
        title: "Engine",
        base_url: "https://{host}/api",
        variables: &[Variable::new("host", "ENGINE_HOST")],
        headers: &[("X-Static", "on")],
        schemes: &[
            Scheme::oauth2("oauth2", &OAUTH2_STATED).requires(&["api_key"]),
            Scheme::api_key_header("api_key", "X-Api-Key", "ENGINE_API_KEY"),
            Scheme::api_key_query("query_key", "key", "ENGINE_QUERY_KEY"),
            Scheme::basic("pat", "ENGINE_PAT_ID", "ENGINE_PAT_TOKEN"),
            Scheme::bearer("token", "ENGINE_TOKEN"),
        ],
    };
    assert_eq!(format!("{STATED:#?}"), format!("{PROVIDER:#?}"));

    let renamed = Variable::new("type", "X_TYPE")
        .setter("r#type")
        .with_default("a");
    assert_eq!((renamed.name, renamed.setter), ("type", "r#type"));
    assert_eq!((renamed.env, renamed.default), ("X_TYPE", Some("a")));
    let env = OAuth2Env::new("ID").password("LOGIN", "PASSWORD");
    assert_eq!(
        (env.client_id, env.client_secret, env.password),
        ("ID", None, Some(("LOGIN", "PASSWORD")))
    );
    let empty = Provider {
        title: "Empty",
        ..Provider::DEFAULT
    };
    assert!(empty.variables.is_empty() && empty.headers.is_empty() && empty.schemes.is_empty());
}

/// A provider's typed surface as a generated crate writes it: the runtime's surface macros
/// over a description, each setter kind once (raw and renamed names too).
mod surface {
    use provider_runtime::describe::*;

    const OAUTH2: OAuth2 = OAuth2 {
        authorize_url: Some("https://{host}/authorize"),
        token_url: "https://{host}/token",
        grants: &[
            Grant::AuthorizationCode,
            Grant::ClientCredentials,
            Grant::Password,
        ],
        client_auth: ClientAuth::Form,
        scopes: SCOPES,
        username_field: "email",
        public_setter: Some("oauth2_public"),
        env: OAuth2Env::new("SURFACE_CLIENT_ID")
            .secret("SURFACE_CLIENT_SECRET")
            .password("SURFACE_EMAIL", "SURFACE_PASSWORD"),
        ..OAuth2::DEFAULT
    };

    pub static PROVIDER: Provider = Provider {
        title: "Surface",
        base_url: "https://{host}/{type}",
        variables: &[
            Variable::new("host", "SURFACE_HOST"),
            Variable::new("type", "SURFACE_TYPE")
                .setter("r#type")
                .with_default("api"),
        ],
        schemes: &[
            Scheme::oauth2("oauth2", &OAUTH2),
            Scheme::api_key_query("r#in", "key", "SURFACE_KEY"),
            Scheme::basic("pat", "SURFACE_PAT_ID", "SURFACE_PAT_TOKEN"),
            Scheme::bearer("token", "SURFACE_TOKEN"),
        ],
        ..Provider::DEFAULT
    };

    /// A scope of Surface.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
    pub enum Scope {
        /// `data:read`
        Read,
        /// `data:write`
        Write,
    }

    provider_runtime::scopes!(Scope, SCOPES, [Read("data:read"), Write("data:write")]);
    provider_runtime::client!(PROVIDER, "Surface");
    provider_runtime::oauth2!(
        redirect,
        authorization_code(Scope),
        client_credentials(Scope)
    );
    provider_runtime::setters!(variable host, "Sets `{host}`.");
    provider_runtime::setters!(variable r#type("type"), "Sets `{type}`.");
    provider_runtime::setters!(
        oauth2 oauth2,
        "The confidential client.",
        oauth2_public oauth2_public,
        "The public client.",
        password(email),
        "The password grant."
    );
    provider_runtime::setters!(api_key r#in, "The key.");
    provider_runtime::setters!(basic pat, "The personal access token.");
    provider_runtime::setters!(bearer token, "The fixed token.");
    provider_runtime::decode_error!(serde_json::Value);
}

/// A `surface::ClientBuilder` pointed at `server`.
fn surface_builder(server: &MockServer) -> surface::ClientBuilder {
    surface::Client::builder()
        .host(server.address().to_string())
        .r#type("v2")
        .base_url(format!("{}/api", server.uri()))
        .token_url(format!("{}/token", server.uri()))
}

async fn surface_ping(client: &surface::Client) -> Result<Value, Error> {
    client.request(Method::GET, "/ping").send::<Value>().await
}

#[tokio::test]
async fn surface_setters_give_the_engine_each_scheme_credentials() {
    let server = MockServer::start().await;
    expect_each_credential_once(&server).await;
    let query = surface_builder(&server).r#in("in-query");
    let basic = surface_builder(&server).pat("account", "pat");
    let bearer = surface_builder(&server).token("fixed");
    for builder in [query, basic, bearer] {
        surface_ping(&builder.build().unwrap()).await.unwrap();
    }
}

#[tokio::test]
async fn surface_oauth2_setters_and_flows_reach_the_token_endpoint() {
    let server = MockServer::start().await;
    let token = |access: &str| {
        ResponseTemplate::new(200).set_body_json(json!({
            "access_token": access, "token_type": "Bearer", "expires_in": 3600
        }))
    };
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("scope=data%3Awrite"))
        .and(body_string_contains("client_secret=secret"))
        .respond_with(token("credentials"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=password"))
        .and(body_string_contains("email=me%40example.com"))
        .respond_with(token("password"))
        .expect(1)
        .mount(&server)
        .await;
    let credentials = surface_builder(&server)
        .oauth2("id", "secret")
        .client_credentials([surface::Scope::Write])
        .build()
        .unwrap();
    let token = credentials.token().await.unwrap();
    assert_eq!(token.access_token().secret(), "credentials");
    let password = surface_builder(&server)
        .oauth2_public("id")
        .password("me@example.com", "pw")
        .build()
        .unwrap();
    let token = password.token().await.unwrap();
    assert_eq!(token.access_token().secret(), "password");

    let request = password
        .authorize_url("http://127.0.0.1:1/cb", &[surface::Scope::Read])
        .unwrap();
    let url = request.url().as_str();
    assert!(url.contains("scope=data%3Aread"), "{url}");
}

#[tokio::test]
async fn surface_scopes_and_decode_error() {
    use surface::Scope;
    assert_eq!(Scope::ALL, [Scope::Read, Scope::Write]);
    assert_eq!(Scope::Write.as_str(), "data:write");
    assert_eq!(Scope::Read.to_string(), "data:read");
    assert_eq!("data:write".parse::<Scope>(), Ok(Scope::Write));
    assert_eq!(
        "data:delete".parse::<Scope>(),
        Err(provider_runtime::UnknownScope("data:delete".to_owned()))
    );

    let server = MockServer::start().await;
    Mock::given(path("/api/ping"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"code": "bad"})))
        .mount(&server)
        .await;
    let client = surface_builder(&server).token("fixed").build().unwrap();
    let error = surface_ping(&client).await.unwrap_err();
    assert_eq!(surface::decode_error(&error), Some(json!({"code": "bad"})));
    let other = Error::MissingEnv("X".to_owned());
    assert_eq!(surface::decode_error(&other), None);
}
