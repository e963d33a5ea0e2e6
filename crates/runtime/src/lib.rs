//! The runtime every generated provider client stands on.
//!
//! Generated crates describe a provider as data ([`describe::Provider`]), build their clients
//! with the one [`engine`] through the [surface macros](client), and call [`ApiClient`] for each
//! operation. This crate does the rest: token requests
//! for every grant and client authentication style ([`OAuthClient`]), caching and single-flight
//! renewal ([`TokenSource`]), credential injection that never leaves the provider's origin,
//! retries, and one [`Error`] type. Secrets are [redacting newtypes](secret).

#![warn(missing_docs)]

mod api;
mod body;
mod clock;
mod config;
mod credential;
pub mod describe;
pub mod engine;
mod error;
pub mod lease;
mod loopback;
mod oauth;
mod param;
mod pkce;
mod private_file;
mod provider_error;
#[cfg(feature = "redis")]
mod redis_store;
mod request_url;
mod response;
mod retry_after;
pub mod secret;
mod sensitive;
mod source;
mod store;
mod string_enum;
mod surface;
mod template;
mod token;
mod token_response;
mod transport;

pub use api::{ApiClient, Call};
pub use config::{BodyFormat, ClientAuth, OAuth2Config};
pub use credential::{ApiKeyLocation, Credential};
pub use error::{Error, Result};
pub use lease::SharedTokenStore;
pub use loopback::authorize_with_loopback;
pub use oauth::{AuthorizationRequest, OAuthClient};
pub use param::ParamValue;
pub use private_file::write_private;
pub use provider_error::ProviderError;
#[cfg(feature = "redis")]
pub use redis_store::RedisStore;
pub use request_url::encode_path_segment;
/// The HTTP method of [`ApiClient::request`] calls.
pub use reqwest::Method;
pub use response::{RawResponse, Response};
pub use secret::{
    AccessToken, ApiKey, AuthorizationCode, ClientSecret, Password, PersonalAccessToken,
    PkceVerifier, RefreshToken,
};
pub use source::{Renewal, TokenSource};
pub use store::{FileStore, MemoryStore, TokenStore};
pub use surface::UnknownScope;
pub use template::Variables;
pub use token::Token;
pub use transport::{Transport, DEFAULT_TIMEOUT};

/// The HTTP client underneath, for [`reqwest::ClientBuilder`] settings (proxies, certificates).
pub use reqwest;
/// URLs as the flows hand them out.
pub use url;

/// Re-exports generated code needs, so generated crates depend on this crate alone.
#[doc(hidden)]
pub mod __private {
    pub use reqwest;
    pub use reqwest::Method;
    pub use serde;
    pub use serde_json;
    pub use url;
}
