//! How API requests are authenticated: each credential adds its header or query parameter.

use std::sync::Arc;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION};

use crate::error::{Error, Result};
use crate::secret::{AccessToken, ApiKey, PersonalAccessToken};
use crate::sensitive::{bearer, sensitive};
use crate::source::TokenSource;
use crate::token::Token;

/// Where an API key goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header, e.g. `X-API-KEY`.
    Header(HeaderName),
    /// A query parameter.
    Query(String),
}

/// One credential sent with every API request. A client may hold several (ITCTXT sends an
/// API key beside its Bearer token).
#[derive(Debug, Clone)]
pub enum Credential {
    /// OAuth 2.0 tokens from a source that caches and renews them.
    OAuth2 {
        /// The token source.
        source: Arc<TokenSource>,
        /// A header that receives the token's prefix before `:` (Text's `X-Region`).
        prefix_header: Option<HeaderName>,
    },
    /// A fixed Bearer token.
    Bearer(AccessToken),
    /// A personal access token sent as HTTP Basic `id:token`.
    Basic {
        /// The account or user id.
        id: String,
        /// The token.
        token: PersonalAccessToken,
    },
    /// An API key.
    ApiKey {
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The key.
        key: ApiKey,
    },
}

impl Credential {
    /// An API key in the header `name`.
    pub fn api_key_header(name: &str, key: ApiKey) -> Result<Self> {
        let name = HeaderName::try_from(name)
            .map_err(|_| Error::InvalidConfig(format!("`{name}` is not a header name")))?;
        Ok(Credential::ApiKey {
            location: ApiKeyLocation::Header(name),
            key,
        })
    }

    /// An API key in the query parameter `name`.
    pub fn api_key_query(name: &str, key: ApiKey) -> Self {
        Credential::ApiKey {
            location: ApiKeyLocation::Query(name.to_owned()),
            key,
        }
    }

    /// OAuth 2.0 tokens from `source`.
    pub fn oauth2(source: Arc<TokenSource>) -> Self {
        Credential::OAuth2 {
            source,
            prefix_header: None,
        }
    }
}

/// The credentials of one request, resolved (tokens fetched) before it is sent.
pub(crate) struct Resolved {
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) query: Vec<(String, String)>,
    /// The OAuth token used, so a 401 can renew exactly that one.
    pub(crate) token: Option<(Arc<TokenSource>, Arc<Token>)>,
}

/// Fetches tokens and turns each credential into headers or query parameters.
pub(crate) async fn resolve(credentials: &[Credential]) -> Result<Resolved> {
    let mut resolved = Resolved {
        headers: Vec::new(),
        query: Vec::new(),
        token: None,
    };
    for credential in credentials {
        match credential {
            Credential::OAuth2 {
                source,
                prefix_header,
            } => {
                let token = source.token().await?;
                resolved
                    .headers
                    .push((AUTHORIZATION, token.authorization()?));
                if let (Some(header), Some(prefix)) = (prefix_header, token.access_token().prefix())
                {
                    let value = HeaderValue::from_str(prefix).map_err(|_| {
                        Error::InvalidConfig("the token's prefix is not a header value".into())
                    })?;
                    resolved.headers.push((header.clone(), value));
                }
                resolved.token = Some((source.clone(), token));
            }
            Credential::Bearer(token) => resolved.headers.push((AUTHORIZATION, bearer(token)?)),
            Credential::Basic { id, token } => {
                let value = format!(
                    "Basic {}",
                    STANDARD.encode(format!("{id}:{}", token.secret()))
                );
                resolved.headers.push((AUTHORIZATION, sensitive(value)?));
            }
            Credential::ApiKey {
                location: ApiKeyLocation::Header(name),
                key,
            } => {
                resolved
                    .headers
                    .push((name.clone(), sensitive(key.secret().to_owned())?));
            }
            Credential::ApiKey {
                location: ApiKeyLocation::Query(name),
                key,
            } => {
                resolved.query.push((name.clone(), key.secret().to_owned()));
            }
        }
    }
    Ok(resolved)
}
