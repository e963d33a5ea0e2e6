//! Data types: structs with wire names kept, string enums that survive unknown values; and how
//! code anywhere in the crate names them.

use crate::markdown::code;
use proc_macro2::TokenStream;
use quote::quote;

use super::docs::{doc_paragraphs, docs};
use crate::model::{Field, RustName, TypeDef, TypeKind, TypeRef, Variant, TYPES_MODULE};

/// Every type of the spec.
pub(crate) fn types(defs: &[TypeDef]) -> TokenStream {
    let items = defs.iter().map(|def| {
        let doc = doc_paragraphs([def.description.as_deref().unwrap_or(&code(&def.name))]);
        match &def.kind {
            TypeKind::Struct { fields } => struct_item(&def.rust_name, &doc, fields, Wire::Json),
            TypeKind::Enum { variants } => enum_item(&def.rust_name, &doc, variants),
        }
    });
    quote!(#(#items)*)
}

/// Where code names a declared or derived type. They all live in the
/// [`TYPES_MODULE`], so code outside it names them through the module: there no item of the
/// client (`Client`, `Error`, `Result`, `Method`) can stand in for a spec type of that name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Site {
    /// Inside the types module, beside the types themselves.
    Types,
    /// Anywhere else in the crate (the client's methods, `WebhookEvent`, `decode_error`).
    Outside,
}

/// The path of the declared or derived type `name`, written at `site`.
pub(crate) fn type_path(name: &RustName, site: Site) -> TokenStream {
    let name = name.to_ident();
    match site {
        Site::Types => quote!(#name),
        Site::Outside => {
            let module = TYPES_MODULE.to_ident();
            quote!(#module::#name)
        }
    }
}

/// The Rust type of a type expression written at `site`.
pub(crate) fn type_tokens(ty: &TypeRef, site: Site) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Integer => quote!(i64),
        TypeRef::Number => quote!(f64),
        TypeRef::Boolean => quote!(bool),
        TypeRef::Json => quote!(::serde_json::Value),
        TypeRef::List(item) => {
            let item = type_tokens(item, site);
            quote!(::std::vec::Vec<#item>)
        }
        TypeRef::Map(value) => {
            let value = type_tokens(value, site);
            quote!(::std::collections::BTreeMap<::std::string::String, #value>)
        }
        TypeRef::Named(name) => type_path(name, site),
    }
}

/// A field's declared type: boxed when it contains its own struct, `Option<T>` unless required.
fn field_type(field: &Field) -> TokenStream {
    let ty = type_tokens(&field.ty, Site::Types);
    let ty = if field.boxed {
        quote!(::std::boxed::Box<#ty>)
    } else {
        ty
    };
    if field.required {
        ty
    } else {
        quote!(::std::option::Option<#ty>)
    }
}

/// How a struct travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    /// As a JSON (or form) body: serde derives, wire names kept, `None` fields skipped.
    Json,
    /// Field by field, as query parameters or headers the client method hands the runtime as a
    /// `(wire name, &field)` list: no serde code, which would only cost compile time.
    Fields,
}

/// A struct of `fields` in the types module (see [`Wire`] for serde). All-optional structs get
/// `Default`, the others a `new` taking the required fields.
pub(crate) fn struct_item(
    rust_name: &RustName,
    doc: &TokenStream,
    fields: &[Field],
    wire: Wire,
) -> TokenStream {
    let name = rust_name.to_ident();
    let serde = wire == Wire::Json;
    let field_items = fields.iter().map(|field| {
        let field_name = field.rust_name.to_ident();
        let ty = field_type(field);
        let doc = docs(
            field
                .description
                .as_deref()
                .unwrap_or(&code(&field.wire_name)),
        );
        let wire = &field.wire_name;
        let rename =
            (serde && field.rust_name.unraw() != wire).then(|| quote!(#[serde(rename = #wire)]));
        // A missing `Option` field already reads as `None`: only writing needs telling. (Two
        // attributes, not one: together they pass rustfmt's width and take four lines.)
        let optional = (serde && !field.required)
            .then(|| quote!(#[serde(skip_serializing_if = "::std::option::Option::is_none")]));
        quote! {
            #doc
            #rename
            #optional
            pub #field_name: #ty,
        }
    });
    let required: Vec<&Field> = fields.iter().filter(|f| f.required).collect();
    let constructor = if required.is_empty() {
        quote!()
    } else {
        let params = required.iter().map(|f| {
            let name = f.rust_name.to_ident();
            let ty = field_type(f);
            quote!(#name: #ty)
        });
        let inits = fields.iter().map(|f| {
            let name = f.rust_name.to_ident();
            if f.required {
                quote!(#name)
            } else {
                quote!(#name: None)
            }
        });
        let allow = (required.len() > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
        quote! {
            impl #name {
                /// Creates a value from its required fields; optional fields start as `None`.
                #allow
                pub fn new(#(#params),*) -> Self {
                    Self { #(#inits),* }
                }
            }
        }
    };
    let default = required.is_empty().then(|| quote!(Default,));
    let serde_derives = serde.then(|| quote!(::serde::Serialize, ::serde::Deserialize));
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, #default #serde_derives)]
        pub struct #name {
            #(#field_items)*
        }
        #constructor
    }
}

/// A string enum with `Other(String)` for values added by the provider after generation; its
/// behaviour (`as_str`, `From<&str>`, `Display`, serde, parameter values) is the runtime's
/// `string_enum!`, implemented from the table of variants and wire values.
fn enum_item(rust_name: &RustName, doc: &TokenStream, variants: &[Variant]) -> TokenStream {
    let name = rust_name.to_ident();
    let declarations = variants.iter().map(|v| {
        let variant = v.rust_name.to_ident();
        let doc = docs(v.description.as_deref().unwrap_or(&code(&v.value)));
        quote!(#doc #variant,)
    });
    let table = variants.iter().map(|v| {
        let variant = v.rust_name.to_ident();
        let value = &v.value;
        quote!(#variant = #value)
    });
    quote! {
        #doc
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum #name {
            #(#declarations)*
            /// A value this client does not know yet, kept as sent.
            Other(::std::string::String),
        }
        ::provider_runtime::string_enum!(#name, [#(#table),*]);
    }
}
