//! The typed surface of `Client` and `ClientBuilder`: the runtime's surface macros for what
//! every provider has and for each flow the spec offers (a flow it lacks gets no method), and
//! a `setters!` line per variable and per scheme for the methods the spec names, with the docs
//! written here.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::doc_lines;
use crate::markdown::code;
use crate::model::{ApiKeyLocation, AuthKind, AuthScheme, Grant, OAuth2, Provider, Variable};

/// `Client`, `ClientBuilder` and their methods besides the operations.
pub(crate) fn client(provider: &Provider) -> TokenStream {
    let title = &provider.title;
    let flows = provider.oauth2().map(|(_, oauth2)| flows(oauth2));
    // One `setters!` per variable and per scheme, so that no two setters share a line.
    let variables = provider.variables.iter().map(variable_setter);
    let schemes = provider.auth.iter().map(scheme_setters);
    let setters = variables.chain(schemes);
    quote! {
        ::provider_runtime::client!(PROVIDER, #title);
        #flows
        #(::provider_runtime::setters!(#setters);)*
    }
}

/// `oauth2!` with the flows `oauth2` offers, taking `Scope` arguments when it has scopes.
fn flows(oauth2: &OAuth2) -> TokenStream {
    let scope = (!oauth2.scopes.is_empty()).then(|| quote!((Scope)));
    let offers = |grant| oauth2.grants.contains(&grant);
    let flows = [
        oauth2.authorize_url.as_ref().map(|_| quote!(redirect)),
        offers(Grant::AuthorizationCode).then(|| quote!(authorization_code #scope)),
        offers(Grant::Implicit).then(|| quote!(implicit #scope)),
        offers(Grant::ClientCredentials).then(|| quote!(client_credentials #scope)),
    ];
    let flows = flows.into_iter().flatten();
    quote!(::provider_runtime::oauth2!(#(#flows),*);)
}

/// A `setters!` entry's docs: one string literal, its lines as rustdoc should read them.
fn docs(text: &str) -> String {
    doc_lines(text.trim()).join("\n")
}

/// Docs made of a sentence of ours and the spec's description, when it has one.
fn described(what: &str, description: Option<&str>) -> String {
    match description.map(str::trim).filter(|d| !d.is_empty()) {
        Some(description) => docs(&format!("{what}\n\n{description}")),
        None => docs(what),
    }
}

fn variable_setter(variable: &Variable) -> TokenStream {
    let setter = variable.rust_name.to_ident();
    let name = &variable.name;
    let default = match &variable.default {
        Some(default) => format!("Default: {}.", code(default)),
        None => "Required.".to_owned(),
    };
    let doc = docs(&format!(
        "Sets {}: {}\n\n{default}",
        code(&format!("{{{name}}}")),
        variable.description.as_deref().unwrap_or("").trim()
    ));
    // The description knows the variable by its name, which the setter's may differ from.
    let name = (variable.rust_name.as_str() != name).then(|| quote!((#name)));
    quote!(variable #setter #name, #doc)
}

/// The `setters!` entries that give `scheme` its credentials.
fn scheme_setters(scheme: &AuthScheme) -> TokenStream {
    let setter = scheme.rust_name.to_ident();
    let doc = |what: &str| described(what, scheme.description.as_deref());
    match &scheme.kind {
        AuthKind::OAuth2(oauth2) => {
            let confidential = oauth2.allows_confidential_client().then(|| {
                let doc =
                    doc("Authenticates with OAuth 2.0 as the confidential client `client_id`.");
                quote!(oauth2 #setter, #doc)
            });
            let public = scheme.public_setter.as_ref().map(|public| {
                let public = public.to_ident();
                let doc = doc(
                    "Authenticates with OAuth 2.0 as the public client `client_id` (no secret).",
                );
                quote!(oauth2_public #public, #doc)
            });
            let password = password_setter(oauth2);
            let entries = [confidential, public, password].into_iter().flatten();
            quote!(#(#entries),*)
        }
        AuthKind::ApiKey {
            location,
            name: key,
        } => {
            let place = match location {
                ApiKeyLocation::Header => format!("header {}", code(key)),
                ApiKeyLocation::Query => format!("query parameter {}", code(key)),
            };
            let doc = doc(&format!(
                "Authenticates with an API key, sent in the {place}."
            ));
            quote!(api_key #setter, #doc)
        }
        AuthKind::Basic => {
            let doc =
                doc("Authenticates with a personal access token, sent as HTTP Basic `id:token`.");
            quote!(basic #setter, #doc)
        }
        AuthKind::Bearer => {
            let doc = doc("Authenticates with a fixed Bearer token.");
            quote!(bearer #setter, #doc)
        }
    }
}

/// `password`, whose login argument is named after the provider's login field.
fn password_setter(oauth2: &OAuth2) -> Option<TokenStream> {
    oauth2.grants.contains(&Grant::Password).then(|| {
        let login = oauth2.username_argument.to_ident();
        let doc = docs(&format!(
            "Signs in with the password grant (RFC 6749 §4.3); the login is sent as {}.",
            code(&oauth2.username_field)
        ));
        quote!(password(#login), #doc)
    })
}
