//! Syntax checks for the spec's URLs (after placeholders are filled in), strict enough that a
//! URL that passes here joins and parses at runtime: the host is what the `url` crate, which the
//! runtime uses, accepts as a domain or IP address.
//!
//! Credentials travel to the API and auth URLs, so those need TLS (RFC 6749 §3.1 and §3.2, RFC
//! 9700): plain `http` is accepted only for loopback hosts, where local test servers run.

/// What a URL is for, which decides what may follow its host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UrlKind {
    /// `base_url`: operation paths are appended, so no query, fragment or trailing `/`.
    Base,
    /// An auth endpoint: parameters may be appended to a query, so no fragment.
    Endpoint,
    /// A link for humans (`docs_url`); the only kind that may use plain `http` for any host.
    Link,
}

/// Why `url` is not an absolute http(s) URL of `kind`.
pub(crate) fn check(url: &str, kind: UrlKind) -> Result<(), &'static str> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or("it must start with `https://` or `http://`")?;
    if let Some(bad) = rest.chars().find(|c| !allowed(*c)) {
        return Err(if bad.is_whitespace() {
            "it contains whitespace"
        } else {
            "it contains a character that must be percent-encoded"
        });
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    check_authority(authority)?;
    let parsed = url::Url::parse(url).map_err(parse_error)?;
    if parsed.scheme() == "http" && kind != UrlKind::Link && !is_loopback(&parsed) {
        return Err(
            "plain `http` sends credentials in the clear: use `https` (`http` is allowed only for `localhost`, `127.0.0.0/8` and `[::1]`)",
        );
    }
    match kind {
        UrlKind::Base if tail.contains(['?', '#']) => {
            Err("a base URL cannot have a query or fragment")
        }
        UrlKind::Base if tail.ends_with('/') => {
            Err("a base URL must not end with `/` (operation paths start with one)")
        }
        UrlKind::Endpoint if tail.contains('#') => Err("an endpoint URL cannot have a fragment"),
        _ => Ok(()),
    }
}

/// Why the `url` crate refused a URL that passed the checks above, in the spec's words.
fn parse_error(error: url::ParseError) -> &'static str {
    match error {
        url::ParseError::EmptyHost => "it has no host",
        url::ParseError::InvalidPort => "invalid port",
        url::ParseError::InvalidIpv4Address => "invalid IPv4 address",
        url::ParseError::InvalidIpv6Address => "invalid IPv6 address",
        _ => "invalid host name",
    }
}

/// Whether the URL's host is this machine: `localhost`, `127.0.0.0/8` or `[::1]`.
fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain == "localhost",
        Some(url::Host::Ipv4(address)) => address.is_loopback(),
        Some(url::Host::Ipv6(address)) => address.is_loopback(),
        None => false,
    }
}

/// Characters allowed unencoded in a URL (RFC 3986 unreserved, reserved and `%`).
fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)
}

fn check_authority(authority: &str) -> Result<(), &'static str> {
    if authority.is_empty() {
        return Err("it has no host");
    }
    if authority.contains('@') {
        return Err("credentials do not belong in the URL");
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(ipv6) => {
            let (address, after) = ipv6.split_once(']').ok_or("`[` without `]`")?;
            if address.is_empty() || !address.chars().all(|c| c.is_ascii_hexdigit() || c == ':') {
                return Err("invalid IPv6 address");
            }
            (None, after.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((host, port)) => (Some(host), Some(port)),
            None => (Some(authority), None),
        },
    };
    if let Some(host) = host {
        let label_ok = |label: &str| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        };
        if !host.split('.').all(label_ok) {
            return Err("invalid host name");
        }
    }
    match port {
        Some(port) if port.parse::<u16>().map_or(true, |port| port == 0) => Err("invalid port"),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_urls() {
        for url in [
            "https://api.sms.cx",
            "https://connect.beetexting.com/x",
            "http://127.0.0.1:8080/v3.5",
            "http://127.8.9.10",
            "http://localhost:9001/api",
            "http://[::1]:9001",
            "https://[::1]:9001",
            "https://10.0.0.1",
        ] {
            assert_eq!(check(url, UrlKind::Base), Ok(()), "{url}");
        }
        assert_eq!(
            check(
                "https://authns.beetexting.com/oauth2/token/",
                UrlKind::Endpoint
            ),
            Ok(())
        );
        assert_eq!(check("https://docs.sms.cx/#intro", UrlKind::Link), Ok(()));
        assert_eq!(check("http://docs.example.com", UrlKind::Link), Ok(()));
    }

    #[test]
    fn plain_http_only_reaches_loopback_hosts() {
        for url in [
            "http://10.0.0.1",
            "http://169.254.169.254/latest",
            "http://api.example.com",
            "http://localhost.example.com",
            "http://[::2]",
        ] {
            let reason = check(url, UrlKind::Endpoint).err();
            assert!(reason.is_some_and(|r| r.contains("use `https`")), "{url}");
        }
    }

    #[test]
    fn hosts_are_domains_or_ip_addresses() {
        let reason = |url: &str| check(url, UrlKind::Base).err();
        assert_eq!(reason("https://1.2.3.4.5"), Some("invalid IPv4 address"));
        assert_eq!(reason("https://256.1.1.1"), Some("invalid IPv4 address"));
        assert_eq!(reason("https://[::g]"), Some("invalid IPv6 address"));
        assert_eq!(reason("https://0x1.example"), None);
    }

    #[test]
    fn rejects_broken_urls() {
        let reason = |url: &str, kind| check(url, kind).err();
        assert_eq!(
            reason("api.sms.cx", UrlKind::Base),
            Some("it must start with `https://` or `http://`")
        );
        assert_eq!(reason("https://", UrlKind::Base), Some("it has no host"));
        assert_eq!(
            reason("https://a b", UrlKind::Base),
            Some("it contains whitespace")
        );
        assert_eq!(
            reason("https://a..b", UrlKind::Base),
            Some("invalid host name")
        );
        assert_eq!(
            reason("https://a:99999", UrlKind::Base),
            Some("invalid port")
        );
        assert_eq!(
            reason("https://u:p@a", UrlKind::Base),
            Some("credentials do not belong in the URL")
        );
        assert!(reason("https://a/v1/", UrlKind::Base).is_some());
        assert!(reason("https://a/v1?x=1", UrlKind::Base).is_some());
        assert!(reason("https://a/token#x", UrlKind::Endpoint).is_some());
    }
}
