//! Text (text.com, formerly LiveChat) as `providers.md` §2 describes it: the accounts server
//! (`/` and `/v2/token`) and the RPC-style API (`/v3.5/<api>/action/<action>`) on one listener.
//!
//! Refuses: token requests with an `Authorization` header (client credentials go in the form
//! body), without a form body, a confidential app without its secret, a public app with one;
//! a public app's authorization without an S256 PKCE challenge, and its exchange without the
//! matching verifier; spent or foreign codes; a spent PKCE refresh token; API calls that are not
//! JSON POSTs, a personal access token sent as Bearer, unknown tokens (401 `authentication`);
//! tokens without the action's scope (403 `authorization`); calls routed to the wrong data centre
//! (`X-Region`, default `dal`) with 421 `misdirected_request`; `limit` over 100.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Map, Value};
use wiremock::{Request, ResponseTemplate};

use crate::oauth::{lock, AuthorizationServer, Grant, OAuthError, Rotation};
use crate::server::Server;
use crate::wire;

/// A confidential (server-side) app: its secret goes in the token request's form body.
pub const CLIENT_ID: &str = "text-server-app";
/// The confidential app's secret.
pub const CLIENT_SECRET: &str = "text-server-secret";
/// The confidential app's redirect URI.
pub const REDIRECT_URI: &str = "https://app.example.com/text/callback";
/// A public (single-page or desktop) app: PKCE, no secret.
pub const PUBLIC_CLIENT_ID: &str = "text-spa";
/// The public app's redirect URI.
pub const PUBLIC_REDIRECT_URI: &str = "https://spa.example.com/callback";
/// The agent's account.
pub const ACCOUNT_ID: &str = "0f4b1c52-9d1e-4a8b-b1f2-5c6e7a8d9e01";
/// The agent's organization.
pub const ORGANIZATION_ID: &str = "7c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f";
/// A personal access token of [`ACCOUNT_ID`], sent as `Basic base64(account_id:token)`.
pub const PAT: &str = "pat-4a7e1b9c2d";
/// The scopes configured on the confidential app.
pub const SERVER_APP_SCOPES: [&str; 5] = [
    "chats--all:ro",
    "chats--all:rw",
    "agents--all:ro",
    "groups--all:ro",
    "customers:ro",
];
/// The scopes configured on the public app (no agents, no groups).
pub const PUBLIC_APP_SCOPES: [&str; 2] = ["chats--all:ro", "chats--all:rw"];
/// Chats the account starts with.
pub const SEEDED_CHATS: usize = 5;

/// How long an authorization code may wait before its exchange.
const CODE_LIFETIME: Duration = Duration::from_secs(60);
/// `expires_in` of every access token.
const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(28800);

/// A running Text stand-in.
#[derive(Debug)]
pub struct Text {
    server: Server,
    state: Arc<State>,
}

#[derive(Debug)]
struct State {
    region: String,
    auth: AuthorizationServer,
    chats: Mutex<Vec<Chat>>,
}

#[derive(Debug, Clone)]
struct Chat {
    id: String,
    thread_id: String,
    events: Vec<Value>,
}

struct App {
    client_id: &'static str,
    secret: Option<&'static str>,
    redirect_uri: &'static str,
    scopes: &'static [&'static str],
}

const APPS: [App; 2] = [
    App {
        client_id: CLIENT_ID,
        secret: Some(CLIENT_SECRET),
        redirect_uri: REDIRECT_URI,
        scopes: &SERVER_APP_SCOPES,
    },
    App {
        client_id: PUBLIC_CLIENT_ID,
        secret: None,
        redirect_uri: PUBLIC_REDIRECT_URI,
        scopes: &PUBLIC_APP_SCOPES,
    },
];

fn app(client_id: Option<&str>) -> Option<&'static App> {
    APPS.iter().find(|app| Some(app.client_id) == client_id)
}

impl Text {
    /// An account in the `dal` data centre.
    pub async fn start() -> Text {
        Text::start_in("dal").await
    }

    /// An account in `region` (`dal` or `fra`): its tokens start with `<region>:`.
    pub async fn start_in(region: &str) -> Text {
        let chats = (1..=SEEDED_CHATS)
            .map(|n| Chat {
                id: format!("chat-{n:02}"),
                thread_id: format!("thread-{n:02}"),
                events: Vec::new(),
            })
            .collect();
        let state = Arc::new(State {
            region: region.to_owned(),
            auth: AuthorizationServer::new(),
            chats: Mutex::new(chats),
        });
        let dispatch = state.clone();
        let server = Server::start(move |request: &Request| dispatch.handle(request)).await;
        Text { server, state }
    }

    /// The API base (`.../v3.5`).
    pub fn api_url(&self) -> String {
        self.server.url("/v3.5")
    }

    /// The accounts server's authorization endpoint.
    pub fn authorize_url(&self) -> String {
        self.server.url("/")
    }

    /// The accounts server's token endpoint.
    pub fn token_url(&self) -> String {
        self.server.url("/v2/token")
    }

    /// The listener, for what it received.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Codes and tokens issued, and what became of them.
    pub fn auth(&self) -> &AuthorizationServer {
        &self.state.auth
    }

    /// The events sent to `chat_id`.
    pub fn events_of(&self, chat_id: &str) -> Vec<Value> {
        lock(&self.state.chats)
            .iter()
            .find(|c| c.id == chat_id)
            .map(|c| c.events.clone())
            .unwrap_or_default()
    }
}

/// A Text API error body.
fn api_error(status: u16, kind: &str, message: &str) -> ResponseTemplate {
    wire::json(
        status,
        json!({ "error": { "type": kind, "message": message } }),
    )
}

impl State {
    fn handle(&self, request: &Request) -> ResponseTemplate {
        let segments = wire::segments(request);
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", [""]) => self.authorize(request),
            ("POST", ["v2", "token"]) => self.token(request).unwrap_or_else(|e| e.response()),
            (method, ["v3.5", api, "action", action]) => {
                if method != "POST" {
                    return api_error(405, "validation", "every action is a POST");
                }
                self.action(request, api, action)
            }
            _ => api_error(404, "not_found", "no such endpoint"),
        }
    }

    fn authorize(&self, request: &Request) -> ResponseTemplate {
        let query = wire::query(request);
        let Some(app) = app(query.get("client_id"))
            .filter(|app| query.get("redirect_uri") == Some(app.redirect_uri))
        else {
            return ResponseTemplate::new(400)
                .set_body_string("unknown client_id or unregistered redirect_uri");
        };
        let state = query.get("state");
        let grant = Grant {
            client_id: app.client_id.into(),
            user: ACCOUNT_ID.into(),
            scopes: app.scopes.iter().map(|s| s.to_string()).collect(),
        };
        match query.get("response_type") {
            Some("code") => {
                let challenge = query.get("code_challenge");
                if challenge.is_some() && query.get("code_challenge_method") != Some("S256") {
                    return OAuthError::invalid_request("code_challenge_method must be S256")
                        .redirect(app.redirect_uri, state);
                }
                if app.secret.is_none() && challenge.is_none() {
                    return OAuthError::invalid_request("public apps must use PKCE")
                        .redirect(app.redirect_uri, state);
                }
                let code = self.auth.issue_code(grant, app.redirect_uri, challenge);
                let mut params = vec![("code", code.as_str())];
                params.extend(state.map(|state| ("state", state)));
                wire::redirect(&wire::with_query(app.redirect_uri, &params))
            }
            Some("token") => {
                let access_token = self.auth.issue_access_token(
                    &grant,
                    &format!("{}:", self.region),
                    Some(ACCESS_TOKEN_LIFETIME),
                );
                let expires_in = ACCESS_TOKEN_LIFETIME.as_secs().to_string();
                let mut params = vec![
                    ("access_token", access_token.as_str()),
                    ("token_type", "Bearer"),
                    ("expires_in", expires_in.as_str()),
                ];
                params.extend(state.map(|state| ("state", state)));
                wire::redirect(&wire::with_fragment(app.redirect_uri, &params))
            }
            _ => OAuthError {
                status: 302,
                error: "unsupported_response_type",
                description: "code or token".into(),
            }
            .redirect(app.redirect_uri, state),
        }
    }

    fn token(&self, request: &Request) -> Result<ResponseTemplate, OAuthError> {
        if wire::header(request, "authorization").is_some() {
            return Err(OAuthError::invalid_client(
                "client credentials go in the form body, not in an Authorization header",
            ));
        }
        let form = wire::form(request).map_err(OAuthError::invalid_request)?;
        if let Some(name) = form.repeated() {
            return Err(OAuthError::invalid_request(format!(
                "`{name}` given more than once"
            )));
        }
        let app = app(form.get("client_id"))
            .ok_or_else(|| OAuthError::invalid_client("unknown client_id"))?;
        match (app.secret, form.get("client_secret")) {
            (Some(secret), Some(given)) if secret == given => {}
            (Some(_), _) => {
                return Err(OAuthError::invalid_client("wrong or missing client_secret"))
            }
            (None, Some(_)) => {
                return Err(OAuthError::invalid_client(
                    "a public app has no client_secret",
                ))
            }
            (None, None) => {}
        }
        let (grant, refresh_token) = match form.get("grant_type").unwrap_or_default() {
            "authorization_code" => {
                let code = form
                    .get("code")
                    .ok_or_else(|| OAuthError::invalid_request("`code` is required"))?;
                let grant = self.auth.redeem_code(
                    code,
                    app.client_id,
                    form.get("redirect_uri"),
                    form.get("code_verifier"),
                    CODE_LIFETIME,
                )?;
                let refresh_token = self.auth.issue_refresh_token(&grant);
                (grant, refresh_token)
            }
            "refresh_token" => {
                let presented = form
                    .get("refresh_token")
                    .ok_or_else(|| OAuthError::invalid_request("`refresh_token` is required"))?;
                // PKCE (public) refresh tokens are single use; server-side ones stay.
                let rotation = if app.secret.is_none() {
                    Rotation::Rotate
                } else {
                    Rotation::Keep
                };
                let grant = self
                    .auth
                    .redeem_refresh_token(presented, app.client_id, rotation)?;
                let refresh_token = match rotation {
                    Rotation::Rotate => self.auth.issue_refresh_token(&grant),
                    Rotation::Keep => presented.to_owned(),
                };
                (grant, refresh_token)
            }
            other => return Err(OAuthError::unsupported_grant_type(other)),
        };
        let access_token = self.auth.issue_access_token(
            &grant,
            &format!("{}:", self.region),
            Some(ACCESS_TOKEN_LIFETIME),
        );
        Ok(wire::json(
            200,
            json!({
                "access_token": access_token,
                "account_id": ACCOUNT_ID,
                "expires_in": ACCESS_TOKEN_LIFETIME.as_secs(),
                "organization_id": ORGANIZATION_ID,
                "refresh_token": refresh_token,
                "scope": grant.scopes.join(","),
                "token_type": "Bearer",
            }),
        ))
    }

    /// The scopes the caller holds; `Err` says why it is not authenticated.
    fn authenticate(&self, request: &Request) -> Result<Vec<String>, &'static str> {
        if let Some((account, token)) = wire::basic(request) {
            return if account == ACCOUNT_ID && token == PAT {
                Ok(SERVER_APP_SCOPES.iter().map(|s| s.to_string()).collect())
            } else {
                Err("Invalid personal access token")
            };
        }
        match wire::bearer(request) {
            Some(PAT) => {
                Err("A personal access token is sent as Basic account_id:token, not Bearer")
            }
            Some(token) => self
                .auth
                .access_token(token)
                .map(|grant| grant.scopes)
                .ok_or("Invalid access token"),
            None => Err("Missing authorization"),
        }
    }

    fn action(&self, request: &Request, api: &str, action: &str) -> ResponseTemplate {
        let scopes = match self.authenticate(request) {
            Ok(scopes) => scopes,
            Err(reason) => return api_error(401, "authentication", reason),
        };
        let routed_to = wire::header(request, "x-region").unwrap_or("dal");
        if routed_to != self.region {
            return wire::json(
                421,
                json!({ "error": { "type": "misdirected_request", "message": "Wrong region", "data": { "region": self.region } } }),
            );
        }
        let body = match wire::json_object(request) {
            Ok(body) => body,
            Err(reason) => return api_error(400, "validation", &reason),
        };
        let required = match (api, action) {
            ("agent", "list_chats" | "get_chat" | "list_threads") => "chats--all:ro",
            ("agent", "start_chat" | "send_event" | "deactivate_chat" | "transfer_chat") => {
                "chats--all:rw"
            }
            ("agent", "list_customers") => "customers:ro",
            ("agent", "set_routing_status") => "agents--my:rw",
            ("configuration", "list_agents") => "agents--all:ro",
            ("configuration", "list_groups") => "groups--all:ro",
            ("configuration", "register_webhook") => "webhooks.configuration:rw",
            _ => return api_error(404, "not_found", &format!("unknown action {api}/{action}")),
        };
        if !scopes.iter().any(|s| s == required) {
            return api_error(403, "authorization", &format!("the token lacks {required}"));
        }
        match action {
            "list_chats" => self.list_chats(&body),
            "start_chat" => self.start_chat(),
            "send_event" => self.send_event(&body),
            "list_agents" => wire::json(
                200,
                json!([{ "id": "agent@example.com", "name": "Ada Agent", "role": "owner", "login_status": "accepting chats", "max_chats_count": 6 }]),
            ),
            "list_groups" => wire::json(
                200,
                json!([{ "id": 0, "name": "General", "language_code": "en", "routing_status": "accepting_chats" }]),
            ),
            _ => wire::json(200, json!({})),
        }
    }

    fn list_chats(&self, body: &Map<String, Value>) -> ResponseTemplate {
        // A page id carries the whole query (here its offset and limit); other fields then do not count.
        let (offset, limit) = match body.get("page_id").and_then(Value::as_str) {
            Some(page) => match page.strip_prefix("page-").and_then(|p| p.split_once('-')) {
                Some((offset, limit)) => match (offset.parse::<usize>(), limit.parse::<usize>()) {
                    (Ok(offset), Ok(limit)) => (offset, limit),
                    _ => return api_error(400, "validation", "invalid page_id"),
                },
                None => return api_error(400, "validation", "invalid page_id"),
            },
            None => (
                0,
                body.get("limit").and_then(Value::as_u64).unwrap_or(10) as usize,
            ),
        };
        if !(1..=100).contains(&limit) {
            return api_error(400, "validation", "`limit` must be between 1 and 100");
        }
        let chats = lock(&self.chats);
        let end = (offset + limit).min(chats.len());
        let page: Vec<Value> = chats[offset.min(end)..end]
            .iter()
            .map(|c| json!({ "id": c.id, "last_thread_summary": { "id": c.thread_id, "active": true } }))
            .collect();
        let mut response = json!({ "chats_summary": page, "found_chats": chats.len() });
        if end < chats.len() {
            response["next_page_id"] = json!(format!("page-{end}-{limit}"));
        }
        if offset > 0 {
            response["previous_page_id"] =
                json!(format!("page-{}-{limit}", offset.saturating_sub(limit)));
        }
        wire::json(200, response)
    }

    fn start_chat(&self) -> ResponseTemplate {
        let mut chats = lock(&self.chats);
        let n = chats.len() + 1;
        let chat = Chat {
            id: format!("chat-{n:02}"),
            thread_id: format!("thread-{n:02}"),
            events: Vec::new(),
        };
        let response = json!({ "chat_id": chat.id, "thread_id": chat.thread_id });
        chats.push(chat);
        wire::json(200, response)
    }

    fn send_event(&self, body: &Map<String, Value>) -> ResponseTemplate {
        let chat_id = body
            .get("chat_id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let Some(event) = body.get("event").and_then(Value::as_object) else {
            return api_error(400, "validation", "`event` is required");
        };
        let kind = event.get("type").and_then(Value::as_str);
        let text = event.get("text").and_then(Value::as_str);
        if kind != Some("message") || !matches!(text, Some(text) if !text.is_empty()) {
            return api_error(
                400,
                "validation",
                "a message event needs `type: message` and `text`",
            );
        }
        if let Some(visibility) = event.get("visibility") {
            if !matches!(visibility.as_str(), Some("all" | "agents")) {
                return api_error(400, "validation", "`visibility` is all or agents");
            }
        }
        let mut chats = lock(&self.chats);
        let Some(chat) = chats.iter_mut().find(|c| c.id == chat_id) else {
            return api_error(404, "not_found", &format!("chat {chat_id} not found"));
        };
        chat.events.push(Value::Object(event.clone()));
        wire::json(
            200,
            json!({ "event_id": format!("{}_{}", chat.thread_id, chat.events.len()) }),
        )
    }
}
