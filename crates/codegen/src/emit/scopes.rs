//! The `Scope` enum: every scope of the provider, documented; its wire values (`SCOPES`, which
//! the description names) and impls come from the runtime's `scopes!`, given each variant's value.

use crate::markdown::code;
use proc_macro2::TokenStream;
use quote::quote;

use super::docs::docs;
use crate::model::Scope;

/// `Scope` with `as_str`, `Display` and `FromStr`; nothing when the provider has no scopes.
pub(crate) fn scope_enum(title: &str, scopes: &[Scope]) -> TokenStream {
    if scopes.is_empty() {
        return quote!();
    }
    let variants: Vec<_> = scopes.iter().map(|s| s.variant.to_ident()).collect();
    let values = scopes.iter().map(|s| &s.value);
    let declarations = scopes.iter().zip(&variants).map(|(scope, variant)| {
        let value = code(&scope.value);
        let doc = docs(&match &scope.description {
            Some(description) => format!("{} ({value})", description.trim()),
            None => value,
        });
        quote!(#doc #variant,)
    });
    let enum_doc = docs(&format!("An OAuth scope of {title}."));
    quote! {
        #enum_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Scope {
            #(#declarations)*
        }
        ::provider_runtime::scopes!(Scope, SCOPES, [#(#variants(#values)),*]);
    }
}
