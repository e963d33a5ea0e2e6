//! A provider's OAuth 2.0 behaviour as plain data: what a spec says, before any request is made.

use std::time::Duration;

/// How the client proves its identity at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientAuth {
    /// HTTP Basic `client_id:client_secret`, each form-urlencoded first (RFC 6749 §2.3.1).
    Basic,
    /// `client_id` and `client_secret` as fields of a form-encoded body.
    Form,
    /// `client_id` and `client_secret` as fields of a JSON body.
    Json,
    /// A public client: `client_id` only, no secret.
    None,
}

/// The encoding of token request bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFormat {
    /// `application/x-www-form-urlencoded`, as RFC 6749 says.
    Form,
    /// `application/json`, as some providers (inTandem) demand.
    Json,
}

/// Everything the runtime needs to know about a provider's OAuth 2.0 endpoints.
///
/// URLs are templates: `{name}` placeholders are filled from [`Variables`](crate::Variables)
/// when an [`OAuthClient`](crate::OAuthClient) is built.
#[derive(Debug, Clone, PartialEq)]
pub struct OAuth2Config {
    /// The authorization endpoint, for the authorization code and implicit grants.
    pub authorize_url: Option<String>,
    /// The token endpoint.
    pub token_url: String,
    /// Where refresh requests go, when not the token endpoint.
    pub refresh_url: Option<String>,
    /// How the client authenticates at the token endpoint.
    pub client_auth: ClientAuth,
    /// How token request bodies are encoded.
    pub body_format: BodyFormat,
    /// Whether authorization code requests use PKCE S256 (RFC 7636).
    pub pkce: bool,
    /// What joins scopes in requests and splits them in responses (`" "` or `","`).
    pub scope_separator: String,
    /// Whether scopes are sent at all (some providers configure them on the app).
    pub send_scopes: bool,
    /// The scopes every grant requests when the caller names none (authorize URLs, the
    /// loopback flow, client credentials, password); empty: no `scope` parameter.
    pub default_scopes: Vec<String>,
    /// Extra parameters added to authorize URLs.
    pub extra_authorize_params: Vec<(String, String)>,
    /// Extra parameters added to every token request; a value may hold `{variable}`
    /// placeholders, filled from [`Variables`](crate::Variables) when an
    /// [`OAuthClient`](crate::OAuthClient) is built.
    pub extra_token_params: Vec<(String, String)>,
    /// The name of the login field in password grants (`username`, or `email` for CloudCX).
    pub username_field: String,
    /// The lifetime assumed when a token response has no `expires_in`; `None` means no expiry.
    pub default_lifetime: Option<Duration>,
}

impl OAuth2Config {
    /// A configuration with RFC 6749 defaults: Basic client authentication, form bodies,
    /// PKCE on, space-separated scopes, `username` for the password grant.
    pub fn new(token_url: impl Into<String>) -> Self {
        OAuth2Config {
            authorize_url: None,
            token_url: token_url.into(),
            refresh_url: None,
            client_auth: ClientAuth::Basic,
            body_format: BodyFormat::Form,
            pkce: true,
            scope_separator: " ".to_owned(),
            send_scopes: true,
            default_scopes: Vec::new(),
            extra_authorize_params: Vec::new(),
            extra_token_params: Vec::new(),
            username_field: "username".to_owned(),
            default_lifetime: None,
        }
    }
}
