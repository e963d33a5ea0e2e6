//! Authentication schemes: which keys apply to which `type`, the oauth2 rules that tie grants,
//! URLs and client authentication together, scopes, and `requires` between schemes.

use super::names::{self, Case, Names};
use super::prose;
use super::url::UrlKind;
use super::variables::{self, Variables};
use super::Ctx;
use crate::diagnostic::{closest, NameKind, Problem};
use crate::locate::Path;
use crate::model::{self, AuthKind, OAuth2, RustName, SchemeEnv, MAX_LIFETIME_SECS};
use crate::spec::{self, ApiKeyLocation, AuthType, ClientAuth, Grant, Map, TokenBody};

/// Every scope any oauth2 scheme declares, for operations to refer to by value or by name.
pub(crate) struct ScopeIndex {
    /// (value, explicit name) in declaration order.
    scopes: Vec<(String, Option<String>)>,
}

impl ScopeIndex {
    /// The value of the scope that `reference` names, by value first, then by name.
    pub(crate) fn lookup(&self, reference: &str) -> Option<&str> {
        let by_value = self.scopes.iter().find(|(value, _)| value == reference);
        let by_name = || {
            self.scopes
                .iter()
                .find(|(_, name)| name.as_deref() == Some(reference))
        };
        by_value.or_else(by_name).map(|(value, _)| value.as_str())
    }

    /// Every way a scope may be referred to, for suggestions.
    pub(crate) fn spellings(&self) -> impl Iterator<Item = &str> {
        self.scopes
            .iter()
            .flat_map(|(value, name)| std::iter::once(value.as_str()).chain(name.as_deref()))
    }

    fn from_schemes(schemes: &Map<spec::AuthScheme>) -> ScopeIndex {
        let scopes = schemes
            .iter()
            .filter(|(_, scheme)| scheme.kind == AuthType::Oauth2)
            .flat_map(|(_, scheme)| scheme.scopes.iter().flatten())
            .map(|scope| (scope.value.clone(), scope.name.clone()))
            .collect();
        ScopeIndex { scopes }
    }
}

/// Resolves the schemes under `path`, and indexes their scopes.
pub(crate) fn resolve(
    ctx: &mut Ctx<'_>,
    variables: &mut Variables<'_>,
    path: &Path,
    schemes: &Map<spec::AuthScheme>,
    env_prefix: &str,
) -> (Vec<model::AuthScheme>, ScopeIndex) {
    if schemes.is_empty() {
        ctx.at_key(path, Problem::NoAuth);
    }
    let mut rust_names = Names::new(NameKind::AuthScheme);
    let mut variants = Names::new(NameKind::AuthScheme);
    let mut first_oauth2 = None;
    let resolved = schemes
        .iter()
        .map(|(name, scheme)| {
            let at = path.key(name);
            if scheme.kind == AuthType::Oauth2 {
                match first_oauth2 {
                    None => first_oauth2 = Some(ctx.key_location(&at)),
                    Some(first) => {
                        let problem = Problem::SecondOAuth2 { first: Some(first) };
                        ctx.at_value(&at.key("type"), problem);
                    }
                }
            }
            let rust_name = names::rust_ident(name, Case::Snake, "scheme");
            let variant = names::rust_ident(name, Case::UpperCamel, "Scheme");
            ctx.claim(&mut rust_names, rust_name.as_str(), name, &at);
            ctx.claim(&mut variants, variant.as_str(), name, &at);
            check_keys(ctx, &at, scheme);
            let kind = match scheme.kind {
                AuthType::Oauth2 => AuthKind::OAuth2(oauth2(ctx, variables, &at, scheme)),
                AuthType::ApiKey => AuthKind::ApiKey {
                    location: scheme.location.unwrap_or(ApiKeyLocation::Header),
                    name: api_key_name(ctx, &at, scheme),
                },
                AuthType::Basic => AuthKind::Basic,
                AuthType::Bearer => AuthKind::Bearer,
            };
            let public_setter = match &kind {
                AuthKind::OAuth2(oauth2) if oauth2.allows_public_client() => Some(
                    names::rust_ident(&format!("{name} public"), Case::Snake, "scheme"),
                ),
                _ => None,
            };
            let env = scheme_env(env_prefix, name, &kind);
            model::AuthScheme {
                name: name.to_owned(),
                env,
                rust_name,
                variant,
                public_setter,
                description: prose(&scheme.description),
                kind,
                requires: requires(ctx, &at, name, scheme, schemes),
            }
        })
        .collect();
    (resolved, ScopeIndex::from_schemes(schemes))
}

/// The environment variables of a scheme: `<PREFIX>_CLIENT_ID`.. for OAuth 2.0, otherwise
/// named after the scheme (`<PREFIX>_API_KEY`, `<PREFIX>_PAT_ID`).
fn scheme_env(prefix: &str, name: &str, kind: &AuthKind) -> SchemeEnv {
    let var = |suffix: &str| format!("{prefix}_{}", names::shouty(suffix, "AUTH"));
    match kind {
        AuthKind::OAuth2(oauth2) => SchemeEnv::OAuth2 {
            client_id: var("client_id"),
            client_secret: oauth2
                .allows_confidential_client()
                .then(|| var("client_secret")),
            password: oauth2
                .grants
                .contains(&Grant::Password)
                .then(|| (var(&oauth2.username_env_var_suffix), var("password"))),
        },
        AuthKind::ApiKey { .. } | AuthKind::Bearer => SchemeEnv::Secret(var(name)),
        AuthKind::Basic => SchemeEnv::Basic {
            id: var(&format!("{name}_id")),
            token: var(&format!("{name}_token")),
        },
    }
}

/// Reports keys of other scheme types, and missing keys this type needs.
fn check_keys(ctx: &mut Ctx<'_>, at: &Path, scheme: &spec::AuthScheme) {
    let scheme_type = scheme.kind.as_str();
    let present = scheme.specific_keys();
    for key in &present {
        if !scheme.kind.keys().contains(key) {
            ctx.at_key(&at.key(key), Problem::KeyNotApplicable { key, scheme_type });
        }
    }
    for key in scheme.kind.required_keys() {
        if !present.contains(key) {
            ctx.at_value(
                &at.key("type"),
                Problem::MissingSchemeKey { key, scheme_type },
            );
        }
    }
}

fn api_key_name(ctx: &mut Ctx<'_>, at: &Path, scheme: &spec::AuthScheme) -> String {
    let Some(name) = &scheme.name else {
        return String::new();
    };
    match scheme.location.unwrap_or(ApiKeyLocation::Header) {
        ApiKeyLocation::Header => ctx.header_value(&at.key("name"), name),
        ApiKeyLocation::Query => ctx.non_empty(&at.key("name"), name, "`name`"),
    }
    name.clone()
}

fn oauth2(
    ctx: &mut Ctx<'_>,
    variables: &mut Variables<'_>,
    at: &Path,
    scheme: &spec::AuthScheme,
) -> OAuth2 {
    let grants = grants(ctx, at, scheme);
    let offers = |grant: Grant| grants.contains(&grant);
    let mut url = |ctx: &mut Ctx<'_>, key: &str, text: &str| {
        variables.url(ctx, &at.key(key), text, UrlKind::Endpoint)
    };
    let authorize_url = scheme
        .authorize_url
        .as_ref()
        .map(|text| url(ctx, "authorize_url", text));
    // A missing `token_url` is reported with the scheme's other missing keys.
    let token_url = match &scheme.token_url {
        Some(text) => url(ctx, "token_url", text),
        None => variables::literal(""),
    };
    let refresh_url = match &scheme.refresh_url {
        Some(text) => url(ctx, "refresh_url", text),
        None => token_url.clone(),
    };
    if authorize_url.is_none() {
        for (index, grant) in grants.iter().enumerate() {
            if grant.redirects() {
                let problem = Problem::AuthorizeUrlRequired {
                    grant: grant.as_str(),
                };
                ctx.at_value(&at.key("grants").index(index), problem);
            }
        }
    }
    let only_with = |ctx: &mut Ctx<'_>, key: &'static str, present: bool, grant: Grant| {
        if present && !offers(grant) {
            let problem = Problem::OptionWithoutGrant {
                key,
                grant: grant.as_str(),
            };
            ctx.at_key(&at.key(key), problem);
        }
    };
    only_with(
        ctx,
        "refresh_url",
        scheme.refresh_url.is_some(),
        Grant::RefreshToken,
    );
    only_with(ctx, "pkce", scheme.pkce.is_some(), Grant::AuthorizationCode);
    only_with(
        ctx,
        "username_field",
        scheme.username_field.is_some(),
        Grant::Password,
    );

    let client_auth = scheme.client_auth.unwrap_or(ClientAuth::Basic);
    let body = match (client_auth, scheme.body) {
        (ClientAuth::Json, Some(TokenBody::Form)) => {
            ctx.at_value(&at.key("body"), Problem::ClientAuthContradictsBody);
            TokenBody::Json
        }
        (ClientAuth::Json, _) => TokenBody::Json,
        (_, body) => body.unwrap_or(TokenBody::Form),
    };
    let scope_separator = scheme
        .scope_separator
        .clone()
        .unwrap_or_else(|| " ".to_owned());
    if scope_separator.is_empty() {
        ctx.at_value(
            &at.key("scope_separator"),
            Problem::Empty {
                what: "`scope_separator`",
            },
        );
    }
    let username_field = scheme
        .username_field
        .clone()
        .unwrap_or_else(|| DEFAULT_USERNAME_FIELD.to_owned());
    ctx.non_empty(
        &at.key("username_field"),
        &username_field,
        "`username_field`",
    );
    if let Some(secs) = scheme.default_lifetime_secs {
        if !(1..=MAX_LIFETIME_SECS).contains(&secs) {
            let problem = Problem::LifetimeOutOfRange {
                secs,
                max: MAX_LIFETIME_SECS,
            };
            ctx.at_value(&at.key("default_lifetime_secs"), problem);
        }
    }
    if let Some(header) = &scheme.token_prefix_header {
        ctx.header_value(&at.key("token_prefix_header"), header);
    }
    let send_scopes = scheme.send_scopes.unwrap_or(true);
    if !send_scopes && scheme.default_scopes.is_some() {
        ctx.at_key(&at.key("default_scopes"), Problem::DefaultScopesNotSent);
    }
    let extra_authorize_params = templated_params(
        ctx,
        variables,
        &at.key("extra_authorize_params"),
        scheme.extra_authorize_params.as_ref(),
    );
    let extra_token_params = templated_params(
        ctx,
        variables,
        &at.key("extra_token_params"),
        scheme.extra_token_params.as_ref(),
    );
    let declared = scheme.scopes.as_deref().unwrap_or_default();
    OAuth2 {
        authorize_url,
        token_url,
        refresh_url,
        client_auth,
        body,
        pkce: offers(Grant::AuthorizationCode) && scheme.pkce.unwrap_or(true),
        scope_separator,
        send_scopes,
        default_scopes: default_scopes(ctx, at, scheme, declared),
        extra_authorize_params,
        extra_token_params,
        username_argument: username_argument(&username_field),
        username_env_var_suffix: username_env_var_suffix(&username_field),
        username_field,
        default_lifetime_secs: scheme.default_lifetime_secs,
        token_prefix_header: scheme.token_prefix_header.clone(),
        scopes: scopes(ctx, &at.key("scopes"), declared),
        grants,
    }
}

/// The login parameter of the `password` grant when the spec names none.
const DEFAULT_USERNAME_FIELD: &str = "username";

/// The login argument of the `password` builder method: `username_field` as an identifier,
/// except where that would be the method's other argument, `password`.
fn username_argument(username_field: &str) -> RustName {
    match names::rust_ident(username_field, Case::Snake, DEFAULT_USERNAME_FIELD) {
        argument if argument == "password" => RustName::new(DEFAULT_USERNAME_FIELD),
        argument => argument,
    }
}

/// The environment variable (after the crate's prefix) of the login: `username_field`'s, unless
/// that would be the password's variable.
fn username_env_var_suffix(username_field: &str) -> String {
    let fallback = DEFAULT_USERNAME_FIELD.to_ascii_uppercase();
    match names::shouty(username_field, &fallback) {
        suffix if suffix == "PASSWORD" => fallback,
        suffix => suffix,
    }
}

/// The grants, without duplicates; reports an empty list, repeats, and a refresh grant that
/// no other grant feeds.
fn grants(ctx: &mut Ctx<'_>, at: &Path, scheme: &spec::AuthScheme) -> Vec<Grant> {
    let path = at.key("grants");
    let Some(listed) = &scheme.grants else {
        return Vec::new();
    };
    if listed.is_empty() {
        ctx.at_value(&path, Problem::NoGrants);
    }
    let mut seen = Names::new(NameKind::Grant);
    let mut grants = Vec::new();
    for (index, grant) in listed.iter().enumerate() {
        ctx.claim(
            &mut seen,
            grant.as_str(),
            grant.as_str(),
            &path.index(index),
        );
        if !grants.contains(grant) {
            grants.push(*grant);
        }
    }
    let issues_refresh = [Grant::AuthorizationCode, Grant::Password];
    if grants.contains(&Grant::RefreshToken) && !issues_refresh.iter().any(|g| grants.contains(g)) {
        let index = listed
            .iter()
            .position(|g| *g == Grant::RefreshToken)
            .unwrap_or(0);
        ctx.at_value(&path.index(index), Problem::RefreshWithoutIssuer);
    }
    grants
}

fn scopes(ctx: &mut Ctx<'_>, path: &Path, declared: &[spec::Scope]) -> Vec<model::Scope> {
    let mut values = Names::new(NameKind::Scope);
    let mut variants = Names::new(NameKind::Scope);
    declared
        .iter()
        .enumerate()
        .map(|(index, scope)| {
            let at = path.index(index);
            if scope.value.is_empty() {
                ctx.at_value(
                    &at,
                    Problem::Empty {
                        what: "a scope value",
                    },
                );
            }
            let source = scope
                .name
                .as_deref()
                .unwrap_or_else(|| last_segment(&scope.value));
            let variant = names::rust_ident(source, Case::UpperCamel, "Scope");
            ctx.claim(&mut values, &scope.value, &scope.value, &at);
            ctx.claim(&mut variants, variant.as_str(), &scope.value, &at);
            model::Scope {
                value: scope.value.clone(),
                variant,
                description: prose(&scope.description),
            }
        })
        .collect()
}

/// The part of a scope value that names it: the last path segment of a URI-shaped scope
/// (`https://example.com/scopes/ReadContact` -> `ReadContact`), else the whole value.
fn last_segment(value: &str) -> &str {
    value
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .filter(|segment| !segment.is_empty())
        .unwrap_or(value)
}

fn default_scopes(
    ctx: &mut Ctx<'_>,
    at: &Path,
    scheme: &spec::AuthScheme,
    declared: &[spec::Scope],
) -> Vec<String> {
    let path = at.key("default_scopes");
    let own = ScopeIndex {
        scopes: declared
            .iter()
            .map(|scope| (scope.value.clone(), scope.name.clone()))
            .collect(),
    };
    let references = scheme.default_scopes.as_deref().unwrap_or_default();
    references
        .iter()
        .enumerate()
        .map(|(index, reference)| match own.lookup(reference) {
            Some(value) => value.to_owned(),
            None => {
                let problem = Problem::UndeclaredScope {
                    scope: reference.clone(),
                    suggestion: closest(reference, own.spellings()),
                };
                ctx.at_value(&path.index(index), problem);
                reference.clone()
            }
        })
        .collect()
}

/// Extra authorize or token parameters (at `path`), whose values are templates over the
/// declared variables (Auth0's `audience`, Zoom's `account_id`); the runtime fills them in as
/// plain text.
fn templated_params(
    ctx: &mut Ctx<'_>,
    variables: &mut Variables<'_>,
    path: &Path,
    params: Option<&Map<String>>,
) -> Vec<(String, String)> {
    params
        .into_iter()
        .flat_map(Map::iter)
        .map(|(name, value)| {
            variables.template(ctx, &path.key(name), value);
            (name.to_owned(), value.clone())
        })
        .collect()
}

/// The schemes this one requires; reports unknown ones, itself, and repeats.
fn requires(
    ctx: &mut Ctx<'_>,
    at: &Path,
    name: &str,
    scheme: &spec::AuthScheme,
    schemes: &Map<spec::AuthScheme>,
) -> Vec<String> {
    let path = at.key("requires");
    let mut seen = Names::new(NameKind::RequiredScheme);
    for (index, required) in scheme.requires.iter().enumerate() {
        let item = path.index(index);
        if required == name {
            let name = name.to_owned();
            ctx.at_value(&item, Problem::SchemeRequiresItself { name });
        } else if !schemes.contains_key(required) {
            let problem = Problem::UnknownScheme {
                name: required.clone(),
                suggestion: closest(required, schemes.keys().filter(|k| *k != name)),
            };
            ctx.at_value(&item, problem);
        }
        ctx.claim(&mut seen, required, required, &item);
    }
    scheme.requires.clone()
}
