//! The lenient-but-safe parsing of token endpoint responses (RFC 6749 §5.1, §5.2).
//!
//! Providers disagree on details RFC 6749 pins down: `token_type` arrives as `bearer`, `Bearer`
//! or not at all; `expires_in` as a number, a numeric string or missing; some add `created_at`
//! or account ids. We accept all of that and keep unknown fields readable, but refuse what no
//! request could use (a token type other than Bearer, an access token that is not a header
//! value), and turn every error body (even one sent with status 200) into [`Error::OAuth`].
//! Errors never quote a value a token response may carry.

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use crate::clock;
use crate::error::{excerpt, Error, Result};
use crate::secret::{AccessToken, RefreshToken};
use crate::token::{is_sendable, Token};

/// Fields of a token endpoint body whose values an error may quote: they describe the error.
const QUOTABLE_FIELDS: [&str; 4] = ["error", "error_description", "error_uri", "message"];

/// Parses a token endpoint response body.
pub(crate) fn parse_token_response(
    status: reqwest::StatusCode,
    body: &[u8],
    scope_separator: &str,
    default_lifetime: Option<Duration>,
) -> Result<Token> {
    let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(body) else {
        return Err(Error::UnexpectedBody {
            status,
            excerpt: quotable_excerpt(status, body),
        });
    };
    if let Some(error) = fields.get("error") {
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        return Err(Error::OAuth {
            error: error
                .as_str()
                .map_or_else(|| redacted_json(error), str::to_owned),
            description: text(fields.get("error_description")),
            uri: text(fields.get("error_uri")),
            status: Some(status),
        });
    }
    if !status.is_success() {
        return Err(Error::UnexpectedBody {
            status,
            excerpt: redacted_json(&Value::Object(fields)),
        });
    }
    // `token_type` is read case-insensitively and never echoed: requests always say `Bearer`.
    // Absent, it is taken for Bearer (some providers omit it); anything else is refused, as a
    // client must not use a token type it does not understand (RFC 6749 §7.1).
    match fields.remove("token_type") {
        None | Some(Value::Null) => {}
        Some(Value::String(kind)) if kind.eq_ignore_ascii_case("bearer") => {}
        Some(other) => {
            let kind = other
                .as_str()
                .map_or_else(|| other.to_string(), str::to_owned);
            return Err(decode_error(&format!(
                "the provider issued a `{kind}` token; only Bearer tokens can be sent (RFC 6749 §7.1): \
                 register the client for Bearer tokens"
            )));
        }
    }
    let access_token = match fields.remove("access_token") {
        Some(Value::String(token)) if is_sendable(&token) => AccessToken::new(token),
        Some(Value::String(token)) if !token.is_empty() => {
            return Err(decode_error(
                "the provider sent an unusable access token (spaces, control or non-ASCII \
                 characters cannot be sent in an Authorization header)",
            ))
        }
        _ => return Err(decode_error("the response has no `access_token` string")),
    };
    let refresh_token = match fields.remove("refresh_token") {
        Some(Value::String(token)) if !token.is_empty() => Some(RefreshToken::new(token)),
        _ => None,
    };
    let lifetime = match fields.remove("expires_in") {
        None | Some(Value::Null) => default_lifetime,
        Some(value) => Some(
            seconds(&value)
                .ok_or_else(|| decode_error("`expires_in` is not a number of seconds"))?,
        ),
    };
    let issued_at = match fields.get("created_at") {
        Some(value) => clock::later(
            SystemTime::UNIX_EPOCH,
            seconds(value).ok_or_else(|| decode_error("`created_at` is not a Unix time"))?,
        ),
        None => SystemTime::now(),
    };
    let scopes = match fields.remove("scope") {
        Some(Value::String(scope)) => Some(split_scopes(&scope, scope_separator)),
        _ => None,
    };
    Ok(Token::issued(
        access_token,
        refresh_token,
        scopes,
        fields,
        lifetime.map(|lifetime| (issued_at, lifetime)),
    ))
}

/// What an error may quote of a token endpoint body that is not a JSON object: nothing of a
/// successful response, nor of any body naming token fields (`access_token=..&..`, as providers
/// that ignore `Accept: application/json` send); the start of an error page otherwise.
fn quotable_excerpt(status: reqwest::StatusCode, body: &[u8]) -> String {
    let lowercase = String::from_utf8_lossy(body).to_ascii_lowercase();
    if status.is_success() || lowercase.contains("token") {
        "[not quoted: the body may hold tokens]".to_owned()
    } else {
        excerpt(body)
    }
}

/// A JSON value as an error may quote it: the values of [`QUOTABLE_FIELDS`] kept, every other
/// value (a token the provider sent beside its error, say) replaced by `[redacted]`.
fn redacted_json(value: &Value) -> String {
    fn redact(value: &Value) -> Value {
        match value {
            Value::Object(fields) => Value::Object(
                fields
                    .iter()
                    .map(|(name, value)| {
                        let kept = match value {
                            Value::String(_) if QUOTABLE_FIELDS.contains(&name.as_str()) => {
                                value.clone()
                            }
                            _ => redact(value),
                        };
                        (name.clone(), kept)
                    })
                    .collect::<Map<_, _>>(),
            ),
            Value::Array(items) => Value::Array(items.iter().map(redact).collect()),
            _ => Value::String("[redacted]".to_owned()),
        }
    }
    excerpt(redact(value).to_string().as_bytes())
}

/// Splits a `scope` value on the provider's separator (and on spaces, which some add after commas).
fn split_scopes(scope: &str, separator: &str) -> Vec<String> {
    scope
        .split(separator)
        .flat_map(str::split_whitespace)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A non-negative number of seconds, given as a JSON number or a numeric string.
fn seconds(value: &Value) -> Option<Duration> {
    let secs = match value {
        Value::Number(n) => n.as_f64()?,
        Value::String(s) => s.trim().parse::<f64>().ok()?,
        _ => return None,
    };
    (0.0..1e12)
        .contains(&secs)
        .then(|| Duration::from_secs_f64(secs))
}

fn decode_error(message: &str) -> Error {
    Error::Decode {
        what: "token response",
        message: message.to_owned(),
        excerpt: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use std::time::UNIX_EPOCH;

    fn parse(body: &str) -> Result<Token> {
        parse_token_response(StatusCode::OK, body.as_bytes(), " ", None)
    }

    #[test]
    fn lowercase_bearer_and_string_expiry_are_accepted() {
        let token =
            parse(r#"{"access_token":"a","token_type":"bearer","expires_in":"3600"}"#).unwrap();
        let left = token
            .expires_at()
            .unwrap()
            .duration_since(SystemTime::now())
            .unwrap();
        assert!(left > Duration::from_secs(3590) && left <= Duration::from_secs(3600));
    }

    #[test]
    fn missing_expiry_means_no_expiry_unless_configured() {
        let token = parse(r#"{"access_token":"a"}"#).unwrap();
        assert_eq!(token.expires_at(), None);
        assert!(!token.needs_renewal(SystemTime::now() + Duration::from_secs(1 << 30)));
        let token = parse_token_response(
            StatusCode::OK,
            br#"{"access_token":"a"}"#,
            " ",
            Some(Duration::from_secs(60)),
        )
        .unwrap();
        assert!(token.expires_at().is_some());
    }

    #[test]
    fn created_at_counts_lifetime_from_issue_time() {
        let token = parse(r#"{"access_token":"a","created_at":1754377015,"expires_in":631139040}"#)
            .unwrap();
        assert_eq!(
            token.expires_at(),
            Some(UNIX_EPOCH + Duration::from_secs(1754377015 + 631139040))
        );
        assert_eq!(token.extra("created_at"), Some(&Value::from(1754377015)));
    }

    #[test]
    fn comma_separated_scopes_and_extra_fields() {
        let body =
            r#"{"access_token":"dal:x","scope":"chats--all:ro,chats--all:rw","account_id":"u1"}"#;
        let token = parse_token_response(StatusCode::OK, body.as_bytes(), ",", None).unwrap();
        assert_eq!(token.scopes().unwrap(), ["chats--all:ro", "chats--all:rw"]);
        assert_eq!(
            token.extra("account_id").and_then(Value::as_str),
            Some("u1")
        );
        assert_eq!(token.access_token().prefix(), Some("dal"));
    }

    #[test]
    fn error_body_with_status_200_is_an_oauth_error() {
        let err =
            parse(r#"{"error":"invalid_grant","error_description":"code expired"}"#).unwrap_err();
        assert_eq!(err.oauth_error(), Some("invalid_grant"));
        assert!(err.to_string().contains("code expired"));
    }

    #[test]
    fn html_body_is_an_unexpected_body_error_with_excerpt() {
        let err = parse_token_response(
            StatusCode::BAD_GATEWAY,
            b"<html>Bad gateway</html>",
            " ",
            None,
        )
        .unwrap_err();
        assert!(
            matches!(err, Error::UnexpectedBody { status: StatusCode::BAD_GATEWAY, ref excerpt } if excerpt.contains("Bad gateway"))
        );
    }

    #[test]
    fn negative_or_garbage_expiry_is_a_decode_error() {
        assert!(matches!(
            parse(r#"{"access_token":"a","expires_in":-5}"#),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            parse(r#"{"access_token":"a","expires_in":"soon"}"#),
            Err(Error::Decode { .. })
        ));
        assert!(matches!(
            parse(r#"{"token_type":"bearer"}"#),
            Err(Error::Decode { .. })
        ));
    }
}
