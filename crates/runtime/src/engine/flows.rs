//! The OAuth 2.0 flows of a built client: tokens, the authorization code flow (with a loopback
//! redirect for desktop apps) and the implicit flow. A generated crate exposes only the flows
//! its spec offers; a client built without an OAuth client refuses them all.

use std::sync::Arc;
use std::time::Duration;

use url::Url;

use super::Engine;
use crate::error::{Error, Result};
use crate::oauth::AuthorizationRequest;
use crate::source::TokenSource;
use crate::token::Token;

impl Engine {
    /// The token source, or why there is none.
    fn source(&self) -> Result<&Arc<TokenSource>> {
        self.oauth2.as_ref().ok_or_else(|| {
            Error::InvalidConfig("this client was built without OAuth 2.0 credentials".to_owned())
        })
    }

    /// A valid access token: the cached one, or a renewed one.
    pub async fn token(&self) -> Result<Arc<Token>> {
        self.source()?.token().await
    }

    /// Uses `token` for later calls, saving it in the token store.
    pub fn set_token(&self, token: Token) -> Result<Arc<Token>> {
        self.source()?.set_token(token)
    }

    /// Starts the authorization code flow.
    pub fn authorize_url<S: AsRef<str>>(
        &self,
        redirect_uri: &str,
        scopes: &[S],
    ) -> Result<AuthorizationRequest> {
        self.source()?
            .oauth()
            .authorize_url(redirect_uri, &values(scopes))
    }

    /// Finishes the authorization code flow from the callback URL and keeps the token.
    pub async fn finish_authorization(
        &self,
        request: &AuthorizationRequest,
        callback_url: &str,
    ) -> Result<Arc<Token>> {
        let source = self.source()?;
        let token = source
            .oauth()
            .exchange_callback(request, callback_url)
            .await?;
        source.set_token(token)
    }

    /// Runs the authorization code flow through a loopback redirect and keeps the token.
    pub async fn authorize_with_loopback<S: AsRef<str>>(
        &self,
        scopes: &[S],
        timeout: Duration,
        open: impl FnOnce(&Url),
    ) -> Result<Arc<Token>> {
        let source = self.source()?;
        let token = crate::loopback::authorize_with_loopback(
            source.oauth(),
            &values(scopes),
            timeout,
            open,
        )
        .await?;
        source.set_token(token)
    }

    /// Starts the implicit flow.
    #[deprecated(note = "the implicit grant is removed in OAuth 2.1 (RFC 9700)")]
    pub fn implicit_authorize_url<S: AsRef<str>>(
        &self,
        redirect_uri: &str,
        scopes: &[S],
    ) -> Result<AuthorizationRequest> {
        #[allow(deprecated)]
        self.source()?
            .oauth()
            .implicit_authorize_url(redirect_uri, &values(scopes))
    }

    /// Reads the token from an implicit-flow redirect and keeps it.
    #[deprecated(note = "the implicit grant is removed in OAuth 2.1 (RFC 9700)")]
    pub fn finish_implicit(
        &self,
        request: &AuthorizationRequest,
        redirect_url: &str,
    ) -> Result<Arc<Token>> {
        let source = self.source()?;
        #[allow(deprecated)]
        let token = source
            .oauth()
            .parse_implicit_redirect(request, redirect_url)?;
        source.set_token(token)
    }
}

fn values<S: AsRef<str>>(scopes: &[S]) -> Vec<&str> {
    scopes.iter().map(AsRef::as_ref).collect()
}
