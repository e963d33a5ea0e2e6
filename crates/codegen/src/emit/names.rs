//! Identifiers and doc attributes: the two token shapes every emitter needs.

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

/// An identifier from a resolved Rust name (`r#type` becomes a raw identifier).
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// `#[doc = ".."]` attributes, one per line, so prettyplease prints them as `///` comments.
pub(crate) fn docs(text: &str) -> TokenStream {
    let lines = text.trim().lines().map(|line| {
        let line = format!(" {}", line.trim_end());
        quote!(#[doc = #line])
    });
    quote!(#(#lines)*)
}

/// Docs made of paragraphs, skipping empty ones.
pub(crate) fn doc_paragraphs<'a>(paragraphs: impl IntoIterator<Item = &'a str>) -> TokenStream {
    let text = paragraphs
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    docs(&text)
}
