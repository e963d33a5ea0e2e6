//! URL templates with `{variable}` placeholders: tenant domains, stages, white-label hosts.
//!
//! Values are checked before they reach a URL: a value holding `/ ? # @` or whitespace could
//! move a request (and its credentials) to another host or path, so it is refused.

use std::collections::BTreeMap;

use crate::error::{Error, Result};

/// Values for a provider's template variables, each checked on insertion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables(BTreeMap<String, String>);

impl Variables {
    /// No values yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `name` to `value`, refusing values that could change a URL's structure.
    pub fn set(&mut self, name: &str, value: impl Into<String>) -> Result<()> {
        let value = value.into();
        if value.is_empty() {
            return Err(Error::InvalidConfig(format!(
                "template variable `{name}` is empty"
            )));
        }
        if let Some(bad) = value.chars().find(|c| {
            matches!(c, '/' | '?' | '#' | '@' | '\\') || c.is_whitespace() || c.is_control()
        }) {
            return Err(Error::InvalidConfig(format!(
                "template variable `{name}` contains {bad:?}; a value must be a single host, port or path segment"
            )));
        }
        self.0.insert(name.to_owned(), value);
        Ok(())
    }

    /// The value of `name`, if set.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Replaces every `{name}` in `template` with its value.
    pub fn expand(&self, template: &str) -> Result<String> {
        let mut out = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after.find('}').ok_or_else(|| {
                Error::InvalidConfig(format!("unclosed `{{` in URL template `{template}`"))
            })?;
            let name = &after[..close];
            let value = self.get(name).ok_or_else(|| {
                Error::InvalidConfig(format!("template variable `{name}` has no value"))
            })?;
            out.push_str(value);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// Expands `template` and parses it as an absolute http(s) URL.
    pub fn expand_url(&self, template: &str) -> Result<url::Url> {
        let expanded = self.expand(template)?;
        let url = url::Url::parse(&expanded)
            .map_err(|e| Error::InvalidConfig(format!("`{expanded}` is not a valid URL: {e}")))?;
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(Error::InvalidConfig(format!(
                "`{expanded}` is not an http(s) URL with a host"
            )));
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expands_host_with_port_and_stage() {
        let mut vars = Variables::new();
        vars.set("domain", "cx.cloudfon.net:9001").unwrap();
        vars.set("stage", "itc-prod").unwrap();
        let url = vars
            .expand_url("https://{domain}/{stage}/oauth/token")
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://cx.cloudfon.net:9001/itc-prod/oauth/token"
        );
    }

    #[test]
    fn refuses_values_that_change_the_url_structure() {
        for bad in [
            "evil.com/",
            "a?b",
            "a#b",
            "user@evil.com",
            "a b",
            "a\tb",
            "",
        ] {
            let mut vars = Variables::new();
            assert!(
                matches!(vars.set("domain", bad), Err(Error::InvalidConfig(_))),
                "{bad:?} accepted"
            );
        }
    }

    #[test]
    fn missing_value_is_a_config_error_naming_it() {
        let err = Variables::new().expand("https://{domain}/").unwrap_err();
        assert!(err.to_string().contains("`domain`"), "{err}");
    }
}
