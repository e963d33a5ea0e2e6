//! What a user chose on a generated `ClientBuilder`, and `build`: from a description and those
//! choices to an [`Engine`].

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::{rules, Engine};
use crate::api::ApiClient;
use crate::config::OAuth2Config;
use crate::credential::Credential;
use crate::describe::{self, Grant, KeyLocation, Provider, Scheme, SchemeKind};
use crate::error::Result;
use crate::lease::SharedTokenStore;
use crate::oauth::OAuthClient;
use crate::secret::{AccessToken, ApiKey, ClientSecret, Password, PersonalAccessToken};
use crate::source::{Renewal, TokenSource};
use crate::store::TokenStore;
use crate::transport::{Transport, DEFAULT_TIMEOUT};

/// The credentials given for one scheme.
#[derive(Debug)]
pub(super) enum Given {
    OAuth2 {
        client_id: String,
        client_secret: Option<ClientSecret>,
    },
    ApiKey(ApiKey),
    Basic {
        id: String,
        token: PersonalAccessToken,
    },
    Bearer(AccessToken),
}

/// The HTTP client chosen: reqwest settings to build from, or a client built by the caller.
#[derive(Debug)]
enum Http {
    Builder(Box<reqwest::ClientBuilder>),
    Client(reqwest::Client),
}

/// The state behind a generated `ClientBuilder`. Setters never fail: every check waits for
/// [`Builder::build`], which names the call that fixes a refused combination.
#[derive(Debug)]
pub struct Builder {
    pub(super) provider: &'static Provider,
    pub(super) variables: BTreeMap<&'static str, String>,
    /// By scheme setter, in the order given.
    pub(super) credentials: Vec<(&'static Scheme, Given)>,
    /// The grant chosen, with the setter that chose it (for messages).
    pub(super) grant: Option<(&'static str, Renewal)>,
    token_url: Option<String>,
    authorize_url: Option<String>,
    token_store: Option<Arc<dyn TokenStore>>,
    shared_token_store: Option<Arc<dyn SharedTokenStore>>,
    base_url: Option<String>,
    http: Option<Http>,
    timeout: Option<Duration>,
}

impl Builder {
    /// A builder for `provider` with nothing chosen.
    pub fn new(provider: &'static Provider) -> Self {
        Builder {
            provider,
            variables: BTreeMap::new(),
            credentials: Vec::new(),
            grant: None,
            token_url: None,
            authorize_url: None,
            token_store: None,
            shared_token_store: None,
            base_url: None,
            http: None,
            timeout: None,
        }
    }

    /// Sets the template variable `name` (a name of the description).
    pub fn variable(mut self, name: &'static str, value: String) -> Self {
        if let Some(variable) = self.provider.variables.iter().find(|v| v.name == name) {
            self.variables.insert(variable.name, value);
        }
        self
    }

    /// Uses the OAuth 2.0 client `client_id`, confidential when it has a secret.
    pub fn oauth2(self, client_id: String, client_secret: Option<ClientSecret>) -> Self {
        let Some((scheme, _)) = self.provider.oauth2() else {
            return self;
        };
        self.give(
            scheme,
            Given::OAuth2 {
                client_id,
                client_secret,
            },
        )
    }

    /// Uses `key` for the API key scheme whose setter is `scheme`.
    pub fn api_key(self, scheme: &'static str, key: ApiKey) -> Self {
        self.give_to(scheme, Given::ApiKey(key))
    }

    /// Uses a personal access token for the Basic scheme whose setter is `scheme`.
    pub fn basic(self, scheme: &'static str, id: String, token: PersonalAccessToken) -> Self {
        self.give_to(scheme, Given::Basic { id, token })
    }

    /// Uses a fixed token for the Bearer scheme whose setter is `scheme`.
    pub fn bearer(self, scheme: &'static str, token: AccessToken) -> Self {
        self.give_to(scheme, Given::Bearer(token))
    }

    /// Renews tokens with the client credentials grant, asking for `scopes`.
    pub fn client_credentials(mut self, scopes: Vec<String>) -> Self {
        self.grant = Some(("client_credentials", Renewal::ClientCredentials { scopes }));
        self
    }

    /// Signs in with the password grant, asking for the provider's default scopes.
    pub fn password(mut self, login: String, password: Password) -> Self {
        let scopes = self.default_scopes();
        self.grant = Some((
            "password",
            Renewal::Password {
                username: login,
                password,
                scopes,
            },
        ));
        self
    }

    /// Sends token requests (and refreshes) to `url` instead of the provider's.
    pub fn token_url(mut self, url: String) -> Self {
        self.token_url = Some(url);
        self
    }

    /// Sends users to `url` instead of the provider's authorization endpoint.
    pub fn authorize_url(mut self, url: String) -> Self {
        self.authorize_url = Some(url);
        self
    }

    /// Keeps tokens in `store` instead of memory.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.token_store = Some(store);
        self
    }

    /// Renews through `store`, shared by every replica: one token request for all of them.
    pub fn shared_token_store(mut self, store: Arc<dyn SharedTokenStore>) -> Self {
        self.shared_token_store = Some(store);
        self
    }

    /// Sends API calls to `url` instead of the provider's base URL.
    pub fn base_url(mut self, url: String) -> Self {
        self.base_url = Some(url);
        self
    }

    /// Uses these reqwest settings (replacing an earlier [`Builder::reqwest_client`]).
    pub fn http_client(mut self, builder: reqwest::ClientBuilder) -> Self {
        self.http = Some(Http::Builder(Box::new(builder)));
        self
    }

    /// Uses this built reqwest client (replacing an earlier [`Builder::http_client`]); it must
    /// not follow redirects (see [`Transport::from_client`]).
    pub fn reqwest_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(Http::Client(client));
        self
    }

    /// How long one request may take.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Checks the choices and builds the client: fills the URL templates, resolves the
    /// credentials, prepares the HTTP client.
    pub fn build(mut self) -> Result<Engine> {
        let variables = rules::variables(self.provider, &self.variables)?;
        rules::check(&self)?;
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        let transport = match self.http {
            Some(Http::Client(client)) => Transport::from_client(client, timeout),
            Some(Http::Builder(builder)) => Transport::from_builder(*builder, timeout)?,
            None => Transport::from_builder(reqwest::ClientBuilder::default(), timeout)?,
        };
        let base_url = self.base_url.as_deref().unwrap_or(self.provider.base_url);
        let base_url = variables.expand_url(base_url)?;
        let mut credentials = Vec::new();
        let mut oauth2 = None;
        for (scheme, given) in self.credentials {
            let credential = match (&scheme.kind, given) {
                (
                    SchemeKind::OAuth2(description),
                    Given::OAuth2 {
                        client_id,
                        client_secret,
                    },
                ) => {
                    let mut config = oauth2_config(description);
                    if let Some(url) = self.token_url.clone() {
                        config.token_url = url;
                        config.refresh_url = None;
                    }
                    if let Some(url) = self.authorize_url.clone() {
                        config.authorize_url = Some(url);
                    }
                    let client = OAuthClient::new(
                        config,
                        &variables,
                        client_id,
                        client_secret,
                        transport.clone(),
                    )?;
                    let renewal = match self.grant.take() {
                        Some((_, renewal)) => renewal,
                        None => default_renewal(description),
                    };
                    let mut source = TokenSource::new(client, renewal, self.token_store.take());
                    if let Some(shared) = self.shared_token_store.take() {
                        source = source.with_shared_store(shared);
                    }
                    let source = Arc::new(source);
                    oauth2 = Some(source.clone());
                    Credential::OAuth2 {
                        source,
                        prefix_header: description
                            .token_prefix_header
                            .map(rules::header_name)
                            .transpose()?,
                    }
                }
                (SchemeKind::ApiKey { location, name, .. }, Given::ApiKey(key)) => match location {
                    KeyLocation::Header => Credential::api_key_header(name, key)?,
                    KeyLocation::Query => Credential::api_key_query(name, key),
                },
                (SchemeKind::Basic { .. }, Given::Basic { id, token }) => {
                    Credential::Basic { id, token }
                }
                (SchemeKind::Bearer { .. }, Given::Bearer(token)) => Credential::Bearer(token),
                // `give_to` only pairs a scheme with credentials of its kind.
                _ => continue,
            };
            credentials.push(credential);
        }
        let mut api = ApiClient::new(base_url, credentials, transport);
        for (name, value) in self.provider.headers {
            api = api.with_header(name, &variables.expand(value)?)?;
        }
        Ok(Engine { api, oauth2 })
    }

    /// The scopes requested when the caller names none.
    pub(super) fn default_scopes(&self) -> Vec<String> {
        let scopes = self
            .provider
            .oauth2()
            .map_or(&[][..], |(_, o)| o.default_scopes);
        scopes.iter().map(|s| (*s).to_owned()).collect()
    }

    /// Gives `given` to the scheme whose setter is `setter`, if it is of the right kind.
    fn give_to(self, setter: &str, given: Given) -> Self {
        let matches = |scheme: &Scheme| {
            matches!(
                (&scheme.kind, &given),
                (SchemeKind::ApiKey { .. }, Given::ApiKey(_))
                    | (SchemeKind::Basic { .. }, Given::Basic { .. })
                    | (SchemeKind::Bearer { .. }, Given::Bearer(_))
            )
        };
        match self.provider.scheme(setter).filter(|s| matches(s)) {
            Some(scheme) => self.give(scheme, given),
            None => self,
        }
    }

    /// Records `given` for `scheme`, replacing what an earlier call gave it.
    pub(super) fn give(mut self, scheme: &'static Scheme, given: Given) -> Self {
        self.credentials.retain(|(s, _)| s.setter != scheme.setter);
        self.credentials.push((scheme, given));
        self
    }
}

/// The runtime's OAuth configuration of a described scheme.
fn oauth2_config(oauth2: &describe::OAuth2) -> OAuth2Config {
    let pairs = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    OAuth2Config {
        authorize_url: oauth2.authorize_url.map(str::to_owned),
        token_url: oauth2.token_url.to_owned(),
        refresh_url: oauth2.refresh_url.map(str::to_owned),
        client_auth: oauth2.client_auth,
        body_format: oauth2.body_format,
        pkce: oauth2.pkce,
        scope_separator: oauth2.scope_separator.to_owned(),
        send_scopes: oauth2.send_scopes,
        default_scopes: oauth2
            .default_scopes
            .iter()
            .map(|s| (*s).to_owned())
            .collect(),
        extra_authorize_params: pairs(oauth2.extra_authorize_params),
        extra_token_params: pairs(oauth2.extra_token_params),
        username_field: oauth2.username_field.to_owned(),
        default_lifetime: oauth2.default_lifetime_secs.map(Duration::from_secs),
    }
}

/// The grant that renews tokens when the builder names none: client credentials when offered,
/// otherwise only the user can (authorization code, implicit).
fn default_renewal(oauth2: &describe::OAuth2) -> Renewal {
    if oauth2.offers(Grant::ClientCredentials) {
        let scopes = oauth2.default_scopes.iter().map(|s| (*s).to_owned());
        Renewal::ClientCredentials {
            scopes: scopes.collect(),
        }
    } else {
        Renewal::Reauthorize
    }
}
