//! Tokens: what the provider said about an access token and how long it stays usable. The
//! form it is persisted in is [`stored`]; the parsing of token responses is `token_response`.

use std::fmt;
use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use reqwest::header::HeaderValue;
use serde_json::{Map, Value};

use crate::clock;
use crate::error::Result;
use crate::secret::{AccessToken, RefreshToken};

mod stored;
pub(crate) use stored::StoredToken;

/// How long before expiry a token counts as stale, at most.
const MAX_RENEW_MARGIN: Duration = Duration::from_secs(60);

/// How long a freshly issued token is used at least, whatever its lifetime: a provider answering
/// `expires_in: 0` (or 1 ms) would otherwise cost one token request per API call. The token is
/// used for the calls of this second; should the provider refuse it, the 401 renews it once.
const MIN_REUSE: Duration = Duration::from_secs(1);

/// An access token with what the provider said about it.
///
/// `Debug` shows expiry and scopes but no token-response value: the access and refresh tokens,
/// and every other field the provider added (`id_token`, ...), print as `[redacted]`.
#[derive(Clone)]
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

    /// A token from a token response: `lifetime` counted from `issued_at`, if the provider
    /// (or the spec's default) gave one.
    pub(crate) fn issued(
        access_token: AccessToken,
        refresh_token: Option<RefreshToken>,
        scopes: Option<Vec<String>>,
        extra: Map<String, Value>,
        lifetime: Option<(SystemTime, Duration)>,
    ) -> Self {
        let token = Token {
            refresh_token,
            scopes,
            extra,
            ..Token::new(access_token)
        };
        match lifetime {
            Some((issued_at, lifetime)) => token.expire_after(issued_at, lifetime),
            None => token,
        }
    }

    /// The `Authorization: Bearer <token>` value, marked sensitive so no log prints it. Always
    /// `Bearer` with a capital B, whatever the provider's `token_type` said.
    pub(crate) fn authorization(&self) -> Result<HeaderValue> {
        if let Some(value) = self.authorization.get() {
            return Ok(value.clone());
        }
        let value = crate::sensitive::bearer(&self.access_token)?;
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
        self.renew_at = Some(clock::earlier(expires_at, MAX_RENEW_MARGIN.min(left / 10)));
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

    /// Sets the expiry (and the renewal point) from a lifetime counted from `issued_at`; the
    /// renewal point is never sooner than [`MIN_REUSE`] from now.
    fn expire_after(mut self, issued_at: SystemTime, lifetime: Duration) -> Self {
        let expires_at = clock::later(issued_at, lifetime);
        let renew_at = clock::earlier(expires_at, MAX_RENEW_MARGIN.min(lifetime / 10));
        self.expires_at = Some(expires_at);
        self.renew_at = Some(renew_at.max(clock::later(SystemTime::now(), MIN_REUSE)));
        self
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Token")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .field("extra", &RedactedFields(&self.extra))
            .finish_non_exhaustive()
    }
}

/// Prints a token response's extra fields by name only: their values (`id_token`, account
/// secrets, whatever a provider adds) may be credentials.
struct RedactedFields<'a>(&'a Map<String, Value>);

impl fmt::Debug for RedactedFields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.0.keys().map(|k| (k, format_args!("[redacted]"))))
            .finish()
    }
}

/// Whether `token` can be sent as `Authorization: Bearer <token>`: printable ASCII without
/// spaces (RFC 6750 §2.1 is stricter still; some providers add `:`).
pub(crate) fn is_sendable(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic())
}
