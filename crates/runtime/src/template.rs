//! URL templates with `{variable}` placeholders: tenant domains, stages, white-label hosts.
//!
//! A value is written for the place its placeholder holds in the URL, so it can never change
//! the URL's structure: a whole host may be `host[:port]`, a host label letters, digits and `-`,
//! a port digits, a path segment or query value anything (percent-encoded; a segment cannot be
//! `.` or `..`). Placeholders in the scheme, user info or fragment are refused, and so is a
//! value that cannot be written where it goes. [`Variables::set`] also refuses, whatever the
//! position, values holding `/ ? # @ \`, whitespace or control characters.
//!
//! The same placeholders fill texts that are not URLs (token request parameters) with
//! [`Variables::expand_text`], as they are: the request's body encoding escapes them.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::request_url::encode_path_segment;

/// Values for a provider's template variables, each checked on insertion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables(BTreeMap<String, String>);

/// Where a placeholder sits in a URL template.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Position {
    /// The whole host (`https://{domain}/..`): `host[:port]`.
    Host,
    /// Part of a host (`https://{tenant}.acme.example`): one DNS label.
    HostLabel,
    /// The port (`https://api.example:{port}`).
    Port,
    /// The path.
    Path,
    /// The query.
    Query,
    /// Where no value may go: the scheme, the user info or the fragment.
    Nowhere(&'static str),
}

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

    /// Replaces every `{name}` in `template` with its value, written for its position.
    pub fn expand(&self, template: &str) -> Result<String> {
        self.substitute(template, |name, value, open, close| {
            written_for(position(template, open, close), name, value)
        })
    }

    /// Replaces every `{name}` in `template`, a text that is not a URL (a token request
    /// parameter's value), with its value as it is: the body's encoding escapes it.
    pub fn expand_text(&self, template: &str) -> Result<String> {
        self.substitute(template, |_, value, _, _| Ok(value.to_owned()))
    }

    /// Replaces every `{name}` in `template` with what `write(name, value, start, end)` makes of
    /// its value, `start..end` being the placeholder's span.
    fn substitute(
        &self,
        template: &str,
        write: impl Fn(&str, &str, usize, usize) -> Result<String>,
    ) -> Result<String> {
        let mut out = String::with_capacity(template.len());
        let mut cursor = 0;
        while let Some(open) = template[cursor..].find('{').map(|i| cursor + i) {
            out.push_str(&template[cursor..open]);
            let close = template[open..]
                .find('}')
                .map(|i| open + i)
                .ok_or_else(|| {
                    Error::InvalidConfig(format!("unclosed `{{` in template `{template}`"))
                })?;
            let name = &template[open + 1..close];
            let value = self.get(name).ok_or_else(|| {
                Error::InvalidConfig(format!("template variable `{name}` has no value"))
            })?;
            out.push_str(&write(name, value, open, close + 1)?);
            cursor = close + 1;
        }
        out.push_str(&template[cursor..]);
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

/// The position of the placeholder spanning `start..end` in `template`.
fn position(template: &str, start: usize, end: usize) -> Position {
    let authority_start = template.find("://").map(|i| i + 3);
    if authority_start.is_some_and(|a| start < a) {
        return Position::Nowhere("scheme");
    }
    let rest_start = authority_start.unwrap_or(0);
    let authority_end = template[rest_start..]
        .find(['/', '?', '#'])
        .map_or(template.len(), |i| rest_start + i);
    match authority_start {
        Some(authority_start) if start < authority_end => {
            let authority = &template[authority_start..authority_end];
            let host_start = authority
                .rfind('@')
                .map_or(authority_start, |i| authority_start + i + 1);
            if start < host_start {
                return Position::Nowhere("user info");
            }
            let host_and_port = &template[host_start..authority_end];
            let port_start = host_and_port
                .rfind(':')
                .filter(|&i| !host_and_port[i..].contains(']'))
                .map(|i| host_start + i);
            if port_start.is_some_and(|p| start > p) {
                Position::Port
            } else if start == host_start && port_start.unwrap_or(authority_end) == end {
                Position::Host
            } else {
                Position::HostLabel
            }
        }
        _ => {
            let after_authority = &template[rest_start..start];
            if after_authority.contains('#') {
                Position::Nowhere("fragment")
            } else if after_authority.contains('?') {
                Position::Query
            } else {
                Position::Path
            }
        }
    }
}

/// `value` as it must be written at `position`, or why it cannot be.
fn written_for(position: Position, name: &str, value: &str) -> Result<String> {
    let refuse = |what: &str| {
        Err(Error::InvalidConfig(format!(
            "template variable `{name}` {what}"
        )))
    };
    match position {
        Position::Host if is_host_and_port(value) => Ok(value.to_owned()),
        Position::Host => refuse("is a host: use letters, digits, `-` and `.`, with an optional `:port` (`api.example.com:8443`)"),
        Position::HostLabel if is_label(value) => Ok(value.to_owned()),
        Position::HostLabel => refuse("is part of a host name: use letters, digits and `-` only"),
        Position::Port if is_port(value) => Ok(value.to_owned()),
        Position::Port => refuse("is a port: use digits only (1 to 65535)"),
        Position::Path if value == "." || value == ".." => {
            refuse("is a path segment, which cannot be `.` or `..`")
        }
        Position::Path | Position::Query => Ok(encode_path_segment(value)),
        Position::Nowhere(part) => refuse(&format!(
            "is in the URL's {part}, where no variable may go: move it to the host, port, path or query"
        )),
    }
}

/// `host[:port]`: a DNS name or IPv4 address, or a bracketed IPv6 address.
fn is_host_and_port(value: &str) -> bool {
    let (host, port) = match value.rsplit_once(':') {
        Some((host, port)) if !port.contains(']') => (host, Some(port)),
        _ => (value, None),
    };
    let host_ok = match host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        Some(ipv6) => ipv6.parse::<std::net::Ipv6Addr>().is_ok(),
        None => {
            !host.is_empty()
                && host.split('.').all(|label| !label.is_empty())
                && host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.')
        }
    };
    host_ok && port.is_none_or(is_port)
}

/// One DNS label: letters, digits and `-` (RFC 1123 §2.1).
fn is_label(value: &str) -> bool {
    !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A TCP port: 1 to 65535 in decimal digits.
fn is_port(value: &str) -> bool {
    value.bytes().all(|b| b.is_ascii_digit()) && value.parse::<u16>().is_ok_and(|p| p > 0)
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
    fn text_templates_take_values_as_they_are() {
        let mut vars = Variables::new();
        vars.set("account", "a&b=c%d").unwrap();
        assert_eq!(vars.expand_text("id:{account}:x").unwrap(), "id:a&b=c%d:x");
        assert!(vars.expand_text("{missing}").is_err());
    }

    #[test]
    fn missing_value_is_a_config_error_naming_it() {
        let err = Variables::new().expand("https://{domain}/").unwrap_err();
        assert!(err.to_string().contains("`domain`"), "{err}");
    }

    #[test]
    fn each_position_takes_only_what_fits_there() {
        let mut vars = Variables::new();
        for (name, value) in [
            ("host", "api.example.com:8443"),
            ("label", "acme"),
            ("port", "8443"),
            ("id", "4242&grant_type=password"),
            ("dots", ".."),
        ] {
            vars.set(name, value).unwrap();
        }
        assert_eq!(
            vars.expand("https://{label}.example/t?user_id={id}&x=1")
                .unwrap(),
            "https://acme.example/t?user_id=4242%26grant_type%3Dpassword&x=1"
        );
        assert_eq!(
            vars.expand("https://{host}/{label}").unwrap(),
            "https://api.example.com:8443/acme"
        );
        assert_eq!(
            vars.expand("http://127.0.0.1:{port}/").unwrap(),
            "http://127.0.0.1:8443/"
        );
        for refused in [
            "https://{host}.example/",
            "https://api.example:{label}/",
            "https://{id}/",
            "https://api.example/{dots}/x",
            "https://api.example/x#{label}",
            "https://{label}@api.example/",
            "{label}://api.example/",
        ] {
            assert!(
                matches!(vars.expand(refused), Err(Error::InvalidConfig(_))),
                "{refused}"
            );
        }
    }
}
