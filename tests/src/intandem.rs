//! inTandem (vcita) as `providers.md` §4 describes it, its authorization page served over HTTPS
//! on the brand host (`https://{brand_host}/app/oauth/authorize`).
//!
//! Refuses: a token request that is not a JSON body (a form included; 400 `invalid_request`),
//! without the client's id and secret in it (401 `invalid_client`), with a grant other than
//! authorization_code; a code older than its lifetime (30 s unless configured), spent, or issued
//! for another redirect URI (400 `invalid_grant`); API calls without a live Bearer token (401);
//! `per_page` over 100 and a client without `first_name` (400).

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};
use wiremock::{Request, ResponseTemplate};

use crate::oauth::{lock, AuthorizationServer, Clock, Grant, OAuthError};
use crate::server::Server;
use crate::wire;

/// The registered application.
pub const CLIENT_ID: &str = "intandem-app";
/// Its client secret.
pub const CLIENT_SECRET: &str = "intandem-app-secret";
/// The redirect URI registered for the application.
pub const REDIRECT_URI: &str = "https://app.example.com/intandem/callback";
/// The business owner who signs in.
pub const USER_EMAIL: &str = "owner@salon.example";
/// The owner's business.
pub const BUSINESS_UID: &str = "biz-3k9x2";
/// The provider's documented code lifetime.
pub const CODE_LIFETIME: Duration = Duration::from_secs(30);
/// `expires_in` of every token: about 20 years.
pub const TOKEN_LIFETIME_SECS: u64 = 631_139_040;

/// A running inTandem stand-in.
#[derive(Debug)]
pub struct InTandem {
    server: Server,
    state: Arc<State>,
}

#[derive(Debug)]
struct State {
    code_lifetime: Duration,
    auth: AuthorizationServer,
    clients: Mutex<Vec<Value>>,
}

impl InTandem {
    /// A stand-in whose codes live the documented 30 seconds.
    pub async fn start() -> InTandem {
        InTandem::with_code_lifetime(CODE_LIFETIME).await
    }

    /// A stand-in whose codes live `code_lifetime`.
    pub async fn with_code_lifetime(code_lifetime: Duration) -> InTandem {
        let clients = vec![client_record(
            "cl-1",
            "Grace",
            Some("Hopper"),
            Some("grace@example.com"),
            None,
            Some("customer"),
        )];
        let state = Arc::new(State {
            code_lifetime,
            auth: AuthorizationServer::new(),
            clients: Mutex::new(clients),
        });
        let dispatch = state.clone();
        let server =
            Server::start_with_tls(move |request: &Request| dispatch.handle(request)).await;
        InTandem { server, state }
    }

    /// `127.0.0.1:<port>`: the white-label host the authorization page is served on (HTTPS).
    pub fn brand_host(&self) -> String {
        self.server.tls_authority()
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

    /// Codes and tokens issued, and what became of them.
    pub fn auth(&self) -> &AuthorizationServer {
        &self.state.auth
    }

    /// The stand-in's clock (codes age by it).
    pub fn clock(&self) -> &Clock {
        self.state.auth.clock()
    }
}

fn client_record(
    id: &str,
    first: &str,
    last: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
    status: Option<&str>,
) -> Value {
    json!({
        "id": id, "first_name": first, "last_name": last, "email": email, "mobile_phone": phone,
        "customer_status": status.unwrap_or("lead"), "tags": [], "created_at": "2025-01-01T00:00:00Z", "updated_at": "2025-01-01T00:00:00Z",
    })
}

/// The API's success envelope.
fn ok(status: u16, data: Value) -> ResponseTemplate {
    wire::json(status, json!({ "status": "OK", "data": data }))
}

fn error(status: u16, error: &str, description: &str) -> ResponseTemplate {
    wire::json(
        status,
        json!({ "error": error, "error_description": description }),
    )
}

impl State {
    fn handle(&self, request: &Request) -> ResponseTemplate {
        let segments = wire::segments(request);
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        match (request.method.as_str(), segments.as_slice()) {
            ("GET", ["app", "oauth", "authorize"]) => self.authorize(request),
            ("POST", ["oauth", "token"]) => self.token(request).unwrap_or_else(|e| e.response()),
            (_, route) => {
                let authorized = wire::bearer(request)
                    .is_some_and(|token| self.auth.access_token(token).is_some());
                if !authorized {
                    return error(
                        401,
                        "invalid_token",
                        "missing, unknown or expired access token",
                    );
                }
                self.api(request, route)
            }
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
        let grant = Grant {
            client_id: CLIENT_ID.into(),
            user: USER_EMAIL.into(),
            scopes: Vec::new(),
        };
        let code = self.auth.issue_code(grant, REDIRECT_URI, None);
        let mut params = vec![("code", code.as_str())];
        params.extend(query.get("state").map(|state| ("state", state)));
        wire::redirect(&wire::with_query(REDIRECT_URI, &params))
    }

    fn token(&self, request: &Request) -> Result<ResponseTemplate, OAuthError> {
        let body = wire::json_object(request).map_err(OAuthError::invalid_request)?;
        let field = |name: &str| body.get(name).and_then(Value::as_str);
        if field("client_id") != Some(CLIENT_ID) || field("client_secret") != Some(CLIENT_SECRET) {
            return Err(OAuthError::invalid_client(
                "client_id and client_secret go in the JSON body",
            ));
        }
        let grant_type = field("grant_type").unwrap_or_default();
        if grant_type != "authorization_code" {
            return Err(OAuthError::unsupported_grant_type(grant_type));
        }
        let code =
            field("code").ok_or_else(|| OAuthError::invalid_request("`code` is required"))?;
        let grant = self.auth.redeem_code(
            code,
            CLIENT_ID,
            field("redirect_uri"),
            field("code_verifier"),
            self.code_lifetime,
        )?;
        let access_token = self.auth.issue_access_token(
            &grant,
            "vc-",
            Some(Duration::from_secs(TOKEN_LIFETIME_SECS)),
        );
        let created_at = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        Ok(wire::json(
            200,
            json!({ "access_token": access_token, "created_at": created_at, "expires_in": TOKEN_LIFETIME_SECS, "token_type": "Bearer" }),
        ))
    }

    fn api(&self, request: &Request, route: &[&str]) -> ResponseTemplate {
        match (request.method.as_str(), route) {
            ("GET", ["oauth", "userinfo"]) => wire::json(
                200,
                json!({
                    "sub": "user-1", "type": "business", "role": "owner", "email": USER_EMAIL,
                    "business_uid": BUSINESS_UID, "business_name": "Salon Example", "brand_host": "app.vcita.com",
                }),
            ),
            ("GET", ["platform", "v1", "clients"]) => self.list_clients(request),
            ("POST", ["platform", "v1", "clients"]) => self.create_client(request),
            (method, ["platform", "v1", "clients", id]) => self.one_client(request, method, id),
            _ => error(404, "not_found", "no such resource"),
        }
    }

    fn list_clients(&self, request: &Request) -> ResponseTemplate {
        let query = wire::query(request);
        let per_page = query.get("per_page").map_or(Ok(25), str::parse::<usize>);
        let page = query.get("page").map_or(Ok(1), str::parse::<usize>);
        let (Ok(per_page @ 1..=100), Ok(page @ 1..)) = (per_page, page) else {
            return error(
                400,
                "invalid_request",
                "per_page is 1 to 100 and page starts at 1",
            );
        };
        let term = query.get("search_term").map(str::to_lowercase);
        let field = query.get("search_by").unwrap_or("email");
        let clients = lock(&self.clients);
        let matching: Vec<&Value> = clients
            .iter()
            .filter(|c| matches_term(term.as_deref(), c[field].as_str()))
            .skip((page - 1) * per_page)
            .take(per_page)
            .collect();
        ok(200, json!({ "clients": matching }))
    }

    fn create_client(&self, request: &Request) -> ResponseTemplate {
        let input = match client_input(request) {
            Ok(input) => input,
            Err(reason) => return error(400, "invalid_request", &reason),
        };
        let mut clients = lock(&self.clients);
        let id = format!("cl-{}", clients.len() + 1);
        let record = apply(client_record(&id, "", None, None, None, None), &input);
        clients.push(record.clone());
        ok(
            201,
            json!({ "client": record, "token": format!("portal-{id}") }),
        )
    }

    fn one_client(&self, request: &Request, method: &str, id: &str) -> ResponseTemplate {
        let mut clients = lock(&self.clients);
        let Some(index) = clients.iter().position(|c| c["id"] == id) else {
            return error(404, "not_found", &format!("client {id} not found"));
        };
        match method {
            "GET" => ok(200, json!({ "client": clients[index] })),
            "PUT" => match client_input(request) {
                Ok(input) => {
                    let mut updated = apply(clients[index].clone(), &input);
                    updated["updated_at"] = json!("2025-06-01T12:00:00Z");
                    clients[index] = updated.clone();
                    ok(200, json!({ "client": updated }))
                }
                Err(reason) => error(400, "invalid_request", &reason),
            },
            "DELETE" => {
                clients.remove(index);
                ok(200, json!({}))
            }
            _ => error(405, "invalid_request", "method not allowed"),
        }
    }
}

/// A client's JSON input, with `first_name` required; `Err` says what is wrong.
fn client_input(request: &Request) -> Result<Map<String, Value>, String> {
    let body = wire::json_object(request)?;
    let has_first_name = body
        .get("first_name")
        .and_then(Value::as_str)
        .is_some_and(|f| !f.is_empty());
    if !has_first_name {
        return Err("first_name is required".to_owned());
    }
    Ok(body)
}

/// `record` with the input's fields applied (`phone` is stored as `mobile_phone`, `status` as
/// `customer_status`, comma-separated `tags` as a list).
fn apply(mut record: Value, input: &Map<String, Value>) -> Value {
    for (name, value) in input {
        match name.as_str() {
            "phone" => record["mobile_phone"] = value.clone(),
            "status" => record["customer_status"] = value.clone(),
            "tags" => {
                record["tags"] = json!(value
                    .as_str()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>())
            }
            _ => record[name] = value.clone(),
        }
    }
    record
}

/// Whether there is no search term, or `field` contains it (case-insensitively).
fn matches_term(term: Option<&str>, field: Option<&str>) -> bool {
    match term {
        None => true,
        Some(term) => field.is_some_and(|f| f.to_lowercase().contains(term)),
    }
}
