//! The client engine: builds any provider's client from its [description](crate::describe),
//! so a generated crate holds data and a thin typed surface, and this logic is tested once.
//!
//! [`Builder`] collects what the user chose (variables, credentials, a grant, overrides) and
//! checks the combination in [`Builder::build`] (`rules`); [`Builder::from_env`] fills it from
//! the environment (`env`); [`Engine`] is the built client: the request layer plus the OAuth
//! flows (`flows`).

mod builder;
mod env;
mod flows;
mod rules;

use std::sync::Arc;

pub use builder::Builder;

use crate::api::ApiClient;
use crate::source::TokenSource;

/// A built client: the request layer, and the OAuth token source when the client was given an
/// OAuth client. Generated `Client`s wrap one.
///
/// It dereferences to its [`ApiClient`], so a generated operation reads `self.api.request(..)`
/// whatever else the engine holds.
#[derive(Debug, Clone)]
pub struct Engine {
    api: ApiClient,
    oauth2: Option<Arc<TokenSource>>,
}

impl Engine {
    /// The request layer.
    pub fn api(&self) -> &ApiClient {
        &self.api
    }
}

impl std::ops::Deref for Engine {
    type Target = ApiClient;

    fn deref(&self) -> &ApiClient {
        &self.api
    }
}
