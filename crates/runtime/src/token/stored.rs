//! The persisted form of a token: what a [`TokenStore`](crate::TokenStore) writes and reads
//! back, with times as Unix seconds and a refusal of what no request could carry.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use super::{is_sendable, Token};
use crate::clock;
use crate::error::{Error, Result};
use crate::secret::{AccessToken, RefreshToken};

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

impl TryFrom<StoredToken> for Token {
    type Error = Error;

    /// Refuses a stored access token no request could carry (a hand-edited or corrupt file).
    fn try_from(stored: StoredToken) -> Result<Self> {
        if !is_sendable(&stored.access_token) {
            return Err(Error::TokenStore(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                "the stored access token contains characters not allowed in a header",
            )));
        }
        Ok(Token {
            access_token: AccessToken::new(stored.access_token),
            refresh_token: stored.refresh_token.map(RefreshToken::new),
            expires_at: stored.expires_at.map(clock::from_unix),
            renew_at: stored.renew_at.map(clock::from_unix),
            scopes: stored.scopes,
            extra: stored.extra,
            authorization: OnceLock::new(),
        })
    }
}
