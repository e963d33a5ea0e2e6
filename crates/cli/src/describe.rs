//! The loaded spec as the runtime's [`Provider`] description: what a generated crate states as a
//! `static PROVIDER`, built at run time and leaked to `'static` (one per process).

use codegen::model::{self, ApiKeyLocation, AuthKind, SchemeEnv};
use provider_runtime::describe::{
    BodyFormat, ClientAuth, Grant, OAuth2, OAuth2Env, Provider, Scheme, Variable,
};

/// The description of `provider`, alive for the rest of the process.
pub fn leak(provider: &model::Provider) -> &'static Provider {
    let variables = provider
        .variables
        .iter()
        .map(|v| Variable {
            name: text(&v.name),
            setter: text(v.rust_name.as_str()),
            env: text(&v.env_var),
            default: v.default.as_deref().map(text),
        })
        .collect();
    let headers = provider
        .headers
        .iter()
        .map(|h| (text(&h.name), text(&h.value.text)))
        .collect();
    let schemes = provider.auth.iter().map(|s| scheme(provider, s)).collect();
    Box::leak(Box::new(Provider {
        title: text(&provider.title),
        base_url: text(&provider.base_url.text),
        variables: slice(variables),
        headers: slice(headers),
        schemes: slice(schemes),
    }))
}

/// One scheme, named by its builder setter as generated crates name it.
fn scheme(provider: &model::Provider, scheme: &model::AuthScheme) -> Scheme {
    let setter = text(scheme.rust_name.as_str());
    let requires = scheme
        .requires
        .iter()
        .filter_map(|name| provider.auth.iter().find(|s| &s.name == name))
        .map(|s| text(s.rust_name.as_str()))
        .collect();
    let described = match (&scheme.kind, &scheme.env) {
        (AuthKind::OAuth2(oauth2), SchemeEnv::OAuth2 { .. }) => {
            let public = scheme.public_setter.as_ref().map(|s| text(s.as_str()));
            Scheme::oauth2(
                setter,
                Box::leak(Box::new(self::oauth2(oauth2, &scheme.env, public))),
            )
        }
        (AuthKind::ApiKey { location, name }, SchemeEnv::Secret(env)) => match location {
            ApiKeyLocation::Header => Scheme::api_key_header(setter, text(name), text(env)),
            ApiKeyLocation::Query => Scheme::api_key_query(setter, text(name), text(env)),
        },
        (AuthKind::Basic, SchemeEnv::Basic { id, token }) => {
            Scheme::basic(setter, text(id), text(token))
        }
        (AuthKind::Bearer, SchemeEnv::Secret(env)) => Scheme::bearer(setter, text(env)),
        // Validation names the environment variables of each kind; anything else is a scheme
        // this tool cannot send, described as one that is never selected.
        _ => Scheme::bearer(setter, ""),
    };
    described.requires(slice(requires))
}

/// An OAuth 2.0 scheme in the runtime's terms.
fn oauth2(oauth2: &model::OAuth2, env: &SchemeEnv, public: Option<&'static str>) -> OAuth2 {
    let pairs =
        |pairs: &[(String, String)]| slice(pairs.iter().map(|(k, v)| (text(k), text(v))).collect());
    let env = match env {
        SchemeEnv::OAuth2 {
            client_id,
            client_secret,
            password,
        } => OAuth2Env {
            client_id: text(client_id),
            client_secret: client_secret.as_deref().map(text),
            password: password.as_ref().map(|(l, p)| (text(l), text(p))),
        },
        _ => OAuth2Env::new(""),
    };
    OAuth2 {
        authorize_url: oauth2.authorize_url.as_ref().map(|u| text(&u.text)),
        token_url: text(&oauth2.token_url.text),
        refresh_url: (oauth2.refresh_url.text != oauth2.token_url.text)
            .then(|| text(&oauth2.refresh_url.text)),
        grants: slice(oauth2.grants.iter().map(|g| grant(*g)).collect()),
        client_auth: match oauth2.client_auth {
            model::ClientAuth::Basic => ClientAuth::Basic,
            model::ClientAuth::Form => ClientAuth::Form,
            model::ClientAuth::Json => ClientAuth::Json,
            model::ClientAuth::None => ClientAuth::None,
        },
        body_format: match oauth2.body {
            model::TokenBody::Form => BodyFormat::Form,
            model::TokenBody::Json => BodyFormat::Json,
        },
        pkce: oauth2.pkce,
        scope_separator: text(&oauth2.scope_separator),
        send_scopes: oauth2.send_scopes,
        scopes: slice(oauth2.scopes.iter().map(|s| text(&s.value)).collect()),
        default_scopes: slice(oauth2.default_scopes.iter().map(|s| text(s)).collect()),
        extra_authorize_params: pairs(&oauth2.extra_authorize_params),
        extra_token_params: pairs(&oauth2.extra_token_params),
        username_field: text(&oauth2.username_field),
        default_lifetime_secs: oauth2.default_lifetime_secs,
        token_prefix_header: oauth2.token_prefix_header.as_deref().map(text),
        public_setter: public,
        env,
    }
}

/// The runtime's grant for the spec's.
pub fn grant(grant: model::Grant) -> Grant {
    match grant {
        model::Grant::AuthorizationCode => Grant::AuthorizationCode,
        model::Grant::Implicit => Grant::Implicit,
        model::Grant::Password => Grant::Password,
        model::Grant::ClientCredentials => Grant::ClientCredentials,
        model::Grant::RefreshToken => Grant::RefreshToken,
    }
}

fn text(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn slice<T>(items: Vec<T>) -> &'static [T] {
    items.leak()
}
