//! From the resolved model to Rust tokens: one module per concern, assembled here.
//!
//! [`items`] is what both delivery modes share: the committed crate's `lib.rs` (through
//! [`crate::render`]) and the `provider!` macro's expansion.

mod client;
mod example;
mod names;
mod operations;
mod scopes;
mod types;
mod webhooks;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Provider;

/// Every item of a provider's client, without crate-level attributes.
pub fn items(provider: &Provider) -> TokenStream {
    let scope_enum = client::oauth2(provider)
        .map(|(_, o)| scopes::scope_enum(&provider.title, &o.scopes))
        .unwrap_or_default();
    let client = client::client(provider, operations::methods(&provider.operations));
    let parameter_structs = operations::parameter_structs(&provider.operations);
    let types = types::types(&provider.types);
    let webhooks = provider
        .webhooks
        .as_ref()
        .map(|w| webhooks::webhooks(&provider.title, w));
    let error_decoder = provider.error.as_ref().map(error_decoder);
    quote! {
        pub use ::provider_runtime::{
            AccessToken, ApiKey, AuthorizationRequest, ClientSecret, Error, FileStore, MemoryStore, Password,
            PersonalAccessToken, ProviderError, Token, TokenStore,
        };

        /// The result of every call of this client.
        pub type Result<T, E = Error> = ::std::result::Result<T, E>;

        #scope_enum
        #client
        #parameter_structs
        #types
        #webhooks
        #error_decoder
    }
}

/// `decode_error`: the provider's error body of an [`Error::Api`](provider_runtime::Error) as its declared type.
fn error_decoder(ty: &crate::model::TypeRef) -> TokenStream {
    let ty = types::type_tokens(ty);
    quote! {
        /// The provider's error body of an [`Error::Api`] decoded as its declared type, when it is one.
        pub fn decode_error(error: &Error) -> ::std::option::Option<#ty> {
            match error {
                Error::Api { error, .. } => ::serde_json::from_value(error.body.clone()).ok(),
                _ => None,
            }
        }
    }
}

/// Crate-level attributes and docs of the committed crate, followed by [`items`].
pub fn crate_file(provider: &Provider) -> TokenStream {
    let docs = example::crate_docs(provider);
    // One attribute per line, so the docs print as `//!` lines rather than one `/*! */` block.
    let docs = docs.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    let items = items(provider);
    quote! {
        #(#![doc = #docs])*
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]

        #items
    }
}
