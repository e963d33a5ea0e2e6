//! One async method per operation, plus the query-parameter structs they take.

use crate::markdown::code;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::names::{doc_paragraphs, docs, ident};
use super::types::{struct_item, type_tokens, Wire};
use crate::model::{
    Body, Field, Operation, Param, Segment, TypeRef, BODY_ARGUMENT, HEADERS_ARGUMENT,
    QUERY_ARGUMENT,
};

/// The parameter structs of every operation (`SendSmsQuery`, ...), emitted beside the types.
pub(crate) fn parameter_structs(operations: &[Operation]) -> TokenStream {
    let items = operations.iter().flat_map(|op| {
        [
            (&op.query_type, "query parameters", &op.query),
            (&op.headers_type, "request headers", &op.headers),
        ]
        .into_iter()
        .filter_map(|(name, what, params)| name.as_ref().map(|name| (name, what, params)))
        .map(move |(name, what, params)| {
            let doc = docs(&format!(
                "The {what} of [`Client::{}`].",
                op.rust_name.trim_start_matches("r#")
            ));
            let fields: Vec<Field> = params.iter().map(param_field).collect();
            struct_item(name, &doc, &fields, Wire::Fields)
        })
    });
    quote!(#(#items)*)
}

/// A parameter as a field of its operation's parameter struct.
fn param_field(param: &Param) -> Field {
    Field {
        wire_name: param.name.clone(),
        rust_name: param.rust_name.clone(),
        ty: param.ty.clone(),
        required: param.required,
        boxed: false,
        description: param.description.clone(),
    }
}

/// The `impl Client` methods of every operation.
pub(crate) fn methods(operations: &[Operation]) -> TokenStream {
    let methods = operations.iter().map(method);
    quote!(#(#methods)*)
}

fn method(op: &Operation) -> TokenStream {
    let name = ident(&op.rust_name);
    let method = format_ident!("{}", op.method.as_str());
    let mut args = Vec::new();
    for param in &op.path_params {
        let arg = ident(&param.rust_name);
        let ty = match param.ty {
            TypeRef::String => quote!(&str),
            _ => type_tokens(&param.ty),
        };
        args.push(quote!(#arg: #ty));
    }
    let mut calls = Vec::new();
    for (struct_name, arg_name, add, params) in [
        (&op.query_type, QUERY_ARGUMENT, "query", &op.query),
        (&op.headers_type, HEADERS_ARGUMENT, "header", &op.headers),
    ] {
        let Some(struct_name) = struct_name else {
            continue;
        };
        let arg = ident(arg_name);
        let ty = ident(struct_name);
        args.push(quote!(#arg: &#ty));
        calls.extend(params.iter().map(|p| add_param(add, &arg, p)));
    }
    match &op.body {
        Some(Body::Empty) => calls.push(quote!(let call = call.empty_body();)),
        Some(Body::Json(ty) | Body::Form(ty)) => {
            let ty = type_tokens(ty);
            let body = ident(BODY_ARGUMENT);
            args.push(quote!(#body: &#ty));
            let encode = if matches!(op.body, Some(Body::Form(_))) {
                quote!(form)
            } else {
                quote!(json)
            };
            calls.push(quote!(let call = call.#encode(#body);));
        }
        None => {}
    }
    let response = op.response.as_ref().map_or_else(|| quote!(()), type_tokens);
    let path = path_expression(op);
    let scopes = &op.scopes;
    let success = op
        .success
        .iter()
        .map(|status| proc_macro2::Literal::u16_unsuffixed(*status));
    let envelope = op
        .envelope
        .as_ref()
        .map(|field| quote!(let call = call.envelope(#field);));
    let scope_doc = if scopes.is_empty() {
        String::new()
    } else {
        format!(
            "Required scopes: {}.",
            scopes
                .iter()
                .map(|s| code(s))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let route = code(&format!("{} {}", op.method.as_str(), op.path.text));
    let doc = doc_paragraphs([
        op.summary.as_str(),
        op.description.as_deref().unwrap_or(""),
        &route,
        &scope_doc,
    ]);
    // clippy counts `&self` too, and allows seven.
    let allow = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        #doc
        #allow
        pub async fn #name(&self, #(#args),*) -> Result<#response> {
            let call = self
                .api
                .request(Method::#method, #path)
                .scopes(&[#(#scopes),*])
                .success(&[#(#success),*]);
            #(#calls)*
            #envelope
            call.send().await
        }
    }
}

/// `.query(..)` / `.header(..)` for one parameter (repeated for lists, skipped when `None`).
fn add_param(add: &str, arg: &proc_macro2::Ident, param: &Param) -> TokenStream {
    let add = format_ident!("{add}");
    let add_opt = format_ident!("{add}_opt");
    let field = ident(&param.rust_name);
    let wire = &param.name;
    match (&param.ty, param.required) {
        (TypeRef::List(_), true) => quote! {
            let call = #arg.#field.iter().fold(call, |call, value| call.#add(#wire, value));
        },
        (TypeRef::List(_), false) => quote! {
            let call = #arg.#field.iter().flatten().fold(call, |call, value| call.#add(#wire, value));
        },
        (_, true) => quote!(let call = call.#add(#wire, &#arg.#field);),
        (_, false) => quote!(let call = call.#add_opt(#wire, #arg.#field.as_ref());),
    }
}

/// The request path (a `&str` expression), with path parameters percent-encoded as single segments.
fn path_expression(op: &Operation) -> TokenStream {
    let mut format = String::new();
    let mut values = Vec::new();
    for segment in &op.path.segments {
        match segment {
            Segment::Literal(text) => format.push_str(&text.replace('{', "{{").replace('}', "}}")),
            Segment::Placeholder(wire) => {
                let Some(param) = op.path_params.iter().find(|p| &p.name == wire) else {
                    continue;
                };
                format.push_str("{}");
                let arg = ident(&param.rust_name);
                values.push(match param.ty {
                    TypeRef::String => quote!(::provider_runtime::encode_path_segment(#arg)),
                    _ => quote!(::provider_runtime::encode_path_segment(&#arg.to_string())),
                });
            }
        }
    }
    if values.is_empty() {
        quote!(#format)
    } else {
        quote!(&format!(#format, #(#values),*))
    }
}
