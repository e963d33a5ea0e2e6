//! Webhook payloads decoded into one `WebhookEvent` enum that never fails on a new event name.

use crate::markdown::code;
use proc_macro2::TokenStream;
use quote::quote;

use super::names::{docs, ident};
use super::types::{struct_item, Wire};
use crate::model::Webhooks;

/// The event structs and the `WebhookEvent` enum.
pub(crate) fn webhooks(title: &str, webhooks: &Webhooks) -> TokenStream {
    let structs = webhooks.events.iter().map(|event| {
        let name = code(&event.name);
        let doc = docs(&format!(
            "{}\n\nThe payload of the {name} webhook event.",
            event.description.as_deref().unwrap_or(&name),
        ));
        struct_item(&event.payload_type, &doc, &event.fields, Wire::Json)
    });
    let variants = webhooks.events.iter().map(|event| {
        let variant = ident(&event.rust_name);
        let payload = ident(&event.payload_type);
        let doc = docs(&format!(
            "{}: {}",
            code(&event.name),
            event.description.as_deref().unwrap_or("")
        ));
        quote!(#doc #variant(#payload),)
    });
    let names = webhooks.events.iter().map(|event| {
        let variant = ident(&event.rust_name);
        let name = &event.name;
        quote!(WebhookEvent::#variant(_) => #name,)
    });
    let decode = match &webhooks.tag {
        Some(tag) => {
            let arms = webhooks.events.iter().map(|event| {
                let variant = ident(&event.rust_name);
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
                let variant = ident(&event.rust_name);
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
        #(#structs)*

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
