//! A CloudCX tenant's Control Panel as `providers.md` §5 describes it, served over HTTPS on
//! `127.0.0.1:<port>` (a tenant domain with a port, like `cx.cloudfon.net:9001`).
//!
//! Refuses: a token request that is not a form body, a grant other than password, an unknown
//! client, a client secret for the public client (401 `invalid_client`), the login sent as
//! `username` instead of `email` (400 `invalid_request`), a wrong password (400 `invalid_grant`);
//! any other call without a live Bearer token (401).
//!
//! CloudCX's REST paths are not published, so the stand-in invents none: every authenticated
//! request to any other path is answered with what it received (method, path, query, body and the
//! user its token belongs to), which is what a test of the authenticated escape hatch needs.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use wiremock::{Request, ResponseTemplate};

use crate::oauth::{AuthorizationServer, Grant, OAuthError};
use crate::server::Server;
use crate::wire;

/// The tenant's public OAuth client (no secret).
pub const CLIENT_ID: &str = "cloudcx-console";
/// The agent's login.
pub const EMAIL: &str = "agent@tenant.example";
/// The agent's password.
pub const PASSWORD: &str = "correct horse battery staple";

/// A running CloudCX tenant stand-in.
#[derive(Debug)]
pub struct CloudCx {
    server: Server,
    state: Arc<State>,
}

#[derive(Debug)]
struct State {
    auth: AuthorizationServer,
}

impl CloudCx {
    /// A tenant with one agent.
    pub async fn start() -> CloudCx {
        let state = Arc::new(State {
            auth: AuthorizationServer::new(),
        });
        let dispatch = state.clone();
        let server =
            Server::start_with_tls(move |request: &Request| dispatch.handle(request)).await;
        CloudCx { server, state }
    }

    /// The tenant's domain: `127.0.0.1:<port>`, served over HTTPS.
    pub fn domain(&self) -> String {
        self.server.tls_authority()
    }

    /// `127.0.0.1:<port>` of the same tenant over plain HTTP.
    pub fn plain_http_authority(&self) -> String {
        self.server.authority()
    }

    /// The listener, for what it received.
    pub fn server(&self) -> &Server {
        &self.server
    }

    /// Codes and tokens issued.
    pub fn auth(&self) -> &AuthorizationServer {
        &self.state.auth
    }
}

impl State {
    fn handle(&self, request: &Request) -> ResponseTemplate {
        if request.url.path() == "/oauth/token" {
            return self.token(request).unwrap_or_else(|e| e.response());
        }
        let Some(grant) = wire::bearer(request).and_then(|token| self.auth.access_token(token))
        else {
            return wire::json(401, json!({ "message": "Unauthenticated." }));
        };
        let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
        wire::json(
            200,
            json!({
                "method": request.method.as_str(),
                "path": request.url.path(),
                "query": request.url.query(),
                "body": body,
                "user": grant.user,
            }),
        )
    }

    fn token(&self, request: &Request) -> Result<ResponseTemplate, OAuthError> {
        if request.method.as_str() != "POST" {
            return Err(OAuthError::invalid_request("POST the token request"));
        }
        let form = wire::form(request).map_err(OAuthError::invalid_request)?;
        if form.get("client_id") != Some(CLIENT_ID) {
            return Err(OAuthError::invalid_client("unknown client_id"));
        }
        if form.has("client_secret") || wire::header(request, "authorization").is_some() {
            return Err(OAuthError::invalid_client(
                "the console client is public: it has no secret",
            ));
        }
        let grant_type = form.get("grant_type").unwrap_or_default();
        if grant_type != "password" {
            return Err(OAuthError::unsupported_grant_type(grant_type));
        }
        let Some(email) = form.get("email") else {
            return Err(OAuthError::invalid_request("`email` is required"));
        };
        if email != EMAIL || form.get("password") != Some(PASSWORD) {
            return Err(OAuthError::invalid_grant("wrong email or password"));
        }
        let grant = Grant {
            client_id: CLIENT_ID.into(),
            user: EMAIL.into(),
            scopes: Vec::new(),
        };
        let access_token = self
            .auth
            .issue_access_token(&grant, &jwt_prefix(email), None);
        // Only what is confirmed: an RS256 JWT. No expiry, no refresh token, a lowercase type.
        Ok(wire::json(
            200,
            json!({ "access_token": access_token, "token_type": "bearer" }),
        ))
    }
}

/// The header and payload of an RS256 JWT for `email`; the issued token appends a unique tail
/// as its "signature".
fn jwt_prefix(email: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(json!({ "sub": email, "aud": CLIENT_ID }).to_string());
    format!("{header}.{payload}.")
}
