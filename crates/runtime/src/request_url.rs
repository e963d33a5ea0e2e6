//! Where a call goes: a path relative to the provider's base URL, joined so that the request
//! (and the credentials it carries) can never leave the base URL's origin or path.

use std::fmt::Display;

use url::Url;

use crate::error::{Error, Result};

/// Percent-encodes a path parameter so it stays one path segment.
///
/// `.` and `..` come out as `%2E` and `%2E%2E`, which URL parsers still read as dot-segments
/// (WHATWG URL §4.1), so [`ApiClient`](crate::ApiClient) refuses a path holding them: a
/// parameter `..` must not turn `/users/{id}/sessions` into `/sessions`.
pub fn encode_path_segment(value: &str) -> String {
    match value {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => url::form_urlencoded::byte_serialize(value.as_bytes())
            .collect::<String>()
            .replace('+', "%20"),
    }
}

/// `template` (an operation's path, `/users/{id}/sessions`) with each `{name}` replaced by the
/// next of `values`, percent-encoded as one path segment.
///
/// A value that is empty, `.` or `..` is refused with [`Error::InvalidConfig`] naming its
/// placeholder: it would not fill a segment but change which endpoint the call (and its
/// credentials) reaches: `/users//sessions`, `/contacts/`, or, resolved away, `/sessions`.
pub(crate) fn fill_path(template: &str, values: &[&dyn Display]) -> Result<String> {
    let mut path = String::with_capacity(template.len());
    let mut values = values.iter();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|close| open + close);
        let Some(close) = close else {
            return Err(bad_template(template, "has a `{` that is never closed"));
        };
        let name = &rest[open + 1..close];
        let Some(value) = values.next() else {
            return Err(bad_template(template, "has more placeholders than values"));
        };
        let value = value.to_string();
        let why = match value.as_str() {
            "" => "is empty",
            "." | ".." => "is a dot-segment, which URL parsers resolve away",
            _ => "",
        };
        if !why.is_empty() {
            return Err(Error::InvalidConfig(format!(
                "the path parameter `{name}` {why}: `{template}` would reach another endpoint; pass the value it names"
            )));
        }
        path.push_str(&rest[..open]);
        path.push_str(&encode_path_segment(&value));
        rest = &rest[close + 1..];
    }
    if values.next().is_some() {
        return Err(bad_template(template, "has fewer placeholders than values"));
    }
    path.push_str(rest);
    Ok(path)
}

fn bad_template(template: &str, why: &str) -> Error {
    Error::InvalidConfig(format!("the path template `{template}` {why}"))
}

/// The URL of `path` (with its own `?query`, if any) under `base`, refusing any path that
/// names a host or could climb out of the base path.
pub(crate) fn join(base: &Url, path: &str) -> Result<Url> {
    if names_a_host(path) {
        return Err(refused(
            path,
            "names a host of its own; pass a path relative to the provider's base URL",
        ));
    }
    let (path_part, query) = path
        .split_once('?')
        .map_or((path, None), |(p, q)| (p, Some(q)));
    if path_part.contains('\\') {
        return Err(refused(
            path,
            "holds a backslash, which URL parsers read as `/`; percent-encode it as `%5C`",
        ));
    }
    if path_part.split('/').any(is_dot_segment) {
        return Err(refused(path, "has a `.` or `..` segment (perhaps a path parameter); pass a path without dot-segments"));
    }
    // Only the path and query of a copy of the base URL change, so the origin cannot
    // (and nothing is parsed again: this runs on every call).
    let mut url = base.clone();
    let base_path = url.path().trim_end_matches('/');
    let joined = if path_part.starts_with('/') {
        format!("{base_path}{path_part}")
    } else {
        format!("{base_path}/{path_part}")
    };
    url.set_path(&joined);
    url.set_query(query);
    // Checked on the URL as parsed, after the `url` crate's own normalisation.
    if !same_origin(&url, base) || !is_under(&url, base) {
        return Err(refused(
            path,
            "leaves the provider's base URL; pass a path below it",
        ));
    }
    Ok(url)
}

/// Whether two URLs share scheme, host and port (RFC 6454 §4).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host() == b.host()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// Whether `url`'s path is the base path or below it (`/v1` covers `/v1/x`, not `/v10`).
fn is_under(url: &Url, base: &Url) -> bool {
    let prefix = base.path().trim_end_matches('/');
    url.path()
        .strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// `.` or `..`, written plainly or percent-encoded (`%2e`, `.%2E`, ...), as URL parsers read them.
fn is_dot_segment(segment: &str) -> bool {
    let decoded = segment.to_ascii_lowercase().replace("%2e", ".");
    decoded == "." || decoded == ".."
}

/// Whether `path` is a URL of its own (`https://host/..`) or a network-path reference
/// (`//host/..`, RFC 3986 §4.2): either names a host instead of a path on the provider.
fn names_a_host(path: &str) -> bool {
    let unslashed = path.trim_start_matches(['/', '\\']);
    path.len() - unslashed.len() >= 2 || Url::parse(path).is_ok_and(|url| url.has_host())
}

fn refused(path: &str, why: &str) -> Error {
    Error::InvalidConfig(format!("the request path `{path}` {why}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(encode_path_segment("a b/c?d"), "a%20b%2Fc%3Fd");
        assert_eq!(encode_path_segment(".."), "%2E%2E");
        assert_eq!(encode_path_segment("."), "%2E");
        assert_eq!(encode_path_segment("a..b"), "a..b");
    }

    #[test]
    fn templates_are_filled_one_segment_per_value() {
        let path = fill_path("/a/{x}/b/{y}.json", &[&"p q/r", &7]).unwrap();
        assert_eq!(path, "/a/p%20q%2Fr/b/7.json");
        assert_eq!(fill_path("/plain", &[]).unwrap(), "/plain");
    }

    #[test]
    fn empty_and_dot_values_are_refused_by_name() {
        for value in ["", ".", ".."] {
            let Err(Error::InvalidConfig(message)) =
                fill_path("/users/{userId}/sessions", &[&value])
            else {
                panic!("{value:?} was accepted");
            };
            assert!(message.contains("`userId`"), "{message}");
        }
        assert!(fill_path("/users/{id}", &[&"..."]).is_ok());
    }

    #[test]
    fn templates_and_values_must_agree() {
        let one: &[&dyn Display] = &[&1];
        for (template, values) in [("/a/{x}", &[][..]), ("/a", one), ("/a/{x", one)] {
            let filled = fill_path(template, values);
            assert!(matches!(filled, Err(Error::InvalidConfig(_))), "{template}");
        }
    }

    #[test]
    fn dot_segments_in_any_spelling_are_recognised() {
        for segment in [".", "..", "%2e", "%2E%2e", ".%2E", "%2e."] {
            assert!(is_dot_segment(segment), "{segment}");
        }
        for segment in ["...", "a.", "%2e%2e%2e", ""] {
            assert!(!is_dot_segment(segment), "{segment}");
        }
    }
}
