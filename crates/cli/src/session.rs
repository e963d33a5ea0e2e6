//! One command's view of a provider: the loaded spec, its runtime description, the stored login
//! of the chosen connection, and the runtime client built from them.

use std::sync::Arc;

use codegen::model::{AuthKind, AuthScheme};
use provider_runtime::describe::Provider;
use provider_runtime::engine::{Builder, Engine};
use provider_runtime::{AccessToken, ApiKey, ClientSecret, PersonalAccessToken, TokenStore};

use crate::cli::{Endpoint, Global};
use crate::error::{CliError, Result};
use crate::spec::{self, Spec};
use crate::store::{Login, Secret, Store};

/// A spec, its description and where its logins live.
#[derive(Debug)]
pub struct Session {
    pub spec: Spec,
    pub provider: &'static Provider,
    pub store: Store,
    pub connection: String,
}

impl Session {
    /// Loads the spec `argument` names.
    pub fn open(argument: &str, global: &Global) -> Result<Session> {
        let spec = spec::load(argument)?;
        let provider = crate::describe::leak(&spec.model);
        Ok(Session {
            spec,
            provider,
            store: Store::new(global.config_dir.clone())?,
            connection: global.connection.clone(),
        })
    }

    /// The provider's name (the spec's `name`), which keys its logins.
    pub fn name(&self) -> &str {
        &self.spec.model.crate_name
    }

    /// The stored login, or the error that says to log in.
    pub fn login(&self) -> Result<Login> {
        self.store
            .load(self.name(), &self.connection)?
            .ok_or_else(|| {
                self.needs_login(format!(
                    "not logged in to {} (connection `{}`)",
                    self.provider.title, self.connection
                ))
            })
    }

    /// The error that sends the user to `provider login`, for `reason`.
    pub fn needs_login(&self, reason: String) -> CliError {
        let connection = if self.connection == "default" {
            String::new()
        } else {
            format!(" --connection {}", self.connection)
        };
        CliError::NeedsLogin {
            reason,
            spec: self.spec.argument.clone(),
            connection,
        }
    }

    /// A runtime error, with the ones only a new login fixes sent to `provider login`.
    pub fn failed(&self, error: provider_runtime::Error) -> CliError {
        match error {
            provider_runtime::Error::ReauthorizationRequired { .. } => {
                self.needs_login(error.to_string())
            }
            error => error.into(),
        }
    }

    /// The spec's scheme `name` (its key under `auth:`).
    pub fn scheme(&self, name: &str) -> Result<&AuthScheme> {
        let schemes = &self.spec.model.auth;
        schemes.iter().find(|s| s.name == name).ok_or_else(|| {
            let known: Vec<&str> = schemes.iter().map(|s| s.name.as_str()).collect();
            CliError::usage(format!(
                "{} has no auth scheme `{name}`; its schemes: {}",
                self.provider.title,
                known.join(", ")
            ))
        })
    }

    /// The runtime client for `login`, keeping OAuth tokens in the connection's token file.
    pub fn engine(&self, login: &Login) -> Result<Engine> {
        self.engine_with(login, |builder| builder)
    }

    /// [`Session::engine`], with `choose` making a last choice on the builder (a grant).
    pub fn engine_with(
        &self,
        login: &Login,
        choose: impl FnOnce(Builder) -> Builder,
    ) -> Result<Engine> {
        if let Some(unknown) = login.variables.keys().find(|name| {
            !self
                .provider
                .variables
                .iter()
                .any(|v| v.name == name.as_str())
        }) {
            let known: Vec<&str> = self.provider.variables.iter().map(|v| v.name).collect();
            return Err(CliError::usage(format!(
                "{} has no variable `{unknown}`; its variables: {}",
                self.provider.title,
                if known.is_empty() {
                    "none".to_owned()
                } else {
                    known.join(", ")
                }
            )));
        }
        let mut builder = Builder::new(self.provider);
        for variable in self.provider.variables {
            let value = login
                .variables
                .get(variable.name)
                .cloned()
                .or_else(|| std::env::var(variable.env).ok().filter(|v| !v.is_empty()));
            if let Some(value) = value {
                builder = builder.variable(variable.name, value);
            }
        }
        if let Some(url) = &login.base_url {
            builder = builder.base_url(url.clone());
        }
        if let Some(url) = &login.token_url {
            builder = builder.token_url(url.clone());
        }
        if let Some(url) = &login.authorize_url {
            builder = builder.authorize_url(url.clone());
        }
        if let Some(path) = &login.ca_cert {
            let pem = std::fs::read(path).map_err(|error| CliError::Local {
                what: "cannot read the certificate authority",
                path: path.clone(),
                error,
            })?;
            let ca = provider_runtime::reqwest::Certificate::from_pem(&pem).map_err(|e| {
                CliError::usage(format!("{} is not a PEM certificate: {e}", path.display()))
            })?;
            builder = builder
                .http_client(provider_runtime::reqwest::Client::builder().tls_certs_merge([ca]));
        }
        let scheme = self.scheme(&login.scheme)?;
        let mut schemes = vec![scheme];
        for required in &scheme.requires {
            schemes.push(self.scheme(required)?);
        }
        for scheme in schemes {
            builder = self.credentials(builder, scheme, login)?;
        }
        let tokens = self.store.tokens(self.name(), &self.connection);
        let tokens: Arc<dyn TokenStore> = Arc::new(tokens);
        choose(builder.token_store(tokens))
            .build()
            .map_err(|e| self.failed(e))
    }

    /// `builder` given the stored credentials of `scheme`.
    fn credentials(&self, builder: Builder, scheme: &AuthScheme, login: &Login) -> Result<Builder> {
        let setter = self
            .provider
            .schemes
            .iter()
            .find(|s| s.setter == scheme.rust_name.as_str())
            .map(|s| s.setter)
            .unwrap_or_default();
        let missing = || {
            self.needs_login(format!(
                "no credentials stored for the `{}` scheme of {}",
                scheme.name, self.provider.title
            ))
        };
        Ok(match &scheme.kind {
            AuthKind::OAuth2(_) => {
                let client_id = login.client_id.clone().ok_or_else(missing)?;
                let secret = login.client_secret.clone().map(ClientSecret::new);
                let builder = builder.oauth2(client_id, secret);
                match login.grant.as_deref() {
                    Some("client_credentials") => builder.client_credentials(login.scopes.clone()),
                    _ => builder,
                }
            }
            AuthKind::ApiKey { .. } => match login.secrets.get(&scheme.name) {
                Some(Secret::Token(key)) => builder.api_key(setter, ApiKey::new(key.clone())),
                _ => return Err(missing()),
            },
            AuthKind::Bearer => match login.secrets.get(&scheme.name) {
                Some(Secret::Token(token)) => {
                    builder.bearer(setter, AccessToken::new(token.clone()))
                }
                _ => return Err(missing()),
            },
            AuthKind::Basic => match login.secrets.get(&scheme.name) {
                Some(Secret::Basic { id, token }) => {
                    builder.basic(setter, id.clone(), PersonalAccessToken::new(token.clone()))
                }
                _ => return Err(missing()),
            },
        })
    }
}

/// `login` with the command line's endpoint options applied over it.
pub fn with_endpoint(mut login: Login, endpoint: &Endpoint) -> Result<Login> {
    for pair in &endpoint.vars {
        let (name, value) = split_pair(pair, "--var")?;
        login.variables.insert(name, value);
    }
    let set = |slot: &mut Option<String>, value: &Option<String>| {
        if value.is_some() {
            slot.clone_from(value);
        }
    };
    set(&mut login.base_url, &endpoint.base_url);
    set(&mut login.token_url, &endpoint.token_url);
    set(&mut login.authorize_url, &endpoint.authorize_url);
    if let Some(path) = &endpoint.ca_cert {
        // Absolute, so later commands find it from any directory.
        login.ca_cert = Some(std::path::absolute(path).unwrap_or_else(|_| path.clone()));
    }
    Ok(login)
}

/// `name=value`, or a usage error naming `option`.
pub fn split_pair(pair: &str, option: &str) -> Result<(String, String)> {
    pair.split_once('=')
        .filter(|(name, _)| !name.is_empty())
        .map(|(n, v)| (n.to_owned(), v.to_owned()))
        .ok_or_else(|| CliError::usage(format!("`{option} {pair}`: expected NAME=VALUE")))
}
