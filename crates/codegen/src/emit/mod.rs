//! From the resolved model to Rust tokens: one module per concern, assembled here.
//!
//! [`items`] is what both delivery modes share: the committed crate's `lib.rs` (through
//! [`crate::render`]) and the `provider!` macro's expansion. It is cut into [`sections`] that
//! can be emitted independently, which lets the renderer use several cores.
//!
//! The crate root holds the client's own items (`Client`, `ClientBuilder`, `Scope`,
//! `WebhookEvent`, the runtime's re-exports); the spec's types and the types derived from it
//! live in the [`TYPES_MODULE`], re-exported at the root by a glob, which the root's own items
//! shadow. So a spec type may take any name, and code outside the module names it by path.

mod client;
mod describe;
mod docs;
mod example;
mod operations;
mod scopes;
mod types;
mod webhooks;

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{Provider, TypeRef, TYPES_MODULE};
use types::Site;

/// One part of a crate: a sequence of items emitted on its own, so that large crates can be
/// emitted and formatted on several cores (see [`crate::render`]).
pub type Section<'a> = Box<dyn Fn() -> TokenStream + Send + Sync + 'a>;

/// The sections of a provider's client, in output order; together they are [`items`].
pub fn sections(provider: &Provider) -> Vec<Section<'_>> {
    vec![
        Box::new(|| {
            let description = describe::description(provider);
            let scope_enum = provider
                .oauth2()
                .map(|(_, o)| scopes::scope_enum(&provider.title, &o.scopes))
                .unwrap_or_default();
            let client = client::client(provider);
            let operations = (!provider.operations.is_empty()).then(|| {
                let methods = operations::methods(&provider.operations);
                quote! {
                    // Operations are named by the spec: `new` or `add` are API calls here, not
                    // constructors or operators, whatever clippy expects of such names.
                    #[allow(clippy::new_ret_no_self, clippy::should_implement_trait)]
                    impl Client {
                        #methods
                    }
                }
            });
            quote!(#description #scope_enum #client #operations)
        }),
        Box::new(|| {
            let webhook_event = provider
                .webhooks
                .as_ref()
                .map(|w| webhooks::webhook_event(&provider.title, w));
            let error_decoder = provider.error.as_ref().map(error_decoder);
            quote!(#webhook_event #error_decoder)
        }),
        Box::new(|| types_module(provider)),
    ]
}

/// Every item of a provider's client, without crate-level attributes.
pub fn items(provider: &Provider) -> TokenStream {
    sections(provider).iter().map(|section| section()).collect()
}

/// The [`TYPES_MODULE`] and its glob re-export; nothing when the spec declares and derives no
/// type (an empty glob would be an unused import).
fn types_module(provider: &Provider) -> TokenStream {
    let parameters = operations::parameter_structs(&provider.operations);
    let types = types::types(&provider.types);
    let payloads = provider.webhooks.as_ref().map(webhooks::payloads);
    if parameters.is_empty() && types.is_empty() && payloads.is_none() {
        return TokenStream::new();
    }
    let module = TYPES_MODULE.to_ident();
    quote! {
        pub use self::#module::*;

        /// The spec's types, and the types derived from its operations (query parameters,
        /// request headers) and webhook events, all re-exported at the crate root. A type named
        /// like an item of the client (`Client`, `Error`, `Result`, ...) is only reachable here:
        /// at the crate root, that name is the client's.
        pub mod #module {
            #parameters
            #types
            #payloads
        }
    }
}

/// `decode_error`: the provider's error body of an [`Error::Api`](provider_runtime::Error) as its declared type.
fn error_decoder(ty: &TypeRef) -> TokenStream {
    let ty = types::type_tokens(ty, Site::Outside);
    quote!(::provider_runtime::decode_error!(#ty);)
}

/// The crate-level attributes and docs of the committed crate (what precedes [`items`]).
pub fn crate_attributes(provider: &Provider) -> TokenStream {
    let docs = example::crate_docs(provider);
    // One attribute per line, so the docs print as `//!` lines rather than one `/*! */` block.
    let docs = docs.lines().map(|line| {
        if line.is_empty() {
            String::new()
        } else {
            format!(" {line}")
        }
    });
    quote! {
        #(#![doc = #docs])*
        #![forbid(unsafe_code)]
        #![warn(missing_docs)]
    }
}

/// The committed crate's `lib.rs`: [`crate_attributes`] followed by [`items`].
pub fn crate_file(provider: &Provider) -> TokenStream {
    let attributes = crate_attributes(provider);
    let items = items(provider);
    quote!(#attributes #items)
}
