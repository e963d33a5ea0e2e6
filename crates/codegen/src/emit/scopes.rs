//! The `Scope` enum: every scope of the provider, with its wire value.

use crate::markdown::code;
use proc_macro2::TokenStream;
use quote::quote;

use super::names::{docs, ident};
use crate::model::Scope;

/// `Scope` with `as_str`, `Display` and `FromStr`; nothing when the provider has no scopes.
pub(crate) fn scope_enum(title: &str, scopes: &[Scope]) -> TokenStream {
    if scopes.is_empty() {
        return quote!();
    }
    let variants: Vec<_> = scopes.iter().map(|s| ident(&s.variant)).collect();
    let values: Vec<&str> = scopes.iter().map(|s| s.value.as_str()).collect();
    let declarations = scopes.iter().zip(&variants).map(|(scope, variant)| {
        let value = code(&scope.value);
        let doc = docs(&format!(
            "{}\n\nSent as {value}.",
            scope.description.as_deref().unwrap_or(&value),
        ));
        quote!(#doc #variant,)
    });
    let enum_doc = docs(&format!("An OAuth scope of {title}."));
    quote! {
        #enum_doc
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Scope {
            #(#declarations)*
        }

        impl Scope {
            /// Every scope, in the spec's order.
            pub const ALL: &'static [Scope] = &[#(Scope::#variants),*];

            /// The scope's value on the wire.
            pub const fn as_str(self) -> &'static str {
                match self {
                    #(Scope::#variants => #values,)*
                }
            }
        }

        impl ::std::fmt::Display for Scope {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for Scope {
            type Err = UnknownScope;

            fn from_str(value: &str) -> ::std::result::Result<Self, Self::Err> {
                match value {
                    #(#values => Ok(Scope::#variants),)*
                    other => Err(UnknownScope(other.to_owned())),
                }
            }
        }

        /// A scope value this client does not know.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub struct UnknownScope(pub ::std::string::String);

        impl ::std::fmt::Display for UnknownScope {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "unknown scope `{}`", self.0)
            }
        }

        impl ::std::error::Error for UnknownScope {}
    }
}
