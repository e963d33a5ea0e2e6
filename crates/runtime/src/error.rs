//! The one error type of every generated client, with a variant per cause a caller can act on.
//!
//! Messages never contain a secret: request URLs are stripped from transport errors (an API key
//! may ride in the query), and bodies are only quoted as short excerpts of provider responses.

use std::time::Duration;

use reqwest::StatusCode;

use crate::provider_error::ProviderError;

/// Everything that can go wrong talking to a provider.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The connection failed (DNS, TLS, reset). Usually worth retrying later.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),

    /// The request took longer than the client's timeout.
    #[error("request timed out after {0:?}")]
    Timeout(Duration),

    /// The API answered with a status outside the operation's success list.
    #[error("{status} from the provider: {error}")]
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The provider's error body, parsed from its usual envelopes (boxed: it is large
        /// and errors travel through every `Result`).
        error: Box<ProviderError>,
        /// Seconds the provider asked us to wait (`Retry-After`), when it said.
        retry_after: Option<Duration>,
    },

    /// The API redirected a request with a body to another origin. The body (which may hold
    /// personal data) was not sent there, and neither were the credentials.
    #[error("the provider answered {status} with a redirect to another origin ({origin}); the request body was not sent there: send the request to that origin yourself if you trust it")]
    CrossOriginRedirect {
        /// The redirect's status (307, 308, or 301/302 of a method kept across the redirect).
        status: StatusCode,
        /// The origin the provider pointed to (`https://host:port`, no path or query).
        origin: String,
    },

    /// The token endpoint (or an authorization callback) returned an OAuth error (RFC 6749 §5.2).
    #[error("OAuth error `{error}`{}", description.as_deref().map(|d| format!(": {d}")).unwrap_or_default())]
    OAuth {
        /// The `error` code, e.g. `invalid_grant`, `invalid_client`, `access_denied`.
        error: String,
        /// The provider's `error_description`, if any.
        description: Option<String>,
        /// The provider's `error_uri`, if any.
        uri: Option<String>,
        /// The HTTP status of the response (200 when a provider reports errors with success).
        status: Option<StatusCode>,
    },

    /// The client was configured with something unusable (bad URL, bad template value, ...).
    #[error("invalid configuration: {0}")]
    InvalidConfig(String),

    /// An environment variable needed by `Client::from_env` is not set.
    #[error("environment variable `{0}` is not set")]
    MissingEnv(String),

    /// The granted scopes lack one an operation requires; nothing was sent.
    #[error("operation needs scope `{required}`, which the token was not granted (granted: {})", granted.join(" "))]
    MissingScope {
        /// The scope the operation requires.
        required: String,
        /// The scopes the token carries.
        granted: Vec<String>,
    },

    /// The `state` on an authorization callback differs from the one we sent (possible CSRF).
    #[error(
        "authorization state mismatch: the callback does not belong to this authorization request"
    )]
    StateMismatch,

    /// The token expired and only the user can grant a new one: there is no refresh token, or
    /// the provider refused it, and no grant runs without the user. Send them through
    /// authorization again.
    #[error("the access token expired and cannot be renewed without the user: authorize again{}",
        refused.as_deref().map(|e| format!(" (the refresh token was refused: `{e}`)")).unwrap_or_default())]
    ReauthorizationRequired {
        /// The provider's OAuth error for the refused refresh token (`invalid_grant`), if one was tried.
        refused: Option<String>,
    },

    /// A response body could not be decoded into the expected type.
    #[error("could not decode {what}: {message}; body starts with: {excerpt:?}")]
    Decode {
        /// What was being decoded.
        what: &'static str,
        /// The decoder's message.
        message: String,
        /// The first bytes of the body.
        excerpt: String,
    },

    /// A non-JSON body where JSON was expected (an HTML error page, a proxy message).
    #[error("unexpected {status} response that is not JSON; body starts with: {excerpt:?}")]
    UnexpectedBody {
        /// The HTTP status.
        status: StatusCode,
        /// The first bytes of the body.
        excerpt: String,
    },

    /// Loading or saving tokens failed.
    #[error("token store: {0}")]
    TokenStore(#[source] std::io::Error),

    /// The loopback listener that receives the authorization callback failed (RFC 8252 §7.3).
    #[error("the loopback redirect listener on 127.0.0.1 failed: {0}")]
    Loopback(#[source] std::io::Error),
}

impl Error {
    /// Wraps a reqwest error, dropping its URL (it may carry an API key in the query).
    pub(crate) fn transport(error: reqwest::Error, timeout: Duration) -> Self {
        if error.is_timeout() {
            Error::Timeout(timeout)
        } else {
            Error::Transport(error.without_url())
        }
    }

    /// The OAuth `error` code, when this is an OAuth error.
    pub fn oauth_error(&self) -> Option<&str> {
        match self {
            Error::OAuth { error, .. } => Some(error),
            Error::ReauthorizationRequired { refused } => refused.as_deref(),
            _ => None,
        }
    }

    /// The HTTP status, when the provider answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } | Error::UnexpectedBody { status, .. } => Some(*status),
            Error::OAuth { status, .. } => *status,
            _ => None,
        }
    }
}

/// The maximum number of characters of a body quoted in an error.
const EXCERPT_CHARS: usize = 200;

/// The first characters of a body, for error messages.
pub(crate) fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(EXCERPT_CHARS)
        .collect()
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
