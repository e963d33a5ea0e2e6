//! One async method per operation, plus the query-parameter structs they take.
//!
//! A method is one call chain on the runtime: `ApiClient::operation` fills the spec's path
//! template (refusing empty and dot-segment values by name), and each parameter struct goes out
//! as one `(wire name, &field)` list, sent by the runtime's `ParamValue` whatever the field's
//! shape. Per-operation code thus holds data, not plumbing.

use crate::markdown::code;
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use super::docs::{doc_paragraphs, docs};
use super::types::{struct_item, type_path, type_tokens, Site, Wire};
use crate::model::{
    Body, Field, Operation, Param, Segment, TypeRef, BODY_ARGUMENT, DEFAULT_SUCCESS,
    HEADERS_ARGUMENT, QUERY_ARGUMENT,
};

/// The parameter structs of every operation (`SendSmsQuery`, ...), emitted in the types module.
pub(crate) fn parameter_structs(operations: &[Operation]) -> TokenStream {
    let items = operations.iter().flat_map(|op| {
        [
            (&op.query_type, "query parameters", &op.query),
            (&op.headers_type, "request headers", &op.headers),
        ]
        .into_iter()
        .filter_map(|(name, what, params)| name.as_ref().map(|name| (name, what, params)))
        .map(move |(name, what, params)| {
            // Linked through the parent module: in the types module, `Client` may be a spec type.
            let method = op.rust_name.unraw();
            let doc = docs(&format!(
                "The {what} of [`Client::{method}`](super::Client::{method})."
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
    let name = op.rust_name.to_ident();
    let method = Ident::new(op.method.as_str(), Span::call_site());
    let mut args: Vec<TokenStream> = op
        .path_params
        .iter()
        .map(|param| {
            let arg = param.rust_name.to_ident();
            let ty = match param.ty {
                TypeRef::String => quote!(&str),
                _ => type_tokens(&param.ty, Site::Outside),
            };
            quote!(#arg: #ty)
        })
        .collect();
    let template = &op.path.text;
    let path_values = op.path.segments.iter().filter_map(|segment| match segment {
        Segment::Placeholder(wire) => op.path_params.iter().find(|p| &p.name == wire),
        Segment::Literal(_) => None,
    });
    let path_values = path_values.map(|param| param.rust_name.to_ident());
    let mut calls = Vec::new();
    if !op.scopes.is_empty() {
        let scopes = &op.scopes;
        calls.push(quote!(.scopes(&[#(#scopes),*])));
    }
    if op.success != DEFAULT_SUCCESS {
        let success = op.success.iter().map(|s| Literal::u16_unsuffixed(*s));
        calls.push(quote!(.success(&[#(#success),*])));
    }
    for (struct_name, arg_name, add, params) in [
        (
            &op.query_type,
            QUERY_ARGUMENT,
            quote!(query_params),
            &op.query,
        ),
        (
            &op.headers_type,
            HEADERS_ARGUMENT,
            quote!(header_params),
            &op.headers,
        ),
    ] {
        let Some(struct_name) = struct_name else {
            continue;
        };
        let (arg, ty) = (arg_name.to_ident(), type_path(struct_name, Site::Outside));
        args.push(quote!(#arg: &#ty));
        let pairs = params.iter().map(|param| {
            let (wire, field) = (&param.name, param.rust_name.to_ident());
            quote!((#wire, &#arg.#field))
        });
        calls.push(quote!(.#add(&[#(#pairs),*])));
    }
    match &op.body {
        Some(Body::Empty) => calls.push(quote!(.empty_body())),
        Some(Body::Json(ty) | Body::Form(ty)) => {
            let ty = type_tokens(ty, Site::Outside);
            let body = BODY_ARGUMENT.to_ident();
            args.push(quote!(#body: &#ty));
            let encode = if matches!(op.body, Some(Body::Form(_))) {
                quote!(form)
            } else {
                quote!(json)
            };
            calls.push(quote!(.#encode(#body)));
        }
        None => {}
    }
    if let Some(field) = &op.envelope {
        calls.push(quote!(.envelope(#field)));
    }
    let response = op
        .response
        .as_ref()
        .map_or_else(|| quote!(()), |ty| type_tokens(ty, Site::Outside));
    let doc = method_doc(op);
    // clippy counts `&self` too, and allows seven.
    let allow = (args.len() + 1 > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    // The typed body alone delegates to the method that keeps status and headers: one call
    // chain per operation, four more lines instead of a second chain.
    let with_response = op.with_response_name.to_ident();
    let with_response_doc = docs(&format!(
        "Like [`Client::{}`], with the response's status and headers.",
        op.rust_name.unraw()
    ));
    let arg_names = args.iter().map(|arg| arg.clone().into_iter().next());
    quote! {
        #doc
        #allow
        pub async fn #name(&self, #(#args),*) -> Result<#response> {
            self.#with_response(#(#arg_names),*).await.map(Response::into_inner)
        }
        #with_response_doc
        #allow
        pub async fn #with_response(&self, #(#args),*) -> Result<Response<#response>> {
            self.api
                .operation(Method::#method, #template, &[#(&#path_values),*])
                #(#calls)*
                .send_with_response()
                .await
        }
    }
}

/// Summary, description, route and required scopes, as paragraphs.
fn method_doc(op: &Operation) -> TokenStream {
    let scopes = if op.scopes.is_empty() {
        String::new()
    } else {
        let scopes: Vec<String> = op.scopes.iter().map(|s| code(s)).collect();
        format!("Required scopes: {}.", scopes.join(", "))
    };
    let route = code(&format!("{} {}", op.method.as_str(), op.path.text));
    doc_paragraphs([
        op.summary.as_str(),
        op.description.as_deref().unwrap_or(""),
        &route,
        &scopes,
    ])
}
