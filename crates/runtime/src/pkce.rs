//! The random values of the authorization code flow: PKCE verifier/challenge and CSRF `state`.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::SysRng;
use rand::TryRng;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::secret::PkceVerifier;

/// 32 random bytes from the operating system's CSPRNG, base64url-encoded: 256 bits, above
/// RFC 7636's and RFC 6749's minimums.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    SysRng
        .try_fill_bytes(&mut bytes)
        .expect("the operating system's random number generator failed");
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh PKCE verifier (43 characters of base64url, RFC 7636 §4.1).
pub(crate) fn new_verifier() -> PkceVerifier {
    PkceVerifier::new(random_token())
}

/// The S256 challenge of a verifier: `BASE64URL(SHA256(verifier))` (RFC 7636 §4.2).
pub(crate) fn challenge(verifier: &PkceVerifier) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.secret().as_bytes()))
}

/// The CSRF `state` of one authorization request, compared in constant time.
#[derive(Clone)]
pub struct State(String);

impl State {
    pub(crate) fn random() -> Self {
        State(random_token())
    }

    /// The value sent in the authorize URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `received` is this state, without leaking timing on where they differ.
    pub fn matches(&self, received: &str) -> bool {
        self.0.as_bytes().ct_eq(received.as_bytes()).into()
    }
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("State([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenge_matches_rfc7636_appendix_b() {
        let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge(&verifier),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn verifier_and_state_are_long_and_fresh() {
        assert_eq!(new_verifier().secret().len(), 43);
        let (a, b) = (State::random(), State::random());
        assert!(!a.matches(b.as_str()));
        assert!(a.matches(a.as_str()));
    }
}
