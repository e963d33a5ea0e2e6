//! Secret values that redact themselves: nothing printed with `{:?}` or `{}` reveals them.
//!
//! Every credential the runtime handles (client secrets, passwords, API keys, access and refresh
//! tokens, PKCE verifiers, authorization codes, personal access tokens) is one of these newtypes,
//! so a stray `dbg!`, an error message or a `tracing` field cannot leak it. The raw value is only
//! reachable through the explicit [`secret`](ClientSecret::secret) accessor.

use std::fmt;

macro_rules! secret_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(String);

        impl $name {
            /// Wraps a secret value.
            pub fn new(value: impl Into<String>) -> Self {
                Self(value.into())
            }

            /// The raw secret, for the one place that must send it.
            pub fn secret(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "([redacted])"))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("[redacted]")
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                Self(value)
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }
    };
}

secret_type!(
    /// The OAuth client secret (RFC 6749 §2.3.1).
    ClientSecret
);
secret_type!(
    /// A resource owner's password, for the password grant.
    Password
);
secret_type!(
    /// A provider API key, sent in a header or query parameter.
    ApiKey
);
secret_type!(
    /// An OAuth access token.
    AccessToken
);
secret_type!(
    /// An OAuth refresh token.
    RefreshToken
);
secret_type!(
    /// A personal access token, sent as HTTP Basic `id:token`.
    PersonalAccessToken
);
secret_type!(
    /// An authorization code received on the redirect URI.
    AuthorizationCode
);
secret_type!(
    /// A PKCE code verifier (RFC 7636 §4.1).
    PkceVerifier
);

impl AccessToken {
    /// The part of the token before its first `:`, if any.
    ///
    /// Some providers (Text) prefix tokens with the data-centre region (`dal:..`, `fra:..`),
    /// which is not secret and must be echoed in a header.
    pub fn prefix(&self) -> Option<&str> {
        self.0.split_once(':').map(|(prefix, _)| prefix)
    }
}
