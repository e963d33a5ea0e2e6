//! The authorization-server bookkeeping every stand-in shares: authorization codes (single use,
//! bounded lifetime, PKCE), access tokens that expire, refresh tokens that rotate or stay, and
//! RFC 6749 §5.2 error responses.
//!
//! Time comes from a [`Clock`] the tests can move forward, so "the code is 31 seconds old" or "the
//! token expired yesterday" needs no sleeping.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::json;
use sha2::{Digest, Sha256};
use wiremock::ResponseTemplate;

use crate::wire;

/// The stand-in's idea of now: real time plus however far a test moved it.
#[derive(Debug, Default)]
pub struct Clock {
    offset: Mutex<Duration>,
}

impl Clock {
    /// Now, as the stand-in sees it.
    pub fn now(&self) -> Instant {
        Instant::now() + *lock(&self.offset)
    }

    /// Moves the stand-in's time forward (the client's clock is untouched).
    pub fn advance(&self, by: Duration) {
        *lock(&self.offset) += by;
    }
}

/// What a user (or a client on its own behalf) was granted: carried by a code and every token
/// issued from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The client the grant belongs to.
    pub client_id: String,
    /// The resource owner (the client itself for client credentials).
    pub user: String,
    /// The granted scopes.
    pub scopes: Vec<String>,
}

/// An OAuth error response (RFC 6749 §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthError {
    /// The HTTP status.
    pub status: u16,
    /// The `error` code.
    pub error: &'static str,
    /// The `error_description`.
    pub description: String,
}

impl OAuthError {
    fn new(status: u16, error: &'static str, description: impl Into<String>) -> OAuthError {
        OAuthError {
            status,
            error,
            description: description.into(),
        }
    }

    /// 400 `invalid_request`: a malformed request (wrong body format, missing parameter).
    pub fn invalid_request(description: impl Into<String>) -> OAuthError {
        OAuthError::new(400, "invalid_request", description)
    }

    /// 401 `invalid_client`: client authentication failed or used the wrong method.
    pub fn invalid_client(description: impl Into<String>) -> OAuthError {
        OAuthError::new(401, "invalid_client", description)
    }

    /// 400 `invalid_grant`: the code or refresh token is unknown, spent, expired or not this client's.
    pub fn invalid_grant(description: impl Into<String>) -> OAuthError {
        OAuthError::new(400, "invalid_grant", description)
    }

    /// 400 `unsupported_grant_type`.
    pub fn unsupported_grant_type(grant_type: &str) -> OAuthError {
        OAuthError::new(
            400,
            "unsupported_grant_type",
            format!("grant_type `{grant_type}` is not supported"),
        )
    }

    /// 400 `invalid_scope`.
    pub fn invalid_scope(description: impl Into<String>) -> OAuthError {
        OAuthError::new(400, "invalid_scope", description)
    }

    /// The token endpoint's JSON error response.
    pub fn response(&self) -> ResponseTemplate {
        wire::json(
            self.status,
            json!({ "error": self.error, "error_description": self.description }),
        )
    }

    /// The authorization endpoint's answer: back to the client's redirect URI with `error=`.
    pub fn redirect(&self, redirect_uri: &str, state: Option<&str>) -> ResponseTemplate {
        let mut params = vec![
            ("error", self.error),
            ("error_description", self.description.as_str()),
        ];
        params.extend(state.map(|state| ("state", state)));
        wire::redirect(&wire::with_query(redirect_uri, &params))
    }
}

/// How a provider treats a refresh token once used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rotation {
    /// It works once; the response carries its successor, and presenting it again is refused.
    Rotate,
    /// It stays valid and is not replaced.
    Keep,
}

/// Codes and tokens a stand-in issued, and what became of them.
#[derive(Debug, Default)]
pub struct AuthorizationServer {
    clock: Clock,
    issued: AtomicU64,
    codes: Mutex<HashMap<String, IssuedCode>>,
    access_tokens: Mutex<HashMap<String, IssuedToken>>,
    refresh_tokens: Mutex<HashMap<String, IssuedRefreshToken>>,
    code_replays: AtomicUsize,
    refresh_token_reuses: AtomicUsize,
}

#[derive(Debug)]
struct IssuedCode {
    grant: Grant,
    redirect_uri: String,
    challenge: Option<String>,
    issued_at: Instant,
    redeemed: bool,
}

#[derive(Debug)]
struct IssuedToken {
    grant: Grant,
    expires_at: Option<Instant>,
}

#[derive(Debug)]
struct IssuedRefreshToken {
    grant: Grant,
    spent: bool,
}

impl AuthorizationServer {
    /// Nothing issued yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The stand-in's clock.
    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// A value never issued before, starting with `prefix`.
    pub fn unique(&self, prefix: &str) -> String {
        let n = self.issued.fetch_add(1, Ordering::Relaxed);
        // Not secret, only distinct; long enough to look like the real thing in logs.
        format!(
            "{prefix}{n:04}{}",
            &hex_sha256(&format!("{prefix}{n}"))[..24]
        )
    }

    /// Issues an authorization code for `grant`, bound to `redirect_uri` and an optional S256
    /// PKCE `challenge`.
    pub fn issue_code(&self, grant: Grant, redirect_uri: &str, challenge: Option<&str>) -> String {
        let code = self.unique("code-");
        let issued = IssuedCode {
            grant,
            redirect_uri: redirect_uri.to_owned(),
            challenge: challenge.map(str::to_owned),
            issued_at: self.clock.now(),
            redeemed: false,
        };
        lock(&self.codes).insert(code.clone(), issued);
        code
    }

    /// Redeems `code` for `client_id`: once only, within `lifetime`, with the redirect URI it was
    /// issued for and, when it was issued with a PKCE challenge, the matching verifier.
    pub fn redeem_code(
        &self,
        code: &str,
        client_id: &str,
        redirect_uri: Option<&str>,
        verifier: Option<&str>,
        lifetime: Duration,
    ) -> Result<Grant, OAuthError> {
        let mut codes = lock(&self.codes);
        let issued = codes
            .get_mut(code)
            .ok_or_else(|| OAuthError::invalid_grant("unknown authorization code"))?;
        if issued.redeemed {
            self.code_replays.fetch_add(1, Ordering::Relaxed);
            return Err(OAuthError::invalid_grant("authorization code already used"));
        }
        if issued.grant.client_id != client_id {
            return Err(OAuthError::invalid_grant(
                "authorization code was issued to another client",
            ));
        }
        if self.clock.now().duration_since(issued.issued_at) > lifetime {
            return Err(OAuthError::invalid_grant("authorization code expired"));
        }
        if redirect_uri != Some(issued.redirect_uri.as_str()) {
            return Err(OAuthError::invalid_grant(
                "redirect_uri differs from the authorization request's",
            ));
        }
        match (&issued.challenge, verifier) {
            (Some(challenge), Some(verifier)) if pkce_s256(verifier) == *challenge => {}
            (Some(_), Some(_)) => {
                return Err(OAuthError::invalid_grant(
                    "code_verifier does not match the code_challenge",
                ))
            }
            (Some(_), None) => {
                return Err(OAuthError::invalid_request("code_verifier is required"))
            }
            // OAuth 2.1 §4.1.3: a verifier for a code issued without a challenge is refused.
            (None, Some(_)) => {
                return Err(OAuthError::invalid_request(
                    "code_verifier without a code_challenge",
                ))
            }
            (None, None) => {}
        }
        issued.redeemed = true;
        Ok(issued.grant.clone())
    }

    /// How many times a spent authorization code was presented again.
    pub fn code_replays(&self) -> usize {
        self.code_replays.load(Ordering::Relaxed)
    }

    /// Issues an access token starting with `prefix`, valid for `lifetime` (`None`: forever).
    pub fn issue_access_token(
        &self,
        grant: &Grant,
        prefix: &str,
        lifetime: Option<Duration>,
    ) -> String {
        let token = self.unique(prefix);
        let expires_at = lifetime.map(|lifetime| self.clock.now() + lifetime);
        lock(&self.access_tokens).insert(
            token.clone(),
            IssuedToken {
                grant: grant.clone(),
                expires_at,
            },
        );
        token
    }

    /// The grant behind `token`, when it is one this server issued and it has not expired.
    pub fn access_token(&self, token: &str) -> Option<Grant> {
        let tokens = lock(&self.access_tokens);
        let issued = tokens.get(token)?;
        let live = !matches!(issued.expires_at, Some(at) if self.clock.now() >= at);
        live.then(|| issued.grant.clone())
    }

    /// Issues a refresh token for `grant`.
    pub fn issue_refresh_token(&self, grant: &Grant) -> String {
        let token = self.unique("rt-");
        lock(&self.refresh_tokens).insert(
            token.clone(),
            IssuedRefreshToken {
                grant: grant.clone(),
                spent: false,
            },
        );
        token
    }

    /// Redeems a refresh token of `client_id`; under [`Rotation::Rotate`] it is spent, and
    /// presenting it again counts as a reuse and is refused.
    pub fn redeem_refresh_token(
        &self,
        token: &str,
        client_id: &str,
        rotation: Rotation,
    ) -> Result<Grant, OAuthError> {
        let mut tokens = lock(&self.refresh_tokens);
        let issued = tokens
            .get_mut(token)
            .ok_or_else(|| OAuthError::invalid_grant("unknown refresh token"))?;
        if issued.spent {
            self.refresh_token_reuses.fetch_add(1, Ordering::Relaxed);
            return Err(OAuthError::invalid_grant("refresh token already used"));
        }
        if issued.grant.client_id != client_id {
            return Err(OAuthError::invalid_grant(
                "refresh token was issued to another client",
            ));
        }
        if rotation == Rotation::Rotate {
            issued.spent = true;
        }
        Ok(issued.grant.clone())
    }

    /// How many times a spent (rotated) refresh token was presented again.
    pub fn refresh_token_reuses(&self) -> usize {
        self.refresh_token_reuses.load(Ordering::Relaxed)
    }
}

/// The S256 PKCE challenge of `verifier` (RFC 7636 §4.2).
pub fn pkce_s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

fn hex_sha256(input: &str) -> String {
    Sha256::digest(input.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Locks `mutex`, ignoring poisoning (a panicking test must not break the others' stand-ins).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
