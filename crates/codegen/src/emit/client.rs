//! `Client` and `ClientBuilder`: template variables, the credentials of each auth scheme the
//! provider offers (and only those), `from_env`, and the OAuth flows the spec lists.

use crate::markdown::code;
use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::quote;

use super::names::{docs, ident};
use crate::model::{
    ApiKeyLocation, AuthKind, AuthScheme, ClientAuth, Grant, OAuth2, Provider, TokenBody,
};

/// The environment variable `<PROVIDER>_<SUFFIX>`.
fn env_name(provider: &Provider, suffix: &str) -> String {
    format!(
        "{}_{}",
        provider.crate_name.to_shouty_snake_case(),
        suffix.to_shouty_snake_case()
    )
}

/// The provider's OAuth 2.0 scheme, if it has one (validation allows at most one).
pub(crate) fn oauth2(provider: &Provider) -> Option<(&AuthScheme, &OAuth2)> {
    provider.auth.iter().find_map(|scheme| match &scheme.kind {
        AuthKind::OAuth2(oauth2) => Some((scheme, oauth2)),
        _ => None,
    })
}

/// `ClientBuilder`, `Client` and the non-operation methods of `Client`.
pub(crate) fn client(provider: &Provider, operation_methods: TokenStream) -> TokenStream {
    let builder = builder(provider);
    let oauth_methods = oauth2(provider)
        .map(|(_, o)| flow_methods(o))
        .unwrap_or_default();
    let title = &provider.title;
    let client_doc = docs(&format!(
        "A client of the {title} API.\n\nCheap to clone: clones share the connection pool and the token cache."
    ));
    let oauth_field = oauth2(provider).map(|_| {
        quote! {
            oauth2: ::std::option::Option<::std::sync::Arc<::provider_runtime::TokenSource>>,
        }
    });
    let from_env_doc = docs(&from_env_doc(provider));
    // A free function, not a method, so that no operation can take its name.
    let oauth2_source = oauth2(provider).map(|_| {
        quote! {
            /// The client's token source, or why it has none.
            fn oauth2_source(client: &Client) -> Result<&::std::sync::Arc<::provider_runtime::TokenSource>> {
                client.oauth2.as_ref().ok_or_else(|| {
                    ::provider_runtime::Error::InvalidConfig("this client was built without OAuth 2.0 credentials".to_owned())
                })
            }
        }
    });
    quote! {
        #client_doc
        #[derive(Debug, Clone)]
        pub struct Client {
            api: ::provider_runtime::ApiClient,
            #oauth_field
        }

        #builder
        #oauth2_source

        // Operations are named by the spec: `new` or `add` are API calls here, not constructors
        // or operators, whatever clippy expects of such names.
        #[allow(clippy::new_ret_no_self, clippy::should_implement_trait)]
        impl Client {
            /// Starts configuring a client.
            pub fn builder() -> ClientBuilder {
                <ClientBuilder as ::std::default::Default>::default()
            }

            #from_env_doc
            pub fn from_env() -> Result<Self> {
                Self::builder().from_env()?.build()
            }

            /// An authenticated call to any endpoint of the API, for what the spec does not
            /// describe. Credentials are added; paths leaving the provider's origin are refused.
            pub fn request(&self, method: Method, path: &str) -> ::provider_runtime::Call<'_> {
                self.api.request(method, path)
            }

            /// The request layer behind this client.
            pub fn api(&self) -> &::provider_runtime::ApiClient {
                &self.api
            }

            #oauth_methods
            #operation_methods
        }
    }
}

fn from_env_doc(provider: &Provider) -> String {
    let mut lines = vec![
        "Builds a client from environment variables, so secrets stay out of code.".to_owned(),
        String::new(),
    ];
    for variable in &provider.variables {
        let default = variable
            .default
            .as_ref()
            .map(|d| format!(" (default {})", code(d)))
            .unwrap_or_default();
        let description = variable.description.as_deref().unwrap_or("").trim();
        lines.push(format!(
            "- `{}`: {description}{default}",
            env_name(provider, &variable.name)
        ));
    }
    for scheme in &provider.auth {
        for (var, what) in scheme_env_vars(provider, scheme) {
            lines.push(format!("- `{var}`: {what}"));
        }
    }
    lines.push(String::new());
    lines.push("The first scheme (in this order) whose first variable is set is used. A missing variable is an [`Error::MissingEnv`] naming it.".to_owned());
    lines.join("\n")
}

/// The environment variables of a scheme, with what each holds; the first one selects it.
fn scheme_env_vars(provider: &Provider, scheme: &AuthScheme) -> Vec<(String, String)> {
    match &scheme.kind {
        AuthKind::OAuth2(oauth2) => {
            let mut vars = vec![(
                env_name(provider, "client_id"),
                "the OAuth client id".to_owned(),
            )];
            if oauth2.allows_confidential_client() {
                let optional = if oauth2.allows_public_client() {
                    " (omit for a public client)"
                } else {
                    ""
                };
                vars.push((
                    env_name(provider, "client_secret"),
                    format!("the OAuth client secret{optional}"),
                ));
            }
            if oauth2.grants.contains(&Grant::Password) {
                vars.push((
                    env_name(provider, &oauth2.username_env_var_suffix),
                    "the login for the password grant".to_owned(),
                ));
                vars.push((
                    env_name(provider, "password"),
                    "the password for the password grant".to_owned(),
                ));
            }
            vars
        }
        AuthKind::ApiKey { .. } => {
            vec![(env_name(provider, &scheme.name), "the API key".to_owned())]
        }
        AuthKind::Basic => vec![
            (
                env_name(provider, &format!("{}_id", scheme.name)),
                "the account id of the personal access token".to_owned(),
            ),
            (
                env_name(provider, &format!("{}_token", scheme.name)),
                "the personal access token".to_owned(),
            ),
        ],
        AuthKind::Bearer => vec![(
            env_name(provider, &scheme.name),
            "the Bearer token".to_owned(),
        )],
    }
}

fn builder(provider: &Provider) -> TokenStream {
    let variable_fields = provider.variables.iter().map(|v| {
        let field = ident(&v.rust_name);
        quote!(#field: ::std::option::Option<::std::string::String>,)
    });
    let variable_setters = provider.variables.iter().map(|v| {
        let field = ident(&v.rust_name);
        let default = v
            .default
            .as_ref()
            .map(|d| format!("\n\nDefault: {}.", code(d)))
            .unwrap_or_else(|| "\n\nRequired.".to_owned());
        let doc = docs(&format!(
            "Sets {}: {}{default}",
            code(&format!("{{{}}}", v.name)),
            v.description.as_deref().unwrap_or("").trim()
        ));
        quote! {
            #doc
            pub fn #field(mut self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.#field = Some(value.into());
                self
            }
        }
    });
    let scheme_fields = provider.auth.iter().map(|scheme| {
        let field = ident(&scheme.rust_name);
        let ty = match &scheme.kind {
            AuthKind::OAuth2(_) => quote!(OAuth2Setup),
            AuthKind::ApiKey { .. } => quote!(::provider_runtime::ApiKey),
            AuthKind::Basic => quote!((
                ::std::string::String,
                ::provider_runtime::PersonalAccessToken
            )),
            AuthKind::Bearer => quote!(::provider_runtime::AccessToken),
        };
        quote!(#field: ::std::option::Option<#ty>,)
    });
    let scheme_setters = provider.auth.iter().map(scheme_setter);
    let oauth_setup = oauth2(provider).map(|(_, oauth2)| oauth_setup(oauth2));
    let endpoint_fields = oauth2(provider).map(|(_, o)| {
        let authorize = o
            .authorize_url
            .as_ref()
            .map(|_| quote!(authorize_url: ::std::option::Option<::std::string::String>,));
        quote! {
            grant: ::std::option::Option<::provider_runtime::Renewal>,
            token_url: ::std::option::Option<::std::string::String>,
            #authorize
        }
    });
    let endpoint_setters = oauth2(provider).map(|(_, o)| {
        let authorize = o.authorize_url.as_ref().map(|_| {
            quote! {
                /// Sends users to this authorization endpoint instead of the provider's (a proxy or test server).
                pub fn authorize_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                    self.authorize_url = Some(url.into());
                    self
                }
            }
        });
        quote! {
            /// Sends token requests (and refreshes) to this URL instead of the provider's (a proxy or test server).
            pub fn token_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.token_url = Some(url.into());
                self
            }
            #authorize
        }
    });
    let store_field = oauth2(provider).map(|_| quote!(token_store: ::std::option::Option<::std::sync::Arc<dyn ::provider_runtime::TokenStore>>,));
    let store_setter = oauth2(provider).map(|_| {
        quote! {
            /// Keeps tokens in `store` (a [`FileStore`], a keychain)
            /// instead of memory, so they survive restarts. Rotated refresh tokens are saved before use.
            pub fn token_store(mut self, store: ::std::sync::Arc<dyn ::provider_runtime::TokenStore>) -> Self {
                self.token_store = Some(store);
                self
            }
        }
    });
    let from_env = builder_from_env(provider);
    let build = build_method(provider);
    let title = &provider.title;
    let builder_doc = docs(&format!("Configures a [`Client`] of {title}."));
    quote! {
        #builder_doc
        #[derive(Debug, Default)]
        #[must_use]
        pub struct ClientBuilder {
            #(#variable_fields)*
            #(#scheme_fields)*
            #endpoint_fields
            #store_field
            base_url: ::std::option::Option<::std::string::String>,
            http: ::std::option::Option<::provider_runtime::__private::reqwest::ClientBuilder>,
            timeout: ::std::option::Option<::std::time::Duration>,
        }

        #oauth_setup

        // Setters are named by the spec's variables and schemes (`add`, `from`).
        #[allow(clippy::should_implement_trait)]
        impl ClientBuilder {
            #(#variable_setters)*
            #(#scheme_setters)*
            #endpoint_setters
            #store_setter

            /// Sends API calls to this base URL instead of the provider's (a proxy or test server).
            pub fn base_url(mut self, url: impl ::std::convert::Into<::std::string::String>) -> Self {
                self.base_url = Some(url.into());
                self
            }

            /// Uses these reqwest settings (proxy, root certificates, user agent). Redirects are
            /// always followed by the client itself, which keeps credentials on the provider's origin.
            pub fn http_client(mut self, builder: ::provider_runtime::__private::reqwest::ClientBuilder) -> Self {
                self.http = Some(builder);
                self
            }

            /// How long one request may take (default: 30 seconds).
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.timeout = Some(timeout);
                self
            }

            #from_env
            #build
        }
    }
}

/// The private record of the OAuth client and grant chosen on the builder.
fn oauth_setup(oauth2: &OAuth2) -> TokenStream {
    let client_credentials = oauth2.grants.contains(&Grant::ClientCredentials).then(|| {
        let scopes = scopes_argument(oauth2);
        let to_strings = scopes_to_strings(oauth2, quote!(scopes));
        quote! {
            /// Renews tokens with the client credentials grant (RFC 6749 §4.4), asking for `scopes`
            /// (none: the scopes the provider grants by default).
            pub fn client_credentials(mut self, #scopes) -> Self {
                self.grant = Some(::provider_runtime::Renewal::ClientCredentials { scopes: #to_strings });
                self
            }
        }
    });
    let password = oauth2.grants.contains(&Grant::Password).then(|| {
        let login = ident(&oauth2.username_argument);
        let doc = docs(&format!(
            "Signs in with the password grant (RFC 6749 §4.3); the login is sent as {}.",
            code(&oauth2.username_field)
        ));
        let scopes = default_scopes(oauth2);
        quote! {
            #doc
            pub fn password(mut self, #login: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::provider_runtime::Password>) -> Self {
                self.grant = Some(::provider_runtime::Renewal::Password { username: #login.into(), password: password.into(), scopes: #scopes });
                self
            }
        }
    });
    quote! {
        /// The OAuth client chosen on a [`ClientBuilder`].
        #[derive(Debug)]
        struct OAuth2Setup {
            client_id: ::std::string::String,
            client_secret: ::std::option::Option<::provider_runtime::ClientSecret>,
        }

        impl ClientBuilder {
            #client_credentials
            #password
        }
    }
}

/// `scopes: impl IntoIterator<Item = Scope>`, or nothing when the provider has no scopes.
fn scopes_argument(oauth2: &OAuth2) -> TokenStream {
    if oauth2.scopes.is_empty() {
        quote!()
    } else {
        quote!(scopes: impl ::std::iter::IntoIterator<Item = Scope>)
    }
}

fn scopes_to_strings(oauth2: &OAuth2, scopes: TokenStream) -> TokenStream {
    if oauth2.scopes.is_empty() {
        quote!(::std::vec::Vec::new())
    } else {
        quote!(#scopes.into_iter().map(|scope| scope.as_str().to_owned()).collect())
    }
}

fn default_scopes(oauth2: &OAuth2) -> TokenStream {
    let scopes = &oauth2.default_scopes;
    quote!(::std::vec![#(#scopes.to_owned()),*])
}

fn scheme_setter(scheme: &AuthScheme) -> TokenStream {
    let field = ident(&scheme.rust_name);
    let description = scheme
        .description
        .as_deref()
        .map(|d| format!("\n\n{}", d.trim()))
        .unwrap_or_default();
    match &scheme.kind {
        AuthKind::OAuth2(oauth2) => {
            let confidential = oauth2.allows_confidential_client().then(|| {
                let doc = docs(&format!(
                    "Authenticates with OAuth 2.0 as the confidential client `client_id`.{description}"
                ));
                quote! {
                    #doc
                    pub fn #field(mut self, client_id: impl ::std::convert::Into<::std::string::String>, client_secret: impl ::std::convert::Into<::provider_runtime::ClientSecret>) -> Self {
                        self.#field = Some(OAuth2Setup { client_id: client_id.into(), client_secret: Some(client_secret.into()) });
                        self
                    }
                }
            });
            let public = scheme.public_setter.as_deref().map(|method| {
                let method = ident(method);
                let doc = docs(&format!("Authenticates with OAuth 2.0 as the public client `client_id` (no secret).{description}"));
                quote! {
                    #doc
                    pub fn #method(mut self, client_id: impl ::std::convert::Into<::std::string::String>) -> Self {
                        self.#field = Some(OAuth2Setup { client_id: client_id.into(), client_secret: None });
                        self
                    }
                }
            });
            quote!(#confidential #public)
        }
        AuthKind::ApiKey { location, name } => {
            let place = match location {
                ApiKeyLocation::Header => format!("header {}", code(name)),
                ApiKeyLocation::Query => format!("query parameter {}", code(name)),
            };
            let doc = docs(&format!(
                "Authenticates with an API key, sent in the {place}.{description}"
            ));
            quote! {
                #doc
                pub fn #field(mut self, key: impl ::std::convert::Into<::provider_runtime::ApiKey>) -> Self {
                    self.#field = Some(key.into());
                    self
                }
            }
        }
        AuthKind::Basic => {
            let doc = docs(&format!(
                "Authenticates with a personal access token, sent as HTTP Basic `id:token`.{description}"
            ));
            quote! {
                #doc
                pub fn #field(mut self, id: impl ::std::convert::Into<::std::string::String>, token: impl ::std::convert::Into<::provider_runtime::PersonalAccessToken>) -> Self {
                    self.#field = Some((id.into(), token.into()));
                    self
                }
            }
        }
        AuthKind::Bearer => {
            let doc = docs(&format!(
                "Authenticates with a fixed Bearer token.{description}"
            ));
            quote! {
                #doc
                pub fn #field(mut self, token: impl ::std::convert::Into<::provider_runtime::AccessToken>) -> Self {
                    self.#field = Some(token.into());
                    self
                }
            }
        }
    }
}

/// The grant that renews tokens when the builder names none: client credentials when offered,
/// otherwise only the user can (authorization code, implicit).
fn default_renewal(oauth2: &OAuth2) -> TokenStream {
    if oauth2.grants.contains(&Grant::ClientCredentials) {
        let scopes = default_scopes(oauth2);
        quote!(::provider_runtime::Renewal::ClientCredentials { scopes: #scopes })
    } else {
        quote!(::provider_runtime::Renewal::Reauthorize)
    }
}

fn builder_from_env(provider: &Provider) -> TokenStream {
    let variables = provider.variables.iter().map(|v| {
        let field = ident(&v.rust_name);
        let var = env_name(provider, &v.name);
        quote! {
            if let Some(value) = ::provider_runtime::env_var(#var) {
                self.#field = Some(value);
            }
        }
    });
    let triggers: Vec<String> = provider
        .auth
        .iter()
        .map(|s| scheme_env_vars(provider, s)[0].0.clone())
        .collect();
    let read_scheme = |scheme: &AuthScheme| -> TokenStream {
        let field = ident(&scheme.rust_name);
        let vars: Vec<String> = scheme_env_vars(provider, scheme)
            .into_iter()
            .map(|(v, _)| v)
            .collect();
        match &scheme.kind {
            AuthKind::OAuth2(oauth2) => {
                let id = &vars[0];
                let secret = if !oauth2.allows_confidential_client() {
                    quote!(None)
                } else if oauth2.allows_public_client() {
                    let var = &vars[1];
                    quote!(::provider_runtime::env_var(#var).map(::provider_runtime::ClientSecret::new))
                } else {
                    let var = &vars[1];
                    quote!(Some(::provider_runtime::ClientSecret::new(::provider_runtime::required_env_var(#var)?)))
                };
                let password = oauth2.grants.contains(&Grant::Password).then(|| {
                    let login_var = &vars[vars.len() - 2];
                    let password_var = &vars[vars.len() - 1];
                    let scopes = default_scopes(oauth2);
                    quote! {
                        if let Some(login) = ::provider_runtime::env_var(#login_var) {
                            let password = ::provider_runtime::Password::new(::provider_runtime::required_env_var(#password_var)?);
                            self.grant = Some(::provider_runtime::Renewal::Password { username: login, password, scopes: #scopes });
                        }
                    }
                });
                quote! {
                    self.#field = Some(OAuth2Setup {
                        client_id: ::provider_runtime::required_env_var(#id)?,
                        client_secret: #secret,
                    });
                    #password
                }
            }
            AuthKind::ApiKey { .. } | AuthKind::Bearer => {
                let var = &vars[0];
                quote!(self.#field = Some(::provider_runtime::required_env_var(#var)?.into());)
            }
            AuthKind::Basic => {
                let (id, token) = (&vars[0], &vars[1]);
                quote! {
                    self.#field = Some((
                        ::provider_runtime::required_env_var(#id)?,
                        ::provider_runtime::required_env_var(#token)?.into(),
                    ));
                }
            }
        }
    };
    let branches = provider
        .auth
        .iter()
        .zip(&triggers)
        .map(|(scheme, trigger)| {
            let read = read_scheme(scheme);
            let companions = scheme
                .requires
                .iter()
                .filter_map(|name| provider.auth.iter().find(|s| &s.name == name))
                .map(read_scheme);
            quote! {
                if ::provider_runtime::env_var(#trigger).is_some() {
                    #read
                    #(#companions)*
                    return Ok(self);
                }
            }
        });
    let all_triggers = triggers.join(" or ");
    quote! {
        /// Reads template variables and credentials from the environment (see [`Client::from_env`]).
        pub fn from_env(mut self) -> Result<Self> {
            #(#variables)*
            #(#branches)*
            Err(::provider_runtime::Error::MissingEnv(#all_triggers.to_owned()))
        }
    }
}

fn build_method(provider: &Provider) -> TokenStream {
    let title = &provider.title;
    let base_url = &provider.base_url.text;
    let headers = provider.headers.iter().map(|header| {
        let name = &header.name;
        let value = &header.value.text;
        quote!(let api = api.with_header(#name, &variables.expand(#value)?)?;)
    });
    let variables = provider.variables.iter().map(|v| {
        let field = ident(&v.rust_name);
        let name = &v.name;
        let value = match &v.default {
            Some(default) => quote!(self.#field.as_deref().unwrap_or(#default)),
            None => {
                let message = format!(
                    "{title} needs `{name}`: call `.{}(..)` or set {}",
                    v.rust_name.trim_start_matches("r#"),
                    env_name(provider, name)
                );
                quote!(self.#field.as_deref().ok_or_else(|| ::provider_runtime::Error::InvalidConfig(#message.to_owned()))?)
            }
        };
        quote!(variables.set(#name, #value)?;)
    });
    let offered = provider.auth.iter().map(|s| {
        let name = s.rust_name.trim_start_matches("r#");
        let requires = s
            .requires
            .iter()
            .filter_map(|r| provider.auth.iter().find(|a| &a.name == r))
            .map(|a| a.rust_name.trim_start_matches("r#"));
        quote!((#name, &[#(#requires),*]))
    });
    let chosen = provider.auth.iter().map(|s| {
        let field = ident(&s.rust_name);
        let name = s.rust_name.trim_start_matches("r#");
        quote!(self.#field.is_some().then_some(#name))
    });
    let credentials = provider.auth.iter().map(credential);
    let mutable = (!provider.variables.is_empty()).then(|| quote!(mut));
    let oauth_field = oauth2(provider).map(|_| quote!(oauth2,));
    let oauth_init = oauth2(provider).map(|_| quote!(let mut oauth2 = None;));
    quote! {
        /// Builds the client: fills the URL templates, checks the credentials, prepares the HTTP client.
        pub fn build(self) -> Result<Client> {
            let #mutable variables = ::provider_runtime::Variables::new();
            #(#variables)*
            let chosen: ::std::vec::Vec<&str> = [#(#chosen),*].into_iter().flatten().collect();
            ::provider_runtime::check_schemes(#title, &chosen, &[#(#offered),*])?;
            let transport = ::provider_runtime::Transport::from_builder(
                self.http.unwrap_or_default(),
                self.timeout.unwrap_or(::provider_runtime::DEFAULT_TIMEOUT),
            )?;
            let base_url = variables.expand_url(self.base_url.as_deref().unwrap_or(#base_url))?;
            let mut credentials = ::std::vec::Vec::new();
            #oauth_init
            #(#credentials)*
            let api = ::provider_runtime::ApiClient::new(base_url, credentials, transport);
            #(#headers)*
            Ok(Client { api, #oauth_field })
        }
    }
}

/// The statements of `build` that turn one scheme's builder field into a credential.
fn credential(scheme: &AuthScheme) -> TokenStream {
    let field = ident(&scheme.rust_name);
    match &scheme.kind {
        AuthKind::OAuth2(oauth2) => {
            let config = oauth2_config(oauth2);
            let default_renewal = default_renewal(oauth2);
            let prefix_header = match &oauth2.token_prefix_header {
                Some(header) => {
                    let header = header.to_ascii_lowercase();
                    quote!(Some(::provider_runtime::__private::reqwest::header::HeaderName::from_static(#header)))
                }
                None => quote!(None),
            };
            let authorize_override = oauth2.authorize_url.as_ref().map(|_| {
                quote! {
                    if let Some(url) = self.authorize_url {
                        config.authorize_url = Some(url);
                    }
                }
            });
            quote! {
                if let Some(setup) = self.#field {
                    let mut config = #config;
                    if let Some(url) = self.token_url {
                        config.token_url = url;
                        config.refresh_url = None;
                    }
                    #authorize_override
                    let client = ::provider_runtime::OAuthClient::new(config, &variables, setup.client_id, setup.client_secret, transport.clone())?;
                    let renewal = self.grant.unwrap_or(#default_renewal);
                    let source = ::std::sync::Arc::new(::provider_runtime::TokenSource::new(client, renewal, self.token_store));
                    credentials.push(::provider_runtime::Credential::OAuth2 { source: source.clone(), prefix_header: #prefix_header });
                    oauth2 = Some(source);
                }
            }
        }
        AuthKind::ApiKey { location, name } => {
            let make = match location {
                ApiKeyLocation::Header => {
                    quote!(::provider_runtime::Credential::api_key_header(#name, key)?)
                }
                ApiKeyLocation::Query => {
                    quote!(::provider_runtime::Credential::api_key_query(#name, key))
                }
            };
            quote! {
                if let Some(key) = self.#field {
                    credentials.push(#make);
                }
            }
        }
        AuthKind::Basic => quote! {
            if let Some((id, token)) = self.#field {
                credentials.push(::provider_runtime::Credential::Basic { id, token });
            }
        },
        AuthKind::Bearer => {
            quote! {
                if let Some(token) = self.#field {
                    credentials.push(::provider_runtime::Credential::Bearer(token));
                }
            }
        }
    }
}

/// The provider's `OAuth2Config` as a struct literal.
fn oauth2_config(oauth2: &OAuth2) -> TokenStream {
    let authorize_url = match &oauth2.authorize_url {
        Some(url) => {
            let url = &url.text;
            quote!(Some(#url.to_owned()))
        }
        None => quote!(None),
    };
    let token_url = &oauth2.token_url.text;
    let refresh_url = if oauth2.refresh_url.text == *token_url {
        quote!(None)
    } else {
        let url = &oauth2.refresh_url.text;
        quote!(Some(#url.to_owned()))
    };
    let client_auth = match oauth2.client_auth {
        ClientAuth::Basic => quote!(Basic),
        ClientAuth::Form => quote!(Form),
        ClientAuth::Json => quote!(Json),
        ClientAuth::None => quote!(None),
    };
    let body_format = match oauth2.body {
        TokenBody::Form => quote!(Form),
        TokenBody::Json => quote!(Json),
    };
    let pkce = oauth2.pkce;
    let separator = &oauth2.scope_separator;
    let send_scopes = oauth2.send_scopes;
    let pairs = |pairs: &[(String, String)]| {
        let pairs = pairs
            .iter()
            .map(|(k, v)| quote!((#k.to_owned(), #v.to_owned())));
        quote!(::std::vec![#(#pairs),*])
    };
    let extra_authorize = pairs(&oauth2.extra_authorize_params);
    let extra_token = pairs(&oauth2.extra_token_params);
    let username_field = &oauth2.username_field;
    let lifetime = match oauth2.default_lifetime_secs {
        Some(secs) => quote!(Some(::std::time::Duration::from_secs(#secs))),
        None => quote!(None),
    };
    quote! {
        ::provider_runtime::OAuth2Config {
            authorize_url: #authorize_url,
            token_url: #token_url.to_owned(),
            refresh_url: #refresh_url,
            client_auth: ::provider_runtime::ClientAuth::#client_auth,
            body_format: ::provider_runtime::BodyFormat::#body_format,
            pkce: #pkce,
            scope_separator: #separator.to_owned(),
            send_scopes: #send_scopes,
            extra_authorize_params: #extra_authorize,
            extra_token_params: #extra_token,
            username_field: #username_field.to_owned(),
            default_lifetime: #lifetime,
        }
    }
}

/// `token`, `granted_scopes` and the user-facing flows the spec offers.
fn flow_methods(oauth2: &OAuth2) -> TokenStream {
    let scopes_param = if oauth2.scopes.is_empty() {
        quote!()
    } else {
        quote!(, scopes: &[Scope])
    };
    let scopes_value = if oauth2.scopes.is_empty() {
        quote!(&[])
    } else {
        quote!(&scopes
            .iter()
            .map(|scope| scope.as_str())
            .collect::<::std::vec::Vec<_>>())
    };
    let authorization_code = oauth2.grants.contains(&Grant::AuthorizationCode).then(|| {
        let pkce = if oauth2.pkce { " and a PKCE S256 challenge" } else { "" };
        let doc = docs(&format!(
            "Starts the authorization code flow: send the user to the returned URL, keep the value until the callback.\n\nThe URL carries a fresh random `state`{pkce}."
        ));
        quote! {
            #doc
            pub fn authorize_url(&self, redirect_uri: &str #scopes_param) -> Result<::provider_runtime::AuthorizationRequest> {
                oauth2_source(self)?.oauth().authorize_url(redirect_uri, #scopes_value)
            }

            /// Finishes the authorization code flow from the URL the browser was redirected to:
            /// checks `state`, exchanges the code, and keeps the token for later calls.
            pub async fn finish_authorization(&self, request: &::provider_runtime::AuthorizationRequest, callback_url: &str) -> Result<::std::sync::Arc<::provider_runtime::Token>> {
                let source = oauth2_source(self)?;
                let token = source.oauth().exchange_callback(request, callback_url).await?;
                source.set_token(token)
            }

            /// Runs the authorization code flow through a loopback redirect on 127.0.0.1
            /// (RFC 8252), for command-line and desktop apps: `open` receives the URL to show.
            pub async fn authorize_with_loopback(&self #scopes_param, timeout: ::std::time::Duration, open: impl ::std::ops::FnOnce(&::provider_runtime::__private::url::Url)) -> Result<::std::sync::Arc<::provider_runtime::Token>> {
                let source = oauth2_source(self)?;
                let token = ::provider_runtime::authorize_with_loopback(source.oauth(), #scopes_value, timeout, open).await?;
                source.set_token(token)
            }
        }
    });
    let implicit = oauth2.grants.contains(&Grant::Implicit).then(|| {
        quote! {
            /// Starts the implicit flow (the token comes back in the URL fragment).
            #[deprecated(note = "the implicit grant is removed in OAuth 2.1 (RFC 9700); use `authorize_url`")]
            pub fn implicit_authorize_url(&self, redirect_uri: &str #scopes_param) -> Result<::provider_runtime::AuthorizationRequest> {
                #[allow(deprecated)]
                oauth2_source(self)?.oauth().implicit_authorize_url(redirect_uri, #scopes_value)
            }

            /// Reads the token from an implicit-flow redirect (`#access_token=..&state=..`), checking `state`.
            #[deprecated(note = "the implicit grant is removed in OAuth 2.1 (RFC 9700); use `finish_authorization`")]
            pub fn finish_implicit(&self, request: &::provider_runtime::AuthorizationRequest, redirect_url: &str) -> Result<::std::sync::Arc<::provider_runtime::Token>> {
                let source = oauth2_source(self)?;
                #[allow(deprecated)]
                let token = source.oauth().parse_implicit_redirect(request, redirect_url)?;
                source.set_token(token)
            }
        }
    });
    quote! {
        /// A valid OAuth access token: the cached one, or a renewed one.
        pub async fn token(&self) -> Result<::std::sync::Arc<::provider_runtime::Token>> {
            oauth2_source(self)?.token().await
        }

        /// Uses `token` (from an earlier session, say) for later calls, saving it in the token store.
        pub fn set_token(&self, token: ::provider_runtime::Token) -> Result<::std::sync::Arc<::provider_runtime::Token>> {
            oauth2_source(self)?.set_token(token)
        }

        /// The scopes of the cached token, when the provider listed them.
        pub fn granted_scopes(&self) -> ::std::option::Option<::std::vec::Vec<::std::string::String>> {
            self.api.granted_scopes()
        }

        #authorization_code
        #implicit
    }
}
