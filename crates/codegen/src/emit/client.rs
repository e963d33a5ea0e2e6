//! The typed surface of `Client` and `ClientBuilder`: the runtime's surface macros for what
//! every provider has and for each flow the spec offers (a flow it lacks gets no method), and
//! the setters named by the spec (variables, schemes), each a call into the runtime's engine.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::docs;
use crate::markdown::code;
use crate::model::{ApiKeyLocation, AuthKind, AuthScheme, Grant, OAuth2, Provider, Variable};

/// `Client`, `ClientBuilder` and their methods besides the operations.
pub(crate) fn client(provider: &Provider) -> TokenStream {
    let title = &provider.title;
    let flows = provider.oauth2().map(|(_, oauth2)| flows(oauth2));
    let variables = provider.variables.iter().map(variable_setter);
    let schemes = provider.auth.iter().map(scheme_setters);
    let password = provider
        .oauth2()
        .and_then(|(_, oauth2)| password_setter(oauth2));
    quote! {
        ::provider_runtime::client!(PROVIDER, #title);
        #flows

        // Setters are named by the spec's variables and schemes (`add`, `from`).
        #[allow(clippy::should_implement_trait)]
        impl ClientBuilder {
            #(#variables)*
            #(#schemes)*
            #password
        }
    }
}

/// The surface macros of the flows `oauth2` offers, with `Scope` arguments when it has scopes.
fn flows(oauth2: &OAuth2) -> TokenStream {
    let scope = (!oauth2.scopes.is_empty()).then(|| quote!(Scope));
    let offers = |grant| oauth2.grants.contains(&grant);
    let redirect = oauth2
        .authorize_url
        .as_ref()
        .map(|_| quote!(::provider_runtime::redirect!();));
    let authorization_code = offers(Grant::AuthorizationCode)
        .then(|| quote!(::provider_runtime::authorization_code!(#scope);));
    let implicit = offers(Grant::Implicit).then(|| quote!(::provider_runtime::implicit!(#scope);));
    let credentials = offers(Grant::ClientCredentials)
        .then(|| quote!(::provider_runtime::client_credentials!(#scope);));
    quote! {
        ::provider_runtime::oauth2!();
        #redirect #authorization_code #implicit #credentials
    }
}

/// `password`, whose login argument is named after the provider's login field.
fn password_setter(oauth2: &OAuth2) -> Option<TokenStream> {
    oauth2.grants.contains(&Grant::Password).then(|| {
        let login = oauth2.username_argument.to_ident();
        let doc = docs(&format!(
            "Signs in with the password grant (RFC 6749 §4.3); the login is sent as {}.",
            code(&oauth2.username_field)
        ));
        quote! {
            #doc
            pub fn password(self, #login: impl ::std::convert::Into<::std::string::String>, password: impl ::std::convert::Into<::provider_runtime::Password>) -> Self {
                ClientBuilder(self.0.password(#login.into(), password.into()))
            }
        }
    })
}

fn variable_setter(variable: &Variable) -> TokenStream {
    let setter = variable.rust_name.to_ident();
    let name = &variable.name;
    let default = match &variable.default {
        Some(default) => format!("Default: {}.", code(default)),
        None => "Required.".to_owned(),
    };
    let doc = docs(&format!(
        "Sets {}: {}\n\n{default}",
        code(&format!("{{{name}}}")),
        variable.description.as_deref().unwrap_or("").trim()
    ));
    quote! {
        #doc
        pub fn #setter(self, value: impl ::std::convert::Into<::std::string::String>) -> Self {
            ClientBuilder(self.0.variable(#name, value.into()))
        }
    }
}

/// The builder methods that give `scheme` its credentials.
fn scheme_setters(scheme: &AuthScheme) -> TokenStream {
    let setter = scheme.rust_name.to_ident();
    // The runtime's engine knows each scheme by its setter's name.
    let name = scheme.rust_name.as_str();
    let description = scheme
        .description
        .as_deref()
        .map(|d| format!("\n\n{}", d.trim()))
        .unwrap_or_default();
    let doc = |what: &str| docs(&format!("{what}{description}"));
    match &scheme.kind {
        AuthKind::OAuth2(oauth2) => {
            let confidential = oauth2.allows_confidential_client().then(|| {
                let doc = doc("Authenticates with OAuth 2.0 as the confidential client `client_id`.");
                quote! {
                    #doc
                    pub fn #setter(self, client_id: impl ::std::convert::Into<::std::string::String>, client_secret: impl ::std::convert::Into<::provider_runtime::ClientSecret>) -> Self {
                        ClientBuilder(self.0.oauth2(client_id.into(), Some(client_secret.into())))
                    }
                }
            });
            let public = scheme.public_setter.as_ref().map(|public| {
                let public = public.to_ident();
                let doc = doc("Authenticates with OAuth 2.0 as the public client `client_id` (no secret).");
                quote! {
                    #doc
                    pub fn #public(self, client_id: impl ::std::convert::Into<::std::string::String>) -> Self {
                        ClientBuilder(self.0.oauth2(client_id.into(), None))
                    }
                }
            });
            quote!(#confidential #public)
        }
        AuthKind::ApiKey {
            location,
            name: key,
        } => {
            let place = match location {
                ApiKeyLocation::Header => format!("header {}", code(key)),
                ApiKeyLocation::Query => format!("query parameter {}", code(key)),
            };
            let doc = doc(&format!(
                "Authenticates with an API key, sent in the {place}."
            ));
            quote! {
                #doc
                pub fn #setter(self, key: impl ::std::convert::Into<::provider_runtime::ApiKey>) -> Self {
                    ClientBuilder(self.0.api_key(#name, key.into()))
                }
            }
        }
        AuthKind::Basic => {
            let doc =
                doc("Authenticates with a personal access token, sent as HTTP Basic `id:token`.");
            quote! {
                #doc
                pub fn #setter(self, id: impl ::std::convert::Into<::std::string::String>, token: impl ::std::convert::Into<::provider_runtime::PersonalAccessToken>) -> Self {
                    ClientBuilder(self.0.basic(#name, id.into(), token.into()))
                }
            }
        }
        AuthKind::Bearer => {
            let doc = doc("Authenticates with a fixed Bearer token.");
            quote! {
                #doc
                pub fn #setter(self, token: impl ::std::convert::Into<::provider_runtime::AccessToken>) -> Self {
                    ClientBuilder(self.0.bearer(#name, token.into()))
                }
            }
        }
    }
}
