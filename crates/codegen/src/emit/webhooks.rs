//! Webhook payloads decoded into one `WebhookEvent` enum that never fails on a new event name:
//! the payload structs go to the types module, the enum to the crate root.

use crate::markdown::code;
use proc_macro2::TokenStream;
use quote::quote;

use super::docs::docs;
use super::types::{struct_item, type_path, Site, Wire};
use crate::model::Webhooks;

/// The event payload structs, which live in the types module.
pub(crate) fn payloads(webhooks: &Webhooks) -> TokenStream {
    let structs = webhooks.events.iter().map(|event| {
        let name = code(&event.name);
        let doc = docs(&format!(
            "{}\n\nThe payload of the {name} webhook event.",
            event.description.as_deref().unwrap_or(&name),
        ));
        struct_item(&event.payload_type, &doc, &event.fields, Wire::Json)
    });
    quote!(#(#structs)*)
}

/// The `WebhookEvent` enum, at the crate root.
pub(crate) fn webhook_event(title: &str, webhooks: &Webhooks) -> TokenStream {
    let variants = webhooks.events.iter().map(|event| {
        let variant = event.rust_name.to_ident();
        let payload = type_path(&event.payload_type, Site::Outside);
        let doc = docs(&format!(
            "{}: {}",
            code(&event.name),
            event.description.as_deref().unwrap_or("")
        ));
        quote!(#doc #variant(#payload),)
    });
    let names = webhooks.events.iter().map(|event| {
        let variant = event.rust_name.to_ident();
        let name = &event.name;
        quote!(WebhookEvent::#variant(_) => #name,)
    });
    let decode = match &webhooks.tag {
        Some(tag) => {
            let arms = webhooks.events.iter().map(|event| {
                let variant = event.rust_name.to_ident();
                let name = &event.name;
                quote!(#name => ::serde_json::from_value(payload).map(WebhookEvent::#variant).map_err(D::Error::custom),)
            });
            let missing = format!("the webhook payload has no `{tag}` string");
            quote! {
                use ::serde::de::Error as _;
                let event = payload
                    .get(#tag)
                    .and_then(::serde_json::Value::as_str)
                    .ok_or_else(|| D::Error::custom(#missing))?
                    .to_owned();
                match event.as_str() {
                    #(#arms)*
                    _ => Ok(WebhookEvent::Unknown { event, payload }),
                }
            }
        }
        None => {
            let attempts = webhooks.events.iter().map(|event| {
                let variant = event.rust_name.to_ident();
                quote! {
                    if let Ok(event) = ::serde_json::from_value(payload.clone()) {
                        return Ok(WebhookEvent::#variant(event));
                    }
                }
            });
            quote! {
                #(#attempts)*
                Ok(WebhookEvent::Unknown { event: ::std::string::String::new(), payload })
            }
        }
    };
    let enum_doc = docs(&format!(
        "A webhook event sent by {title}.\n\nDecode a request body with [`WebhookEvent::from_slice`]; events added by the provider after this client was generated decode as [`WebhookEvent::Unknown`]."
    ));
    quote! {
        #enum_doc
        #[derive(Debug, Clone, PartialEq)]
        pub enum WebhookEvent {
            #(#variants)*
            /// An event this client does not know yet, kept whole.
            Unknown {
                /// The event name as sent.
                event: ::std::string::String,
                /// The whole payload.
                payload: ::serde_json::Value,
            },
        }

        impl WebhookEvent {
            /// Decodes a webhook request body.
            pub fn from_slice(body: &[u8]) -> ::std::result::Result<Self, ::serde_json::Error> {
                ::serde_json::from_slice(body)
            }

            /// The event name as sent.
            pub fn name(&self) -> &str {
                match self {
                    #(#names)*
                    WebhookEvent::Unknown { event, .. } => event,
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for WebhookEvent {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let payload = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #decode
            }
        }
    }
}
