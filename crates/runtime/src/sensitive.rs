//! Header values that carry secrets (Bearer tokens, API keys, Basic client credentials), built
//! in one place so every one is marked sensitive: reqwest and hyper then never print it.
//!
//! A leaf: it depends on nothing of the runtime but the secret types and the error, so the
//! request layer, the credentials and the OAuth client can all use it without a cycle.

use reqwest::header::HeaderValue;

use crate::error::{Error, Result};
use crate::secret::AccessToken;

/// `Bearer <token>`, always with a capital B whatever the provider's `token_type` said.
pub(crate) fn bearer(token: &AccessToken) -> Result<HeaderValue> {
    sensitive(format!("Bearer {}", token.secret()))
}

/// A header value marked sensitive, so reqwest and hyper never print it.
pub(crate) fn sensitive(value: String) -> Result<HeaderValue> {
    let mut value = HeaderValue::try_from(value).map_err(|_| {
        Error::InvalidConfig("a credential contains characters not allowed in a header".into())
    })?;
    value.set_sensitive(true);
    Ok(value)
}
