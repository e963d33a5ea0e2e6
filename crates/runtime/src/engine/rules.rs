//! The checks of `build`: every required variable given, and a combination of credentials and
//! grant that can work. Each refusal is an [`Error::InvalidConfig`] naming the call (or the
//! environment variable) that fixes it.

use std::collections::BTreeMap;

use reqwest::header::HeaderName;

use super::builder::{Builder, Given};
use crate::describe::{ClientAuth, Provider, Scheme, SchemeKind};
use crate::error::{Error, Result};
use crate::template::Variables;

/// The template variables: each given one, or its default, or a refusal naming its setter and
/// environment variable.
pub(super) fn variables(
    provider: &Provider,
    given: &BTreeMap<&'static str, String>,
) -> Result<Variables> {
    let mut variables = Variables::new();
    for variable in provider.variables {
        let value = given
            .get(variable.name)
            .map(String::as_str)
            .or(variable.default)
            .ok_or_else(|| {
                Error::InvalidConfig(format!(
                    "{} needs `{}`: call `.{}(..)` or set {}",
                    provider.title, variable.name, variable.setter, variable.env
                ))
            })?;
        variables.set(variable.name, value)?;
    }
    Ok(variables)
}

/// The credentials and the grant chosen on `builder` can work together.
pub(super) fn check(builder: &Builder) -> Result<()> {
    let provider = builder.provider;
    let chosen: Vec<&Scheme> = builder.credentials.iter().map(|(s, _)| *s).collect();
    if chosen.is_empty() {
        return Err(invalid(format!(
            "{} needs credentials: call {}, or set {}",
            provider.title,
            calls(provider.schemes.iter().flat_map(setters)),
            provider
                .schemes
                .iter()
                .map(|s| s.env_vars()[0])
                .collect::<Vec<_>>()
                .join(" or "),
        )));
    }
    for scheme in &chosen {
        let missing = scheme
            .requires
            .iter()
            .filter_map(|name| provider.scheme(name))
            .find(|needed| !chosen.iter().any(|s| s.setter == needed.setter));
        if let Some(needed) = missing {
            return Err(invalid(format!(
                "{} needs {} beside {}: call `.{}(..)` or set {}",
                provider.title,
                what(needed),
                what(scheme),
                needed.setter,
                needed.env_vars()[0]
            )));
        }
    }
    let primaries: Vec<&Scheme> = chosen
        .iter()
        .copied()
        .filter(|scheme| !chosen.iter().any(|o| o.requires.contains(&scheme.setter)))
        .collect();
    if primaries.len() > 1 {
        return Err(invalid(format!(
            "choose one way to authenticate with {}, not {}",
            provider.title,
            primaries
                .iter()
                .map(|s| format!("`{}`", s.setter))
                .collect::<Vec<_>>()
                .join(" and ")
        )));
    }
    check_grant(builder)
}

/// A grant needs an OAuth client, and the client credentials grant a confidential one.
fn check_grant(builder: &Builder) -> Result<()> {
    let Some((grant, _)) = &builder.grant else {
        return Ok(());
    };
    let Some((scheme, _)) = builder.provider.oauth2() else {
        return Ok(());
    };
    let client = builder
        .credentials
        .iter()
        .find_map(|(_, given)| match given {
            Given::OAuth2 { client_secret, .. } => Some(client_secret.is_some()),
            _ => None,
        });
    match client {
        None => Err(invalid(format!(
            "`.{grant}(..)` chooses an OAuth 2.0 grant, but no OAuth client was given: call {} too",
            calls(setters(scheme))
        ))),
        Some(false) if *grant == "client_credentials" => {
            Err(invalid(format!(
                "the client credentials grant needs a client secret: call `.{}(client_id, client_secret)`",
                scheme.setter
            )))
        }
        Some(_) => Ok(()),
    }
}

/// A header name of the description, or a refusal.
pub(super) fn header_name(name: &str) -> Result<HeaderName> {
    HeaderName::try_from(name.to_ascii_lowercase())
        .map_err(|_| invalid(format!("`{name}` is not a header name")))
}

/// The builder calls that configure `scheme` (an OAuth scheme may have two).
fn setters(scheme: &Scheme) -> Vec<&'static str> {
    match &scheme.kind {
        SchemeKind::OAuth2(oauth2) => {
            let confidential = (oauth2.client_auth != ClientAuth::None).then_some(scheme.setter);
            confidential
                .into_iter()
                .chain(oauth2.public_setter)
                .collect()
        }
        _ => vec![scheme.setter],
    }
}

/// What a scheme sends, for messages.
fn what(scheme: &Scheme) -> &'static str {
    match scheme.kind {
        SchemeKind::OAuth2(_) => "OAuth 2.0",
        SchemeKind::ApiKey { .. } => "an API key",
        SchemeKind::Basic { .. } => "a personal access token",
        SchemeKind::Bearer { .. } => "a Bearer token",
    }
}

/// `.a(..)`, `.b(..)` or `.c(..)`.
fn calls(setters: impl IntoIterator<Item = &'static str>) -> String {
    let calls: Vec<String> = setters.into_iter().map(|s| format!("`.{s}(..)`")).collect();
    match calls.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => calls.concat(),
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidConfig(message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::describe::{OAuth2, OAuth2Env};

    static PUBLIC_ONLY: OAuth2 = OAuth2 {
        client_auth: ClientAuth::None,
        public_setter: Some("oauth2_public"),
        env: OAuth2Env {
            client_id: "P_CLIENT_ID",
            client_secret: None,
            password: Some(("P_EMAIL", "P_PASSWORD")),
        },
        ..OAuth2::DEFAULT
    };

    #[test]
    fn messages_name_only_setters_that_exist() {
        let scheme = Scheme {
            setter: "oauth2",
            kind: SchemeKind::OAuth2(&PUBLIC_ONLY),
            requires: &[],
        };
        // `client_auth: none` has no confidential setter.
        assert_eq!(setters(&scheme), ["oauth2_public"]);
        assert_eq!(scheme.env_vars(), ["P_CLIENT_ID", "P_EMAIL", "P_PASSWORD"]);
        assert_eq!(calls(["a", "b", "c"]), "`.a(..)`, `.b(..)` or `.c(..)`");
        assert_eq!(calls(["a"]), "`.a(..)`");
    }
}
