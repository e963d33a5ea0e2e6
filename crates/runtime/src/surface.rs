//! The typed surface of a generated crate: its `Client`, `ClientBuilder` and `Scope` methods,
//! each a documented one-line call into the [engine](crate::engine). A generated crate invokes
//! [`client!`](crate::client), [`oauth2!`](crate::oauth2) with the flows its spec offers (a
//! flow the spec lacks has no method at all), [`setters!`](crate::setters) for the methods its
//! spec names (variables, schemes, `password` with its login argument), [`scopes!`](crate::scopes)
//! and [`decode_error!`](crate::decode_error): one line each, with the docs the generator wrote.

/// `Client` and `ClientBuilder` over the description `$provider`, with the methods every
/// provider has (`builder`, `from_env`, `request`, `api`, `base_url`, `http_client`,
/// `reqwest_client`, `timeout`, `build`), the runtime types users name, and `Result`.
#[macro_export]
macro_rules! client {
    ($provider:path, $title:literal) => {
        pub use $crate::{
            AccessToken, ApiKey, AuthorizationRequest, ClientSecret, Error, FileStore, MemoryStore, Method, Password,
            PersonalAccessToken, ProviderError, RawResponse, Response, Token, TokenStore,
        };

        /// The result of every call of this client.
        pub type Result<T, E = Error> = ::std::result::Result<T, E>;

        #[doc = concat!("A client of the ", $title, " API.\n\nCheap to clone: clones share the connection pool and the token cache.")]
        #[derive(Debug, Clone)]
        pub struct Client {
            api: $crate::engine::Engine,
        }

        #[doc = concat!("Configures a [`Client`] of ", $title, ".")]
        #[derive(Debug)]
        #[must_use]
        pub struct ClientBuilder($crate::engine::Builder);

        impl ::std::default::Default for ClientBuilder {
            fn default() -> Self {
                ClientBuilder($crate::engine::Builder::new(&$provider))
            }
        }

        impl ClientBuilder {
            /// Sends API calls to this base URL instead of the provider's (a proxy or test server).
            pub fn base_url(self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                ClientBuilder(self.0.base_url(url.into()))
            }

            /// Uses these reqwest settings (proxy, root certificates, user agent). Redirects are
            /// always followed by the client itself, which keeps credentials on the provider's origin.
            pub fn http_client(self, builder: $crate::reqwest::ClientBuilder) -> Self {
                ClientBuilder(self.0.http_client(builder))
            }

            /// Uses this built reqwest client (its default headers, proxy, pool), replacing
            /// [`http_client`](Self::http_client) settings. Build it with
            /// `reqwest::redirect::Policy::none()`: this client follows redirects itself, keeping
            /// credentials on the provider's origin, and fails a call that reqwest redirected on its
            /// own. [`timeout`](Self::timeout) still bounds every API call; give the reqwest client a
            /// timeout too, for token requests made outside one.
            pub fn reqwest_client(self, client: $crate::reqwest::Client) -> Self {
                ClientBuilder(self.0.reqwest_client(client))
            }

            /// How long one request may take (default: 30 seconds).
            pub fn timeout(self, timeout: ::std::time::Duration) -> Self {
                ClientBuilder(self.0.timeout(timeout))
            }

            /// Reads template variables and credentials from the environment (see [`Client::from_env`]).
            pub fn from_env(self) -> $crate::Result<Self> {
                self.0.from_env().map(ClientBuilder)
            }

            /// Builds the client: fills the URL templates, checks the credentials (a combination
            /// that cannot work is an [`Error::InvalidConfig`](crate::Error::InvalidConfig) naming
            /// the call to make), prepares the HTTP client.
            pub fn build(self) -> $crate::Result<Client> {
                self.0.build().map(|api| Client { api })
            }
        }

        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                <ClientBuilder as ::std::default::Default>::default()
            }

            /// Builds a client from environment variables, so secrets stay out of code: see the
            /// crate documentation for their names. The first scheme (in the documented order)
            /// whose first variable is set is used; a missing variable is an
            /// [`Error::MissingEnv`](crate::Error::MissingEnv) naming it.
            pub fn from_env() -> $crate::Result<Self> {
                Self::builder().from_env()?.build()
            }

            /// An authenticated call to any endpoint of the API, for what the spec does not
            /// describe. Credentials are added; paths leaving the provider's origin are refused.
            pub fn request(&self, method: $crate::Method, path: &str) -> $crate::Call<'_> {
                self.api.request(method, path)
            }

            /// The request layer behind this client.
            pub fn api(&self) -> &$crate::ApiClient {
                self.api.api()
            }
        }
    };
}

/// What every OAuth 2.0 provider offers: the token endpoint override, a token store, and the
/// client's `token`, `set_token` and `granted_scopes`; then the flows listed, each the macro of
/// the same name (`oauth2!(redirect, authorization_code(Scope), client_credentials(Scope))`).
#[macro_export]
macro_rules! oauth2 {
    () => {
        impl ClientBuilder {
            /// Sends token requests (and refreshes) to this URL instead of the provider's (a proxy or test server).
            pub fn token_url(self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                ClientBuilder(self.0.token_url(url.into()))
            }

            /// Keeps tokens in `store` (a [`FileStore`](crate::FileStore), a keychain) instead of
            /// memory, so they survive restarts. Rotated refresh tokens are saved before use.
            pub fn token_store(self, store: ::std::sync::Arc<dyn $crate::TokenStore>) -> Self {
                ClientBuilder(self.0.token_store(store))
            }

            /// Renews through `store`, shared by every replica of the app (a
            /// `provider_runtime::RedisStore`): one token request for all of them.
            pub fn shared_token_store(
                self,
                store: ::std::sync::Arc<dyn $crate::SharedTokenStore>,
            ) -> Self {
                ClientBuilder(self.0.shared_token_store(store))
            }
        }

        impl Client {
            /// A valid OAuth access token: the cached one, or a renewed one.
            pub async fn token(&self) -> $crate::Result<::std::sync::Arc<$crate::Token>> {
                self.api.token().await
            }

            /// Uses `token` (from an earlier session, say) for later calls, saving it in the token store.
            pub fn set_token(
                &self,
                token: $crate::Token,
            ) -> $crate::Result<::std::sync::Arc<$crate::Token>> {
                self.api.set_token(token)
            }

            /// The scopes of the cached token, when the provider listed them.
            pub fn granted_scopes(
                &self,
            ) -> ::std::option::Option<::std::vec::Vec<::std::string::String>> {
                self.api.granted_scopes()
            }
        }
    };
    ($($flow:ident $(($($scope:ident)?))?),+ $(,)?) => {
        $crate::oauth2!();
        $($crate::$flow!($($($scope)?)?);)+
    };
}

/// The authorization endpoint override, for providers whose grants redirect the user.
#[macro_export]
macro_rules! redirect {
    () => {
        impl ClientBuilder {
            /// Sends users to this authorization endpoint instead of the provider's (a proxy or test server).
            pub fn authorize_url(
                self,
                url: impl ::std::convert::Into<::std::string::String>,
            ) -> Self {
                ClientBuilder(self.0.authorize_url(url.into()))
            }
        }
    };
}

/// The authorization code flow: `authorize_url`, `finish_authorization` and
/// `authorize_with_loopback`, taking `&[$scope]` when the provider declares scopes.
#[macro_export]
macro_rules! authorization_code {
    ($($scope:ident)?) => {
        impl Client {
            /// Starts the authorization code flow: send the user to the returned URL, keep the
            /// value until the callback. The URL carries a fresh random `state` (and a PKCE S256
            /// challenge when the provider uses PKCE).
            pub fn authorize_url(&self, redirect_uri: &str $(, scopes: &[$scope])?) -> $crate::Result<$crate::AuthorizationRequest> {
                self.api.authorize_url(redirect_uri, $crate::__scopes!($(scopes $scope)?))
            }

            /// Finishes the authorization code flow from the URL the browser was redirected to:
            /// checks `state`, exchanges the code, and keeps the token for later calls.
            pub async fn finish_authorization(&self, request: &$crate::AuthorizationRequest, callback_url: &str) -> $crate::Result<::std::sync::Arc<$crate::Token>> {
                self.api.finish_authorization(request, callback_url).await
            }

            /// Runs the authorization code flow through a loopback redirect on 127.0.0.1
            /// (RFC 8252), for command-line and desktop apps: `open` receives the URL to show.
            pub async fn authorize_with_loopback(&self $(, scopes: &[$scope])?, timeout: ::std::time::Duration, open: impl ::std::ops::FnOnce(&$crate::url::Url)) -> $crate::Result<::std::sync::Arc<$crate::Token>> {
                self.api.authorize_with_loopback($crate::__scopes!($(scopes $scope)?), timeout, open).await
            }
        }
    };
}

/// The implicit flow, deprecated as OAuth 2.1 removes it.
#[macro_export]
macro_rules! implicit {
    ($($scope:ident)?) => {
        impl Client {
            /// Starts the implicit flow (the token comes back in the URL fragment).
            #[deprecated(note = "the implicit grant is removed in OAuth 2.1 (RFC 9700); use `authorize_url`")]
            pub fn implicit_authorize_url(&self, redirect_uri: &str $(, scopes: &[$scope])?) -> $crate::Result<$crate::AuthorizationRequest> {
                #[allow(deprecated)]
                self.api.implicit_authorize_url(redirect_uri, $crate::__scopes!($(scopes $scope)?))
            }

            /// Reads the token from an implicit-flow redirect (`#access_token=..&state=..`), checking `state`.
            #[deprecated(note = "the implicit grant is removed in OAuth 2.1 (RFC 9700); use `finish_authorization`")]
            pub fn finish_implicit(&self, request: &$crate::AuthorizationRequest, redirect_url: &str) -> $crate::Result<::std::sync::Arc<$crate::Token>> {
                #[allow(deprecated)]
                self.api.finish_implicit(request, redirect_url)
            }
        }
    };
}

/// The builder's `client_credentials`, taking scopes when the provider declares them.
#[macro_export]
macro_rules! client_credentials {
    ($($scope:ident)?) => {
        impl ClientBuilder {
            /// Renews tokens with the client credentials grant (RFC 6749 §4.4), asking for `scopes`
            /// (none: the scopes the provider grants by default). Needs a confidential client.
            pub fn client_credentials(self $(, scopes: impl ::std::iter::IntoIterator<Item = $scope>)?) -> Self {
                ClientBuilder(self.0.client_credentials($crate::__scopes!(owned $(scopes $scope)?)))
            }
        }
    };
}

/// The wire values of a generated `Scope` enum, one per variant (`ReadContact("contacts:read")`):
/// the slice `$values` for the description, and `ALL`, `as_str`, `Display`, `FromStr` and
/// `AsRef<str>` of `$scope`.
#[macro_export]
macro_rules! scopes {
    ($scope:ident, $values:ident, [$($variant:ident($value:literal)),* $(,)?]) => {
        pub use $crate::UnknownScope;

        /// The wire value of each scope, in order.
        const $values: &[&str] = &[$($value),*];

        impl $scope {
            /// Every scope, in the spec's order.
            pub const ALL: &'static [$scope] = &[$($scope::$variant),*];

            /// The scope's value on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($scope::$variant => $value,)*
                }
            }
        }

        impl ::std::fmt::Display for $scope {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::convert::AsRef<str> for $scope {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::std::str::FromStr for $scope {
            type Err = $crate::UnknownScope;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                $scope::ALL
                    .iter()
                    .find(|scope| scope.as_str() == value)
                    .copied()
                    .ok_or_else(|| $crate::UnknownScope(value.to_owned()))
            }
        }
    };
}

/// The builder methods a spec names, each `kind setter(arguments), "docs"`, the docs written by
/// the generator (a generated crate invokes it once per variable and per scheme):
///
/// - `variable stage, ".."`: sets the template variable `stage`; `variable crate_("crate"), ".."`
///   when the method is not named like the variable;
/// - `oauth2 oauth2, ".."` and `oauth2_public oauth2_public, ".."`: the OAuth 2.0 client, with
///   and without a client secret;
/// - `password(email), ".."`: `password`, the password grant, its login argument named after
///   the provider's login field;
/// - `api_key api_key, ".."`, `basic pat, ".."`, `bearer token, ".."`: the credentials of the
///   scheme the description knows by the method's name.
#[macro_export]
macro_rules! setters {
    () => {};
    (password($login:ident), $doc:literal $(, $($rest:tt)*)?) => {
        $crate::__setter!(password($login), $doc);
        $crate::setters!($($($rest)*)?);
    };
    ($kind:ident $setter:ident $(($($argument:tt)*))?, $doc:literal $(, $($rest:tt)*)?) => {
        $crate::__setter!($kind $setter $(($($argument)*))?, $doc);
        $crate::setters!($($($rest)*)?);
    };
}

/// One method of [`setters!`], in an `impl ClientBuilder` of its own. Setters are named by the
/// spec's variables and schemes (`add`, `from`), whatever clippy expects of such names.
#[doc(hidden)]
#[macro_export]
macro_rules! __setter {
    (variable $setter:ident, $doc:literal) => {
        $crate::__setter!(variable $setter(::std::stringify!($setter)), $doc);
    };
    (variable $setter:ident($name:expr), $doc:literal) => {
        #[allow(clippy::should_implement_trait)]
        impl ClientBuilder {
            #[doc = $doc]
            pub fn $setter(self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                ClientBuilder(self.0.variable($name, value.into()))
            }
        }
    };
    (oauth2 $setter:ident, $doc:literal) => {
        #[allow(clippy::should_implement_trait)]
        impl ClientBuilder {
            #[doc = $doc]
            pub fn $setter(
                self,
                client_id: impl ::std::convert::Into<::std::string::String>,
                client_secret: impl ::std::convert::Into<$crate::ClientSecret>,
            ) -> Self {
                let client_secret = ::std::option::Option::Some(client_secret.into());
                ClientBuilder(self.0.oauth2(client_id.into(), client_secret))
            }
        }
    };
    (oauth2_public $setter:ident, $doc:literal) => {
        #[allow(clippy::should_implement_trait)]
        impl ClientBuilder {
            #[doc = $doc]
            pub fn $setter(self, client_id: impl ::std::convert::Into<::std::string::String>) -> Self {
                ClientBuilder(self.0.oauth2(client_id.into(), ::std::option::Option::None))
            }
        }
    };
    (password($login:ident), $doc:literal) => {
        impl ClientBuilder {
            #[doc = $doc]
            pub fn password(
                self,
                $login: impl ::std::convert::Into<::std::string::String>,
                password: impl ::std::convert::Into<$crate::Password>,
            ) -> Self {
                ClientBuilder(self.0.password($login.into(), password.into()))
            }
        }
    };
    (api_key $setter:ident, $doc:literal) => {
        #[allow(clippy::should_implement_trait)]
        impl ClientBuilder {
            #[doc = $doc]
            pub fn $setter(self, key: impl ::std::convert::Into<$crate::ApiKey>) -> Self {
                ClientBuilder(self.0.api_key(::std::stringify!($setter), key.into()))
            }
        }
    };
    (basic $setter:ident, $doc:literal) => {
        #[allow(clippy::should_implement_trait)]
        impl ClientBuilder {
            #[doc = $doc]
            pub fn $setter(
                self,
                id: impl ::std::convert::Into<::std::string::String>,
                token: impl ::std::convert::Into<$crate::PersonalAccessToken>,
            ) -> Self {
                ClientBuilder(self.0.basic(::std::stringify!($setter), id.into(), token.into()))
            }
        }
    };
    (bearer $setter:ident, $doc:literal) => {
        #[allow(clippy::should_implement_trait)]
        impl ClientBuilder {
            #[doc = $doc]
            pub fn $setter(self, token: impl ::std::convert::Into<$crate::AccessToken>) -> Self {
                ClientBuilder(self.0.bearer(::std::stringify!($setter), token.into()))
            }
        }
    };
}

/// `decode_error`: the provider's error body of an [`Error::Api`](crate::Error::Api) as the
/// spec's error type `$ty`.
#[macro_export]
macro_rules! decode_error {
    ($ty:ty) => {
        /// The provider's error body of an [`Error::Api`] decoded as its declared type, when it is one.
        pub fn decode_error(error: &Error) -> ::std::option::Option<$ty> {
            match error {
                Error::Api { error, .. } => {
                    $crate::__private::serde_json::from_value(error.body.clone()).ok()
                }
                _ => ::std::option::Option::None,
            }
        }
    };
}

/// The scope values of a flow macro's `scopes` argument, or none when the provider has no
/// scopes (and so no argument).
#[doc(hidden)]
#[macro_export]
macro_rules! __scopes {
    () => {
        &[] as &[&str]
    };
    ($scopes:ident $scope:ident) => {
        $scopes
    };
    (owned) => {
        ::std::vec::Vec::new()
    };
    (owned $scopes:ident $scope:ident) => {
        ::std::iter::IntoIterator::into_iter($scopes)
            .map(|scope: $scope| scope.as_str().to_owned())
            .collect()
    };
}

/// A scope value a generated `Scope` enum does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownScope(pub String);

impl std::fmt::Display for UnknownScope {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown scope `{}`", self.0)
    }
}

impl std::error::Error for UnknownScope {}
