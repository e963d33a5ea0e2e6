//! `from_env`: variables and credentials read from the environment variables a description
//! names, so secrets stay out of code.

use super::builder::{Builder, Given};
use crate::describe::{Scheme, SchemeKind};
use crate::error::{Error, Result};
use crate::secret::{ClientSecret, Password};

/// An environment variable's value, treating an empty value as unset.
fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// An environment variable's value, or [`Error::MissingEnv`] naming it.
fn required(name: &str) -> Result<String> {
    var(name).ok_or_else(|| Error::MissingEnv(name.to_owned()))
}

impl Builder {
    /// Reads every variable that is set, then the first scheme (in the description's order)
    /// whose first environment variable is set, with the schemes it requires. Missing
    /// variables the chosen scheme needs are an [`Error::MissingEnv`] naming them; no scheme
    /// selected is one naming every selecting variable.
    pub fn from_env(mut self) -> Result<Self> {
        for variable in self.provider.variables {
            if let Some(value) = var(variable.env) {
                self.variables.insert(variable.name, value);
            }
        }
        let provider = self.provider;
        let selected = provider
            .schemes
            .iter()
            .find(|scheme| var(scheme.env_vars()[0]).is_some());
        let Some(scheme) = selected else {
            let triggers: Vec<&str> = provider.schemes.iter().map(|s| s.env_vars()[0]).collect();
            return Err(Error::MissingEnv(triggers.join(" or ")));
        };
        self = self.read(scheme)?;
        for name in scheme.requires {
            if let Some(companion) = provider.scheme(name) {
                self = self.read(companion)?;
            }
        }
        Ok(self)
    }

    /// The credentials of `scheme` from its environment variables.
    fn read(self, scheme: &'static Scheme) -> Result<Self> {
        let given = match &scheme.kind {
            SchemeKind::OAuth2(oauth2) => {
                let env = &oauth2.env;
                let client_id = required(env.client_id)?;
                let client_secret = match env.client_secret {
                    // Optional only where a public client is allowed too.
                    Some(name) if oauth2.public_setter.is_some() => var(name),
                    Some(name) => Some(required(name)?),
                    None => None,
                };
                let mut builder = self;
                if let Some((login, password)) = env.password {
                    if let Some(login) = var(login) {
                        let password = Password::new(required(password)?);
                        builder = builder.password(login, password);
                    }
                }
                let given = Given::OAuth2 {
                    client_id,
                    client_secret: client_secret.map(ClientSecret::new),
                };
                return Ok(builder.give(scheme, given));
            }
            SchemeKind::ApiKey { env, .. } => Given::ApiKey(required(env)?.into()),
            SchemeKind::Bearer { env } => Given::Bearer(required(env)?.into()),
            SchemeKind::Basic { id_env, token_env } => Given::Basic {
                id: required(id_env)?,
                token: required(token_env)?.into(),
            },
        };
        Ok(self.give(scheme, given))
    }
}
