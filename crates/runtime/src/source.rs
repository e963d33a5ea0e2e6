//! A token source shared by every task of a client: cached reads, renewal ahead of expiry,
//! exactly one token request however many callers find the token stale (single-flight), and
//! with a [`SharedTokenStore`] one for every process sharing it (the [lease protocol](crate::lease)).

use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use crate::error::{Error, Result};
use crate::lease::{SharedTokenStore, Versioned};
use crate::oauth::OAuthClient;
use crate::secret::Password;
use crate::store::{MemoryStore, TokenStore};
use crate::token::Token;

fn as_strs(scopes: &[String]) -> Vec<&str> {
    scopes.iter().map(String::as_str).collect()
}

/// How to get a new token when there is no usable refresh token.
#[derive(Debug, Clone)]
pub enum Renewal {
    /// Run the client credentials grant again with these scopes.
    ClientCredentials {
        /// Scopes to request (empty: the provider's default).
        scopes: Vec<String>,
    },
    /// Run the password grant again.
    Password {
        /// The login (`username` or `email`, as the provider names it).
        username: String,
        /// The password.
        password: Password,
        /// Scopes to request.
        scopes: Vec<String>,
    },
    /// Only the user can grant a new token (authorization code, implicit).
    Reauthorize,
}

/// Hands out valid access tokens, renewing them when needed.
#[derive(Debug)]
pub struct TokenSource {
    oauth: OAuthClient,
    renewal: Renewal,
    store: Arc<dyn TokenStore>,
    cached: RwLock<Option<Arc<Token>>>,
    renewing: tokio::sync::Mutex<()>,
    shared: Option<Arc<dyn SharedTokenStore>>,
}

/// How long a waiter first waits before asking the shared store again, and the most it waits.
const FIRST_WAIT: Duration = Duration::from_millis(10);
const LONGEST_WAIT: Duration = Duration::from_millis(250);

impl TokenSource {
    /// A source that renews through `oauth` and persists in `store` (memory when `None`).
    pub fn new(oauth: OAuthClient, renewal: Renewal, store: Option<Arc<dyn TokenStore>>) -> Self {
        TokenSource {
            oauth,
            renewal,
            store: store.unwrap_or_else(|| Arc::new(MemoryStore::new())),
            cached: RwLock::new(None),
            renewing: tokio::sync::Mutex::new(()),
            shared: None,
        }
    }

    /// Renews through `shared`, a store every replica of the app uses: one token request for all
    /// of them (see [`lease`](crate::lease)). The local store then only serves
    /// [`set_token`](Self::set_token); publish a token to the replicas with
    /// [`share_token`](Self::share_token).
    pub fn with_shared_store(mut self, shared: Arc<dyn SharedTokenStore>) -> Self {
        self.shared = Some(shared);
        self
    }

    /// Writes `token` to the shared store whatever it holds (after an authorization code
    /// exchange, say) and caches it; like [`set_token`](Self::set_token) without a shared store.
    pub async fn share_token(&self, token: Token) -> Result<Arc<Token>> {
        let Some(shared) = &self.shared else {
            return self.set_token(token);
        };
        loop {
            let read = shared.load().await?.map_or(0, |v| v.version);
            if shared.save_if(&token, read).await?.is_some() {
                return Ok(self.cache(token));
            }
        }
    }

    fn cache(&self, token: Token) -> Arc<Token> {
        let token = Arc::new(token);
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
        token
    }

    /// The OAuth client behind this source.
    pub fn oauth(&self) -> &OAuthClient {
        &self.oauth
    }

    /// Saves and caches `token` (the result of an authorization code exchange, say).
    pub fn set_token(&self, token: Token) -> Result<Arc<Token>> {
        self.store.save(&token)?;
        let token = Arc::new(token);
        *self.cached.write().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
        Ok(token)
    }

    /// The cached token if it is still fresh, without any I/O. This is the hot path.
    pub fn cached(&self) -> Option<Arc<Token>> {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        cached
            .as_ref()
            .filter(|t| !t.needs_renewal(SystemTime::now()))
            .cloned()
    }

    /// A valid token: the cached one, the stored one, or a renewed one.
    pub async fn token(&self) -> Result<Arc<Token>> {
        if let Some(token) = self.cached() {
            return Ok(token);
        }
        self.renew(None).await
    }

    /// Called when the API refused `rejected` (401): renews once, unless another task already did.
    pub async fn renew_rejected(&self, rejected: &Arc<Token>) -> Result<Arc<Token>> {
        self.renew(Some(rejected)).await
    }

    async fn renew(&self, rejected: Option<&Arc<Token>>) -> Result<Arc<Token>> {
        let _single_flight = self.renewing.lock().await;
        if let Some(shared) = &self.shared {
            return self.renew_shared(shared.as_ref(), rejected).await;
        }
        // Whoever held the lock before us may have renewed already.
        let current = self
            .cached
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let current = match current {
            Some(token) => Some(token),
            None => self.stored(),
        };
        if let Some(token) = &current {
            let was_rejected = rejected
                .is_some_and(|r| Arc::ptr_eq(r, token) || r.access_token() == token.access_token());
            if !was_rejected && !token.needs_renewal(SystemTime::now()) {
                *self.cached.write().unwrap_or_else(|p| p.into_inner()) = Some(token.clone());
                return Ok(token.clone());
            }
        }
        let renewed = self.fetch(current.as_deref()).await?;
        self.set_token(renewed)
    }

    /// The lease protocol of [`lease`](crate::lease), under the in-process lock.
    async fn renew_shared(
        &self,
        shared: &dyn SharedTokenStore,
        rejected: Option<&Arc<Token>>,
    ) -> Result<Arc<Token>> {
        let usable = |read: &Option<Versioned>| {
            read.as_ref()
                .filter(|v| !v.token.needs_renewal(SystemTime::now()))
                .filter(|v| !rejected.is_some_and(|r| r.access_token() == v.token.access_token()))
                .map(|v| v.token.clone())
        };
        let mut wait = FIRST_WAIT;
        loop {
            let read = shared.load().await?;
            if let Some(token) = usable(&read) {
                return Ok(self.cache(token));
            }
            if let Some(lease) = shared.try_lock().await? {
                let outcome = self.renew_holding(shared, &usable).await;
                if let Err(error) = shared.unlock(lease).await {
                    tracing::warn!(%error, "could not release the renewal lock; it ends with its lease");
                }
                return outcome.map(|token| self.cache(token));
            }
            // Someone else is renewing: wait for their token, or for their lock to go.
            let seen = read.map_or(0, |v| v.version);
            loop {
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(LONGEST_WAIT);
                let now = shared.load().await?.map_or(0, |v| v.version);
                if now != seen || !shared.is_locked().await? {
                    break;
                }
            }
        }
    }

    /// Holding the renewal lock: reads again, renews, writes conditionally.
    async fn renew_holding(
        &self,
        shared: &dyn SharedTokenStore,
        usable: &(dyn Fn(&Option<Versioned>) -> Option<Token> + Sync),
    ) -> Result<Token> {
        // A holder may have written between our read and our lock.
        let read = shared.load().await?;
        if let Some(token) = usable(&read) {
            return Ok(token);
        }
        let read_version = read.as_ref().map_or(0, |v| v.version);
        let renewed = self.fetch(read.as_ref().map(|v| &v.token)).await?;
        if shared.save_if(&renewed, read_version).await?.is_some() {
            return Ok(renewed);
        }
        // A newer token was written meanwhile (we outlived our lease): it wins.
        tracing::warn!("a newer token was stored during this renewal; using it");
        Ok(shared.load().await?.map_or(renewed, |v| v.token))
    }

    /// The store's token. One that cannot be read (a corrupt or hand-edited file) counts as
    /// absent: the grant runs again when it can, and otherwise the user is asked to authorize
    /// again, instead of every call failing until someone deletes the file.
    fn stored(&self) -> Option<Arc<Token>> {
        match self.store.load() {
            Ok(token) => token.map(Arc::new),
            Err(error) => {
                tracing::warn!(%error, "the stored token is unreadable; getting a new one");
                None
            }
        }
    }

    /// One token request: refresh when possible, otherwise the configured grant.
    async fn fetch(&self, current: Option<&Token>) -> Result<Token> {
        if let Some(refresh_token) = current.and_then(Token::refresh_token) {
            match self.oauth.refresh(refresh_token).await {
                Ok(token) => return Ok(token),
                // A dead refresh token falls back to the grant, when there is one to run.
                Err(Error::OAuth { ref error, .. }) if error == "invalid_grant" => {
                    if matches!(self.renewal, Renewal::Reauthorize) {
                        return Err(Error::ReauthorizationRequired {
                            refused: Some(error.clone()),
                        });
                    }
                    tracing::debug!("refresh token rejected; running the grant again");
                }
                Err(error) => return Err(error),
            }
        }
        match &self.renewal {
            Renewal::ClientCredentials { scopes: s } => {
                self.oauth.client_credentials(&as_strs(s)).await
            }
            Renewal::Password {
                username,
                password,
                scopes: s,
            } => self.oauth.password(username, password, &as_strs(s)).await,
            Renewal::Reauthorize => Err(Error::ReauthorizationRequired { refused: None }),
        }
    }
}
