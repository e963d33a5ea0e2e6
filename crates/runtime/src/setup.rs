//! Checks shared by every generated `ClientBuilder`: which auth schemes were chosen, and
//! settings read from the environment.

use crate::error::{Error, Result};

/// Checks the auth schemes a builder was given: at least one, each scheme's companions present
/// (`requires`: ITCTXT's OAuth token goes with an API key), and one primary scheme only.
///
/// `offered` lists every scheme of the provider with the schemes it requires.
pub fn check_schemes(provider: &str, chosen: &[&str], offered: &[(&str, &[&str])]) -> Result<()> {
    let requires = |scheme: &str| {
        offered
            .iter()
            .find(|(name, _)| *name == scheme)
            .map_or(&[][..], |(_, r)| *r)
    };
    if chosen.is_empty() {
        let methods: Vec<String> = offered
            .iter()
            .map(|(name, _)| format!("`.{name}(..)`"))
            .collect();
        return Err(Error::InvalidConfig(format!(
            "{provider} needs credentials: call one of {}",
            methods.join(", ")
        )));
    }
    for scheme in chosen {
        if let Some(missing) = requires(scheme)
            .iter()
            .find(|needed| !chosen.contains(needed))
        {
            return Err(Error::InvalidConfig(format!(
                "{provider} sends `{missing}` beside `{scheme}` on every call: call `.{missing}(..)` too"
            )));
        }
    }
    let primaries: Vec<&str> = chosen
        .iter()
        .copied()
        .filter(|scheme| !chosen.iter().any(|other| requires(other).contains(scheme)))
        .collect();
    if primaries.len() > 1 {
        return Err(Error::InvalidConfig(format!(
            "choose one way to authenticate with {provider}, not {}",
            primaries
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(" and ")
        )));
    }
    Ok(())
}

/// An environment variable's value, treating an empty value as unset.
pub fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

/// An environment variable's value, or [`Error::MissingEnv`] naming it.
pub fn required_env_var(name: &str) -> Result<String> {
    env_var(name).ok_or_else(|| Error::MissingEnv(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFERED: &[(&str, &[&str])] = &[("oauth2", &["api_key"]), ("api_key", &[]), ("pat", &[])];

    #[test]
    fn companions_and_single_primary() {
        assert!(check_schemes("P", &["oauth2", "api_key"], OFFERED).is_ok());
        assert!(check_schemes("P", &["api_key"], OFFERED).is_ok());
        let err = check_schemes("P", &["oauth2"], OFFERED)
            .unwrap_err()
            .to_string();
        assert!(err.contains("`.api_key(..)`"), "{err}");
        let err = check_schemes("P", &["pat", "api_key"], OFFERED)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("not `api_key` and `pat`") || err.contains("not `pat` and `api_key`"),
            "{err}"
        );
        assert!(check_schemes("P", &[], OFFERED)
            .unwrap_err()
            .to_string()
            .contains("`.oauth2(..)`"));
    }
}
