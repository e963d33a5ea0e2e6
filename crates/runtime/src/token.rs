//! Tokens, and the lenient-but-safe parsing of token endpoint responses.
//!
//! Providers disagree on details RFC 6749 §5.1 pins down: `token_type` arrives as `bearer`,
//! `Bearer` or not at all; `expires_in` as a number, a numeric string or missing; some add
//! `created_at` or account ids. We accept all of that, keep unknown fields readable, and turn
//! every error body (even one sent with status 200) into [`Error::OAuth`].

use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::HeaderValue;

use serde_json::{Map, Value};

use crate::error::{excerpt, Error, Result};
use crate::secret::{AccessToken, RefreshToken};

/// How long before expiry a token counts as stale, at most.
const MAX_RENEW_MARGIN: Duration = Duration::from_secs(60);

/// An access token with what the provider said about it.
#[derive(Debug, Clone)]
pub struct Token {
    access_token: AccessToken,
    refresh_token: Option<RefreshToken>,
    expires_at: Option<SystemTime>,
    renew_at: Option<SystemTime>,
    scopes: Option<Vec<String>>,
    extra: Map<String, Value>,
    /// `Bearer <token>`, built on first use: every API call sends it, and building a header
    /// value (format, validate) costs more than the rest of the credential step.
    authorization: OnceLock<HeaderValue>,
}

impl Token {
    /// A token that never expires and carries nothing else (a static or test token).
    pub fn new(access_token: AccessToken) -> Self {
        Token {
            access_token,
            refresh_token: None,
            expires_at: None,
            renew_at: None,
            scopes: None,
            extra: Map::new(),
            authorization: OnceLock::new(),
        }
    }

    /// The `Authorization: Bearer <token>` value, marked sensitive so no log prints it. Always
    /// `Bearer` with a capital B, whatever the provider's `token_type` said.
    pub(crate) fn authorization(&self) -> Result<HeaderValue> {
        if let Some(value) = self.authorization.get() {
            return Ok(value.clone());
        }
        let value = crate::credential::bearer(&self.access_token)?;
        Ok(self.authorization.get_or_init(|| value).clone())
    }

    /// Adds a refresh token (when rebuilding a token a custom [`TokenStore`](crate::TokenStore) saved).
    pub fn with_refresh_token(mut self, refresh_token: RefreshToken) -> Self {
        self.refresh_token = Some(refresh_token);
        self
    }

    /// Sets when the token expires; it counts as stale a little before (a tenth of the time left
    /// from now, at most a minute), so it is renewed before the provider starts refusing it.
    pub fn with_expires_at(mut self, expires_at: SystemTime) -> Self {
        let left = expires_at
            .duration_since(SystemTime::now())
            .unwrap_or_default();
        self.expires_at = Some(expires_at);
        self.renew_at = Some(expires_at - MAX_RENEW_MARGIN.min(left / 10));
        self
    }

    /// Sets the granted scopes.
    pub fn with_scopes(mut self, scopes: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The access token, sent as `Authorization: Bearer`.
    pub fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    /// The refresh token, if the provider issued one.
    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    /// When the token expires, if known.
    pub fn expires_at(&self) -> Option<SystemTime> {
        self.expires_at
    }

    /// The granted scopes, when the provider said which.
    pub fn scopes(&self) -> Option<&[String]> {
        self.scopes.as_deref()
    }

    /// A response field the runtime does not interpret (`account_id`, `organization_id`, ...).
    pub fn extra(&self, field: &str) -> Option<&Value> {
        self.extra.get(field)
    }

    /// All uninterpreted response fields.
    pub fn extra_fields(&self) -> &Map<String, Value> {
        &self.extra
    }

    /// Whether the token should be renewed at `now`: it expired or expires within the margin.
    pub fn needs_renewal(&self, now: SystemTime) -> bool {
        self.renew_at.is_some_and(|at| now >= at)
    }

    /// Keeps `previous` when a refresh response carried no new refresh token (RFC 6749 §6).
    pub(crate) fn keep_refresh_token(mut self, previous: Option<&RefreshToken>) -> Self {
        if self.refresh_token.is_none() {
            self.refresh_token = previous.cloned();
        }
        self
    }

    /// Sets the expiry (and the renewal point) from a lifetime counted from `issued_at`.
    fn expire_after(mut self, issued_at: SystemTime, lifetime: Duration) -> Self {
        let expires_at = issued_at + lifetime;
        let margin = MAX_RENEW_MARGIN.min(lifetime / 10);
        self.expires_at = Some(expires_at);
        self.renew_at = Some(expires_at - margin);
        self
    }
}

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
                .map_or_else(|| error.to_string(), str::to_owned),
            description: text(fields.get("error_description")),
            uri: text(fields.get("error_uri")),
            status: Some(status),
        });
    }
    if !status.is_success() {
        return Err(Error::UnexpectedBody {
            status,
            excerpt: excerpt(body),
        });
    }
    let access_token = match fields.remove("access_token") {
        Some(Value::String(token)) if !token.is_empty() => AccessToken::new(token),
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
        Some(value) => {
            UNIX_EPOCH
                + seconds(value).ok_or_else(|| decode_error("`created_at` is not a Unix time"))?
        }
        None => SystemTime::now(),
    };
    let scopes = match fields.remove("scope") {
        Some(Value::String(scope)) => Some(split_scopes(&scope, scope_separator)),
        _ => None,
    };
    // `token_type` is read case-insensitively and never echoed: requests always say `Bearer`.
    if let Some(kind) = fields.remove("token_type").as_ref().and_then(Value::as_str) {
        if !kind.eq_ignore_ascii_case("bearer") {
            tracing::warn!(
                token_type = kind,
                "token endpoint returned a non-Bearer token type; sending it as Bearer"
            );
        }
    }
    let token = Token {
        access_token,
        refresh_token,
        expires_at: None,
        renew_at: None,
        scopes,
        extra: fields,
        authorization: OnceLock::new(),
    };
    Ok(match lifetime {
        Some(lifetime) => token.expire_after(issued_at, lifetime),
        None => token,
    })
}

/// What an error may quote of a token endpoint body: the start of an error page, but nothing of a
/// successful response, which may hold tokens in a shape we did not parse (`access_token=..&..`,
/// as providers that ignore `Accept: application/json` send).
fn quotable_excerpt(status: reqwest::StatusCode, body: &[u8]) -> String {
    if status.is_success() {
        "[not quoted: a successful token response may hold secrets]".to_owned()
    } else {
        excerpt(body)
    }
}

/// Splits a `scope` value on the provider's separator (and on spaces, which some add after commas).
pub(crate) fn split_scopes(scope: &str, separator: &str) -> Vec<String> {
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

/// The persisted form of a token (see [`FileStore`](crate::FileStore)).
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct StoredToken {
    access_token: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    refresh_token: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    renew_at: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    scopes: Option<Vec<String>>,
    #[serde(default)]
    extra: Map<String, Value>,
}

fn unix(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

impl From<&Token> for StoredToken {
    fn from(token: &Token) -> Self {
        StoredToken {
            access_token: token.access_token.secret().to_owned(),
            refresh_token: token.refresh_token.as_ref().map(|t| t.secret().to_owned()),
            expires_at: token.expires_at.map(unix),
            renew_at: token.renew_at.map(unix),
            scopes: token.scopes.clone(),
            extra: token.extra.clone(),
        }
    }
}

impl From<StoredToken> for Token {
    fn from(stored: StoredToken) -> Self {
        Token {
            access_token: AccessToken::new(stored.access_token),
            refresh_token: stored.refresh_token.map(RefreshToken::new),
            expires_at: stored
                .expires_at
                .map(|s| UNIX_EPOCH + Duration::from_secs(s)),
            renew_at: stored.renew_at.map(|s| UNIX_EPOCH + Duration::from_secs(s)),
            scopes: stored.scopes,
            extra: stored.extra,
            authorization: OnceLock::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

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
