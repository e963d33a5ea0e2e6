//! `PROVIDER`: the provider as data the runtime's engine understands (a
//! `provider_runtime::describe::Provider`), stating only where it differs from the defaults:
//! an OAuth 2.0 scheme is a `const OAUTH2` of its own, every other part a one-line constructor.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{
    ApiKeyLocation, AuthKind, AuthScheme, ClientAuth, Grant, OAuth2, Provider, SchemeEnv, TokenBody,
};

/// `static PROVIDER`.
pub(crate) fn description(provider: &Provider) -> TokenStream {
    let title = &provider.title;
    let base_url = &provider.base_url.text;
    let mut fields = vec![quote!(title: #title,), quote!(base_url: #base_url,)];
    if !provider.variables.is_empty() {
        let variables = provider.variables.iter().map(|v| {
            let (name, setter, env) = (&v.name, v.rust_name.as_str(), &v.env_var);
            let setter = (setter != name).then(|| quote!(.setter(#setter)));
            let default = v.default.as_ref().map(|d| quote!(.with_default(#d)));
            quote!(Variable::new(#name, #env) #setter #default)
        });
        fields.push(quote!(variables: &[#(#variables),*],));
    }
    if !provider.headers.is_empty() {
        let headers = provider.headers.iter().map(|h| {
            let (name, value) = (&h.name, &h.value.text);
            quote!((#name, #value))
        });
        fields.push(quote!(headers: &[#(#headers),*],));
    }
    let schemes = provider
        .auth
        .iter()
        .map(|scheme| self::scheme(provider, scheme));
    fields.push(quote!(schemes: &[#(#schemes),*],));
    let defaults = (provider.variables.is_empty() || provider.headers.is_empty())
        .then(|| quote!(..Provider::DEFAULT));
    let oauth2 = provider
        .auth
        .iter()
        .find_map(|scheme| match (&scheme.kind, &scheme.env) {
            (
                AuthKind::OAuth2(oauth2),
                SchemeEnv::OAuth2 {
                    client_id,
                    client_secret,
                    password,
                },
            ) => {
                let public = scheme.public_setter.as_ref().map(|s| {
                    let s = s.as_str();
                    quote!(#s)
                });
                let secret = client_secret.as_ref().map(|s| quote!(.secret(#s)));
                let password = password.as_ref().map(|(l, p)| quote!(.password(#l, #p)));
                let env = quote!(OAuth2Env::new(#client_id) #secret #password);
                let oauth2 = self::oauth2(oauth2, public, env);
                Some(quote!(const OAUTH2: OAuth2 = #oauth2;))
            }
            _ => None,
        });
    quote! {
        static PROVIDER: ::provider_runtime::describe::Provider = {
            // In this block only, where no name of the spec can be shadowed.
            use ::provider_runtime::describe::*;
            #oauth2
            Provider {
                #(#fields)*
                #defaults
            }
        };
    }
}

/// One scheme of `schemes`; an OAuth 2.0 scheme names the `OAUTH2` constant.
fn scheme(provider: &Provider, scheme: &AuthScheme) -> TokenStream {
    let setter = scheme.rust_name.as_str();
    let requires: Vec<_> = scheme
        .requires
        .iter()
        .filter_map(|name| provider.auth.iter().find(|s| &s.name == name))
        .map(|s| s.rust_name.as_str())
        .collect();
    let requires = (!requires.is_empty()).then(|| quote!(.requires(&[#(#requires),*])));
    let scheme = match (&scheme.kind, &scheme.env) {
        (AuthKind::OAuth2(_), SchemeEnv::OAuth2 { .. }) => quote!(Scheme::oauth2(#setter, &OAUTH2)),
        (AuthKind::ApiKey { location, name }, SchemeEnv::Secret(env)) => match location {
            ApiKeyLocation::Header => quote!(Scheme::api_key_header(#setter, #name, #env)),
            ApiKeyLocation::Query => quote!(Scheme::api_key_query(#setter, #name, #env)),
        },
        (AuthKind::Basic, SchemeEnv::Basic { id, token }) => {
            quote!(Scheme::basic(#setter, #id, #token))
        }
        (AuthKind::Bearer, SchemeEnv::Secret(env)) => quote!(Scheme::bearer(#setter, #env)),
        _ => unreachable!("validation names the environment variables of each kind"),
    };
    quote!(#scheme #requires)
}

/// The scheme's settings where they differ from `describe::OAuth2::DEFAULT` (RFC 6749's).
fn oauth2(oauth2: &OAuth2, public_setter: Option<TokenStream>, env: TokenStream) -> TokenStream {
    let mut fields = Vec::new();
    let mut set = |name: &str, value: Option<TokenStream>| {
        let name = quote::format_ident!("{name}");
        fields.extend(value.map(|value| quote!(#name: #value,)));
    };
    set(
        "authorize_url",
        oauth2.authorize_url.as_ref().map(|u| {
            let url = &u.text;
            quote!(Some(#url))
        }),
    );
    let token_url = &oauth2.token_url.text;
    set("token_url", Some(quote!(#token_url)));
    set(
        "refresh_url",
        (oauth2.refresh_url.text != *token_url).then(|| {
            let url = &oauth2.refresh_url.text;
            quote!(Some(#url))
        }),
    );
    let grants = oauth2.grants.iter().map(|grant| match grant {
        Grant::AuthorizationCode => quote!(AuthorizationCode),
        Grant::Implicit => quote!(Implicit),
        Grant::Password => quote!(Password),
        Grant::ClientCredentials => quote!(ClientCredentials),
        Grant::RefreshToken => quote!(RefreshToken),
    });
    set("grants", Some(quote!(&[#(Grant::#grants),*])));
    set(
        "client_auth",
        match oauth2.client_auth {
            ClientAuth::Basic => None,
            ClientAuth::Form => Some(quote!(ClientAuth::Form)),
            ClientAuth::Json => Some(quote!(ClientAuth::Json)),
            ClientAuth::None => Some(quote!(ClientAuth::None)),
        },
    );
    set(
        "body_format",
        (oauth2.body == TokenBody::Json).then(|| quote!(BodyFormat::Json)),
    );
    set("pkce", (!oauth2.pkce).then(|| quote!(false)));
    let separator = &oauth2.scope_separator;
    set(
        "scope_separator",
        (separator != " ").then(|| quote!(#separator)),
    );
    set("send_scopes", (!oauth2.send_scopes).then(|| quote!(false)));
    set(
        "scopes",
        (!oauth2.scopes.is_empty()).then(|| quote!(SCOPES)),
    );
    let default_scopes = &oauth2.default_scopes;
    set(
        "default_scopes",
        (!default_scopes.is_empty()).then(|| quote!(&[#(#default_scopes),*])),
    );
    let pairs = |pairs: &[(String, String)]| {
        let listed = pairs.iter().map(|(k, v)| quote!((#k, #v)));
        (!pairs.is_empty()).then(|| quote!(&[#(#listed),*]))
    };
    set(
        "extra_authorize_params",
        pairs(&oauth2.extra_authorize_params),
    );
    set("extra_token_params", pairs(&oauth2.extra_token_params));
    let username_field = &oauth2.username_field;
    set(
        "username_field",
        (username_field != "username").then(|| quote!(#username_field)),
    );
    set(
        "default_lifetime_secs",
        oauth2.default_lifetime_secs.map(|secs| quote!(Some(#secs))),
    );
    set(
        "token_prefix_header",
        oauth2
            .token_prefix_header
            .as_ref()
            .map(|h| quote!(Some(#h))),
    );
    set("public_setter", public_setter.map(|s| quote!(Some(#s))));
    set("env", Some(env));
    quote!(OAuth2 { #(#fields)* ..OAuth2::DEFAULT })
}
