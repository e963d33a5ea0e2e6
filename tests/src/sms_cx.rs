//! SMS.CX as `providers.md` §3 describes it.
//!
//! Refuses: token requests without HTTP Basic (credentials in the body included; 401
//! `invalid_client`), without a form body (400 `invalid_request`), with a grant other than
//! client_credentials (400 `unsupported_grant_type`) or an unknown scope (400 `invalid_scope`);
//! API calls without a live Bearer token or the right `X-API-KEY` (401), tokens without the
//! operation's scope (403), bodies that are not camelCase JSON or break the documented limits
//! (400); and, when told to throttle, answers 429 with `Retry-After`. Every failure carries the
//! provider's envelope `{"error": {"type", "code", "message", "uri"}}`.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use wiremock::{Request, ResponseTemplate};

use crate::oauth::{lock, AuthorizationServer, Clock, Grant, OAuthError};
use crate::server::Server;
use crate::wire;

/// The application's id (its OAuth client id).
pub const APPLICATION_ID: &str = "app-7d1c0b";
/// The application's secret.
pub const APPLICATION_SECRET: &str = "app-secret-5e2f";
/// An API key from the dashboard, the alternative to OAuth.
pub const API_KEY: &str = "smscx-api-key-91ab";
/// Every scope an application may hold.
pub const SCOPES: [&str; 15] = [
    "sms",
    "viber",
    "whatsapp",
    "multichannel",
    "conversations",
    "reports",
    "groups",
    "originators",
    "templates",
    "shortlinks",
    "attachments",
    "optouts",
    "account",
    "applications",
    "numbers",
];
/// Where the error documentation lives, as the `uri` of every error.
pub const ERRORS_URI: &str = "https://docs.sms.cx/#errors";

/// `expires_in` of every access token.
pub const ACCESS_TOKEN_LIFETIME: Duration = Duration::from_secs(86400);

/// The JSON fields `POST /sms` accepts (camelCase).
const SMS_FIELDS: [&str; 8] = [
    "to",
    "from",
    "text",
    "countryIso",
    "scheduledDate",
    "dlrCallbackUrl",
    "idempotencyId",
    "trackData",
];

/// A running SMS.CX stand-in.
#[derive(Debug)]
pub struct SmsCx {
    server: Server,
    state: Arc<State>,
}

#[derive(Debug)]
struct State {
    auth: AuthorizationServer,
    groups: Mutex<Vec<Value>>,
    throttled: Mutex<Option<(usize, u64)>>,
    token_requests: AtomicUsize,
}

impl SmsCx {
    /// A fresh account with one contact group.
    pub async fn start() -> SmsCx {
        let groups = vec![json!({
            "id": "grp-1", "name": "Customers", "totalPhoneNumbers": 2, "totalCost": 0.1, "totalOptouts": 0,
            "createdAt": "2024-05-01T10:00:00Z",
        })];
        let state = Arc::new(State {
            auth: AuthorizationServer::new(),
            groups: Mutex::new(groups),
            throttled: Mutex::new(None),
            token_requests: AtomicUsize::new(0),
        });
        let dispatch = state.clone();
        let server = Server::start(move |request: &Request| dispatch.handle(request)).await;
        SmsCx { server, state }
    }

    /// The API base.
    pub fn api_url(&self) -> String {
        self.server.url("")
    }

    /// The token endpoint.
    pub fn token_url(&self) -> String {
        self.server.url("/oauth/token")
    }

    /// The listener, for what it received.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// The stand-in's clock (tokens expire by it).
    pub fn clock(&self) -> &Clock {
        self.state.auth.clock()
    }

    /// How many token requests were made, refused ones included.
    pub fn token_requests(&self) -> usize {
        self.state.token_requests.load(Ordering::Relaxed)
    }

    /// Answers the next `calls` API calls with 429 and `Retry-After: retry_after_secs`.
    pub fn throttle(&self, calls: usize, retry_after_secs: u64) {
        *lock(&self.state.throttled) = Some((calls, retry_after_secs));
    }
}

/// An SMS.CX error envelope.
pub fn api_error(status: u16, kind: &str, code: u32, message: &str) -> ResponseTemplate {
    wire::json(
        status,
        json!({ "error": { "type": kind, "code": code, "message": message, "uri": ERRORS_URI } }),
    )
}

impl State {
    fn handle(&self, request: &Request) -> ResponseTemplate {
        let segments = wire::segments(request);
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        if let (method, ["oauth", "token"]) = (request.method.as_str(), segments.as_slice()) {
            self.token_requests.fetch_add(1, Ordering::Relaxed);
            if method != "POST" {
                return OAuthError::invalid_request("POST the token request").response();
            }
            return self.token(request).unwrap_or_else(|e| e.response());
        }
        let response = self.api(request, &segments);
        response
            .insert_header("x-rate-limit-limit", "100")
            .insert_header("x-rate-limit-remaining", "99")
            .insert_header("x-rate-limit-reset", "60")
    }

    fn token(&self, request: &Request) -> Result<ResponseTemplate, OAuthError> {
        let form = wire::form(request).map_err(OAuthError::invalid_request)?;
        match wire::basic_client(request) {
            Some((id, secret)) if id == APPLICATION_ID && secret == APPLICATION_SECRET => {}
            Some(_) => return Err(OAuthError::invalid_client("wrong application id or secret")),
            None => {
                return Err(OAuthError::invalid_client(
                    "send APPLICATION_ID:APPLICATION_SECRET with HTTP Basic",
                ))
            }
        }
        let grant_type = form.get("grant_type").unwrap_or_default();
        if grant_type != "client_credentials" {
            return Err(OAuthError::unsupported_grant_type(grant_type));
        }
        let scopes: Vec<String> = match form.get("scope") {
            None => SCOPES.map(str::to_owned).to_vec(),
            Some(scope) => scope
                .split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        if let Some(unknown) = scopes.iter().find(|s| !SCOPES.contains(&s.as_str())) {
            return Err(OAuthError::invalid_scope(format!(
                "unknown scope {unknown}"
            )));
        }
        let grant = Grant {
            client_id: APPLICATION_ID.into(),
            user: APPLICATION_ID.into(),
            scopes,
        };
        let access_token =
            self.auth
                .issue_access_token(&grant, "smscx-", Some(ACCESS_TOKEN_LIFETIME));
        Ok(wire::json(
            200,
            json!({
                "access_token": access_token,
                "expires_in": ACCESS_TOKEN_LIFETIME.as_secs(),
                "token_type": "Bearer",
                "scope": grant.scopes.join(" "),
            }),
        ))
    }

    /// The scopes the caller holds; `Err` has the error code and message of the 401.
    fn authenticate(&self, request: &Request) -> Result<Vec<String>, (u32, &'static str)> {
        if let Some(key) = wire::header(request, "x-api-key") {
            return if key == API_KEY {
                Ok(SCOPES.map(str::to_owned).to_vec())
            } else {
                Err((1002, "Invalid API key"))
            };
        }
        match wire::bearer(request).and_then(|token| self.auth.access_token(token)) {
            Some(grant) => Ok(grant.scopes),
            None => Err((1001, "Missing, invalid or expired access token")),
        }
    }

    fn api(&self, request: &Request, route: &[&str]) -> ResponseTemplate {
        let scopes = match self.authenticate(request) {
            Ok(scopes) => scopes,
            Err((code, message)) => return api_error(401, "authentication_error", code, message),
        };
        {
            let mut throttled = lock(&self.throttled);
            if let Some((calls, retry_after)) = throttled.as_mut() {
                let retry_after = *retry_after;
                *calls -= 1;
                if *calls == 0 {
                    *throttled = None;
                }
                return api_error(429, "rate_limit_error", 1429, "Too many requests")
                    .insert_header("retry-after", retry_after.to_string().as_str());
            }
        }
        let required = match route {
            ["sms"] | ["sms", ..] => "sms",
            ["groups"] | ["groups", ..] => "groups",
            ["account", "balance"] => "account",
            ["reports", ..] => "reports",
            _ => "",
        };
        if !required.is_empty() && !scopes.iter().any(|s| s == required) {
            return api_error(
                403,
                "permission_error",
                1003,
                &format!("the token lacks the `{required}` scope"),
            );
        }
        match (request.method.as_str(), route) {
            ("POST", ["sms"]) => self.send_sms(request),
            ("GET", ["groups"]) => wire::json(200, json!({ "data": lock(&self.groups).clone() })),
            ("POST", ["groups"]) => self.create_group(request),
            ("GET", ["account", "balance"]) => wire::json(
                200,
                json!({ "balance": 42.5, "currency": "EUR", "billing": "prepaid" }),
            ),
            ("GET", ["applications", "scopes"]) => wire::json(200, json!(scopes)),
            _ => api_error(404, "invalid_request_error", 1404, "Resource not found"),
        }
    }

    fn send_sms(&self, request: &Request) -> ResponseTemplate {
        let body = match wire::json_object(request) {
            Ok(body) => body,
            Err(reason) => return api_error(400, "invalid_request_error", 1000, &reason),
        };
        if let Some(unknown) = body.keys().find(|k| !SMS_FIELDS.contains(&k.as_str())) {
            return api_error(
                400,
                "invalid_request_error",
                1100,
                &format!("Unknown parameter `{unknown}` (bodies are camelCase)"),
            );
        }
        let to: Vec<&str> = body
            .get("to")
            .and_then(Value::as_array)
            .map(|to| to.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        if to.is_empty() {
            return api_error(
                400,
                "invalid_request_error",
                1101,
                "`to` must be a non-empty array of phone numbers",
            );
        }
        let from = body.get("from").and_then(Value::as_str).unwrap_or_default();
        if !(3..=15).contains(&from.chars().count()) {
            return api_error(
                400,
                "invalid_request_error",
                1102,
                "`from` must be 3 to 15 characters",
            );
        }
        let text = body.get("text").and_then(Value::as_str).unwrap_or_default();
        if text.is_empty() {
            return api_error(400, "invalid_request_error", 1103, "`text` is required");
        }
        let data: Vec<Value> = to
            .iter()
            .enumerate()
            .map(|(i, to)| json!({ "msgId": format!("msg-{}", i + 1), "status": "ACCEPTED", "cost": 0.05, "to": to, "parts": 1 }))
            .collect();
        let info = json!({ "campaignId": "cmp-1", "totalCost": 0.05 * to.len() as f64, "totalValid": to.len(), "totalInvalid": 0, "totalParts": to.len() });
        wire::json(201, json!({ "info": info, "data": data }))
    }

    fn create_group(&self, request: &Request) -> ResponseTemplate {
        let body = match wire::json_object(request) {
            Ok(body) => body,
            Err(reason) => return api_error(400, "invalid_request_error", 1000, &reason),
        };
        let Some(name) = body
            .get("name")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty())
        else {
            return api_error(400, "invalid_request_error", 1201, "`name` is required");
        };
        let mut groups = lock(&self.groups);
        if groups.iter().any(|g| g["name"] == name) {
            return api_error(
                409,
                "invalid_request_error",
                1202,
                &format!("a group named `{name}` exists"),
            );
        }
        let id = format!("grp-{}", groups.len() + 1);
        groups.push(json!({ "id": id, "name": name, "totalPhoneNumbers": 0, "totalCost": 0, "totalOptouts": 0, "createdAt": "2024-06-01T09:00:00Z" }));
        wire::json(201, json!({ "info": { "id": id, "name": name } }))
    }
}
