//! A provider described as data: what a generated crate hands the [engine](crate::engine) so
//! that one tested implementation builds every provider's client.
//!
//! Every value is `'static` and constructible in a `const`, so a generated crate states its
//! provider as one `static` and carries no builder or flow logic of its own. The generator has
//! already checked the description (names unique, templates naming declared variables,
//! `requires` naming other schemes), so the engine trusts it.

pub use crate::config::{BodyFormat, ClientAuth};

/// One provider: its variables, authentication schemes and static headers.
#[derive(Debug)]
pub struct Provider {
    /// The provider's name in messages (`ITCTXT`).
    pub title: &'static str,
    /// The API base URL, a template over [`Provider::variables`].
    pub base_url: &'static str,
    /// Template variables (tenant host, stage, ...).
    pub variables: &'static [Variable],
    /// Headers sent with every call: name and value template.
    pub headers: &'static [(&'static str, &'static str)],
    /// The ways to authenticate, in the spec's order (the order `from_env` tries them).
    pub schemes: &'static [Scheme],
}

/// A template variable.
#[derive(Debug)]
pub struct Variable {
    /// The placeholder's name in templates (`stage`).
    pub name: &'static str,
    /// The builder method that sets it, named in messages (`stage`).
    pub setter: &'static str,
    /// The environment variable `from_env` reads it from (`ITCTXT_STAGE`).
    pub env: &'static str,
    /// `None`: the variable is required.
    pub default: Option<&'static str>,
}

/// An authentication scheme.
#[derive(Debug)]
pub struct Scheme {
    /// The builder method that configures it, named in messages (`api_key`); also how the
    /// builder and `requires` refer to the scheme.
    pub setter: &'static str,
    /// What it sends, with its settings and environment variables.
    pub kind: SchemeKind,
    /// Setters of the schemes always sent beside this one (ITCTXT's OAuth token goes with an
    /// API key).
    pub requires: &'static [&'static str],
}

/// What a scheme sends.
#[derive(Debug)]
pub enum SchemeKind {
    /// OAuth 2.0 access tokens.
    OAuth2(&'static OAuth2),
    /// An API key.
    ApiKey {
        /// Where the key goes.
        location: KeyLocation,
        /// The header or query parameter name.
        name: &'static str,
        /// The environment variable holding the key.
        env: &'static str,
    },
    /// A personal access token sent as HTTP Basic `id:token`.
    Basic {
        /// The environment variable holding the account id.
        id_env: &'static str,
        /// The environment variable holding the token.
        token_env: &'static str,
    },
    /// A fixed Bearer token.
    Bearer {
        /// The environment variable holding the token.
        env: &'static str,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
}

/// The grants an OAuth 2.0 scheme offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grant {
    /// RFC 6749 §4.1, with a refresh token when the provider sends one.
    AuthorizationCode,
    /// RFC 6749 §4.2 (removed in OAuth 2.1).
    Implicit,
    /// RFC 6749 §4.3.
    Password,
    /// RFC 6749 §4.4.
    ClientCredentials,
    /// RFC 6749 §6.
    RefreshToken,
}

/// An OAuth 2.0 scheme in the provider's dialect.
#[derive(Debug)]
pub struct OAuth2 {
    /// The authorization endpoint (template), for the grants that redirect.
    pub authorize_url: Option<&'static str>,
    /// The token endpoint (template).
    pub token_url: &'static str,
    /// Where refresh requests go, when not the token endpoint.
    pub refresh_url: Option<&'static str>,
    /// The grants offered.
    pub grants: &'static [Grant],
    /// How the client authenticates at the token endpoint.
    pub client_auth: ClientAuth,
    /// How token request bodies are encoded.
    pub body_format: BodyFormat,
    /// Whether authorization code requests use PKCE S256.
    pub pkce: bool,
    /// What joins scopes in requests (`" "` or `","`).
    pub scope_separator: &'static str,
    /// Whether scopes are sent at all.
    pub send_scopes: bool,
    /// Every scope value, in the order of the generated `Scope` enum.
    pub scopes: &'static [&'static str],
    /// Scopes every grant requests when the caller names none (authorize URLs included).
    pub default_scopes: &'static [&'static str],
    /// Extra parameters of authorize URLs.
    pub extra_authorize_params: &'static [(&'static str, &'static str)],
    /// Extra parameters of every token request; values are templates over
    /// [`Provider::variables`], filled in as plain text (the body's encoding escapes them).
    pub extra_token_params: &'static [(&'static str, &'static str)],
    /// The login field of password grants (`username`, `email`).
    pub username_field: &'static str,
    /// The lifetime assumed when a token response has no `expires_in`.
    pub default_lifetime_secs: Option<u64>,
    /// A header that receives the access token's prefix before `:` (Text's `X-Region`).
    pub token_prefix_header: Option<&'static str>,
    /// The builder method of a public client (no secret), when one is allowed.
    pub public_setter: Option<&'static str>,
    /// Environment variables of the OAuth client and the password grant.
    pub env: OAuth2Env,
}

/// The environment variables `from_env` reads for an OAuth 2.0 scheme.
#[derive(Debug)]
pub struct OAuth2Env {
    /// The client id; its presence selects the scheme.
    pub client_id: &'static str,
    /// The client secret, when a confidential client is allowed.
    pub client_secret: Option<&'static str>,
    /// The login and the password of the password grant, when offered.
    pub password: Option<(&'static str, &'static str)>,
}

impl OAuth2 {
    /// RFC 6749's defaults, so that a description states only where its provider differs
    /// (`OAuth2 { token_url: .., grants: .., env: .., ..OAuth2::DEFAULT }`): Basic client
    /// authentication, form bodies, PKCE, space-separated scopes sent with requests,
    /// `username`, no expiry assumed, no public client.
    pub const DEFAULT: OAuth2 = OAuth2 {
        authorize_url: None,
        token_url: "",
        refresh_url: None,
        grants: &[],
        client_auth: ClientAuth::Basic,
        body_format: BodyFormat::Form,
        pkce: true,
        scope_separator: " ",
        send_scopes: true,
        scopes: &[],
        default_scopes: &[],
        extra_authorize_params: &[],
        extra_token_params: &[],
        username_field: "username",
        default_lifetime_secs: None,
        token_prefix_header: None,
        public_setter: None,
        env: OAuth2Env {
            client_id: "",
            client_secret: None,
            password: None,
        },
    };

    /// Whether the scheme offers `grant`.
    pub fn offers(&self, grant: Grant) -> bool {
        self.grants.contains(&grant)
    }
}

impl Provider {
    /// A provider without variables, static headers or schemes, so that a description states
    /// only what it has (`Provider { title: .., base_url: .., schemes: .., ..Provider::DEFAULT }`).
    pub const DEFAULT: Provider = Provider {
        title: "",
        base_url: "",
        variables: &[],
        headers: &[],
        schemes: &[],
    };
}

impl Variable {
    /// The variable `name`, read from the environment variable `env`, set by the builder method
    /// of the same name, required (see [`Variable::with_default`] and [`Variable::setter`]).
    pub const fn new(name: &'static str, env: &'static str) -> Variable {
        Variable {
            name,
            setter: name,
            env,
            default: None,
        }
    }

    /// The variable with the value `default` when none is given.
    pub const fn with_default(self, default: &'static str) -> Variable {
        Variable {
            default: Some(default),
            ..self
        }
    }

    /// The variable set by the builder method `setter` (when it is not named like the variable).
    pub const fn setter(self, setter: &'static str) -> Variable {
        Variable { setter, ..self }
    }
}

impl OAuth2Env {
    /// The client id read from `client_id`, for a public client alone (see
    /// [`OAuth2Env::secret`]) and without the password grant (see [`OAuth2Env::password`]).
    pub const fn new(client_id: &'static str) -> OAuth2Env {
        OAuth2Env {
            client_id,
            client_secret: None,
            password: None,
        }
    }

    /// The client secret read from `client_secret`.
    pub const fn secret(self, client_secret: &'static str) -> OAuth2Env {
        OAuth2Env {
            client_secret: Some(client_secret),
            ..self
        }
    }

    /// The password grant's login and password read from `login` and `password`.
    pub const fn password(self, login: &'static str, password: &'static str) -> OAuth2Env {
        OAuth2Env {
            password: Some((login, password)),
            ..self
        }
    }
}

impl Scheme {
    /// OAuth 2.0, configured by the builder method `setter`.
    pub const fn oauth2(setter: &'static str, oauth2: &'static OAuth2) -> Scheme {
        Scheme::new(setter, SchemeKind::OAuth2(oauth2))
    }

    /// An API key sent in the header `name`, read from the environment variable `env`.
    pub const fn api_key_header(
        setter: &'static str,
        name: &'static str,
        env: &'static str,
    ) -> Scheme {
        let location = KeyLocation::Header;
        Scheme::new(
            setter,
            SchemeKind::ApiKey {
                location,
                name,
                env,
            },
        )
    }

    /// An API key sent in the query parameter `name`, read from the environment variable `env`.
    pub const fn api_key_query(
        setter: &'static str,
        name: &'static str,
        env: &'static str,
    ) -> Scheme {
        let location = KeyLocation::Query;
        Scheme::new(
            setter,
            SchemeKind::ApiKey {
                location,
                name,
                env,
            },
        )
    }

    /// A personal access token sent as HTTP Basic `id:token`, read from the environment
    /// variables `id_env` and `token_env`.
    pub const fn basic(
        setter: &'static str,
        id_env: &'static str,
        token_env: &'static str,
    ) -> Scheme {
        Scheme::new(setter, SchemeKind::Basic { id_env, token_env })
    }

    /// A fixed Bearer token read from the environment variable `env`.
    pub const fn bearer(setter: &'static str, env: &'static str) -> Scheme {
        Scheme::new(setter, SchemeKind::Bearer { env })
    }

    /// A scheme configured by the builder method `setter`, sending what `kind` says, alone.
    pub const fn new(setter: &'static str, kind: SchemeKind) -> Scheme {
        Scheme {
            setter,
            kind,
            requires: &[],
        }
    }

    /// The scheme, always sent together with the schemes of the builder methods `requires`.
    pub const fn requires(self, requires: &'static [&'static str]) -> Scheme {
        Scheme { requires, ..self }
    }

    /// The environment variables of the scheme; the first one selects it in `from_env`.
    pub fn env_vars(&self) -> Vec<&'static str> {
        match &self.kind {
            SchemeKind::OAuth2(oauth2) => {
                let env = &oauth2.env;
                let login = env.password.iter().flat_map(|(l, p)| [*l, *p]);
                std::iter::once(env.client_id)
                    .chain(env.client_secret)
                    .chain(login)
                    .collect()
            }
            SchemeKind::ApiKey { env, .. } | SchemeKind::Bearer { env } => vec![env],
            SchemeKind::Basic { id_env, token_env } => vec![id_env, token_env],
        }
    }
}

impl Provider {
    /// The scheme configured by the builder method `setter`.
    pub(crate) fn scheme(&'static self, setter: &str) -> Option<&'static Scheme> {
        self.schemes.iter().find(|s| s.setter == setter)
    }

    /// The provider's OAuth 2.0 scheme (a provider has at most one).
    pub(crate) fn oauth2(&'static self) -> Option<(&'static Scheme, &'static OAuth2)> {
        self.schemes.iter().find_map(|s| match s.kind {
            SchemeKind::OAuth2(oauth2) => Some((s, oauth2)),
            _ => None,
        })
    }
}
