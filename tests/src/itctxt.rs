//! ITCTXT (Beetexting Connect OpenAPI, white-labelled) as `providers.md` §1 describes it.
//!
//! Refuses: token requests without HTTP Basic client authentication (credentials in the body
//! included) or without a form body; unknown, spent, stale or foreign codes; a rotated refresh
//! token presented again; grants other than authorization_code and refresh_token; API calls
//! without the account's `x-api-key` (403) or without a live Bearer token (401); an SMS whose
//! `from`/`to`/`text` are not in the query or whose body is not empty; a webhook subscription
//! that is not JSON.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Value};
use wiremock::{Request, ResponseTemplate};

use crate::oauth::{lock, AuthorizationServer, Clock, Grant, OAuthError, Rotation};
use crate::server::Server;
use crate::wire;

/// The registered application.
pub const CLIENT_ID: &str = "itctxt-app";
/// Its client secret.
pub const CLIENT_SECRET: &str = "itctxt-app-secret";
/// The account's API key, required beside the Bearer token on every call.
pub const API_KEY: &str = "itctxt-api-key";
/// The redirect URI registered for the application.
pub const REDIRECT_URI: &str = "https://app.example.com/itctxt/callback";
/// The user who signs in.
pub const USER: &str = "agent@example.com";
/// Every scope the provider knows.
pub const SCOPES: [&str; 3] = [
    "https://com.beetexting.scopes/ReadContact",
    "https://com.beetexting.scopes/WriteContact",
    "https://com.beetexting.scopes/SendMessage",
];
/// The scope `sendsms` requires.
pub const SEND_MESSAGE: &str = SCOPES[2];

/// How long an authorization code may wait before its exchange.
const CODE_LIFETIME: Duration = Duration::from_secs(300);

/// A running ITCTXT stand-in.
#[derive(Debug)]
pub struct Itctxt {
    server: Server,
    state: Arc<State>,
}

#[derive(Debug)]
struct State {
    stage: String,
    auth: AuthorizationServer,
    access_token_lifetime: Mutex<Duration>,
    messages: Mutex<Vec<Value>>,
    subscriptions: Mutex<Vec<Value>>,
    unauthorized: AtomicUsize,
}

impl Itctxt {
    /// Serves ITCTXT's own stage, `itc-prod`.
    pub async fn start() -> Itctxt {
        Itctxt::start_for_stage("itc-prod").await
    }

    /// Serves the API under `stage` only (`prod` for Beetexting, `pdc-prod` for Phone.com).
    pub async fn start_for_stage(stage: &str) -> Itctxt {
        let state = Arc::new(State {
            stage: stage.to_owned(),
            auth: AuthorizationServer::new(),
            access_token_lifetime: Mutex::new(Duration::from_secs(3600)),
            messages: Mutex::default(),
            subscriptions: Mutex::default(),
            unauthorized: AtomicUsize::new(0),
        });
        let dispatch = state.clone();
        let server = Server::start(move |request: &Request| dispatch.handle(request)).await;
        Itctxt { server, state }
    }

    /// The API base with the `{stage}` placeholder left in, for `.base_url(..)` beside `.stage(..)`.
    pub fn api_url_template(&self) -> String {
        self.server.url("/{stage}")
    }

    /// The authorization endpoint (trailing slash included, as the provider's).
    pub fn authorize_url(&self) -> String {
        self.server.url("/oauth2/authorize/")
    }

    /// The token endpoint (trailing slash included, as the provider's).
    pub fn token_url(&self) -> String {
        self.server.url("/oauth2/token/")
    }

    /// The listener, for what it received.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Codes and tokens issued, and what became of them.
    pub fn auth(&self) -> &AuthorizationServer {
        &self.state.auth
    }

    /// The stand-in's clock.
    pub fn clock(&self) -> &Clock {
        self.state.auth.clock()
    }

    /// The lifetime of access tokens issued from now on (`expires_in`, enforced by the API).
    pub fn set_access_token_lifetime(&self, lifetime: Duration) {
        *lock(&self.state.access_token_lifetime) = lifetime;
    }

    /// How many API calls were refused for a missing, unknown or expired access token.
    pub fn unauthorized_calls(&self) -> usize {
        self.state.unauthorized.load(Ordering::Relaxed)
    }
}

impl State {
    fn handle(&self, request: &Request) -> ResponseTemplate {
        let segments = wire::segments(request);
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["oauth2", "authorize", ""]) => self.authorize(request),
            ("POST", ["oauth2", "token", ""]) => {
                self.token(request).unwrap_or_else(|e| e.response())
            }
            (_, [stage, rest @ ..]) if *stage == self.stage => self.api(request, rest),
            _ => missing_route(),
        }
    }

    fn authorize(&self, request: &Request) -> ResponseTemplate {
        let query = wire::query(request);
        if query.get("client_id") != Some(CLIENT_ID)
            || query.get("redirect_uri") != Some(REDIRECT_URI)
        {
            return ResponseTemplate::new(400)
                .set_body_string("unknown client_id or unregistered redirect_uri");
        }
        let state = query.get("state");
        if query.get("response_type") != Some("code") {
            let error = OAuthError {
                status: 302,
                error: "unsupported_response_type",
                description: "use authorization_code ONLY".into(),
            };
            return error.redirect(REDIRECT_URI, state);
        }
        let requested: Vec<String> = query
            .get("scope")
            .unwrap_or_default()
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(unknown) = requested.iter().find(|s| !SCOPES.contains(&s.as_str())) {
            return OAuthError::invalid_scope(format!("unknown scope {unknown}"))
                .redirect(REDIRECT_URI, state);
        }
        let scopes = if requested.is_empty() {
            SCOPES.map(str::to_owned).to_vec()
        } else {
            requested
        };
        let grant = Grant {
            client_id: CLIENT_ID.into(),
            user: USER.into(),
            scopes,
        };
        let code = self.auth.issue_code(grant, REDIRECT_URI, None);
        let mut params = vec![("code", code.as_str())];
        params.extend(state.map(|state| ("state", state)));
        wire::redirect(&wire::with_query(REDIRECT_URI, &params))
    }

    fn token(&self, request: &Request) -> Result<ResponseTemplate, OAuthError> {
        let form = wire::form(request).map_err(OAuthError::invalid_request)?;
        if let Some(name) = form.repeated() {
            return Err(OAuthError::invalid_request(format!(
                "`{name}` given more than once"
            )));
        }
        match wire::basic_client(request) {
            Some((id, secret)) if id == CLIENT_ID && secret == CLIENT_SECRET => {}
            Some(_) => return Err(OAuthError::invalid_client("wrong client id or secret")),
            None => {
                return Err(OAuthError::invalid_client(
                    "authenticate the client with HTTP Basic",
                ))
            }
        }
        if form.has("client_secret") {
            return Err(OAuthError::invalid_request(
                "the client secret goes in the Authorization header only",
            ));
        }
        let (grant, refresh_token) = match form.get("grant_type").unwrap_or_default() {
            "authorization_code" => {
                let code = form
                    .get("code")
                    .ok_or_else(|| OAuthError::invalid_request("`code` is required"))?;
                let grant = self.auth.redeem_code(
                    code,
                    CLIENT_ID,
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
                let grant =
                    self.auth
                        .redeem_refresh_token(presented, CLIENT_ID, Rotation::Rotate)?;
                let rotated = self.auth.issue_refresh_token(&grant);
                (grant, rotated)
            }
            other => return Err(OAuthError::unsupported_grant_type(other)),
        };
        let lifetime = *lock(&self.access_token_lifetime);
        let access_token = self
            .auth
            .issue_access_token(&grant, "eyJ.itctxt.", Some(lifetime));
        Ok(wire::json(
            200,
            json!({
                "access_token": access_token,
                "refresh_token": refresh_token,
                "expires_in": lifetime.as_secs(),
                "token_type": "Bearer",
                "scope": grant.scopes.join(" "),
            }),
        ))
    }

    fn api(&self, request: &Request, route: &[&str]) -> ResponseTemplate {
        if wire::header(request, "x-api-key") != Some(API_KEY) {
            return wire::json(403, json!({ "message": "Forbidden" }));
        }
        let Some(grant) = wire::bearer(request).and_then(|token| self.auth.access_token(token))
        else {
            self.unauthorized.fetch_add(1, Ordering::Relaxed);
            return wire::json(401, json!({ "message": "Unauthorized" }));
        };
        match (request.method.as_str(), route) {
            ("POST", ["message", "sendsms"]) => self.send_sms(request, &grant, None),
            ("POST", ["message", "sendsms", agent]) => self.send_sms(request, &grant, Some(agent)),
            ("GET", ["message", "getmessagebyid", id]) => {
                let messages = lock(&self.messages);
                match messages.iter().find(|m| m["id"] == *id) {
                    Some(message) => wire::json(200, message.clone()),
                    None => {
                        wire::json(404, json!({ "message": format!("message {id} not found") }))
                    }
                }
            }
            ("GET", ["webhooksubscription", "all"]) => {
                wire::json(200, json!({ "content": lock(&self.subscriptions).clone() }))
            }
            ("POST", ["webhooksubscription"]) => self.subscribe(request),
            ("DELETE", ["webhooksubscription", id]) => {
                let mut subscriptions = lock(&self.subscriptions);
                let before = subscriptions.len();
                subscriptions.retain(|s| s["id"] != *id);
                if subscriptions.len() == before {
                    wire::json(
                        404,
                        json!({ "message": format!("subscription {id} not found") }),
                    )
                } else {
                    ResponseTemplate::new(204)
                }
            }
            _ => missing_route(),
        }
    }

    fn send_sms(&self, request: &Request, grant: &Grant, agent: Option<&str>) -> ResponseTemplate {
        if !grant.scopes.iter().any(|s| s == SEND_MESSAGE) {
            return wire::json(
                403,
                json!({ "message": "the token lacks the SendMessage scope" }),
            );
        }
        if !request.body.is_empty() {
            return wire::json(
                400,
                json!({ "message": "from, to and text go in the query string; the body must be empty" }),
            );
        }
        let query = wire::query(request);
        let (Some(from), Some(to), Some(text)) =
            (query.get("from"), query.get("to"), query.get("text"))
        else {
            return wire::json(
                400,
                json!({ "message": "query parameters from, to and text are required" }),
            );
        };
        if !is_e164(from) || !is_e164(to) {
            return wire::json(
                400,
                json!({ "message": "from and to must be E.164 numbers" }),
            );
        }
        let mut messages = lock(&self.messages);
        let message = json!({
            "id": format!("msg-{}", messages.len() + 1),
            "from": from,
            "to": [{ "phoneNumber": to }],
            "text": text,
            "lastUpdated": unix_millis(),
            "status": "SENT",
            "agentEmail": agent.unwrap_or(&grant.user),
        });
        messages.push(message.clone());
        wire::json(200, message)
    }

    fn subscribe(&self, request: &Request) -> ResponseTemplate {
        let body = match wire::json_object(request) {
            Ok(body) => body,
            Err(reason) => return wire::json(415, json!({ "message": reason })),
        };
        let uri = body
            .get("uri")
            .and_then(Value::as_str)
            .filter(|u| u.starts_with("https://"));
        let filters = body
            .get("eventFilters")
            .and_then(Value::as_array)
            .filter(|f| !f.is_empty());
        let (Some(uri), Some(filters)) = (uri, filters) else {
            return wire::json(
                400,
                json!({ "message": "uri (https) and eventFilters are required" }),
            );
        };
        if !filters.iter().all(|f| {
            f.as_str()
                .is_some_and(|f| f.starts_with("/orgId/") && f.contains("/message"))
        }) {
            return wire::json(
                400,
                json!({ "message": "eventFilters look like /orgId/{org}/department/{dept}/message?direction=inbound" }),
            );
        }
        let now = unix_millis();
        let expires = body
            .get("expiresDateInMillies")
            .and_then(Value::as_u64)
            .unwrap_or(now + 7 * 24 * 3600 * 1000);
        let mut subscriptions = lock(&self.subscriptions);
        let subscription = json!({
            "id": format!("sub-{}", subscriptions.len() + 1),
            "uri": uri,
            "eventFilters": filters,
            "disabledFilters": [],
            "expirationTime": expires,
            "expiresIn": expires.saturating_sub(now) / 1000,
            "status": "Active",
            "createdDateTime": now,
            "lastUpdateDateTime": now,
            "orgId": "org-1",
        });
        subscriptions.push(subscription.clone());
        wire::json(201, subscription)
    }
}

/// What the provider's API gateway answers for a path it does not serve.
fn missing_route() -> ResponseTemplate {
    wire::json(403, json!({ "message": "Missing Authentication Token" }))
}

fn is_e164(number: &str) -> bool {
    let digits = number.strip_prefix('+').unwrap_or_default();
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn unix_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}
