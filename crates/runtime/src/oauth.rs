//! The client side of the token endpoint: one request builder for every grant and client
//! authentication style, and the authorization code and implicit flows around it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use url::Url;

use crate::body::{read_capped, TOKEN_BODY_LIMIT};
use crate::config::{BodyFormat, ClientAuth, OAuth2Config};
use crate::error::{Error, Result};
use crate::pkce::{self, State};
use crate::secret::{AuthorizationCode, ClientSecret, Password, PkceVerifier, RefreshToken};
use crate::sensitive::sensitive;
use crate::template::Variables;
use crate::token::Token;
use crate::token_response::parse_token_response;
use crate::transport::Transport;

/// A provider's OAuth endpoints resolved for one registered client.
#[derive(Debug, Clone)]
pub struct OAuthClient {
    config: OAuth2Config,
    authorize_url: Option<Url>,
    token_url: Url,
    refresh_url: Url,
    client_id: String,
    client_secret: Option<ClientSecret>,
    /// `config.extra_authorize_params` with their `{variable}` placeholders filled in.
    extra_authorize_params: Vec<(String, String)>,
    /// `config.extra_token_params` with their `{variable}` placeholders filled in.
    extra_token_params: Vec<(String, String)>,
    transport: Transport,
}

/// A started authorization: the URL to send the user to, and what finishing it needs.
///
/// Keep it until the callback arrives; its `state` and PKCE verifier never leave this value
/// (`Debug` redacts both, in the URL too).
pub struct AuthorizationRequest {
    url: Url,
    state: State,
    verifier: Option<PkceVerifier>,
    redirect_uri: String,
}

impl AuthorizationRequest {
    /// Where to send the user's browser.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The `state` sent in the URL.
    pub fn state(&self) -> &str {
        self.state.as_str()
    }

    /// A copy of the `state`, for a task that checks callbacks on its own (the loopback listener).
    pub(crate) fn state_checker(&self) -> State {
        self.state.clone()
    }

    /// The redirect URI the code will be delivered to.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }
}

impl std::fmt::Debug for AuthorizationRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut url = self.url.clone();
        let pairs: Vec<(String, String)> = self
            .url
            .query_pairs()
            .map(|(name, value)| {
                let value = if name == "state" {
                    "[redacted]".to_owned()
                } else {
                    value.into_owned()
                };
                (name.into_owned(), value)
            })
            .collect();
        url.query_pairs_mut().clear().extend_pairs(pairs);
        f.debug_struct("AuthorizationRequest")
            .field("url", &url.as_str())
            .field("state", &self.state)
            .field("verifier", &self.verifier)
            .field("redirect_uri", &self.redirect_uri)
            .finish()
    }
}

/// `params` with the `{variable}` placeholders of their values filled in, as plain text (the
/// URL or body encoding escapes them).
fn filled(params: &[(String, String)], variables: &Variables) -> Result<Vec<(String, String)>> {
    params
        .iter()
        .map(|(name, value)| Ok((name.clone(), variables.expand_text(value)?)))
        .collect()
}

impl OAuthClient {
    /// Resolves `config`'s URL templates and extra parameter values with `variables` for the
    /// client `client_id`.
    pub fn new(
        config: OAuth2Config,
        variables: &Variables,
        client_id: impl Into<String>,
        client_secret: Option<ClientSecret>,
        transport: Transport,
    ) -> Result<Self> {
        let authorize_url = config
            .authorize_url
            .as_deref()
            .map(|u| variables.expand_url(u))
            .transpose()?;
        let token_url = variables.expand_url(&config.token_url)?;
        let refresh_url = match &config.refresh_url {
            Some(url) => variables.expand_url(url)?,
            None => token_url.clone(),
        };
        let extra_authorize_params = filled(&config.extra_authorize_params, variables)?;
        let extra_token_params = filled(&config.extra_token_params, variables)?;
        Ok(OAuthClient {
            config,
            authorize_url,
            token_url,
            refresh_url,
            client_id: client_id.into(),
            client_secret,
            extra_authorize_params,
            extra_token_params,
            transport,
        })
    }

    /// The configuration this client was built from.
    pub fn config(&self) -> &OAuth2Config {
        &self.config
    }

    /// The client identifier.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// Starts the authorization code flow (RFC 6749 §4.1) with a fresh `state` and, unless the
    /// provider opts out, a PKCE S256 challenge. Empty `scopes` request the provider's
    /// `default_scopes` (none when it has none).
    pub fn authorize_url(
        &self,
        redirect_uri: &str,
        scopes: &[&str],
    ) -> Result<AuthorizationRequest> {
        let verifier = self.config.pkce.then(pkce::new_verifier);
        let mut request = self.authorization_request("code", redirect_uri, scopes)?;
        if let Some(verifier) = &verifier {
            request
                .url
                .query_pairs_mut()
                .append_pair("code_challenge", &pkce::challenge(verifier))
                .append_pair("code_challenge_method", "S256");
        }
        request.verifier = verifier;
        Ok(request)
    }

    /// Starts the implicit flow: the token comes back in the redirect URI's fragment.
    #[deprecated(
        note = "the implicit grant is removed in OAuth 2.1 (RFC 9700 §2.1.2); use the authorization code flow"
    )]
    pub fn implicit_authorize_url(
        &self,
        redirect_uri: &str,
        scopes: &[&str],
    ) -> Result<AuthorizationRequest> {
        self.authorization_request("token", redirect_uri, scopes)
    }

    fn authorization_request(
        &self,
        response_type: &str,
        redirect_uri: &str,
        scopes: &[&str],
    ) -> Result<AuthorizationRequest> {
        let mut url = self.authorize_url.clone().ok_or_else(|| {
            Error::InvalidConfig("the provider has no authorization endpoint".into())
        })?;
        let state = State::random();
        {
            let mut query = url.query_pairs_mut();
            query
                .append_pair("response_type", response_type)
                .append_pair("client_id", &self.client_id)
                .append_pair("redirect_uri", redirect_uri)
                .append_pair("state", state.as_str());
            if let Some(scope) = self.scope_param(scopes) {
                query.append_pair("scope", &scope);
            }
            for (name, value) in &self.extra_authorize_params {
                query.append_pair(name, value);
            }
        }
        Ok(AuthorizationRequest {
            url,
            state,
            verifier: None,
            redirect_uri: redirect_uri.to_owned(),
        })
    }

    /// Finishes the authorization code flow from the full callback URL the browser landed on.
    ///
    /// Refuses a callback whose `state` differs ([`Error::StateMismatch`]) and turns an
    /// `error=` callback into [`Error::OAuth`].
    pub async fn exchange_callback(
        &self,
        request: &AuthorizationRequest,
        callback_url: &str,
    ) -> Result<Token> {
        let params = callback_params(callback_url, CallbackPart::Query)?;
        let code = check_callback(request, &params)?;
        self.exchange_code(
            request,
            AuthorizationCode::new(code),
            params.get("state").unwrap_or_default(),
        )
        .await
    }

    /// Finishes the authorization code flow from a code and state received by other means.
    pub async fn exchange_code(
        &self,
        request: &AuthorizationRequest,
        code: AuthorizationCode,
        state: &str,
    ) -> Result<Token> {
        if !request.state.matches(state) {
            return Err(Error::StateMismatch);
        }
        let mut params = vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.secret().to_owned()),
            ("redirect_uri", request.redirect_uri.clone()),
        ];
        if let Some(verifier) = &request.verifier {
            params.push(("code_verifier", verifier.secret().to_owned()));
        }
        self.token_request(&self.token_url, params).await
    }

    /// Reads the token from an implicit-flow redirect (`#access_token=..&state=..`).
    #[deprecated(
        note = "the implicit grant is removed in OAuth 2.1 (RFC 9700 §2.1.2); use the authorization code flow"
    )]
    pub fn parse_implicit_redirect(
        &self,
        request: &AuthorizationRequest,
        redirect_url: &str,
    ) -> Result<Token> {
        let params = callback_params(redirect_url, CallbackPart::Fragment)?;
        check_callback_state(request, &params)?;
        let mut fields = serde_json::Map::new();
        for (name, value) in params.0 {
            if name != "state" {
                fields.insert(name, serde_json::Value::String(value));
            }
        }
        let body = serde_json::Value::Object(fields).to_string();
        parse_token_response(
            reqwest::StatusCode::OK,
            body.as_bytes(),
            &self.config.scope_separator,
            self.config.default_lifetime,
        )
    }

    /// The client credentials grant (RFC 6749 §4.4); empty `scopes` request the
    /// `default_scopes`.
    pub async fn client_credentials(&self, scopes: &[&str]) -> Result<Token> {
        let mut params = vec![("grant_type", "client_credentials".to_owned())];
        self.push_scope(&mut params, scopes);
        self.token_request(&self.token_url, params).await
    }

    /// The resource owner password grant (RFC 6749 §4.3), with the provider's login field name.
    pub async fn password(
        &self,
        username: &str,
        password: &Password,
        scopes: &[&str],
    ) -> Result<Token> {
        let mut params = vec![
            ("grant_type", "password".to_owned()),
            (self.config.username_field.as_str(), username.to_owned()),
            ("password", password.secret().to_owned()),
        ];
        self.push_scope(&mut params, scopes);
        self.token_request(&self.token_url, params).await
    }

    /// The refresh grant (RFC 6749 §6); keeps `refresh_token` when the response has no new one.
    pub async fn refresh(&self, refresh_token: &RefreshToken) -> Result<Token> {
        let params = vec![
            ("grant_type", "refresh_token".to_owned()),
            ("refresh_token", refresh_token.secret().to_owned()),
        ];
        let token = self.token_request(&self.refresh_url, params).await?;
        Ok(token.keep_refresh_token(Some(refresh_token)))
    }

    /// The `scope` parameter: `scopes`, or the provider's default scopes when the caller names
    /// none; nothing when both are empty or the provider takes no scopes.
    fn scope_param(&self, scopes: &[&str]) -> Option<String> {
        if !self.config.send_scopes {
            return None;
        }
        let separator = &self.config.scope_separator;
        match scopes {
            [] if self.config.default_scopes.is_empty() => None,
            [] => Some(self.config.default_scopes.join(separator)),
            scopes => Some(scopes.join(separator)),
        }
    }

    fn push_scope(&self, params: &mut Vec<(&str, String)>, scopes: &[&str]) {
        if let Some(scope) = self.scope_param(scopes) {
            params.push(("scope", scope));
        }
    }

    /// Sends one token request with the configured client authentication and body format.
    async fn token_request(&self, url: &Url, mut params: Vec<(&str, String)>) -> Result<Token> {
        let secret = self
            .client_secret
            .as_ref()
            .filter(|_| self.config.client_auth != ClientAuth::None);
        let mut request = self
            .transport
            .http()
            .post(url.clone())
            .header(ACCEPT, "application/json");
        match (self.config.client_auth, secret) {
            (ClientAuth::Basic, Some(secret)) => {
                // Sensitive: keeps the client secret out of any `Debug` of the request.
                let value = sensitive(basic_client_credentials(&self.client_id, secret.secret()))?;
                request = request.header(AUTHORIZATION, value);
            }
            (_, Some(secret)) => {
                params.push(("client_id", self.client_id.clone()));
                params.push(("client_secret", secret.secret().to_owned()));
            }
            (_, None) => params.push(("client_id", self.client_id.clone())),
        }
        params.extend(
            self.extra_token_params
                .iter()
                .map(|(n, v)| (n.as_str(), v.clone())),
        );
        let json_body = self.config.body_format == BodyFormat::Json
            || self.config.client_auth == ClientAuth::Json;
        request = if json_body {
            let object: serde_json::Map<_, _> = params
                .into_iter()
                .map(|(n, v)| (n.to_owned(), serde_json::Value::String(v)))
                .collect();
            request
                .header(CONTENT_TYPE, "application/json")
                .body(serde_json::Value::Object(object).to_string())
        } else {
            let body = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(params)
                .finish();
            request
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(body)
        };
        tracing::debug!(endpoint = %url.path(), "token request");
        let timeout = self.transport.timeout();
        let response = request
            .send()
            .await
            .map_err(|e| Error::transport(e, timeout))?;
        let status = response.status();
        let body = read_capped(response, TOKEN_BODY_LIMIT, timeout).await?;
        let token = parse_token_response(
            status,
            &body,
            &self.config.scope_separator,
            self.config.default_lifetime,
        );
        match &token {
            Ok(_) => tracing::debug!(status = status.as_u16(), "token issued"),
            Err(error) => tracing::debug!(
                status = status.as_u16(),
                oauth_error = error.oauth_error(),
                "token request failed"
            ),
        }
        token
    }
}

/// `Basic base64(urlencode(id):urlencode(secret))`, as RFC 6749 §2.3.1 requires; servers that
/// follow it (node-oidc-provider) reject credentials that skip the urlencoding.
pub(crate) fn basic_client_credentials(client_id: &str, client_secret: &str) -> String {
    let encode = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", encode(client_id), encode(client_secret)))
    )
}

enum CallbackPart {
    Query,
    Fragment,
}

/// The parameters of a callback URL's query or fragment.
struct CallbackParams(Vec<(String, String)>);

impl CallbackParams {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

fn callback_params(callback_url: &str, part: CallbackPart) -> Result<CallbackParams> {
    let url = Url::parse(callback_url)
        .map_err(|e| Error::InvalidConfig(format!("callback URL is not a URL: {e}")))?;
    let raw = match part {
        CallbackPart::Query => url.query(),
        CallbackPart::Fragment => url.fragment(),
    };
    let pairs = url::form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
        .into_owned()
        .collect();
    Ok(CallbackParams(pairs))
}

/// Checks `state` first (an attacker's `error=` callback is as unwelcome as their code).
fn check_callback_state(request: &AuthorizationRequest, params: &CallbackParams) -> Result<()> {
    match params.get("state") {
        Some(state) if request.state.matches(state) => {}
        _ => return Err(Error::StateMismatch),
    }
    if let Some(error) = params.get("error") {
        return Err(Error::OAuth {
            error: error.to_owned(),
            description: params.get("error_description").map(str::to_owned),
            uri: params.get("error_uri").map(str::to_owned),
            status: None,
        });
    }
    Ok(())
}

fn check_callback<'a>(
    request: &AuthorizationRequest,
    params: &'a CallbackParams,
) -> Result<&'a str> {
    check_callback_state(request, params)?;
    params.get("code").ok_or_else(|| {
        Error::InvalidConfig("the callback URL carries neither `code` nor `error`".into())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_form_encoded_before_base64() {
        let header = basic_client_credentials("my id", "s3cr:et +/%&=");
        let decoded = STANDARD
            .decode(header.trim_start_matches("Basic "))
            .unwrap();
        assert_eq!(
            String::from_utf8(decoded).unwrap(),
            "my+id:s3cr%3Aet+%2B%2F%25%26%3D"
        );
    }
}
